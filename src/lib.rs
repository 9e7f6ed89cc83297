//! `briefing` turns a folder of source articles and an editor's markdown into a static
//! briefing site: a briefing, a timeline, an FAQ and a source appendix in which every
//! claim links back to the words of a source.
//!
//! # Example
//!
//! ```no_run
//! let options = briefing::BuildOptions::new("my-briefing");
//! match briefing::build(&options) {
//!     Ok(report) => println!("{} pages", report.pages),
//!     Err(diagnostics) => diagnostics.iter().for_each(|d| eprintln!("{}", d.render(false))),
//! }
//! ```
//!
//! The build is one pipeline, each stage a module: [`load`] reads the files, [`parse`]
//! reads them into a model (with [`ingest`] for sources and [`markdown`] for editor
//! text), [`resolve`] numbers the citations and checks the quotes, [`render`] makes the
//! pages, and [`write`] swaps the new site into place. [`check`](mod@check) follows every link of
//! a site built in memory; [`init`] starts a new briefing; [`cache`] carries what one
//! build can reuse into the next, for [`watch`] and [`serve`].
#![deny(missing_docs)]

pub mod cache;
pub mod check;
pub mod citation;
pub mod cli;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod disclosure;
pub mod history;
pub mod ingest;
pub mod init;
pub mod links;
pub mod load;
pub mod markdown;
pub mod metadata;
pub mod parse;
pub mod provenance;
pub mod quote;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod site_files;
pub mod splice;
pub mod theme;
pub mod toml_file;
pub mod watch;
pub mod write;

use cache::BuildCache;
use diagnostic::{Diagnostic, Problem};
use render::OutputFile;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to build, and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The briefing's folder, holding `content/` (and perhaps `themes/`).
    pub root: PathBuf,
    /// Where to write the site; `root/public` when `None`.
    pub out: Option<PathBuf>,
    /// Overrides site.toml's `base_url` (for previews).
    pub base_url: Option<String>,
    /// Link to `index.html` explicitly, whatever site.toml says.
    pub portable: bool,
    /// Name stylesheets and scripts by a hash of their content (`style.<hash>.css`), so
    /// a deploy is never served a cached old one. `serve` turns it off: it sends no
    /// caching headers, and a stylesheet keeping its name can be swapped in place.
    pub fingerprint_assets: bool,
}

impl BuildOptions {
    /// Default options for the briefing at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            portable: false,
            fingerprint_assets: true,
        }
    }

    /// The output directory.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// A site built in memory, not yet written.
#[derive(Debug, Clone)]
pub struct BuiltSite {
    /// Every file of the site, sorted by path.
    pub files: Vec<OutputFile>,
    /// The path part of the URL the site is built for (`/repo/`, or `/`), where `serve`
    /// serves it.
    pub base_path: String,
    /// Figures about the build.
    pub report: BuildReport,
    /// The URL the site is built for, ending in `/`.
    pub base_url: String,
    /// The links the editor wrote, for finding the ones that are broken.
    pub editor_links: Vec<check::EditorLink>,
}

/// Figures about a successful build, and its warnings.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// HTML pages written.
    pub pages: usize,
    /// Pages of those the render memo had unchanged from the last build, rather than
    /// rendered (see [`cache::PageMemo`]).
    pub reused: usize,
    /// Sources in the appendix.
    pub sources: usize,
    /// Citations resolved (each source in a group counts once).
    pub citations: usize,
    /// Distinct quotes verified.
    pub quotes: usize,
    /// Warnings, which do not fail the build.
    pub warnings: Vec<Diagnostic>,
    /// Time taken.
    pub elapsed: Duration,
    /// Time taken by each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Builds the site in memory: load, parse, resolve, render. On failure, every
/// diagnostic found (errors and warnings) is returned.
pub fn build_in_memory(options: &BuildOptions) -> Result<BuiltSite, Vec<Diagnostic>> {
    build_in_memory_with(options, &mut BuildCache::new())
}

/// [`build_in_memory`], reusing what `cache` holds from earlier builds and leaving in it
/// what the next build may reuse.
pub fn build_in_memory_with(
    options: &BuildOptions,
    cache: &mut BuildCache,
) -> Result<BuiltSite, Vec<Diagnostic>> {
    let memory = write::InMemory::default();
    let built = build_into(options, cache, &memory)?;
    Ok(BuiltSite {
        files: memory.into_files(),
        base_path: built.base_path,
        report: built.report,
        base_url: built.base_url,
        editor_links: built.editor_links,
    })
}

/// What a build found out besides its files.
struct Built {
    base_path: String,
    report: BuildReport,
    base_url: String,
    editor_links: Vec<check::EditorLink>,
}

/// The pipeline: every file of the site goes to `sink` as soon as it is made.
fn build_into(
    options: &BuildOptions,
    cache: &mut BuildCache,
    sink: &dyn write::Sink,
) -> Result<Built, Vec<Diagnostic>> {
    let mut timer = StageTimer::start();
    let mut diagnostics = Vec::new();
    let stop = |diagnostics: &Vec<Diagnostic>| diagnostics.iter().any(Diagnostic::is_error);

    let content = load::load(
        &options.root,
        &mut cache.files,
        &mut cache.sources,
        &mut diagnostics,
    );
    let Some(content) = content.filter(|_| !stop(&diagnostics)) else {
        return Err(diagnostics);
    };
    timer.lap("load");
    let site = parse::parse(content, &mut cache.sources, &mut diagnostics);
    let Some(mut site) = site.filter(|_| !stop(&diagnostics)) else {
        return Err(diagnostics);
    };
    if let Some(url) = &options.base_url {
        site.config.set_base_url(url.clone());
    }
    timer.lap("parse");
    let resolved = resolve::resolve_with(&site, &mut cache.quotes, &mut diagnostics);
    if stop(&diagnostics) {
        return Err(diagnostics);
    }
    timer.lap("resolve");
    let provenance = provenance::analyze(&site, &resolved, &mut diagnostics);
    timer.lap("provenance");
    let theme = theme::Theme::load(&options.root, &site.config.theme).map_err(|d| vec![d])?;
    let links = links::LinkStyle {
        portable: options.portable || site.config.portable,
    };
    let last_updated = history::last_updated(&site, cache.history.get(&options.root));
    let tera = cache.templates.compile(&theme).map_err(|d| vec![d])?;
    let assets = theme.published_assets(options.fingerprint_assets);
    timer.lap("theme and history");
    cache.pages.begin();
    let renderer =
        render::Renderer::new(&site, &resolved, &provenance, &assets, tera, links.portable)
            .with_last_updated(last_updated.clone())
            .with_memo(&cache.pages, &theme);
    // The site files (briefing.json above all) are made while the pages render: the
    // briefing page is one long job, and leaves other threads free.
    let page_paths = renderer.page_paths();
    let (pages, others) = rayon::join(
        || renderer.render_pages(sink),
        || {
            site_files::site_files(
                &site,
                &resolved,
                &provenance,
                &page_paths,
                &last_updated,
                &cache.pages,
            )
        },
    );
    let pages = pages?;
    timer.lap("render pages and site files");
    let reused = cache.pages.finish(&site.sources);
    let assets = assets.into_iter().map(|asset| OutputFile {
        path: asset.path,
        bytes: asset.bytes.into(),
    });
    for file in others.into_iter().chain(assets) {
        let path = file.path.clone();
        sink.put(file)
            .map_err(|error| vec![render::write_error(&path, &error)])?;
    }
    timer.lap("write site files and assets");
    Ok(Built {
        base_url: site.config.base_url().to_string(),
        editor_links: check::editor_links(&site, links),
        base_path: site.config.base_path(),
        report: BuildReport {
            pages: pages.len(),
            reused,
            sources: site.sources.len(),
            citations: resolved.citation_count(),
            quotes: resolved.entries.iter().map(|e| e.quotes.len()).sum(),
            warnings: diagnostics,
            elapsed: timer.started.elapsed(),
            stages: timer.laps,
        },
    })
}

/// Times the stages of a build, for `build --timings`.
struct StageTimer {
    started: Instant,
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl StageTimer {
    fn start() -> StageTimer {
        let now = Instant::now();
        StageTimer {
            started: now,
            last: now,
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

/// Everything [`build`] validates, without writing anything, and a check of every
/// internal link and fragment of the rendered pages. Returns every diagnostic: errors,
/// then warnings.
pub fn check(options: &BuildOptions) -> Vec<Diagnostic> {
    let mut diagnostics = match build_in_memory(options) {
        Ok(site) => {
            let mut found = check::check_links(&site.files, &site.base_url, &site.editor_links);
            found.extend(site.report.warnings);
            found
        }
        Err(diagnostics) => diagnostics,
    };
    diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
    diagnostics
}

/// Builds the site and writes it to the output directory. On any error the previous
/// output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Vec<Diagnostic>> {
    build_with(options, &mut BuildCache::new())
}

/// [`build`], reusing what `cache` holds from earlier builds.
pub fn build_with(
    options: &BuildOptions,
    cache: &mut BuildCache,
) -> Result<BuildReport, Vec<Diagnostic>> {
    let started = Instant::now();
    let out = options.out_dir();
    if let Some(reason) = write::unsafe_output(&options.root, &out) {
        return Err(vec![Diagnostic::error(
            &out,
            Problem::UnsafeOutput { reason },
        )]);
    }
    let io_error = |error: std::io::Error| {
        vec![Diagnostic::error(
            &out,
            Problem::Io {
                message: format!("could not write the site: {error}"),
            },
        )]
    };
    // A failed build drops the staging directory, and the old output stays.
    let staging = write::Staging::create(&out).map_err(io_error)?;
    let built = build_into(options, cache, &staging)?;
    let swap_started = Instant::now();
    staging.commit().map_err(io_error)?;
    let mut report = built.report;
    report.stages.push(("swap", swap_started.elapsed()));
    report.elapsed = started.elapsed();
    Ok(report)
}
