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
    "base.html", "source_entry.html", "briefing.html", "timeline.html", "faq.html",
    "sources.html", "source.html", "page.html", "404.html",
);

/// The built-in static files, published under `assets/`.
const ASSETS: &[(&str, &[u8])] = embedded!("static": "style.css", "briefing.js");

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
                Err(_) => (
                    PathBuf::from(format!("<built-in theme>/templates/{file}")),
                    builtin.to_vec(),
                ),
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
}
