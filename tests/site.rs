//! The repository's own briefing, built into a temporary folder and read back.

mod common;

use common::TestSite;
use scraper::{Html, Selector};
use std::collections::BTreeMap;

fn select<'a>(document: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    document
        .select(&Selector::parse(selector).unwrap())
        .collect()
}

fn page(site: &TestSite, path: &str) -> Html {
    Html::parse_document(&site.read(&format!("public/{path}")))
}

/// Resolves a relative `href` found on the page at `from` (a site path like
/// `timeline/`) to a site path and fragment.
fn resolve_href(from: &str, href: &str) -> (String, Option<String>) {
    let (path, fragment) = match href.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment.to_string())),
        None => (href, None),
    };
    if path.is_empty() {
        return (from.to_string(), fragment);
    }
    let mut parts: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    for piece in path.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            piece => parts.push(piece),
        }
    }
    let mut resolved = parts.join("/");
    if path.ends_with('/') || path == "." || path == "./" {
        resolved.push('/');
    }
    if resolved == "/" {
        resolved.clear();
    }
    (resolved, fragment)
}

fn built_site() -> TestSite {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    site
}

#[test]
fn every_page_of_the_layout_exists() {
    let site = built_site();
    let files = site.files("public");
    for path in [
        "index.html",
        "timeline/index.html",
        "faq/index.html",
        "sources/index.html",
        "methodology/index.html",
        "404.html",
        "sitemap.xml",
        "feed.xml",
        "robots.txt",
        ".nojekyll",
        "briefing.json",
    ] {
        assert!(files.contains_key(path), "{path} missing");
    }
    let stylesheets: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("assets/style.") && p.ends_with(".css"))
        .collect();
    assert_eq!(stylesheets.len(), 1, "{stylesheets:?}");
    for source in std::fs::read_dir(common::repo_content().join("sources")).unwrap() {
        let path = source.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let id = path.file_stem().unwrap().to_string_lossy();
            assert!(
                files.contains_key(&format!("sources/{id}/index.html")),
                "page of {id} missing"
            );
        }
    }
}

#[test]
fn every_citation_links_to_its_appendix_entry_and_back() {
    let site = built_site();
    let appendix = page(&site, "sources/index.html");
    let mut citations = 0;
    for page_path in ["", "timeline/", "faq/", "methodology/"] {
        let document = page(&site, &format!("{page_path}index.html"));
        for citation in select(&document, ".citation > a") {
            citations += 1;
            let id = citation.value().attr("id").expect("a citation has an id");
            let (target, fragment) =
                resolve_href(page_path, citation.value().attr("href").unwrap());
            assert_eq!(target, "sources/", "{id} on {page_path:?}");
            let fragment = fragment.expect("a citation links to an entry");
            let entry = select(&appendix, &format!("li[id='{fragment}']"));
            assert_eq!(entry.len(), 1, "no appendix entry {fragment}");
            let back: Vec<_> = select(&Html::parse_fragment(&entry[0].html()), ".backlinks a")
                .into_iter()
                .map(|a| resolve_href("sources/", a.value().attr("href").unwrap()))
                .collect();
            assert!(
                back.contains(&(page_path.to_string(), Some(id.to_string()))),
                "entry {fragment} does not link back to {page_path}#{id}"
            );
        }
    }
    assert!(citations > 100, "only {citations} citations");
}

#[test]
fn quoted_passages_are_highlighted_on_the_source_pages() {
    let site = built_site();
    let appendix = page(&site, "sources/index.html");
    let quotes = select(&appendix, ".quotes a");
    assert!(quotes.len() > 30, "only {} quotes", quotes.len());
    for quote in quotes {
        let (path, fragment) = resolve_href("sources/", quote.value().attr("href").unwrap());
        let fragment = fragment.unwrap();
        let source_page = page(&site, &format!("{path}index.html"));
        let highlighted = select(
            &source_page,
            &format!("mark[id='{fragment}'], mark span[id='{fragment}']"),
        );
        assert_eq!(highlighted.len(), 1, "{path}#{fragment} is not highlighted");
    }
}

#[test]
fn the_timeline_is_in_date_order_with_machine_readable_dates() {
    let site = built_site();
    let timeline = page(&site, "timeline/index.html");
    let dates: Vec<String> = select(&timeline, ".event > time")
        .iter()
        .map(|t| t.value().attr("datetime").unwrap().to_string())
        .collect();
    assert!(dates.len() >= 8, "{dates:?}");
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert!(dates.contains(&"2030".to_string()) && dates.contains(&"2032".to_string()));
    for event in select(&timeline, ".event") {
        let anchor = event.value().attr("id").unwrap();
        assert_eq!(
            select(
                &Html::parse_fragment(&event.html()),
                &format!("h2 a[href='#{anchor}']")
            )
            .len(),
            1
        );
    }
    assert_eq!(
        select(&timeline, ".event.future").len(),
        2,
        "2030 and 2032 are future milestones"
    );
}

#[test]
fn the_faq_has_its_questions_with_anchor_links() {
    let site = built_site();
    let faq = page(&site, "faq/index.html");
    let questions = select(&faq, "section.question");
    assert!(questions.len() >= 8);
    for question in questions {
        let anchor = question.value().attr("id").unwrap();
        let scoped = |inner: &str| select(&faq, &format!("section[id='{anchor}'] {inner}")).len();
        assert_eq!(scoped("> details > summary > h2"), 1, "{anchor}");
        assert_eq!(scoped(&format!("a[href='#{anchor}']")), 1, "{anchor}");
    }
}

#[test]
fn internal_links_are_relative_and_resolve_to_built_pages() {
    let site = built_site();
    let files = site.files("public");
    for path in files.keys().filter(|p| p.ends_with("index.html")) {
        let page_path = path.trim_end_matches("index.html");
        let document = page(&site, path);
        for link in select(&document, "a[href], link[href]") {
            let href = link.value().attr("href").unwrap();
            if href.starts_with("http") {
                continue;
            }
            assert!(!href.starts_with('/'), "{path}: absolute link {href}");
            let (target, fragment) = resolve_href(page_path, href);
            let file = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.html")
            } else {
                target.clone()
            };
            assert!(
                files.contains_key(&file),
                "{path}: {href} leads to missing {file}"
            );
            if let Some(fragment) = fragment {
                let target_page = page(&site, &file);
                assert!(
                    !select(&target_page, &format!("[id='{fragment}']")).is_empty(),
                    "{path}: {href} has no target"
                );
            }
        }
    }
}

#[test]
fn a_portable_build_names_index_html_in_every_page_link() {
    let site = TestSite::from_repo_content();
    site.build_ok(&["--portable"]);
    for path in [
        "index.html",
        "timeline/index.html",
        "sources/index.html",
        "sources/bytevyte-2026/index.html",
    ] {
        let document = page(&site, path);
        for link in select(&document, "a[href]") {
            let href = link.value().attr("href").unwrap();
            let target = href.split('#').next().unwrap();
            if href.starts_with("http") || target.is_empty() {
                continue;
            }
            assert!(target.ends_with("index.html"), "{path}: {href}");
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let first = built_site();
    let second = built_site();
    let one: BTreeMap<String, Vec<u8>> = first.files("public");
    assert_eq!(one, second.files("public"));
}

#[test]
fn a_rebuild_keeps_dot_directories_in_the_output() {
    let site = built_site();
    site.write("public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    site.build_ok(&[]);
    assert_eq!(site.read("public/.git/HEAD"), "ref: refs/heads/gh-pages\n");
}

#[test]
fn base_url_is_used_only_where_urls_must_be_absolute() {
    let site = TestSite::from_repo_content();
    site.build_ok(&["--base-url", "https://example.org/news/brief"]);
    let home = site.read("public/index.html");
    assert!(home.contains(r#"<link rel="canonical" href="https://example.org/news/brief/">"#));
    assert!(
        site.read("public/sitemap.xml")
            .contains("<loc>https://example.org/news/brief/timeline/</loc>")
    );
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://example.org/news/brief/sitemap.xml")
    );
    let not_found = page(&site, "404.html");
    let stylesheet = select(&not_found, "link[rel=stylesheet]")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert!(
        stylesheet.starts_with("/news/brief/assets/style."),
        "{stylesheet}"
    );
}
