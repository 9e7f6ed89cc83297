//! Source ingestion, end to end: every labelled article read exactly as a careful reader
//! would, `briefing source inspect` and `briefing source add` through the real binary,
//! and bad source files failing the build with a message naming them.

mod common;

use common::{TestSite, labelled_corpus};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const FIELDS: [&str; 11] = [
    "title",
    "publisher",
    "author",
    "published",
    "updated",
    "url",
    "blocks",
    "faq",
    "notes",
    "dates",
    "removed",
];

fn sorted(value: &Value) -> Vec<String> {
    let mut items: Vec<String> = value
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    items.sort();
    items
}

#[test]
fn every_labelled_article_is_read_field_by_field_as_expected() {
    let mut mismatches = Vec::new();
    for labelled in labelled_corpus() {
        let (extracted, warnings) = briefing::ingest::inspect(&labelled.article, None)
            .unwrap_or_else(|e| panic!("{}: {e}", labelled.name));
        let got = briefing::ingest::to_json(&extracted);
        for field in FIELDS {
            let (got, want) = match field {
                // What is dropped is listed in reading order, which differs by format.
                "removed" => (
                    Value::from(sorted(&got[field])),
                    Value::from(sorted(&labelled.expected[field])),
                ),
                _ => (got[field].clone(), labelled.expected[field].clone()),
            };
            if got != want {
                mismatches.push(format!(
                    "{} {field}:\n   got {got}\n  want {want}",
                    labelled.name
                ));
            }
        }
        let mut kinds: Vec<String> = warnings
            .iter()
            .map(|w| w.problem.kind().to_string())
            .collect();
        kinds.sort();
        let want = sorted(&labelled.expected["warnings"]);
        if kinds != want {
            mismatches.push(format!(
                "{} warnings:\n   got {kinds:?}\n  want {want:?}",
                labelled.name
            ));
        }
        assert!(
            warnings
                .iter()
                .all(|w| w.file == labelled.article && !w.is_error()),
            "{}: every warning names the file",
            labelled.name
        );
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn numeric_dates_are_read_in_the_order_the_site_names() {
    let article =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ingest_corpus/ambiguous-date.txt");
    let order = Some(briefing::ingest::DateOrder::Dmy);
    let (extracted, warnings) = briefing::ingest::inspect(&article, order).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(extracted.meta.published.unwrap().to_string(), "2026-05-08");
    let dates: Vec<String> = extracted.dates.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["2026-05-08", "2026-05-03"]);
    let order = Some(briefing::ingest::DateOrder::Mdy);
    let (extracted, _) = briefing::ingest::inspect(&article, order).unwrap();
    assert_eq!(extracted.meta.published.unwrap().to_string(), "2026-08-05");
}

/// Runs `briefing ARGS` (no `--root`).
fn briefing(args: &[&str]) -> common::Run {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .output()
        .unwrap()
        .into()
}

fn corpus(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/ingest_corpus")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn source_inspect_prints_exactly_the_fields_of_the_issue_as_json() {
    let vela = common::repo_content().join("sources/vela-2026-04-28.txt");
    let run = briefing(&[
        "source",
        "inspect",
        vela.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    let mut want = FIELDS.to_vec();
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(json["published"], Value::Null);
    assert_eq!(json["updated"], "2026-04-28");
    assert_eq!(json["url"], Value::Null);
    for block in json["blocks"].as_array().unwrap() {
        let kind = block["kind"].as_str().unwrap();
        assert!(
            ["heading", "paragraph", "list_item"].contains(&kind),
            "{kind}"
        );
        assert_eq!(block.as_object().unwrap().len(), 2);
    }
    assert_eq!(
        json["faq"][0]["question"],
        "Why are Microsoft and OpenAI ending their exclusive partnership?"
    );
    assert_eq!(
        json["dates"][0],
        serde_json::json!({"date": "2026-04-28", "text": "Updated Apr 28, 2026"})
    );
}

#[test]
fn source_inspect_shows_the_same_to_a_person_and_warns_naming_the_file() {
    let file = corpus("ambiguous-date.txt");
    let run = briefing(&["source", "inspect", &file]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("     title: Ski Resorts Report Record Spring Season"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("published: (not found)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("paragraph Published 08.05.2026"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("ambiguous date `08.05.2026`")
            && run.stderr.contains(&format!("{file}:3:11")),
        "{}",
        run.stderr
    );
    let run = briefing(&["source", "inspect", &file, "--date-order", "dmy"]);
    assert!(
        run.stdout.contains("published: 2026-05-08"),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("ambiguous"), "{}", run.stderr);
}

#[test]
fn source_add_copies_the_article_byte_for_byte_with_a_sidecar_to_review() {
    let site = TestSite::from_repo_content();
    let article = corpus("news-jsonld.html");
    let run = site.run(&["source", "add", &article]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("[@continental-post-2026-05-07]"),
        "{}",
        run.stderr
    );
    let copied = site
        .root()
        .join("content/sources/continental-post-2026-05-07.html");
    assert_eq!(
        std::fs::read(&copied).unwrap(),
        std::fs::read(&article).unwrap()
    );
    let sidecar = site.read("content/sources/continental-post-2026-05-07.toml");
    let values: toml::Table = toml::from_str(&sidecar).unwrap();
    assert_eq!(
        values["title"].as_str(),
        Some("Rail Operators Agree Single Ticket for Cross-Border Trips")
    );
    assert_eq!(
        values["author"].as_str(),
        Some("Sofia Marin and Jonas Berg")
    );
    assert_eq!(values["published"].to_string(), "2026-05-07");
    assert_eq!(
        values["url"].as_str(),
        Some("https://continentalpost.example/transport/single-ticket")
    );
    assert!(
        sidecar.contains("# kind = "),
        "what was not found is left for the editor:\n{sidecar}"
    );
    // The new source is citable at once.
    site.edit("content/briefing.md", |text| {
        text + "\nTickets [@continental-post-2026-05-07 \"sell a single ticket for journeys that cross their borders\"].\n"
    });
    site.build_ok(&[]);
    let appendix = site.read("public/sources/index.html");
    assert!(
        appendix.contains("Rail Operators Agree Single Ticket"),
        "{appendix}"
    );
}

#[test]
fn source_add_takes_an_id_and_never_overwrites_a_source() {
    let site = TestSite::from_repo_content();
    let article = corpus("short-brief.txt");
    let run = site.run(&["source", "add", &article, "--id", "valley-water"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let before = site.files("content/sources");
    let run = site.run(&[
        "source",
        "add",
        &corpus("bare.html"),
        "--id",
        "valley-water",
    ]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .contains("a source with the id `valley-water` already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(site.files("content/sources"), before, "nothing was written");
    let run = site.run(&["source", "add", &article, "--id", "../escape"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("cannot be a source id"),
        "{}",
        run.stderr
    );
    assert_eq!(site.files("content/sources"), before);
}

/// A briefing with the repo's content, built once, then given `bad` sources.
fn site_with_bad_sources(bad: &[(&str, Vec<u8>)]) -> (TestSite, common::Run) {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    for (name, bytes) in bad {
        std::fs::write(site.root().join("content/sources").join(name), bytes).unwrap();
    }
    let run = site.run(&["build"]);
    (site, run)
}

#[test]
fn bad_source_files_each_fail_the_build_with_their_name_and_leave_the_site_alone() {
    let mut not_utf8 = b"A Title For The Story\nThe caf".to_vec();
    not_utf8.extend([0xe9, b' ', b'o', b'k', b'\n']);
    let mut binary = b"\x89PNG\r\n\x1a\n".to_vec();
    binary.extend([0u8; 64]);
    let (site, run) = site_with_bad_sources(&[
        ("empty.txt", Vec::new()),
        ("blank.md", b"  \n\n".to_vec()),
        ("image.html", binary),
        ("latin1.txt", not_utf8),
    ]);
    let before = site.files("public");
    assert_eq!(run.status, 1, "{}", run.stderr);
    for expected in [
        "content/sources/empty.txt",
        "content/sources/blank.md",
        "the article is empty",
        "content/sources/image.html",
        "the file is binary, not text (a NUL byte at offset 8)",
        "content/sources/latin1.txt:2:8",
        "not valid UTF-8 (first bad byte at offset 29)",
        "error: build failed with 4 errors",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected:?} not in:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        site.files("public"),
        before,
        "the previous site is untouched"
    );
}

#[test]
fn a_fifty_megabyte_page_is_refused_by_size_before_it_is_read() {
    let mut page = b"<html><body><article><p>".to_vec();
    page.resize(50 * 1024 * 1024, b'x');
    let (site, run) = site_with_bad_sources(&[("huge.html", page)]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/sources/huge.html")
            && run
                .stderr
                .contains("the file is 50.0 MB, more than the 20.0 MB an article may have"),
        "{}",
        run.stderr
    );
    let path = site.root().join("content/sources/huge.html");
    let run = briefing(&["source", "inspect", path.to_str().unwrap()]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("50.0 MB"), "{}", run.stderr);
}

#[test]
fn html_that_is_not_well_formed_is_read_like_a_browser_would() {
    let site = TestSite::from_repo_content();
    std::fs::copy(
        corpus("malformed.html"),
        site.root().join("content/sources/bakery.html"),
    )
    .unwrap();
    site.edit("content/briefing.md", |text| {
        text + "\nA recall [@bakery \"customers could return the bread for a full refund\"].\n"
    });
    let run = site.build_ok(&[]);
    assert!(
        !run.stderr.contains("bakery.html"),
        "no warning: {}",
        run.stderr
    );
    let page = site.read("public/sources/bakery/index.html");
    assert!(page.contains("<mark"), "{page}");
}

#[test]
fn inspecting_bad_files_names_them_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, message) in [
        ("empty.txt", &b""[..], "the article is empty"),
        ("nul.txt", &b"ab\0cd"[..], "binary"),
        ("bad.md", &b"ok\n\xff\n"[..], "not valid UTF-8"),
        (
            "broken.md",
            &b"---\ntitle: [oops\n---\nText.\n"[..],
            "broken.md:",
        ),
        (
            "page.pdf",
            &b"%PDF-1.7 text"[..],
            "unsupported source file type `.pdf`",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let run = briefing(&["source", "inspect", path.to_str().unwrap()]);
        assert_eq!(run.status, 1, "{name}");
        assert!(
            run.stderr.contains(message) && run.stderr.contains(name),
            "{name}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn an_ambiguous_date_warns_in_a_build_unless_site_toml_names_the_order() {
    let site = TestSite::from_repo_content();
    std::fs::copy(
        corpus("ambiguous-date.txt"),
        site.root().join("content/sources/alpine.txt"),
    )
    .unwrap();
    let check = |site: &TestSite| -> Vec<String> {
        let run = site.run(&["check", "--format", "json"]);
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["file"] == "content/sources/alpine.txt")
            // Dates that no timeline event covers are provenance, not ingestion.
            .filter(|w| w["kind"] != "uncovered_date")
            .map(|w| format!("{}:{}", w["kind"].as_str().unwrap(), w["line"]))
            .collect()
    };
    assert_eq!(
        check(&site),
        [
            "ambiguous_date:3",
            "ambiguous_date:5",
            "missing_metadata:null"
        ]
    );
    site.edit("content/site.toml", |text| text + "date_order = \"dmy\"\n");
    assert_eq!(check(&site), Vec::<String>::new());
}

#[test]
fn the_seeds_keep_their_disclosures_as_notes_and_no_boilerplate_in_their_bodies() {
    let read = |id: &str| {
        let path = common::repo_content().join(format!("sources/{id}.txt"));
        briefing::ingest::inspect(&path, None).unwrap().0
    };
    let boilerplate = [
        "Skip to content",
        "Set Interest Preferences",
        "min read",
        "Tech Frontline",
        "Abstract representation",
        "Related Articles",
        "OpenAI Shifts Enterprise Strategy",
        "can make mistakes",
        "AI-generated image",
        "Human Verified",
        "Discovered via Perplexity",
        "drafted by editorial AI",
        "AI Policy, Ethics & Regulation",
    ];
    for id in [
        "vela-2026-04-28",
        "analysis-2026-05-08",
        "bytevyte-2026",
        "realignment-2026",
    ] {
        let extracted = read(id);
        for block in &extracted.blocks {
            for furniture in boilerplate {
                assert!(
                    !block.text.contains(furniture),
                    "{id}: {furniture:?} in {:?}",
                    block.text
                );
            }
        }
    }
    let vela = read("vela-2026-04-28");
    assert_eq!(
        (vela.meta.publisher.as_deref(), vela.meta.author.as_deref()),
        (Some("Vela"), Some("Jason"))
    );
    assert_eq!(vela.meta.updated.unwrap().to_string(), "2026-04-28");
    assert_eq!(vela.faq.len(), 3);
    let analysis = read("analysis-2026-05-08");
    assert_eq!(analysis.meta.published.unwrap().to_string(), "2026-05-08");
    assert!(
        analysis
            .meta
            .notes
            .iter()
            .any(|n| n.contains("partially drafted by editorial AI"))
    );
    let bytevyte = read("bytevyte-2026");
    assert_eq!(bytevyte.meta.publisher.as_deref(), Some("bytevyte"));
    assert_eq!(
        bytevyte.meta.notes[1..],
        [
            "AI-generated image.".to_string(),
            "Human Verified".to_string()
        ]
    );
    let realignment = read("realignment-2026");
    assert_eq!(
        realignment.meta.title.as_deref(),
        Some("A Strategic Realignment in AI Cloud Infrastructure")
    );
    assert_eq!(
        (realignment.meta.author.clone(), realignment.meta.published),
        (None, None)
    );
}

#[test]
fn a_page_without_article_text_is_a_warning_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.html");
    std::fs::write(
        &path,
        "<html><head><title>App | Site</title><script>render()</script></head><body><div id=\"root\"></div></body></html>",
    )
    .unwrap();
    let (_, warnings) = briefing::ingest::inspect(&path, None).unwrap();
    let kinds: Vec<&str> = warnings.iter().map(|w| w.problem.kind()).collect();
    assert_eq!(kinds, ["no_body_text", "missing_metadata"]);
    assert!(warnings.iter().all(|w| w.file == path));
}
