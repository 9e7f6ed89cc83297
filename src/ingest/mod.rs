//! Source ingestion: turning an article file into a clean, structured [`Source`].
//!
//! Each file format has its own reader (`.txt` page dumps today) producing an
//! [`Extracted`] article; a sidecar `<id>.toml` then overrides or adds metadata the text
//! does not state. Everything a reader drops as boilerplate is kept in
//! [`Extracted::removed`] so `briefing source inspect` can show it.

mod dates;
mod text;

pub use dates::find_dates;

use crate::date::PartialDate;
use crate::diagnostic::{Diagnostic, Problem};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What kind of writing a source is, as the editor classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A first-hand document: a company statement, a filing, a transcript.
    Primary,
    /// News reporting.
    Reporting,
    /// Analysis or explanation.
    Analysis,
    /// Opinion or commentary.
    Opinion,
}

/// The kind of a block of a source's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A section heading.
    Heading,
    /// A paragraph of text.
    Paragraph,
    /// One item of a list.
    ListItem,
    /// A line stating the article's date ("Updated Apr 28, 2026"): metadata, but
    /// words of the source that may be quoted.
    Dateline,
}

/// One block of a source's cleaned body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// Heading, paragraph, list item or dateline.
    pub kind: BlockKind,
    /// The block's text, as the source has it.
    pub text: String,
}

/// A date the text states, with the sentence it stands in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatedDate {
    /// The date, as precise as the text gives it.
    pub date: PartialDate,
    /// The sentence (or line) it was found in.
    pub text: String,
}

/// A question and answer pair from an FAQ section in the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaqEntry {
    /// The question.
    pub question: String,
    /// The answer's text.
    pub answer: String,
}

/// Metadata about a source: what the text states, overridden by its sidecar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceMeta {
    /// The article's headline.
    pub title: Option<String>,
    /// The site or organisation that published it.
    pub publisher: Option<String>,
    /// Who wrote it.
    pub author: Option<String>,
    /// Where it was published.
    pub url: Option<String>,
    /// When it was first published.
    pub published: Option<PartialDate>,
    /// When it was last updated.
    pub updated: Option<PartialDate>,
    /// Primary, reporting, analysis or opinion.
    pub kind: Option<SourceKind>,
    /// Disclosures and remarks a reader should see beside the source.
    #[serde(default)]
    pub notes: Vec<String>,
}

impl SourceMeta {
    /// `self` with every field `sidecar` sets taken from it; notes are appended.
    fn overridden_by(self, sidecar: SourceMeta) -> SourceMeta {
        let mut notes = self.notes;
        notes.extend(sidecar.notes);
        SourceMeta {
            title: sidecar.title.or(self.title),
            publisher: sidecar.publisher.or(self.publisher),
            author: sidecar.author.or(self.author),
            url: sidecar.url.or(self.url),
            published: sidecar.published.or(self.published),
            updated: sidecar.updated.or(self.updated),
            kind: sidecar.kind.or(self.kind),
            notes,
        }
    }
}

/// What a reader extracted from one article file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extracted {
    /// Metadata the text states.
    #[serde(flatten)]
    pub meta: SourceMeta,
    /// The cleaned body.
    pub blocks: Vec<Block>,
    /// Question and answer pairs from an FAQ section.
    pub faq: Vec<FaqEntry>,
    /// Every date the text states.
    pub dates: Vec<StatedDate>,
    /// Lines dropped as boilerplate (navigation, share prompts, related links...).
    pub removed: Vec<String>,
}

/// A source of the briefing: an article, cleaned, with its metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The citation key: the file's name without extension.
    pub id: String,
    /// The article file, relative to the briefing's root.
    pub path: PathBuf,
    /// Metadata, sidecar applied.
    pub meta: SourceMeta,
    /// The cleaned body.
    pub blocks: Vec<Block>,
    /// Every date the text states.
    pub dates: Vec<StatedDate>,
}

/// The file extensions a source may have.
pub const SOURCE_EXTENSIONS: &[&str] = &["txt"];

/// Reads an article's text according to its file extension.
pub fn extract(extension: &str, text: &str) -> Result<Extracted, Problem> {
    match extension {
        "txt" => Ok(text::extract(text)),
        other => Err(Problem::UnsupportedSource {
            extension: other.to_string(),
        }),
    }
}

/// `extracted` as a person reads it: metadata, then the body, then what was set aside.
pub fn describe(extracted: &Extracted) -> String {
    let meta = &extracted.meta;
    let field = |value: Option<String>| value.unwrap_or_else(|| "(not found)".to_string());
    let mut text = String::new();
    for (name, value) in [
        ("title", meta.title.clone()),
        ("publisher", meta.publisher.clone()),
        ("author", meta.author.clone()),
        ("published", meta.published.map(|d| d.to_string())),
        ("updated", meta.updated.map(|d| d.to_string())),
        ("url", meta.url.clone()),
    ] {
        text.push_str(&format!("{name:>10}: {}\n", field(value)));
    }
    let mut section = |title: &str, lines: Vec<String>| {
        text.push_str(&format!("\n{title} ({})\n", lines.len()));
        for line in lines {
            text.push_str(&format!("  {line}\n"));
        }
    };
    section("notes", meta.notes.clone());
    section(
        "body",
        extracted
            .blocks
            .iter()
            .map(|b| format!("{:<9} {}", format!("{:?}", b.kind).to_lowercase(), b.text))
            .collect(),
    );
    section(
        "faq",
        extracted
            .faq
            .iter()
            .map(|f| format!("Q: {}\n     A: {}", f.question, f.answer))
            .collect(),
    );
    section(
        "dates",
        extracted
            .dates
            .iter()
            .map(|d| format!("{}  {}", d.date, d.text))
            .collect(),
    );
    section("removed", extracted.removed.clone());
    text
}

/// An article file and, when there is one, its sidecar, as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The article, relative to the briefing's root.
    pub path: PathBuf,
    /// The article's bytes (shared with the build cache).
    pub bytes: std::sync::Arc<[u8]>,
    /// The sidecar's path and text.
    pub sidecar: Option<(PathBuf, String)>,
}

impl SourceFile {
    /// The citation key: the file stem.
    pub fn id(&self) -> String {
        self.path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Ingests one source: reads the article, applies the sidecar, and reports what is
/// missing. Errors are returned; warnings are pushed to `diagnostics`.
pub fn ingest(
    file: &SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Source, Vec<Diagnostic>> {
    let text = std::str::from_utf8(&file.bytes).map_err(|error| {
        vec![Diagnostic::error(
            &file.path,
            Problem::NotUtf8 {
                offset: error.valid_up_to(),
            },
        )]
    })?;
    let extension = file.path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let extracted =
        extract(extension, text).map_err(|problem| vec![Diagnostic::error(&file.path, problem)])?;
    let sidecar = match &file.sidecar {
        Some((path, text)) => crate::toml_file::parse::<SourceMeta>(path, text, 0..text.len())
            .map_err(|diagnostic| vec![diagnostic])?,
        None => SourceMeta::default(),
    };
    let meta = extracted.meta.overridden_by(sidecar);
    warn_about_missing_metadata(&file.path, &meta, diagnostics);
    Ok(Source {
        id: file.id(),
        path: file.path.clone(),
        meta,
        blocks: extracted.blocks,
        dates: extracted.dates,
    })
}

fn warn_about_missing_metadata(path: &Path, meta: &SourceMeta, diagnostics: &mut Vec<Diagnostic>) {
    let sidecar = path.with_extension("toml");
    let mut warn = |what: &str, key: &str| {
        diagnostics.push(Diagnostic::warning(
            path,
            Problem::Ingestion {
                message: format!(
                    "no {what} found in the text; set `{key}` in {} if it is known",
                    sidecar.display()
                ),
            },
        ))
    };
    if meta.title.is_none() {
        warn("title", "title");
    }
    if meta.published.is_none() && meta.updated.is_none() {
        warn("publication date", "published");
    }
}
