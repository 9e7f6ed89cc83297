//! `content/site.toml`: the settings of one briefing site.

use crate::diagnostic::{Diagnostic, Problem};
use serde::Deserialize;
use std::path::Path;

/// How much of a source's text its archived page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceText {
    /// The whole cleaned text, quoted passages highlighted.
    #[default]
    Full,
    /// Only the paragraphs that hold a quoted passage.
    Quoted,
    /// No text: metadata and quotes only.
    None,
}

/// The settings in `content/site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown in every page's header.
    pub title: String,
    /// One sentence saying what the briefing is about.
    #[serde(default)]
    pub description: String,
    /// Where the site is published, e.g. `https://owner.github.io/repo/`.
    pub base_url: toml::Spanned<String>,
    /// The language of the content, as a BCP 47 tag.
    #[serde(default = "default_language")]
    pub language: String,
    /// The theme: `default` is built in; another name is read from `themes/<name>/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// A custom domain for GitHub Pages, written to `CNAME`.
    #[serde(default)]
    pub cname: Option<String>,
    /// Link to `.../index.html` explicitly, so the site works opened from disk.
    #[serde(default)]
    pub portable: bool,
    /// How much of each source's text its archived page may show.
    #[serde(default)]
    pub source_text: SourceText,
    /// How the sources write numeric dates (`08.05.2026`): `dmy` or `mdy`. Without
    /// it, such a date is a warning unless only one reading is a real date.
    #[serde(default)]
    pub date_order: Option<crate::ingest::DateOrder>,
}

fn default_language() -> String {
    "en".to_string()
}

fn default_theme() -> String {
    "default".to_string()
}

impl SiteConfig {
    /// Parses site.toml and checks `base_url`.
    pub fn parse(path: &Path, text: &str) -> Result<SiteConfig, Diagnostic> {
        let mut config: SiteConfig = crate::toml_file::parse(path, text, 0..text.len())?;
        let url = config.base_url.get_ref();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Diagnostic::error(
                path,
                Problem::Toml {
                    message: format!("base_url must be an absolute http(s) URL, like https://owner.github.io/repo/ (found `{url}`)"),
                },
            )
            .at(text, config.base_url.span()));
        }
        config.set_base_url(url.clone());
        Ok(config)
    }

    /// Replaces `base_url` (from `--base-url`), always ending it with `/`.
    pub fn set_base_url(&mut self, url: String) {
        let span = self.base_url.span();
        let url = if url.ends_with('/') {
            url
        } else {
            format!("{url}/")
        };
        self.base_url = toml::Spanned::new(span, url);
    }

    /// The absolute base URL, ending in `/`.
    pub fn base_url(&self) -> &str {
        self.base_url.get_ref()
    }

    /// The path part of the base URL, e.g. `/repo/` (or `/`).
    pub fn base_path(&self) -> String {
        let url = self.base_url();
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        match after_scheme.find('/') {
            Some(slash) => after_scheme[slash..].to_string(),
            None => "/".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SiteConfig, Diagnostic> {
        SiteConfig::parse(Path::new("content/site.toml"), text)
    }

    #[test]
    fn reads_the_base_path_of_a_project_site_and_a_custom_domain() {
        let config = parse("title = \"T\"\nbase_url = \"https://o.github.io/repo\"").unwrap();
        assert_eq!(config.base_url(), "https://o.github.io/repo/");
        assert_eq!(config.base_path(), "/repo/");
        let config = parse("title = \"T\"\nbase_url = \"https://example.org\"").unwrap();
        assert_eq!(config.base_path(), "/");
    }

    #[test]
    fn a_relative_base_url_is_an_error_at_its_value() {
        let error = parse("title = \"T\"\nbase_url = \"/repo/\"").unwrap_err();
        let location = error.location.unwrap();
        assert_eq!((location.position.line, location.position.column), (2, 12));
    }

    #[test]
    fn an_unknown_key_is_an_error_at_its_line() {
        let error =
            parse("title = \"T\"\nbase_url = \"https://x.org/\"\ntheem = \"dark\"").unwrap_err();
        assert_eq!(error.location.unwrap().position.line, 3);
    }
}
