//! The default theme in a real browser: Debian's chromium, headless, over a served build
//! of the repository's briefing. Screenshots of every page type land in
//! `target/screenshots/` for a person to look at.
//!
//! The test provisions what it needs: chromium with apt-get when it is missing and the
//! tests run as root, and the npm packages of `tests/browser/package-lock.json` into
//! `target/browser-tools/`. Where it cannot, it fails saying what to install.

mod common;

use common::TestSite;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// One of each page type.
const PAGES: &[&str] = &[
    "",
    "timeline/",
    "faq/",
    "sources/",
    "sources/analysis-2026-05-08/",
    "methodology/",
    "no-such-page/",
];

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn succeeds(command: &mut Command) -> bool {
    command.status().is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs a Debian package when `program` is missing, or explains what to do.
fn ensure_program(program: &str, package: &str) {
    if succeeds(Command::new("sh").args(["-c", &format!("command -v {program} >/dev/null")])) {
        return;
    }
    assert!(
        is_root() && succeeds(Command::new("sh").args(["-c", "command -v apt-get >/dev/null"])),
        "the browser tests need `{program}`: install Debian's `{package}` (apt-get install {package}) or run the tests as root so they can"
    );
    let install = format!(
        "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {package}"
    );
    assert!(
        succeeds(Command::new("sh").args(["-c", &install])),
        "`{install}` failed"
    );
}

/// Installs the pinned npm packages into target/browser-tools, once per lock file.
fn ensure_npm_tools() -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let tools = target_dir().join("browser-tools");
    let lock = std::fs::read(source.join("package-lock.json")).unwrap();
    let stamp = tools.join("node_modules/.installed-lock");
    if std::fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        return tools;
    }
    std::fs::create_dir_all(&tools).unwrap();
    for file in ["package.json", "package-lock.json", "run.mjs"] {
        std::fs::copy(source.join(file), tools.join(file)).unwrap();
    }
    let installed = succeeds(
        Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&tools),
    );
    assert!(
        installed,
        "`npm ci` in {} failed: the browser tests need the npm registry once",
        tools.display()
    );
    std::fs::write(&stamp, lock).unwrap();
    tools
}

struct BrowserRun {
    report: Value,
    site: TestSite,
    tools: PathBuf,
}

/// Builds the briefing, serves it and drives chromium over it, once for all tests.
fn browser_run() -> &'static BrowserRun {
    static RUN: OnceLock<BrowserRun> = OnceLock::new();
    RUN.get_or_init(|| {
        ensure_program("chromium", "chromium");
        ensure_program("node", "nodejs");
        ensure_program("npm", "npm");
        ensure_program("java", "default-jre-headless");
        ensure_program("pdftotext", "poppler-utils");
        let tools = ensure_npm_tools();
        // run.mjs resolves its packages from its own folder.
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/run.mjs"),
            tools.join("run.mjs"),
        )
        .unwrap();
        let site = TestSite::from_repo_content();
        site.build_ok(&[]);
        let base = common::serve_static(site.root().join("public"));
        let screenshots = target_dir().join("screenshots");
        std::fs::create_dir_all(&screenshots).unwrap();
        let output = Command::new("node")
            .arg(tools.join("run.mjs"))
            .arg(&base)
            .arg(&screenshots)
            .args(PAGES)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "run.mjs failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report = serde_json::from_slice(&output.stdout).expect("run.mjs prints a JSON report");
        BrowserRun {
            report,
            site,
            tools,
        }
    })
}

fn pages() -> &'static [Value] {
    browser_run().report["pages"].as_array().unwrap()
}

#[test]
fn every_page_type_is_screenshotted_at_phone_and_desktop_width() {
    let screenshots = target_dir().join("screenshots");
    assert_eq!(pages().len(), PAGES.len() * 4);
    for page in pages() {
        let file = screenshots.join(page["screenshot"].as_str().unwrap());
        assert!(
            std::fs::metadata(&file).is_ok_and(|m| m.len() > 10_000),
            "{} is missing or blank",
            file.display()
        );
        let expected = if page["path"] == "no-such-page/" {
            404
        } else {
            200
        };
        assert_eq!(page["status"], expected, "{}", page["path"]);
    }
}

#[test]
fn no_page_scrolls_sideways_on_a_phone() {
    for page in pages().iter().filter(|p| p["width"] == 375) {
        assert_eq!(
            page["overflow"], 0,
            "{} ({}) is wider than the screen",
            page["path"], page["scheme"]
        );
    }
}

#[test]
fn axe_finds_no_accessibility_violations_in_light_or_dark_mode() {
    let failures: Vec<String> = pages()
        .iter()
        .filter(|p| !p["violations"].as_array().unwrap().is_empty())
        .map(|p| {
            format!(
                "{} at {} px, {}: {}",
                p["path"], p["width"], p["scheme"], p["violations"]
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_printed_briefing_lists_its_citations_with_urls() {
    let text = pdf_text(browser_run().report["pdf"]["path"].as_str().unwrap());
    assert!(
        text.matches('\u{c}').count() >= 2,
        "the briefing printed on fewer than 2 pages"
    );
    assert!(
        text.contains("[1]") && text.contains("[4]"),
        "no citation numbers in the PDF"
    );
    assert!(text.contains("References"), "no reference list in the PDF");
    assert!(text.contains("https://"), "no URLs in the PDF's references");
    assert!(!text.contains("Skip to content"), "navigation printed");
}

fn pdf_text(path: &str) -> String {
    let output = Command::new("pdftotext")
        .args(["-layout", path, "-"])
        .output()
        .unwrap();
    assert!(output.status.success(), "pdftotext could not read {path}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn printing_the_faq_prints_every_answer() {
    let text = pdf_text(browser_run().report["faqPdf"].as_str().unwrap());
    let faq = browser_run().site.read("content/faq.md");
    let last_question = faq.lines().rfind(|l| l.starts_with("## ")).unwrap();
    assert!(
        text.contains(last_question.trim_start_matches("## ")),
        "last question not printed"
    );
    assert!(
        text.contains("[1]"),
        "answers (with their citations) not printed"
    );
}

#[test]
fn body_text_runs_sixty_to_eighty_characters_a_line() {
    let per_line = browser_run().report["charactersPerLine"].as_f64().unwrap();
    assert!(
        (60.0..=80.0).contains(&per_line),
        "{per_line:.0} characters a line"
    );
}

#[test]
fn a_citation_shows_its_source_on_keyboard_focus() {
    let report = &browser_run().report;
    assert_eq!(report["tooltipAtRest"]["display"], "none");
    assert_ne!(report["tooltipOnFocus"]["display"], "none");
    assert!(
        !report["tooltipOnFocus"]["text"]
            .as_str()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn no_request_leaves_the_served_site() {
    let origins: Vec<&str> = browser_run().report["origins"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(origins.len(), 1, "requests to other hosts: {origins:?}");
    assert!(origins[0].starts_with("http://127.0.0.1:"));
}

#[test]
fn the_nu_html_checker_finds_no_errors_on_any_page() {
    let run = browser_run();
    let vnu = run.tools.join("node_modules/vnu-jar/build/dist/vnu.jar");
    let pages: Vec<PathBuf> = run
        .site
        .files("public")
        .into_keys()
        .filter(|path| path.ends_with(".html"))
        .map(|path| run.site.root().join("public").join(path))
        .collect();
    assert!(pages.len() >= 10);
    let output = Command::new("java")
        .arg("-jar")
        .arg(&vnu)
        .args(["--errors-only", "--format", "json"])
        .args(&pages)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stderr).expect("vnu prints JSON on stderr");
    let messages = report["messages"].as_array().unwrap();
    assert!(
        messages.is_empty(),
        "{}",
        serde_json::to_string_pretty(messages).unwrap()
    );
}
