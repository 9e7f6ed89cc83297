//! Themes: the default one compiled into the binary, overridable file by file.
//!
//! A briefing needs no theme folder. A `themes/<name>/templates/<file>` in the briefing
//! replaces the built-in template of that name, and files in `themes/<name>/static/`
//! are published under `assets/` beside (or instead of) the built-in ones.

use crate::diagnostic::{Diagnostic, Problem};
use std::path::{Path, PathBuf};

macro_rules! embedded {
    ($kind:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../themes/default/", $kind, "/", $name)))),*]
    };
}

/// The built-in templates, by name.
const TEMPLATES: &[(&str, &[u8])] = embedded!("templates":
    "meta.html", "base.html", "source_entry.html", "briefing.html", "timeline.html", "faq.html",
    "sources.html", "source.html", "page.html", "404.html",
);

/// The built-in static files, published under `assets/`.
const ASSETS: &[(&str, &[u8])] = embedded!("static": "style.css", "briefing.js");

/// The built-in theme's files by their path in a theme folder (`templates/base.html`,
/// `static/style.css`), for copying out to customize.
pub fn builtin_files() -> impl Iterator<Item = (String, &'static [u8])> {
    let templates = TEMPLATES
        .iter()
        .map(|(n, b)| (format!("templates/{n}"), *b));
    let assets = ASSETS.iter().map(|(n, b)| (format!("static/{n}"), *b));
    templates.chain(assets)
}

/// A static file as published: its name in the theme, its path in the site, its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The file's name under the theme's `static/`, e.g. `style.css`.
    pub name: String,
    /// Its path in the built site, e.g. `assets/style.3f2a9c0d1b7e4a65.css`.
    pub path: String,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// The published path of a static file. Stylesheets and scripts carry a hash of their
/// contents in their name, so a browser or CDN never serves a stale copy after a deploy;
/// other files (images, fonts) keep their names, so the CSS that refers to them works.
pub fn asset_path(name: &str, bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let fingerprinted = name
        .rsplit_once('.')
        .filter(|(_, ext)| matches!(*ext, "css" | "js"));
    let Some((stem, extension)) = fingerprinted else {
        return format!("assets/{name}");
    };
    let digest = Sha256::digest(bytes);
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("assets/{stem}.{hash}.{extension}")
}

/// A theme's templates and static files, ready to use.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Template name, where it came from (for messages), and its text.
    pub templates: Vec<(String, PathBuf, String)>,
    /// File name under `assets/` and its bytes.
    pub assets: Vec<(String, Vec<u8>)>,
}

impl Theme {
    /// The theme `name` of the briefing at `root`: the built-in default with the files
    /// of `root/themes/name/` laid over it.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let folder = Path::new("themes").join(name);
        if name != "default" && !root.join(&folder).is_dir() {
            return Err(Diagnostic::error(
                "content/site.toml",
                Problem::MissingFile {
                    what: format!("theme folder {}", folder.display()),
                },
            ));
        }
        let mut templates = Vec::new();
        for (file, builtin) in TEMPLATES {
            let path = folder.join("templates").join(file);
            let (origin, bytes) = match std::fs::read(root.join(&path)) {
                Ok(bytes) => (path, bytes),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => (
                    PathBuf::from(format!("<built-in theme>/templates/{file}")),
                    builtin.to_vec(),
                ),
                Err(error) => {
                    let message = error.to_string();
                    return Err(Diagnostic::error(&path, Problem::Io { message }));
                }
            };
            let text = String::from_utf8(bytes).map_err(|e| {
                Diagnostic::error(
                    &origin,
                    Problem::NotUtf8 {
                        offset: e.utf8_error().valid_up_to(),
                    },
                )
            })?;
            templates.push((file.to_string(), origin, text));
        }
        let mut assets: Vec<(String, Vec<u8>)> = ASSETS
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        let static_dir = root.join(&folder).join("static");
        if !static_dir.is_dir() {
            return Ok(Theme { templates, assets });
        }
        for entry in walkdir::WalkDir::new(&static_dir)
            .min_depth(1)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                Diagnostic::error(
                    &folder,
                    Problem::Io {
                        message: e.to_string(),
                    },
                )
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry
                .path()
                .strip_prefix(&static_dir)
                .unwrap_or(entry.path());
            let name = name.to_string_lossy().replace('\\', "/");
            let bytes = std::fs::read(entry.path()).map_err(|e| {
                Diagnostic::error(
                    entry.path(),
                    Problem::Io {
                        message: e.to_string(),
                    },
                )
            })?;
            assets.retain(|(existing, _)| *existing != name);
            assets.push((name, bytes));
        }
        assets.sort();
        Ok(Theme { templates, assets })
    }

    /// The static files as they are published, by name; stylesheets and scripts named
    /// by their content when `fingerprint` is set.
    pub fn published_assets(&self, fingerprint: bool) -> Vec<Asset> {
        self.assets
            .iter()
            .map(|(name, bytes)| Asset {
                name: name.clone(),
                path: if fingerprint {
                    asset_path(name, bytes)
                } else {
                    format!("assets/{name}")
                },
                bytes: bytes.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheets_and_scripts_are_named_by_their_content() {
        let one = asset_path("style.css", b"body { color: red }");
        let two = asset_path("style.css", b"body { color: blue }");
        assert!(
            one.starts_with("assets/style.") && one.ends_with(".css"),
            "{one}"
        );
        assert_eq!(one.len(), "assets/style.0123456789abcdef.css".len());
        assert_ne!(one, two);
        assert_eq!(one, asset_path("style.css", b"body { color: red }"));
        assert!(asset_path("js/reload.js", b"x").starts_with("assets/js/reload."));
        assert_eq!(asset_path("logo.svg", b"<svg/>"), "assets/logo.svg");
    }
}
