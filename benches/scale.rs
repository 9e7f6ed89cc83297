//! How `briefing build` scales: wall time, peak memory and pages per second for
//! synthetic briefings of 1,000, 10,000 and 100,000 sources, cold (empty output
//! directory) and warm (rebuilding over the previous output), into tmpfs (`/dev/shm`)
//! and onto disk (`target/`), each as a ratio to the floor.
//!
//! `cargo bench --bench scale` (or `-- --sizes 1000,10000` to leave out 100k,
//! `--runs 5` for more repetitions, the median being reported, and `--outputs tmpfs`
//! to leave out the disk).
//!
//! The floor is what the job costs without a site generator: pulldown-cmark reading,
//! rendering and writing the same source files (one HTML file each) in parallel with
//! rayon, with no templates, run the same way, as a child process. Every build is a
//! child process too, so its peak RSS is its own (`wait4`'s `ru_maxrss`).
//!
//! The briefings are generated once, by `benches/synth`, under `target/bench-scale/`.

#[path = "synth/mod.rs"]
mod synth;

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One run of a child process: how long it took and its peak resident set size.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    rss_bytes: u64,
}

/// What to measure, from the command line.
struct Settings {
    sizes: Vec<usize>,
    runs: usize,
    /// Where to write: `tmpfs`, `disk` or both.
    outputs: Vec<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, input, output] = args.as_slice()
        && mode == "--floor"
    {
        floor(Path::new(input), Path::new(output));
        return;
    }
    let settings = settings(&args);
    let target = target_dir();
    let tmpfs = PathBuf::from("/dev/shm").join(format!("briefing-scale-{}", std::process::id()));
    let disk = target.join("bench-scale").join("out");
    println!(
        "| N | build | output | wall (ms) | peak RSS (MiB) | pages/s | wall / floor | RSS / floor |"
    );
    println!("|---:|---|---|---:|---:|---:|---:|---:|");
    for &n in &settings.sizes {
        let input = briefing_of(&target, n);
        read_everything(&input);
        for (place, out_root) in [("tmpfs", &tmpfs), ("disk", &disk)] {
            if !settings.outputs.iter().any(|o| o == place) {
                continue;
            }
            let out = out_root.join(format!("n{n}"));
            let floor_run = median(settings.runs, || {
                remove(&out);
                run_floor(&input, &out)
            });
            remove(&out);
            let pages = pages_of(&input, &out);
            let cold = median(settings.runs, || {
                remove(&out);
                run_build(&input, &out).0
            });
            let warm = median(settings.runs, || run_build(&input, &out).0);
            for (label, run) in [("floor", floor_run), ("cold", cold), ("warm", warm)] {
                let count = if label == "floor" { n } else { pages };
                println!(
                    "| {n} | {label} | {place} | {:.0} | {:.0} | {:.0} | {:.2} | {:.2} |",
                    run.wall.as_secs_f64() * 1000.0,
                    run.rss_bytes as f64 / (1 << 20) as f64,
                    count as f64 / run.wall.as_secs_f64(),
                    run.wall.as_secs_f64() / floor_run.wall.as_secs_f64(),
                    run.rss_bytes as f64 / floor_run.rss_bytes as f64,
                );
            }
            remove(&out);
        }
    }
    remove(&tmpfs);
}

fn settings(args: &[String]) -> Settings {
    let mut settings = Settings {
        sizes: vec![1_000, 10_000, 100_000],
        runs: 3,
        outputs: vec!["tmpfs".into(), "disk".into()],
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = args.next().expect("--sizes takes a list: 1000,10000");
                settings.sizes = list
                    .split(',')
                    .map(|n| n.trim().parse().expect("--sizes takes numbers"))
                    .collect();
            }
            "--runs" => {
                settings.runs = args
                    .next()
                    .and_then(|r| r.parse().ok())
                    .expect("--runs takes a number");
            }
            "--outputs" => {
                let list = args.next().expect("--outputs takes a list: tmpfs,disk");
                settings.outputs = list.split(',').map(|o| o.trim().to_string()).collect();
                if let Some(other) = settings
                    .outputs
                    .iter()
                    .find(|o| !["tmpfs", "disk"].contains(&o.as_str()))
                {
                    panic!("--outputs takes tmpfs, disk or both, not {other:?}");
                }
            }
            _ => {} // cargo bench passes `--bench`
        }
    }
    settings
}

/// `target/`, where the benchmark binary lives (`target/release/deps/scale-…`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    exe.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "target"))
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// Reads every file under `dir` once, so that the page cache holds the articles before
/// anything is timed: otherwise the first run (the floor's) pays for reading them from
/// disk and the later ones do not (100,000 articles are about 500 MB).
fn read_everything(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let _ = std::fs::read(entry.path());
        }
    }
}

/// The synthetic briefing of `n` sources, generated on first use.
fn briefing_of(target: &Path, n: usize) -> PathBuf {
    let dir = target.join("bench-scale").join(format!("synth-{n}"));
    let done = dir.join(".complete");
    if !done.exists() {
        remove(&dir);
        eprintln!("generating a briefing of {n} sources in {}", dir.display());
        synth::generate(&dir, n).expect("could not write the synthetic briefing");
        std::fs::write(&done, "").expect("could not mark the briefing complete");
    }
    dir
}

fn remove(path: &Path) {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            panic!("could not remove {}: {e}", path.display())
        }
        _ => {}
    }
}

fn median(runs: usize, mut run: impl FnMut() -> Run) -> Run {
    let mut all: Vec<Run> = (0..runs.max(1)).map(|_| run()).collect();
    all.sort_by_key(|r| r.wall);
    let mid = all[all.len() / 2];
    let mut rss: Vec<u64> = all.iter().map(|r| r.rss_bytes).collect();
    rss.sort_unstable();
    Run {
        wall: mid.wall,
        rss_bytes: rss[rss.len() / 2],
    }
}

/// Runs `briefing build`, returning the run and what it printed.
fn run_build(input: &Path, out: &Path) -> (Run, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefing"));
    command
        .arg("build")
        .arg("--out")
        .arg(out)
        .current_dir(input);
    run_child(command)
}

fn run_floor(input: &Path, out: &Path) -> Run {
    let mut command = Command::new(std::env::current_exe().expect("the benchmark's own path"));
    command.arg("--floor").arg(input).arg(out);
    run_child(command).0
}

/// The number of pages a build of `input` writes, from its own report.
fn pages_of(input: &Path, out: &Path) -> usize {
    let (_, printed) = run_build(input, out);
    printed
        .split_whitespace()
        .skip_while(|w| *w != "Built")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no page count in the build's report: {printed}"))
}

/// Runs `command` to completion, timing it and reading its peak RSS from `wait4`;
/// returns what it printed too (standard output, then standard error).
fn run_child(mut command: Command) -> (Run, String) {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("could not start the child process");
    let pid = child.id() as libc::pid_t;
    let (stdout, stderr) = {
        let mut child = child;
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
        let out = std::io::read_to_string(stdout).unwrap_or_default();
        (out, err.join().unwrap_or_default())
    };
    let mut status = 0;
    // SAFETY: `rusage` is plain data, and `pid` is our own child, not yet reaped (the
    // `Child` handle was dropped without waiting).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed:\n{stdout}\n{stderr}"
    );
    (
        Run {
            wall,
            rss_bytes: usage.ru_maxrss as u64 * 1024,
        },
        stdout + &stderr,
    )
}

/// The floor: every source file and markdown page of `input/content`, read, rendered
/// by pulldown-cmark as markdown and written to `output` as one HTML file each, in
/// parallel, with no templates.
fn floor(input: &Path, output: &Path) {
    let content = input.join("content");
    let mut files: Vec<PathBuf> = std::fs::read_dir(content.join("sources"))
        .expect("the sources folder")
        .map(|e| e.expect("a folder entry").path())
        .collect();
    files.extend(["briefing.md", "timeline.md", "faq.md"].map(|f| content.join(f)));
    let sources = output.join("sources");
    std::fs::create_dir_all(&sources).expect("the output folder");
    files.par_iter().for_each(|path| {
        let text = std::fs::read_to_string(path).expect("a readable file");
        let mut html = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&text));
        let name = path.file_stem().expect("a file name").to_string_lossy();
        std::fs::write(sources.join(format!("{name}.html")), html).expect("a written page");
    });
}
