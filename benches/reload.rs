//! Time from saving a file to the reload event of `briefing serve`, on the repository's
//! briefing and on synthetic ones of 1,000 and 10,000 sources (`benches/synth`, written
//! to tmpfs when there is one).
//!
//! `cargo bench --bench reload` (optimized build; `-- --sizes 1000` to leave out 10k).
//! For each site, 50 edits of briefing.md, each timed from just before the write to the
//! arrival of the `reload` event on the live-reload stream; the median and 95th
//! percentile are printed, with the rebuild times the server itself reported.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "synth/mod.rs"]
mod synth;

use common::TestSite;
use std::path::Path;
use std::time::{Duration, Instant};

const EDITS: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = match args.iter().position(|a| a == "--sizes") {
        Some(i) => args[i + 1]
            .split(',')
            .map(|n| n.parse().expect("--sizes takes numbers"))
            .collect(),
        None => vec![1000, 10_000],
    };
    let real = TestSite::from_repo_content();
    measure("content/ (4 sources)", &real);
    for n in sizes {
        let synthetic = synthetic_site(n);
        measure(&format!("synthetic ({n} sources)"), &synthetic);
    }
}

fn measure(name: &str, site: &TestSite) {
    let served = site.serve(&[]);
    let mut events = served.events();
    let original = site.read("content/briefing.md");
    let heading = original
        .lines()
        .find(|l| l.starts_with("## "))
        .expect("a heading in briefing.md")
        .to_string();
    let mut latencies = Vec::with_capacity(EDITS);
    for edit in 0..EDITS {
        let text = original.replacen(&heading, &format!("{heading} (edit {edit})"), 1);
        let started = Instant::now();
        site.write("content/briefing.md", &text);
        events.next_named("reload");
        latencies.push(started.elapsed());
        // Let the edits be separate saves, as an editor's are.
        std::thread::sleep(Duration::from_millis(100));
    }
    let rebuilds: Vec<Duration> = served
        .stderr()
        .lines()
        .filter_map(|l| {
            l.split("rebuilt in ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .map(Duration::from_millis)
        .collect();
    println!(
        "{name}: write → reload event over {EDITS} edits: median {} ms, p95 {} ms \
         (rebuild alone: median {} ms, p95 {} ms, {} rebuilds)",
        percentile(&mut latencies, 50),
        percentile(&mut latencies, 95),
        percentile(&mut rebuilds.clone(), 50),
        percentile(&mut rebuilds.clone(), 95),
        rebuilds.len()
    );
}

fn percentile(values: &mut [Duration], p: usize) -> String {
    if values.is_empty() {
        return "-".into();
    }
    values.sort();
    let index = ((values.len() * p).div_ceil(100)).clamp(1, values.len()) - 1;
    format!("{:.1}", values[index].as_secs_f64() * 1000.0)
}

/// The synthetic briefing of `n` sources, in a folder of its own under `/dev/shm` when
/// there is one (file creation on disk adds noise), deleted when dropped.
fn synthetic_site(n: usize) -> TestSite {
    let shm = Path::new("/dev/shm");
    let dir = match shm.is_dir() {
        true => tempfile::Builder::new()
            .prefix("serve-reload-")
            .tempdir_in(shm),
        false => tempfile::tempdir(),
    }
    .expect("a temporary folder");
    synth::generate(dir.path(), n).expect("could not write the synthetic briefing");
    TestSite { dir }
}
