//! TOML reading with errors that point into the file (site.toml, sidecars, front matter).

use crate::diagnostic::{Diagnostic, Problem};
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::Path;

/// Parses `range` of `text` (the text of `path`) as TOML into `T`. A syntax error or a
/// wrong or unknown key becomes a diagnostic at its place in the file.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    range: Range<usize>,
) -> Result<T, Diagnostic> {
    toml::from_str(&text[range.clone()]).map_err(|error| {
        let span = error.span().map_or(range.start..range.start, |s| {
            (s.start + range.start)..(s.end + range.start)
        });
        Diagnostic::error(
            path,
            Problem::Toml {
                message: error.message().trim().to_string(),
            },
        )
        .at(text, span)
    })
}

/// The front matter of a markdown file, if it has one, and where its body starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    /// Byte range of the TOML between the `+++` lines, or `None` without front matter.
    pub toml: Option<Range<usize>>,
    /// Byte range of the markdown after the front matter.
    pub body: Range<usize>,
}

/// Finds the `+++` front matter at the start of `text`.
pub fn split_front_matter(path: &Path, text: &str) -> Result<FrontMatter, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    match fenced(text, start, "+++") {
        Fenced::Block { inner, body_start } => Ok(FrontMatter {
            toml: Some(inner),
            body: body_start..text.len(),
        }),
        Fenced::None => Ok(FrontMatter {
            toml: None,
            body: start..text.len(),
        }),
        Fenced::Unclosed => {
            Err(Diagnostic::error(path, Problem::UnclosedFrontMatter).at(text, start..start + 3))
        }
    }
}

/// What stands at the start of a text: a block between two `fence` lines, or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fenced {
    /// No opening fence line.
    None,
    /// An opening fence line and no closing one.
    Unclosed,
    /// The block: the bytes between the fence lines, and where the rest begins.
    Block {
        /// Byte range of the text between the fence lines.
        inner: Range<usize>,
        /// Byte offset just past the closing fence line.
        body_start: usize,
    },
}

/// Looks for a block opened at byte `start` of `text` by a line holding only `fence`
/// (`+++`, `---`) and closed by the next such line: front matter in TOML or YAML.
pub fn fenced(text: &str, start: usize, fence: &str) -> Fenced {
    let Some(after_open) = text[start..]
        .strip_prefix(fence)
        .and_then(|r| r.strip_prefix('\n').or(r.strip_prefix("\r\n")))
    else {
        return Fenced::None;
    };
    let inner_start = text.len() - after_open.len();
    let mut line_start = inner_start;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Fenced::Block {
                inner: inner_start..line_start,
                body_start: line_start + line.len(),
            };
        }
        line_start += line.len();
    }
    Fenced::Unclosed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_the_body() {
        let text = "+++\ntitle = \"T\"\n+++\nBody\n";
        let split = split_front_matter(Path::new("x.md"), text).unwrap();
        assert_eq!(&text[split.toml.unwrap()], "title = \"T\"\n");
        assert_eq!(&text[split.body], "Body\n");
    }

    #[test]
    fn a_file_without_front_matter_is_all_body() {
        let text = "## Heading\n";
        let split = split_front_matter(Path::new("x.md"), text).unwrap();
        assert_eq!((split.toml, split.body), (None, 0..text.len()));
    }

    #[test]
    fn an_unclosed_front_matter_is_an_error_at_line_one() {
        let error = split_front_matter(Path::new("x.md"), "+++\ntitle = 1\n").unwrap_err();
        assert_eq!(error.location.unwrap().position.line, 1);
    }

    #[test]
    fn toml_errors_point_into_the_file() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Doc {
            title: String,
        }
        let text = "+++\ntitle = \"ok\"\ntitel = 3\n+++\n";
        let split = split_front_matter(Path::new("x.md"), text).unwrap();
        let error = parse::<Doc>(Path::new("x.md"), text, split.toml.unwrap());
        let location = error.unwrap_err().location.unwrap();
        assert_eq!(location.position.line, 3, "{location:?}");
    }
}
