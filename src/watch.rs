//! Watching a briefing's files and calling for a rebuild when they change.
//!
//! `content/` and `themes/` are watched with notify; the output folder and editor noise
//! (swap files, backups, lock files: see [`crate::load::is_editor_noise`]) are never
//! looked at. [`Watcher::run`] merges the events of a burst (the several events of one
//! save, an atomic save's rename, a `git checkout`) and everything that arrives during
//! a rebuild into the next rebuild, so a change during a rebuild causes exactly one more.
//!
//! The wait is as short as a save allows: a rebuild starts once no event came for
//! [`QUIET`], unless a file is still being written (it was modified and not yet closed),
//! when it waits for the file to be closed, for at most [`UNFINISHED_WRITE`]. Saves
//! close their file within a millisecond or two, so an edit is rebuilt a few
//! milliseconds after it is saved, and a rebuild never reads a half-written file.
//!
//! When the system's native watcher cannot start (no inotify instances or watches left,
//! a file system without events), or when asked with `--poll`, the files are polled.

use crate::cache::BuildCache;
use crate::diagnostic::Diagnostic;
use crate::load::is_editor_noise;
use crate::{BuildOptions, BuildReport};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// How long the files must be quiet before a rebuild starts. The events of one save (an
/// atomic save's temporary file and rename, vim's backup dance) come microseconds apart;
/// a checkout's, a fraction of a millisecond apart.
pub const QUIET: Duration = Duration::from_millis(5);
/// How long to wait, at most, for a file that was modified to be closed, before
/// rebuilding anyway (native events only: polling sees no closing).
pub const UNFINISHED_WRITE: Duration = Duration::from_millis(250);
/// How long a burst may delay a rebuild, at most: files that never stop changing do
/// not stop the rebuilds.
const MAX_WAIT: Duration = Duration::from_millis(500);
/// How often the polling watcher looks at the files. It compares their contents, as
/// modification times are only compared to the second.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// What changed since the last rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The changed paths (created, modified, deleted, renamed from or to), relative to
    /// the briefing's root.
    pub paths: BTreeSet<PathBuf>,
    /// The watcher lost track of events: anything may have changed.
    pub rescan: bool,
}

impl Changes {
    fn merge(&mut self, other: Changes) {
        self.paths.extend(other.paths);
        self.rescan |= other.rescan;
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan
    }

    /// Makes `cache` forget what these changes make stale.
    pub fn invalidate(&self, cache: &mut BuildCache) {
        if self.rescan {
            cache.forget_files();
        } else {
            cache.invalidate(self.paths.iter().map(PathBuf::as_path));
        }
    }

    /// A few words naming what changed, for the terminal: `content/faq.md`,
    /// `content/faq.md and 3 more`.
    pub fn describe(&self) -> String {
        let mut paths = self.paths.iter();
        match (paths.next(), self.paths.len()) {
            (None, _) => "files".to_string(),
            (Some(first), 1) => first.display().to_string(),
            (Some(first), n) => format!("{} and {} more", first.display(), n - 1),
        }
    }
}

/// How the watcher learns of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The operating system's file events.
    Native,
    /// Looking at the files every [`POLL_INTERVAL`]; `fallback` says why native events
    /// could not be used, when they were not declined with `--poll`.
    Polling {
        /// The native watcher's error.
        fallback: Option<String>,
    },
}

impl std::fmt::Display for Mode {
    /// What the terminal says about the watcher.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Native => write!(f, "watching content/ and themes/"),
            Mode::Polling { fallback: None } => write!(f, "polling content/ and themes/"),
            Mode::Polling {
                fallback: Some(error),
            } => write!(
                f,
                "polling content/ and themes/ (file events are unavailable here: {error})"
            ),
        }
    }
}

/// How a build went, for the command line to print.
pub type Outcome<'a> = Result<&'a BuildReport, &'a [Diagnostic]>;

/// How many pages a rebuild rendered, of how many: `3 of 10012 pages rendered`.
pub fn rendered(report: &crate::BuildReport) -> String {
    format!(
        "{} of {} rendered",
        report.pages - report.reused,
        crate::cli::plural(report.pages, "page")
    )
}

/// `briefing watch`: builds the site into its output folder, then again after every
/// change, until Ctrl-C. A failed build leaves the output as it was. `report` prints
/// each build's diagnostics; one line per rebuild is printed here.
pub fn run_watch(
    options: &BuildOptions,
    poll: bool,
    mut report: impl FnMut(Outcome),
) -> Result<(), WatchError> {
    let out = options.out_dir();
    let watcher = Watcher::start(&options.root, Some(&out), poll)?;
    let mut cache = BuildCache::for_rebuilds();
    let mut build = |what: &str, cache: &mut BuildCache| {
        let started = Instant::now();
        let built = crate::build_with(options, cache);
        report(built.as_ref().map_err(Vec::as_slice));
        let elapsed = started.elapsed().as_millis();
        match built {
            Ok(report) => eprintln!(
                "{what}: built into {} in {elapsed} ms ({})",
                out.display(),
                rendered(&report)
            ),
            Err(diagnostics) => eprintln!(
                "{what}: build failed with {} in {elapsed} ms; {} was left as it was",
                crate::cli::plural(diagnostics.iter().filter(|d| d.is_error()).count(), "error"),
                out.display()
            ),
        }
    };
    build("First build", &mut cache);
    eprintln!("{}; Ctrl-C to stop", watcher.mode());
    watcher.run(|changes| {
        changes.invalidate(&mut cache);
        build(&format!("{} changed", changes.describe()), &mut cache);
    })?;
    eprintln!("Stopped.");
    Ok(())
}

enum Signal {
    Changed(Batch),
    Stop,
}

/// The relevant part of one file event.
#[derive(Debug, Default)]
struct Batch {
    changes: Changes,
    /// How the event leaves the writing of its paths.
    write: Write,
}

/// What an event says about files being written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Write {
    /// Nothing.
    #[default]
    Unknown,
    /// Their contents changed: more may come until they are closed.
    Begun,
    /// They were closed after writing, deleted or renamed away: their writing is over.
    Ended,
}

/// Which paths matter: under `content/` or `themes/` of the root, outside the output.
#[derive(Debug, Clone)]
struct Scope {
    root: PathBuf,
    excluded: Option<PathBuf>,
    /// Where `content/` really is when it is a symlink: events name the target.
    content_target: Option<PathBuf>,
}

impl Scope {
    /// `path` relative to the root, if a change to it can change the site.
    fn relevant(&self, path: &Path) -> Option<PathBuf> {
        if self
            .excluded
            .as_ref()
            .is_some_and(|out| path.starts_with(out))
        {
            return None;
        }
        let relative = match (path.strip_prefix(&self.root), &self.content_target) {
            (Ok(relative), _) => relative.to_path_buf(),
            (Err(_), Some(target)) => Path::new("content").join(path.strip_prefix(target).ok()?),
            (Err(_), None) => return None,
        };
        let mut components = relative.components();
        match components.next() {
            Some(Component::Normal(top)) if top == "content" || top == "themes" => {}
            _ => return None,
        }
        let noise = components.any(|c| match c {
            Component::Normal(name) => is_editor_noise(&name.to_string_lossy()),
            _ => true,
        });
        (!noise).then(|| relative.to_path_buf())
    }

    /// What `event` changed, if anything that matters.
    fn batch(&self, event: &Event) -> Batch {
        let write = match event.kind {
            EventKind::Modify(ModifyKind::Data(_)) => Write::Begun,
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => Write::Ended,
            // Reads (ours included: the build opens every file) are not changes.
            EventKind::Access(_) => return Batch::default(),
            _ => Write::Unknown,
        };
        let changes = Changes {
            paths: event
                .paths
                .iter()
                .filter_map(|p| self.relevant(p))
                .collect(),
            rescan: event.need_rescan(),
        };
        Batch { changes, write }
    }
}

/// The events of one burst, merged, and the files still being written.
#[derive(Default)]
struct Burst {
    changes: Changes,
    unfinished: HashSet<PathBuf>,
}

impl Burst {
    fn add(&mut self, batch: Batch) {
        match batch.write {
            Write::Begun => self.unfinished.extend(batch.changes.paths.iter().cloned()),
            Write::Ended => self
                .unfinished
                .retain(|path| !batch.changes.paths.contains(path)),
            Write::Unknown => {}
        }
        self.changes.merge(batch.changes);
    }

    /// How long to wait for the next event before the burst is over, in `mode`.
    fn quiet(&self, mode: &Mode) -> Duration {
        match (mode, self.unfinished.is_empty()) {
            (Mode::Native, false) => UNFINISHED_WRITE,
            _ => QUIET,
        }
    }
}

/// A running watcher of one briefing.
pub struct Watcher {
    watcher: Box<dyn notify::Watcher + Send>,
    root: PathBuf,
    themes_watched: bool,
    mode: Mode,
    receiver: Receiver<Signal>,
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The briefing's folder or `content/` could not be found.
    #[error("cannot watch {path}: {error}")]
    Path {
        /// The folder.
        path: PathBuf,
        /// What went wrong.
        error: std::io::Error,
    },
    /// Neither native events nor polling could be set up.
    #[error("cannot watch the files: {0}")]
    Notify(#[from] notify::Error),
    /// The Ctrl-C handler could not be installed.
    #[error("cannot handle Ctrl-C: {0}")]
    Signal(#[from] ctrlc::Error),
}

fn canonical(path: &Path) -> Result<PathBuf, WatchError> {
    path.canonicalize().map_err(|error| WatchError::Path {
        path: path.to_path_buf(),
        error,
    })
}

/// `path` made absolute and free of symlinks even when it does not exist yet.
fn canonical_or_planned(path: &Path) -> Option<PathBuf> {
    if let Ok(path) = path.canonicalize() {
        return Some(path);
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}

fn event_handler(scope: Scope, sender: Sender<Signal>) -> impl notify::EventHandler {
    move |result: notify::Result<Event>| {
        let batch = match result {
            Ok(event) => scope.batch(&event),
            // An overflowing queue or a watched folder gone: look at everything again.
            Err(_) => Batch {
                changes: Changes {
                    rescan: true,
                    ..Changes::default()
                },
                write: Write::Unknown,
            },
        };
        if !batch.changes.is_empty() {
            let _ = sender.send(Signal::Changed(batch));
        }
    }
}

impl Watcher {
    /// Starts watching the briefing at `root`, never looking inside `output`. Native
    /// events are used unless `poll` is set or they are unavailable.
    pub fn start(root: &Path, output: Option<&Path>, poll: bool) -> Result<Watcher, WatchError> {
        let root = canonical(root)?;
        let content = canonical(&root.join("content"))?;
        let scope = Scope {
            root: root.clone(),
            excluded: output.and_then(canonical_or_planned),
            content_target: (content != root.join("content")).then(|| content.clone()),
        };
        let (sender, receiver) = mpsc::channel();
        // Ctrl-C is handled from the start, before the first build prints anything, so
        // an interrupt that comes early still stops cleanly.
        let stop = sender.clone();
        ctrlc::set_handler(move || {
            let _ = stop.send(Signal::Stop);
        })?;
        let handler = || event_handler(scope.clone(), sender.clone());
        // Content recursively; the root itself only to notice `themes/` appearing.
        let watch_folders = |mut watcher: Box<dyn notify::Watcher + Send>| {
            watcher.watch(&content, RecursiveMode::Recursive)?;
            watcher.watch(&root, RecursiveMode::NonRecursive)?;
            notify::Result::Ok(watcher)
        };
        let native = || {
            let watcher: RecommendedWatcher =
                notify::Watcher::new(handler(), notify::Config::default())?;
            watch_folders(Box::new(watcher))
        };
        let polling = || {
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            watch_folders(Box::new(PollWatcher::new(handler(), config)?))
        };
        let (watcher, mode) = match (!poll).then(native) {
            Some(Ok(watcher)) => (watcher, Mode::Native),
            Some(Err(error)) => (
                polling()?,
                Mode::Polling {
                    fallback: Some(error.to_string()),
                },
            ),
            None => (polling()?, Mode::Polling { fallback: None }),
        };
        let mut watcher = Watcher {
            watcher,
            root,
            themes_watched: false,
            mode,
            receiver,
        };
        watcher.watch_themes();
        Ok(watcher)
    }

    /// Whether the watcher uses native events or polls.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    fn watch_themes(&mut self) {
        let themes = self.root.join("themes");
        if !self.themes_watched && themes.is_dir() {
            self.themes_watched = self
                .watcher
                .watch(&themes, RecursiveMode::Recursive)
                .is_ok();
        }
    }

    /// Calls `rebuild` with each coalesced batch of changes until Ctrl-C is pressed.
    pub fn run(mut self, mut rebuild: impl FnMut(&Changes)) -> Result<(), WatchError> {
        while let Some(changes) = self.next_changes() {
            self.watch_themes();
            rebuild(&changes);
        }
        Ok(())
    }

    /// Waits for a change, then gathers the rest of its burst. `None` on Ctrl-C.
    fn next_changes(&self) -> Option<Changes> {
        let Ok(Signal::Changed(first)) = self.receiver.recv() else {
            return None;
        };
        let started = Instant::now();
        let mut burst = Burst::default();
        burst.add(first);
        loop {
            let left = MAX_WAIT.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Some(burst.changes);
            }
            match self
                .receiver
                .recv_timeout(burst.quiet(&self.mode).min(left))
            {
                Ok(Signal::Changed(more)) => burst.add(more),
                Err(RecvTimeoutError::Timeout) => return Some(burst.changes),
                Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            root: PathBuf::from("/b"),
            excluded: Some(PathBuf::from("/b/content/out")),
            content_target: None,
        }
    }

    #[test]
    fn a_symlinked_content_folder_is_seen_under_its_target() {
        let scope = Scope {
            content_target: Some(PathBuf::from("/elsewhere/content")),
            ..scope()
        };
        assert_eq!(
            scope.relevant(Path::new("/elsewhere/content/briefing.md")),
            Some(PathBuf::from("content/briefing.md"))
        );
        assert_eq!(scope.relevant(Path::new("/elsewhere/other.md")), None);
    }

    #[test]
    fn content_and_themes_matter_and_nothing_else() {
        let scope = scope();
        let relevant = |p: &str| scope.relevant(Path::new(p));
        assert_eq!(
            relevant("/b/content/briefing.md"),
            Some(PathBuf::from("content/briefing.md"))
        );
        assert!(relevant("/b/themes/dark/templates/base.html").is_some());
        assert!(relevant("/b/content/sources").is_some());
        assert_eq!(relevant("/b/public/index.html"), None);
        assert_eq!(relevant("/b/target/debug/briefing"), None);
        assert_eq!(relevant("/b/content/out/index.html"), None);
        assert_eq!(relevant("/elsewhere/content/briefing.md"), None);
    }

    #[test]
    fn editor_swap_backup_and_lock_files_are_ignored() {
        let scope = scope();
        for noise in [
            "/b/content/.briefing.md.swp",
            "/b/content/briefing.md~",
            "/b/content/4913",
            "/b/content/.#briefing.md",
            "/b/content/#briefing.md#",
            "/b/content/sources/smtp.md0HlVyu.bck",
            "/b/content/.public.staging/index.html",
        ] {
            assert_eq!(scope.relevant(Path::new(noise)), None, "{noise}");
        }
    }

    #[test]
    fn changes_are_described_by_their_first_path() {
        let mut changes = Changes::default();
        changes.paths.insert("content/faq.md".into());
        assert_eq!(changes.describe(), "content/faq.md");
        changes.paths.insert("content/briefing.md".into());
        changes.paths.insert("content/timeline.md".into());
        assert_eq!(changes.describe(), "content/briefing.md and 2 more");
    }
}
