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

/// The `briefing` binary, to be given arguments, a folder or an environment.
pub fn briefing() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefing"));
    command.env_remove("SOURCE_DATE_EPOCH");
    command
}

/// Runs a command to its end.
pub fn run(command: &mut Command) -> Run {
    command.output().unwrap().into()
}

pub fn copy_tree(from: &Path, to: &Path) {
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
        run(briefing().args(args).arg("--root").arg(self.root()))
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
        files_under(&self.root().join(dir))
    }
}

/// Every file under `base`, by its `/`-separated path relative to `base`, with its bytes.
pub fn files_under(base: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(base)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(base).unwrap();
            let relative = relative.to_string_lossy().replace('\\', "/");
            (relative, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Runs git in `dir` with a fixed identity and commit time, so a history made here is
/// the same on every machine. Fails with a clear message where git is missing.
pub fn git(dir: &std::path::Path, args: &[&str], date: &str) {
    let output = std::process::Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Editor")
        .env("GIT_AUTHOR_EMAIL", "editor@example.org")
        .env("GIT_COMMITTER_NAME", "Editor")
        .env("GIT_COMMITTER_EMAIL", "editor@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("this test needs git: install it (apt-get install git)");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
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

/// Serves `dir` over HTTP on a free loopback port, as a plain static host would
/// (directories serve their index.html, unknown paths the site's 404.html with status
/// 404). Returns the base URL; the server lives as long as the test process.
pub fn serve_static(dir: PathBuf) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let target = request_line.split_whitespace().nth(1).unwrap_or("/");
                let path = target
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("/")
                    .trim_start_matches('/');
                let mut file = dir.join(path);
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let (status, file) = if path.contains("..") || !file.is_file() {
                    ("404 Not Found", dir.join("404.html"))
                } else {
                    ("200 OK", file)
                };
                let body = std::fs::read(&file).unwrap_or_default();
                let content_type = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("js") => "text/javascript",
                    Some("json") => "application/json",
                    Some("xml") => "application/xml",
                    _ => "application/octet-stream",
                };
                let mut stream = &stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            });
        }
    });
    format!("http://{address}/")
}

/// One article of the ingestion corpus and what a careful reader extracts from it.
pub struct Labelled {
    /// A short name for reports.
    pub name: String,
    /// The article file.
    pub article: PathBuf,
    /// The hand-written `*.expected.json`: the fields of `source inspect --format json`
    /// plus `warnings`, the kinds of warning expected.
    pub expected: serde_json::Value,
}

/// The articles of `tests/ingest_corpus/` and the four seeds of `content/sources/`, each
/// with its expected result (`tests/ingest_corpus/seeds/<id>.expected.json` for a seed).
pub fn labelled_corpus() -> Vec<Labelled> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ingest_corpus");
    let mut all = Vec::new();
    for (dir, articles) in [
        (corpus.clone(), corpus.clone()),
        (corpus.join("seeds"), repo_content().join("sources")),
    ] {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|n| n.strip_suffix(".expected.json").map(str::to_string))
            .collect();
        names.sort();
        for name in names {
            let expected = std::fs::read_to_string(dir.join(format!("{name}.expected.json")))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let article = match dir == corpus {
                true => articles.join(&name),
                false => articles.join(format!("{name}.txt")),
            };
            let expected = serde_json::from_str(&expected)
                .unwrap_or_else(|e| panic!("{name}.expected.json: {e}"));
            all.push(Labelled {
                name,
                article,
                expected,
            });
        }
    }
    all
}
