//! Quote matching: does an editor's quote occur in a source's text, and where?
//!
//! Editors type straight quotes and hyphens where articles print curly quotes and
//! dashes, and wrap lines wherever they like. Both sides are therefore compared in a
//! normalized form ([`normalize`]); [`find_quotes`] finds one source's quotes in the
//! normalized text of its blocks and maps each hit back to the original.

use std::ops::Range;

/// `text` in the form quotes are compared in: whitespace runs become one space (none
/// around dashes), curly quotes become straight ones, every dash becomes `-`, `…`
/// becomes `...`, and invisible characters (soft hyphen, zero-width space) vanish.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out, None);
    out.trim_end().to_string()
}

/// Normalizes `text` onto `out`; when `origins` is given, records for every byte pushed
/// the offset in `text` of the character it came from.
fn normalize_into(text: &str, out: &mut String, mut origins: Option<&mut Vec<usize>>) {
    fn push(out: &mut String, origins: &mut Option<&mut Vec<usize>>, piece: &str, from: usize) {
        out.push_str(piece);
        if let Some(origins) = origins.as_deref_mut() {
            origins.extend(std::iter::repeat_n(from, piece.len()));
        }
    }
    let mut pending_space: Option<usize> = None;
    let bytes = text.as_bytes();
    let mut offset = 0;
    while offset < text.len() {
        // Printable ASCII other than `-` stays as it is, and so does a single space
        // between two such characters: copy such runs whole.
        let run = plain_run(&bytes[offset..]);
        if run > 0 {
            if let Some(space_at) = pending_space.take() {
                push(out, &mut origins, " ", space_at);
            }
            out.push_str(&text[offset..offset + run]);
            if let Some(origins) = origins.as_deref_mut() {
                origins.extend(offset..offset + run);
            }
            offset += run;
            continue;
        }
        let c = text[offset..]
            .chars()
            .next()
            .expect("offset is within text");
        let at = offset;
        offset += c.len_utf8();
        let mapped: &str = match c {
            c if INVISIBLE.contains(&c) => continue,
            c if c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with('-') && pending_space.is_none() {
                    pending_space = Some(at);
                }
                continue;
            }
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => "'",
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '«' | '»' => "\"",
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' => {
                pending_space = None;
                if out.ends_with('-') {
                    continue;
                }
                "-"
            }
            '\u{2026}' => "...",
            _ => {
                let mut buffer = [0; 4];
                let piece = c.encode_utf8(&mut buffer);
                if let Some(space_at) = pending_space.take() {
                    push(out, &mut origins, " ", space_at);
                }
                push(out, &mut origins, piece, at);
                continue;
            }
        };
        if let Some(space_at) = pending_space.take() {
            push(out, &mut origins, " ", space_at);
        }
        push(out, &mut origins, mapped, at);
    }
}

/// The length of the prefix of `bytes` that normalizing leaves as it is: printable
/// ASCII other than `-`, with single spaces between such characters. Most of an
/// article's text is such runs of words.
fn plain_run(bytes: &[u8]) -> usize {
    let plain = |b: u8| (0x21..0x7f).contains(&b) && b != b'-';
    let mut end = 0;
    while end < bytes.len() {
        let b = bytes[end];
        let lone_space =
            b == b' ' && end > 0 && bytes.get(end + 1).is_some_and(|&next| plain(next));
        if !(plain(b) || lone_space) {
            break;
        }
        end += 1;
    }
    end
}

/// Where a quote was found: which block of the source, and which bytes of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteHit {
    /// Index of the block (paragraph, heading, list item) holding the quote.
    pub block: usize,
    /// Byte range of the quoted words in that block's original text.
    pub range: Range<usize>,
}

/// Finds the first occurrence of each quote (already [`normalize`]d) in a source's
/// `blocks`. Quotes never match across two blocks.
///
/// Normalizing a whole source for a quote or two would cost more than the rest of the
/// search, so only the blocks that can hold a quote are normalized: those whose text
/// has the quote's longest word as it stands (normalizing never changes a word's
/// letters), or an invisible character that normalizing removes.
pub fn find_quotes(blocks: &[&str], quotes: &[String]) -> Vec<Option<QuoteHit>> {
    let mut normalized: Vec<Option<String>> = vec![None; blocks.len()];
    let may_hide_words: Vec<bool> = blocks.iter().map(|b| has_invisible(b)).collect();
    quotes
        .iter()
        .map(|quote| {
            if quote.is_empty() {
                return None;
            }
            let word = longest_word(quote);
            (0..blocks.len())
                .filter(|&i| {
                    may_hide_words[i]
                        || memchr::memmem::find(blocks[i].as_bytes(), word.as_bytes()).is_some()
                })
                .find_map(|i| {
                    let text = normalized[i].get_or_insert_with(|| normalize_block(blocks[i]));
                    let start = memchr::memmem::find(text.as_bytes(), quote.as_bytes())?;
                    Some(locate(blocks[i], i, start..start + quote.len()))
                })
        })
        .collect()
}

/// A block as it is compared: trimmed and normalized, as [`locate`] does it again.
fn normalize_block(block: &str) -> String {
    let mut text = String::with_capacity(block.len());
    normalize_into(block.trim(), &mut text, None);
    text
}

/// The longest run of a normalized quote that normalizing leaves as the source has it:
/// no whitespace, and none of the characters it maps others onto (`'`, `"`, `-`, `.`).
fn longest_word(quote: &str) -> &str {
    quote
        .split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '-' | '.'))
        .max_by_key(|word| word.len())
        .unwrap_or("")
}

/// The characters normalizing removes, which may split a word (`Micro\u{ad}soft`).
const INVISIBLE: [char; 5] = ['\u{ad}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{feff}'];

/// Whether `text` has one of the [`INVISIBLE`] characters. Read as bytes: every block
/// of every source is asked, and a search by `char` decodes all of them.
fn has_invisible(text: &str) -> bool {
    let bytes = text.as_bytes();
    // The UTF-8 lead bytes of the invisible characters, then the rest of each.
    memchr::memchr3_iter(0xc2, 0xe2, 0xef, bytes).any(|at| {
        matches!(
            bytes[at..],
            [0xc2, 0xad, ..] | [0xe2, 0x80, 0x8b..=0x8d, ..] | [0xef, 0xbb, 0xbf, ..]
        )
    })
}

/// Maps a range of `block`'s normalized text back to the block's original bytes.
fn locate(block_text: &str, block: usize, range: Range<usize>) -> QuoteHit {
    let trimmed = block_text.trim();
    let trimmed_start = block_text.len() - block_text.trim_start().len();
    let mut normalized = String::new();
    let mut origins = Vec::new();
    normalize_into(trimmed, &mut normalized, Some(&mut origins));
    let start = origins[range.start];
    let last = origins[range.end - 1];
    let last_len = trimmed[last..].chars().next().map_or(0, char::len_utf8);
    QuoteHit {
        block,
        range: (trimmed_start + start)..(trimmed_start + last + last_len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_found_among_other_non_ascii_ones() {
        for invisible in INVISIBLE {
            for text in [
                format!("{invisible}"),
                format!("“quoted”—{invisible}"),
                format!("co{invisible}operate ½ €"),
            ] {
                assert!(has_invisible(&text), "{text:?}");
            }
        }
        for text in [
            "",
            "plain",
            "“curly” — dashes … ½ € \u{2060} \u{200e} \u{ff}",
        ] {
            assert!(!has_invisible(text), "{text:?}");
        }
    }

    #[test]
    fn normalizes_whitespace_quotes_and_dashes() {
        assert_eq!(
            normalize("  Microsoft’s  “big”\n deal  "),
            "Microsoft's \"big\" deal"
        );
        assert_eq!(
            normalize("a single provider—even one"),
            "a single provider-even one"
        );
        assert_eq!(
            normalize("a single provider -- even one"),
            "a single provider-even one"
        );
        assert_eq!(normalize("wait…"), "wait...");
        assert_eq!(normalize("soft\u{ad}hyphen"), "softhyphen");
    }

    fn find(blocks: &[&str], quote: &str) -> Option<QuoteHit> {
        find_quotes(blocks, &[normalize(quote)]).remove(0)
    }

    #[test]
    fn finds_a_quote_typed_with_straight_quotes_and_hyphens() {
        let blocks = [
            "Intro.",
            "It signals that OpenAI no longer believes a single provider—even one as vast as Microsoft’s—can cope.",
        ];
        let hit = find(
            &blocks,
            "a single provider - even one as vast as Microsoft's",
        )
        .unwrap();
        assert_eq!(hit.block, 1);
        assert_eq!(
            &blocks[1][hit.range],
            "a single provider—even one as vast as Microsoft’s"
        );
    }

    #[test]
    fn maps_hits_back_through_collapsed_whitespace() {
        let blocks = ["  leading   spaces   and\ttabs here  "];
        let hit = find(&blocks, "spaces and tabs").unwrap();
        assert_eq!(&blocks[0][hit.range], "spaces   and\ttabs");
    }

    #[test]
    fn a_block_opening_with_invisible_characters_maps_back_exactly() {
        let blocks = ["First block.", "\u{200b} the very end"];
        let hit = find(&blocks, "the very end").unwrap();
        assert_eq!(&blocks[1][hit.range], "the very end");
    }

    #[test]
    fn does_not_match_across_blocks_or_ignore_case() {
        let blocks = ["The end of one", "paragraph and the next"];
        assert_eq!(find(&blocks, "one paragraph"), None);
        assert_eq!(find(&blocks, "the End of one"), None);
    }

    #[test]
    fn finds_every_quote_including_overlapping_ones() {
        let blocks = [
            "capped revenue share of 20% through 2030",
            "licence through 2032",
        ];
        let quotes: Vec<String> = [
            "revenue share of 20%",
            "20% through 2030",
            "through 2032",
            "missing",
        ]
        .iter()
        .map(|q| normalize(q))
        .collect();
        let hits = find_quotes(&blocks, &quotes);
        assert_eq!(
            &blocks[0][hits[0].clone().unwrap().range],
            "revenue share of 20%"
        );
        assert_eq!(
            &blocks[0][hits[1].clone().unwrap().range],
            "20% through 2030"
        );
        assert_eq!(hits[2].as_ref().unwrap().block, 1);
        assert_eq!(hits[3], None);
    }

    #[test]
    fn finds_a_word_that_an_invisible_character_splits_in_the_source() {
        let blocks = ["Intro.", "a Micro\u{ad}soft-led round"];
        let hit = find(&blocks, "Microsoft - led").unwrap();
        assert_eq!(hit.block, 1);
        assert_eq!(&blocks[1][hit.range], "Micro\u{ad}soft-led");
    }
}
