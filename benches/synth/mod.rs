//! A deterministic generator of synthetic briefings, for benchmarks.
//!
//! `generate(dir, n)` writes a briefing with `n` sources shaped like real page dumps
//! (navigation, a byline, a dateline, ~600 words of body with curly quotes and dashes,
//! a "Related articles" list); one source in ten is a saved HTML page and one in ten a
//! markdown file with front matter instead of a text dump; a briefing citing every source about twice (half of the
//! citations quoting it, some typed with straight quotes and hyphens where the source
//! has curly ones and dashes), `n / 10` timeline events and an FAQ. The same `n` always
//! gives the same bytes.

use std::fmt::Write as _;
use std::path::Path;

const WORDS: &[&str] = &[
    "cloud",
    "market",
    "deal",
    "partner",
    "model",
    "compute",
    "regulator",
    "contract",
    "license",
    "revenue",
    "share",
    "company",
    "investor",
    "access",
    "capacity",
    "provider",
    "customer",
    "platform",
    "service",
    "price",
    "network",
    "server",
    "chip",
    "data",
    "center",
    "energy",
    "policy",
    "review",
    "court",
    "agency",
    "report",
    "analyst",
    "quarter",
    "growth",
    "risk",
    "plan",
    "term",
    "exclusive",
    "public",
    "private",
    "global",
    "local",
    "early",
    "late",
    "major",
    "minor",
    "strong",
    "weak",
    "rapid",
    "slow",
    "open",
    "closed",
    "new",
    "old",
    "large",
    "small",
    "first",
    "second",
    "final",
    "annual",
    "signal",
    "shift",
    "change",
    "move",
    "push",
    "pull",
    "build",
    "launch",
    "delay",
    "expand",
    "reduce",
    "raise",
    "cut",
    "hold",
    "seek",
    "offer",
    "accept",
    "reject",
    "approve",
    "question",
    "answer",
    "reason",
    "result",
    "effect",
    "cause",
    "impact",
    "pressure",
    "demand",
    "supply",
    "cost",
    "value",
    "return",
    "stake",
    "board",
    "office",
    "team",
    "leader",
    "engineer",
    "editor",
    "source",
    "statement",
    "filing",
    "agreement",
    "arrangement",
    "structure",
    "framework",
    "system",
    "process",
    "decision",
    "debate",
];
const NAMES: &[&str] = &[
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Barbara Liskov",
    "Ken Thompson",
    "Radia Perlman",
];
const PUBLISHERS: &[&str] = &[
    "Daily Ledger",
    "Tech Wire",
    "Policy Review",
    "Market Watcher",
    "Cloud Report",
];

/// A small deterministic random generator (xorshift64*), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A sentence of 8–20 words; some carry curly quotes or an em dash.
fn sentence(rng: &mut Rng) -> String {
    let len = 8 + rng.below(13);
    let mut words: Vec<String> = (0..len).map(|_| rng.pick(WORDS).to_string()).collect();
    words[0] = capitalize(&words[0]);
    match rng.below(6) {
        0 => {
            let at = 2 + rng.below(len - 4);
            words[at] = format!("“{}", words[at]);
            words[at + 1] = format!("{}”", words[at + 1]);
        }
        1 => {
            let at = 2 + rng.below(len - 4);
            words[at] = format!("{}—{}", words[at], rng.pick(WORDS));
        }
        2 => {
            let at = 1 + rng.below(len - 2);
            words[at] = format!("{}’s", words[at]);
        }
        _ => {}
    }
    format!("{}.", words.join(" "))
}

/// The date of source `i`: spread over 2026.
fn date_of(i: usize) -> (u32, usize, u32) {
    (2026, i % 12, 1 + (i * 7 % 28) as u32)
}

/// What one source says, before it is dressed as a text dump, a page or markdown.
struct Article {
    title: String,
    publisher: &'static str,
    author: &'static str,
    date: (u32, usize, u32),
    paragraphs: Vec<String>,
    related: [String; 2],
}

fn article(i: usize, rng: &mut Rng) -> Article {
    let title: Vec<String> = (0..7 + rng.below(4))
        .map(|_| capitalize(rng.pick(WORDS)))
        .collect();
    let mut paragraphs = Vec::new();
    let mut words = 0;
    while words < 600 {
        let paragraph: Vec<String> = (0..3 + rng.below(4)).map(|_| sentence(rng)).collect();
        let paragraph = paragraph.join(" ");
        words += paragraph.split_whitespace().count();
        paragraphs.push(paragraph);
    }
    let related = [
        format!("{} moves again", capitalize(rng.pick(WORDS))),
        format!("Why {} matters", rng.pick(WORDS)),
    ];
    Article {
        title: format!("{} number {i}", title.join(" ")),
        publisher: PUBLISHERS[i % PUBLISHERS.len()],
        author: NAMES[i % NAMES.len()],
        date: date_of(i),
        paragraphs,
        related,
    }
}

/// The article as a plain-text page dump.
fn as_text(a: &Article) -> String {
    let (year, month, day) = a.date;
    let mut text = String::new();
    let short = a.publisher.split(' ').next().unwrap_or(a.publisher);
    writeln!(
        text,
        "Skip to content\n{short}\nBusinessTechnologyPoliticsMarkets\n"
    )
    .unwrap();
    writeln!(text, "{}\n", a.title).unwrap();
    writeln!(
        text,
        "By {}\n· 4 min read\nPublished {} {day}, {year}\n",
        a.author,
        briefing::date::month_name(month as u8 + 1)
    )
    .unwrap();
    for paragraph in &a.paragraphs {
        writeln!(text, "{paragraph}\n").unwrap();
    }
    writeln!(
        text,
        "Related Articles\n- {}\n- {}",
        a.related[0], a.related[1]
    )
    .unwrap();
    text
}

/// The article as a saved web page: metadata in `<meta>`, navigation, an `<article>`
/// and a footer.
fn as_html(a: &Article) -> String {
    let (year, month, day) = a.date;
    let mut html = String::new();
    writeln!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{} | {}</title>\n\
         <meta name=\"author\" content=\"{}\">\n\
         <meta property=\"article:published_time\" content=\"{year}-{:02}-{day:02}T09:00:00Z\">\n\
         <meta property=\"og:site_name\" content=\"{}\">\n</head><body>\n\
         <nav class=\"menu\"><a href=\"/\">Home</a> <a href=\"/business\">Business</a> <a href=\"/tech\">Technology</a></nav>\n\
         <article>\n<h1>{}</h1>\n<p class=\"byline\">By <span class=\"author\">{}</span></p>",
        a.title,
        a.publisher,
        a.author,
        month + 1,
        a.publisher,
        a.title,
        a.author
    )
    .unwrap();
    for paragraph in &a.paragraphs {
        writeln!(html, "<p>{paragraph}</p>").unwrap();
    }
    writeln!(
        html,
        "</article>\n<aside class=\"related\"><h2>Related Articles</h2><ul><li><a href=\"/a\">{}</a></li><li><a href=\"/b\">{}</a></li></ul></aside>\n\
         <footer>© {year} {}. All rights reserved.</footer>\n</body></html>",
        a.related[0], a.related[1], a.publisher
    )
    .unwrap();
    html
}

/// The article as markdown with TOML front matter.
fn as_markdown(a: &Article) -> String {
    let (year, month, day) = a.date;
    let mut md = format!(
        "+++\ntitle = \"{}\"\nauthor = \"{}\"\npublisher = \"{}\"\ndate = {year}-{:02}-{day:02}\n+++\n\n# {}\n\n",
        a.title,
        a.author,
        a.publisher,
        month + 1,
        a.title
    );
    for paragraph in &a.paragraphs {
        writeln!(md, "{paragraph}\n").unwrap();
    }
    writeln!(
        md,
        "## Related Articles\n\n- {}\n- {}",
        a.related[0], a.related[1]
    )
    .unwrap();
    md
}

/// Source `i`: its file name and bytes, and its body paragraphs.
fn source_file(i: usize, rng: &mut Rng) -> (String, String, Vec<String>) {
    let a = article(i, rng);
    let (extension, text) = match i % 10 {
        3 => ("html", as_html(&a)),
        7 => ("md", as_markdown(&a)),
        _ => ("txt", as_text(&a)),
    };
    (format!("s{i:06}.{extension}"), text, a.paragraphs)
}

/// A quote of 5–8 words from one of `paragraphs`, sometimes retyped with straight
/// quotes and hyphens as an editor would.
fn quote_from(paragraphs: &[String], rng: &mut Rng) -> String {
    let paragraph = &paragraphs[rng.below(paragraphs.len())];
    let sentence = paragraph.split(". ").next().unwrap_or(paragraph);
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let len = 5.min(words.len());
    let start = rng.below(words.len() - len + 1);
    let quote = words[start..start + len]
        .join(" ")
        .trim_end_matches('.')
        .to_string();
    if rng.below(2) == 0 {
        quote
            .replace(['“', '”'], "\"")
            .replace('’', "'")
            .replace('—', " - ")
    } else {
        quote
    }
}

/// A citation with the quote in curly marks when it holds a straight one.
fn cite(id: &str, quote: Option<&str>) -> String {
    match quote {
        Some(q) if q.contains('"') => format!("[@{id} “{q}”]"),
        Some(q) => format!("[@{id} \"{q}\"]"),
        None => format!("[@{id}]"),
    }
}

/// Writes a synthetic briefing with `n` sources under `dir` (which must not exist or be empty).
pub fn generate(dir: &Path, n: usize) -> std::io::Result<()> {
    let content = dir.join("content");
    let sources = content.join("sources");
    std::fs::create_dir_all(&sources)?;
    let mut rng = Rng(0x5eed_0000_0000_0001 ^ n as u64);
    let mut all_paragraphs = Vec::with_capacity(n);
    for i in 0..n {
        let (name, text, paragraphs) = source_file(i, &mut rng);
        std::fs::write(sources.join(name), text)?;
        all_paragraphs.push(paragraphs);
    }
    std::fs::write(
        content.join("site.toml"),
        format!(
            "title = \"Synthetic briefing of {n} sources\"\nbase_url = \"https://example.org/synth/\"\n"
        ),
    )?;

    let mut briefing = String::from(
        "+++\ntitle = \"A synthetic story\"\nsummary = \"Generated for benchmarks.\"\npublished = 2026-01-01\nupdated = 2026-12-31\n\n[[updates]]\ndate = 2026-12-31\nnote = \"Generated.\"\n+++\n",
    );
    for (i, paragraphs) in all_paragraphs.iter().enumerate() {
        if i % 50 == 0 {
            writeln!(briefing, "\n## Part {}\n", i / 50 + 1).unwrap();
        }
        let id = format!("s{i:06}");
        let quote = quote_from(paragraphs, &mut rng);
        writeln!(
            briefing,
            "{} {}. {} {}.\n",
            sentence(&mut rng).trim_end_matches('.'),
            cite(&id, Some(&quote)),
            sentence(&mut rng).trim_end_matches('.'),
            cite(&id, None)
        )
        .unwrap();
    }
    std::fs::write(content.join("briefing.md"), briefing)?;

    let mut timeline = String::new();
    for e in 0..n.div_ceil(10) {
        let i = e * 10;
        let (year, month, day) = date_of(i);
        writeln!(
            timeline,
            "## {year}-{:02}-{day:02} — {}\n\n{} {}.\n",
            month + 1,
            capitalize(rng.pick(WORDS)),
            sentence(&mut rng).trim_end_matches('.'),
            cite(&format!("s{i:06}"), None)
        )
        .unwrap();
    }
    std::fs::write(content.join("timeline.md"), timeline)?;

    let mut faq = String::new();
    for q in 0..10.min(n) {
        writeln!(
            faq,
            "## Why did the {} {}?\n\n{} {}.\n",
            rng.pick(WORDS),
            rng.pick(WORDS),
            sentence(&mut rng).trim_end_matches('.'),
            cite(&format!("s{:06}", q * n / 10), None)
        )
        .unwrap();
    }
    std::fs::write(content.join("faq.md"), faq)
}
