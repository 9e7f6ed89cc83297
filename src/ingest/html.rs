//! Reading a saved web page with html5ever (through `scraper`), which parses any HTML the
//! way browsers do, well formed or not.
//!
//! Metadata comes from what the page states for machines, most explicit first: JSON-LD
//! (`NewsArticle` and kin), then `og:`/`article:` meta tags and `<link rel=canonical>`,
//! then `<time>` elements, then the `<title>`, and last the visible byline and datelines.
//! The body is the main content element (an `<article>`, else `<main>`, else the page)
//! walked block by block; navigation, page headers and footers, asides, figures,
//! scripts, styles and elements whose class names say "share", "related", "newsletter"
//! and the like never reach it.

use super::body::{Body, Piece};
use super::dates::machine_date;
use super::fields::{fill, meta_of};
use super::lines::{ends_sentence, is_name, self_named_publisher};
use super::scan::{is_collapsed, split_words};
use super::{BlockKind, DateOrder, Extracted, FaqEntry, Finding, SourceMeta};
use crate::diagnostic::Problem;
use ego_tree::NodeRef;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;
use std::sync::LazyLock;

/// The selector of `css`, parsed on first use only: parsing one costs about as much as
/// running it over a page.
macro_rules! selector {
    ($css:expr) => {{
        static SELECTOR: LazyLock<Selector> = LazyLock::new(|| {
            Selector::parse($css).unwrap_or_else(|e| panic!("selector {}: {e}", $css))
        });
        &*SELECTOR
    }};
}

/// Elements whose content is never text of the article.
const INVISIBLE: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "button", "form", "select",
    "input", "textarea", "canvas", "video", "audio", "object", "embed", "head", "link", "meta",
];

/// Elements of page chrome: their text is recorded as removed.
const CHROME: &[&str] = &[
    "nav",
    "aside",
    "footer",
    "figure",
    "figcaption",
    "menu",
    "dialog",
];

/// Elements that end a block of text.
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "div",
    "section",
    "article",
    "main",
    "header",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "pre",
    "table",
    "tr",
    "address",
    "hr",
    "details",
    "summary",
    "body",
];

/// Class names and ids that mark page furniture (after Readability's list).
static UNLIKELY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[-_ ])(ads?|advert\w*|banner|breadcrumbs?|comments?|community|cookies?|consent|disqus|footer|gdpr|masthead|menu|modal|nav|navbar|newsletter|pagination|pager|popup|promo|related|recirc\w*|replies|rss|share|sharing|shoutbox|sidebar|skyscraper|social|sponsor\w*|subscribe|signup|tags|toolbar|widget|more-stories|read-more|outbrain|taboola|bio|author-bio|author-info|about-the-author|entry-meta|post-meta)(?:[-_ ]|$)").unwrap()
});

static ARTICLE_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "SocialMediaPosting",
];

/// Reads a saved page; `order` reads numeric dates such as 08.05.2026.
pub fn extract(text: &str, order: Option<DateOrder>) -> Extracted {
    let document = Html::parse_document(text);
    let mut body = Body::new(order);
    let (stated, faq) = json_ld(&document, &mut body.extracted.findings);
    let mut meta = stated;
    fill(&mut meta, meta_tags(&document));
    let root = main_content(&document);
    fill(&mut meta, time_elements(root));
    fill(&mut meta, byline_elements(&document));
    // The walk may find the site's name in a copyright line: the weakest evidence.
    let pieces = walk_blocks(root, &mut body);
    body.reserve(pieces.len());
    let h1 = pieces
        .iter()
        .find(|(_, h1)| *h1)
        .map(|(p, _)| p.text.to_string());
    meta.title = meta.title.or(h1);
    let (title, site) = page_title(&document, meta.title.as_deref());
    meta.title = meta.title.or(title);
    meta.publisher = meta.publisher.or(site);
    let from_walk = std::mem::replace(&mut body.extracted.meta, meta);
    fill(&mut body.extracted.meta, from_walk);
    let title_at = pieces
        .iter()
        .position(|(p, h1)| *h1 && same_text(body.extracted.meta.title.as_deref(), &p.text));
    for (i, (piece, _)) in pieces.into_iter().enumerate() {
        match title_at {
            Some(t) if i == t => {}
            // Above the headline: section labels and breadcrumbs, unless a sentence.
            Some(t) if i < t && !ends_sentence(&piece.text) => body.remove(&piece.text),
            _ => body.push(piece),
        }
    }
    let mut extracted = body.finish();
    if extracted.faq.is_empty() {
        extracted.faq = faq;
    }
    extracted
}

fn same_text(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| split_words(a).eq(split_words(b)))
}

/// The article's own metadata and FAQ from its JSON-LD. A block that does not parse is
/// reported, not guessed at.
fn json_ld(document: &Html, findings: &mut Vec<Finding>) -> (SourceMeta, Vec<FaqEntry>) {
    let mut objects = Vec::new();
    for script in document.select(selector!(r#"script[type="application/ld+json"]"#)) {
        let text: String = script.text().collect();
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => collect_objects(value, &mut objects),
            Err(error) => findings.push(Finding {
                problem: Problem::BadJsonLd {
                    message: error.to_string(),
                },
                at: None,
            }),
        }
    }
    let has_type = |object: &serde_json::Map<String, Value>, types: &[&str]| {
        let named = |t: &Value| t.as_str().is_some_and(|t| types.contains(&t));
        match object.get("@type") {
            Some(Value::Array(list)) => list.iter().any(named),
            Some(t) => named(t),
            None => false,
        }
    };
    let meta = objects
        .iter()
        .find(|o| has_type(o, ARTICLE_TYPES))
        .map(meta_of)
        .unwrap_or_default();
    let faq = objects
        .iter()
        .filter(|o| has_type(o, &["FAQPage"]))
        .flat_map(|o| {
            o.get("mainEntity")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|q| {
            let question = q.get("name")?.as_str()?.trim().to_string();
            let answer = q.get("acceptedAnswer")?.get("text")?.as_str()?;
            Some(FaqEntry {
                question,
                answer: collapse(
                    &Html::parse_fragment(answer)
                        .root_element()
                        .text()
                        .collect::<String>(),
                ),
            })
        })
        .collect();
    (meta, faq)
}

fn collect_objects(value: Value, into: &mut Vec<serde_json::Map<String, Value>>) {
    match value {
        Value::Array(items) => items.into_iter().for_each(|v| collect_objects(v, into)),
        Value::Object(mut object) => {
            if let Some(graph) = object.remove("@graph") {
                collect_objects(graph, into);
            }
            into.push(object);
        }
        _ => {}
    }
}

/// `og:`, `article:`, Dublin Core and other `<meta>` tags, and the canonical link.
fn meta_tags(document: &Html) -> SourceMeta {
    // Each tag's key and content, gathered once for all the fields looked up below.
    let tags: Vec<(&str, &str)> = document
        .select(selector!("meta[content]"))
        .map(|m| {
            let key = m
                .attr("property")
                .or(m.attr("name"))
                .or(m.attr("itemprop"))
                .unwrap_or("");
            (key, m.attr("content").unwrap_or(""))
        })
        .collect();
    let content = |names: &[&str]| {
        tags.iter()
            .filter(|(key, _)| names.iter().any(|n| n.eq_ignore_ascii_case(key)))
            .map(|(_, content)| content.trim())
            .find(|c| !c.is_empty())
            .map(str::to_string)
    };
    let date = |names: &[&str]| content(names).as_deref().and_then(machine_date);
    let canonical = document
        .select(selector!(r#"link[rel="canonical"][href]"#))
        .filter_map(|l| l.attr("href"))
        .map(str::to_string)
        .next();
    let absolute =
        |url: String| (url.starts_with("http://") || url.starts_with("https://")).then_some(url);
    SourceMeta {
        title: content(&["og:title", "twitter:title", "dc.title", "citation_title"]),
        publisher: content(&[
            "og:site_name",
            "application-name",
            "dc.publisher",
            "citation_publisher",
        ]),
        author: content(&[
            "author",
            "article:author",
            "dc.creator",
            "citation_author",
            "byl",
            "sailthru.author",
            "parsely-author",
        ])
        .filter(|a| !a.starts_with("http"))
        .map(|a| {
            a.trim_start_matches("By ")
                .trim_start_matches("by ")
                .to_string()
        }),
        url: canonical
            .and_then(absolute)
            .or_else(|| content(&["og:url"]).and_then(absolute)),
        published: date(&[
            "article:published_time",
            "datePublished",
            "date",
            "pubdate",
            "publishdate",
            "publish-date",
            "dc.date",
            "dc.date.issued",
            "dcterms.created",
            "citation_publication_date",
            "sailthru.date",
            "parsely-pub-date",
            "og:published_time",
        ]),
        updated: date(&[
            "article:modified_time",
            "og:updated_time",
            "dateModified",
            "last-modified",
            "dcterms.modified",
            "dc.date.modified",
        ]),
        kind: None,
        notes: Vec::new(),
        undated: false,
    }
}

/// `<time datetime>` elements in the article: one marked (or introduced) as the update
/// gives `updated`, the first other one `published`.
fn time_elements(root: ElementRef) -> SourceMeta {
    let mut meta = SourceMeta::default();
    for time in root.select(selector!("time[datetime]")) {
        let Some(date) = time.attr("datetime").and_then(machine_date) else {
            continue;
        };
        let context = text_before(*time).to_lowercase();
        let itemprop = time.attr("itemprop").unwrap_or("");
        let class = time.attr("class").unwrap_or("").to_lowercase();
        let published = itemprop == "datePublished" || class.contains("published");
        let updated = itemprop == "dateModified"
            || class.contains("updated")
            || class.contains("modified")
            || (!published && (context.contains("updated") || context.contains("modified")));
        let slot = if updated {
            &mut meta.updated
        } else {
            &mut meta.published
        };
        slot.get_or_insert(date);
    }
    meta
}

/// The author as the page marks it up: `rel=author`, `itemprop=author`, an hCard's
/// name, a `.byline` (less its "By").
fn byline_elements(document: &Html) -> SourceMeta {
    let author = document
        .select(selector!(
            r#"[rel="author"], [itemprop="author"], .author.vcard .fn, .vcard .fn, .byline .author, .author-name"#
        ))
        .map(|e| collapse(&e.text().collect::<String>()))
        .map(|a| {
            a.strip_prefix("By ")
                .or(a.strip_prefix("by "))
                .unwrap_or(&a)
                .to_string()
        })
        .find(|a| is_name(a));
    SourceMeta {
        author,
        ..SourceMeta::default()
    }
}

/// The few words just before `node` ("Updated " before a `<time>`), looking past
/// inline wrappers such as `<span>`.
fn text_before(node: NodeRef<Node>) -> String {
    let mut node = node;
    loop {
        let before: String = node
            .prev_siblings()
            .take(3)
            .flat_map(|sibling| {
                sibling
                    .descendants()
                    .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
            .join(" ");
        match node.parent() {
            Some(parent)
                if before.trim().is_empty()
                    && parent
                        .value()
                        .as_element()
                        .is_some_and(|e| !BLOCKS.contains(&e.name())) =>
            {
                node = parent;
            }
            _ => return before,
        }
    }
}

/// The page's `<title>`, less a site name after a separator ("Headline | Vela"); the
/// site name is returned too. When the metadata gives the headline already, the
/// `<title>` only tells the site.
fn page_title(document: &Html, known: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(title) = document
        .select(selector!("title"))
        .next()
        .map(|t| collapse(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty())
    else {
        return (None, None);
    };
    for separator in [" | ", " – ", " — ", " - ", " · ", " :: "] {
        if let Some((head, site)) = title.rsplit_once(separator) {
            let head_matches = known.is_none_or(|k| same_text(Some(k), head));
            if head_matches && site.split_whitespace().count() <= 4 {
                return (Some(head.trim().to_string()), Some(site.trim().to_string()));
            }
        }
    }
    (Some(title), None)
}

/// The element holding the article: the `<article>` with the most paragraph text, else
/// `<main>` or an element marked as the article body, else `<body>`.
fn main_content(document: &Html) -> ElementRef<'_> {
    // Paragraphs share their ancestors: each is judged once.
    let judged = std::cell::RefCell::new(std::collections::HashMap::new());
    let chrome = |e: ElementRef| {
        *judged
            .borrow_mut()
            .entry(e.id())
            .or_insert_with(|| is_chrome(e))
    };
    let text_in = |element: &ElementRef| -> usize {
        element
            .select(selector!("p"))
            .filter(|p| !p.ancestors().filter_map(ElementRef::wrap).any(chrome))
            .map(|p| p.text().map(str::len).sum::<usize>())
            .sum()
    };
    let body = document
        .select(selector!("body"))
        .next()
        .unwrap_or_else(|| document.root_element());
    let total = text_in(&body);
    for candidates in [
        selector!("article"),
        selector!(
            r#"main, [role="main"], [itemprop="articleBody"], .article-body, .post-content, .entry-content, .story-body, #content"#
        ),
    ] {
        let best = document
            .select(candidates)
            .filter(|e| !is_chrome(*e))
            .map(|e| (text_in(&e), e))
            // The first of equals: the outermost, holding the headline and chrome too.
            .min_by_key(|(score, _)| std::cmp::Reverse(*score));
        // It must hold at least half the page's text, or it is a teaser, not the article.
        if let Some((_, element)) = best.filter(|(score, _)| *score * 2 >= total && *score > 0) {
            return element;
        }
    }
    body
}

fn is_chrome(element: ElementRef) -> bool {
    let value = element.value();
    let name = value.name();
    if CHROME.contains(&name) {
        return true;
    }
    if name == "header" {
        // An article's own header holds its headline; any other is the page's masthead.
        return !element
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| a.value().name() == "article");
    }
    let marks = [value.attr("class"), value.id(), value.attr("role")];
    marks.iter().flatten().any(|m| UNLIKELY.is_match(m))
        || matches!(
            value.attr("role"),
            Some("navigation" | "banner" | "contentinfo" | "complementary")
        )
}

fn is_hidden(element: ElementRef) -> bool {
    let value = element.value();
    value.attr("hidden").is_some()
        || value.attr("aria-hidden") == Some("true")
        || value
            .attr("style")
            .is_some_and(|s| s.replace(' ', "").to_lowercase().contains("display:none"))
}

/// The blocks under `root` in document order, each with whether it is an `<h1>`;
/// chrome's text goes to `body` as removed.
fn walk_blocks(root: ElementRef, body: &mut Body) -> Vec<(Piece<'static>, bool)> {
    let mut walker = Walker {
        pieces: Vec::new(),
        inline: String::new(),
        kinds: vec![(BlockKind::Paragraph, false)],
        removing: 0,
        body,
    };
    walker.children(*root);
    walker.flush();
    walker.pieces
}

struct Walker<'b> {
    pieces: Vec<(Piece<'static>, bool)>,
    inline: String,
    /// The kind of the innermost open block, and whether it is an `<h1>`.
    kinds: Vec<(BlockKind, bool)>,
    /// Inside how many chrome elements the walk is.
    removing: usize,
    body: &'b mut Body,
}

impl Walker<'_> {
    fn children(&mut self, node: NodeRef<Node>) {
        for child in node.children() {
            self.node(child);
        }
    }

    fn node(&mut self, node: NodeRef<Node>) {
        match node.value() {
            Node::Text(text) => self.inline.push_str(text),
            Node::Element(element) => {
                let Some(element_ref) = ElementRef::wrap(node) else {
                    return;
                };
                let name = element.name();
                if INVISIBLE.contains(&name) || is_hidden(element_ref) {
                    return;
                }
                if name == "br" {
                    self.inline.push(' ');
                    return;
                }
                if name == "img" {
                    if let Some(alt) = element.attr("alt").filter(|a| !a.trim().is_empty()) {
                        self.body.remove(alt.trim());
                    }
                    return;
                }
                let chrome = is_chrome(element_ref);
                let block = BLOCKS.contains(&name) || chrome;
                if block {
                    self.flush();
                    self.kinds
                        .push(kind_of(name, self.kinds.last().map(|k| k.0)));
                }
                self.removing += usize::from(chrome);
                self.children(node);
                if block {
                    self.flush();
                    self.kinds.pop();
                }
                self.removing -= usize::from(chrome);
                if name == "td" || name == "th" {
                    self.inline.push(' ');
                }
            }
            _ => {}
        }
    }

    fn flush(&mut self) {
        // The block's text, taken as it is when it needs no collapsing.
        let text = match is_collapsed(&self.inline) {
            true => std::mem::take(&mut self.inline),
            false => collapse(&self.inline),
        };
        self.inline.clear();
        if text.is_empty() {
            return;
        }
        if self.removing > 0 {
            if let Some(name) = self_named_publisher(&text) {
                self.body.publisher(name);
            }
            self.body.remove(&text);
            return;
        }
        let (kind, h1) = self
            .kinds
            .last()
            .copied()
            .unwrap_or((BlockKind::Paragraph, false));
        self.pieces.push((Piece::new(kind, text, None), h1));
    }
}

/// The block kind of an element; text directly in a container keeps its parent's kind.
fn kind_of(name: &str, parent: Option<BlockKind>) -> (BlockKind, bool) {
    match name {
        "h1" => (BlockKind::Heading, true),
        "h2" | "h3" | "h4" | "h5" | "h6" | "summary" | "dt" => (BlockKind::Heading, false),
        "li" => (BlockKind::ListItem, false),
        "p" | "blockquote" | "pre" | "dd" | "address" => (BlockKind::Paragraph, false),
        _ => (parent.unwrap_or(BlockKind::Paragraph), false),
    }
}

/// Whitespace collapsed to single spaces, trimmed.
fn collapse(text: &str) -> String {
    if is_collapsed(text) {
        return text.to_string();
    }
    let mut collapsed = String::with_capacity(text.len());
    for word in split_words(text) {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(extracted: &Extracted) -> Vec<&str> {
        extracted.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn keeps_page_chrome_out_of_the_body() {
        let page = r#"<html><head><title>Deal Done | Vela</title><style>p{}</style></head>
            <body><header><nav><a href="/">Home</a><a href="/tech">Tech</a></nav></header>
            <article><h1>Deal Done</h1><p class="byline">By Jane Doe</p>
            <p>The two companies signed the agreement on Friday after long talks.</p>
            <aside><h3>Related</h3><ul><li><a>Other story</a></li></ul></aside>
            <div class="share-tools">Share on X</div>
            <h2>What it means</h2><ul><li>Cheaper compute for everyone.</li></ul>
            <script>var x = "<p>not text</p>";</script></article>
            <footer>© 2026 Vela Media. All rights reserved.</footer></body></html>"#;
        let extracted = extract(page, None);
        assert_eq!(
            texts(&extracted),
            [
                "The two companies signed the agreement on Friday after long talks.",
                "What it means",
                "Cheaper compute for everyone.",
            ]
        );
        assert_eq!(extracted.meta.title.as_deref(), Some("Deal Done"));
        assert_eq!(extracted.meta.author.as_deref(), Some("Jane Doe"));
        assert_eq!(extracted.meta.publisher.as_deref(), Some("Vela"));
        assert!(extracted.removed.iter().any(|r| r == "Share on X"));
    }

    #[test]
    fn a_time_element_gives_the_date_it_is_introduced_with() {
        let page = r#"<article><h1>T</h1><p>Published <time datetime="2026-05-08T09:30:00Z">8 May</time>,
            updated <span><time datetime="2026-05-09">9 May</time></span></p>
            <p>Updated <time datetime="2026-05-10">10 May</time></p><p>Body text of the article goes here.</p></article>"#;
        let meta = extract(page, None).meta;
        assert_eq!(meta.published.unwrap().to_string(), "2026-05-08");
        assert_eq!(meta.updated.unwrap().to_string(), "2026-05-09");
    }
}
