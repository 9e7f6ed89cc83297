//! Reading a plain-text page dump: one line per paragraph, heading or list item, with
//! the page's navigation, byline, captions and footer mixed in.
//!
//! The reading goes in two passes. Each line is first classified on its own
//! ([`classify`]): boilerplate, a disclosure, a dateline, a byline, or content. Then the
//! content lines are read in order: the header before the first paragraph gives the
//! title and author, and the rest becomes the body's blocks.

use super::dates::{find_dates, sentence_around};
use super::{Block, BlockKind, Extracted, FaqEntry, StatedDate};
use crate::date::PartialDate;
use regex::{Regex, RegexSet};
use std::sync::LazyLock;

/// Lines that are page furniture, never article text.
static BOILERPLATE: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        r"(?i)^skip to (main )?content$",
        r"(?i)^set (your )?interest preferences",
        r"(?i)^\W*\d+\s*min(ute)?s?\s+read\W*$",
        r"(?i)^(share|share this( article| story)?|subscribe( now)?|sign (in|up)|log ?in|newsletter|advertisement|menu|search|home|print|email|copy link|follow us|read more|listen( to this article)?)\W*$",
        r"(?i)^(image|photo|picture|credit|source)\s*:",
        r"(?i)^(©|copyright\b|all rights reserved|privacy policy|terms of (use|service)|cookie)",
        r"^(English|中文|Español|Deutsch|Français|Italiano|日本語|한국어|Português|Русский|العربية)(\s*[|/·]\s*\S+)*$",
    ])
    .unwrap()
});

/// Lines that start a list of links to other articles; the list items after them go too.
static RELATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(related( articles| stories| posts| reading)?|read (more|next)|more from .*|you (may|might) also like|recommended( for you)?|most (read|popular)|trending( now)?)\W*$").unwrap()
});

/// Statements about how the article was made, kept as notes on the source.
static DISCLOSURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(drafted by (editorial )?ai|ai[- ]generated|generated (by|with) ai|with the help of ai|can make mistakes|verify (all information|primary sources|independently)|human[- ]verified|discovered via)").unwrap()
});

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(published|updated|last updated|posted|modified)(\s+on)?\s*:?\s+(.+)$")
        .unwrap()
});

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:by)\s+(\p{Lu}[\p{L}.'-]*(?:\s+(?:\p{Lu}[\p{L}.'-]*|and|&))*)").unwrap()
});

static LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[-•*▪◦]|\d{1,2}[.)])\s+(.+)$").unwrap());

static FAQ_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(faqs?|frequently asked questions|questions and answers|q\s*&\s*a)$").unwrap()
});

/// What a line is, judged on its own.
#[derive(Debug, Clone, PartialEq)]
enum Line<'a> {
    Boilerplate,
    RelatedListStart,
    Disclosure,
    Dateline { updated: bool, date: PartialDate },
    Byline(&'a str),
    ListItem(&'a str),
    Content,
}

fn classify(line: &str) -> Line<'_> {
    if DISCLOSURE.is_match(line) {
        return Line::Disclosure;
    }
    if RELATED.is_match(line) {
        return Line::RelatedListStart;
    }
    if BOILERPLATE.is_match(line) || is_menu(line) {
        return Line::Boilerplate;
    }
    if let Some(captures) = DATELINE.captures(line) {
        let dates = find_dates(&captures[3]);
        if let [(date, _)] = dates.as_slice() {
            let updated = !captures[1].eq_ignore_ascii_case("published")
                && !captures[1].eq_ignore_ascii_case("posted");
            return Line::Dateline {
                updated,
                date: *date,
            };
        }
    }
    if let Some(captures) = BYLINE.captures(line) {
        return Line::Byline(captures.get(1).map_or("", |m| m.as_str()).trim());
    }
    if let Some(captures) = LIST_ITEM.captures(line) {
        return Line::ListItem(captures.get(1).map_or("", |m| m.as_str()));
    }
    Line::Content
}

/// A navigation bar dumped as one line runs its links together: "Tech FrontlineBiotech
/// & HealthPolicy". Brand names like "OpenAI" or "YouTube" join words too, so it takes
/// two joins of whole words and none of the little words that sentences and headlines have.
fn is_menu(line: &str) -> bool {
    let chars: Vec<char> = line.chars().collect();
    let joins = chars
        .windows(3)
        .filter(|w| w[0].is_lowercase() && w[1].is_uppercase() && w[2].is_lowercase())
        .count();
    let has_function_word = line.split_whitespace().any(|w| {
        matches!(
            w,
            "a" | "an" | "and" | "the" | "of" | "to" | "in" | "for" | "on" | "with" | "is"
        )
    });
    joins >= 2 && !has_function_word && !ends_sentence(line)
}

fn words(line: &str) -> usize {
    line.split_whitespace().count()
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end_matches(['"', '”', '’', '\'', ')'])
        .ends_with(['.', '!', '?', ':', ';', '…'])
}

/// A paragraph of running text: a sentence of some length.
fn is_paragraph(line: &str) -> bool {
    words(line) >= 8 && ends_sentence(line)
}

/// Headline capitalization: most longer words start with a capital.
fn is_title_case(line: &str) -> bool {
    let long: Vec<&str> = line
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 3)
        .collect();
    let capitalized = long
        .iter()
        .filter(|w| {
            w.chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase)
        })
        .count();
    !long.is_empty() && capitalized * 3 >= long.len() * 2
}

fn is_title_like(line: &str) -> bool {
    (3..=25).contains(&words(line)) && !ends_sentence(line) && is_title_case(line)
}

fn is_heading(line: &str) -> bool {
    !ends_sentence(line) && words(line) <= 14 && (is_title_case(line) || words(line) <= 4)
}

/// A name as bylines print it: one to four capitalized words, no digits.
fn is_name(line: &str) -> bool {
    (1..=4).contains(&words(line))
        && line
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && !line.chars().any(|c| c.is_ascii_digit())
}

/// Reads a page dump.
pub fn extract(raw: &str) -> Extracted {
    let text = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let mut out = Extracted::default();
    let mut content: Vec<(&str, Line)> = Vec::new();
    let mut in_related_list = false;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let kind = classify(line);
        in_related_list = match kind {
            Line::RelatedListStart => true,
            Line::ListItem(_) => in_related_list,
            _ => false,
        };
        match kind {
            Line::Boilerplate | Line::RelatedListStart => out.removed.push(line.to_string()),
            Line::ListItem(_) if in_related_list => out.removed.push(line.to_string()),
            Line::Disclosure => {
                out.meta
                    .notes
                    .push(line.trim_start_matches(['✔', '✓', ' ']).to_string());
                out.removed.push(line.to_string());
            }
            Line::Byline(author) => {
                out.meta.author.get_or_insert_with(|| author.to_string());
                out.removed.push(line.to_string());
            }
            Line::Dateline { updated, date } => {
                let slot = if updated {
                    &mut out.meta.updated
                } else {
                    &mut out.meta.published
                };
                slot.get_or_insert(date);
                content.push((line, kind));
            }
            _ => content.push((line, kind)),
        }
    }
    read_header_and_body(&content, &mut out);
    out.dates = stated_dates(&out.blocks);
    out
}

/// Splits the content lines at the first paragraph: the header before it gives the
/// title and byline; the rest, with the header's subheadings, is the body.
fn read_header_and_body(lines: &[(&str, Line)], out: &mut Extracted) {
    let first_paragraph = lines
        .iter()
        .position(|(line, kind)| *kind == Line::Content && is_paragraph(line))
        .unwrap_or(lines.len());
    let header = &lines[..first_paragraph];
    let title_at = header
        .iter()
        .enumerate()
        .filter(|(_, (line, kind))| *kind == Line::Content && is_title_like(line))
        .max_by_key(|(i, (line, _))| (line.len(), std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    if let Some(i) = title_at {
        out.meta.title = Some(header[i].0.to_string());
    }
    let mut previous = "";
    for (i, (line, kind)) in header.iter().enumerate() {
        let before_title = title_at.is_some_and(|t| i < t);
        match kind {
            _ if Some(i) == title_at => {}
            Line::Dateline { .. } => push_block(out, BlockKind::Dateline, line),
            Line::Content if before_title => {
                if out.meta.publisher.is_none() && i == 0 && words(line) == 1 && is_name(line) {
                    out.meta.publisher = Some(line.to_string());
                }
                out.removed.push(line.to_string());
            }
            Line::Content
                if title_at.is_some()
                    && is_name(line)
                    && (out.meta.author.is_none() || previous == *line) =>
            {
                out.meta.author.get_or_insert_with(|| line.to_string());
                out.removed.push(line.to_string());
            }
            Line::Content if is_heading(line) => push_block(out, BlockKind::Heading, line),
            Line::ListItem(item) => push_block(out, BlockKind::ListItem, item),
            // An image's alt text or caption: a long fragment that is not a sentence.
            _ => out.removed.push(line.to_string()),
        }
        previous = line;
    }
    read_body(&lines[first_paragraph..], out);
}

fn read_body(lines: &[(&str, Line)], out: &mut Extracted) {
    let mut in_faq = false;
    let mut previous = "";
    for (line, kind) in lines {
        if *line == previous {
            out.removed.push(line.to_string());
            continue;
        }
        previous = line;
        match kind {
            Line::Dateline { .. } => push_block(out, BlockKind::Dateline, line),
            Line::ListItem(item) => push_block(out, BlockKind::ListItem, item),
            _ if in_faq && line.ends_with('?') && words(line) <= 30 => {
                out.faq.push(FaqEntry {
                    question: line.to_string(),
                    answer: String::new(),
                });
                push_block(out, BlockKind::Heading, line);
            }
            _ if is_heading(line) => {
                in_faq = FAQ_HEADING.is_match(line);
                push_block(out, BlockKind::Heading, line);
            }
            _ if !ends_sentence(line) && words(line) > 14 && !is_title_case(line) => {
                out.removed.push(line.to_string());
            }
            _ => {
                if let Some(entry) = out.faq.last_mut().filter(|_| in_faq) {
                    if !entry.answer.is_empty() {
                        entry.answer.push(' ');
                    }
                    entry.answer.push_str(line);
                }
                push_block(out, BlockKind::Paragraph, line);
            }
        }
    }
    drop_empty_trailing_headings(out);
}

fn push_block(out: &mut Extracted, kind: BlockKind, text: &str) {
    out.blocks.push(Block {
        kind,
        text: text.to_string(),
    });
}

/// A heading left with nothing under it (its section was all boilerplate) is dropped.
fn drop_empty_trailing_headings(out: &mut Extracted) {
    while out
        .blocks
        .last()
        .is_some_and(|b| b.kind == BlockKind::Heading)
    {
        if let Some(block) = out.blocks.pop() {
            out.removed.push(block.text);
        }
    }
}

fn stated_dates(blocks: &[Block]) -> Vec<StatedDate> {
    blocks
        .iter()
        .flat_map(|block| {
            find_dates(&block.text)
                .into_iter()
                .map(|(date, span)| StatedDate {
                    date,
                    text: sentence_around(&block.text, span).to_string(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "\u{feff}Skip to content\r\nDaily Wire\r\nBusinessTech NewsPolitics\r\nMarkets\r\n\r\nBig Deal Reshapes the Cloud Market Overnight\r\nJane Doe\r\nJane Doe\r\n· 3 min read\r\nUpdated May 8th, 2026\r\nPhoto of a data center at night with rows of servers glowing softly in blue light\r\nThe Background\r\nThe two companies announced on April 27, 2026, that their agreement would change.\r\nThe new terms run through 2030, according to people familiar with the deal.\r\nFAQ\r\nWhat changed?\r\nThe exclusivity ended, and the terms were rewritten.\r\nRelated Articles\r\n- Another story\r\n- A third story\r\nThis article was partially drafted by editorial AI.\r\n";

    #[test]
    fn reads_title_byline_and_dateline_from_a_page_dump() {
        let extracted = extract(DUMP);
        assert_eq!(
            extracted.meta.title.as_deref(),
            Some("Big Deal Reshapes the Cloud Market Overnight")
        );
        assert_eq!(extracted.meta.author.as_deref(), Some("Jane Doe"));
        assert_eq!(
            extracted.meta.publisher.as_deref(),
            None,
            "two words is a label, not a site name"
        );
        assert_eq!(
            extracted.meta.updated.map(|d| d.to_string()).as_deref(),
            Some("2026-05-08")
        );
    }

    #[test]
    fn keeps_boilerplate_out_of_the_body() {
        let extracted = extract(DUMP);
        let body: Vec<&str> = extracted.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            body,
            [
                "Updated May 8th, 2026",
                "The Background",
                "The two companies announced on April 27, 2026, that their agreement would change.",
                "The new terms run through 2030, according to people familiar with the deal.",
                "FAQ",
                "What changed?",
                "The exclusivity ended, and the terms were rewritten.",
            ]
        );
        for gone in [
            "Skip to content",
            "BusinessTech NewsPolitics",
            "· 3 min read",
            "- Another story",
            "Related Articles",
        ] {
            assert!(
                extracted.removed.iter().any(|r| r == gone),
                "{gone} not removed"
            );
        }
        assert!(
            extracted
                .removed
                .iter()
                .any(|r| r.starts_with("Photo of a data center"))
        );
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
    fn keeps_disclosures_as_notes() {
        let extracted = extract(DUMP);
        assert_eq!(
            extracted.meta.notes,
            ["This article was partially drafted by editorial AI."]
        );
    }

    #[test]
    fn reads_faq_pairs_and_stated_dates() {
        let extracted = extract(DUMP);
        assert_eq!(extracted.faq.len(), 1);
        assert_eq!(
            extracted.faq[0].answer,
            "The exclusivity ended, and the terms were rewritten."
        );
        let dates: Vec<String> = extracted.dates.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dates, ["2026-05-08", "2026-04-27", "2030"]);
    }
}
