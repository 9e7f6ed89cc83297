//! Problems found in a briefing's content, kept as data until they reach the user.
//!
//! Every stage records what it finds as a [`Diagnostic`] and goes on where it can, so
//! one build reports all problems at once. Only the edge of the program turns them into
//! text ([`Diagnostic::render`]) or JSON (they are `Serialize`).

use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A finding the editor has already acknowledged (e.g. a date conflict declared as
    /// a disagreement): reported, never fatal, not even with `--deny-warnings`.
    Note,
    /// Something to look at; the site is still built.
    Warning,
    /// The site cannot be built until it is fixed.
    Error,
}

/// What went wrong. Each kind knows its message and, where there is one, a hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)] // the fields are what the messages name
pub enum Problem {
    /// A required file is not there.
    #[error("{what} is missing")]
    MissingFile { what: String },
    /// A file could not be read or written.
    #[error("{message}")]
    Io { message: String },
    /// A file is not valid UTF-8.
    #[error("the file is not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 { offset: usize },
    /// TOML (site.toml, a sidecar or front matter) that does not parse or fit.
    #[error("{message}")]
    Toml { message: String },
    /// Front matter opened with `+++` but never closed.
    #[error("front matter starts with `+++` but has no closing `+++` line")]
    UnclosedFrontMatter,
    /// A citation names a source that does not exist.
    #[error("unknown source `{id}` in citation")]
    UnknownSource { id: String, known: Vec<String> },
    /// A quoted citation whose words are not in the source.
    #[error("quote not found in source `{id}`: \"{quote}\"")]
    QuoteNotFound { id: String, quote: String },
    /// A citation that opens like one (`[@`) but cannot be read.
    #[error("malformed citation: {reason}")]
    MalformedCitation { reason: String },
    /// A timeline heading that does not start with a date.
    #[error("timeline heading has no date: `{heading}`")]
    TimelineHeadingWithoutDate { heading: String },
    /// A date that is not ISO 8601 or does not exist.
    #[error("{0}")]
    InvalidDate(#[from] crate::date::InvalidDate),
    /// A page whose name is taken by one of the site's own pages.
    #[error(
        "a page may not be called `{name}`: the site uses that path itself, or it is not letters, digits, `-` and `_`"
    )]
    ReservedPage { name: String },
    /// Two source files share one id.
    #[error("two sources have the id `{id}`")]
    DuplicateSource { id: String },
    /// A source file whose kind of content is not read.
    #[error("unsupported source file type `.{extension}`")]
    UnsupportedSource { extension: String },
    /// Something the ingestion could not find in a source.
    #[error("{message}")]
    Ingestion { message: String },
    /// Sources cited for a timeline event state other dates for it.
    #[error("sources differ on the date of the event `{event}` ({event_date}): {}", describe_dates(.stated))]
    SourceConflict {
        event: String,
        event_date: String,
        /// Source id and the date it states.
        stated: Vec<(String, String)>,
    },
    /// A date a source states that no timeline event covers.
    #[error("source `{id}` states {date}, which no timeline event covers: \"{sentence}\"")]
    UncoveredDate {
        id: String,
        date: String,
        sentence: String,
    },
    /// A section resting on fewer sources than the briefing asks for.
    #[error(
        "the section `{section}` cites {count} source(s); the briefing asks for at least {required}"
    )]
    SingleSource {
        section: String,
        count: usize,
        required: usize,
    },
    /// An output folder the build must not replace.
    #[error("will not write the site to this folder: {reason}")]
    UnsafeOutput { reason: String },
    /// A template failed to compile or render.
    #[error("template error: {message}")]
    Template { message: String },
    /// A link of a page that leads to no file of the site.
    #[error("link to `{href}` on {page} leads to no page of the site")]
    BrokenLink { href: String, page: String },
    /// A link whose `#fragment` names no element of the page it leads to.
    #[error("link to `{href}` on {page}: the page it leads to has no element with id `{fragment}`")]
    BrokenFragment {
        href: String,
        page: String,
        fragment: String,
    },
    /// `init` was asked to write into a folder that already holds something.
    #[error("{dir} is not empty; `briefing init` only writes into a new or empty folder")]
    FolderNotEmpty { dir: String },
    /// A source file with no text in it.
    #[error("the article is empty")]
    EmptySource,
    /// A source file holding binary data rather than text.
    #[error("the file is binary, not text (a NUL byte at offset {offset})")]
    BinarySource { offset: usize },
    /// A source file too large to be one article.
    #[error("the file is {} MB, more than the {} MB an article may have", megabytes(*size), megabytes(*limit))]
    SourceTooLarge { size: u64, limit: u64 },
    /// Metadata the article does not state and no sidecar gives.
    #[error("no {what} found in the article; set `{key}` in {sidecar} if it is known")]
    MissingMetadata {
        what: String,
        key: String,
        sidecar: String,
    },
    /// A numeric date that reads as two different days.
    #[error("ambiguous date `{text}`: it reads as day-month or month-day, so it is not used")]
    AmbiguousDate { text: String },
    /// A date relative to a moment the text does not state.
    #[error("relative date `{text}` is not turned into a date")]
    RelativeDate { text: String },
    /// An article in which no body text was found.
    #[error("no article text found")]
    NoBodyText,
    /// A page's JSON-LD that does not parse.
    #[error("the page's JSON-LD does not parse ({message}); it is ignored")]
    BadJsonLd { message: String },
    /// YAML front matter that does not parse.
    #[error("{message}")]
    Yaml { message: String },
    /// `source add` would overwrite an existing source.
    #[error("a source with the id `{id}` already exists: {path}")]
    SourceExists { id: String, path: String },
    /// A source id that cannot be a file name and a citation key.
    #[error("`{id}` cannot be a source id")]
    InvalidSourceId { id: String },
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

impl Problem {
    /// A stable, machine-readable name for the kind of problem (used in JSON output).
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::MissingFile { .. } => "missing_file",
            Problem::Io { .. } => "io",
            Problem::NotUtf8 { .. } => "not_utf8",
            Problem::Toml { .. } => "toml",
            Problem::UnclosedFrontMatter => "unclosed_front_matter",
            Problem::UnknownSource { .. } => "unknown_source",
            Problem::QuoteNotFound { .. } => "quote_not_found",
            Problem::MalformedCitation { .. } => "malformed_citation",
            Problem::TimelineHeadingWithoutDate { .. } => "timeline_heading_without_date",
            Problem::InvalidDate(_) => "invalid_date",
            Problem::ReservedPage { .. } => "reserved_page",
            Problem::DuplicateSource { .. } => "duplicate_source",
            Problem::UnsupportedSource { .. } => "unsupported_source",
            Problem::Ingestion { .. } => "ingestion",
            Problem::SourceConflict { .. } => "source_conflict",
            Problem::UncoveredDate { .. } => "uncovered_date",
            Problem::SingleSource { .. } => "single_source",
            Problem::UnsafeOutput { .. } => "unsafe_output",
            Problem::Template { .. } => "template",
            Problem::BrokenLink { .. } => "broken_link",
            Problem::BrokenFragment { .. } => "broken_fragment",
            Problem::FolderNotEmpty { .. } => "folder_not_empty",
            Problem::EmptySource => "empty_source",
            Problem::BinarySource { .. } => "binary_source",
            Problem::SourceTooLarge { .. } => "source_too_large",
            Problem::MissingMetadata { .. } => "missing_metadata",
            Problem::AmbiguousDate { .. } => "ambiguous_date",
            Problem::RelativeDate { .. } => "relative_date",
            Problem::NoBodyText => "no_body_text",
            Problem::BadJsonLd { .. } => "bad_json_ld",
            Problem::Yaml { .. } => "yaml",
            Problem::SourceExists { .. } => "source_exists",
            Problem::InvalidSourceId { .. } => "invalid_source_id",
        }
    }

    /// What the editor can do about it.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            Problem::UnknownSource { known, .. } if known.is_empty() => {
                "add the article to content/sources/; its file name (without extension) is its id"
                    .to_string()
            }
            Problem::UnknownSource { known, .. } => format!(
                "known sources: {}; a source's id is its file name in content/sources/ without extension",
                known.join(", ")
            ),
            Problem::QuoteNotFound { .. } => "quote the source's exact words (whitespace, quote marks and dashes may differ); check `sources/<id>/` in the built site for the source's cleaned text".to_string(),
            Problem::TimelineHeadingWithoutDate { .. } => {
                "start each event heading with an ISO date and a dash or colon: `## 2026-04-27 — What happened` (or `2026-04`, `2030`; a hyphen needs spaces around it)".to_string()
            }
            Problem::ReservedPage { .. } => "rename the file in content/pages/".to_string(),
            Problem::MissingMetadata { key, .. } if key == "published" => {
                "if the article states no date at all, say so in its sidecar with `undated = true`".to_string()
            }
            Problem::SourceConflict { .. } => "check the sources; if they really differ, declare it in briefing.md's [[disagreements]] with each source's words".to_string(),
            Problem::UncoveredDate { .. } => "add a timeline event for it if it matters to the story".to_string(),
            Problem::SingleSource { .. } => "cite a second source for this section, or lower `corroboration` in briefing.md".to_string(),
            Problem::BrokenLink { .. } => "write a page of this site as a site path such as `/faq/` or `/sources/#source-ID`: it is made relative, so it works under any base_url".to_string(),
            Problem::BrokenFragment { .. } => "timeline events, FAQ questions and headings have ids made from their text; see the built page for the exact ids".to_string(),
            Problem::FolderNotEmpty { .. } => "name a new folder: `briefing init my-briefing`".to_string(),
            Problem::UnclosedFrontMatter => "end the front matter with a line holding only `+++`".to_string(),
            Problem::MalformedCitation { .. } => {
                "write citations as [@id] or [@id \"exact words\"]; several as [@a; @b]".to_string()
            }
            Problem::NotUtf8 { .. } => "save the file as UTF-8, e.g. `iconv -f windows-1252 -t utf-8 OLD > NEW`".to_string(),
            Problem::EmptySource => "paste the article's text into the file, or delete it".to_string(),
            Problem::BinarySource { .. } => "a source is an article saved as .txt, .html or .md".to_string(),
            Problem::SourceTooLarge { .. } => "save the article alone: copy its text into a .txt file, or save the page as \"HTML only\", without images".to_string(),
            Problem::AmbiguousDate { .. } => "name the order of numeric dates in content/site.toml: `date_order = \"dmy\"` (or \"mdy\")".to_string(),
            Problem::RelativeDate { .. } => "set `published` or `updated` in the source's sidecar .toml".to_string(),
            Problem::NoBodyText => "check that the file holds the article; a page that builds its text with JavaScript must be saved after it has loaded, or its text copied into a .txt file".to_string(),
            Problem::SourceExists { .. } => "choose another id with --id, or remove the existing source first".to_string(),
            Problem::InvalidSourceId { .. } => "use letters, digits, `-` and `_`, e.g. vela-2026-04-28".to_string(),
            Problem::MissingFile { what } if what.contains("site.toml") => {
                "create content/site.toml with at least `title` and `base_url`, or run `briefing build --root DIR` from the briefing's folder".to_string()
            }
            _ => return None,
        })
    }
}

fn describe_dates(stated: &[(String, String)]) -> String {
    stated
        .iter()
        .map(|(id, date)| format!("`{id}` says {date}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`. Offsets past the end point just past it.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where in a file a diagnostic points, with the line's text for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Line and column of the start.
    #[serde(flatten)]
    pub position: Position,
    /// The whole line the problem starts on.
    #[serde(skip)]
    pub line_text: String,
    /// The highlighted byte range within `line_text`.
    #[serde(skip)]
    pub highlight: Range<usize>,
}

impl Location {
    /// The location of `span` (byte offsets) in `text`.
    pub fn of_span(text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let end = span
            .end
            .clamp(start, line_end)
            .min(line_start + line_text.len());
        Location {
            position: Position::of_offset(text, start),
            highlight: (start - line_start)..(end - line_start).max(start - line_start),
            line_text,
        }
    }
}

/// One problem, in one file, perhaps at one place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the briefing's root where possible.
    pub file: PathBuf,
    /// Where in the file, when the problem has a place.
    pub location: Option<Box<Location>>,
    /// What went wrong.
    pub problem: Problem,
}

impl Diagnostic {
    /// An error about a whole file.
    pub fn error(file: impl Into<PathBuf>, problem: Problem) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            location: None,
            problem,
        }
    }

    /// A warning about a whole file.
    pub fn warning(file: impl Into<PathBuf>, problem: Problem) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, problem)
        }
    }

    /// Points the diagnostic at `span` (byte offsets) of the file's `text`.
    pub fn at(mut self, text: &str, span: Range<usize>) -> Self {
        self.location = Some(Box::new(Location::of_span(text, span)));
        self
    }

    /// The same diagnostic with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Whether this diagnostic fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as a compiler would print it: the message, `file:line:column`,
    /// the offending line with the place marked, and a hint.
    pub fn render(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let message = self.problem.to_string();
        let path = self.file.display().to_string();
        let help = self.problem.help();
        let title = level.primary_title(&message);
        let mut report = vec![match &self.location {
            Some(location) => title.element(
                Snippet::source(&location.line_text)
                    .line_start(location.position.line)
                    .path(&path)
                    .annotation(AnnotationKind::Primary.span(location.highlight.clone())),
            ),
            None => title.element(annotate_snippets::Origin::path(&path)),
        }];
        // A note is a finding already acknowledged: it needs no advice.
        if let Some(help) = help.as_ref().filter(|_| self.severity != Severity::Note) {
            report.push(Group::with_title(Level::HELP.secondary_title(help)));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report).to_string()
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `file:line:column: severity: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(location) = &self.location {
            write!(
                f,
                ":{}:{}",
                location.position.line, location.position.column
            )?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(f, ": {severity}: {}", self.problem)
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut item = serializer.serialize_struct("Diagnostic", 7)?;
        item.serialize_field("severity", &self.severity)?;
        item.serialize_field("file", &self.file)?;
        item.serialize_field("line", &self.location.as_ref().map(|l| l.position.line))?;
        item.serialize_field("column", &self.location.as_ref().map(|l| l.position.column))?;
        item.serialize_field("kind", self.problem.kind())?;
        item.serialize_field("message", &self.problem.to_string())?;
        item.serialize_field("help", &self.problem.help())?;
        item.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_on_every_line() {
        let text = "ab\ncd\n";
        assert_eq!(
            Position::of_offset(text, 0),
            Position { line: 1, column: 1 }
        );
        assert_eq!(
            Position::of_offset(text, 1),
            Position { line: 1, column: 2 }
        );
        assert_eq!(
            Position::of_offset(text, 3),
            Position { line: 2, column: 1 }
        );
        assert_eq!(
            Position::of_offset(text, 6),
            Position { line: 3, column: 1 }
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "“quote” [@x]";
        let offset = text.find("[@").unwrap();
        assert_eq!(
            Position::of_offset(text, offset),
            Position { line: 1, column: 9 }
        );
    }

    #[test]
    fn a_location_keeps_its_line_and_highlight() {
        let text = "first\nsee [@nope] here\n";
        let start = text.find("[@").unwrap();
        let location = Location::of_span(text, start..start + 7);
        assert_eq!(location.line_text, "see [@nope] here");
        assert_eq!(location.highlight, 4..11);
        assert_eq!(location.position, Position { line: 2, column: 5 });
    }

    #[test]
    fn renders_file_line_and_column_like_a_compiler() {
        let text = "see [@nope] here\n";
        let diagnostic = Diagnostic::error(
            "content/briefing.md",
            Problem::UnknownSource {
                id: "nope".into(),
                known: vec!["a".into()],
            },
        )
        .at(text, 4..11);
        let rendered = diagnostic.render(false);
        assert!(rendered.contains("content/briefing.md:1:5"), "{rendered}");
        assert!(rendered.contains("unknown source `nope`"), "{rendered}");
        assert_eq!(
            diagnostic.to_string(),
            "content/briefing.md:1:5: error: unknown source `nope` in citation"
        );
    }
}
