//! Bad input: each mistake is reported with its file, line and column, the build exits
//! with status 1, and the previous output stays as it was.

mod common;

use common::{TestSite, line_and_column};

/// Builds once, breaks the content with `edit`, and checks that the second build fails
/// naming `file:line:column` of `needle`, with the first output left intact.
fn fails_at(
    file: &str,
    edit: impl FnOnce(String) -> String,
    needle: &str,
    message: &str,
) -> String {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    let before = site.files("public");
    site.edit(file, edit);
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let (line, column) = line_and_column(&site.read(file), needle);
    let location = format!("{file}:{line}:{column}");
    assert!(
        run.stderr.contains(&location),
        "expected {location} in:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(message),
        "expected {message:?} in:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(before, site.files("public"), "the earlier output changed");
    run.stderr
}

#[test]
fn an_unknown_citation_id_fails_at_its_position() {
    fails_at(
        "content/briefing.md",
        |text| {
            text.replace(
                "## Why it matters\n",
                "## Why it matters\n\nA claim [@no-such-source].\n",
            )
        },
        "@no-such-source",
        "unknown source `no-such-source`",
    );
}

#[test]
fn a_quote_not_in_the_source_fails_at_its_position() {
    let stderr = fails_at(
        "content/faq.md",
        |text| {
            text + "\n## Is this quoted?\n\nNo [@bytevyte-2026 \"words the article never printed\"].\n"
        },
        "@bytevyte-2026 \"words the article never printed\"",
        "quote not found in source `bytevyte-2026`",
    );
    assert!(stderr.contains("words the article never printed"));
}

#[test]
fn a_timeline_heading_without_a_date_fails_at_the_heading() {
    fails_at(
        "content/timeline.md",
        |text| text + "\n## Sometime later — Something happened\n\nText.\n",
        "Sometime later",
        "timeline heading has no date",
    );
}

#[test]
fn an_impossible_date_fails_at_the_heading() {
    fails_at(
        "content/timeline.md",
        |text| text + "\n## 2026-02-30 — Not a day\n\nText.\n",
        "2026-02-30 —",
        "is not a date",
    );
}

#[test]
fn malformed_front_matter_fails_at_the_bad_line() {
    fails_at(
        "content/briefing.md",
        |text| text.replacen("summary =", "summary = = ", 1),
        "summary =",
        "error",
    );
}

#[test]
fn a_malformed_sidecar_fails_at_the_bad_key() {
    fails_at(
        "content/sources/vela-2026-04-28.toml",
        |text| format!("{text}\nkidn = \"opinion\"\n"),
        "kidn",
        "unknown field `kidn`",
    );
}

#[test]
fn a_malformed_citation_fails_at_its_start() {
    fails_at(
        "content/briefing.md",
        |text| {
            text.replace(
                "## Why it matters\n",
                "## Why it matters\n\nSee [@vela-2026-04-28 \"never closed].\n",
            )
        },
        "[@vela-2026-04-28 \"never closed",
        "malformed citation",
    );
}

#[test]
fn all_errors_of_a_build_are_reported_at_once() {
    let site = TestSite::from_repo_content();
    site.edit("content/briefing.md", |t| {
        t + "\nOne [@first-missing] and two [@second-missing].\n"
    });
    site.edit("content/faq.md", |t| {
        t + "\n## Q?\n\nA [@analysis-2026-05-08 \"not in it at all\"].\n"
    });
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1);
    for expected in ["first-missing", "second-missing", "not in it at all"] {
        assert!(
            run.stderr.contains(expected),
            "{expected} not reported:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("build failed with 3 errors"),
        "{}",
        run.stderr
    );
    assert!(
        !site.root().join("public").exists(),
        "a failed first build must not leave an output"
    );
}

#[test]
fn a_missing_site_toml_is_a_clear_error() {
    let site = TestSite::with_files(&[("briefing.md", "+++\ntitle = \"T\"\n+++\nText.\n")]);
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("content/site.toml is missing"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
}

#[test]
fn bad_usage_exits_with_status_two() {
    let site = TestSite::from_repo_content();
    assert_eq!(site.run(&["build", "--no-such-flag"]).status, 2);
    assert_eq!(site.run(&["frobnicate"]).status, 2);
}

#[test]
fn check_reports_errors_as_json_with_positions() {
    let site = TestSite::from_repo_content();
    site.edit("content/briefing.md", |t| t + "\nA claim [@nobody].\n");
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.status, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let error = &report["errors"][0];
    let (line, column) = line_and_column(&site.read("content/briefing.md"), "@nobody");
    assert_eq!(error["file"], "content/briefing.md");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(line as u64), Some(column as u64))
    );
    assert_eq!(error["kind"], "unknown_source");
    assert!(!site.root().join("public").exists(), "check writes nothing");
}

#[test]
fn the_output_may_not_be_the_briefing_itself_or_a_folder_of_other_files() {
    let site = TestSite::from_repo_content();
    let content = site.root().join("content");
    for out in [
        site.root().to_path_buf(),
        content.clone(),
        content.join("public"),
    ] {
        let run = site.run(&["build", "--out", out.to_str().unwrap()]);
        assert_eq!(run.status, 1, "{}", out.display());
        assert!(
            run.stderr.contains("will not write the site"),
            "{}",
            run.stderr
        );
    }
    assert!(
        content.join("briefing.md").is_file(),
        "the content is still there"
    );
    site.write("notes/todo.txt", "keep me");
    let notes = site.root().join("notes");
    assert_eq!(
        site.run(&["build", "--out", notes.to_str().unwrap()])
            .status,
        1
    );
    assert_eq!(site.read("notes/todo.txt"), "keep me");
}

#[test]
fn a_date_run_into_the_title_is_not_misread_as_a_coarser_date() {
    fails_at(
        "content/timeline.md",
        |text| text + "\n## 2026-05-01 Follow-up talks\n\nText.\n",
        "2026-05-01 Follow-up",
        "timeline heading has no date",
    );
}

#[test]
fn a_source_whose_name_cannot_be_a_citation_key_is_an_error() {
    let site = TestSite::from_repo_content();
    site.write("content/sources/two words.txt", "A Title Of Some Length Here\n\nA paragraph of text that is long enough to be a paragraph.\n");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("`two words` cannot be a source id"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_template_failing_halfway_through_the_pages_leaves_the_old_output_and_no_debris() {
    let site = TestSite::from_repo_content();
    site.build_ok(&[]);
    let before = site.files("public");
    // A theme's template replaces the built-in one of its name. Only source pages fail,
    // while the other pages are being written to the staging folder.
    let theme = common::repo_content().join("../themes/default/templates/source.html");
    let template = std::fs::read_to_string(theme).unwrap();
    site.write(
        "themes/default/templates/source.html",
        &template.replace("{{ source.number }}", "{{ source.number.no_such_field }}"),
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("source.html"), "{}", run.stderr);
    assert_eq!(before, site.files("public"), "the earlier output changed");
    let debris: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("public."))
        .collect();
    assert!(debris.is_empty(), "left behind: {debris:?}");
}
