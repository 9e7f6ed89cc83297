//! `briefing source add`: copying an article into `content/sources/` byte for byte, with
//! a sidecar holding what ingestion read from it, for the editor to review.

use super::{DateOrder, SOURCE_EXTENSIONS, SourceMeta, missing_metadata, read, read_article};
use crate::config::SiteConfig;
use crate::date::PartialDate;
use crate::diagnostic::{Diagnostic, Problem};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `source add` wrote.
#[derive(Debug, Clone)]
pub struct AddedSource {
    /// The new source's id, its citation key.
    pub id: String,
    /// The copied article, relative to the briefing's root.
    pub article: PathBuf,
    /// The sidecar written beside it, relative to the briefing's root.
    pub sidecar: PathBuf,
    /// Warnings about the article (no date found, an ambiguous date...).
    pub warnings: Vec<Diagnostic>,
}

/// Copies `file` into `root/content/sources/<id>.<ext>` and writes `<id>.toml` beside
/// it. The id is `id`, or else the publisher and date the article states
/// (`vela-2026-04-28`), or else the file's name. Nothing is overwritten: an existing
/// source with that id is an error, and nothing is written.
pub fn add_source(root: &Path, file: &Path, id: Option<&str>) -> Result<AddedSource, Diagnostic> {
    let order = date_order(root);
    let bytes = read_article(file).map_err(|p| Diagnostic::error(file, p))?;
    let (extracted, warnings) = read(file, &bytes, order)?;
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| SOURCE_EXTENSIONS.contains(&e.as_str()))
        .unwrap_or_default();
    let id = match id {
        Some(id) if is_valid_id(id) => id.to_string(),
        Some(id) => {
            return Err(Diagnostic::error(
                file,
                Problem::InvalidSourceId { id: id.to_string() },
            ));
        }
        None => default_id(&extracted.meta, file),
    };
    let sources = Path::new("content/sources");
    let article = sources.join(format!("{id}.{extension}"));
    let sidecar = sources.join(format!("{id}.toml"));
    let io = |path: &Path, error: std::io::Error| {
        Diagnostic::error(
            path,
            Problem::Io {
                message: error.to_string(),
            },
        )
    };
    std::fs::create_dir_all(root.join(sources)).map_err(|e| io(sources, e))?;
    if let Some(existing) = existing_source(&root.join(sources), &id) {
        let path = sources.join(existing);
        return Err(Diagnostic::error(
            file,
            Problem::SourceExists {
                id,
                path: path.display().to_string(),
            },
        ));
    }
    create_new(&root.join(&article), &bytes).map_err(|e| io(&article, e))?;
    let written = create_new(
        &root.join(&sidecar),
        sidecar_text(&article, &extracted.meta).as_bytes(),
    );
    if let Err(error) = written {
        let _ = std::fs::remove_file(root.join(&article));
        return Err(io(&sidecar, error));
    }
    let mut warnings = warnings;
    warnings.extend(missing_metadata(&article, &extracted.meta));
    Ok(AddedSource {
        id,
        article,
        sidecar,
        warnings,
    })
}

/// The date order site.toml names, if it can be read.
fn date_order(root: &Path) -> Option<DateOrder> {
    let path = Path::new("content/site.toml");
    let text = std::fs::read_to_string(root.join(path)).ok()?;
    SiteConfig::parse(path, &text).ok()?.date_order
}

/// Letters, digits, `-` and `_`: a file name and a citation key at once.
/// Whether `id` can be both a file name and a citation key (and a URL path segment):
/// letters, digits, `-` and `_`, not starting with `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

fn default_id(meta: &SourceMeta, file: &Path) -> String {
    let date = meta.published.or(meta.updated);
    let base = match (&meta.publisher, date) {
        (Some(publisher), Some(date)) => format!("{publisher} {date}"),
        _ => file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let slug = crate::markdown::slug(&base);
    match slug.as_str() {
        "section" if !base.to_lowercase().contains("section") => "source".to_string(),
        _ => slug,
    }
}

/// The name of a file in `dir` whose stem is `id`, whatever its extension.
fn existing_source(dir: &Path, id: &str) -> Option<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| Path::new(name).file_stem().is_some_and(|stem| stem == id))
        .collect();
    names.sort();
    names.into_iter().next()
}

fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The sidecar: every field with a comment saying what it is; a field the article does
/// not state is left commented out for the editor to fill in.
fn sidecar_text(article: &Path, meta: &SourceMeta) -> String {
    let string = |s: &Option<String>| {
        s.as_ref()
            .map(|s| toml::Value::String(s.clone()).to_string())
    };
    let date = |d: Option<PartialDate>| {
        d.map(|d| match d.precision() {
            "day" => d.to_string(),
            _ => format!("\"{d}\""),
        })
    };
    let mut text = format!(
        "# What `briefing source add` read from {}.\n\
         # Review every value against the article: what is set here overrides what the\n\
         # article states. A key left commented out was not found; set it if you know it.\n",
        article.display()
    );
    let fields = [
        ("The headline.", "title", string(&meta.title), "\"\""),
        (
            "The site or organisation that published it.",
            "publisher",
            string(&meta.publisher),
            "\"\"",
        ),
        ("Who wrote it.", "author", string(&meta.author), "\"\""),
        (
            "Where it was published.",
            "url",
            string(&meta.url),
            "\"https://\"",
        ),
        (
            "When it was first published: YYYY-MM-DD, YYYY-MM or YYYY.",
            "published",
            date(meta.published),
            "2026-01-31",
        ),
        (
            "When it was last updated.",
            "updated",
            date(meta.updated),
            "2026-01-31",
        ),
        (
            "What kind of writing it is: primary, reporting, analysis or opinion.",
            "kind",
            None,
            "\"reporting\"",
        ),
    ];
    for (comment, key, value, example) in fields {
        text.push_str(&format!("\n# {comment}\n"));
        match value {
            Some(value) => text.push_str(&format!("{key} = {value}\n")),
            None => text.push_str(&format!("# {key} = {example}\n")),
        }
    }
    text.push_str("\n# Remarks a reader should see beside the source.");
    if meta.notes.is_empty() {
        text.push('\n');
    } else {
        text.push_str(" The article's own disclosures are\n# shown anyway:\n");
        for note in &meta.notes {
            text.push_str(&format!("#   {}\n", toml::Value::String(note.clone())));
        }
    }
    text.push_str("# notes = [\"\"]\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sidecar_reads_back_as_the_metadata_it_was_made_from() {
        let meta = SourceMeta {
            title: Some("A \"quoted\" headline".into()),
            publisher: Some("Vela".into()),
            published: "2026-05".parse().ok(),
            updated: "2026-05-08".parse().ok(),
            notes: vec!["Partially drafted by AI.".into()],
            ..SourceMeta::default()
        };
        let text = sidecar_text(Path::new("content/sources/x.txt"), &meta);
        let read: SourceMeta = toml::from_str(&text).unwrap();
        assert_eq!(
            read,
            SourceMeta {
                notes: vec![],
                ..meta
            }
        );
    }

    #[test]
    fn ids_come_from_publisher_and_date_or_the_file_name() {
        let meta = SourceMeta {
            publisher: Some("Vela".into()),
            updated: "2026-04-28".parse().ok(),
            ..SourceMeta::default()
        };
        assert_eq!(
            default_id(&meta, Path::new("x/Page.html")),
            "vela-2026-04-28"
        );
        assert_eq!(
            default_id(&SourceMeta::default(), Path::new("x/My Article.txt")),
            "my-article"
        );
        assert!(is_valid_id("vela-2026-04-28") && !is_valid_id("../up") && !is_valid_id(""));
    }
}
