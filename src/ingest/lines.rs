//! What one line (or block) of an article is, judged on its own words: page furniture,
//! a disclosure, a byline or dateline, a list item, or content. Every reader runs its
//! blocks through these rules, so a "Share this article" is dropped whether it came
//! from a text dump, a saved page or markdown.

use super::DateOrder;
use super::dates::{Found, find_dates};
use super::gate::{AnchoredRegex, Places, Starts, Words};
use super::scan::{count_words, more_words_than, split_words, words};
use regex::{Regex, RegexSet};
use std::ops::Range;
use std::sync::LazyLock;

/// Lines that are page furniture, never article text: these patterns are anchored at
/// the line's start...
const FURNITURE_AT_START: [&str; 11] = [
    r"(?i)^skip to (main )?(content|navigation)$",
    r"(?i)^set (your )?interest preferences",
    r"(?i)^\W*\d+\s*min(ute)?s?\s+(read|listen)\W*$",
    r"(?i)^(share|share (this|on|via)( article| story| page)?.*|tweet|subscribe( now| today)?|sign (in|up)|log ?in|newsletter|advertisement|ad|menu|search|home|print|email|copy link|follow us.*|read more|listen( to this article)?|comments?|show comments|leave a comment|back to top|more|next|previous|close)\W*$",
    r"(?i)^(image|photo|picture|credit|source|illustration|video)\s*:",
    r"(?i)^(©|\(c\)\s|copyright(?-u:\b)|all rights reserved|privacy policy|terms (of|&) (use|service)|cookie|contact us|about us)",
    r"(?i)^(related|see also|also read|read also|more on this)\s*:",
    r"(?i)^(sign up|subscribe) (for|to) ",
    r"(?i)^(live|live updates|key events|latest updates|breaking( news)?)\W*$",
    r"(?i)^(topics?|tags?|tagged|filed under|categories|more about)\s*:",
    r"^(English|中文|Español|Deutsch|Français|Italiano|日本語|한국어|Português|Русский|العربية)(\s*[|/·]\s*\S+)*$",
];

/// ... and this one may match anywhere: every match holds "cookie" (see [`WORDS`]).
const FURNITURE_ANYWHERE: &str = r"(?i)(?-u:\b)(we use cookies|this (site|website) uses cookies|accept (all )?cookies|cookie (policy|settings|preferences))(?-u:\b)";

static BOILERPLATE_AT_START: LazyLock<RegexSet> =
    LazyLock::new(|| RegexSet::new(FURNITURE_AT_START).unwrap());

static BOILERPLATE_STARTS: LazyLock<Starts> = LazyLock::new(|| Starts::of(&FURNITURE_AT_START));

static BOILERPLATE_ANYWHERE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(FURNITURE_ANYWHERE).unwrap());

/// Words without which [`FURNITURE_ANYWHERE`] and [`DISCLOSURE`] cannot match: one
/// for each of their alternatives ("with the help of ai" cannot match without "help
/// of").
static WORDS: LazyLock<Words> = LazyLock::new(|| {
    Words::new(&[
        "cookie",
        "drafted",
        "generated",
        "help of",
        "assistance of",
        "written",
        "mistakes",
        "verif",
        "discovered via",
        "developing story",
    ])
});

/// A paywall's prompt: the article's text stops here.
static PAYWALL: LazyLock<AnchoredRegex> = LazyLock::new(|| {
    AnchoredRegex::new(
        r"(?i)^(this (article|story|content) is (only )?(for|available to) (subscribers|members)|subscribe to (continue|keep) reading|subscribe to (read|unlock)|already a subscriber\??|to continue reading|continue reading with a subscription)",
    )
});

/// Lines that start a list of links to other articles; the list items after them go too.
static RELATED: LazyLock<AnchoredRegex> = LazyLock::new(|| {
    AnchoredRegex::new(
        r"(?i)^(related( articles| stories| posts| reading| coverage| content)?|read (more|next)|more (from|on) .*|more stories|you (may|might) also like|recommended( for you| reading)?|most (read|popular|viewed)|trending( now)?|top stories|latest (news|stories)|weitere artikel|mehr zum thema|à lire aussi|lire aussi)\W*$",
    )
});

/// Statements about how the article was made, kept as notes on the source.
static DISCLOSURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(drafted by (editorial )?ai|ai[- ]generated|generated (by|with) ai|with the (help|assistance) of (ai|artificial intelligence)|written (with|by) (ai|artificial intelligence)|can make mistakes|verify (all information|primary sources|independently)|human[- ]verified|discovered via|this is a developing story)").unwrap()
});

/// A site naming itself in a disclaimer ("…, bytevyte can make mistakes.") or a
/// copyright line ("© 2026 Vela Media. All rights reserved.").
static SELF_NAMING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)(?:^|[,;:]\s*)(\p{{L}}[\p{{L}}\p{{N}}&'. -]*?)\s+(?:can|may|could) make mistakes|{COPYRIGHT}\s*(?:©\s*)?(?:\d{{4}}(?:[–-]\d{{4}})?\s+)?(\p{{L}}[\p{{L}}\p{{N}}&'. -]*?)(?:\.|,|\s+all rights|$)")).unwrap()
});

/// How a copyright line begins.
const COPYRIGHT: &str = r"^(?:©|\(c\)|copyright)";

/// Lines that may be [`SELF_NAMING`]: a disclaimer holds "mistakes" (one of [`WORDS`]),
/// a copyright line begins like one.
fn may_name_itself(line: &str) -> bool {
    static COPYRIGHT_STARTS: LazyLock<Starts> =
        LazyLock::new(|| Starts::of(&[format!("(?i){COPYRIGHT}")]));
    COPYRIGHT_STARTS.may_start(line) || WORDS.may_occur(line)
}

static STAMP_LABEL: LazyLock<AnchoredRegex> = LazyLock::new(|| {
    AnchoredRegex::new(
        r"(?i)^(first published|published|updated|last updated|last modified|posted|modified|veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado)(\s+(on|at|am|le|el))?\s*:?\s+(.+)$",
    )
});

static BYLINE: LazyLock<AnchoredRegex> =
    LazyLock::new(|| AnchoredRegex::new(r"^(?i:by|von|par|por|written by|words by)\s*:?\s+(.+)$"));

static LIST_ITEM: LazyLock<AnchoredRegex> =
    LazyLock::new(|| AnchoredRegex::new(r"^(?:[-•*▪◦]|\d{1,2}[.)])\s+(.+)$"));

/// What may stand beside a date on a dateline: a weekday, a time, a zone.
static DATE_SURROUNDINGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[\s,.:;|·•–—-]|at|on|um|à|a las|(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|tue|wed|thu|fri|sat|sun)\.?|\d{1,2}[:.h]\d{2}(?::\d{2})?|[ap]\.?m\.?|uhr|(?-i:[A-Z]{2,4})|utc[+-]\d{1,2})*$").unwrap()
});

/// Headings that start a section of questions and answers.
pub(super) static FAQ_HEADING: LazyLock<AnchoredRegex> = LazyLock::new(|| {
    AnchoredRegex::new(
        r"(?i)^(faqs?|frequently asked questions|questions and answers|q\s*&\s*a|häufige fragen)$",
    )
});

/// A date an article states about itself: "Updated Apr 28, 2026".
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Stamp<'a> {
    /// Whether it says when the article was updated rather than published.
    pub updated: bool,
    /// The date, or why there is none.
    pub found: Found,
    /// The words of the stamp, e.g. "Updated Apr 28, 2026".
    pub text: &'a str,
}

/// A line about the article rather than of it: a byline, a dateline, or both
/// ("Jason · 2 min read · Updated Apr 28, 2026").
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Meta<'a> {
    /// The author, as the byline names them.
    pub author: Option<&'a str>,
    /// The dates it states.
    pub stamps: Vec<Stamp<'a>>,
}

/// What a line is, judged on its own.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Line<'a> {
    /// Navigation, share prompts, captions, legal lines.
    Boilerplate,
    /// "Related Articles": the list after it goes too.
    RelatedListStart,
    /// How the article was made ("partially drafted by editorial AI").
    Disclosure,
    /// A paywall's prompt ("Subscribe to continue reading").
    Paywall,
    /// A byline or dateline.
    Meta(Meta<'a>),
    /// A bulleted or numbered line of a text dump.
    ListItem,
    /// Anything else.
    Content,
}

/// Classifies one line; `order` reads numeric dates on datelines.
pub(super) fn classify(line: &str, order: Option<DateOrder>) -> Line<'_> {
    classify_worded(line, order, WORDS.may_occur(line))
}

/// Where the words of the unanchored rules may occur in a whole text, for
/// [`classify_at`].
pub(super) fn words_in(text: &str) -> Places {
    WORDS.places(text)
}

/// [`classify`] for the line of `text` at `range`, whose [`words_in`] are `words`.
pub(super) fn classify_at<'a>(
    text: &'a str,
    range: Range<usize>,
    words: &Places,
    order: Option<DateOrder>,
) -> Line<'a> {
    let worded = words.may_occur_in(range.clone());
    classify_worded(&text[range], order, worded)
}

/// [`classify`], told whether [`WORDS`] may occur in `line`.
fn classify_worded(line: &str, order: Option<DateOrder>, worded: bool) -> Line<'_> {
    if worded && DISCLOSURE.is_match(line) {
        return Line::Disclosure;
    }
    if RELATED.is_match(line) {
        return Line::RelatedListStart;
    }
    if PAYWALL.is_match(line) {
        return Line::Paywall;
    }
    if is_boilerplate(line, worded) {
        return Line::Boilerplate;
    }
    // Before menus: "Priya Raman · 4 min read · May 8th, 2026" is short parts too.
    if let Some(meta) = meta_line(line, order) {
        return Line::Meta(meta);
    }
    if is_menu(line) {
        return Line::Boilerplate;
    }
    if LIST_ITEM.is_match(line) {
        return Line::ListItem;
    }
    Line::Content
}

/// Whether `line` is page furniture; `worded` is what [`WORDS`] says of it.
fn is_boilerplate(line: &str, worded: bool) -> bool {
    (BOILERPLATE_STARTS.may_start(line) && BOILERPLATE_AT_START.is_match(line))
        || (worded && BOILERPLATE_ANYWHERE.is_match(line))
}

/// A note about the author at the end of an article: "Ruth Adeyemi is the energy
/// correspondent for Energy Post."
pub(super) fn is_author_bio(line: &str, author: &str) -> bool {
    static ROLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s+(is (a|an|the)(?-u:\b)|covers(?-u:\b)|writes (about|for)(?-u:\b)|reports (on|for)(?-u:\b)|has (covered|reported|written)(?-u:\b))").unwrap()
    });
    line.strip_prefix(author)
        .is_some_and(|rest| ROLE.is_match(rest) && words(line) <= 40)
}

/// The site's name, when a disclaimer or copyright line gives it.
pub(super) fn self_named_publisher(line: &str) -> Option<&str> {
    if !may_name_itself(line) {
        return None;
    }
    let captures = SELF_NAMING.captures(line)?;
    let name = captures.get(1).or(captures.get(2))?.as_str().trim();
    let generic = [
        "ai",
        "it",
        "we",
        "this",
        "the ai",
        "our ai",
        "ai tools",
        "the site",
        "the author",
        "the authors",
        "all rights reserved",
    ];
    // The length is checked here, not in the pattern: a bounded repeat of a Unicode
    // class makes a regex that takes tens of milliseconds to compile.
    let short = name.chars().count() <= 41 && words(name) <= 4;
    (!generic.contains(&name.to_lowercase().as_str()) && short).then_some(name)
}

/// A byline, a dateline, or a line of several such segments joined by `·`, `|` or `•`.
fn meta_line(line: &str, order: Option<DateOrder>) -> Option<Meta<'_>> {
    // Checked first: most lines are paragraphs, far longer than any dateline.
    if more_words_than(line, 24) {
        return None;
    }
    let segments = || {
        line.split(['·', '|', '•'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let several = match segments().take(2).count() {
        0 => return None,
        count => count > 1,
    };
    let mut meta = Meta::default();
    let mut named = false;
    for segment in segments() {
        if let Some(stamp) = stamp(segment, order) {
            meta.stamps.push(stamp);
        } else if let Some(author) = byline(segment) {
            meta.author.get_or_insert(author);
            named = true;
        } else if several && is_boilerplate(segment, WORDS.may_occur(segment)) {
            continue; // "2 min read" beside a byline
        } else if several && is_name(segment) && meta.author.is_none() {
            meta.author = Some(segment);
        } else {
            return None;
        }
    }
    (named || !meta.stamps.is_empty()).then_some(meta)
}

/// "Published May 8, 2026", "Updated 3 hours ago", or a date standing alone.
fn stamp(segment: &str, order: Option<DateOrder>) -> Option<Stamp<'_>> {
    let (updated, rest) = match STAMP_LABEL.captures(segment) {
        Some(c) => {
            let label = c[1].to_lowercase();
            let updated = [
                "updated",
                "modified",
                "aktualisiert",
                "mis à jour",
                "actualizado",
            ]
            .iter()
            .any(|word| label.contains(word));
            (updated, c.get(4).map_or("", |m| m.as_str()))
        }
        None => (false, segment),
    };
    let [(found, span)] = find_dates(rest, order).try_into().ok()?;
    only_date(rest, span).then_some(Stamp {
        updated,
        found,
        text: segment,
    })
}

/// Whether `text` is the date at `span` and nothing but a weekday, time or zone.
fn only_date(text: &str, span: Range<usize>) -> bool {
    DATE_SURROUNDINGS.is_match(&format!("{} {}", &text[..span.start], &text[span.end..]))
}

/// The names of a byline: "By Jane Doe", "By Jane Doe and John Roe".
fn byline(segment: &str) -> Option<&str> {
    let names = BYLINE.captures(segment)?.get(1)?.as_str().trim();
    let parts: Vec<&str> = names
        .split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty() && parts.iter().all(|p| is_name(p))).then_some(names)
}

/// A navigation bar dumped as one line: links run together ("Tech FrontlineBiotech &
/// HealthPolicy") or set apart by bars ("Home | World | Business").
pub(super) fn is_menu(line: &str) -> bool {
    let short_links = separators(line) >= 2
        && line
            .split(['|', '·', '•'])
            .map(str::trim)
            .all(|l| !l.is_empty() && !more_words_than(l, 3) && !ends_sentence(l));
    short_links || is_run_together(line)
}

/// How many `|`, `·` and `•` stand in `line`, counted on its bytes (`|`, `C2 B7`,
/// `E2 80 A2`): cheaper than decoding every character of a long paragraph.
fn separators(line: &str) -> usize {
    let bytes = line.as_bytes();
    let ends = |i: usize, before: &[u8]| i >= before.len() && bytes[i - before.len()..i] == *before;
    memchr::memchr3_iter(b'|', 0xB7, 0xA2, bytes)
        .filter(|&i| match bytes[i] {
            b'|' => true,
            0xB7 => ends(i, &[0xC2]),
            _ => ends(i, &[0xE2, 0x80]),
        })
        .count()
}

/// Brand names like "OpenAI" or "YouTube" join words too, so it takes two joins of
/// whole words and none of the little words that sentences and headlines have.
fn is_run_together(line: &str) -> bool {
    // A sentence is never a menu: this spares the character walk on every paragraph.
    if ends_sentence(line) {
        return false;
    }
    let mut joins = 0;
    let (mut before, mut last) = (' ', ' ');
    for c in line.chars() {
        if before.is_lowercase() && last.is_uppercase() && c.is_lowercase() {
            joins += 1;
        }
        (before, last) = (last, c);
    }
    let has_function_word = || {
        line.split_whitespace().any(|w| {
            matches!(
                w,
                "a" | "an" | "and" | "the" | "of" | "to" | "in" | "for" | "on" | "with" | "is"
            )
        })
    };
    joins >= 2 && !has_function_word()
}

/// A list item's text without its bullet or number.
pub(super) fn strip_bullet(line: &str) -> &str {
    LIST_ITEM
        .captures(line)
        .and_then(|c| c.get(1))
        .map_or(line, |m| m.as_str())
}

/// Whether `line` ends like a sentence.
pub(super) fn ends_sentence(line: &str) -> bool {
    line.trim_end_matches(['"', '”', '’', '\'', ')', '»'])
        .ends_with(['.', '!', '?', ':', ';', '…'])
}

/// A paragraph of running text: a sentence of some length.
pub(super) fn is_paragraph(line: &str) -> bool {
    ends_sentence(line) && more_words_than(line, 7)
}

/// Headline capitalization: most longer words start with a capital.
pub(super) fn is_title_case(line: &str) -> bool {
    let (mut long, mut capitalized) = (0, 0);
    for word in split_words(line) {
        if word.chars().filter(|c| c.is_alphabetic()).count() > 3 {
            long += 1;
            let first = word.chars().find(|c| c.is_alphabetic());
            capitalized += usize::from(first.is_some_and(char::is_uppercase));
        }
    }
    long > 0 && capitalized * 3 >= long * 2
}

/// A name as bylines print it: one to four capitalized words, no digits.
pub(super) fn is_name(line: &str) -> bool {
    let particles = [
        "de", "du", "des", "del", "van", "von", "der", "da", "di", "la", "le", "bin", "al", "y",
    ];
    (1..=4).contains(&count_words(line, 4))
        && line
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase) || particles.contains(&w))
        && !line.chars().any(|c| c.is_ascii_digit())
        && !ends_sentence(line)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::date::PartialDate;

    fn meta(line: &str) -> Meta<'_> {
        match classify(line, None) {
            Line::Meta(meta) => meta,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn date(text: &str) -> Found {
        Found::Date(text.parse::<PartialDate>().unwrap())
    }

    #[test]
    fn tells_run_together_menus_from_brand_names() {
        assert!(is_menu(
            "Tech FrontlineBiotech & HealthPolicy & LawGrowth & LifeSpotlight"
        ));
        assert!(!is_menu(
            "Microsoft and OpenAI Restructure Partnership, Making OpenAI Non-Exclusive"
        ));
        assert!(!is_menu("YouTube and PayPal Team Up"));
    }

    #[test]
    fn reads_bylines_and_datelines_alone_or_together() {
        assert_eq!(meta("By Jane Doe").author, Some("Jane Doe"));
        assert_eq!(
            meta("By Jane Doe and John Roe").author,
            Some("Jane Doe and John Roe")
        );
        let line = meta("Jason · 2 min read · Updated Apr 28, 2026");
        assert_eq!(line.author, Some("Jason"));
        assert_eq!(
            line.stamps,
            [Stamp {
                updated: true,
                found: date("2026-04-28"),
                text: "Updated Apr 28, 2026"
            }]
        );
        let line = meta("Published May 8, 2026");
        assert_eq!(
            (line.stamps[0].updated, line.stamps[0].found),
            (false, date("2026-05-08"))
        );
        assert_eq!(meta("May 8th, 2026").stamps[0].found, date("2026-05-08"));
        assert_eq!(
            meta("2026-05-08T09:30:00Z").stamps[0].found,
            date("2026-05-08")
        );
        assert_eq!(
            meta("Friday 8 May 2026, 09:30 BST").stamps[0].found,
            date("2026-05-08")
        );
        assert_eq!(meta("Updated 3 hours ago").stamps[0].found, Found::Relative);
        assert_eq!(
            meta("Published 08.05.2026").stamps[0].found,
            Found::Ambiguous
        );
    }

    #[test]
    fn sentences_that_start_like_bylines_or_datelines_are_content() {
        for line in [
            "By Friday, the deal was done.",
            "Published in 1998, the book sold well and was translated into twelve languages.",
            "By removing the clause, both gained.",
        ] {
            assert_eq!(classify(line, None), Line::Content, "{line}");
        }
    }

    #[test]
    fn finds_the_site_naming_itself() {
        assert_eq!(
            self_named_publisher(
                "While we strive for accuracy, bytevyte can make mistakes. Users are advised to verify."
            ),
            Some("bytevyte")
        );
        assert_eq!(
            self_named_publisher("© 2026 Vela Media. All rights reserved."),
            Some("Vela Media")
        );
        assert_eq!(self_named_publisher("AI can make mistakes."), None);
    }

    /// Lines every rule matches, in several cases, with the characters that `(?i)`
    /// folds to ASCII letters, and every line of the test corpus and the briefing.
    pub(in crate::ingest) fn sample_lines() -> Vec<String> {
        let mut lines: Vec<String> = [
            "This article was partially drafted by editorial AI.",
            "AI-generated summary",
            "Images generated with AI",
            "Written with the help of AI",
            "Prepared with the assistance of artificial intelligence",
            "Written by artificial intelligence",
            "While we strive for accuracy, bytevyte can make mistakes.",
            "Verify all information. Verify primary sources; verify independently.",
            "Human-verified",
            "Discovered via Google News",
            "This is a developing story and will be updated.",
            "We use cookies to improve your experience",
            "This website uses cookies. Accept all cookies? Cookie settings",
            "Updated 3 hours ago",
            "posted yesterday, just now, last week",
            "Skip to main content",
            "4 min read",
            "Share this article",
            "Photo: Reuters",
            "© 2026 Vela Media. All rights reserved.",
            "Related: more",
            "Subscribe to continue reading",
            "Already a subscriber?",
            "Related Articles",
            "You might also like",
            "À lire aussi",
            "Published May 8, 2026",
            "Mis à jour le 7 mai 2026",
            "By Jane Doe",
            "Words by Jane Doe",
            "- a bullet",
            "• a bullet",
            "12. a numbered line",
            "Frequently Asked Questions",
            "Q & A",
            "Häufige Fragen",
            "English | Deutsch",
        ]
        .map(String::from)
        .to_vec();
        for root in ["tests/ingest_corpus", "content/sources"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
            for entry in std::fs::read_dir(root).unwrap() {
                if let Ok(text) = std::fs::read_to_string(entry.unwrap().path()) {
                    lines.extend(text.lines().map(|l| l.trim().to_string()));
                }
            }
        }
        let variants = |l: &String| {
            [
                l.to_uppercase(),
                l.to_lowercase(),
                l.replace('k', "\u{212A}").replace('s', "\u{17F}"),
            ]
        };
        let more: Vec<String> = lines.iter().flat_map(variants).collect();
        lines.extend(more);
        lines
    }

    #[test]
    fn the_gates_let_through_every_line_their_rules_match() {
        let lines = sample_lines();
        for line in &lines {
            let worded = WORDS.may_occur(line);
            assert!(worded || !DISCLOSURE.is_match(line), "{line}");
            assert!(worded || !BOILERPLATE_ANYWHERE.is_match(line), "{line}");
            assert!(
                may_name_itself(line) || !SELF_NAMING.is_match(line),
                "{line}"
            );
            let at_start = BOILERPLATE_AT_START.is_match(line);
            assert!(BOILERPLATE_STARTS.may_start(line) || !at_start, "{line}");
            for rule in [
                &*RELATED,
                &*PAYWALL,
                &*STAMP_LABEL,
                &*BYLINE,
                &*LIST_ITEM,
                &*FAQ_HEADING,
            ] {
                assert!(rule.gate_holds(line), "{line}");
            }
        }
        let matched = |rule: &dyn Fn(&str) -> bool| lines.iter().filter(|l| rule(l)).count();
        // The samples do exercise the rules.
        assert!(matched(&|l| DISCLOSURE.is_match(l)) >= 30);
        assert!(matched(&|l| BOILERPLATE_ANYWHERE.is_match(l)) >= 6);
        assert!(matched(&|l| BOILERPLATE_AT_START.is_match(l)) >= 20);
        assert!(matched(&|l| SELF_NAMING.is_match(l)) >= 6);
    }
}
