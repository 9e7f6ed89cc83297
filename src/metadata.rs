//! Structured data for search engines and link previews: the JSON-LD of the briefing
//! (`NewsArticle`), the FAQ (`FAQPage`) and the timeline (an `ItemList` of `Event`s),
//! as schema.org describes them. The Open Graph and Twitter tags are plain template
//! variables; see `themes/default/templates/meta.html`.

use crate::parse::{Event, Question, SectionedPage, Site};
use crate::render::{source_anchor, source_title};
use crate::resolve::Resolved;
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

/// `NewsArticle` for the briefing at `url`, its sources as `citation`s.
pub fn news_article(site: &Site, resolved: &Resolved, url: &str) -> Value {
    let meta = &site.briefing.meta;
    let base = site.config.base_url();
    let citations: Vec<Value> = resolved
        .entries
        .iter()
        .map(|entry| {
            let source = &site.sources[entry.source];
            let appendix = format!("{base}sources/#{}", source_anchor(source));
            let mut work = json!({
                "@type": "CreativeWork",
                "name": source_title(source),
                "url": source.meta.url.clone().unwrap_or(appendix),
            });
            if let Some(publisher) = &source.meta.publisher {
                work["publisher"] = json!({ "@type": "Organization", "name": publisher });
            }
            if let Some(date) = source.meta.published.or(source.meta.updated) {
                work["datePublished"] = json!(date);
            }
            work
        })
        .collect();
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": meta.title,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": site.config.language,
        "publisher": publisher(site),
        "author": publisher(site),
        "citation": citations,
    });
    if let Some(summary) = &meta.summary {
        article["description"] = json!(summary);
    }
    if let Some(published) = meta.published {
        article["datePublished"] = json!(published);
    }
    if let Some(updated) = meta.updated.or(meta.published) {
        article["dateModified"] = json!(updated);
    }
    article
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
pub fn script_json(value: &Value) -> String {
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
