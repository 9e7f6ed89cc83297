//! `briefing serve` and `briefing watch`, run as an editor runs them: a real server on a
//! loopback port, real edits to the files, and the pages and events read back.

mod common;

use common::serve::{
    PATIENCE, Served, pages_rendered, spawn, unfingerprinted, wait_for_stderr, without_live_script,
};
use common::{TestSite, git, line_and_column};
use std::io::Write;
use std::time::{Duration, Instant};

const BRIEFING: &str = "+++
title = \"A small briefing\"
+++

## What happened

The river rose [@gauge \"the river rose two metres overnight\"].
";

/// A briefing of one source, published under a project path (`/brief/`).
fn small_site() -> TestSite {
    TestSite::with_files(&[
        (
            "site.toml",
            "title = \"Flood\"\nbase_url = \"https://example.github.io/brief/\"\n",
        ),
        ("briefing.md", BRIEFING),
        (
            "timeline.md",
            "## 2026-04-27 — Rain\n\nIt rained [@gauge].\n",
        ),
        (
            "sources/gauge.txt",
            "River gauge report\n\nBy A. Reporter\n\nApril 28, 2026\n\n\
             Officials said the river rose two metres overnight after the storm.\n",
        ),
    ])
}

fn edit_briefing(site: &TestSite, from: &str, to: &str) {
    site.edit("content/briefing.md", |text| {
        assert!(text.contains(from), "{from:?} not in briefing.md");
        text.replacen(from, to, 1)
    });
}

#[test]
fn the_first_line_is_the_address_with_the_base_path_and_the_page_is_served() {
    let site = small_site();
    let served = site.serve(&[]);
    assert!(
        served.address.starts_with("127.0.0.1:"),
        "{}",
        served.address
    );
    assert_eq!(served.base, "/brief/");
    let page = served.get("");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("The river rose"));
}

#[test]
fn an_edit_sends_a_reload_event_and_the_new_content_is_served() {
    let site = small_site();
    let served = site.serve(&[]);
    let mut events = served.events();
    edit_briefing(&site, "## What happened", "## What happened overnight");
    events.next_named("reload");
    let page = served.get("").text();
    assert!(page.contains("What happened overnight"), "{page}");
    served.wait_for_stderr("the rebuild line", |e| {
        e.contains("content/briefing.md changed: rebuilt in ")
    });
}

#[test]
fn a_broken_citation_overlays_the_last_good_page_until_it_is_fixed() {
    let site = small_site();
    let served = site.serve(&[]);
    let mut events = served.events();
    edit_briefing(&site, "[@gauge \"the river", "[@gauje \"the river");
    let data = events.next_named("broken");
    let (line, column) = line_and_column(&site.read("content/briefing.md"), "@gauje");
    let position = format!("content/briefing.md:{line}:{column}");
    assert!(data.contains(&position), "{data}");

    let page = served.get("").text();
    assert!(page.contains("id=\"briefing-overlay\""), "no overlay");
    assert!(page.contains(&position), "overlay without {position}");
    assert!(page.contains("unknown source `gauje`"));
    assert!(
        page.contains("The river rose") && page.contains("href=\"sources/#source-gauge\""),
        "the last good page is not served"
    );
    served.wait_for_stderr("the error in the terminal", |e| {
        e.contains(&position) && e.contains("build failed with 1 error")
    });

    edit_briefing(&site, "[@gauje", "[@gauge");
    events.next_named("reload");
    let page = served.get("").text();
    assert!(
        !page.contains("id=\"briefing-overlay\""),
        "the overlay stayed"
    );
}

#[test]
fn a_briefing_that_does_not_build_at_first_is_served_once_fixed() {
    let site = small_site();
    edit_briefing(&site, "[@gauge", "[@nope");
    let served = site.serve(&[]);
    let page = served.get("");
    assert_eq!(page.status, 404);
    assert!(page.text().contains("unknown source `nope`"));
    let mut events = served.events();
    edit_briefing(&site, "[@nope", "[@gauge");
    events.next_named("reload");
    let page = served.get("");
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("id=\"briefing-overlay\""));
}

#[test]
fn a_stylesheet_change_swaps_the_stylesheet_without_a_reload() {
    let site = small_site();
    site.write(
        "themes/default/static/style.css",
        "body { color: black; }\n",
    );
    let served = site.serve(&[]);
    let mut events = served.events();
    site.write("themes/default/static/style.css", "body { color: navy; }\n");
    let (name, data) = events.next();
    assert_eq!(name, "css", "{data}");
    assert!(
        data.contains("\"paths\":[\"/brief/assets/style.css\"]"),
        "{data}"
    );
    assert_eq!(
        served.get("assets/style.css").text(),
        "body { color: navy; }\n"
    );
}

#[test]
fn served_pages_get_the_live_script_and_built_pages_do_not() {
    let site = small_site();
    site.build_ok(&[]);
    let built = unfingerprinted(&site.read("public/index.html"));
    assert!(
        !built.contains("__briefing"),
        "the build output has the script"
    );
    let served = site.serve(&[]);
    let page = served.get("").text();
    assert!(page.contains("new EventSource(\"/__briefing/events\")"));
    assert_eq!(without_live_script(&page), built);
    assert!(!site.root().join("public/.served").exists());
}

#[test]
fn serve_never_writes_the_output_folder() {
    let site = small_site();
    let served = site.serve(&[]);
    let mut events = served.events();
    edit_briefing(&site, "## What happened", "## What happened then");
    events.next_named("reload");
    assert!(!site.root().join("public").exists());
}

#[test]
fn paths_that_try_to_leave_the_site_get_400_or_404() {
    let site = small_site();
    site.write("secret.txt", "TOP SECRET\n");
    let served = site.serve(&[]);
    for target in [
        "/brief/../secret.txt",
        "/brief/../content/site.toml",
        "/brief/%2e%2e/secret.txt",
        "/brief/%2E%2E/%2E%2E/etc/passwd",
        "/brief/sources%2f..%2f..%2fsecret.txt",
        "/brief/..%5csecret.txt",
        "/brief/..\\secret.txt",
        "/brief/index.html%00.txt",
        "/brief//etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/brief/%ff",
        "http://127.0.0.1/brief/../secret.txt",
        "/secret.txt",
        "/content/site.toml",
    ] {
        let reply = served.request("GET", target, &[]);
        assert!(
            reply.status == 400 || reply.status == 404,
            "{target}: {}",
            reply.status
        );
        let body = reply.text();
        assert!(
            !body.contains("TOP SECRET") && !body.contains("root:"),
            "{target}"
        );
    }
}

#[test]
fn http_answers_head_etags_redirects_methods_and_missing_pages() {
    let site = small_site();
    let served = site.serve(&[]);

    let page = served.get("timeline/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let head = served.request("HEAD", "/brief/timeline/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("Content-Length"),
        Some(page.body.len().to_string().as_str())
    );

    let etag = page.header("ETag").expect("an ETag").to_string();
    let again = served.request("GET", "/brief/timeline/", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let other = served.request("GET", "/brief/timeline/", &[("If-None-Match", "\"x\"")]);
    assert_eq!(other.status, 200);

    let moved = served.request("GET", "/brief/timeline?a=1", &[]);
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("Location"), Some("/brief/timeline/?a=1"));
    let root = served.request("GET", "/", &[]);
    assert_eq!(root.status, 301);
    assert_eq!(root.header("Location"), Some("/brief/"));

    for method in ["POST", "PUT", "DELETE"] {
        let refused = served.request(method, "/brief/", &[("Content-Length", "0")]);
        assert_eq!(refused.status, 405, "{method}");
        assert_eq!(refused.header("Allow"), Some("GET, HEAD"));
    }

    let missing = served.get("no/such/page/");
    assert_eq!(missing.status, 404);
    let not_found_page = unfingerprinted(&site_404(&site));
    assert_eq!(without_live_script(&missing.text()), not_found_page);

    for (path, content_type) in [
        ("assets/style.css", "text/css; charset=utf-8"),
        ("briefing.json", "application/json; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
    ] {
        let reply = served.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("Content-Type"), Some(content_type), "{path}");
    }
    let feed = served.get("feed.xml");
    assert!(feed.header("Content-Type").unwrap().contains("xml"));
}

/// The 404 page as `build` writes it.
fn site_404(site: &TestSite) -> String {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("public");
    site.build_ok(&["--out", out.to_str().unwrap()]);
    std::fs::read_to_string(out.join("404.html")).unwrap()
}

#[test]
fn fifty_concurrent_clients_all_get_the_built_files() {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    // serve publishes assets under their plain names, so a stylesheet can be swapped.
    let built: std::collections::BTreeMap<String, Vec<u8>> = site
        .files("public")
        .into_iter()
        .map(|(path, bytes)| {
            let bytes = match path.ends_with(".html") {
                true => unfingerprinted(&String::from_utf8(bytes).unwrap()).into_bytes(),
                false => bytes,
            };
            (unfingerprinted(&path), bytes)
        })
        .collect();
    let served = site.serve(&[]);
    let paths: Vec<&String> = built.keys().filter(|p| !p.starts_with('.')).collect();
    std::thread::scope(|scope| {
        for client in 0..50 {
            let path = paths[client % paths.len()];
            let (served, expected) = (&served, &built[path]);
            scope.spawn(move || {
                let reply = served.get(path.strip_suffix("index.html").unwrap_or(path));
                assert_eq!(reply.status, 200, "{path}");
                if path.ends_with(".html") && path != "404.html" {
                    assert_eq!(without_live_script(&reply.text()).as_bytes(), expected);
                } else if path != "404.html" {
                    assert_eq!(&reply.body, expected, "{path}");
                }
            });
        }
    });
}

#[test]
fn clients_that_never_finish_their_requests_do_not_stall_the_others() {
    let site = small_site();
    let served = site.serve(&[]);
    // Clients arrive one after the other, as a browser's do. (tiny_http 0.12's connection
    // pool can leave a connection unattended when many arrive within microseconds of each
    // other while every pool thread is held by a stalled client; see the README.)
    let stalled: Vec<_> = (0..20)
        .map(|_| {
            let mut stream = served.connect();
            stream
                .write_all(b"GET /brief/ HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            std::thread::sleep(Duration::from_millis(10));
            stream
        })
        .collect();
    let _readers: Vec<_> = (0..10).map(|_| served.events()).collect();
    assert_eq!(served.get("").status, 200);
    drop(stalled);
}

#[test]
fn many_quick_edits_end_with_the_last_one_served() {
    let site = small_site();
    let served = site.serve(&[]);
    for n in 0..10 {
        site.write(
            "content/briefing.md",
            &BRIEFING.replace("What happened", &format!("Edit {n}")),
        );
        std::thread::sleep(Duration::from_millis(7));
    }
    let started = Instant::now();
    while !served.get("").text().contains("Edit 9") {
        assert!(started.elapsed() < PATIENCE, "{}", served.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    // The line about a rebuild comes right after its site is served.
    served.wait_for_stderr("the rebuild line", |e| e.contains("changed: rebuilt"));
    let rebuilds = served.stderr().matches(" changed: ").count();
    assert!(
        (1..10).contains(&rebuilds),
        "{rebuilds} rebuilds for 10 edits"
    );
}

#[test]
fn editor_swap_and_backup_files_do_not_trigger_rebuilds() {
    let site = small_site();
    let served = site.serve(&[]);
    let mut events = served.events();
    site.write("content/.briefing.md.swp", "swap");
    site.write("content/briefing.md~", "backup");
    site.write("content/4913", "");
    std::fs::remove_file(site.root().join("content/4913")).unwrap();
    site.write("content/.#briefing.md", "lock");
    // Then a real edit: the next event must be its reload, and the only rebuild.
    edit_briefing(&site, "## What happened", "## What happened next");
    events.next_named("reload");
    // The line about a rebuild is printed just after its site is served.
    served.wait_for_stderr("the rebuild line", |e| e.contains("changed: rebuilt"));
    let stderr = served.stderr();
    assert_eq!(stderr.matches(" changed: ").count(), 1, "{stderr}");
    assert!(stderr.contains("content/briefing.md changed"), "{stderr}");
}

#[test]
fn polling_notices_edits_too() {
    let site = small_site();
    let served = site.serve(&["--poll"]);
    served.wait_for_stderr("the polling note", |e| e.contains("polling content/"));
    let mut events = served.events();
    edit_briefing(&site, "## What happened", "## What happened (polled)");
    events.next_named("reload");
    assert!(served.get("").text().contains("What happened (polled)"));
}

#[test]
fn a_new_source_and_a_deleted_one_are_noticed() {
    let site = small_site();
    let served = site.serve(&[]);
    let mut events = served.events();
    site.write(
        "content/sources/second.txt",
        "Second report\n\nBy B. Writer\n\nApril 29, 2026\n\nThe water fell again by noon.\n",
    );
    events.next_named("reload");
    assert_eq!(served.get("sources/second/").status, 200);
    std::fs::remove_file(site.root().join("content/sources/second.txt")).unwrap();
    events.next_named("reload");
    assert_eq!(served.get("sources/second/").status, 404);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = small_site();
    let mut served: Served = site.serve(&[]);
    let status = std::process::Command::new("kill")
        .args(["-INT", &served.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(served.wait_for_exit(), Some(0), "{}", served.stderr());
    assert!(served.stderr().contains("Stopped."));
}

/// Writes a further source, quoted nowhere, as `content/sources/<id>.txt`.
fn add_source(site: &TestSite, id: &str) {
    site.write(
        &format!("content/sources/{id}.txt"),
        &format!("Report {id}\n\nBy A. Writer\n\nApril 29, 2026\n\nThe water of {id} fell.\n"),
    );
}

#[test]
fn an_edit_of_the_briefing_renders_no_source_page_again() {
    let site = small_site();
    for id in ["second", "third"] {
        add_source(&site, id);
    }
    let served = site.serve(&[]);
    let source_page = served.get("sources/second/").text();
    let mut events = served.events();
    edit_briefing(&site, "## What happened", "## What happened overnight");
    events.next_named("reload");
    // Unbuffered stderr may reach the pipe in pieces: wait for the whole line.
    served.wait_for_stderr("the rebuild line", |e| {
        e.split("changed: rebuilt")
            .nth(1)
            .is_some_and(|line| line.contains("rendered)"))
    });
    let stderr = served.stderr();
    let &(rendered, pages) = pages_rendered(&stderr).last().expect("a count of pages");
    assert!(rendered >= 1, "the briefing was not rendered: {stderr}");
    assert!(
        rendered + 3 <= pages,
        "the three source pages were rendered again: {stderr}"
    );
    assert!(served.get("").text().contains("What happened overnight"));
    assert_eq!(
        without_live_script(&served.get("sources/second/").text()),
        without_live_script(&source_page)
    );
}

#[test]
fn a_new_sidecar_renders_its_source_page_and_the_appendix_again() {
    let site = small_site();
    let served = site.serve(&[]);
    let mut events = served.events();
    site.write(
        "content/sources/gauge.toml",
        "title = \"Gauge readings, corrected\"\n",
    );
    events.next_named("reload");
    assert!(
        served
            .get("sources/gauge/")
            .text()
            .contains("Gauge readings, corrected")
    );
    assert!(
        served
            .get("sources/")
            .text()
            .contains("Gauge readings, corrected")
    );
}

#[test]
fn a_source_edited_so_that_a_quote_is_gone_breaks_the_build_until_restored() {
    let site = small_site();
    let original = site.read("content/sources/gauge.txt");
    let served = site.serve(&[]);
    let mut events = served.events();
    site.write(
        "content/sources/gauge.txt",
        &original.replace("rose two metres", "rose two feet"),
    );
    let data = events.next_named("broken");
    assert!(
        data.contains("the river rose two metres overnight"),
        "{data}"
    );
    site.write("content/sources/gauge.txt", &original);
    events.next_named("reload");
    assert!(!served.get("").text().contains("id=\"briefing-overlay\""));
}

#[test]
fn a_new_site_title_reaches_every_source_page() {
    let site = small_site();
    add_source(&site, "second");
    let served = site.serve(&[]);
    let mut events = served.events();
    site.edit("content/site.toml", |text| {
        text.replace("Flood", "High water")
    });
    events.next_named("reload");
    for page in ["sources/gauge/", "sources/second/"] {
        assert!(served.get(page).text().contains("High water"), "{page}");
    }
}

#[test]
fn a_commit_made_while_serving_dates_the_pages_from_the_next_rebuild() {
    let site = small_site();
    let root = site.root();
    git(root, &["init", "-q"], "2026-05-01T10:00:00Z");
    git(root, &["add", "content"], "2026-05-01T10:00:00Z");
    git(
        root,
        &["commit", "-q", "-m", "First"],
        "2026-05-01T10:00:00Z",
    );
    let served = site.serve(&[]);
    let dated = |day: &str| format!("/brief/timeline/</loc><lastmod>{day}</lastmod>");
    assert!(
        served
            .get("sitemap.xml")
            .text()
            .contains(&dated("2026-05-01"))
    );
    site.edit("content/timeline.md", |t| t + "\nThe water stayed high.\n");
    git(
        root,
        &["commit", "-q", "-am", "Later"],
        "2026-06-15T12:00:00Z",
    );
    // The commit itself changes no file the server watches: the next edit rebuilds.
    edit_briefing(&site, "## What happened", "## What happened then");
    let started = Instant::now();
    while !served
        .get("sitemap.xml")
        .text()
        .contains(&dated("2026-06-15"))
    {
        assert!(started.elapsed() < PATIENCE, "{}", served.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn saving_a_file_unchanged_does_not_reload_open_pages() {
    let site = small_site();
    let served = site.serve(&[]);
    let before = served.get("").text();
    site.write("content/briefing.md", BRIEFING);
    served.wait_for_stderr("the rebuild line", |e| e.contains("0 files changed"));
    // The page names the version it belongs to: no new version, nothing to reload.
    assert_eq!(served.get("").text(), before);
}

#[test]
fn a_file_written_in_two_parts_is_rebuilt_once_when_it_is_complete() {
    let site = small_site();
    let served = site.serve(&[]);
    let mut events = served.events();
    let text = BRIEFING.replace("What happened", "What happened slowly");
    // Cut inside the citation: the first part alone does not build.
    let (first, rest) = text.split_at(text.find("[@gauge").unwrap() + 3);
    let mut file = std::fs::File::create(site.root().join("content/briefing.md")).unwrap();
    file.write_all(first.as_bytes()).unwrap();
    file.flush().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    file.write_all(rest.as_bytes()).unwrap();
    drop(file);
    let (name, data) = events.next();
    assert_eq!(name, "reload", "{data}");
    assert!(served.get("").text().contains("What happened slowly"));
    let stderr = served.stderr();
    assert_eq!(stderr.matches(" changed: ").count(), 1, "{stderr}");
}

#[test]
fn watch_rebuilds_into_the_output_folder_and_keeps_it_on_errors() {
    let site = small_site();
    let root = site.root().to_string_lossy().into_owned();
    let (mut child, stderr) = spawn(&["watch", "--root", &root]);
    let _kill = KillOnDrop(&mut child);
    wait_for_stderr(&stderr, "the first build", |e| e.contains("Ctrl-C to stop"));
    assert!(site.read("public/index.html").contains("What happened"));

    edit_briefing(&site, "## What happened", "## What happened (watched)");
    wait_for_stderr(&stderr, "the rebuild", |e| {
        e.split("changed: built into")
            .nth(1)
            .is_some_and(|line| line.contains("rendered)"))
    });
    assert!(
        site.read("public/index.html")
            .contains("What happened (watched)")
    );

    edit_briefing(&site, "[@gauge \"the river", "[@nope \"the river");
    wait_for_stderr(&stderr, "the failed rebuild", |e| {
        e.contains("build failed")
    });
    assert!(
        site.read("public/index.html")
            .contains("What happened (watched)")
    );
    assert!(!site.read("public/index.html").contains("__briefing"));

    // Writing public/ must not have caused rebuilds of its own.
    std::thread::sleep(Duration::from_millis(500));
    let log = stderr.lock().unwrap().clone();
    assert_eq!(log.matches(" changed:").count(), 2, "{log}");
}

#[cfg(unix)]
#[test]
fn watch_leaves_the_output_files_an_edit_does_not_change_as_they_were() {
    use std::os::unix::fs::MetadataExt;
    let site = small_site();
    add_source(&site, "second");
    let root = site.root().to_string_lossy().into_owned();
    let (mut child, stderr) = spawn(&["watch", "--root", &root]);
    let _kill = KillOnDrop(&mut child);
    wait_for_stderr(&stderr, "the first build", |e| e.contains("Ctrl-C to stop"));
    let identity = |path: &str| {
        let meta = std::fs::metadata(site.root().join(path)).unwrap();
        (meta.ino(), meta.mtime_nsec(), meta.mtime())
    };
    let source_page = identity("public/sources/second/index.html");
    let briefing_page = identity("public/index.html");

    edit_briefing(&site, "## What happened", "## What happened (watched)");
    wait_for_stderr(&stderr, "the rebuild", |e| {
        e.split("changed: built into")
            .nth(1)
            .is_some_and(|line| line.contains("rendered)"))
    });
    assert_eq!(identity("public/sources/second/index.html"), source_page);
    assert_ne!(identity("public/index.html"), briefing_page);
    let log = stderr.lock().unwrap().clone();
    let &(rendered, pages) = pages_rendered(&log).last().unwrap();
    assert!(rendered + 2 <= pages, "source pages rendered again: {log}");
}

struct KillOnDrop<'a>(&'a mut std::process::Child);

impl Drop for KillOnDrop<'_> {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
