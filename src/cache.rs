//! What one build can hand to the next, so that a rebuild after one edit does only the
//! work the edit calls for.
//!
//! `serve` and `watch` keep a [`BuildCache`] between builds ([`BuildCache::for_rebuilds`]);
//! a one-off `build` starts with an empty one ([`BuildCache::new`]). Every stage still
//! runs on every build (there is one pipeline); the cache only lets a stage skip work
//! whose inputs are unchanged. What changed is what the watcher reports
//! ([`BuildCache::invalidate`]): nothing is re-read or compared to find out.
//!
//! - [`FileCache`]: the text of the briefing's editor files (`site.toml`, `briefing.md`,
//!   sidecars...). Folders are still listed on every build, so created and deleted
//!   files are always seen.
//! - [`SourceCache`]: each source's ingestion, by article path, so one edited markdown
//!   file reads and ingests no source. The articles' bytes are not kept.
//! - [`QuoteCache`]: where each source's quotes were found, while the source and the
//!   quotes asked of it are the same.
//! - [`TemplateCache`]: the compiled Tera templates, kept while the theme's template
//!   texts are unchanged.
//! - [`PageMemo`]: each rendered page with a key of everything it was rendered from, so
//!   that only pages whose inputs changed are rendered again (kept only by
//!   [`BuildCache::for_rebuilds`]: a one-off build holds no page longer than writing
//!   it takes).

use crate::diagnostic::Diagnostic;
use crate::ingest::Source;
use crate::quote::QuoteHit;
use crate::resolve::SourceEntry;
use crate::theme::Theme;
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use xxhash_rust::xxh3::Xxh3;

/// Caches kept from one build to the next.
#[derive(Default)]
pub struct BuildCache {
    /// Editor files read by the load stage.
    pub files: FileCache,
    /// Ingested sources.
    pub sources: SourceCache,
    /// Quotes found in sources.
    pub quotes: QuoteCache,
    /// Compiled templates.
    pub templates: TemplateCache,
    /// The git history.
    pub history: HistoryCache,
    /// Rendered pages.
    pub pages: PageMemo,
}

impl BuildCache {
    /// An empty cache for one build: it reads and computes everything, and keeps no
    /// rendered page.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty cache for a series of builds (`serve`, `watch`): it also keeps each
    /// build's rendered pages for the next.
    pub fn for_rebuilds() -> Self {
        BuildCache {
            pages: PageMemo::keeping(),
            ..Self::default()
        }
    }

    /// Forgets what was read from `paths` (relative to the briefing's root), and from
    /// every file under those of them that are folders, so the next build reads them
    /// again. A source is forgotten when its article or its sidecar changed.
    pub fn invalidate<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        for path in paths {
            let known = self.files.contents.remove(path).is_some();
            let article = self.sources.entries.remove(path).is_some();
            // A sidecar's article, whatever its kind.
            let sidecar = path.extension().is_some_and(|e| e == "toml")
                && crate::ingest::SOURCE_EXTENSIONS.iter().any(|ext| {
                    self.sources
                        .entries
                        .remove(&path.with_extension(ext))
                        .is_some()
                });
            if !(known || article || sidecar) {
                // Perhaps a folder (renamed, deleted): forget everything under it.
                self.files
                    .contents
                    .retain(|file, _| !file.starts_with(path));
                self.sources
                    .entries
                    .retain(|article, _| !article.starts_with(path));
            }
        }
    }

    /// Forgets every file read and every source ingested, for when the watcher lost
    /// track of what changed. The other caches stay: their keys name their inputs.
    pub fn forget_files(&mut self) {
        self.files = FileCache::default();
        self.sources.entries.clear();
    }
}

/// Editor files' contents by path (relative to the briefing's root).
#[derive(Default)]
pub struct FileCache {
    contents: HashMap<PathBuf, Arc<[u8]>>,
}

impl FileCache {
    /// The bytes of `root/relative`, read from disk unless already known.
    pub fn read(&mut self, root: &Path, relative: &Path) -> io::Result<Arc<[u8]>> {
        if let Some(bytes) = self.contents.get(relative) {
            return Ok(Arc::clone(bytes));
        }
        let bytes: Arc<[u8]> = std::fs::read(root.join(relative))?.into();
        self.contents
            .insert(relative.to_path_buf(), Arc::clone(&bytes));
        Ok(bytes)
    }
}

/// What ingesting one source gave: the source or its errors, and its warnings.
/// The source is shared with every build's [`crate::parse::Site`] rather than copied.
pub type Ingested = (Result<Arc<Source>, Vec<Diagnostic>>, Vec<Diagnostic>);

/// Ingested sources by article path. An entry stands until the watcher reports its
/// article or sidecar changed ([`BuildCache::invalidate`]).
#[derive(Default)]
pub struct SourceCache {
    entries: HashMap<PathBuf, Ingested, xxhash_rust::xxh3::Xxh3DefaultBuilder>,
    /// The date order the entries were read with (site.toml's `date_order`).
    date_order: Option<crate::ingest::DateOrder>,
}

impl SourceCache {
    /// Forgets every entry if they were read with another date order than `order`.
    pub fn keep_only_for(&mut self, order: Option<crate::ingest::DateOrder>) {
        if self.date_order != order {
            self.entries.clear();
            self.date_order = order;
        }
    }

    /// The ingestion of the article at `path`, if it is known and unchanged.
    pub fn get(&self, path: &Path) -> Option<&Ingested> {
        self.entries.get(path)
    }

    /// Remembers the ingestion of the article at `path`.
    pub fn insert(&mut self, path: PathBuf, ingested: Ingested) {
        self.entries.insert(path, ingested);
    }

    /// Drops the entries of sources that are no longer there: all but `present`, every
    /// one of which has an entry.
    pub fn retain_paths<'p>(&mut self, present: impl ExactSizeIterator<Item = &'p Path>) {
        // As many entries as sources: none is stale (the usual rebuild, with thousands).
        if self.entries.len() == present.len() {
            return;
        }
        let present: HashSet<&Path> = present.collect();
        self.entries
            .retain(|path, _| present.contains(path.as_path()));
    }
}

/// Where each source's quotes were found, by source id, with the source and the
/// normalized quotes they were searched for. A rebuild after an edit that leaves a
/// source and its quotes as they were searches nothing in it.
#[derive(Default)]
pub struct QuoteCache {
    entries: HashMap<String, QuoteSearch>,
}

/// One source's quotes and where they were found.
struct QuoteSearch {
    /// The source searched; compared by address, which this keeps from being reused.
    source: Arc<Source>,
    quotes: Vec<String>,
    hits: Vec<Option<QuoteHit>>,
}

impl QuoteCache {
    /// The hits of `quotes` (normalized) in `source`, if these very quotes were searched
    /// for in this very source before.
    pub fn get<'q>(
        &self,
        source: &Arc<Source>,
        quotes: impl ExactSizeIterator<Item = &'q str>,
    ) -> Option<&[Option<QuoteHit>]> {
        let search = self.entries.get(&source.id)?;
        let same_quotes = search.quotes.len() == quotes.len()
            && search.quotes.iter().zip(quotes).all(|(a, b)| a == b);
        (Arc::ptr_eq(&search.source, source) && same_quotes).then_some(search.hits.as_slice())
    }

    /// Remembers where `quotes` were found in `source`.
    pub fn insert(
        &mut self,
        source: &Arc<Source>,
        quotes: Vec<String>,
        hits: Vec<Option<QuoteHit>>,
    ) {
        let search = QuoteSearch {
            source: Arc::clone(source),
            quotes,
            hits,
        };
        self.entries.insert(source.id.clone(), search);
    }

    /// Drops the entries of sources that are not in `ids`.
    pub fn retain_ids(&mut self, ids: &HashSet<&str>) {
        self.entries.retain(|id, _| ids.contains(id.as_str()));
    }
}

/// Rendered pages by path (and parts of pages, such as the appendix's entries, by a
/// name of their own), each with the key it was rendered with: a hash of every input
/// (see [`crate::render`]). Output whose key is unchanged is taken from here instead of
/// being rendered, as the very same buffer.
#[derive(Default)]
pub struct PageMemo {
    /// Whether pages are kept for the next build at all.
    keep: bool,
    /// The pages of the last successful render, and of the ones before it that were
    /// reused since.
    kept: HashMap<String, Kept, xxhash_rust::xxh3::Xxh3DefaultBuilder>,
    /// The pages this render made, as they come (from many threads).
    made: Mutex<Vec<(String, u128, Bytes)>>,
    /// The sources of the last render: keys name sources by address, and these keep
    /// their addresses from being taken by other sources.
    pinned: Vec<Arc<Source>>,
    /// Whole pages taken from the memo in this render.
    reused: AtomicUsize,
}

/// A page in the memo.
struct Kept {
    key: u128,
    bytes: Bytes,
    /// Whether this render took it: a page no render takes is a page gone.
    taken: AtomicBool,
}

impl PageMemo {
    /// A memo that keeps pages from one render to the next.
    pub fn keeping() -> PageMemo {
        PageMemo {
            keep: true,
            ..PageMemo::default()
        }
    }

    /// Whether pages are kept: if not, there is no point in working out their keys.
    pub fn keeps(&self) -> bool {
        self.keep
    }

    /// Starts a render.
    pub fn begin(&mut self) {
        self.made
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        for kept in self.kept.values_mut() {
            *kept.taken.get_mut() = false;
        }
        *self.reused.get_mut() = 0;
    }

    /// The output named `name` (a page's path, or a part of a page), if the last render
    /// made it with the same `key`.
    pub fn get(&self, name: &str, key: u128) -> Option<Bytes> {
        let kept = self.kept.get(name).filter(|kept| kept.key == key)?;
        kept.taken.store(true, Ordering::Relaxed);
        Some(kept.bytes.clone())
    }

    /// The output named `name` as the last render made it with the same `key`, or as
    /// `make` makes it now (and then kept for the next render); and whether it came
    /// from the memo. Without a key it is always made, and kept nowhere. Debug builds
    /// make it anyway and check that it is the same, so that a key missing an input
    /// fails the tests rather than serving a stale page.
    pub fn remember<E>(
        &self,
        name: &str,
        key: Option<u128>,
        make: impl Fn() -> Result<Vec<u8>, E>,
    ) -> Result<(Bytes, bool), E> {
        if let Some(bytes) = key.and_then(|key| self.get(name, key)) {
            if cfg!(debug_assertions) {
                let fresh = make()?;
                assert!(
                    fresh == bytes[..],
                    "the render memo reused a stale {name}: its key misses an input"
                );
            }
            return Ok((bytes, true));
        }
        let bytes = Bytes::from(make()?);
        if let Some(key) = key {
            self.put(name, key, &bytes);
        }
        Ok((bytes, false))
    }

    /// Counts a whole page taken from the memo.
    pub fn count_reused_page(&self) {
        self.reused.fetch_add(1, Ordering::Relaxed);
    }

    /// Records the output named `name`, made with `key`, for the next render.
    pub fn put(&self, name: &str, key: u128, bytes: &Bytes) {
        if self.keep {
            self.made
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((name.to_string(), key, bytes.clone()));
        }
    }

    /// Ends a successful render of the site of `sources`: the pages it took or made
    /// are the ones to reuse next. Returns how many whole pages it reused.
    pub fn finish(&mut self, sources: &[Arc<Source>]) -> usize {
        if self.keep {
            self.kept.retain(|_, kept| *kept.taken.get_mut());
            let made = std::mem::take(self.made.get_mut().unwrap_or_else(PoisonError::into_inner));
            for (name, key, bytes) in made {
                let taken = AtomicBool::new(false);
                self.kept.insert(name, Kept { key, bytes, taken });
            }
            self.pinned = sources.to_vec();
        }
        *self.reused.get_mut()
    }
}

/// Feeds to `hasher` what a source and its appendix entry hold, for a key in the
/// [`PageMemo`]: the source by address (an unchanged source is the very same
/// ingestion, which the memo keeps from being freed), and the entry's number, back-links
/// and quotes. Not the source's index in the site: adding a source before it changes
/// nothing that its entry shows.
pub fn hash_source_entry(hasher: &mut Xxh3, source: &Arc<Source>, entry: &SourceEntry) {
    Arc::as_ptr(source).hash(hasher);
    entry.number.hash(hasher);
    for link in &entry.backlinks {
        (&link.page, &link.anchor).hash(hasher);
    }
    for quote in &entry.quotes {
        (&quote.text, &quote.anchor).hash(hasher);
        quote
            .hit
            .as_ref()
            .map(|hit| (hit.block, hit.range.start, hit.range.end))
            .hash(hasher);
    }
}

/// The briefing's git history (see [`crate::history`]), kept while git's record of
/// where `HEAD` has been is unchanged. Edits do not change the history, commits do; and
/// asking git costs a rebuild two processes and tens of milliseconds.
#[derive(Default)]
pub struct HistoryCache {
    /// Where git keeps the repository's state, once asked (`None` inside: no repository).
    git_dir: Option<Option<PathBuf>>,
    /// The history, and the state of `HEAD` and its reflog it was read at.
    kept: Option<(Option<crate::history::History>, GitStamp)>,
}

/// The modification time and size of `HEAD` and its reflog, where there are such files.
type GitStamp = Vec<Option<(std::time::SystemTime, u64)>>;

impl HistoryCache {
    /// The history of the briefing at `root`, read from git again only if `HEAD` has
    /// moved since (a commit, a checkout, a reset, a pull).
    pub fn get(&mut self, root: &Path) -> Option<&crate::history::History> {
        let git_dir = self
            .git_dir
            .get_or_insert_with(|| crate::history::git_dir(root))
            .clone()?;
        let stamp: GitStamp = ["HEAD", "logs/HEAD"]
            .iter()
            .map(|file| {
                let meta = std::fs::metadata(git_dir.join(file)).ok()?;
                Some((meta.modified().ok()?, meta.len()))
            })
            .collect();
        // Without a reflog, nothing tells a commit from none: ask git every time.
        let known = stamp.iter().all(Option::is_some);
        let fresh = self
            .kept
            .as_ref()
            .is_some_and(|(_, kept)| known && *kept == stamp);
        if !fresh {
            self.kept = Some((crate::history::History::from_git(root), stamp));
        }
        self.kept.as_ref().and_then(|(history, _)| history.as_ref())
    }
}

/// Compiled templates and the template texts they were compiled from.
#[derive(Default)]
pub struct TemplateCache {
    compiled: Option<Compiled>,
}

struct Compiled {
    /// [`Theme::templates`] as compiled.
    templates: Vec<(String, PathBuf, String)>,
    tera: tera::Tera,
}

impl TemplateCache {
    /// The theme's templates compiled, reusing the last compilation when the texts are
    /// the same.
    pub fn compile(&mut self, theme: &Theme) -> Result<&mut tera::Tera, Diagnostic> {
        let fresh = self
            .compiled
            .as_ref()
            .is_none_or(|compiled| compiled.templates != theme.templates);
        if fresh {
            self.compiled = None;
            self.compiled = Some(Compiled {
                tera: crate::render::compile(theme)?,
                templates: theme.templates.clone(),
            });
        }
        Ok(&mut self.compiled.as_mut().expect("compiled just above").tera)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BuildOptions;

    #[test]
    fn a_file_is_read_again_only_after_it_is_invalidated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let path = Path::new("content/briefing.md");
        std::fs::write(dir.path().join(path), "one").unwrap();
        let mut cache = BuildCache::new();
        assert_eq!(&*cache.files.read(dir.path(), path).unwrap(), b"one");
        std::fs::write(dir.path().join(path), "two").unwrap();
        assert_eq!(&*cache.files.read(dir.path(), path).unwrap(), b"one");
        cache.invalidate([Path::new("content")]);
        assert_eq!(&*cache.files.read(dir.path(), path).unwrap(), b"two");
    }

    /// A source's text: the river `did` something overnight.
    fn article(did: &str) -> String {
        format!(
            "Gauge report\n\nBy A. Writer\n\nApril 28, 2026\n\n\
             Officials said the river {did} overnight after the storm over the hills.\n"
        )
    }

    /// A briefing of one source in a temporary folder.
    fn briefing() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("sources")).unwrap();
        let files = [
            (
                "site.toml",
                "title = \"T\"\nbase_url = \"https://example.org/\"\n",
            ),
            (
                "briefing.md",
                "+++\ntitle = \"B\"\n+++\n\nIt rose [@gauge].\n",
            ),
            ("sources/gauge.txt", &article("rose two metres")),
        ];
        for (path, text) in files {
            std::fs::write(content.join(path), text.as_bytes()).unwrap();
        }
        dir
    }

    fn source_page(dir: &Path, cache: &mut BuildCache) -> String {
        let site = crate::build_in_memory_with(&BuildOptions::new(dir), cache).unwrap();
        let page = site
            .files
            .iter()
            .find(|f| f.path == "sources/gauge/index.html");
        String::from_utf8(page.unwrap().bytes.to_vec()).unwrap()
    }

    #[test]
    fn a_source_is_read_again_only_when_its_article_or_sidecar_is_named() {
        let dir = briefing();
        let mut cache = BuildCache::for_rebuilds();
        let sources = dir.path().join("content/sources");
        let write = |name: &str, text: &str| std::fs::write(sources.join(name), text).unwrap();
        assert!(source_page(dir.path(), &mut cache).contains("rose two metres"));
        write("gauge.toml", "title = \"Sidecar title\"\n");
        write("gauge.txt", &article("fell one metre"));
        cache.invalidate([Path::new("content/briefing.md")]);
        let page = source_page(dir.path(), &mut cache);
        assert!(page.contains("rose two metres") && !page.contains("Sidecar title"));
        cache.invalidate([Path::new("content/sources/gauge.toml")]);
        let page = source_page(dir.path(), &mut cache);
        assert!(page.contains("fell one metre") && page.contains("Sidecar title"));
        write("gauge.txt", &article("rose again"));
        cache.invalidate([Path::new("content/sources/gauge.txt")]);
        assert!(source_page(dir.path(), &mut cache).contains("rose again"));
    }

    #[test]
    fn a_one_off_build_keeps_no_page_and_a_rebuild_reuses_unchanged_ones() {
        let dir = briefing();
        let options = BuildOptions::new(dir.path());
        let mut once = BuildCache::new();
        crate::build_in_memory_with(&options, &mut once).unwrap();
        assert!(once.pages.kept.is_empty());
        let report = crate::build_in_memory_with(&options, &mut once)
            .unwrap()
            .report;
        assert_eq!(report.reused, 0);

        let mut kept = BuildCache::for_rebuilds();
        let first = crate::build_in_memory_with(&options, &mut kept).unwrap();
        let again = crate::build_in_memory_with(&options, &mut kept).unwrap();
        // Every page but the briefing, which is rendered every time.
        assert_eq!(again.report.reused, again.report.pages - 1);
        assert_eq!(first.files, again.files);
    }
}
