//! The fourth stage: the site's pages, rendered with Tera from the resolved briefing.
//!
//! Templates are compiled once; pages render in parallel. Data that every page shows
//! (the site's name, the navigation) goes into Tera's global context once; each page's
//! context holds only what that page shows.
//!
//! Between builds (`serve`, `watch`), a page whose inputs are unchanged is taken from
//! the render memo ([`PageMemo`]) instead of being rendered. Its key hashes the
//! site-wide inputs (templates, global context, site.toml) with the page's own: for a
//! source page, the source (by address: an unchanged source is the very same
//! ingestion) and its appendix entry, so that thousands of them cost no context at
//! all; for the few other pages, their whole context. Debug builds render a reused page
//! again and check that it is the same, so a key that misses an input fails the tests.

use crate::cache::PageMemo;
use crate::date::PartialDate;
use crate::diagnostic::{Diagnostic, Problem};
use crate::disclosure::{Disclosure, disclosures};
use crate::ingest::{BlockKind, Source};
use crate::links::{LinkStyle, up_to_root};
use crate::markdown::{cut_at_citations, fill_site_links};
use crate::parse::{Fragment, Site};
use crate::provenance::Provenance;
use crate::resolve::{Resolved, ResolvedCitation, SourceEntry};
use crate::splice::Splices;
use crate::theme::Theme;
use crate::write::Sink;
use pulldown_cmark_escape::{escape_href, escape_html};
use rayon::prelude::*;
use serde::Serialize;
use std::hash::Hash;
use xxhash_rust::xxh3::Xxh3;

/// A file of the built site: its path under the output directory and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// `/`-separated path, e.g. `timeline/index.html`.
    pub path: String,
    /// The file's contents, shared: a page unchanged since the last build is the same
    /// buffer in the render memo, the served site and here.
    pub bytes: bytes::Bytes,
}

/// Everything the renderer needs, borrowed from the earlier stages.
pub struct Renderer<'a> {
    site: &'a Site,
    resolved: &'a Resolved,
    provenance: &'a Provenance,
    tera: &'a tera::Tera,
    links: LinkStyle,
    last_updated: std::collections::BTreeMap<String, PartialDate>,
    /// The render memo, when it keeps pages, and the hash of the site-wide inputs.
    memo: Option<(&'a PageMemo, u128)>,
    /// A hash of Tera's global context.
    globals: u128,
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
    /// Open Graph type: `article` for the briefing, `website` for the other pages.
    og_type: &'static str,
    /// When the page's content last changed (see [`crate::history`]).
    last_updated: Option<DateView>,
    /// The page's JSON-LD, ready to stand in a `<script>` element (on the briefing, the
    /// placeholder of it: see [`crate::splice`]).
    json_ld: Option<String>,
    /// Asks search engines not to index the page (the 404 page).
    noindex: bool,
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
    /// The quote on the original page, as a text fragment link, when the URL is known.
    original: Option<String>,
    /// The quote's anchor, on a source page that shows no text to highlight it in.
    anchor: Option<&'a str>,
}

/// A source in the appendix's list: its entry already rendered.
#[derive(Serialize)]
struct AppendixItem<'a> {
    number: usize,
    anchor: String,
    title: &'a str,
    #[serde(skip)]
    disclosures: Vec<Disclosure>,
    /// The placeholder of `html` (see [`crate::splice`]).
    entry: String,
    /// `source_entry.html` rendered for this source (kept in the memo: not copied).
    #[serde(skip)]
    html: bytes::Bytes,
    /// The entry's key in the render memo, when there is one.
    #[serde(skip)]
    key: Option<u128>,
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
    disclosures: Vec<DisclosureView>,
    backlinks: Vec<LinkView>,
    quotes: Vec<QuoteView<'a>>,
}

#[derive(Serialize)]
struct DisclosureView {
    key: Disclosure,
    label: &'static str,
    meaning: &'static str,
}

impl From<Disclosure> for DisclosureView {
    fn from(disclosure: Disclosure) -> Self {
        DisclosureView {
            key: disclosure,
            label: disclosure.label(),
            meaning: disclosure.meaning(),
        }
    }
}

/// A cited source as the printed briefing lists it.
#[derive(Serialize)]
struct ReferenceView<'a> {
    number: usize,
    title: &'a str,
    publisher: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct EventView<'a> {
    date: DateView,
    title: &'a str,
    anchor: &'a str,
    html: String,
    future: bool,
    /// The dates the cited sources state, when they differ.
    conflict: Option<Vec<StatedDateView<'a>>>,
}

#[derive(Serialize)]
struct StatedDateView<'a> {
    number: usize,
    title: &'a str,
    href: String,
    date: DateView,
    sentence: &'a str,
}

#[derive(Serialize)]
struct DisagreementView<'a> {
    topic: &'a str,
    note: Option<&'a str>,
    says: Vec<SaysView<'a>>,
}

#[derive(Serialize)]
struct SaysView<'a> {
    citation: String,
    title: &'a str,
    quote: &'a str,
    href: String,
}

#[derive(Serialize)]
struct CoverageView<'a> {
    section: &'a str,
    href: String,
    /// One cell per appendix entry, in number order, when the coverage is a table.
    cells: Vec<bool>,
    /// The numbers and anchors of the entries cited, when it is a list.
    cited: Vec<CitedView>,
    count: usize,
}

/// An appendix entry cited by a part of the briefing, in the coverage list.
#[derive(Serialize)]
struct CitedView {
    number: usize,
    anchor: String,
}

/// Beyond this many sources the coverage is a list per part, not a table: a table
/// wider than that is unreadable, and its size grows with parts × sources.
const COVERAGE_TABLE_MAX_SOURCES: usize = 40;

/// How many citation groups a part of a fragment's HTML holds, each with the HTML before
/// it (see [`Renderer::fragment_parts`]): enough that a part is worth a task of its own.
const CITATIONS_PER_PART: usize = 256;

/// About how many bytes a citation group's HTML takes, to size the parts it goes into.
const GROUP_SIZE_GUESS: usize = 512;

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
        provenance: &'a Provenance,
        assets: &[crate::theme::Asset],
        tera: &'a mut tera::Tera,
        portable: bool,
    ) -> Self {
        let site_view = serde_json::json!({
            "title": site.config.title,
            "description": site.config.description,
            "language": site.config.language,
            "base_url": site.config.base_url(),
        });
        let nav = navigation(site);
        let assets: std::collections::BTreeMap<&str, &str> = assets
            .iter()
            .map(|asset| (asset.name.as_str(), asset.path.as_str()))
            .collect();
        let locale = site.config.language.replace('-', "_");
        // Hashed as they are, not as Tera holds them: its maps have no fixed order.
        let mut globals = Xxh3::new();
        hash_json(&mut globals, &(&site_view, &nav, &assets, &locale));
        let global = tera.global_context();
        global.insert("site", &site_view);
        global.insert("nav", &nav);
        global.insert("assets", &assets);
        global.insert("locale", &locale);
        Renderer {
            site,
            resolved,
            provenance,
            tera,
            links: LinkStyle { portable },
            last_updated: Default::default(),
            memo: None,
            globals: globals.digest128(),
        }
    }

    /// Takes unchanged pages from `memo` and records the others there, when it keeps
    /// pages. `theme` is the theme the templates were compiled from.
    pub fn with_memo(mut self, memo: &'a PageMemo, theme: &Theme) -> Self {
        if !memo.keeps() {
            return self;
        }
        let mut key = Xxh3::new();
        theme.templates.hash(&mut key);
        // Everything of site.toml, rather than the fields pages show today, so that a
        // template using another one later cannot be served stale.
        format!("{:?}", self.site.config).hash(&mut key);
        (self.links.portable, self.globals).hash(&mut key);
        self.memo = Some((memo, key.digest128()));
        self
    }

    /// Sets the pages' "last updated" days, by page path.
    pub fn with_last_updated(
        mut self,
        last_updated: std::collections::BTreeMap<String, PartialDate>,
    ) -> Self {
        self.last_updated = last_updated;
        self
    }

    /// Every page of the site: where it goes, and what it is.
    fn page_jobs(&self) -> Vec<(String, PageJob<'a>)> {
        let mut jobs = vec![
            ("index.html".to_string(), PageJob::Briefing),
            ("sources/index.html".to_string(), PageJob::Appendix),
            ("404.html".to_string(), PageJob::NotFound),
        ];
        if self.site.timeline.is_some() {
            jobs.push(("timeline/index.html".to_string(), PageJob::Timeline));
        }
        if self.site.faq.is_some() {
            jobs.push(("faq/index.html".to_string(), PageJob::Faq));
        }
        for page in &self.site.pages {
            jobs.push((format!("{}/index.html", page.slug), PageJob::Page(page)));
        }
        for (index, source) in self.site.sources.iter().enumerate() {
            jobs.push((
                format!("{}index.html", source_page(source)),
                PageJob::Source(index),
            ));
        }
        jobs
    }

    /// The paths of the pages [`Renderer::render_pages`] makes, known before they are
    /// made (for the sitemap, made while they are).
    pub fn page_paths(&self) -> Vec<String> {
        self.page_jobs().into_iter().map(|(path, _)| path).collect()
    }

    /// Renders every page of the site, in parallel, handing each to `sink` as soon as
    /// it is made. Returns the pages' paths, or every template and write error.
    pub fn render_pages(&self, sink: &dyn Sink) -> Result<Vec<String>, Vec<Diagnostic>> {
        let put = |file: Result<OutputFile, Diagnostic>| {
            let file = file?;
            let path = file.path.clone();
            sink.put(file).map_err(|error| write_error(&path, &error))?;
            Ok(path)
        };
        // The site-wide pages side by side first, then the source pages: the big pages'
        // buffers are freed before the many small pages are made on the same threads,
        // which keeps a large site's peak memory down.
        let (site_wide, sources): (Vec<_>, Vec<_>) = self
            .page_jobs()
            .into_iter()
            .partition(|(_, job)| !matches!(job, PageJob::Source(_)));
        let mut results: Vec<Result<String, Diagnostic>> =
            Vec::with_capacity(self.site.sources.len() + site_wide.len());
        for jobs in [site_wide, sources] {
            results.par_extend(
                jobs.into_par_iter()
                    .map(|(output, job)| put(self.render_job(output, job))),
            );
        }
        let (paths, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
        if errors.is_empty() {
            Ok(paths.into_iter().map(Result::unwrap).collect())
        } else {
            Err(errors.into_iter().map(|e| e.unwrap_err()).collect())
        }
    }

    fn render_job(&self, output: String, job: PageJob) -> Result<OutputFile, Diagnostic> {
        match job {
            PageJob::Briefing => self.briefing(output),
            PageJob::Appendix => self.appendix(output),
            PageJob::NotFound => self.not_found(output),
            PageJob::Timeline => self.timeline(output),
            PageJob::Faq => self.faq(output),
            PageJob::Page(page) => self.page(page, output),
            PageJob::Source(index) => self.source(index, output),
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
            og_type: if path.is_empty() {
                "article"
            } else {
                "website"
            },
            last_updated: self.last_updated.get(path).map(DateView::from),
            json_ld: None,
            noindex: false,
        }
    }

    /// An empty context for a page; it hashes what goes in when the memo is in use.
    fn context(&self) -> PageContext {
        PageContext {
            context: tera::Context::new(),
            key: self.memo.map(|_| Xxh3::new()),
            splices: Splices::default(),
        }
    }

    /// An empty context for a page that is rendered every time: one whose context
    /// changes with nearly every edit of its file and costs about as much to hash as
    /// to render (the briefing).
    fn unmemoized_context(&self) -> PageContext {
        PageContext {
            context: tera::Context::new(),
            key: None,
            splices: Splices::default(),
        }
    }

    /// Renders `template` with `context` as the page `output`, unless the memo has
    /// it from the same context.
    fn render(
        &self,
        template: &str,
        output: String,
        context: PageContext,
    ) -> Result<OutputFile, Diagnostic> {
        let PageContext {
            context,
            key,
            splices,
        } = context;
        let key = key.map(|mut key| {
            template.hash(&mut key);
            key.digest128()
        });
        self.memoized(output, key, || {
            self.render_spliced(template, &context, &splices)
        })
    }

    /// The page `output` from the memo if it was made with `key`, else `render`ed (and
    /// recorded in the memo).
    fn memoized(
        &self,
        output: String,
        key: Option<u128>,
        render: impl Fn() -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<OutputFile, Diagnostic> {
        let (bytes, reused) = self.remembered(&output, key, render)?;
        if let (Some((memo, _)), true) = (self.memo, reused) {
            memo.count_reused_page();
        }
        Ok(OutputFile {
            path: output,
            bytes,
        })
    }

    /// The piece of output named `name` (a page's path, or a part of a page) from the
    /// memo if it was made with `key`, else `render`ed (and recorded in the memo); and
    /// whether it came from the memo.
    fn remembered(
        &self,
        name: &str,
        key: Option<u128>,
        render: impl Fn() -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<(bytes::Bytes, bool), Diagnostic> {
        let Some(((memo, site), page)) = self.memo.zip(key) else {
            return Ok((bytes::Bytes::from(render()?), false));
        };
        let mut key = Xxh3::new();
        (site, page).hash(&mut key);
        memo.remember(name, Some(key.digest128()), render)
    }

    /// The key of what a source's entry shows (in the appendix, on the source's page)
    /// besides the site-wide inputs, as seen from the page at `page`; `None` without a
    /// memo.
    fn entry_key(
        &self,
        source: &std::sync::Arc<Source>,
        entry: &SourceEntry,
        page: &str,
    ) -> Option<u128> {
        self.memo.map(|_| {
            let mut key = Xxh3::new();
            crate::cache::hash_source_entry(&mut key, source, entry);
            self.last_updated.get(page).hash(&mut key);
            key.digest128()
        })
    }

    fn render_to_string(
        &self,
        template: &str,
        context: &tera::Context,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|error| template_error(format!("<theme>/templates/{template}"), &error))
    }

    /// Renders `template` with `context`, and puts the pieces its placeholders stand for
    /// in their places.
    fn render_spliced(
        &self,
        template: &str,
        context: &tera::Context,
        splices: &Splices,
    ) -> Result<Vec<u8>, Diagnostic> {
        Ok(splices.fill(&self.render_to_string(template, context)?))
    }

    /// A fragment's HTML with its citations filled in, for the page at `page`.
    fn fragment_html(&self, fragment: &Fragment, page: &str) -> String {
        self.fragment_parts(fragment, page).concat()
    }

    /// [`Renderer::fragment_html`] in parts, which joined are the HTML. The briefing of
    /// a large story has thousands of citations: each part is a run of them, made in
    /// parallel with the others.
    fn fragment_parts(&self, fragment: &Fragment, page: &str) -> Vec<String> {
        let html = fill_site_links(&fragment.markdown.html, |path| {
            self.links.link_to_target(page, path)
        });
        let appendix = self.appendix_link(page);
        cut_at_citations(&html)
            .par_chunks(CITATIONS_PER_PART)
            .map(|run| {
                let text: usize = run.iter().map(|(text, _)| text.len()).sum();
                let mut part = String::with_capacity(text + GROUP_SIZE_GUESS * run.len());
                for (text, group) in run {
                    part.push_str(text);
                    if let Some(index) = group {
                        self.push_group(&mut part, fragment, *index, &appendix);
                    }
                }
                part
            })
            .collect()
    }

    /// The link to the appendix from the page at `page`, to which a citation adds
    /// `#source-<id>`: empty on the appendix itself.
    fn appendix_link(&self, page: &str) -> String {
        match page {
            "sources/" => String::new(),
            _ => self.links.link(page, "sources/"),
        }
    }

    /// The HTML of citation group `index` of `fragment`, on a page whose link to the
    /// appendix is `appendix` (see [`Renderer::appendix_link`]).
    fn group_html(&self, fragment: &Fragment, index: usize, appendix: &str) -> String {
        let mut html = String::new();
        self.push_group(&mut html, fragment, index, appendix);
        html
    }

    /// Appends [`Renderer::group_html`] to `html`.
    fn push_group(&self, html: &mut String, fragment: &Fragment, index: usize, appendix: &str) {
        let Some(group) = fragment.markdown.citations.get(index) else {
            return;
        };
        let citations = self
            .resolved
            .groups
            .get(&(fragment.file, group.span.start))
            .map_or(&[][..], Vec::as_slice);
        html.push_str("<sup class=\"citations\">");
        for citation in citations {
            let source = &self.site.sources[citation.source];
            let quote = citation
                .quote
                .map(|q| self.resolved.entry(citation.source).quotes[q].text.as_str());
            push_citation(html, source, citation, appendix, quote);
        }
        html.push_str("</sup>");
    }

    fn disagreements(&self) -> Vec<DisagreementView<'_>> {
        self.site
            .briefing
            .disagreements
            .iter()
            .map(|disagreement| DisagreementView {
                topic: &disagreement.topic,
                note: disagreement.note.as_deref(),
                says: disagreement
                    .says
                    .markdown
                    .citations
                    .iter()
                    .enumerate()
                    .filter_map(|(index, group)| {
                        let citation = self
                            .resolved
                            .groups
                            .get(&(disagreement.says.file, group.span.start))?
                            .first()?;
                        let source = &self.site.sources[citation.source];
                        let quote = &self.resolved.entry(citation.source).quotes[citation.quote?];
                        Some(SaysView {
                            citation: self.group_html(
                                &disagreement.says,
                                index,
                                &self.appendix_link(""),
                            ),
                            title: source_title(source),
                            quote: &quote.text,
                            href: self.links.link_to_anchor(
                                "",
                                &source_page(source),
                                &quote.anchor,
                            ),
                        })
                    })
                    .collect(),
            })
            .collect()
    }

    fn coverage(&self, from: &str) -> Vec<CoverageView<'_>> {
        let table = self.coverage_is_table();
        self.provenance
            .coverage
            .iter()
            .map(|row| CoverageView {
                section: &row.section,
                href: match &row.anchor {
                    Some(anchor) => self.links.link_to_anchor(from, &row.page, anchor),
                    None => self.links.link(from, &row.page),
                },
                cells: match table {
                    true => self
                        .resolved
                        .entries
                        .iter()
                        .map(|e| row.sources.contains(&e.source))
                        .collect(),
                    false => Vec::new(),
                },
                cited: match table {
                    true => Vec::new(),
                    false => self.cited_entries(&row.sources),
                },
                count: row.sources.len(),
            })
            .collect()
    }

    /// Whether the coverage is shown as a table (few sources) or a list per part.
    fn coverage_is_table(&self) -> bool {
        self.resolved.entries.len() <= COVERAGE_TABLE_MAX_SOURCES
    }

    /// The appendix entries of `sources` (indices in the site), in number order.
    fn cited_entries(&self, sources: &std::collections::BTreeSet<usize>) -> Vec<CitedView> {
        let mut cited: Vec<CitedView> = sources
            .iter()
            .map(|&index| {
                let entry = self.resolved.entry(index);
                CitedView {
                    number: entry.number,
                    anchor: source_anchor(&self.site.sources[index]),
                }
            })
            .collect();
        cited.sort_by_key(|c| c.number);
        cited
    }

    fn briefing(&self, output: String) -> Result<OutputFile, Diagnostic> {
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
        let mut page = self.page_view("", &meta.title, description);
        let mut context = self.unmemoized_context();
        // It cites every source: spliced, like the body.
        let json_ld = self.briefing_json_ld(&page.canonical)?;
        page.json_ld = Some(context.splices.hold(json_ld));
        context.insert("page", &page);
        context.insert("summary", &meta.summary);
        context.insert("published", &meta.published.as_ref().map(DateView::from));
        context.insert("updated", &meta.updated.as_ref().map(DateView::from));
        context.insert("updates", &updates);
        let content = self.fragment_parts(&self.site.briefing.body, "");
        context.insert_html("content", content);
        context.insert("references", &self.references());
        context.insert("disagreements", &self.disagreements());
        context.insert("no_primary_source", &self.no_primary_source_note());
        let contents: Vec<&crate::markdown::Heading> = self
            .site
            .briefing
            .body
            .markdown
            .headings
            .iter()
            .filter(|h| h.level == 2)
            .collect();
        context.insert("contents", &contents);
        self.render("briefing.html", output, context)
    }

    /// The briefing's JSON-LD (a NewsArticle citing every source), from the memo while
    /// the briefing's front matter and the sources, in their order, are unchanged.
    fn briefing_json_ld(&self, url: &str) -> Result<bytes::Bytes, Diagnostic> {
        let key = self.memo.map(|_| {
            let mut key = Xxh3::new();
            (format!("{:?}", self.site.briefing.meta), url).hash(&mut key);
            for entry in &self.resolved.entries {
                std::sync::Arc::as_ptr(&self.site.sources[entry.source]).hash(&mut key);
            }
            key.digest128()
        });
        let (json, _) = self.remembered("index.html#json-ld", key, || {
            let json_ld = crate::metadata::news_article(self.site, self.resolved, url);
            Ok(crate::metadata::script_json(&json_ld).into_bytes())
        })?;
        Ok(json)
    }

    /// The note shown when no source is a primary source, if none is.
    fn no_primary_source_note(&self) -> Option<&str> {
        (!self.provenance.has_primary_source)
            .then_some(self.site.config.no_primary_source_note.as_str())
    }

    /// The cited sources in number order, with absolute URLs, for print.
    fn references(&self) -> Vec<ReferenceView<'_>> {
        self.resolved
            .entries
            .iter()
            .filter(|entry| !entry.backlinks.is_empty())
            .map(|entry| {
                let source = &self.site.sources[entry.source];
                ReferenceView {
                    number: entry.number,
                    title: source_title(source),
                    publisher: source.meta.publisher.as_deref(),
                    url: source.meta.url.clone().unwrap_or_else(|| {
                        format!("{}{}", self.site.config.base_url(), source_page(source))
                    }),
                }
            })
            .collect()
    }

    fn timeline(&self, output: String) -> Result<OutputFile, Diagnostic> {
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
            .enumerate()
            .map(|(index, event)| EventView {
                date: (&event.date).into(),
                title: &event.title,
                anchor: &event.anchor,
                html: self.fragment_html(&event.body, path),
                future: reference.is_some_and(|r| event.date > r && !event.date.contains(&r)),
                conflict: self.provenance.event_conflicts.get(&index).map(|conflict| {
                    conflict
                        .stated
                        .iter()
                        .map(|stated| {
                            let source = &self.site.sources[stated.source];
                            StatedDateView {
                                number: self.resolved.entry(stated.source).number,
                                title: source_title(source),
                                href: self.links.link(path, &source_page(source)),
                                date: (&stated.date).into(),
                                sentence: &stated.sentence,
                            }
                        })
                        .collect()
                }),
            })
            .collect();
        let description = timeline
            .description
            .as_deref()
            .unwrap_or(&self.site.config.description);
        let mut page = self.page_view(path, &timeline.title, description);
        let json_ld = crate::metadata::timeline(self.site, timeline, &page.canonical);
        page.json_ld = Some(crate::metadata::script_json(&json_ld));
        let mut context = self.context();
        context.insert("page", &page);
        context.insert("intro", &self.fragment_html(&timeline.intro, path));
        context.insert("events", &events);
        self.render("timeline.html", output, context)
    }

    fn faq(&self, output: String) -> Result<OutputFile, Diagnostic> {
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
        let mut page = self.page_view(path, &faq.title, description);
        let json_ld = crate::metadata::faq_page(self.site, faq, &page.canonical);
        page.json_ld = Some(crate::metadata::script_json(&json_ld));
        let mut context = self.context();
        context.insert("page", &page);
        context.insert("intro", &self.fragment_html(&faq.intro, path));
        context.insert("questions", &questions);
        self.render("faq.html", output, context)
    }

    fn page(&self, page: &crate::parse::Page, output: String) -> Result<OutputFile, Diagnostic> {
        let path = format!("{}/", page.slug);
        let description = page
            .description
            .as_deref()
            .unwrap_or(&self.site.config.description);
        let mut context = self.context();
        context.insert("page", &self.page_view(&path, &page.title, description));
        context.insert("content", &self.fragment_html(&page.body, &path));
        self.render("page.html", output, context)
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
            disclosures: disclosures(&meta.notes)
                .into_iter()
                .map(DisclosureView::from)
                .collect(),
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
                    anchor: (from == own_page
                        && self.site.config.source_text == crate::config::SourceText::None)
                        .then_some(quote.anchor.as_str()),
                    original: meta
                        .url
                        .as_deref()
                        .zip(quote.hit.as_ref())
                        .map(|(url, hit)| {
                            text_fragment_url(
                                url,
                                &source.blocks[hit.block].text[hit.range.clone()],
                            )
                        }),
                })
                .collect(),
        }
    }

    /// The source appendix. Each entry is rendered on its own (`source_entry.html`, as
    /// on the source's page), in parallel: a briefing may have thousands of sources.
    fn appendix(&self, output: String) -> Result<OutputFile, Diagnostic> {
        let path = "sources/";
        let mut items: Vec<AppendixItem> = self
            .resolved
            .entries
            .par_iter()
            .map(|entry| self.appendix_item(entry, path))
            .collect::<Result<_, _>>()?;
        let mut context = self.context();
        for item in &mut items {
            item.entry = context.splices.hold(item.html.clone());
        }
        context.insert(
            "page",
            &self.page_view(path, "Sources", &self.site.config.description),
        );
        let legend: Vec<DisclosureView> = Disclosure::ALL
            .into_iter()
            .filter(|d| items.iter().any(|item| item.disclosures.contains(d)))
            .map(DisclosureView::from)
            .collect();
        // The entries' keys stand for the entries: hashing 10,000 rendered entries to
        // find that they are the ones the memo holds would cost more than it saves.
        context.insert_keyed(
            "sources",
            &items,
            &items.iter().map(|i| i.key).collect::<Vec<_>>(),
        );
        context.insert("legend", &legend);
        context.insert("coverage", &self.coverage(path));
        context.insert("coverage_table", &self.coverage_is_table());
        context.insert("no_primary_source", &self.no_primary_source_note());
        self.render("sources.html", output, context)
    }

    fn appendix_item(
        &self,
        entry: &'a SourceEntry,
        path: &str,
    ) -> Result<AppendixItem<'a>, Diagnostic> {
        let source = &self.site.sources[entry.source];
        let anchor = source_anchor(source);
        let name = format!("{path}index.html#{anchor}");
        let key = self.entry_key(source, entry, path);
        let (html, _) = self.remembered(&name, key, || {
            let mut context = tera::Context::new();
            context.insert("source", &self.source_view(entry, path));
            context.insert("on_source_page", &false);
            Ok(self
                .render_to_string("source_entry.html", &context)?
                .into_bytes())
        })?;
        Ok(AppendixItem {
            number: entry.number,
            anchor,
            title: source_title(source),
            disclosures: disclosures(&source.meta.notes),
            entry: String::new(),
            html,
            key,
        })
    }

    fn source(&self, index: usize, output: String) -> Result<OutputFile, Diagnostic> {
        let source = &self.site.sources[index];
        let entry = self.resolved.entry(index);
        let path = source_page(source);
        // Hashing the page's inputs costs nothing next to building its context (the
        // source's text as HTML) just to hash it.
        let key = self.entry_key(source, entry, &path);
        self.memoized(output, key, || {
            let view = self.source_view(entry, &path);
            let description = format!(
                "Archived text of “{}”, a source of {}",
                view.title, self.site.config.title
            );
            let mut context = tera::Context::new();
            let mut splices = Splices::default();
            let text = source_text_html(source, entry, self.site.config.source_text);
            context.insert("page", &self.page_view(&path, view.title, &description));
            context.insert("text", &splices.hold(text));
            context.insert("source", &view);
            context.insert("on_source_page", &true);
            self.render_spliced("source.html", &context, &splices)
        })
    }

    fn not_found(&self, output: String) -> Result<OutputFile, Diagnostic> {
        let mut context = self.context();
        let mut page = self.page_view("404.html", "Page not found", &self.site.config.description);
        // The 404 page is served at any depth, so its links must be absolute.
        page.root = self.site.config.base_path();
        page.index_file = "";
        page.noindex = true;
        context.insert("page", &page);
        self.render("404.html", output, context)
    }
}

/// A page of the site, to be rendered.
enum PageJob<'p> {
    Briefing,
    Appendix,
    NotFound,
    Timeline,
    Faq,
    Page(&'p crate::parse::Page),
    /// A source's page, by the source's index in the site.
    Source(usize),
}

/// A page's Tera context and, when the memo is in use, a hash of what went into it.
struct PageContext {
    context: tera::Context,
    key: Option<Xxh3>,
    /// The finished HTML its placeholders stand for. The pieces are not in `key`: a
    /// memoized page that holds one must key it some other way (the appendix keys its
    /// entries with theirs, [`PageContext::insert_keyed`]; [`PageContext::insert_html`]
    /// hashes what it holds).
    splices: Splices,
}

impl PageContext {
    /// Inserts `value`, hashing `key` in its place: something cheaper to hash that
    /// changes whenever `value` does.
    fn insert_keyed<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        key: &impl Hash,
    ) {
        self.context.insert(name, value);
        if let Some(hasher) = &mut self.key {
            (name, key).hash(hasher);
        }
    }

    /// Inserts finished HTML, given in parts, to be spliced into the page after
    /// rendering (see [`crate::splice`]).
    fn insert_html(&mut self, name: &'static str, parts: Vec<String>) {
        if let Some(key) = &mut self.key {
            (name, &parts).hash(key);
        }
        let placeholders: String = parts
            .into_iter()
            .map(|part| self.splices.hold(part))
            .collect();
        self.context.insert(name, &placeholders);
    }

    fn insert<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.context.insert(name, value);
        if let Some(key) = &mut self.key {
            name.hash(key);
            // The value itself, not as Tera holds it: its maps have no fixed order.
            hash_json(key, value);
        }
    }
}

/// Feeds `value`, as JSON, to `hasher`.
fn hash_json<T: Serialize + ?Sized>(hasher: &mut Xxh3, value: &T) {
    struct Feed<'h>(&'h mut Xxh3);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Writing to a hasher cannot fail, nor can serializing the values pages are made of.
    let _ = serde_json::to_writer(Feed(hasher), value);
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

/// A link to `words` on the page at `url`, as a text fragment (`#:~:text=`) that
/// browsers scroll to and highlight. Long passages are given by their first and last
/// words (`textStart,textEnd`).
pub fn text_fragment_url(url: &str, words: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    // Everything but letters, digits and a few marks that cannot be mistaken for the
    // directive's own syntax (`-`, `,` and `&` must be encoded).
    const TEXT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'!')
        .remove(b'*')
        .remove(b'(')
        .remove(b')')
        .remove(b'\'');
    let encode = |text: &str| utf8_percent_encode(text, TEXT).to_string();
    let words: Vec<&str> = words.split_whitespace().collect();
    let directive = if words.len() > 12 {
        format!(
            "{},{}",
            encode(&words[..5].join(" ")),
            encode(&words[words.len() - 5..].join(" "))
        )
    } else {
        encode(&words.join(" "))
    };
    let base = url.split('#').next().unwrap_or(url);
    format!("{base}#:~:text={directive}")
}

/// One citation: the bracketed number linking to the source's entry in the appendix
/// (`appendix` is the link to it, see [`Renderer::appendix_link`]), and a tooltip
/// naming the source and the quoted words, shown on hover and keyboard focus. Written
/// straight into `html`: a briefing may have tens of thousands.
fn push_citation(
    html: &mut String,
    source: &Source,
    citation: &ResolvedCitation,
    appendix: &str,
    quote: Option<&str>,
) {
    use std::fmt::Write;
    let anchor = &citation.anchor;
    let disclosures = disclosures(&source.meta.notes);
    let marker = if disclosures.contains(&Disclosure::AiDrafted) {
        "<span class=\"cite-marker\" aria-hidden=\"true\">AI</span>"
    } else {
        ""
    };
    // Writing to a String cannot fail.
    let _ = write!(html, "<span class=\"citation\"><a id=\"{anchor}\" href=\"");
    escape_href(&mut *html, appendix).ok();
    // The source's anchor (see `source_anchor`), without making a string of it.
    html.push_str("#source-");
    escape_href(&mut *html, &source.id).ok();
    let _ = write!(
        html,
        "\" aria-describedby=\"tip-{anchor}\">[{}]{marker}</a><span class=\"cite-tip\" role=\"tooltip\" id=\"tip-{anchor}\"><span class=\"cite-source\">",
        citation.number
    );
    escape_html(&mut *html, source_title(source)).ok();
    if let Some(publisher) = &source.meta.publisher {
        html.push_str(" · ");
        escape_html(&mut *html, publisher).ok();
    }
    html.push_str("</span>");
    let labels = source
        .meta
        .kind
        .map(|k| k.label())
        .into_iter()
        .chain(disclosures.iter().map(|d| d.label()));
    for (i, label) in labels.enumerate() {
        html.push_str(if i == 0 {
            "<span class=\"cite-kind\">"
        } else {
            " · "
        });
        html.push_str(label);
    }
    if source.meta.kind.is_some() || !disclosures.is_empty() {
        html.push_str("</span>");
    }
    if let Some(quote) = quote {
        html.push_str("<q>");
        escape_html(&mut *html, quote).ok();
        html.push_str("</q>");
    }
    html.push_str("</span></span>");
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

/// A file of the site that could not be written, named by its path in the site.
pub fn write_error(path: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        std::path::Path::new(path),
        Problem::Io {
            message: format!("could not write {path} of the site: {error}"),
        },
    )
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
    fn text_fragments_encode_the_directive_syntax() {
        assert_eq!(
            text_fragment_url(
                "https://example.org/a#top",
                "a capped share—of 20%, through 2030 & more"
            ),
            "https://example.org/a#:~:text=a%20capped%20share%E2%80%94of%2020%25%2C%20through%202030%20%26%20more"
        );
        let long = "one two three four five six seven eight nine ten eleven twelve thirteen";
        assert_eq!(
            text_fragment_url("https://x.org/", long),
            "https://x.org/#:~:text=one%20two%20three%20four%20five,nine%20ten%20eleven%20twelve%20thirteen"
        );
        assert!(text_fragment_url("https://x.org/", "well-known").ends_with("well%2Dknown"));
    }

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
