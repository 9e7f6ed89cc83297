//! Calendar dates as editors and sources write them: a day, a month or a year.
//!
//! A timeline may say `2030` for "some time in 2030"; a source may say "late April 2026".
//! [`PartialDate`] keeps that precision instead of inventing a day, and orders coarse
//! dates before the finer dates they contain (`2026-04` sorts before `2026-04-27`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A date known to the day, the month or only the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year, e.g. 2026.
    pub year: i32,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known (only with a month).
    pub day: Option<u8>,
}

/// Why a text is not an ISO 8601 date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")]
pub struct InvalidDate(pub String);

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl PartialDate {
    /// A date known to the day; `None` if the day does not exist.
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        (1..=12).contains(&month).then_some(())?;
        (1..=days_in_month(year, month))
            .contains(&day)
            .then_some(())?;
        Some(Self {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// A date known to the month; `None` if the month does not exist.
    pub fn ym(year: i32, month: u8) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// A date known only to the year.
    pub fn year(year: i32) -> Self {
        Self {
            year,
            month: None,
            day: None,
        }
    }

    /// How precise the date is: `"day"`, `"month"` or `"year"`.
    pub fn precision(&self) -> &'static str {
        match (self.month, self.day) {
            (Some(_), Some(_)) => "day",
            (Some(_), None) => "month",
            _ => "year",
        }
    }

    /// 0 for a year, 1 for a month, 2 for a day: more is more precise.
    pub fn precision_rank(&self) -> u8 {
        u8::from(self.month.is_some()) + u8::from(self.day.is_some())
    }

    /// The date as a reader sees it: "27 April 2026", "April 2026" or "2030".
    pub fn human(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTH_NAMES[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTH_NAMES[m as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }

    /// Whether `other` falls within this date (a year contains its months and days).
    pub fn contains(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && self.month.is_none_or(|m| Some(m) == other.month)
            && self.day.is_none_or(|d| Some(d) == other.day)
    }
}

/// The English name of month `month` (1–12).
pub fn month_name(month: u8) -> &'static str {
    MONTH_NAMES[usize::from(month.clamp(1, 12)) - 1]
}

/// The month number (1–12) of an English month name or its usual abbreviation.
pub fn month_from_name(name: &str) -> Option<u8> {
    let name = name.trim_end_matches('.');
    if name.len() < 3 {
        return None;
    }
    // Compared ignoring ASCII case, without lower-cased copies: dates are read often.
    let sept = name.eq_ignore_ascii_case("sept");
    let position = MONTH_NAMES.iter().position(|full| {
        let abbreviates = |full: &str| {
            full.get(..name.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(name))
        };
        full.eq_ignore_ascii_case(name) || ((name.len() == 3 || sept) && abbreviates(full))
    });
    position.map(|i| i as u8 + 1).or_else(|| sept.then_some(9))
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    /// ISO 8601: `2026-04-27`, `2026-04` or `2026`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = InvalidDate;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidDate(text.to_string());
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |part: &str, width: usize| -> Result<u32, InvalidDate> {
            if part.len() == width && part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().map_err(|_| invalid())
            } else {
                Err(invalid())
            }
        };
        let year = number(parts[0], 4)? as i32;
        match parts[1..] {
            [] => Ok(Self::year(year)),
            [m] => Self::ym(year, number(m, 2)? as u8).ok_or_else(invalid),
            [m, d] => Self::ymd(year, number(m, 2)? as u8, number(d, 2)? as u8).ok_or_else(invalid),
            _ => Err(invalid()),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    /// Accepts a TOML date (`published = 2026-04-27`) or a string (`"2026-04"`).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Toml(toml::value::Datetime),
            Text(String),
            Year(i64),
        }
        let text = match Written::deserialize(deserializer)? {
            Written::Toml(datetime) => match (datetime.date, datetime.time) {
                (Some(date), None) => date.to_string(),
                _ => {
                    return Err(serde::de::Error::custom(
                        "expected a date without a time, e.g. 2026-04-27",
                    ));
                }
            },
            Written::Text(text) => text,
            Written::Year(year) => year.to_string(),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_precisions_and_prints_them_back() {
        for text in ["2026-04-27", "2026-04", "2030"] {
            assert_eq!(text.parse::<PartialDate>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for text in [
            "2026-02-30",
            "2026-13",
            "26-04-01",
            "2026/04/01",
            "April",
            "",
        ] {
            assert!(text.parse::<PartialDate>().is_err(), "{text}");
        }
        assert!("2024-02-29".parse::<PartialDate>().is_ok());
    }

    #[test]
    fn coarse_dates_sort_before_the_days_they_contain() {
        let year: PartialDate = "2026".parse().unwrap();
        let month: PartialDate = "2026-04".parse().unwrap();
        let day: PartialDate = "2026-04-27".parse().unwrap();
        assert!(year < month && month < day);
        assert!(year.contains(&day) && month.contains(&day) && !day.contains(&month));
    }

    #[test]
    fn reads_month_names_and_abbreviations() {
        assert_eq!(month_from_name("Apr"), Some(4));
        assert_eq!(month_from_name("April"), Some(4));
        assert_eq!(month_from_name("Sept."), Some(9));
        assert_eq!(month_from_name("Ma"), None);
        assert_eq!(month_from_name("Mayday"), None);
    }

    #[test]
    fn deserializes_toml_dates_strings_and_years() {
        #[derive(Deserialize)]
        struct Doc {
            a: PartialDate,
            b: PartialDate,
            c: PartialDate,
        }
        let doc: Doc = toml::from_str("a = 2026-04-27\nb = \"2026-04\"\nc = 2030").unwrap();
        assert_eq!(
            (doc.a.to_string(), doc.b.to_string()),
            ("2026-04-27".into(), "2026-04".into())
        );
        assert_eq!(doc.c.human(), "2030");
    }
}
