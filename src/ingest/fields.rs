//! Metadata as structured data states it: markdown front matter (TOML or YAML) and a
//! page's JSON-LD. Both are read into JSON values first, so one set of rules knows that
//! `author` may be a name, a `{name}` object or a list, and that `date`, `pubDate` and
//! `datePublished` mean the same.

use super::SourceMeta;
use super::dates::machine_date;
use crate::date::PartialDate;
use serde_json::{Map, Value};

/// The first of `keys` (compared without case, `-` or `_`) that `object` has.
fn field<'a>(object: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|wanted| {
        object
            .iter()
            .find(|(key, value)| same_key(key, wanted) && !value.is_null())
            .map(|(_, value)| value)
    })
}

/// Whether two keys are the same without case, `-` or `_`. ASCII keys are compared
/// byte by byte, without the lower-cased copies the general case needs (lower-casing
/// may turn a character beyond ASCII, such as the Kelvin sign, into an ASCII one).
fn same_key(a: &str, b: &str) -> bool {
    fn plain_ascii(key: &str) -> impl Iterator<Item = u8> + '_ {
        key.bytes()
            .filter(|b| !matches!(b, b'-' | b'_'))
            .map(|b| b.to_ascii_lowercase())
    }
    if a.is_ascii() && b.is_ascii() {
        return plain_ascii(a).eq(plain_ascii(b));
    }
    let plain = |key: &str| key.replace(['-', '_'], "").to_lowercase();
    plain(a) == plain(b)
}

/// A value's text: a string, a number, or an object's `name` or `@id`.
pub(super) fn text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => return field(o, &["name", "@id", "url"]).and_then(text),
        Value::Array(items) => return items.iter().find_map(text),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// One or more people, as a byline would name them: "A", "A and B", "A, B and C".
pub(super) fn names(value: &Value) -> Option<String> {
    let names: Vec<String> = match value {
        Value::Array(items) => items.iter().filter_map(names).collect(),
        Value::Object(o) => field(o, &["name"]).and_then(text).into_iter().collect(),
        other => text(other).into_iter().collect(),
    };
    match names.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

fn date(value: &Value) -> Option<PartialDate> {
    text(value).as_deref().and_then(machine_date)
}

fn absolute_url(value: &Value) -> Option<String> {
    text(value).filter(|url| url.starts_with("https://") || url.starts_with("http://"))
}

/// Reads title, author, publisher, dates and URL from an object of front matter or
/// JSON-LD, under the names those formats use for them.
pub(super) fn meta_of(object: &Map<String, Value>) -> SourceMeta {
    SourceMeta {
        title: field(object, &["title", "headline", "name"]).and_then(text),
        publisher: field(
            object,
            &[
                "publisher",
                "site_name",
                "site",
                "source",
                "outlet",
                "publication",
            ],
        )
        .and_then(text),
        author: field(
            object,
            &["author", "authors", "byline", "creator", "creators"],
        )
        .and_then(names),
        url: field(
            object,
            &[
                "url",
                "canonical",
                "canonical_url",
                "link",
                "source_url",
                "mainEntityOfPage",
            ],
        )
        .and_then(absolute_url),
        published: field(
            object,
            &[
                "datePublished",
                "published",
                "date",
                "pubDate",
                "publishDate",
                "published_at",
                "created",
                "dateCreated",
            ],
        )
        .and_then(date),
        updated: field(
            object,
            &[
                "dateModified",
                "updated",
                "lastmod",
                "modified",
                "last_modified",
                "updated_at",
            ],
        )
        .and_then(date),
        kind: None,
        notes: Vec::new(),
        undated: false,
    }
}

/// `meta` with every field it lacks taken from `other`.
pub(super) fn fill(meta: &mut SourceMeta, other: SourceMeta) {
    meta.title = meta.title.take().or(other.title);
    meta.publisher = meta.publisher.take().or(other.publisher);
    meta.author = meta.author.take().or(other.author);
    meta.url = meta.url.take().or(other.url);
    meta.published = meta.published.take().or(other.published);
    meta.updated = meta.updated.take().or(other.updated);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn meta(value: Value) -> SourceMeta {
        meta_of(value.as_object().unwrap())
    }

    #[test]
    fn keys_are_the_same_without_case_dashes_or_underscores() {
        assert!(same_key("date_published", "datePublished"));
        assert!(same_key("og-Site_NAME", "ogsitename"));
        assert!(
            same_key("lin\u{212A}", "link"),
            "the Kelvin sign lower-cases to k"
        );
        assert!(!same_key("dates", "date"));
    }

    #[test]
    fn reads_json_ld_names_objects_and_lists() {
        let read = meta(json!({
            "@type": "NewsArticle",
            "headline": "A Headline",
            "datePublished": "2026-05-08T09:30:00+01:00",
            "dateModified": "2026-05-09",
            "author": [{"@type": "Person", "name": "Jane Doe"}, {"name": "John Roe"}],
            "publisher": {"@type": "Organization", "name": "Vela"},
            "mainEntityOfPage": {"@id": "https://vela.example/story"}
        }));
        assert_eq!(read.title.as_deref(), Some("A Headline"));
        assert_eq!(read.author.as_deref(), Some("Jane Doe and John Roe"));
        assert_eq!(read.publisher.as_deref(), Some("Vela"));
        assert_eq!(read.url.as_deref(), Some("https://vela.example/story"));
        assert_eq!(read.published.unwrap().to_string(), "2026-05-08");
        assert_eq!(read.updated.unwrap().to_string(), "2026-05-09");
    }

    #[test]
    fn reads_front_matter_under_its_usual_names() {
        let read = meta(json!({
            "title": "T",
            "authors": ["A", "B", "C"],
            "pubDate": "May 8, 2026",
            "lastmod": "2026-05-10",
            "link": "/relative/path"
        }));
        assert_eq!(read.author.as_deref(), Some("A, B and C"));
        assert_eq!(read.published.unwrap().to_string(), "2026-05-08");
        assert_eq!(read.updated.unwrap().to_string(), "2026-05-10");
        assert_eq!(
            read.url, None,
            "a relative link is not where it was published"
        );
    }
}
