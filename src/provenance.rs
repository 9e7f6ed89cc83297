//! Provenance: where the sources agree, where they differ, and what rests on one source.
//!
//! Runs after [`crate::resolve`]: it compares the dates each cited source states for a
//! timeline event with the event's date and with each other, finds dates the sources
//! state that no event covers, and maps which sources each section of the briefing
//! cites. Findings become diagnostics (`source_conflict`, `uncovered_date`,
//! `single_source`) and data for the pages and `briefing.json`.

use crate::date::PartialDate;
use crate::diagnostic::{Diagnostic, Problem, Severity};
use crate::ingest::Source;
use crate::ingest::find_dates;
use crate::markdown::sections_at;
use crate::parse::{Fragment, Site};
use crate::resolve::Resolved;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// A date a source states for an event, with the sentence it stands in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDate {
    /// Index of the source in [`Site::sources`].
    #[serde(skip)]
    pub source: usize,
    /// The source's id.
    pub id: String,
    /// The date it states.
    pub date: PartialDate,
    /// The sentence it states it in.
    pub sentence: String,
}

/// The dates the cited sources give for one timeline event, when they differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateConflict {
    /// The dates each cited source states for the event.
    pub stated: Vec<SourceDate>,
    /// Whether the editor declared it as a disagreement.
    pub acknowledged: bool,
}

/// One row of the coverage matrix: a part of the briefing and the sources it cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageRow {
    /// The section's heading or the page's title.
    pub section: String,
    /// The page it is on (`""`, `"timeline/"`...), and its anchor there, if any.
    pub page: String,
    /// Its anchor on that page.
    pub anchor: Option<String>,
    /// Indices (in [`Site::sources`]) of the sources it cites.
    #[serde(skip)]
    pub sources: BTreeSet<usize>,
    /// Where a briefing section's heading is in briefing.md.
    #[serde(skip)]
    pub heading_span: Option<std::ops::Range<usize>>,
}

/// What the provenance checks found.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Per timeline event (by index), the conflict its sources show, if any.
    pub event_conflicts: HashMap<usize, DateConflict>,
    /// The coverage matrix: briefing sections, then the other pages.
    pub coverage: Vec<CoverageRow>,
    /// Whether any source is a primary source.
    pub has_primary_source: bool,
}

/// Runs the provenance checks, recording findings in `diagnostics`.
pub fn analyze(site: &Site, resolved: &Resolved, diagnostics: &mut Vec<Diagnostic>) -> Provenance {
    let ignored = story_words(site);
    let declared = declared_dates(site);
    let mut provenance = Provenance {
        has_primary_source: site
            .sources
            .iter()
            .any(|s| s.meta.kind == Some(crate::ingest::SourceKind::Primary)),
        ..Provenance::default()
    };
    if let Some(timeline) = &site.timeline {
        let file = &site.files[timeline.intro.file];
        for (index, event) in timeline.entries.iter().enumerate() {
            let Some(conflict) = event_conflict(site, resolved, event, &ignored, &declared) else {
                continue;
            };
            let severity = if conflict.acknowledged {
                Severity::Note
            } else {
                Severity::Warning
            };
            diagnostics.push(
                Diagnostic::warning(
                    &file.path,
                    Problem::SourceConflict {
                        event: event.title.clone(),
                        event_date: event.date.to_string(),
                        stated: conflict
                            .stated
                            .iter()
                            .map(|d| (d.id.clone(), d.date.to_string()))
                            .collect(),
                    },
                )
                .with_severity(severity)
                .at(&file.text, event.heading_span.clone()),
            );
            provenance.event_conflicts.insert(index, conflict);
        }
    }
    report_uncovered_dates(site, &declared, diagnostics);
    provenance.coverage = coverage(site, resolved);
    report_thin_sections(site, &provenance.coverage, diagnostics);
    provenance
}

const STOPWORDS: &[&str] = &[
    "about",
    "after",
    "also",
    "among",
    "before",
    "being",
    "between",
    "both",
    "could",
    "does",
    "during",
    "each",
    "from",
    "have",
    "into",
    "its",
    "more",
    "most",
    "much",
    "only",
    "other",
    "over",
    "says",
    "such",
    "than",
    "that",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "under",
    "until",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "will",
    "with",
    "would",
    "your",
    "according",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words compared by their first five letters, so "restructured" meets "restructuring".
fn stems(text: &str, ignored: &HashSet<String>) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 4 && !STOPWORDS.contains(&w.as_str()))
        .map(|w| w.chars().take(5).collect::<String>())
        .filter(|stem| !ignored.contains(stem))
        .collect()
}

/// The story's own names (from the site's title: "Microsoft", "OpenAI"...) are in every
/// sentence, so they say nothing about which event a sentence is about.
fn story_words(site: &Site) -> HashSet<String> {
    stems(
        &format!("{} {}", site.config.title, site.briefing.meta.title),
        &HashSet::new(),
    )
}

/// Whether two dates can be the same day: one contains the other.
fn compatible(a: &PartialDate, b: &PartialDate) -> bool {
    a.contains(b) || b.contains(a)
}

/// The sources cited in a fragment, by index.
fn cited_sources(fragment: &Fragment, resolved: &Resolved) -> BTreeSet<usize> {
    fragment
        .markdown
        .citations
        .iter()
        .filter_map(|group| resolved.groups.get(&(fragment.file, group.span.start)))
        .flatten()
        .map(|citation| citation.source)
        .collect()
}

/// The date `source` gives for an event titled with the stems `title`, on date `on`:
/// of the dates it states in the sentences sharing the most key words with the title,
/// the most precise one that can be the event's date, else the first.
fn date_for(
    source: &Source,
    index: usize,
    title: &HashSet<String>,
    on: &PartialDate,
    ignored: &HashSet<String>,
) -> Option<SourceDate> {
    let candidates: Vec<(usize, &crate::ingest::StatedDate)> = source
        .dates
        .iter()
        .map(|stated| {
            (
                stems(&stated.text, ignored).intersection(title).count(),
                stated,
            )
        })
        .filter(|(shared, _)| *shared > 0)
        .collect();
    let most = candidates.iter().map(|(shared, _)| *shared).max()?;
    let best: Vec<&crate::ingest::StatedDate> = candidates
        .iter()
        .filter(|(shared, _)| *shared == most)
        .map(|(_, s)| *s)
        .collect();
    let chosen = best
        .iter()
        .filter(|stated| compatible(&stated.date, on))
        .max_by_key(|stated| stated.date.precision_rank())
        .or(best.first())?;
    Some(SourceDate {
        source: index,
        id: source.id.clone(),
        date: chosen.date,
        sentence: chosen.text.clone(),
    })
}

fn event_conflict(
    site: &Site,
    resolved: &Resolved,
    event: &crate::parse::Event,
    ignored: &HashSet<String>,
    declared: &HashMap<String, Vec<PartialDate>>,
) -> Option<DateConflict> {
    let title = stems(&event.title, ignored);
    let stated: Vec<SourceDate> = cited_sources(&event.body, resolved)
        .into_iter()
        .filter_map(|s| date_for(&site.sources[s], s, &title, &event.date, ignored))
        .collect();
    let disagrees_with_event = stated.iter().any(|d| !compatible(&d.date, &event.date));
    let disagree_together = stated
        .iter()
        .any(|a| stated.iter().any(|b| !compatible(&a.date, &b.date)));
    if !(disagrees_with_event || disagree_together) {
        return None;
    }
    // Declared when every source stating a date the event does not have says so in a
    // declared disagreement's quote.
    let acknowledged = stated
        .iter()
        .filter(|d| !compatible(&d.date, &event.date))
        .all(|d| {
            declared
                .get(&d.id)
                .is_some_and(|dates| dates.iter().any(|x| compatible(x, &d.date)))
        });
    Some(DateConflict {
        stated,
        acknowledged,
    })
}

/// For each source, the dates its words state in the declared disagreements.
fn declared_dates(site: &Site) -> HashMap<String, Vec<PartialDate>> {
    let mut dates: HashMap<String, Vec<PartialDate>> = HashMap::new();
    for disagreement in &site.briefing.disagreements {
        for group in &disagreement.says.markdown.citations {
            for citation in &group.items {
                let quote = citation.quote.as_deref().unwrap_or("");
                dates.entry(citation.id.clone()).or_default().extend(
                    find_dates(quote, site.config.date_order)
                        .into_iter()
                        .filter_map(|(found, _)| match found {
                            crate::ingest::Found::Date(date) => Some(date),
                            _ => None,
                        }),
                );
            }
        }
    }
    dates
}

/// Reports dates no event covers; a date the editor quoted in a declared disagreement
/// has been seen, so it is only a note.
fn report_uncovered_dates(
    site: &Site,
    declared: &HashMap<String, Vec<PartialDate>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(timeline) = &site.timeline else {
        return;
    };
    for source in &site.sources {
        let mut reported = HashSet::new();
        // The article's own publication dates are about the article, not the story.
        let own = [source.meta.published, source.meta.updated];
        for stated in source.dates.iter().filter(|d| !own.contains(&Some(d.date))) {
            let covered = timeline
                .entries
                .iter()
                .any(|e| compatible(&e.date, &stated.date));
            if !covered && reported.insert(stated.date) {
                let seen = declared
                    .get(&source.id)
                    .is_some_and(|dates| dates.contains(&stated.date));
                let severity = if seen {
                    Severity::Note
                } else {
                    Severity::Warning
                };
                diagnostics.push(
                    Diagnostic::warning(
                        &source.path,
                        Problem::UncoveredDate {
                            id: source.id.clone(),
                            date: stated.date.to_string(),
                            sentence: stated.text.clone(),
                        },
                    )
                    .with_severity(severity),
                );
            }
        }
    }
}

/// Which sources each section of the briefing, and each other page, cites.
fn coverage(site: &Site, resolved: &Resolved) -> Vec<CoverageRow> {
    let body = &site.briefing.body;
    let file = &site.files[body.file];
    let body_range = crate::toml_file::split_front_matter(&file.path, &file.text)
        .map(|split| split.body)
        .unwrap_or(0..file.text.len());
    // The sections at the headings the briefing was rendered with: parsing its
    // markdown again to find them costs a long briefing tens of milliseconds.
    let spans: Vec<_> = body
        .markdown
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .map(|h| h.span.clone())
        .collect();
    let (_, sections) = sections_at(&file.text, body_range, &spans);
    // The rendered headings, in the same order: their text has no citation syntax.
    let mut headings = body.markdown.headings.iter().filter(|h| h.level == 2);
    // Sorted once, so each section finds its own citations by bisection: a scan per
    // section would grow with sections × citations.
    let mut starts: Vec<usize> = body
        .markdown
        .citations
        .iter()
        .map(|group| group.span.start)
        .collect();
    starts.sort_unstable();
    let mut rows: Vec<CoverageRow> = sections
        .iter()
        .map(|section| {
            let first = starts.partition_point(|&start| start < section.body.start);
            let end = starts.partition_point(|&start| start < section.body.end);
            let sources = starts[first..end.max(first)]
                .iter()
                .filter_map(|&start| resolved.groups.get(&(body.file, start)))
                .flatten()
                .map(|c| c.source)
                .collect();
            let heading = headings.next();
            CoverageRow {
                section: heading.map_or_else(|| section.heading.clone(), |h| h.text.clone()),
                page: String::new(),
                anchor: heading.map(|h| h.id.clone()),
                sources,
                heading_span: Some(section.heading_span.clone()),
            }
        })
        .collect();
    let page_row = |title: &str, page: &str, fragments: Vec<&Fragment>| CoverageRow {
        section: title.to_string(),
        page: page.to_string(),
        anchor: None,
        heading_span: None,
        sources: fragments
            .into_iter()
            .flat_map(|f| cited_sources(f, resolved))
            .collect(),
    };
    if let Some(timeline) = &site.timeline {
        let fragments = std::iter::once(&timeline.intro)
            .chain(timeline.entries.iter().map(|e| &e.body))
            .collect();
        rows.push(page_row(&timeline.title, "timeline/", fragments));
    }
    if let Some(faq) = &site.faq {
        let fragments = std::iter::once(&faq.intro)
            .chain(faq.entries.iter().map(|q| &q.answer))
            .collect();
        rows.push(page_row(&faq.title, "faq/", fragments));
    }
    for page in &site.pages {
        rows.push(page_row(
            &page.title,
            &format!("{}/", page.slug),
            vec![&page.body],
        ));
    }
    rows
}

fn report_thin_sections(site: &Site, coverage: &[CoverageRow], diagnostics: &mut Vec<Diagnostic>) {
    let Some(required) = site.briefing.meta.corroboration else {
        return;
    };
    let file = &site.files[site.briefing.body.file];
    for row in coverage
        .iter()
        .filter(|r| r.page.is_empty() && r.sources.len() < required)
    {
        let at = row.heading_span.clone().unwrap_or(0..0);
        diagnostics.push(
            Diagnostic::warning(
                &file.path,
                Problem::SingleSource {
                    section: row.section.clone(),
                    count: row.sources.len(),
                    required,
                },
            )
            .at(&file.text, at),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet_across_word_forms_and_skip_little_words() {
        let none = HashSet::new();
        let a = stems("Restructuring announced (according to the analysis)", &none);
        let b = stems(
            "On April 27, 2026, Microsoft and OpenAI announced a formal restructuring",
            &none,
        );
        assert!(a.contains("restr") && a.contains("annou") && !a.contains("accor"));
        assert_eq!(a.intersection(&b).count(), 2);
    }

    #[test]
    fn coarse_dates_are_compatible_with_the_days_they_contain() {
        let april: PartialDate = "2026-04".parse().unwrap();
        let day: PartialDate = "2026-04-27".parse().unwrap();
        let next: PartialDate = "2026-04-28".parse().unwrap();
        assert!(compatible(&april, &day) && compatible(&day, &april));
        assert!(!compatible(&day, &next));
    }
}
