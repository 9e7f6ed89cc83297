//! Finding the dates a text states: "April 27, 2026", "8 May 2026", "May 8th, 2026",
//! "2026-05-08T09:30:00Z", "late April 2026", "through 2030", and numeric dates such as
//! "08.05.2026", which are read only when the day and month cannot be mistaken.
//!
//! Machine-written timestamps (ISO 8601 / RFC 3339, RFC 2822) are parsed with `jiff`; the
//! date kept is the one the publisher wrote, in the publisher's own offset.

use super::gate::Words;
use crate::date::{PartialDate, month_from_name};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;

/// How a numeric date such as `08.05.2026` is read: day first or month first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day, month, year: `08.05.2026` is 8 May 2026.
    Dmy,
    /// Month, day, year: `05/08/2026` is 8 May 2026.
    Mdy,
}

impl FromStr for DateOrder {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            other => Err(format!("`{other}` is not a date order: use dmy or mdy")),
        }
    }
}

/// What a date-like piece of text turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A date, as precise as the text gives it.
    Date(PartialDate),
    /// A numeric date that reads as two different days ("08.05.2026") and no date
    /// order was given.
    Ambiguous,
    /// A date relative to a moment the text does not state ("3 hours ago").
    Relative,
}

/// English month names as written in running text (capitalized), and the German,
/// French and Spanish ones (as those languages write them).
const MONTH: &str = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|(?i:januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre))\.?";

/// Month names of other languages, in the order of the year, for [`month_number`].
const FOREIGN_MONTHS: [&[&str]; 12] = [
    &["januar", "janvier", "enero"],
    &["februar", "février", "fevrier", "febrero"],
    &["märz", "mars", "marzo"],
    &["avril", "abril"],
    &["mai", "mayo"],
    &["juni", "juin", "junio"],
    &["juli", "juillet", "julio"],
    &["août", "aout", "agosto"],
    &["septembre", "septiembre", "setiembre"],
    &["oktober", "octobre", "octubre"],
    &["novembre", "noviembre"],
    &["dezember", "décembre", "decembre", "diciembre"],
];

/// The number of a month named in English, German, French or Spanish.
fn month_number(name: &str) -> Option<u8> {
    month_from_name(name).or_else(|| {
        let lower = name.trim_end_matches('.').to_lowercase();
        FOREIGN_MONTHS
            .iter()
            .position(|names| names.contains(&lower.as_str()))
            .map(|i| i as u8 + 1)
    })
}

type DateReader = fn(&regex::Captures, Option<DateOrder>) -> Option<Found>;

fn number<T: FromStr>(captures: &regex::Captures, group: usize) -> Option<T> {
    captures.get(group)?.as_str().parse().ok()
}

fn day(year: Option<i32>, month: Option<u8>, day: Option<u8>) -> Option<Found> {
    PartialDate::ymd(year?, month?, day?).map(Found::Date)
}

/// The patterns, most precise first; a later pattern never matches inside an earlier hit.
static PATTERNS: LazyLock<Vec<(Regex, DateReader)>> = LazyLock::new(|| {
    vec![
        (
            Regex::new(r"(?-u:\b)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?(?-u:\b)").unwrap(),
            |c, _| iso_date(&c[0]).map(Found::Date),
        ),
        (
            Regex::new(r"(?-u:\b)(\d{4})/(\d{1,2})/(\d{1,2})(?-u:\b)").unwrap(),
            |c, _| day(number(c, 1), number(c, 2), number(c, 3)),
        ),
        (
            Regex::new(r"(?-u:\b)(\d{1,2})([./-])(\d{1,2})[./-](\d{4})(?-u:\b)").unwrap(),
            read_numeric,
        ),
        (
            Regex::new(&format!(r"(?-u:\b){MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?-u:\b)")).unwrap(),
            |c, _| day(number(c, 3), month_number(&c[1]), number(c, 2)),
        ),
        (
            Regex::new(&format!(r"(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?{MONTH},?\s+(?:de\s+)?(\d{{4}})(?-u:\b)")).unwrap(),
            |c, _| day(number(c, 3), month_number(&c[2]), number(c, 1)),
        ),
        (
            Regex::new(&format!(r"(?-u:\b){MONTH},?\s+(?:de\s+)?(\d{{4}})(?-u:\b)")).unwrap(),
            |c, _| PartialDate::ym(number(c, 2)?, month_number(&c[1])?).map(Found::Date),
        ),
        (
            Regex::new(r"(?-u:\b)(?:[Ii]n|[Tt]hrough|[Uu]ntil|[Bb]y|[Ss]ince|[Ff]rom|[Bb]efore|[Aa]fter|[Dd]uring|[Tt]o|(?:end|half|start|beginning|middle|rest|spring|summer|autumn|fall|winter|quarter) of|[Ee]n|[Dd]epuis|[Aa]vant|[Aa]près|jusqu'en|(?:fin|début) de|[Bb]is|[Ss]eit|[Dd]esde|[Hh]asta)\s+((?:1[6-9]|20)\d{2})(?-u:\b)").unwrap(),
            |c, _| Some(Found::Date(PartialDate::year(number(c, 1)?))),
        ),
        (
            Regex::new(r"(?i)(?-u:\b)(?:(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)\s+(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?|years?)\s+ago|yesterday|just now|last (?:night|week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday))(?-u:\b)").unwrap(),
            |_, _| Some(Found::Relative),
        ),
    ]
});

/// `08.05.2026`, `8/5/2026`, `05-08-2026`: read when one number cannot be a month, when
/// both are the same, or when the site names the order; otherwise ambiguous.
fn read_numeric(captures: &regex::Captures, order: Option<DateOrder>) -> Option<Found> {
    let (first, second, year): (u8, u8, i32) = (
        number(captures, 1)?,
        number(captures, 3)?,
        number(captures, 4)?,
    );
    let dmy = PartialDate::ymd(year, second, first);
    let mdy = PartialDate::ymd(year, first, second);
    match (dmy, mdy, order) {
        (Some(a), Some(b), _) if a == b => Some(Found::Date(a)),
        (Some(date), None, _) | (None, Some(date), _) => Some(Found::Date(date)),
        (Some(date), Some(_), Some(DateOrder::Dmy))
        | (Some(_), Some(date), Some(DateOrder::Mdy)) => Some(Found::Date(date)),
        (Some(_), Some(_), None) => Some(Found::Ambiguous),
        (None, None, _) => None,
    }
}

/// All of [`PATTERNS`] at once, to learn in one pass over a text which of them can
/// match it at all.
static ANY_PATTERN: LazyLock<regex::RegexSet> = LazyLock::new(|| {
    regex::RegexSet::new(PATTERNS.iter().map(|(pattern, _)| pattern.as_str()))
        .expect("the patterns compile one by one")
});

/// Words without which the last of [`PATTERNS`] (relative dates) cannot match.
static RELATIVE_WORDS: LazyLock<Words> =
    LazyLock::new(|| Words::new(&["ago", "yesterday", "just now", "last "]));

/// Whether `text` holds an ASCII digit: a fold over 64-byte chunks, which the compiler
/// vectorizes, rather than a byte-by-byte search.
pub(super) fn has_ascii_digit(text: &str) -> bool {
    text.as_bytes().chunks(64).any(|chunk| {
        chunk
            .iter()
            .fold(false, |found, b| found | b.is_ascii_digit())
    })
}

/// Whether `text` has four digits in a row, as `\d{4}` reads them: any digits of
/// Unicode, counted loosely here as any numeric character.
fn has_four_digits(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = match c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()) {
            true => run + 1,
            false => 0,
        };
        if run == 4 {
            return true;
        }
    }
    false
}

/// Every date-like piece of `text`, with its byte range, in order of appearance.
pub fn find_dates(text: &str, order: Option<DateOrder>) -> Vec<(Found, Range<usize>)> {
    let mut found: Vec<(Found, Range<usize>)> = Vec::new();
    // Every pattern but the last (relative dates) needs four digits in a row; most
    // paragraphs have none, and then one pattern is run instead of all of them, or none
    // at all.
    let candidates: Vec<usize> = if has_ascii_digit(text) && has_four_digits(text) {
        ANY_PATTERN.matches(text).into_iter().collect()
    } else if RELATIVE_WORDS.may_occur(text) {
        vec![PATTERNS.len() - 1]
    } else {
        return found;
    };
    for (pattern, read) in candidates.into_iter().map(|i| &PATTERNS[i]) {
        for captures in pattern.captures_iter(text) {
            let span = captures.get(0).map_or(0..0, |m| m.range());
            let overlaps = found
                .iter()
                .any(|(_, r)| r.start < span.end && span.start < r.end);
            if let (false, Some(date)) = (overlaps, read(&captures, order)) {
                found.push((date, span));
            }
        }
    }
    found.sort_by_key(|(_, span)| span.start);
    found
}

/// A date as machines write it in metadata: ISO 8601 / RFC 3339 (`2026-05-08`,
/// `2026-05-08T09:30:00+02:00`), RFC 2822 (`Fri, 08 May 2026 09:30:00 GMT`), or failing
/// those, a single written date ("May 8, 2026"). The day is the one in the stated offset.
pub fn machine_date(value: &str) -> Option<PartialDate> {
    let value = value.trim();
    if let Some(date) = iso_date(value) {
        return Some(date);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::DateTimeParser::new().parse_zoned_datetime(value) {
        return from_jiff(zoned.date());
    }
    if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(PartialDate::year(value.parse().ok()?));
    }
    match find_dates(value, None).as_slice() {
        [(Found::Date(date), _)] => Some(*date),
        _ => None,
    }
}

/// An ISO 8601 / RFC 3339 date or timestamp, checked by `jiff` (so `2026-02-30` or an
/// hour 25 is no date).
fn iso_date(value: &str) -> Option<PartialDate> {
    let pieces = jiff::fmt::temporal::Pieces::parse(value).ok()?;
    from_jiff(pieces.date())
}

fn from_jiff(date: jiff::civil::Date) -> Option<PartialDate> {
    PartialDate::ymd(i32::from(date.year()), date.month() as u8, date.day() as u8)
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

    fn dates_in(text: &str, order: Option<DateOrder>) -> Vec<String> {
        find_dates(text, order)
            .into_iter()
            .map(|(found, _)| match found {
                Found::Date(d) => d.to_string(),
                Found::Ambiguous => "ambiguous".to_string(),
                Found::Relative => "relative".to_string(),
            })
            .collect()
    }

    fn dates(text: &str) -> Vec<String> {
        dates_in(text, None)
    }

    #[test]
    fn reads_the_common_written_forms() {
        assert_eq!(dates("announced on April 28, 2026, and"), ["2026-04-28"]);
        assert_eq!(dates("Updated Apr 28, 2026"), ["2026-04-28"]);
        assert_eq!(dates("May 8th, 2026"), ["2026-05-08"]);
        assert_eq!(dates("on 8 May 2026"), ["2026-05-08"]);
        assert_eq!(dates("on the 8th of May, 2026"), ["2026-05-08"]);
        assert_eq!(dates("at 2026-05-08T09:30:00Z"), ["2026-05-08"]);
        assert_eq!(dates("at 2026-05-08T23:30:00-05:00"), ["2026-05-08"]);
        assert_eq!(dates("on 2026/05/08"), ["2026-05-08"]);
        assert_eq!(dates("the late April 2026 restructuring"), ["2026-04"]);
        assert_eq!(dates("by the end of 2027, in 1897"), ["2027", "1897"]);
        assert_eq!(dates("zum 1. Juli 2026"), ["2026-07-01"]);
        assert_eq!(
            dates("Publié le 7 mai 2026, en 2025"),
            ["2026-05-07", "2025"]
        );
        assert_eq!(dates("el 7 de mayo de 2026"), ["2026-05-07"]);
        assert_eq!(
            dates("a capped share of 20% through 2030 and a licence until 2032"),
            ["2030", "2032"]
        );
    }

    #[test]
    fn ignores_numbers_that_are_not_dates() {
        assert!(dates("a score of 57 in California, 2030 units, may 2026").is_empty());
        assert!(dates("February 30, 2026").is_empty());
        assert!(dates("at 2026-13-45T09:30:00Z").is_empty());
    }

    #[test]
    fn relative_dates_are_never_read_as_dates() {
        assert_eq!(dates("Updated 3 hours ago"), ["relative"]);
        assert_eq!(dates("posted yesterday"), ["relative"]);
        assert_eq!(dates("an hour ago"), ["relative"]);
    }

    #[test]
    fn numeric_dates_need_an_order_unless_they_cannot_be_mistaken() {
        assert_eq!(dates("08.05.2026"), ["ambiguous"]);
        assert_eq!(dates_in("08.05.2026", Some(DateOrder::Dmy)), ["2026-05-08"]);
        assert_eq!(dates_in("08.05.2026", Some(DateOrder::Mdy)), ["2026-08-05"]);
        assert_eq!(dates("25.05.2026"), ["2026-05-25"]);
        assert_eq!(dates("05/25/2026"), ["2026-05-25"]);
        assert_eq!(dates("05.05.2026"), ["2026-05-05"]);
        assert!(dates("31.31.2026").is_empty());
    }

    #[test]
    fn reads_machine_dates_in_the_publishers_offset() {
        let date = |v: &str| machine_date(v).map(|d| d.to_string());
        assert_eq!(date("2026-05-08").as_deref(), Some("2026-05-08"));
        assert_eq!(
            date("2026-05-08T23:30:00-05:00").as_deref(),
            Some("2026-05-08")
        );
        assert_eq!(
            date("Fri, 08 May 2026 09:30:00 GMT").as_deref(),
            Some("2026-05-08")
        );
        assert_eq!(date("May 8, 2026").as_deref(), Some("2026-05-08"));
        assert_eq!(date("2026").as_deref(), Some("2026"));
        assert_eq!(date("soon"), None);
        assert_eq!(date("2026-02-30"), None);
    }

    #[test]
    fn finds_the_sentence_a_date_stands_in() {
        let text = "First sentence. It was announced on April 28, 2026. Then more.";
        let (_, span) = find_dates(text, None).remove(0);
        assert_eq!(
            sentence_around(text, span),
            "It was announced on April 28, 2026."
        );
    }

    #[test]
    fn only_texts_with_four_digits_in_a_row_may_state_a_date() {
        let year = Regex::new(r"\d{4}").unwrap();
        let lines = super::super::lines::tests::sample_lines();
        let digits = ["2026", "١٩٩٨", "２０２６", "12 34", "1 May", "v1.2.3"];
        for line in lines.iter().map(String::as_str).chain(digits) {
            assert!(has_four_digits(line) || !year.is_match(line), "{line}");
        }
        let four = |t: &str| has_four_digits(t);
        assert!(four("in 2026") && four("١٩٩٨") && four("２０２６"));
        assert!(!four("12 34") && !four("v1.2.3") && !four("4 min read"));
    }

    #[test]
    fn the_gate_lets_through_every_relative_date() {
        let relative = &PATTERNS[PATTERNS.len() - 1].0;
        let lines = super::super::lines::tests::sample_lines();
        for line in &lines {
            assert!(
                !relative.is_match(line) || RELATIVE_WORDS.may_occur(line),
                "{line}"
            );
        }
        assert!(lines.iter().filter(|l| relative.is_match(l)).count() >= 8);
    }
}
