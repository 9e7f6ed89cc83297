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

/// A `base_url` (in site.toml or from `--base-url`) that is not an absolute http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "base_url must be an absolute http(s) URL, like https://owner.github.io/repo/ (found `{0}`)"
)]
pub struct InvalidBaseUrl(pub String);

/// Checks a base URL: absolute http(s), with a host, without a query or fragment (the
/// site's paths are appended to it). Returns it as given.
pub fn parse_base_url(url: &str) -> Result<String, InvalidBaseUrl> {
    let invalid = || InvalidBaseUrl(url.to_string());
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(invalid)?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || url.contains(['?', '#']) || url.contains(char::is_whitespace) {
        return Err(invalid());
    }
    Ok(url.to_string())
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
    /// Who publishes the briefing, named in search-engine metadata; the title by default.
    #[serde(default)]
    pub publisher: Option<String>,
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
    /// What the briefing says when none of its sources is a primary source.
    #[serde(default = "default_no_primary_source_note")]
    pub no_primary_source_note: String,
}

fn default_no_primary_source_note() -> String {
    "None of the sources is a primary source such as a company statement or a filing: everything here is as reported by others.".to_string()
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
        let url = parse_base_url(config.base_url.get_ref()).map_err(|error| {
            Diagnostic::error(
                path,
                Problem::Toml {
                    message: error.to_string(),
                },
            )
            .at(text, config.base_url.span())
        })?;
        config.set_base_url(url);
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
        url_path(self.base_url()).to_string()
    }
}

/// The path part of an absolute URL, e.g. `/repo/` of `https://o.github.io/repo/`
/// (`/` when it has none).
pub fn url_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("/", |slash| &after_scheme[slash..])
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
    fn a_base_url_needs_a_scheme_and_a_host_and_no_query() {
        assert!(parse_base_url("https://example.org").is_ok());
        for bad in [
            "/repo/",
            "https:///repo/",
            "ftp://x.org/",
            "https://x.org/?a",
            "https://x.org/#f",
        ] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
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
