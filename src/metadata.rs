//! Structured data for search engines and link previews: the JSON-LD of the briefing
//! (`NewsArticle`), the FAQ (`FAQPage`) and the timeline (an `ItemList` of `Event`s),
//! as schema.org describes them. The Open Graph and Twitter tags are plain template
//! variables; see `themes/default/templates/meta.html`.

use crate::parse::{Event, Question, SectionedPage, Site};
use crate::render::{source_anchor, source_title};
use crate::resolve::Resolved;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

/// The organisation named as the briefing's publisher: site.toml's `publisher`, or the
/// site's title.
fn publisher(site: &Site) -> Value {
    let name = site
        .config
        .publisher
        .as_deref()
        .unwrap_or(&site.config.title);
    json!({ "@type": "Organization", "name": name, "url": site.config.base_url() })
}

/// A source as a `citation` of the briefing. Typed, since a briefing may cite
/// thousands; fields in alphabetical order, as `json!` objects have them.
#[derive(Serialize)]
struct CreativeWork<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<crate::date::PartialDate>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Organization<'a>>,
    url: String,
}

/// The briefing as a `NewsArticle`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: Value,
    citation: Vec<CreativeWork<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<crate::date::PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<crate::date::PartialDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    headline: &'a str,
    in_language: &'a str,
    main_entity_of_page: &'a str,
    publisher: Value,
    url: &'a str,
}

#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

/// `NewsArticle` for the briefing at `url`, its sources as `citation`s.
pub fn news_article<'a>(site: &'a Site, resolved: &Resolved, url: &'a str) -> impl Serialize + 'a {
    let meta = &site.briefing.meta;
    let base = site.config.base_url();
    let citations: Vec<CreativeWork> = resolved
        .entries
        .par_iter()
        .map(|entry| {
            let source = &site.sources[entry.source];
            CreativeWork {
                kind: "CreativeWork",
                date_published: source.meta.published.or(source.meta.updated),
                name: source_title(source),
                publisher: source.meta.publisher.as_deref().map(|name| Organization {
                    kind: "Organization",
                    name,
                }),
                url: source
                    .meta
                    .url
                    .clone()
                    .unwrap_or_else(|| format!("{base}sources/#{}", source_anchor(source))),
            }
        })
        .collect();
    NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        author: publisher(site),
        citation: citations,
        date_modified: meta.updated.or(meta.published),
        date_published: meta.published,
        description: meta.summary.as_deref(),
        headline: &meta.title,
        in_language: &site.config.language,
        main_entity_of_page: url,
        publisher: publisher(site),
        url,
    }
}

/// `FAQPage` for the FAQ at `url`: each question with its answer as plain text.
pub fn faq_page(site: &Site, faq: &SectionedPage<Question>, url: &str) -> Value {
    let questions: Vec<Value> = faq
        .entries
        .iter()
        .map(|q| {
            json!({
                "@type": "Question",
                "name": q.question,
                "url": format!("{url}#{}", q.anchor),
                "acceptedAnswer": { "@type": "Answer", "text": q.answer.markdown.text },
            })
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "name": faq.title,
        "url": url,
        "inLanguage": site.config.language,
        "mainEntity": questions,
    })
}

/// The timeline at `url` as an `ItemList` of `Event`s, in date order.
pub fn timeline(site: &Site, timeline: &SectionedPage<Event>, url: &str) -> Value {
    let events: Vec<Value> = timeline
        .entries
        .iter()
        .enumerate()
        .map(|(index, event)| {
            json!({
                "@type": "ListItem",
                "position": index + 1,
                "item": {
                    "@type": "Event",
                    "name": event.title,
                    "startDate": event.date,
                    "description": event.body.markdown.text,
                    "url": format!("{url}#{}", event.anchor),
                },
            })
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": timeline.title,
        "url": url,
        "inLanguage": site.config.language,
        "itemListOrder": "https://schema.org/ItemListOrderAscending",
        "numberOfItems": events.len(),
        "itemListElement": events,
    })
}

/// JSON-LD as it may stand inside `<script>`: `<` is escaped, so no text of the
/// content can close the element.
pub fn script_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_script_element() {
        let text = script_json(&json!({ "text": "</script><b>" }));
        assert!(!text.contains('<'), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["text"], "</script><b>");
    }
}
