//! What one build can hand to the next, so that a rebuild after one edit does only the
//! work the edit calls for.
//!
//! `serve` and `watch` keep a [`BuildCache`] between builds; a one-off `build` starts
//! with an empty one. Every stage still runs on every build (there is one pipeline);
//! the cache only lets a stage skip work whose inputs are unchanged:
//!
//! - [`FileCache`]: the bytes of the briefing's files, until the watcher reports a path
//!   changed ([`BuildCache::invalidate`]). Folders are still listed on every build, so
//!   created and deleted files are always seen.
//! - [`SourceCache`]: each source's ingestion, keyed by path and checked against the
//!   article's bytes and sidecar, so one edited markdown file ingests nothing.
//! - [`TemplateCache`]: the compiled Tera templates, kept while the theme's template
//!   texts are unchanged.

use crate::diagnostic::Diagnostic;
use crate::ingest::{Source, SourceFile};
use crate::theme::Theme;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Caches kept from one build to the next.
#[derive(Default)]
pub struct BuildCache {
    /// File contents read by the load stage.
    pub files: FileCache,
    /// Ingested sources.
    pub sources: SourceCache,
    /// Compiled templates.
    pub templates: TemplateCache,
}

impl BuildCache {
    /// An empty cache: the next build reads and computes everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the contents of `paths` (relative to the briefing's root), and of every
    /// file under those of them that are folders, so the next build reads them again.
    pub fn invalidate<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        self.files.invalidate(paths);
    }

    /// Forgets every file read, for when the watcher lost track of what changed. The
    /// ingestion and template caches stay: they check their inputs themselves.
    pub fn forget_files(&mut self) {
        self.files = FileCache::default();
    }
}

/// File contents by path (relative to the briefing's root).
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

    /// The bytes of the articles `root/relative`, each read (with the size limit of
    /// [`crate::ingest::read_article`]) unless already known. Unknown ones are read in
    /// parallel: a briefing may have thousands.
    pub fn read_articles(
        &mut self,
        root: &Path,
        relatives: &[&Path],
    ) -> Vec<Result<Arc<[u8]>, crate::diagnostic::Problem>> {
        let read: Vec<_> = relatives
            .par_iter()
            .map(|relative| match self.contents.get(*relative) {
                Some(bytes) => Ok(Arc::clone(bytes)),
                None => crate::ingest::read_article(&root.join(relative)).map(Arc::from),
            })
            .collect();
        for (relative, bytes) in relatives.iter().zip(&read) {
            if let Ok(bytes) = bytes {
                self.contents
                    .entry(relative.to_path_buf())
                    .or_insert_with(|| Arc::clone(bytes));
            }
        }
        read
    }

    fn invalidate<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        let changed: HashSet<&Path> = paths.into_iter().collect();
        if changed.is_empty() {
            return;
        }
        self.contents
            .retain(|path, _| !path.ancestors().any(|p| changed.contains(p)));
    }
}

/// What ingesting one source gave: the source or its errors, and its warnings.
/// The source is shared with every build's [`crate::parse::Site`] rather than copied.
pub type Ingested = (Result<Arc<Source>, Vec<Diagnostic>>, Vec<Diagnostic>);

/// Ingested sources by article path, with the input they were ingested from.
#[derive(Default)]
pub struct SourceCache {
    entries: HashMap<PathBuf, (SourceFile, Ingested)>,
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

    /// The ingestion of `file`, if that exact article and sidecar were ingested before.
    pub fn get(&self, file: &SourceFile) -> Option<&Ingested> {
        let (input, ingested) = self.entries.get(&file.path)?;
        let same_bytes = Arc::ptr_eq(&input.bytes, &file.bytes) || input.bytes == file.bytes;
        (same_bytes && input.sidecar == file.sidecar).then_some(ingested)
    }

    /// Remembers the ingestion of `file`.
    pub fn insert(&mut self, file: &SourceFile, ingested: Ingested) {
        self.entries
            .insert(file.path.clone(), (file.clone(), ingested));
    }

    /// Drops the entries of sources that are no longer there.
    pub fn retain_paths(&mut self, present: &HashSet<&Path>) {
        self.entries
            .retain(|path, _| present.contains(path.as_path()));
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

    #[test]
    fn a_file_is_read_again_only_after_it_is_invalidated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/sources")).unwrap();
        let path = Path::new("content/sources/a.txt");
        std::fs::write(dir.path().join(path), "one").unwrap();
        let mut cache = BuildCache::new();
        assert_eq!(&*cache.files.read(dir.path(), path).unwrap(), b"one");
        std::fs::write(dir.path().join(path), "two").unwrap();
        assert_eq!(&*cache.files.read(dir.path(), path).unwrap(), b"one");
        cache.invalidate([Path::new("content/sources")]);
        assert_eq!(&*cache.files.read(dir.path(), path).unwrap(), b"two");
    }
}
