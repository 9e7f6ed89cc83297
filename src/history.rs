//! When each page was last updated: from git history where there is one, from the
//! content's own dates where there is not.
//!
//! A page's "last updated" date is the day (UTC) of the newest commit on the first-parent
//! history of `HEAD` that changed one of the files the page is made from: for a merged
//! pull request, the day it was merged. Only commits count, never the working tree or
//! the clock, so every checkout of one commit builds the same dates. A shallow clone
//! knows only part of the history and a tarball none; there, and for files git does not
//! track, the date falls back to the briefing's `updated` (or `published`) date, then to
//! `SOURCE_DATE_EPOCH`, and otherwise there is none.

use crate::date::PartialDate;
use crate::parse::Site;
use crate::render::source_page;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The last commit time (seconds since the epoch) of each file git knows under a root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    changed: HashMap<PathBuf, i64>,
}

impl History {
    /// Reads the history of `root/content` with git. `None` when there is no complete
    /// history to read: git missing, not a repository, a shallow clone, no commits.
    pub fn from_git(root: &Path) -> Option<History> {
        let shallow = git(root, &["rev-parse", "--is-shallow-repository"])?;
        if shallow.trim() != "false" {
            return None;
        }
        let log = git(
            root,
            &[
                "log",
                "--first-parent",
                "--diff-merges=first-parent",
                "--relative",
                "--name-only",
                "-z",
                "--format=%x01%ct",
                "--",
                "content",
            ],
        )?;
        Some(History::parse_log(&log))
    }

    /// Reads the output of `git log -z --name-only --format=%x01%ct`: a timestamp
    /// marked by `\x01`, then the names of the files that commit changed.
    fn parse_log(log: &str) -> History {
        let mut changed: HashMap<PathBuf, i64> = HashMap::new();
        let mut time = None;
        for token in log.split('\0').map(|t| t.trim_start_matches('\n')) {
            if let Some(stamp) = token.strip_prefix('\u{1}') {
                time = stamp.trim().parse().ok();
            } else if let (Some(time), false) = (time, token.is_empty()) {
                let entry = changed.entry(PathBuf::from(token)).or_insert(time);
                *entry = (*entry).max(time);
            }
        }
        History { changed }
    }

    /// The day the newest of `files` (paths relative to the root) was last committed.
    pub fn last_changed<'a>(
        &self,
        files: impl IntoIterator<Item = &'a Path>,
    ) -> Option<PartialDate> {
        files
            .into_iter()
            .filter_map(|file| self.changed.get(file))
            .max()
            .and_then(|&seconds| utc_day(seconds))
    }
}

/// Where git keeps the state of the repository holding `root` (its `.git` folder, or a
/// worktree's own folder under it), if `root` is in one.
pub fn git_dir(root: &Path) -> Option<PathBuf> {
    let dir = git(root, &["rev-parse", "--absolute-git-dir"])?;
    Some(PathBuf::from(dir.trim_end()))
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8(output.stdout).ok())
        .flatten()
}

/// The UTC calendar day of a Unix time.
pub fn utc_day(seconds: i64) -> Option<PartialDate> {
    let timestamp = jiff::Timestamp::from_second(seconds).ok()?;
    let date = jiff::tz::Offset::UTC.to_datetime(timestamp).date();
    PartialDate::ymd(i32::from(date.year()), date.month() as u8, date.day() as u8)
}

/// The day `SOURCE_DATE_EPOCH` names, when it is set to a Unix time.
pub fn source_date_epoch() -> Option<PartialDate> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()
        .and_then(utc_day)
}

/// Every page of the site (by its path: `""`, `"timeline/"`, `"sources/<id>/"`...) with
/// the content files it is made from.
pub fn page_inputs(site: &Site) -> Vec<(String, Vec<PathBuf>)> {
    let file = |id: usize| site.files[id].path.clone();
    let mut pages = vec![(String::new(), vec![file(site.briefing.body.file)])];
    if let Some(timeline) = &site.timeline {
        pages.push(("timeline/".into(), vec![file(timeline.intro.file)]));
    }
    if let Some(faq) = &site.faq {
        pages.push(("faq/".into(), vec![file(faq.intro.file)]));
    }
    for page in &site.pages {
        pages.push((format!("{}/", page.slug), vec![file(page.body.file)]));
    }
    let source_files = |source: &std::sync::Arc<crate::ingest::Source>| {
        [source.path.clone(), source.path.with_extension("toml")]
    };
    pages.push((
        "sources/".into(),
        site.sources.iter().flat_map(source_files).collect(),
    ));
    for source in &site.sources {
        pages.push((source_page(source), source_files(source).to_vec()));
    }
    pages
}

/// The "last updated" day of every page, by page path. Pages without one are left out.
pub fn last_updated(site: &Site, history: Option<&History>) -> BTreeMap<String, PartialDate> {
    let meta = &site.briefing.meta;
    let fallback = meta.updated.or(meta.published).or_else(source_date_epoch);
    page_inputs(site)
        .into_iter()
        .filter_map(|(page, files)| {
            let from_git = history.and_then(|h| h.last_changed(files.iter().map(PathBuf::as_path)));
            from_git.or(fallback).map(|date| (page, date))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_dated_by_its_newest_commit() {
        let log = "\u{1}1777000000\0\ncontent/faq.md\0content/briefing.md\0\u{1}1700000000\0\ncontent/faq.md\0";
        let history = History::parse_log(log);
        let faq = history.last_changed([Path::new("content/faq.md")]);
        assert_eq!(faq, utc_day(1_777_000_000));
        assert_eq!(
            history.last_changed([Path::new("content/timeline.md")]),
            None
        );
    }

    #[test]
    fn unix_times_become_utc_days() {
        assert_eq!(utc_day(0), PartialDate::ymd(1970, 1, 1));
        assert_eq!(utc_day(1_779_580_799), PartialDate::ymd(2026, 5, 23));
    }
}
