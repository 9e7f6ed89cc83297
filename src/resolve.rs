//! The third stage: citations resolved against the sources.
//!
//! Sources are numbered in order of first citation (reading order: briefing, timeline,
//! FAQ, pages), every citation gets an anchor for the appendix to link back to, and
//! every quote is checked against its source: all of one source's quotes in one pass
//! over its normalized text, sources in parallel.

use crate::cache::QuoteCache;
use crate::diagnostic::{Diagnostic, Problem};
use crate::parse::{FileId, Site};
use crate::quote::{self, QuoteHit, normalize};
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;

/// One cited source within a citation group, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedCitation {
    /// Index of the source in [`Site::sources`].
    pub source: usize,
    /// The source's number in the appendix (1-based).
    pub number: usize,
    /// The citation's own `id`, which the appendix links back to.
    pub anchor: String,
    /// Index of the quote in the source's [`SourceEntry::quotes`], for a quoted citation.
    pub quote: Option<usize>,
}

/// A place that cites a source: a page and the citation's anchor on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackLink {
    /// The page's output path (`""`, `"timeline/"`...).
    pub page: String,
    /// The citation's `id` on that page.
    pub anchor: String,
}

/// A passage quoted from a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedQuote {
    /// The quote as the editor first typed it.
    pub text: String,
    /// The highlight's `id` on the source's page.
    pub anchor: String,
    /// Where it is in the source's text (`None` only while the build is failing).
    pub hit: Option<QuoteHit>,
}

/// A source's entry in the appendix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    /// Index of the source in [`Site::sources`].
    pub source: usize,
    /// Its number (1-based), the number its citations show.
    pub number: usize,
    /// Every place that cites it, in reading order.
    pub backlinks: Vec<BackLink>,
    /// The passages quoted from it, in order of first quotation.
    pub quotes: Vec<UsedQuote>,
}

/// Citations resolved: numbers, anchors and verified quotes.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Each citation group's sources, keyed by the group's file and start offset.
    pub groups: HashMap<(FileId, usize), Vec<ResolvedCitation>>,
    /// The appendix: cited sources in order of first citation, then the uncited ones.
    pub entries: Vec<SourceEntry>,
    /// For each source (by index), its position in `entries`.
    pub entry_of_source: Vec<usize>,
}

impl Resolved {
    /// The appendix entry of source `source`.
    pub fn entry(&self, source: usize) -> &SourceEntry {
        &self.entries[self.entry_of_source[source]]
    }

    /// Gives `source` the next number: appends its appendix entry, returns its index.
    fn number(&mut self, source: usize) -> usize {
        self.entries.push(SourceEntry {
            source,
            number: self.entries.len() + 1,
            backlinks: Vec::new(),
            quotes: Vec::new(),
        });
        self.entries.len() - 1
    }

    /// The total number of citations (each cited source in a group counts once).
    pub fn citation_count(&self) -> usize {
        self.groups.values().map(Vec::len).sum()
    }
}

/// A quote's normalized text and the places that cite it, until it is searched for.
struct PendingQuote {
    normalized: String,
    places: Vec<(FileId, Range<usize>)>,
}

/// Resolves every citation of `site`, recording unknown ids and missing quotes.
pub fn resolve(site: &Site, diagnostics: &mut Vec<Diagnostic>) -> Resolved {
    resolve_with(site, &mut QuoteCache::default(), diagnostics)
}

/// [`resolve`], searching only sources whose quotes `quotes` does not already hold,
/// and leaving there what this build found.
pub fn resolve_with(
    site: &Site,
    quotes: &mut QuoteCache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Resolved {
    let ids: HashMap<&str, usize> = site
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut resolved = Resolved::default();
    // Each source's appendix entry, once it has one.
    let mut entry_of: Vec<Option<usize>> = vec![None; site.sources.len()];
    let mut pending: Vec<Vec<PendingQuote>> = site.sources.iter().map(|_| Vec::new()).collect();

    for (page, fragment) in site.fragments() {
        let file = &site.files[fragment.file];
        for group in &fragment.markdown.citations {
            let mut items = Vec::new();
            for citation in &group.items {
                let Some(&source) = ids.get(citation.id.as_str()) else {
                    let mut known: Vec<String> =
                        site.sources.iter().map(|s| s.id.clone()).collect();
                    known.sort();
                    diagnostics.push(
                        Diagnostic::error(
                            &file.path,
                            Problem::UnknownSource {
                                id: citation.id.clone(),
                                known,
                            },
                        )
                        .at(&file.text, citation.span.clone()),
                    );
                    continue;
                };
                let entry_index = *entry_of[source].get_or_insert_with(|| resolved.number(source));
                let entry = &mut resolved.entries[entry_index];
                let anchor = format!("cite-{}-{}", entry.number, entry.backlinks.len() + 1);
                entry.backlinks.push(BackLink {
                    page: page.clone(),
                    anchor: anchor.clone(),
                });
                let quote = citation.quote.as_ref().map(|typed| {
                    let normalized = normalize(typed);
                    let quotes = &mut pending[source];
                    let index = quotes
                        .iter()
                        .position(|q| q.normalized == normalized)
                        .unwrap_or_else(|| {
                            entry.quotes.push(UsedQuote {
                                text: typed.split_whitespace().collect::<Vec<_>>().join(" "),
                                anchor: format!("q{}", entry.quotes.len() + 1),
                                hit: None,
                            });
                            quotes.push(PendingQuote {
                                normalized,
                                places: Vec::new(),
                            });
                            quotes.len() - 1
                        });
                    quotes[index]
                        .places
                        .push((fragment.file, citation.span.clone()));
                    index
                });
                items.push(ResolvedCitation {
                    source,
                    number: entry.number,
                    anchor,
                    quote,
                });
            }
            resolved
                .groups
                .insert((fragment.file, group.span.start), items);
        }
    }
    number_uncited_sources(&mut resolved, entry_of);
    find_quotes(site, &mut resolved, &pending, quotes, diagnostics);
    resolved
}

fn number_uncited_sources(resolved: &mut Resolved, entry_of: Vec<Option<usize>>) {
    resolved.entry_of_source = entry_of
        .into_iter()
        .enumerate()
        .map(|(source, entry)| entry.unwrap_or_else(|| resolved.number(source)))
        .collect();
}

/// Searches every source for its quotes, in parallel, unless `cache` knows where they
/// are, and records the ones not found.
fn find_quotes(
    site: &Site,
    resolved: &mut Resolved,
    pending: &[Vec<PendingQuote>],
    cache: &mut QuoteCache,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Each source's hits, and whether they were searched for rather than remembered.
    let searched: Vec<(Vec<Option<QuoteHit>>, bool)> = pending
        .par_iter()
        .enumerate()
        .map(|(source, quotes)| {
            if quotes.is_empty() {
                return (Vec::new(), false);
            }
            let source = &site.sources[source];
            if let Some(hits) = cache.get(source, quotes.iter().map(|q| q.normalized.as_str())) {
                return (hits.to_vec(), false);
            }
            let normalized: Vec<String> = quotes.iter().map(|q| q.normalized.clone()).collect();
            let blocks: Vec<&str> = source.blocks.iter().map(|b| b.text.as_str()).collect();
            (quote::find_quotes(&blocks, &normalized), true)
        })
        .collect();
    let quoted = pending.iter().enumerate().filter(|(_, q)| !q.is_empty());
    cache.retain_ids(&quoted.map(|(s, _)| site.sources[s].id.as_str()).collect());
    let mut hits = Vec::with_capacity(searched.len());
    for (source, (source_hits, fresh)) in searched.into_iter().enumerate() {
        if fresh {
            let normalized = pending[source].iter().map(|q| q.normalized.clone());
            cache.insert(
                &site.sources[source],
                normalized.collect(),
                source_hits.clone(),
            );
        }
        hits.push(source_hits);
    }
    for (source, source_hits) in hits.into_iter().enumerate() {
        let entry_index = resolved.entry_of_source[source];
        for (index, hit) in source_hits.into_iter().enumerate() {
            let quote = &mut resolved.entries[entry_index].quotes[index];
            if hit.is_none() {
                for (file, span) in &pending[source][index].places {
                    let file = &site.files[*file];
                    diagnostics.push(
                        Diagnostic::error(
                            &file.path,
                            Problem::QuoteNotFound {
                                id: site.sources[source].id.clone(),
                                quote: quote.text.clone(),
                            },
                        )
                        .at(&file.text, span.clone()),
                    );
                }
            }
            quote.hit = hit;
        }
    }
}
