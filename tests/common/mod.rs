//! A briefing in a temporary folder, built with the real `briefing` binary.
#![allow(dead_code)]

pub mod serve;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's own `content/`.
pub fn repo_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// A briefing folder of its own, deleted when dropped.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

/// What a run of the binary did.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    /// A copy of the repository's briefing (content only: the theme is built in).
    pub fn from_repo_content() -> Self {
        let site = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_tree(&repo_content(), &site.root().join("content"));
        site
    }

    /// A small briefing written from `(path, text)` pairs under `content/`.
    pub fn with_files(files: &[(&str, &str)]) -> Self {
        let site = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        for (path, text) in files {
            site.write(&format!("content/{path}"), text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Changes a file of the briefing with `edit`.
    pub fn edit(&self, path: &str, edit: impl FnOnce(String) -> String) {
        let text = self.read(path);
        self.write(path, &edit(text));
    }

    /// Runs `briefing ARGS --root ROOT`.
    pub fn run(&self, args: &[&str]) -> Run {
        Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .output()
            .unwrap()
            .into()
    }

    /// Builds into `ROOT/public`, asserting success.
    pub fn build_ok(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert_eq!(run.status, 0, "build failed:\n{}", run.stderr);
        run
    }

    /// Every file under `dir` (relative to the root), with its bytes.
    pub fn files(&self, dir: &str) -> BTreeMap<String, Vec<u8>> {
        let base = self.root().join(dir);
        walkdir::WalkDir::new(&base)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let relative = e
                    .path()
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                (relative, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }
}

/// The 1-based line and column of the first occurrence of `needle` in `text`.
pub fn line_and_column(text: &str, needle: &str) -> (usize, usize) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}
