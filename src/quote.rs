//! Quote matching: does an editor's quote occur in a source's text, and where?
//!
//! Editors type straight quotes and hyphens where articles print curly quotes and
//! dashes, and wrap lines wherever they like. Both sides are therefore compared in a
//! normalized form ([`normalize`]); a [`QuoteIndex`] finds all of one source's quotes
//! in a single pass over its normalized text and maps each hit back to the original.

use aho_corasick::AhoCorasick;
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
            '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' => continue,
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

/// Up to this many quotes of a source are searched for one by one (with `memmem`);
/// more, with one automaton over them all.
const FEW_QUOTES: usize = 4;

/// Where a quote was found: which block of the source, and which bytes of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteHit {
    /// Index of the block (paragraph, heading, list item) holding the quote.
    pub block: usize,
    /// Byte range of the quoted words in that block's original text.
    pub range: Range<usize>,
}

/// One source's text, normalized once, ready to find any number of quotes in.
#[derive(Debug, Clone)]
pub struct QuoteIndex {
    normalized: String,
    block_starts: Vec<usize>,
}

impl QuoteIndex {
    /// Indexes the blocks of a source. Quotes never match across two blocks.
    pub fn new<'a>(blocks: impl IntoIterator<Item = &'a str>) -> Self {
        let mut normalized = String::new();
        let mut block_starts = Vec::new();
        let mut one = String::new();
        for block in blocks {
            block_starts.push(normalized.len());
            // Each block alone, exactly as `locate` will normalize it again.
            one.clear();
            normalize_into(block.trim(), &mut one, None);
            normalized.push_str(&one);
            normalized.push('\n');
        }
        QuoteIndex {
            normalized,
            block_starts,
        }
    }

    /// Finds the first occurrence of each quote (already [`normalize`]d) in one pass.
    /// `blocks` must be the texts the index was built from, to map hits back to them.
    pub fn find_all(&self, quotes: &[String], blocks: &[&str]) -> Vec<Option<QuoteHit>> {
        let mut found: Vec<Option<Range<usize>>> = vec![None; quotes.len()];
        let searchable: Vec<usize> = (0..quotes.len())
            .filter(|&i| !quotes[i].is_empty())
            .collect();
        if searchable.is_empty() {
            return vec![None; quotes.len()];
        }
        if searchable.len() <= FEW_QUOTES {
            // Building an automaton costs more than a few scans of a text this short.
            for &i in &searchable {
                found[i] = memchr::memmem::find(self.normalized.as_bytes(), quotes[i].as_bytes())
                    .map(|start| start..start + quotes[i].len());
            }
        } else {
            self.find_with_automaton(quotes, &searchable, &mut found);
        }
        found
            .into_iter()
            .map(|range| range.map(|range| self.locate(range, blocks)))
            .collect()
    }

    /// Finds the quotes numbered `searchable` in one pass over the text.
    fn find_with_automaton(
        &self,
        quotes: &[String],
        searchable: &[usize],
        found: &mut [Option<Range<usize>>],
    ) {
        // A source has a few quotes: an NFA builds in a fraction of a DFA's time and,
        // with the prefilter, searches as fast on texts this short.
        let automaton = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(searchable.iter().map(|&i| &quotes[i]))
            .expect("quotes are bounded in size, so the automaton always builds");
        let mut missing = searchable.len();
        for hit in automaton.find_overlapping_iter(&self.normalized) {
            let slot = &mut found[searchable[hit.pattern().as_usize()]];
            if slot.is_none() {
                *slot = Some(hit.range());
                missing -= 1;
                if missing == 0 {
                    break;
                }
            }
        }
    }

    /// Maps a range of the normalized text back to a block and its original bytes.
    fn locate(&self, range: Range<usize>, blocks: &[&str]) -> QuoteHit {
        let block = self
            .block_starts
            .partition_point(|&start| start <= range.start)
            - 1;
        let original = blocks[block];
        let trimmed_start = original.len() - original.trim_start().len();
        let mut normalized = String::new();
        let mut origins = Vec::new();
        normalize_into(original.trim(), &mut normalized, Some(&mut origins));
        let local =
            (range.start - self.block_starts[block])..(range.end - self.block_starts[block]);
        let start = origins[local.start];
        let last = origins[local.end - 1];
        let last_len = original.trim()[last..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        QuoteHit {
            block,
            range: (trimmed_start + start)..(trimmed_start + last + last_len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let index = QuoteIndex::new(blocks.iter().copied());
        index.find_all(&[normalize(quote)], blocks).remove(0)
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
    fn finds_few_and_many_quotes_including_overlapping_ones() {
        let blocks = [
            "capped revenue share of 20% through 2030",
            "licence through 2032",
        ];
        let index = QuoteIndex::new(blocks.iter().copied());
        let quotes = [
            "revenue share of 20%",
            "20% through 2030",
            "through 2032",
            "missing",
        ];
        let extra = ["capped", "licence", "share"];
        // Few quotes are searched one by one, more with an automaton: same hits.
        let few: Vec<String> = quotes.iter().map(|q| normalize(q)).collect();
        let many: Vec<String> = quotes.iter().chain(&extra).map(|q| normalize(q)).collect();
        assert!(few.len() <= FEW_QUOTES && many.len() > FEW_QUOTES);
        let with_automaton = index.find_all(&many, &blocks);
        let hits = index.find_all(&few, &blocks);
        assert_eq!(hits[..], with_automaton[..quotes.len()]);
        assert_eq!(with_automaton[6].as_ref().unwrap().range, 15..20);
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
}
