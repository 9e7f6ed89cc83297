//! The fourth stage: the site's pages, rendered with Tera from the resolved briefing.
//!
//! Templates are compiled once; pages render in parallel. Data that every page shows
//! (the site's name, the navigation) goes into Tera's global context once; each page's
//! context holds only what that page shows.

use crate::date::PartialDate;
use crate::diagnostic::{Diagnostic, Problem};
use crate::ingest::{BlockKind, Source};
use crate::links::{LinkStyle, up_to_root};
use crate::markdown::fill_citations;
use crate::parse::{Fragment, Site};
use crate::resolve::{Resolved, SourceEntry};
use crate::theme::Theme;
use pulldown_cmark_escape::{escape_href, escape_html};
use rayon::prelude::*;
use serde::Serialize;

/// A file of the built site: its path under the output directory and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `/`-separated path, e.g. `timeline/index.html`.
    pub path: String,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

/// Everything the renderer needs, borrowed from the earlier stages.
pub struct Renderer<'a> {
    site: &'a Site,
    resolved: &'a Resolved,
    tera: &'a tera::Tera,
    links: LinkStyle,
}

/// Compiles a theme's templates (the costly part of setting up the renderer, which
/// [`crate::cache::TemplateCache`] keeps between builds).
pub fn compile(theme: &Theme) -> Result<tera::Tera, Diagnostic> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    for (name, origin, text) in &theme.templates {
        tera.add_raw_template(name, text)
            .map_err(|error| template_error(origin.display().to_string(), &error))?;
    }
    Ok(tera)
}

#[derive(Serialize)]
struct DateView {
    iso: String,
    human: String,
    precision: &'static str,
}

impl From<&PartialDate> for DateView {
    fn from(date: &PartialDate) -> Self {
        DateView {
            iso: date.to_string(),
            human: date.human(),
            precision: date.precision(),
        }
    }
}

#[derive(Serialize)]
struct NavItem {
    title: String,
    path: String,
}

/// What every template gets as `page`.
#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    description: &'a str,
    /// The page's path in the site: `""`, `"timeline/"`...
    path: &'a str,
    /// The way back to the site's root: `"./"`, `"../"`...
    root: String,
    /// `"index.html"` in a portable build, else empty.
    index_file: &'static str,
    canonical: String,
}

#[derive(Serialize)]
struct LinkView {
    href: String,
    label: String,
}

#[derive(Serialize)]
struct QuoteView<'a> {
    text: &'a str,
    href: String,
}

/// A source as the appendix and its own page show it.
#[derive(Serialize)]
struct SourceView<'a> {
    number: usize,
    id: &'a str,
    anchor: String,
    href: String,
    title: &'a str,
    publisher: Option<&'a str>,
    author: Option<&'a str>,
    url: Option<&'a str>,
    published: Option<DateView>,
    updated: Option<DateView>,
    kind: Option<crate::ingest::SourceKind>,
    notes: &'a [String],
    backlinks: Vec<LinkView>,
    quotes: Vec<QuoteView<'a>>,
}

#[derive(Serialize)]
struct EventView<'a> {
    date: DateView,
    title: &'a str,
    anchor: &'a str,
    html: String,
    future: bool,
}

#[derive(Serialize)]
struct QuestionView<'a> {
    question: &'a str,
    anchor: &'a str,
    html: String,
}

#[derive(Serialize)]
struct UpdateView<'a> {
    date: DateView,
    note: &'a str,
}

/// The appendix anchor of a source.
pub fn source_anchor(source: &Source) -> String {
    format!("source-{}", source.id)
}

/// The site path of a source's own page.
pub fn source_page(source: &Source) -> String {
    format!("sources/{}/", source.id)
}

/// The title a source is shown under: its headline, or its id when it has none.
pub fn source_title(source: &Source) -> &str {
    source.meta.title.as_deref().unwrap_or(&source.id)
}

impl<'a> Renderer<'a> {
    /// A renderer of `site` with the compiled templates `tera` (see [`compile`]), whose
    /// global context it fills with what every page of this site shows.
    pub fn new(
        site: &'a Site,
        resolved: &'a Resolved,
        tera: &'a mut tera::Tera,
        portable: bool,
    ) -> Self {
        let global = tera.global_context();
        global.insert(
            "site",
            &serde_json::json!({
                "title": site.config.title,
                "description": site.config.description,
                "language": site.config.language,
                "base_url": site.config.base_url(),
            }),
        );
        global.insert("nav", &navigation(site));
        Renderer {
            site,
            resolved,
            tera,
            links: LinkStyle { portable },
        }
    }

    /// Renders every page of the site, in parallel. Template errors are collected.
    pub fn render_pages(&self) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let mut jobs: Vec<Box<dyn Fn() -> Result<OutputFile, Diagnostic> + Send + Sync + '_>> = vec![
            Box::new(|| self.briefing()),
            Box::new(|| self.appendix()),
            Box::new(|| self.not_found()),
        ];
        if self.site.timeline.is_some() {
            jobs.push(Box::new(|| self.timeline()));
        }
        if self.site.faq.is_some() {
            jobs.push(Box::new(|| self.faq()));
        }
        for page in &self.site.pages {
            jobs.push(Box::new(move || self.page(page)));
        }
        let mut results: Vec<Result<OutputFile, Diagnostic>> =
            jobs.par_iter().map(|job| job()).collect();
        results.par_extend(
            (0..self.site.sources.len())
                .into_par_iter()
                .map(|source| self.source(source)),
        );
        let (files, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
        if errors.is_empty() {
            Ok(files.into_iter().map(Result::unwrap).collect())
        } else {
            Err(errors.into_iter().map(|e| e.unwrap_err()).collect())
        }
    }

    fn page_view<'p>(&self, path: &'p str, title: &'p str, description: &'p str) -> PageView<'p> {
        PageView {
            title,
            description,
            path,
            root: if path.is_empty() {
                "./".to_string()
            } else {
                up_to_root(path)
            },
            index_file: if self.links.portable {
                "index.html"
            } else {
                ""
            },
            canonical: format!("{}{path}", self.site.config.base_url()),
        }
    }

    fn render(
        &self,
        template: &str,
        output: String,
        context: tera::Context,
    ) -> Result<OutputFile, Diagnostic> {
        let html = self
            .tera
            .render(template, &context)
            .map_err(|error| template_error(format!("<theme>/templates/{template}"), &error))?;
        Ok(OutputFile {
            path: output,
            bytes: html.into_bytes(),
        })
    }

    /// A fragment's HTML with its citations filled in, for the page at `page`.
    fn fragment_html(&self, fragment: &Fragment, page: &str) -> String {
        let markdown = &fragment.markdown;
        fill_citations(&markdown.html, |index| {
            let key = (fragment.file, markdown.citations[index].span.start);
            let citations = self
                .resolved
                .groups
                .get(&key)
                .map_or(&[][..], Vec::as_slice);
            let mut html = String::from("<sup class=\"citations\">");
            for citation in citations {
                let source = &self.site.sources[citation.source];
                let entry = self.resolved.entry(citation.source);
                let mut title = source_title(source).to_string();
                if let Some(quote) = citation.quote.map(|q| &entry.quotes[q]) {
                    title = format!("{title}: “{}”", quote.text);
                }
                let href = self
                    .links
                    .link_to_anchor(page, "sources/", &source_anchor(source));
                html.push_str("<a class=\"citation\" id=\"");
                html.push_str(&citation.anchor);
                html.push_str("\" href=\"");
                escape_href(&mut html, &href).ok();
                html.push_str("\" title=\"");
                escape_html(&mut html, &title).ok();
                html.push_str(&format!("\">[{}]</a>", citation.number));
            }
            html.push_str("</sup>");
            html
        })
    }

    fn briefing(&self) -> Result<OutputFile, Diagnostic> {
        let meta = &self.site.briefing.meta;
        let mut updates: Vec<UpdateView> = meta
            .updates
            .iter()
            .map(|u| UpdateView {
                date: (&u.date).into(),
                note: &u.note,
            })
            .collect();
        updates.sort_by(|a, b| b.date.iso.cmp(&a.date.iso));
        let description = meta
            .summary
            .as_deref()
            .unwrap_or(&self.site.config.description);
        let mut context = tera::Context::new();
        context.insert("page", &self.page_view("", &meta.title, description));
        context.insert("summary", &meta.summary);
        context.insert("published", &meta.published.as_ref().map(DateView::from));
        context.insert("updated", &meta.updated.as_ref().map(DateView::from));
        context.insert("updates", &updates);
        context.insert("content", &self.fragment_html(&self.site.briefing.body, ""));
        self.render("briefing.html", "index.html".into(), context)
    }

    fn timeline(&self) -> Result<OutputFile, Diagnostic> {
        let timeline = self
            .site
            .timeline
            .as_ref()
            .expect("only called when there is a timeline");
        let path = "timeline/";
        let reference = self
            .site
            .briefing
            .meta
            .updated
            .or(self.site.briefing.meta.published);
        let events: Vec<EventView> = timeline
            .entries
            .iter()
            .map(|event| EventView {
                date: (&event.date).into(),
                title: &event.title,
                anchor: &event.anchor,
                html: self.fragment_html(&event.body, path),
                future: reference.is_some_and(|r| event.date > r && !event.date.contains(&r)),
            })
            .collect();
        let description = timeline
            .description
            .as_deref()
            .unwrap_or(&self.site.config.description);
        let mut context = tera::Context::new();
        context.insert("page", &self.page_view(path, &timeline.title, description));
        context.insert("intro", &self.fragment_html(&timeline.intro, path));
        context.insert("events", &events);
        self.render("timeline.html", "timeline/index.html".into(), context)
    }

    fn faq(&self) -> Result<OutputFile, Diagnostic> {
        let faq = self
            .site
            .faq
            .as_ref()
            .expect("only called when there is an FAQ");
        let path = "faq/";
        let questions: Vec<QuestionView> = faq
            .entries
            .iter()
            .map(|q| QuestionView {
                question: &q.question,
                anchor: &q.anchor,
                html: self.fragment_html(&q.answer, path),
            })
            .collect();
        let description = faq
            .description
            .as_deref()
            .unwrap_or(&self.site.config.description);
        let mut context = tera::Context::new();
        context.insert("page", &self.page_view(path, &faq.title, description));
        context.insert("intro", &self.fragment_html(&faq.intro, path));
        context.insert("questions", &questions);
        self.render("faq.html", "faq/index.html".into(), context)
    }

    fn page(&self, page: &crate::parse::Page) -> Result<OutputFile, Diagnostic> {
        let path = format!("{}/", page.slug);
        let description = page
            .description
            .as_deref()
            .unwrap_or(&self.site.config.description);
        let mut context = tera::Context::new();
        context.insert("page", &self.page_view(&path, &page.title, description));
        context.insert("content", &self.fragment_html(&page.body, &path));
        self.render("page.html", format!("{path}index.html"), context)
    }

    fn source_view(&self, entry: &'a SourceEntry, from: &str) -> SourceView<'a> {
        let source = &self.site.sources[entry.source];
        let meta = &source.meta;
        let own_page = source_page(source);
        SourceView {
            number: entry.number,
            id: &source.id,
            anchor: source_anchor(source),
            href: self.links.link(from, &own_page),
            title: source_title(source),
            publisher: meta.publisher.as_deref(),
            author: meta.author.as_deref(),
            url: meta.url.as_deref(),
            published: meta.published.as_ref().map(DateView::from),
            updated: meta.updated.as_ref().map(DateView::from),
            kind: meta.kind,
            notes: &meta.notes,
            backlinks: entry
                .backlinks
                .iter()
                .enumerate()
                .map(|(i, link)| LinkView {
                    href: self.links.link_to_anchor(from, &link.page, &link.anchor),
                    label: backlink_label(i),
                })
                .collect(),
            quotes: entry
                .quotes
                .iter()
                .map(|quote| QuoteView {
                    text: &quote.text,
                    href: self.links.link_to_anchor(from, &own_page, &quote.anchor),
                })
                .collect(),
        }
    }

    fn appendix(&self) -> Result<OutputFile, Diagnostic> {
        let path = "sources/";
        let sources: Vec<SourceView> = self
            .resolved
            .entries
            .iter()
            .map(|e| self.source_view(e, path))
            .collect();
        let mut context = tera::Context::new();
        context.insert(
            "page",
            &self.page_view(path, "Sources", &self.site.config.description),
        );
        context.insert("sources", &sources);
        context.insert("on_source_page", &false);
        self.render("sources.html", "sources/index.html".into(), context)
    }

    fn source(&self, index: usize) -> Result<OutputFile, Diagnostic> {
        let source = &self.site.sources[index];
        let entry = self.resolved.entry(index);
        let path = source_page(source);
        let view = self.source_view(entry, &path);
        let description = format!(
            "Archived text of “{}”, a source of {}",
            view.title, self.site.config.title
        );
        let mut context = tera::Context::new();
        context.insert("page", &self.page_view(&path, view.title, &description));
        context.insert(
            "text",
            &source_text_html(source, entry, self.site.config.source_text),
        );
        context.insert("source", &view);
        context.insert("on_source_page", &true);
        self.render("source.html", format!("{path}index.html"), context)
    }

    fn not_found(&self) -> Result<OutputFile, Diagnostic> {
        let mut context = tera::Context::new();
        let mut page = self.page_view("404.html", "Page not found", &self.site.config.description);
        // The 404 page is served at any depth, so its links must be absolute.
        page.root = self.site.config.base_path();
        page.index_file = "";
        context.insert("page", &page);
        self.render("404.html", "404.html".into(), context)
    }
}

fn navigation(site: &Site) -> Vec<NavItem> {
    let mut nav = vec![NavItem {
        title: "Briefing".into(),
        path: String::new(),
    }];
    if let Some(timeline) = &site.timeline {
        nav.push(NavItem {
            title: timeline.title.clone(),
            path: "timeline/".into(),
        });
    }
    if let Some(faq) = &site.faq {
        nav.push(NavItem {
            title: faq.title.clone(),
            path: "faq/".into(),
        });
    }
    nav.push(NavItem {
        title: "Sources".into(),
        path: "sources/".into(),
    });
    nav.extend(site.pages.iter().map(|p| NavItem {
        title: p.title.clone(),
        path: format!("{}/", p.slug),
    }));
    nav
}

/// `a`, `b`, … `z`, `aa`, `ab`…: the labels of back-links, as Wikipedia writes them.
fn backlink_label(index: usize) -> String {
    let mut label = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        n -= 1;
        label.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    label.reverse();
    String::from_utf8(label).unwrap_or_default()
}

/// A source's cleaned text as HTML, every quoted passage marked and anchored.
fn source_text_html(
    source: &Source,
    entry: &SourceEntry,
    setting: crate::config::SourceText,
) -> String {
    use crate::config::SourceText;
    let mut html = String::new();
    for (index, block) in source.blocks.iter().enumerate() {
        let mut marks: Vec<(std::ops::Range<usize>, &str)> = entry
            .quotes
            .iter()
            .filter_map(|q| {
                q.hit
                    .as_ref()
                    .filter(|h| h.block == index)
                    .map(|h| (h.range.clone(), q.anchor.as_str()))
            })
            .collect();
        let shown = match setting {
            SourceText::Full => true,
            SourceText::Quoted => !marks.is_empty(),
            SourceText::None => false,
        };
        if !shown {
            continue;
        }
        marks.sort_by_key(|(range, _)| (range.start, std::cmp::Reverse(range.end)));
        let (open, close) = match block.kind {
            BlockKind::Heading => ("<h2>", "</h2>"),
            BlockKind::Paragraph => ("<p>", "</p>"),
            BlockKind::ListItem => ("<ul><li>", "</li></ul>"),
            BlockKind::Dateline => ("<p class=\"dateline\">", "</p>"),
        };
        html.push_str(open);
        html.push_str(&mark_passages(&block.text, &marks));
        html.push_str(close);
        html.push('\n');
    }
    html
}

/// `text`, escaped, with each range wrapped in `<mark id="…">`. Overlapping passages
/// are merged into the first one's mark, so the HTML stays well nested.
fn mark_passages(text: &str, marks: &[(std::ops::Range<usize>, &str)]) -> String {
    let mut html = String::with_capacity(text.len() + 64);
    let mut at = 0;
    let mut extra_anchors: Vec<&str> = Vec::new();
    let mut current: Option<(std::ops::Range<usize>, &str)> = None;
    let flush =
        |html: &mut String, range: std::ops::Range<usize>, anchor: &str, extra: &mut Vec<&str>| {
            html.push_str("<mark class=\"quote\" id=\"");
            html.push_str(anchor);
            html.push_str("\">");
            for other in extra.drain(..) {
                html.push_str(&format!("<span id=\"{other}\"></span>"));
            }
            escape_html(&mut *html, &text[range]).ok();
            html.push_str("</mark>");
        };
    for (range, anchor) in marks {
        match &mut current {
            Some((open, _)) if range.start < open.end => {
                open.end = open.end.max(range.end);
                extra_anchors.push(anchor);
            }
            _ => {
                if let Some((open, open_anchor)) = current.take() {
                    flush(&mut html, open.clone(), open_anchor, &mut extra_anchors);
                    at = open.end;
                }
                escape_html(&mut html, &text[at..range.start]).ok();
                current = Some((range.clone(), anchor));
            }
        }
    }
    if let Some((open, anchor)) = current {
        flush(&mut html, open.clone(), anchor, &mut extra_anchors);
        at = open.end;
    }
    escape_html(&mut html, &text[at..]).ok();
    html
}

fn template_error(origin: String, error: &tera::Error) -> Diagnostic {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Diagnostic::error(origin, Problem::Template { message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backlink_labels_run_a_to_z_then_aa() {
        let labels: Vec<String> = [0, 1, 25, 26, 27]
            .iter()
            .map(|&i| backlink_label(i))
            .collect();
        assert_eq!(labels, ["a", "b", "z", "aa", "ab"]);
    }

    #[test]
    fn marks_passages_and_merges_overlaps() {
        let text = "one <two> three four";
        let html = mark_passages(text, &[(4..9, "q1"), (6..15, "q2"), (16..20, "q3")]);
        assert_eq!(
            html,
            "one <mark class=\"quote\" id=\"q1\"><span id=\"q2\"></span>&lt;two&gt; three</mark> <mark class=\"quote\" id=\"q3\">four</mark>"
        );
    }
}
