//! The files beside the pages that hosts, feed readers and crawlers look for:
//! `sitemap.xml`, `feed.xml`, `robots.txt`, `.nojekyll`, `CNAME` and `briefing.json`.

use crate::cache::PageMemo;
use crate::date::PartialDate;
use crate::parse::Site;
use crate::provenance::Provenance;
use crate::render::{OutputFile, source_anchor, source_page, source_title};
use crate::resolve::Resolved;
use pulldown_cmark_escape::escape_html;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::hash::Hash;

/// The non-page files of the site; `pages` are the rendered pages' paths and `last_updated`
/// their days by page path, for the sitemap. `memo` keeps each source's part of
/// `briefing.json` between builds.
pub fn site_files(
    site: &Site,
    resolved: &Resolved,
    provenance: &Provenance,
    pages: &[String],
    last_updated: &BTreeMap<String, PartialDate>,
    memo: &PageMemo,
) -> Vec<OutputFile> {
    let mut files = vec![
        file(
            "robots.txt",
            format!(
                "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
                site.config.base_url()
            ),
        ),
        file(".nojekyll", String::new()),
        file("sitemap.xml", sitemap(site, pages, last_updated)),
        file("feed.xml", feed(site)),
        OutputFile {
            path: "briefing.json".into(),
            bytes: briefing_json(site, resolved, provenance, memo).into(),
        },
    ];
    if let Some(cname) = &site.config.cname {
        files.push(file("CNAME", format!("{cname}\n")));
    }
    files
}

fn file(path: &str, text: String) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        bytes: text.into_bytes().into(),
    }
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html(&mut out, text).ok();
    out
}

/// A sitemap (sitemaps.org protocol 0.9): every page, with the day it last changed.
fn sitemap(site: &Site, pages: &[String], last_updated: &BTreeMap<String, PartialDate>) -> String {
    let mut paths: Vec<&str> = pages
        .iter()
        .filter_map(|page| page.strip_suffix("index.html"))
        .collect();
    paths.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str(&format!(
            "  <url><loc>{}</loc>",
            xml_escape(&format!("{}{path}", site.config.base_url()))
        ));
        if let Some(date) = last_updated.get(path).filter(|d| d.day.is_some()) {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// An Atom feed with one entry per changelog item, newest first.
fn feed(site: &Site) -> String {
    let meta = &site.briefing.meta;
    let base = site.config.base_url();
    let mut updates: Vec<_> = meta.updates.iter().collect();
    updates.sort_by_key(|u| std::cmp::Reverse(u.date));
    let timestamp = |date: &crate::date::PartialDate| {
        format!(
            "{:04}-{:02}-{:02}T00:00:00Z",
            date.year,
            date.month.unwrap_or(1),
            date.day.unwrap_or(1)
        )
    };
    let newest = updates
        .first()
        .map(|u| u.date)
        .or(meta.updated)
        .or(meta.published)
        .or_else(crate::history::source_date_epoch);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(&meta.title)));
    xml.push_str(&format!("  <id>{}</id>\n", xml_escape(base)));
    xml.push_str(&format!("  <link href=\"{}\"/>\n", xml_escape(base)));
    xml.push_str(&format!(
        "  <link rel=\"self\" href=\"{}feed.xml\"/>\n",
        xml_escape(base)
    ));
    xml.push_str(&format!(
        "  <updated>{}</updated>\n",
        newest
            .map(|d| timestamp(&d))
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
    ));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&site.config.title)
    ));
    for (index, update) in updates.iter().enumerate() {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!(
            "    <title>{}: {}</title>\n",
            update.date.human(),
            xml_escape(&update.note)
        ));
        xml.push_str(&format!(
            "    <id>{}#update-{}-{}</id>\n",
            xml_escape(base),
            update.date,
            updates.len() - index
        ));
        xml.push_str(&format!("    <link href=\"{}\"/>\n", xml_escape(base)));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            timestamp(&update.date)
        ));
        xml.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml_escape(&update.note)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// A source in `briefing.json`. Its fields, like every object's there, are in
/// alphabetical order, the order the file has always had.
#[derive(Serialize)]
struct SourceData<'a> {
    appendix_url: String,
    archive_url: String,
    author: &'a Option<String>,
    citations: Vec<String>,
    disclosures: Vec<crate::disclosure::Disclosure>,
    id: &'a str,
    kind: &'a Option<crate::ingest::SourceKind>,
    notes: &'a [String],
    number: usize,
    published: &'a Option<PartialDate>,
    publisher: &'a Option<String>,
    quotes: Vec<QuoteData<'a>>,
    title: &'a str,
    undated: bool,
    updated: &'a Option<PartialDate>,
    url: &'a Option<String>,
}

#[derive(Serialize)]
struct QuoteData<'a> {
    text: &'a str,
    url: String,
}

impl<'a> SourceData<'a> {
    fn new(site: &'a Site, entry: &'a crate::resolve::SourceEntry) -> Self {
        let base = site.config.base_url();
        let source = &site.sources[entry.source];
        let page = format!("{base}{}", source_page(source));
        SourceData {
            number: entry.number,
            id: &source.id,
            title: source_title(source),
            publisher: &source.meta.publisher,
            author: &source.meta.author,
            url: &source.meta.url,
            published: &source.meta.published,
            updated: &source.meta.updated,
            kind: &source.meta.kind,
            undated: source.meta.undated,
            notes: &source.meta.notes,
            disclosures: crate::disclosure::disclosures(&source.meta.notes),
            appendix_url: format!("{base}sources/#{}", source_anchor(source)),
            citations: entry
                .backlinks
                .iter()
                .map(|b| format!("{base}{}#{}", b.page, b.anchor))
                .collect(),
            quotes: entry
                .quotes
                .iter()
                .map(|q| QuoteData {
                    text: &q.text,
                    url: format!("{page}#{}", q.anchor),
                })
                .collect(),
            archive_url: page,
        }
    }
}

/// A row of the coverage in `briefing.json`: a part of the briefing and the ids of the
/// sources it cites (typed, as a briefing may cite thousands).
#[derive(Serialize)]
struct CoverageData<'a> {
    section: &'a str,
    sources: Vec<&'a str>,
    url: String,
}

/// The whole briefing as data (its shape is documented in the README), pretty-printed
/// with its fields in alphabetical order. Sources are typed rather than `json!` values,
/// and each is kept in `memo` while it and its entry are unchanged: with thousands of
/// sources they are nearly all of the file, and an edit of the briefing changes few.
fn briefing_json(
    site: &Site,
    resolved: &Resolved,
    provenance: &Provenance,
    memo: &PageMemo,
) -> Vec<u8> {
    let base = site.config.base_url();
    let sources: Vec<bytes::Bytes> = resolved
        .entries
        .par_iter()
        .map(|entry| {
            let source = &site.sources[entry.source];
            let key = memo.keeps().then(|| {
                let mut key = xxhash_rust::xxh3::Xxh3::new();
                base.hash(&mut key);
                crate::cache::hash_source_entry(&mut key, source, entry);
                key.digest128()
            });
            let name = format!("briefing.json#{}", source.id);
            let made = memo.remember(&name, key, || {
                Ok::<_, std::convert::Infallible>(
                    pretty(&SourceData::new(site, entry), 2).into_bytes(),
                )
            });
            match made {
                Ok((json, _)) => json,
                Err(never) => match never {},
            }
        })
        .collect();
    let meta = &site.briefing.meta;
    let mut updates: Vec<_> = meta.updates.iter().collect();
    updates.sort_by_key(|u| std::cmp::Reverse(u.date));
    let timeline: Vec<_> = site
        .timeline
        .iter()
        .flat_map(|t| t.entries.iter().enumerate())
        .map(|(index, event)| {
            json!({
                "date": event.date,
                "title": event.title,
                "text": event.body.markdown.text,
                "url": format!("{base}timeline/#{}", event.anchor),
                "sources_differ": provenance.event_conflicts.get(&index),
            })
        })
        .collect();
    let faq: Vec<_> = site
        .faq
        .iter()
        .flat_map(|f| &f.entries)
        .map(|q| {
            json!({
                "question": q.question,
                "answer": q.answer.markdown.text,
                "url": format!("{base}faq/#{}", q.anchor),
            })
        })
        .collect();
    let coverage: Vec<CoverageData> = provenance
        .coverage
        .iter()
        .map(|row| CoverageData {
            section: &row.section,
            sources: row
                .sources
                .iter()
                .map(|&s| site.sources[s].id.as_str())
                .collect(),
            url: match &row.anchor {
                Some(anchor) => format!("{base}{}#{anchor}", row.page),
                None => format!("{base}{}", row.page),
            },
        })
        .collect();
    let disagreements: Vec<_> = site
        .briefing
        .disagreements
        .iter()
        .map(|d| {
            json!({
                "topic": d.topic,
                "note": d.note,
                "says": d.says.markdown.citations.iter().flat_map(|g| &g.items).map(|c| json!({
                    "source": c.id,
                    "quote": c.quote,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let fields: [(&str, Printed); 12] = [
        ("coverage", Printed::Text(pretty(&coverage, 1))),
        ("disagreements", Printed::Text(pretty(&disagreements, 1))),
        ("faq", Printed::Text(pretty(&faq, 1))),
        (
            "has_primary_source",
            Printed::Text(pretty(&provenance.has_primary_source, 1)),
        ),
        ("published", Printed::Text(pretty(&meta.published, 1))),
        ("sources", Printed::Array(sources)),
        ("summary", Printed::Text(pretty(&meta.summary, 1))),
        ("timeline", Printed::Text(pretty(&timeline, 1))),
        ("title", Printed::Text(pretty(&meta.title, 1))),
        ("updated", Printed::Text(pretty(&meta.updated, 1))),
        ("updates", Printed::Text(pretty(&updates, 1))),
        ("url", Printed::Text(pretty(&base, 1))),
    ];
    let mut text = Vec::with_capacity(fields.iter().map(|(_, v)| v.len() + 32).sum());
    text.extend_from_slice(b"{\n");
    for (index, (name, value)) in fields.iter().enumerate() {
        for piece in [b"  \"", name.as_bytes(), b"\": "] {
            text.extend_from_slice(piece);
        }
        value.write(&mut text, 1);
        let comma = index + 1 < fields.len();
        text.extend_from_slice(if comma { b",\n" } else { b"\n" });
    }
    text.extend_from_slice(b"}\n");
    text
}

/// A field's value in briefing.json, pretty-printed: the sources' array is written
/// straight from its items into the file, rather than copied whole first.
enum Printed {
    Text(String),
    Array(Vec<bytes::Bytes>),
}

impl Printed {
    /// About how many bytes it takes.
    fn len(&self) -> usize {
        match self {
            Printed::Text(text) => text.len(),
            Printed::Array(items) => items.iter().map(|i| i.len() + 8).sum(),
        }
    }

    /// Appends it to `out`, `depth` levels deep.
    fn write(&self, out: &mut Vec<u8>, depth: usize) {
        match self {
            Printed::Text(text) => out.extend_from_slice(text.as_bytes()),
            Printed::Array(items) => push_pretty_array(out, items, depth),
        }
    }
}

/// `value` as serde_json pretty-prints it `depth` levels deep in a document: lines
/// after the first indented by two spaces a level.
fn pretty(value: &impl Serialize, depth: usize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    if depth == 0 || !text.contains('\n') {
        return text;
    }
    text.replace('\n', &format!("\n{}", "  ".repeat(depth)))
}

/// An array of `items`, each already pretty-printed one level deeper than the array
/// (see [`pretty`]), as serde_json pretty-prints it `depth` levels deep.
fn push_pretty_array(text: &mut Vec<u8>, items: &[bytes::Bytes], depth: usize) {
    if items.is_empty() {
        text.extend_from_slice(b"[]");
        return;
    }
    let inner = "  ".repeat(depth + 1);
    text.extend_from_slice(b"[\n");
    for (index, item) in items.iter().enumerate() {
        text.extend_from_slice(inner.as_bytes());
        text.extend_from_slice(item);
        let comma = index + 1 < items.len();
        text.extend_from_slice(if comma { b",\n" } else { b"\n" });
    }
    text.extend_from_slice("  ".repeat(depth).as_bytes());
    text.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_pretty_printed_apart_make_what_serde_json_prints_whole() {
        let items = [
            json!({ "b": [1, 2], "c": { "d": null }, "e": [] }),
            json!({}),
            json!({ "f": "x\ny" }),
        ];
        let whole = serde_json::to_string_pretty(&json!({ "a": items, "z": true })).unwrap();
        let kept: Vec<bytes::Bytes> = items.iter().map(|i| pretty(i, 2).into()).collect();
        let array = |items: &[bytes::Bytes]| {
            let mut text = Vec::new();
            push_pretty_array(&mut text, items, 1);
            String::from_utf8(text).unwrap()
        };
        let pieces = format!(
            "{{\n  \"a\": {},\n  \"z\": {}\n}}",
            array(&kept),
            pretty(&true, 1)
        );
        assert_eq!(pieces, whole);
        assert_eq!(array(&[]), "[]");
    }
}
