//! Source ingestion: turning an article file into a clean, structured [`Source`].
//!
//! Each file format has its own reader (`text` for page dumps, `html` for saved pages,
//! `md` for markdown), which finds the article's blocks and metadata in its own way;
//! all of them then run the blocks through the same rules (`body`, `lines`), so
//! boilerplate, disclosures, bylines, datelines and FAQ sections are treated alike
//! whatever the format. A sidecar `<id>.toml` then overrides or adds metadata the text
//! does not state. Everything dropped as boilerplate is kept in [`Extracted::removed`]
//! so `briefing source inspect` can show it.

mod add;
mod body;
mod dates;
mod fields;
mod gate;
mod html;
mod lines;
mod md;
mod scan;
mod text;

pub use add::{AddedSource, add_source, is_valid_id};
pub use dates::{DateOrder, Found, find_dates, machine_date};

use crate::date::PartialDate;
use crate::diagnostic::{Diagnostic, Problem};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::ops::Range;
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

impl SourceKind {
    /// The kind as a reader sees it: "Primary", "Reporting"...
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Primary => "Primary",
            SourceKind::Reporting => "Reporting",
            SourceKind::Analysis => "Analysis",
            SourceKind::Opinion => "Opinion",
        }
    }
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
    /// The editor's word that the article states no date at all, so its missing date
    /// is known and not worth a warning (set in the sidecar: `undated = true`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undated: bool,
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
            undated: sidecar.undated || self.undated,
        }
    }
}

/// A problem a reader found in an article, and where, when it can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What is wrong.
    pub problem: Problem,
    /// Byte range in the file.
    pub at: Option<Range<usize>>,
}

impl Finding {
    /// The finding as a diagnostic about `path`, whose text is `text`.
    fn diagnostic(self, path: &Path, text: &str, error: bool) -> Diagnostic {
        let diagnostic = match error {
            true => Diagnostic::error(path, self.problem),
            false => Diagnostic::warning(path, self.problem),
        };
        match self.at {
            Some(at) => diagnostic.at(text, at),
            None => diagnostic,
        }
    }
}

/// What a reader extracted from one article file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Metadata the text states.
    pub meta: SourceMeta,
    /// The cleaned body.
    pub blocks: Vec<Block>,
    /// Question and answer pairs from an FAQ section.
    pub faq: Vec<FaqEntry>,
    /// Every date the text states.
    pub dates: Vec<StatedDate>,
    /// Lines dropped as boilerplate (navigation, share prompts, related links...).
    pub removed: Vec<String>,
    /// What the reader could not read with certainty (ambiguous or relative dates...).
    pub findings: Vec<Finding>,
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
pub const SOURCE_EXTENSIONS: &[&str] = &["txt", "html", "htm", "md", "markdown"];

/// The largest article file read, in bytes. A saved page bigger than this is mostly
/// images or scripts, and reading it would slow every build.
pub const MAX_SOURCE_BYTES: u64 = 20 * 1024 * 1024;

/// Reads an article's text according to its file extension; `order` reads numeric
/// dates. An error is a front matter that does not parse.
pub fn extract(
    extension: &str,
    text: &str,
    order: Option<DateOrder>,
) -> Result<Extracted, Finding> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match extension.to_ascii_lowercase().as_str() {
        "txt" => Ok(text::extract(text, order)),
        "html" | "htm" => Ok(html::extract(text, order)),
        "md" | "markdown" => md::extract(text, order),
        other => Err(Finding {
            problem: Problem::UnsupportedSource {
                extension: other.to_string(),
            },
            at: None,
        }),
    }
}

/// Reads an article file's bytes, refusing one larger than [`MAX_SOURCE_BYTES`]
/// before reading it.
pub fn read_article(path: &Path) -> Result<Vec<u8>, Problem> {
    let io = |error: std::io::Error| Problem::Io {
        message: error.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let too_large = |size| Problem::SourceTooLarge {
        size,
        limit: MAX_SOURCE_BYTES,
    };
    if size > MAX_SOURCE_BYTES {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    match bytes.len() as u64 > MAX_SOURCE_BYTES {
        true => Err(too_large(bytes.len() as u64)),
        false => Ok(bytes),
    }
}

/// The article's text, or why it has none: empty, binary, or not UTF-8 (an error at
/// the first bad byte; articles are not read lossily, since quotes must match them).
pub fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    let error = |problem| Diagnostic::error(path, problem);
    // Binary formats are told by a NUL byte early on, as git and ripgrep do.
    if let Some(offset) = memchr::memchr(0, &bytes[..bytes.len().min(8192)]) {
        let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
        return Err(error(match utf16 {
            true => Problem::NotUtf8 { offset: 0 },
            false => Problem::BinarySource { offset },
        }));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        error(Problem::NotUtf8 { offset }).at(before, offset..offset)
    })?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(error(Problem::EmptySource));
    }
    Ok(text)
}

/// Reads one article from its bytes: the extraction, and the warnings about it
/// (ambiguous dates, no body text...) naming `path`.
pub fn read(
    path: &Path,
    bytes: &[u8],
    order: Option<DateOrder>,
) -> Result<(Extracted, Vec<Diagnostic>), Diagnostic> {
    let text = decode(path, bytes)?;
    // Positions are counted as editors count them: after the byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let mut extracted =
        extract(extension, text, order).map_err(|f| f.diagnostic(path, text, true))?;
    if extracted.blocks.is_empty() {
        extracted.findings.push(Finding {
            problem: Problem::NoBodyText,
            at: None,
        });
    }
    let warnings = std::mem::take(&mut extracted.findings)
        .into_iter()
        .map(|f| f.diagnostic(path, text, false))
        .collect();
    Ok((extracted, warnings))
}

/// What `briefing source inspect` shows: the article at `path` read on its own (no
/// sidecar), with every warning, including the metadata it does not state.
pub fn inspect(
    path: &Path,
    order: Option<DateOrder>,
) -> Result<(Extracted, Vec<Diagnostic>), Diagnostic> {
    let bytes = read_article(path).map_err(|p| Diagnostic::error(path, p))?;
    let (extracted, mut warnings) = read(path, &bytes, order)?;
    warnings.extend(missing_metadata(path, &extracted.meta));
    Ok((extracted, warnings))
}

/// An extraction as `source inspect --format json` prints it: `title`, `publisher`,
/// `author`, `published`, `updated`, `url` (a string or null), `blocks` (`kind`:
/// heading, paragraph or list_item; a dateline counts as a paragraph), `faq`, `notes`,
/// `dates` and `removed`.
pub fn to_json(extracted: &Extracted) -> serde_json::Value {
    let meta = &extracted.meta;
    let date = |d: Option<PartialDate>| d.map(|d| d.to_string());
    let blocks: Vec<serde_json::Value> = extracted
        .blocks
        .iter()
        .map(|b| serde_json::json!({ "kind": b.kind.name(), "text": b.text }))
        .collect();
    serde_json::json!({
        "title": meta.title,
        "publisher": meta.publisher,
        "author": meta.author,
        "published": date(meta.published),
        "updated": date(meta.updated),
        "url": meta.url,
        "blocks": blocks,
        "faq": extracted.faq,
        "notes": meta.notes,
        "dates": extracted.dates,
        "removed": extracted.removed,
    })
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
            .map(|b| format!("{:<9} {}", b.kind.name(), b.text))
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

impl BlockKind {
    /// The kind's name in JSON: `heading`, `paragraph` or `list_item`. A dateline is a
    /// paragraph of the page that happens to state its date.
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::Paragraph | BlockKind::Dateline => "paragraph",
            BlockKind::ListItem => "list_item",
        }
    }
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
    order: Option<DateOrder>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Source, Vec<Diagnostic>> {
    let (extracted, warnings) = read(&file.path, &file.bytes, order).map_err(|d| vec![d])?;
    diagnostics.extend(warnings);
    let sidecar = match &file.sidecar {
        Some((path, text)) => crate::toml_file::parse::<SourceMeta>(path, text, 0..text.len())
            .map_err(|diagnostic| vec![diagnostic])?,
        None => SourceMeta::default(),
    };
    let meta = extracted.meta.overridden_by(sidecar);
    diagnostics.extend(missing_metadata(&file.path, &meta));
    Ok(Source {
        id: file.id(),
        path: file.path.clone(),
        meta,
        blocks: extracted.blocks,
        dates: extracted.dates,
    })
}

/// Warnings for a title or date that neither the article nor its sidecar gives (a
/// sidecar may declare the article `undated`), and for a sidecar that declares a dated
/// article undated.
fn missing_metadata(path: &Path, meta: &SourceMeta) -> Vec<Diagnostic> {
    let sidecar = path.with_extension("toml");
    let warn = |what: &str, key: &str| {
        Diagnostic::warning(
            path,
            Problem::MissingMetadata {
                what: what.to_string(),
                key: key.to_string(),
                sidecar: sidecar.display().to_string(),
            },
        )
    };
    let mut warnings = Vec::new();
    if meta.title.is_none() {
        warnings.push(warn("title", "title"));
    }
    let dated = meta.published.is_some() || meta.updated.is_some();
    if !dated && !meta.undated {
        warnings.push(warn("publication date", "published"));
    }
    if dated && meta.undated {
        warnings.push(Diagnostic::warning(
            &sidecar,
            Problem::Ingestion {
                message: "`undated = true`, but the article has a date; keep one of the two"
                    .to_string(),
            },
        ));
    }
    warnings
}

#[cfg(test)]
mod undated_tests {
    use super::*;

    fn warnings(meta: SourceMeta) -> Vec<Diagnostic> {
        missing_metadata(Path::new("content/sources/a.txt"), &meta)
    }

    #[test]
    fn an_article_without_a_date_is_worth_a_warning_unless_declared_undated() {
        let titled = SourceMeta {
            title: Some("T".into()),
            ..SourceMeta::default()
        };
        let missing = warnings(titled.clone());
        assert_eq!(missing.len(), 1);
        assert!(
            missing[0]
                .problem
                .help()
                .unwrap_or_default()
                .contains("undated = true"),
            "{missing:?}"
        );
        let undated = SourceMeta {
            undated: true,
            ..titled
        };
        assert!(warnings(undated).is_empty());
    }

    #[test]
    fn an_undated_article_with_a_date_is_a_contradiction_in_the_sidecar() {
        let both = SourceMeta {
            title: Some("T".into()),
            published: "2026-04-28".parse().ok(),
            undated: true,
            ..SourceMeta::default()
        };
        let found = warnings(both);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].to_string().starts_with("content/sources/a.toml"),
            "{found:?}"
        );
    }
}
