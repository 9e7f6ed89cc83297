//! Provenance: sources that agree, disagree and partly overlap, on small briefings.

mod common;

use common::{TestSite, line_and_column};
use serde_json::Value;

const SITE: &str = "title = \"Deal\"\nbase_url = \"https://example.org/\"\n";

/// A briefing with two sources, `a` and `b`, whose texts are given, and a timeline.
fn site(a: &str, b: &str, briefing_front: &str, body: &str, timeline: &str) -> TestSite {
    TestSite::with_files(&[
        ("site.toml", SITE),
        (
            "briefing.md",
            &format!(
                "+++\ntitle = \"The deal\"\nupdated = 2026-05-01\n{briefing_front}+++\n{body}"
            ),
        ),
        ("timeline.md", timeline),
        (
            "sources/a.txt",
            &format!("Deal Reshapes the Cloud Market\n{a}\n"),
        ),
        (
            "sources/a.toml",
            "published = 2026-05-01\nkind = \"reporting\"\n",
        ),
        (
            "sources/b.txt",
            &format!("Another Take on the Cloud Deal\n{b}\n"),
        ),
        (
            "sources/b.toml",
            "published = 2026-05-02\nkind = \"analysis\"\n",
        ),
    ])
}

const BODY: &str = "## What happened\n\nThe deal was announced [@a; @b].\n";
const EVENT: &str = "## 2026-04-27 — Deal announced\n\nThe deal was announced [@a; @b].\n";

fn check_json(site: &TestSite) -> Value {
    let run = site.run(&["check", "--format", "json"]);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn of_kind<'a>(list: &'a Value, kind: &str) -> Vec<&'a Value> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == kind)
        .collect()
}

#[test]
fn sources_that_agree_on_a_date_raise_nothing() {
    let site = site(
        "The deal was announced on April 27, 2026, by both firms.",
        "Both firms announced the deal on 27 April 2026 after months of talks.",
        "",
        BODY,
        EVENT,
    );
    let report = check_json(&site);
    assert!(
        of_kind(&report["warnings"], "source_conflict").is_empty(),
        "{report}"
    );
    site.build_ok(&[]);
    assert!(
        !site
            .read("public/timeline/index.html")
            .contains("Sources differ")
    );
}

#[test]
fn sources_that_disagree_are_flagged_on_the_event_and_in_check() {
    let site = site(
        "The deal was announced on April 27, 2026, by both firms.",
        "The deal, announced on April 28, 2026, ends an exclusive arrangement.",
        "",
        BODY,
        EVENT,
    );
    let report = check_json(&site);
    let conflicts = of_kind(&report["warnings"], "source_conflict");
    assert_eq!(conflicts.len(), 1, "{report}");
    let (line, column) = line_and_column(
        &site.read("content/timeline.md"),
        "2026-04-27 — Deal announced",
    );
    assert_eq!(conflicts[0]["file"], "content/timeline.md");
    assert_eq!(
        (
            conflicts[0]["line"].as_u64(),
            conflicts[0]["column"].as_u64()
        ),
        (Some(line as u64), Some(column as u64))
    );
    let message = conflicts[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`a` says 2026-04-27") && message.contains("`b` says 2026-04-28"),
        "{message}"
    );

    assert_eq!(site.run(&["check"]).status, 0, "a conflict is a warning");
    assert_eq!(site.run(&["check", "--deny-warnings"]).status, 1);

    site.build_ok(&[]);
    let timeline = site.read("public/timeline/index.html");
    assert!(timeline.contains("Sources differ on this date"));
    assert!(timeline.contains("<time datetime=\"2026-04-28\">28 April 2026</time>"));
    let json: Value = serde_json::from_str(&site.read("public/briefing.json")).unwrap();
    assert_eq!(
        json["timeline"][0]["sources_differ"]["stated"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_declared_disagreement_turns_the_conflict_into_a_note() {
    let declared = "[[disagreements]]\ntopic = \"The date\"\nsays.a = \"announced on April 27, 2026\"\nsays.b = \"announced on April 28, 2026\"\n";
    let site = site(
        "The deal was announced on April 27, 2026, by both firms.",
        "The deal, announced on April 28, 2026, ends an exclusive arrangement.",
        declared,
        BODY,
        EVENT,
    );
    let report = check_json(&site);
    assert!(
        of_kind(&report["warnings"], "source_conflict").is_empty(),
        "{report}"
    );
    assert_eq!(
        of_kind(&report["notes"], "source_conflict").len(),
        1,
        "{report}"
    );
    assert_eq!(site.run(&["check", "--deny-warnings"]).status, 0);

    site.build_ok(&[]);
    let home = site.read("public/index.html");
    assert!(home.contains("Where the sources differ"));
    assert!(home.contains("<h3>The date</h3>"));
    assert!(home.contains("announced on April 28, 2026"));
    let json: Value = serde_json::from_str(&site.read("public/briefing.json")).unwrap();
    assert_eq!(json["disagreements"][0]["says"][1]["source"], "b");
}

#[test]
fn a_declared_quote_not_in_its_source_fails_at_its_line() {
    let declared = "[[disagreements]]\ntopic = \"The date\"\nsays.a = \"words never written\"\n";
    let site = site(
        "The deal was announced on April 27, 2026.",
        "Nothing dated here at all, really.",
        declared,
        BODY,
        EVENT,
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1);
    let (line, column) =
        line_and_column(&site.read("content/briefing.md"), "\"words never written\"");
    assert!(
        run.stderr
            .contains(&format!("content/briefing.md:{line}:{column}")),
        "{}",
        run.stderr
    );
}

#[test]
fn overlapping_dates_conflict_only_where_they_cannot_be_the_same_day() {
    let timeline = "## 2026-04 — Deal announced in April\n\nAnnounced [@a; @b].\n\n## 2026-04-27 — Deal announced\n\nAnnounced [@a; @b].\n";
    let site = site(
        "The deal was announced in April 2026 after long talks.",
        "The deal, announced on April 28, 2026, ends an exclusive arrangement.",
        "",
        BODY,
        timeline,
    );
    let report = check_json(&site);
    let conflicts = of_kind(&report["warnings"], "source_conflict");
    assert_eq!(conflicts.len(), 1, "{report}");
    assert!(
        conflicts[0]["message"]
            .as_str()
            .unwrap()
            .contains("(2026-04-27)")
    );
}

#[test]
fn a_date_no_event_covers_is_reported_with_its_sentence() {
    let site = site(
        "The deal was announced on April 27, 2026. The licence runs through 2031.",
        "Both firms announced the deal on 27 April 2026 after months of talks.",
        "",
        BODY,
        EVENT,
    );
    let report = check_json(&site);
    let uncovered = of_kind(&report["warnings"], "uncovered_date");
    assert_eq!(uncovered.len(), 1, "{report}");
    assert_eq!(uncovered[0]["file"], "content/sources/a.txt");
    assert!(
        uncovered[0]["message"]
            .as_str()
            .unwrap()
            .contains("The licence runs through 2031.")
    );
}

#[test]
fn a_section_on_one_source_is_flagged_when_corroboration_is_asked_for() {
    let body =
        "## What happened\n\nAnnounced [@a; @b].\n\n## Why it matters\n\nOnly one says so [@a].\n";
    let site = site(
        "The deal was announced on April 27, 2026.",
        "It was announced on April 27, 2026, too.",
        "corroboration = 2\n",
        body,
        EVENT,
    );
    let report = check_json(&site);
    let thin = of_kind(&report["warnings"], "single_source");
    assert_eq!(thin.len(), 1, "{report}");
    let (line, _) = line_and_column(&site.read("content/briefing.md"), "## Why it matters");
    assert_eq!(thin[0]["line"].as_u64(), Some(line as u64));
    site.build_ok(&[]);
    let appendix = site.read("public/sources/index.html");
    assert!(appendix.contains("What rests on which sources"));
    assert_eq!(appendix.matches("single source").count(), 1);

    let relaxed = self::site(
        "The deal was announced on April 27, 2026.",
        "It was announced on April 27, 2026, too.",
        "",
        body,
        EVENT,
    );
    assert!(of_kind(&check_json(&relaxed)["warnings"], "single_source").is_empty());
}

#[test]
fn disclosures_and_kinds_are_marked_wherever_a_source_is_cited() {
    let site = site(
        "The deal was announced on April 27, 2026.\nThis article was partially drafted by editorial AI.",
        "It was announced on April 27, 2026, too.",
        "",
        BODY,
        EVENT,
    );
    site.build_ok(&[]);
    let home = site.read("public/index.html");
    assert_eq!(
        home.matches("class=\"cite-marker\"").count(),
        1,
        "only the AI-drafted source is marked"
    );
    assert!(home.contains("Reporting · AI-drafted"));
    let appendix = site.read("public/sources/index.html");
    assert!(appendix.contains("What the markers mean"));
    assert!(appendix.contains("disclosure-ai_drafted"));
}

#[test]
fn a_briefing_without_a_primary_source_says_so() {
    let site = site(
        "The deal was announced on April 27, 2026.",
        "It was announced on April 27, 2026.",
        "",
        BODY,
        EVENT,
    );
    site.build_ok(&[]);
    assert!(
        site.read("public/index.html")
            .contains("None of the sources is a primary source")
    );
    site.write(
        "content/sources/b.toml",
        "published = 2026-05-02\nkind = \"primary\"\n",
    );
    site.write(
        "content/site.toml",
        &format!("{SITE}no_primary_source_note = \"No primary source.\"\n"),
    );
    site.build_ok(&[]);
    assert!(
        !site
            .read("public/index.html")
            .contains("No primary source.")
    );
}

#[test]
fn a_quoted_citation_links_to_the_words_on_the_original_page() {
    let site = site(
        "The deal was announced on April 27, 2026, by both firms.",
        "It was announced on April 27, 2026.",
        "",
        "## What happened\n\nSee [@a \"announced on April 27, 2026\"].\n",
        EVENT,
    );
    site.write(
        "content/sources/a.toml",
        "published = 2026-05-01\nurl = \"https://news.example.org/deal\"\n",
    );
    site.build_ok(&[]);
    let appendix = site.read("public/sources/index.html");
    assert!(
        appendix.contains(
            "https://news.example.org/deal#:~:text=announced%20on%20April%2027%2C%202026"
        ),
        "no text fragment link"
    );
}

/// A briefing of `count` sources, two parts each citing half of them.
fn wide_site(count: usize) -> TestSite {
    let mut files: Vec<(String, String)> = vec![("site.toml".into(), SITE.into())];
    let mut body = String::from("+++\ntitle = \"Many sources\"\n+++\n");
    for part in 0..2 {
        body.push_str(&format!("\n## Part {part}\n\n"));
        for i in (part * count / 2)..((part + 1) * count / 2) {
            body.push_str(&format!("Claim {i} [@s{i:02}].\n\n"));
        }
    }
    files.push(("briefing.md".into(), body));
    for i in 0..count {
        files.push((
            format!("sources/s{i:02}.txt"),
            format!(
                "Report Number {i} on the Deal\n\nThe companies signed the agreement {i} after talks.\n"
            ),
        ));
        files.push((format!("sources/s{i:02}.toml"), "undated = true\n".into()));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    TestSite::with_files(&borrowed)
}

#[test]
fn a_briefing_of_many_sources_lists_each_parts_sources_instead_of_a_table() {
    let site = wide_site(41);
    site.build_ok(&[]);
    let appendix = site.read("public/sources/index.html");
    assert!(!appendix.contains("<table>"), "no table of 41 columns");
    let list = &appendix[appendix
        .find("class=\"coverage-list\"")
        .expect("a coverage list")..];
    let part_0 = &list[list.find(">Part 0<").unwrap()..list.find(">Part 1<").unwrap()];
    assert!(part_0.contains("href=\"#source-s00\">[1]</a>"), "{part_0}");
    assert!(part_0.contains(">[20]</a>"), "{part_0}");
    assert!(!part_0.contains(">[21]</a>"), "{part_0}");
}

#[test]
fn a_briefing_of_few_sources_shows_its_coverage_as_a_table() {
    let site = wide_site(40);
    site.build_ok(&[]);
    let appendix = site.read("public/sources/index.html");
    assert!(appendix.contains("<table>"));
    assert!(!appendix.contains("coverage-list"));
}
