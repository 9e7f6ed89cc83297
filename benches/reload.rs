//! Time from saving a file to the reload event of `briefing serve`, on the repository's
//! briefing and on a synthetic one of 1,000 sources.
//!
//! `cargo bench --bench reload` (optimized build). For each site, 50 edits of
//! briefing.md, each timed from just before the write to the arrival of the `reload`
//! event on the live-reload stream; the median and 95th percentile are printed, with
//! the rebuild times the server itself reported.

#[path = "../tests/common/mod.rs"]
mod common;

use common::TestSite;
use std::time::{Duration, Instant};

const EDITS: usize = 50;

fn main() {
    let real = TestSite::from_repo_content();
    measure("content/ (4 sources)", &real);
    let synthetic = synthetic_site(1000);
    measure("synthetic (1,000 sources)", &synthetic);
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

/// A briefing of `count` plain-text sources of about 600 words, each cited with a
/// quote from its text.
fn synthetic_site(count: usize) -> TestSite {
    let site = TestSite::with_files(&[(
        "site.toml",
        "title = \"Synthetic\"\nbase_url = \"https://example.github.io/synthetic/\"\n",
    )]);
    let mut words = Words(0x2545_f491_4f6c_dd1d);
    let mut briefing = String::from("+++\ntitle = \"A large briefing\"\n+++\n\n## Sources\n\n");
    for i in 0..count {
        let id = format!("s{i:04}");
        let paragraphs: Vec<String> = (0..6).map(|_| words.sentence(100)).collect();
        let quote: String = paragraphs[0]
            .split(' ')
            .skip(10)
            .take(6)
            .collect::<Vec<_>>()
            .join(" ");
        site.write(
            &format!("content/sources/{id}.txt"),
            &format!(
                "Report {i} on the synthetic event\n\nBy Writer {i}\n\nApril 28, 2026\n\n{}\n",
                paragraphs.join("\n\n")
            ),
        );
        briefing.push_str(&format!("Claim {i} [@{id} \"{quote}\"].\n\n"));
    }
    site.write("content/briefing.md", &briefing);
    site
}

/// Pseudo-random words from a fixed list (a linear congruential generator: the same
/// site every run).
struct Words(u64);

impl Words {
    const LIST: &'static [&'static str] = &[
        "the",
        "river",
        "council",
        "report",
        "water",
        "said",
        "officials",
        "storm",
        "after",
        "levels",
        "town",
        "bridge",
        "closed",
        "residents",
        "warned",
        "rain",
        "night",
        "morning",
        "engineers",
        "flood",
        "barrier",
        "minister",
        "agency",
        "forecast",
        "damage",
        "roads",
        "homes",
        "emergency",
        "crews",
        "pumped",
        "rose",
        "fell",
        "metres",
        "north",
        "south",
        "valley",
        "farmers",
        "fields",
        "insurance",
        "claims",
        "budget",
        "plan",
        "review",
        "critics",
        "argued",
        "defences",
        "failed",
        "held",
        "week",
        "month",
        "year",
        "record",
    ];

    fn word(&mut self) -> &'static str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        Self::LIST[(self.0 >> 33) as usize % Self::LIST.len()]
    }

    fn sentence(&mut self, length: usize) -> String {
        let mut text: Vec<&str> = (0..length).map(|_| self.word()).collect();
        let first = text[0];
        let capital = format!("{}{}", first[..1].to_uppercase(), &first[1..]);
        text[0] = &capital;
        format!("{}.", text.join(" "))
    }
}
