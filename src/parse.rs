//! The second stage: reading the loaded files into the briefing's model.
//!
//! Markdown is rendered here (citations still as placeholders, see [`crate::markdown`]),
//! sources are ingested in parallel, and the timeline and FAQ are split into their
//! entries. Every problem is recorded; the parts that could be read are kept.

use crate::cache::{Ingested, SourceCache};
use crate::config::SiteConfig;
use crate::date::PartialDate;
use crate::diagnostic::{Diagnostic, Problem};
use crate::ingest::{self, Source};
use crate::load::{Content, LoadedSource, TextFile};
use crate::markdown::{self, Markdown, Section};
use crate::toml_file;
use rayon::prelude::*;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

/// Index of an editor file in [`Site::files`].
pub type FileId = usize;

/// Rendered markdown and the file it came from.
#[derive(Debug, Clone)]
pub struct Fragment {
    /// The file the markdown is in.
    pub file: FileId,
    /// The rendered markdown.
    pub markdown: Markdown,
}

/// One entry of the briefing's changelog.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    /// When the briefing changed.
    pub date: PartialDate,
    /// What changed.
    pub note: String,
}

/// The front matter of `briefing.md`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BriefingMeta {
    /// The briefing's headline.
    pub title: String,
    /// A sentence or two summing the story up.
    #[serde(default)]
    pub summary: Option<String>,
    /// When the briefing was first published.
    #[serde(default)]
    pub published: Option<PartialDate>,
    /// When it was last updated.
    #[serde(default)]
    pub updated: Option<PartialDate>,
    /// The changelog, in any order.
    #[serde(default)]
    pub updates: Vec<Update>,
    /// The fewest distinct sources each section should cite; sections citing fewer
    /// get a `single_source` warning. Unset: no such check.
    #[serde(default)]
    pub corroboration: Option<usize>,
    /// Disagreements between sources, declared by the editor.
    #[serde(default, skip_serializing)]
    pub disagreements: Vec<DisagreementMeta>,
}

/// A `[[disagreements]]` entry of briefing.md's front matter: a topic and, per source,
/// the source's own words on it.
///
/// ```toml
/// [[disagreements]]
/// topic = "The financial terms"
/// says.bytevyte-2026 = "a capped revenue share of 20% through 2030"
/// says.analysis-2026-05-08 = "did not specify the exact financial penalties or incentives"
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisagreementMeta {
    /// What the sources disagree about.
    pub topic: String,
    /// The editor's note on it, in plain text.
    #[serde(default)]
    pub note: Option<String>,
    /// Source id → the source's words (a verified quote).
    pub says: indexmap::IndexMap<String, toml::Spanned<String>>,
}

/// A declared disagreement, its quotes read as citations.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// What the sources disagree about.
    pub topic: String,
    /// The editor's note on it.
    pub note: Option<String>,
    /// One single-quote citation group per source, in the order written.
    pub says: Fragment,
}

/// The front matter of the timeline, the FAQ and other pages.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// The page's title.
    pub title: Option<String>,
    /// A sentence describing the page, for search engines and link previews.
    pub description: Option<String>,
}

/// The main page.
#[derive(Debug, Clone)]
pub struct Briefing {
    /// Its front matter.
    pub meta: BriefingMeta,
    /// Its body.
    pub body: Fragment,
    /// The disagreements declared in its front matter.
    pub disagreements: Vec<Disagreement>,
}

/// A dated event of the timeline.
#[derive(Debug, Clone)]
pub struct Event {
    /// When it happened (or will).
    pub date: PartialDate,
    /// What happened, in a few words.
    pub title: String,
    /// The `id` it is linked by.
    pub anchor: String,
    /// Where its heading is in timeline.md.
    pub heading_span: Range<usize>,
    /// The text below the heading.
    pub body: Fragment,
}

/// A question of the FAQ.
#[derive(Debug, Clone)]
pub struct Question {
    /// The question.
    pub question: String,
    /// The `id` it is linked by.
    pub anchor: String,
    /// The answer.
    pub answer: Fragment,
}

/// A page made of `##` sections: the timeline or the FAQ.
#[derive(Debug, Clone)]
pub struct SectionedPage<T> {
    /// Its title.
    pub title: String,
    /// Its description, if the front matter gives one.
    pub description: Option<String>,
    /// The markdown before the first entry.
    pub intro: Fragment,
    /// The entries, in page order.
    pub entries: Vec<T>,
}

/// A further page from `content/pages/`.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file stem, which is also its URL path.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its description, if given.
    pub description: Option<String>,
    /// Its body.
    pub body: Fragment,
}

/// A briefing, read and parsed: everything the later stages need.
#[derive(Debug, Clone)]
pub struct Site {
    /// site.toml.
    pub config: SiteConfig,
    /// The editor's files, for positions in messages.
    pub files: Vec<TextFile>,
    /// The main page.
    pub briefing: Briefing,
    /// The timeline, events in date order.
    pub timeline: Option<SectionedPage<Event>>,
    /// The FAQ.
    pub faq: Option<SectionedPage<Question>>,
    /// Further pages, by name.
    pub pages: Vec<Page>,
    /// The sources, by id.
    pub sources: Vec<std::sync::Arc<Source>>,
}

/// Page paths that `content/pages/` may not use.
const RESERVED_PAGES: &[&str] = &["timeline", "faq", "sources", "assets"];

impl Site {
    /// Every fragment with the output path of the page it is on (`""`, `"timeline/"`...),
    /// in reading order: the order citations are numbered in.
    pub fn fragments(&self) -> Vec<(String, &Fragment)> {
        let mut fragments = vec![(String::new(), &self.briefing.body)];
        fragments.extend(
            self.briefing
                .disagreements
                .iter()
                .map(|d| (String::new(), &d.says)),
        );
        if let Some(timeline) = &self.timeline {
            fragments.push(("timeline/".into(), &timeline.intro));
            fragments.extend(
                timeline
                    .entries
                    .iter()
                    .map(|e| ("timeline/".into(), &e.body)),
            );
        }
        if let Some(faq) = &self.faq {
            fragments.push(("faq/".into(), &faq.intro));
            fragments.extend(faq.entries.iter().map(|q| ("faq/".into(), &q.answer)));
        }
        for page in &self.pages {
            fragments.push((format!("{}/", page.slug), &page.body));
        }
        fragments
    }
}

/// Parses the loaded content, taking sources already ingested from `cache`. `None` if
/// something essential could not be read.
pub fn parse(
    content: Content,
    cache: &mut SourceCache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Site> {
    let config = SiteConfig::parse(&content.site.path, &content.site.text)
        .map_err(|d| diagnostics.push(d))
        .ok();
    let date_order = config.as_ref().and_then(|c| c.date_order);
    let sources = ingest_sources(&content, date_order, cache, diagnostics);
    let mut files = vec![content.briefing];
    let mut add = |file: TextFile| {
        files.push(file);
        files.len() - 1
    };
    let timeline_id = content.timeline.map(&mut add);
    let faq_id = content.faq.map(&mut add);
    let page_ids: Vec<FileId> = content.pages.into_iter().map(&mut add).collect();
    // The briefing alongside the other files: a long story's briefing.md takes as long
    // as all of them. Their diagnostics come in file order all the same.
    let ((briefing, briefing_diagnostics), (timeline, faq, pages, others)) = rayon::join(
        || {
            let mut found = Vec::new();
            (parse_briefing(&files[0], 0, &mut found), found)
        },
        || {
            let mut found = Vec::new();
            let timeline = timeline_id.map(|id| parse_timeline(&files[id], id, &mut found));
            let faq = faq_id.map(|id| parse_faq(&files[id], id, &mut found));
            let pages: Vec<Page> = page_ids
                .into_iter()
                .filter_map(|id| parse_page(&files[id], id, &mut found))
                .collect();
            (timeline, faq, pages, found)
        },
    );
    diagnostics.extend(briefing_diagnostics);
    diagnostics.extend(others);
    Some(Site {
        config: config?,
        briefing: briefing?,
        files,
        timeline: timeline.flatten(),
        faq: faq.flatten(),
        pages,
        sources,
    })
}

/// Ingests the sources the load stage read, in parallel, takes the others from
/// `cache`, and returns them all in `content`'s order.
fn ingest_sources(
    content: &Content,
    date_order: Option<ingest::DateOrder>,
    cache: &mut SourceCache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<std::sync::Arc<Source>> {
    // Each article is read as it is ingested and its bytes dropped right after.
    let fresh: Vec<(&std::path::Path, Ingested)> = content
        .sources
        .par_iter()
        .filter_map(|loaded| match loaded {
            LoadedSource::New(source) => Some(source),
            LoadedSource::Cached(_) => None,
        })
        .map(|source| {
            let mut warnings = Vec::new();
            let ingested = source
                .read()
                .map_err(|error| vec![error])
                .and_then(|file| ingest::ingest(&file, date_order, &mut warnings));
            (
                source.path.as_path(),
                (ingested.map(std::sync::Arc::new), warnings),
            )
        })
        .collect();
    for (path, ingested) in fresh {
        cache.insert(path.to_path_buf(), ingested);
    }
    cache.retain_paths(content.sources.iter().map(LoadedSource::path));
    let mut sources = Vec::with_capacity(content.sources.len());
    for loaded in &content.sources {
        let (result, warnings) = cache
            .get(loaded.path())
            .expect("the load stage reads every source the cache does not hold");
        diagnostics.extend(warnings.iter().cloned());
        match result {
            Ok(source) => sources.push(std::sync::Arc::clone(source)),
            Err(errors) => diagnostics.extend(errors.iter().cloned()),
        }
    }
    sources
}

/// Front matter and markdown body of an editor file.
fn read_document<T: serde::de::DeserializeOwned + Default>(
    file: &TextFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(T, Range<usize>)> {
    let split = toml_file::split_front_matter(&file.path, &file.text)
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    let meta = match split.toml {
        Some(range) => toml_file::parse(&file.path, &file.text, range)
            .map_err(|d| diagnostics.push(d))
            .ok()?,
        None => T::default(),
    };
    Some((meta, split.body))
}

fn render_fragment(
    file: &TextFile,
    id: FileId,
    range: Range<usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Fragment {
    let (markdown, errors) = markdown::render(&file.text, range);
    diagnostics.extend(errors.into_iter().map(|error| {
        Diagnostic::error(
            &file.path,
            Problem::MalformedCitation {
                reason: error.reason,
            },
        )
        .at(&file.text, error.span)
    }));
    Fragment { file: id, markdown }
}

fn parse_briefing(
    file: &TextFile,
    id: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Briefing> {
    let split = toml_file::split_front_matter(&file.path, &file.text)
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    let Some(toml) = split.toml else {
        diagnostics.push(
            Diagnostic::error(
                &file.path,
                Problem::Toml {
                    message: "briefing.md needs front matter with at least a title: +++\\ntitle = \"...\"\\n+++".into(),
                },
            )
            .at(&file.text, 0..0),
        );
        return None;
    };
    let meta: BriefingMeta = toml_file::parse(&file.path, &file.text, toml.clone())
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    let body = render_fragment(file, id, split.body, diagnostics);
    let disagreements = meta
        .disagreements
        .iter()
        .map(|declared| disagreement(declared, id, toml.start))
        .collect();
    Some(Briefing {
        meta,
        body,
        disagreements,
    })
}

/// A declared disagreement with each source's words as a quoted citation, positioned
/// at the quote's string in the front matter (which starts at byte `offset`).
fn disagreement(declared: &DisagreementMeta, file: FileId, offset: usize) -> Disagreement {
    let citations = declared
        .says
        .iter()
        .map(|(id, quote)| {
            let span = (quote.span().start + offset)..(quote.span().end + offset);
            crate::citation::CitationGroup {
                span: span.clone(),
                items: vec![crate::citation::Citation {
                    id: id.clone(),
                    quote: Some(quote.get_ref().clone()),
                    span,
                }],
            }
        })
        .collect();
    Disagreement {
        topic: declared.topic.clone(),
        note: declared.note.clone(),
        says: Fragment {
            file,
            markdown: Markdown {
                citations,
                ..Markdown::default()
            },
        },
    }
}

/// A timeline heading: an ISO date, then a dash or colon and the event's title.
static EVENT_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    // A hyphen needs spaces around it, so "2026-05-01 Talks" is not read as May 2026.
    Regex::new(r"^(\d{4}(?:-\d{2}){0,2})(?:\s*[—–:|]\s*(.*)|\s+--?\s+(.*))?$").unwrap()
});

fn parse_sections<T>(
    file: &TextFile,
    id: FileId,
    default_title: &str,
    diagnostics: &mut Vec<Diagnostic>,
    mut entry: impl FnMut(&Section, Fragment, &mut HashSet<String>, &mut Vec<Diagnostic>) -> Option<T>,
) -> Option<SectionedPage<T>> {
    let (meta, body): (PageMeta, _) = read_document(file, diagnostics)?;
    let (intro, sections) = markdown::split_sections(&file.text, body);
    let intro = render_fragment(file, id, intro, diagnostics);
    let mut taken = HashSet::new();
    let entries = sections
        .iter()
        .filter_map(|section| {
            let fragment = render_fragment(file, id, section.body.clone(), diagnostics);
            entry(section, fragment, &mut taken, diagnostics)
        })
        .collect();
    Some(SectionedPage {
        title: meta.title.unwrap_or_else(|| default_title.to_string()),
        description: meta.description,
        intro,
        entries,
    })
}

fn parse_timeline(
    file: &TextFile,
    id: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SectionedPage<Event>> {
    let mut page = parse_sections(
        file,
        id,
        "Timeline",
        diagnostics,
        |section, body, taken, diagnostics| {
            let error = |problem| {
                Diagnostic::error(&file.path, problem).at(&file.text, section.heading_span.clone())
            };
            let Some(captures) = EVENT_HEADING.captures(&section.heading) else {
                diagnostics.push(error(Problem::TimelineHeadingWithoutDate {
                    heading: section.heading.clone(),
                }));
                return None;
            };
            let date: PartialDate = match captures[1].parse() {
                Ok(date) => date,
                Err(invalid) => {
                    diagnostics.push(error(Problem::InvalidDate(invalid)));
                    return None;
                }
            };
            let title = captures
                .get(2)
                .or(captures.get(3))
                .map_or("", |m| m.as_str())
                .trim();
            let title = if title.is_empty() {
                date.human()
            } else {
                title.to_string()
            };
            let anchor = markdown::unique_slug(&format!("{date} {title}"), taken);
            Some(Event {
                date,
                title,
                anchor,
                heading_span: section.heading_span.clone(),
                body,
            })
        },
    )?;
    page.entries.sort_by_key(|event| event.date);
    Some(page)
}

fn parse_faq(
    file: &TextFile,
    id: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SectionedPage<Question>> {
    parse_sections(
        file,
        id,
        "Questions and answers",
        diagnostics,
        |section, answer, taken, _| {
            Some(Question {
                anchor: markdown::unique_slug(&section.heading, taken),
                question: section.heading.clone(),
                answer,
            })
        },
    )
}

fn parse_page(file: &TextFile, id: FileId, diagnostics: &mut Vec<Diagnostic>) -> Option<Page> {
    let (meta, body): (PageMeta, _) = read_document(file, diagnostics)?;
    let slug = file.path.file_stem()?.to_string_lossy().into_owned();
    if RESERVED_PAGES.contains(&slug.as_str()) || !ingest::is_valid_id(&slug) {
        diagnostics.push(Diagnostic::error(
            &file.path,
            Problem::ReservedPage { name: slug },
        ));
        return None;
    }
    let body = render_fragment(file, id, body, diagnostics);
    let title = meta
        .title
        .or_else(|| body.markdown.headings.first().map(|h| h.text.clone()))
        .unwrap_or_else(|| slug.clone());
    Some(Page {
        slug,
        title,
        description: meta.description,
        body,
    })
}
