//! Cheap tests that a regex cannot match, run before it.
//!
//! Every line of an article goes through a dozen rules (furniture, disclosures,
//! bylines...), and nearly every line is a paragraph none of them matches: running all
//! the regexes on each line made ingestion the slowest stage of a build. A gate answers
//! "cannot match" from the first two bytes (for a pattern anchored at the start) or from
//! the absence of a few words (for one that is not), and the regex runs only when the
//! gate lets the text through. A gate may let through text its regex rejects, never the
//! reverse, so the rules decide exactly as the regexes alone would.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Captures, Regex};
use regex_automata::hybrid::dfa::DFA;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind as DfaMatchKind};
use std::cell::RefCell;
use std::ops::Range;

/// The two-byte beginnings that some start-anchored patterns can match from.
pub(super) struct Starts {
    /// Bit `b` is set when a match can begin with byte `b`: for one-byte texts.
    first: [u64; 4],
    /// Bit `a * 256 + b` is set when a match can begin with bytes `a b`; `None` lets
    /// every text through (a pattern was not anchored, or its DFA could not be built).
    pairs: Option<Box<[u64; 1024]>>,
}

fn set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn get(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

impl Starts {
    /// The starts of `patterns`, read from their lazy DFA. A pattern that is not
    /// anchored at the start (`^`) can match anywhere: then every text is let through.
    pub fn of<P: AsRef<str>>(patterns: &[P]) -> Starts {
        let all = Starts {
            first: [u64::MAX; 4],
            pairs: None,
        };
        // `All` rather than leftmost-first: the DFA then dies only when no pattern
        // can match any longer, never because a shorter match was preferred.
        let config = DFA::config()
            .match_kind(DfaMatchKind::All)
            .cache_capacity(16 << 20);
        // Groups play no part in whether a text can match: without them the DFA is built
        // in half the time.
        let nfa = thompson::Config::new().which_captures(WhichCaptures::None);
        let Ok(dfa) = DFA::builder()
            .configure(config)
            .thompson(nfa)
            .build_many(patterns)
        else {
            return all;
        };
        if !dfa.get_nfa().is_always_start_anchored() {
            return all;
        }
        let mut cache = dfa.create_cache();
        let anchored = start::Config::new().anchored(Anchored::Yes);
        let Ok(initial) = dfa.start_state(&mut cache, &anchored) else {
            return all;
        };
        let mut starts = Starts {
            first: [0; 4],
            pairs: Some(Box::new([0; 1024])),
        };
        let pairs = starts.pairs.as_deref_mut().expect("set above");
        for a in 0..=255u8 {
            // An error (the cache gave up, or a quit byte): let everything through.
            let Ok(after_a) = dfa.next_state(&mut cache, initial, a) else {
                return all;
            };
            if after_a.is_dead() {
                continue;
            }
            set(&mut starts.first, usize::from(a));
            for b in 0..=255u8 {
                let Ok(after_b) = dfa.next_state(&mut cache, after_a, b) else {
                    return all;
                };
                // Matches show one byte late: a match state after `a` is a match of
                // the empty string, whatever follows.
                if after_a.is_match() || after_a.is_quit() || !after_b.is_dead() {
                    set(pairs, usize::from(a) * 256 + usize::from(b));
                }
            }
        }
        // A lazy DFA that ran out of room cleared its cache, and with it the state ids
        // used above: then nothing can be trusted.
        if cache.clear_count() > 0 {
            return all;
        }
        starts
    }

    /// Whether a match can begin `text`.
    pub fn may_start(&self, text: &str) -> bool {
        match (text.as_bytes(), &self.pairs) {
            (_, None) => true,
            ([], _) => true,
            ([a], _) => get(&self.first, usize::from(*a)),
            ([a, b, ..], Some(pairs)) => get(&pairs[..], usize::from(*a) * 256 + usize::from(*b)),
        }
    }
}

/// A start-anchored regex behind its [`Starts`].
pub(super) struct AnchoredRegex {
    regex: Regex,
    starts: Starts,
}

impl AnchoredRegex {
    /// The regex of `pattern`, which must compile (patterns are constants).
    pub fn new(pattern: &str) -> AnchoredRegex {
        AnchoredRegex {
            regex: Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")),
            starts: Starts::of(&[pattern]),
        }
    }

    /// Whether the regex matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.starts.may_start(text) && self.regex.is_match(text)
    }

    /// Whether the gate lets `text` through whenever the regex matches it.
    #[cfg(test)]
    pub fn gate_holds(&self, text: &str) -> bool {
        !self.regex.is_match(text) || self.starts.may_start(text)
    }

    /// The regex's captures in `text`.
    pub fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        match self.starts.may_start(text) {
            true => self.regex.captures(text),
            false => None,
        }
    }
}

/// Words that unanchored patterns cannot match without, looked for ignoring ASCII case.
pub(super) struct Words {
    searcher: AhoCorasick,
}

impl Words {
    /// A gate that lets through texts holding one of `words` (ASCII, lower case).
    pub fn new(words: &[&str]) -> Words {
        debug_assert!(
            words
                .iter()
                .all(|w| w.is_ascii() && !w.contains(char::is_uppercase))
        );
        // Leftmost-first lets the searcher use its SIMD prefilter (Teddy); the search
        // runs on a lower-cased copy because that prefilter cannot ignore case.
        let searcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(words)
            .expect("a few short words");
        Words { searcher }
    }

    /// Where in `text` the words may be: for asking about many of its lines in one
    /// pass over the whole, rather than one search for each line.
    pub fn places(&self, text: &str) -> Places {
        if folds_to_ascii(text) {
            return Places { found: None };
        }
        let lower = text.to_ascii_lowercase();
        let found = self.searcher.find_iter(&lower).map(|m| m.range()).collect();
        Places { found: Some(found) }
    }

    /// Whether `text` may hold one of the words.
    pub fn may_occur(&self, text: &str) -> bool {
        thread_local! {
            static LOWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        if folds_to_ascii(text) {
            return true;
        }
        LOWER.with_borrow_mut(|lower| {
            lower.clear();
            lower.extend_from_slice(text.as_bytes());
            lower.make_ascii_lowercase();
            self.searcher.is_match(&lower[..])
        })
    }
}

/// Where some [`Words`] were found in a text.
pub(super) struct Places {
    /// The matches of a leftmost-first search, in order; `None` lets everything through.
    found: Option<Vec<Range<usize>>>,
}

impl Places {
    /// Whether one of the words may occur within `range` of the text. A search that
    /// reports each match and resumes after it steps over a word only when a reported
    /// match overlaps it: so a word within `range` means a match overlapping `range`.
    pub fn may_occur_in(&self, range: Range<usize>) -> bool {
        let Some(found) = &self.found else {
            return true;
        };
        let first_ending_after = found.partition_point(|m| m.end <= range.start);
        found
            .get(first_ending_after)
            .is_some_and(|m| m.start < range.end)
    }
}

/// Whether `text` holds a character that `(?i)` matches to an ASCII letter: the long s
/// (`s`) or the Kelvin sign (`k`). Ignoring ASCII case misses them, so a text holding
/// one is let through. Told from their UTF-8 bytes (`C5 BF`, `E2 84 AA`), which are
/// rare.
fn folds_to_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(0xC5, 0x84, bytes).any(|i| match bytes[i] {
        0xC5 => bytes.get(i + 1) == Some(&0xBF),
        _ => i > 0 && bytes[i - 1] == 0xE2 && bytes.get(i + 1) == Some(&0xAA),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_let_through_exactly_what_may_begin_a_match() {
        let starts = Starts::of(&["(?i)^(share|tweet)", r"^\d+ min"]);
        for text in [
            "Share this",
            "SHARE",
            "tweet",
            "Tw",
            "4 min read",
            "12 min",
            "s",
        ] {
            assert!(starts.may_start(text), "{text}");
        }
        for text in ["The share", "a", "Sx", "x4 min"] {
            assert!(!starts.may_start(text), "{text}");
        }
        // The long s is an `s` to (?i): its first byte must pass.
        assert!(starts.may_start("\u{17F}hare"));
    }

    #[test]
    fn a_pattern_that_matches_the_empty_string_lets_everything_through() {
        let starts = Starts::of(&["^(x)?"]);
        assert!(starts.may_start("ab"));
        assert!(starts.may_start("a"));
    }

    #[test]
    fn an_unanchored_pattern_lets_everything_through() {
        let starts = Starts::of(&["^share", "cookie"]);
        assert!(starts.may_start("We use cookies"));
        assert!(starts.may_start("anything"));
    }

    #[test]
    fn words_ignore_case_and_let_through_what_folds_to_ascii() {
        let words = Words::new(&["cookie", "mistakes"]);
        assert!(words.may_occur("We use COOKIES here"));
        assert!(words.may_occur("AI can make Mistakes."));
        assert!(words.may_occur("We use coo\u{212A}ies"));
        assert!(!words.may_occur("A paragraph about “cloud” deals."));
    }

    #[test]
    fn places_tell_the_lines_a_word_may_be_in() {
        let words = Words::new(&["cookie", "kie jar"]);
        let text = "No.\nWe use COOKIES.\nA cookie jar.\nNone.";
        let places = words.places(text);
        let lines: Vec<bool> = [0..3, 4..19, 20..33, 34..39]
            .map(|line| places.may_occur_in(line))
            .to_vec();
        assert_eq!(lines, [false, true, true, false]);
        assert!(words.places("coo\u{212A}ie").may_occur_in(0..1));
    }

    #[test]
    fn only_the_kelvin_sign_and_the_long_s_fold_to_ascii_letters() {
        let letter = Regex::new("(?i)^[a-z]$").unwrap();
        let folded: Vec<char> = (0x80..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| letter.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert_eq!(folded, ['\u{17F}', '\u{212A}']);
        assert!(folded.iter().all(|c| folds_to_ascii(&format!("a{c}b"))));
        assert!(!folds_to_ascii("Łódź, Š, “quoted” — ok"));
    }
}
