//! Reading a plain-text page dump: one line per paragraph, heading or list item, with
//! the page's navigation, byline, captions and footer mixed in.
//!
//! A dump has no markup, so the shape of each line stands in for it. The lines before
//! the first paragraph are the page's header: the headline (the longest line that looks
//! like one), the site's name above it, the author's name below it, and captions. The
//! rest is the body; every line then goes through the shared rules of [`super::body`].

use super::body::{Body, Piece};
use super::lines::{
    Line, classify_at, ends_sentence, is_name, is_paragraph, is_title_case, words_in,
};
use super::scan::{more_words_than, words};
use super::{BlockKind, DateOrder, Extracted};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

fn is_title_like(line: &str) -> bool {
    (3..=25).contains(&words(line)) && !ends_sentence(line) && is_title_case(line)
}

/// A bare time ("23:40 BST"), as a live blog puts above each update: a paragraph of
/// the page, neither a heading nor a caption.
fn is_time(line: &str) -> bool {
    static TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\d{1,2}[:.]\d{2}(\s*([ap]\.?m\.?|[a-z]{2,4}))?$").unwrap()
    });
    TIME.is_match(line)
}

/// A subheading: short and not a sentence.
fn is_heading(line: &str) -> bool {
    !ends_sentence(line)
        && !is_time(line)
        && (!more_words_than(line, 8) || (!more_words_than(line, 14) && is_title_case(line)))
}

/// A long fragment that is not a sentence: an image's alt text or caption.
fn is_caption(line: &str) -> bool {
    !ends_sentence(line) && more_words_than(line, 14) && !is_title_case(line)
}

/// One non-empty line of the dump, trimmed, with its byte range in the file and what
/// it is on its own.
struct DumpLine<'a> {
    text: &'a str,
    origin: Range<usize>,
    kind: Line<'a>,
}

impl DumpLine<'_> {
    /// Gives the line to `body` as a block of `kind`, classified already.
    fn push(&self, kind: BlockKind, body: &mut Body) {
        let piece = Piece::new(kind, self.text, Some(self.origin.clone()));
        body.push_classified(&piece, self.kind.clone());
    }
}

fn dump_lines(text: &str, order: Option<DateOrder>) -> Vec<DumpLine<'_>> {
    let words = words_in(text);
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut start = 0;
    while start < text.len() {
        // Each line with its newline, as `split_inclusive` gives them, found with a
        // vectorized search.
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i + 1);
        let line = &text[start..end];
        let trimmed = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if !trimmed.is_empty() {
            let offset = start + (trimmed.as_ptr() as usize - line.as_ptr() as usize);
            lines.push(DumpLine {
                text: trimmed,
                origin: offset..offset + trimmed.len(),
                kind: classify_at(text, offset..offset + trimmed.len(), &words, order),
            });
        }
        start = end;
    }
    lines
}

/// Reads a page dump; `order` reads numeric dates such as 08.05.2026.
pub fn extract(text: &str, order: Option<DateOrder>) -> Extracted {
    let lines = dump_lines(text, order);
    let first_paragraph = lines
        .iter()
        .position(|line| line.kind == Line::Content && is_paragraph(line.text))
        .unwrap_or(lines.len());
    let (header, rest) = lines.split_at(first_paragraph);
    let mut body = Body::new(order);
    body.reserve(lines.len());
    read_header(header, &mut body);
    for line in rest {
        let kind = match line.kind {
            Line::ListItem => BlockKind::ListItem,
            Line::Content if is_heading(line.text) => BlockKind::Heading,
            Line::Content if is_caption(line.text) => {
                body.remove(line.text);
                continue;
            }
            _ => BlockKind::Paragraph,
        };
        line.push(kind, &mut body);
    }
    body.finish()
}

/// The header: the headline, the site's name above it and the author's below it;
/// subheadings and sentences go to the body, captions are dropped.
fn read_header(header: &[DumpLine], body: &mut Body) {
    let content: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].kind == Line::Content)
        .collect();
    // A name on the first line is the site's ("The Northern Courier"), not the headline,
    // unless nothing else can be.
    let site_name = content.first().filter(|&&i| is_name(header[i].text));
    let longest = |keep: &dyn Fn(&str) -> bool| {
        content
            .iter()
            .filter(|&i| Some(i) != site_name && keep(header[*i].text))
            .max_by_key(|&&i| (header[i].text.len(), std::cmp::Reverse(i)))
            .copied()
    };
    // Headlines in languages that do not capitalize every word: the longest line of a
    // few words that is not a sentence.
    let title_at = longest(&is_title_like)
        .or_else(|| longest(&|line| words(line) >= 3 && !ends_sentence(line)))
        .or_else(|| {
            site_name
                .copied()
                .filter(|&i| is_title_like(header[i].text))
        });
    if let Some(i) = title_at {
        body.extracted.meta.title = Some(header[i].text.to_string());
    }
    let mut previous = "";
    for (i, line) in header.iter().enumerate() {
        let text = line.text;
        let before_title = title_at.is_none_or(|t| i < t);
        match line.kind {
            _ if Some(i) == title_at => {}
            Line::ListItem => line.push(BlockKind::ListItem, body),
            Line::Content if before_title => {
                // The site's name tops the page: "Vela", "The Northern Courier".
                if content.first() == Some(&i) && is_name(text) {
                    body.publisher(text);
                }
                body.remove(text);
            }
            Line::Content
                if is_name(text) && (body.extracted.meta.author.is_none() || previous == text) =>
            {
                let author = &mut body.extracted.meta.author;
                author.get_or_insert_with(|| text.to_string());
                body.remove(text);
            }
            Line::Content if is_heading(text) => line.push(BlockKind::Heading, body),
            Line::Content if ends_sentence(text) || is_time(text) => {
                line.push(BlockKind::Paragraph, body)
            }
            Line::Content => body.remove(text),
            _ => line.push(BlockKind::Paragraph, body),
        }
        previous = text;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "\u{feff}Skip to content\r\nDaily Wire\r\nBusinessTech NewsPolitics\r\nMarkets\r\n\r\nBig Deal Reshapes the Cloud Market Overnight\r\nJane Doe\r\nJane Doe\r\n· 3 min read\r\nUpdated May 8th, 2026\r\nPhoto of a data center at night with rows of servers glowing softly in blue light\r\nThe Background\r\nThe two companies announced on April 27, 2026, that their agreement would change.\r\nThe new terms run through 2030, according to people familiar with the deal.\r\nFAQ\r\nWhat changed?\r\nThe exclusivity ended, and the terms were rewritten.\r\nRelated Articles\r\n- Another story\r\n- A third story\r\nThis article was partially drafted by editorial AI.\r\n";

    #[test]
    fn reads_title_byline_and_dateline_from_a_page_dump() {
        let extracted = extract(DUMP, None);
        assert_eq!(
            extracted.meta.title.as_deref(),
            Some("Big Deal Reshapes the Cloud Market Overnight")
        );
        assert_eq!(extracted.meta.author.as_deref(), Some("Jane Doe"));
        assert_eq!(
            extracted.meta.publisher.as_deref(),
            Some("Daily Wire"),
            "the name atop the page is the site's"
        );
        assert_eq!(
            extracted.meta.updated.map(|d| d.to_string()).as_deref(),
            Some("2026-05-08")
        );
    }

    #[test]
    fn keeps_boilerplate_out_of_the_body() {
        let extracted = extract(DUMP, None);
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
    fn keeps_disclosures_as_notes() {
        let extracted = extract(DUMP, None);
        assert_eq!(
            extracted.meta.notes,
            ["This article was partially drafted by editorial AI."]
        );
    }

    #[test]
    fn reads_faq_pairs_and_stated_dates() {
        let extracted = extract(DUMP, None);
        assert_eq!(extracted.faq.len(), 1);
        assert_eq!(
            extracted.faq[0].answer,
            "The exclusivity ended, and the terms were rewritten."
        );
        let dates: Vec<String> = extracted.dates.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dates, ["2026-05-08", "2026-04-27", "2030"]);
    }

    #[test]
    fn points_at_an_ambiguous_date_in_the_file() {
        let text =
            "A Title For The Story Here\nThe deal was signed on 08.05.2026 in Paris, both said.\n";
        let extracted = extract(text, None);
        let finding = &extracted.findings[0];
        assert_eq!(&text[finding.at.clone().unwrap()], "08.05.2026");
        assert!(extracted.dates.is_empty());
    }
}
