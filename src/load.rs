//! The first stage: finding and reading a briefing's files.
//!
//! Nothing is interpreted here beyond "is it UTF-8"; every file is read once and handed
//! on with its path relative to the briefing's root, which is how messages name it.
//! Source articles are only found here: each is read when the parse stage ingests it
//! ([`NewSource::read`]), in parallel, so a build never holds the bytes of thousands of
//! articles at once. Sources that the build cache holds ingested are not read at all
//! (see [`LoadedSource`]).

use crate::cache::{FileCache, SourceCache};
use crate::diagnostic::{Diagnostic, Problem};
use crate::ingest::{SOURCE_EXTENSIONS, SourceFile};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A text file of the briefing, read into memory.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// The path relative to the briefing's root, as messages show it.
    pub path: PathBuf,
    /// The file's contents.
    pub text: String,
}

/// Every input file of a briefing.
#[derive(Debug, Clone)]
pub struct Content {
    /// `content/site.toml`.
    pub site: TextFile,
    /// `content/briefing.md`.
    pub briefing: TextFile,
    /// `content/timeline.md`, if there is one.
    pub timeline: Option<TextFile>,
    /// `content/faq.md`, if there is one.
    pub faq: Option<TextFile>,
    /// `content/pages/*.md`, sorted by name.
    pub pages: Vec<TextFile>,
    /// `content/sources/*`, sorted by name.
    pub sources: Vec<LoadedSource>,
}

/// A source article found by the load stage.
#[derive(Debug, Clone)]
pub enum LoadedSource {
    /// New or changed, with its sidecar: to be read and ingested.
    New(NewSource),
    /// Neither it nor its sidecar changed since the [`SourceCache`] ingested it: not read.
    Cached(PathBuf),
}

impl LoadedSource {
    /// The article's path, relative to the briefing's root.
    pub fn path(&self) -> &Path {
        match self {
            LoadedSource::New(source) => &source.path,
            LoadedSource::Cached(path) => path,
        }
    }
}

/// A source article to read and ingest.
#[derive(Debug, Clone)]
pub struct NewSource {
    /// The article, relative to the briefing's root.
    pub path: PathBuf,
    /// Where to read it.
    location: PathBuf,
    /// The sidecar's path and text.
    pub sidecar: Option<(PathBuf, String)>,
}

impl NewSource {
    /// The article's bytes with its sidecar, or why they cannot be read: too large,
    /// unreadable, empty, binary or not UTF-8.
    pub fn read(&self) -> Result<SourceFile, Diagnostic> {
        let bytes = crate::ingest::read_article(&self.location)
            .map_err(|problem| Diagnostic::error(&self.path, problem))?;
        crate::ingest::decode(&self.path, &bytes)?;
        Ok(SourceFile {
            path: self.path.clone(),
            bytes: bytes.into(),
            sidecar: self.sidecar.clone(),
        })
    }
}

/// Reads the files under `root/content` (through `files`, which may know them already),
/// recording every problem in `diagnostics`, but no source that `sources` holds
/// ingested. `None` when a required file could not be read.
pub fn load(
    root: &Path,
    files: &mut FileCache,
    sources: &mut SourceCache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Content> {
    let mut read = |relative: &str, required: bool| {
        read_text(root, files, Path::new(relative), required, diagnostics)
    };
    let site = read("content/site.toml", true);
    // Ingestion depends on site.toml's date order: sources read with another are read
    // again. (A site.toml that does not parse fails the build in the parse stage.)
    if let Some(site) = &site {
        let config = crate::config::SiteConfig::parse(&site.path, &site.text);
        sources.keep_only_for(config.ok().and_then(|config| config.date_order));
    }
    let briefing = read("content/briefing.md", true);
    let timeline = read("content/timeline.md", false);
    let faq = read("content/faq.md", false);
    let pages = files_in(root, "content/pages")
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .filter_map(|path| read_text(root, files, &path, true, diagnostics))
        .collect();
    let sources = load_sources(root, files, sources, diagnostics);
    Some(Content {
        site: site?,
        briefing: briefing?,
        timeline,
        faq,
        pages,
        sources,
    })
}

fn read_text(
    root: &Path,
    files: &mut FileCache,
    relative: &Path,
    required: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<TextFile> {
    match files.read(root, relative) {
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Ok(text) => Some(TextFile {
                path: relative.to_path_buf(),
                text: text.to_string(),
            }),
            Err(error) => {
                let offset = error.valid_up_to();
                diagnostics.push(Diagnostic::error(relative, Problem::NotUtf8 { offset }));
                None
            }
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if required {
                diagnostics.push(Diagnostic::error(
                    relative,
                    Problem::MissingFile {
                        what: relative.display().to_string(),
                    },
                ));
            }
            None
        }
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                relative,
                Problem::Io {
                    message: error.to_string(),
                },
            ));
            None
        }
    }
}

/// Whether a file name is one that editors and tools leave beside the files they save
/// (hidden and lock files, swap files, backups, vim's `4913` write test) rather than
/// content. Such files are never read, and changes to them never trigger a rebuild.
pub fn is_editor_noise(name: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "~",
        ".swp",
        ".swo",
        ".swx",
        ".tmp",
        ".bak",
        ".bck",
        ".crswap",
        "___jb_tmp___",
        "___jb_old___",
    ];
    name.starts_with('.')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
}

/// The files directly in `root/dir`, relative to `root`, sorted; editor noise (see
/// [`is_editor_noise`]) is skipped.
fn files_in(root: &Path, dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join(dir))
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| !is_editor_noise(&entry.file_name().to_string_lossy()))
        .map(|entry| Path::new(dir).join(entry.file_name()))
        .collect();
    files.sort();
    files
}

fn load_sources(
    root: &Path,
    cache: &mut FileCache,
    known: &SourceCache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<LoadedSource> {
    let files = files_in(root, "content/sources");
    let is_sidecar = |path: &Path| path.extension().is_some_and(|e| e == "toml");
    let sidecars: HashSet<&Path> = files
        .iter()
        .map(PathBuf::as_path)
        .filter(|p| is_sidecar(p))
        .collect();
    // Sets, not scans of `sources`: a briefing may have thousands of sources.
    let mut ids: HashSet<String> = HashSet::new();
    let articles: Vec<&Path> = files
        .iter()
        .map(PathBuf::as_path)
        .filter(|path| !is_sidecar(path))
        .filter(|path| match check_article(path, &mut ids) {
            Ok(()) => true,
            Err(problem) => {
                diagnostics.push(Diagnostic::error(path, problem));
                false
            }
        })
        .collect();
    let mut sources = Vec::with_capacity(articles.len());
    for path in articles {
        if known.get(path).is_some() {
            sources.push(LoadedSource::Cached(path.to_path_buf()));
            continue;
        }
        let sidecar_path = path.with_extension("toml");
        let sidecar = sidecars
            .contains(sidecar_path.as_path())
            .then(|| read_text(root, cache, &sidecar_path, true, diagnostics))
            .flatten()
            .map(|file| (file.path, file.text));
        sources.push(LoadedSource::New(NewSource {
            path: path.to_path_buf(),
            location: root.join(path),
            sidecar,
        }));
    }
    let articles: HashSet<PathBuf> = sources
        .iter()
        .map(|s| s.path().with_extension("toml"))
        .collect();
    for sidecar in files.iter().filter(|p| is_sidecar(p)) {
        if !articles.contains(sidecar.as_path()) {
            diagnostics.push(Diagnostic::warning(
                sidecar,
                Problem::Ingestion {
                    message: "sidecar without an article of the same name; it is ignored"
                        .to_string(),
                },
            ));
        }
    }
    sources
}

/// Why the article at `path` cannot be a source, if it cannot: its kind of file, or its
/// id (the file stem), which must be valid and not among `ids`, the ids seen so far.
fn check_article(path: &Path, ids: &mut HashSet<String>) -> Result<(), Problem> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !SOURCE_EXTENSIONS.contains(&extension) {
        let extension = extension.to_string();
        return Err(Problem::UnsupportedSource { extension });
    }
    let id = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !crate::ingest::is_valid_id(&id) {
        return Err(Problem::InvalidSourceId { id });
    }
    if ids.contains(&id) {
        return Err(Problem::DuplicateSource { id });
    }
    ids.insert(id);
    Ok(())
}
