//! Finding the dates a text states: "April 27, 2026", "8 May 2026", "2026-05-08",
//! "late April 2026", "through 2030".

use crate::date::{PartialDate, month_from_name};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

const MONTH: &str = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";

type DateReader = fn(&regex::Captures) -> Option<PartialDate>;

/// The patterns, most precise first; a later pattern never matches inside an earlier hit.
static PATTERNS: LazyLock<Vec<(Regex, DateReader)>> = LazyLock::new(|| {
    vec![
        (
            Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b").unwrap(),
            |c| PartialDate::ymd(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?),
        ),
        (
            Regex::new(&format!(r"\b{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")).unwrap(),
            |c| PartialDate::ymd(c[3].parse().ok()?, month_from_name(&c[1])?, c[2].parse().ok()?),
        ),
        (
            Regex::new(&format!(r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+(\d{{4}})\b")).unwrap(),
            |c| PartialDate::ymd(c[3].parse().ok()?, month_from_name(&c[2])?, c[1].parse().ok()?),
        ),
        (
            Regex::new(&format!(r"\b{MONTH},?\s+(\d{{4}})\b")).unwrap(),
            |c| PartialDate::ym(c[2].parse().ok()?, month_from_name(&c[1])?),
        ),
        (
            Regex::new(r"\b(?:[Ii]n|[Tt]hrough|[Uu]ntil|[Bb]y|[Ss]ince|[Ff]rom|[Bb]efore|[Aa]fter|[Dd]uring|[Tt]o)\s+((?:19|20)\d{2})\b").unwrap(),
            |c| Some(PartialDate::year(c[1].parse().ok()?)),
        ),
    ]
});

/// Every date stated in `text`, with its byte range, in order of appearance.
pub fn find_dates(text: &str) -> Vec<(PartialDate, Range<usize>)> {
    let mut found: Vec<(PartialDate, Range<usize>)> = Vec::new();
    for (pattern, read) in PATTERNS.iter() {
        for captures in pattern.captures_iter(text) {
            let span = captures.get(0).map_or(0..0, |m| m.range());
            let overlaps = found
                .iter()
                .any(|(_, r)| r.start < span.end && span.start < r.end);
            if let (false, Some(date)) = (overlaps, read(&captures)) {
                found.push((date, span));
            }
        }
    }
    found.sort_by_key(|(_, span)| span.start);
    found
}

/// The sentence of `text` around byte `at`.
pub fn sentence_around(text: &str, at: Range<usize>) -> &str {
    static BOUNDARY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"[.!?]["”’)]?\s+"#).unwrap());
    let mut start = 0;
    let mut end = text.len();
    for boundary in BOUNDARY.find_iter(text) {
        if boundary.end() <= at.start {
            start = boundary.end();
        } else if boundary.start() >= at.end {
            end = boundary.start() + 1;
            break;
        }
    }
    text[start..end].trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> Vec<String> {
        find_dates(text)
            .into_iter()
            .map(|(d, _)| d.to_string())
            .collect()
    }

    #[test]
    fn reads_the_common_written_forms() {
        assert_eq!(dates("announced on April 28, 2026, and"), ["2026-04-28"]);
        assert_eq!(dates("Updated Apr 28, 2026"), ["2026-04-28"]);
        assert_eq!(dates("May 8th, 2026"), ["2026-05-08"]);
        assert_eq!(dates("on 8 May 2026"), ["2026-05-08"]);
        assert_eq!(dates("at 2026-05-08T09:30:00Z"), ["2026-05-08"]);
        assert_eq!(dates("the late April 2026 restructuring"), ["2026-04"]);
        assert_eq!(
            dates("a capped share of 20% through 2030 and a licence until 2032"),
            ["2030", "2032"]
        );
    }

    #[test]
    fn ignores_numbers_that_are_not_dates() {
        assert!(dates("a score of 57 in California, 2030 units, may 2026").is_empty());
        assert!(dates("February 30, 2026").is_empty());
    }

    #[test]
    fn finds_the_sentence_a_date_stands_in() {
        let text = "First sentence. It was announced on April 28, 2026. Then more.";
        let (_, span) = find_dates(text).remove(0);
        assert_eq!(
            sentence_around(text, span),
            "It was announced on April 28, 2026."
        );
    }
}
