//! The site as the server holds it: the built files with what answering needs
//! (content type, a hash for the ETag), and the state a request sees ([`Snapshot`]).

use super::live;
use crate::render::OutputFile;
use bytes::Bytes;
use rayon::prelude::*;
use std::sync::Arc;

/// One file of the served site.
#[derive(Debug)]
pub struct SiteFile {
    /// Its path in the site, as built (`timeline/index.html`).
    pub path: String,
    /// Its bytes, as `build` writes them.
    pub bytes: Bytes,
    /// The `Content-Type` to send.
    pub content_type: String,
    /// A hash of the bytes, for the ETag and for seeing what a rebuild changed.
    pub hash: u64,
}

impl SiteFile {
    /// A file with its content type and hash worked out.
    pub fn new(path: impl Into<String>, bytes: impl Into<Bytes>) -> SiteFile {
        let bytes = bytes.into();
        SiteFile::with_hash(path.into(), xxhash_rust::xxh3::xxh3_64(&bytes), bytes)
    }

    fn with_hash(path: String, hash: u64, bytes: Bytes) -> SiteFile {
        SiteFile {
            content_type: content_type(&path),
            hash,
            path,
            bytes,
        }
    }

    /// The file at the same path as this one, as `file` would make it, reusing this
    /// file's hash when the bytes are the very same buffer (a page the render memo
    /// kept): such pages need no hashing.
    fn renewed(&self, file: OutputFile) -> SiteFile {
        let same =
            self.bytes.as_ptr() == file.bytes.as_ptr() && self.bytes.len() == file.bytes.len();
        let hash = match same {
            true => self.hash,
            false => xxhash_rust::xxh3::xxh3_64(&file.bytes),
        };
        SiteFile {
            content_type: self.content_type.clone(),
            hash,
            path: file.path,
            bytes: file.bytes,
        }
    }

    /// Whether the live-reload script goes into this file.
    pub fn is_html(&self) -> bool {
        self.content_type.starts_with("text/html")
    }
}

/// The `Content-Type` of a site path, with a charset for text.
pub fn content_type(path: &str) -> String {
    let Some(mime) = mime_guess::from_path(path).first() else {
        return "application/octet-stream".to_string();
    };
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.subtype().as_str(), "json" | "javascript" | "xml")
        || mime.suffix().is_some_and(|s| s == "xml" || s == "json");
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// A built site, ready to answer requests.
#[derive(Debug, Default)]
pub struct Site {
    /// Every file, sorted by path.
    pub files: Vec<SiteFile>,
    /// Where the site lives on the server (`/repo/`): base_url's path.
    pub base_path: String,
}

impl Site {
    /// The site built as `files` (sorted by path, as the build returns them).
    pub fn new(files: Vec<OutputFile>, base_path: String) -> Site {
        Site::default().next(files, base_path)
    }

    /// The site built as `files` after this one: files whose bytes are the buffers this
    /// site holds keep their hashes; only new bytes are hashed.
    pub fn next(&self, files: Vec<OutputFile>, base_path: String) -> Site {
        let files = files
            .into_par_iter()
            .map(|file| match self.file(&file.path) {
                Some(old) => old.renewed(file),
                None => SiteFile::new(file.path, file.bytes),
            })
            .collect();
        Site { files, base_path }
    }

    /// The file at `path`.
    pub fn file(&self, path: &str) -> Option<&SiteFile> {
        self.files
            .binary_search_by(|file| file.path.as_str().cmp(path))
            .ok()
            .map(|index| &self.files[index])
    }

    /// The paths (with the base path) that differ between `self` and `newer`: changed,
    /// added or removed.
    pub fn changed_paths(&self, newer: &Site) -> Vec<String> {
        let (mut old, mut new) = (self.files.iter().peekable(), newer.files.iter().peekable());
        let mut changed = Vec::new();
        loop {
            let path = match (old.peek(), new.peek()) {
                (None, None) => break,
                (Some(a), Some(b)) if a.path == b.path => {
                    let path = (a.hash != b.hash).then(|| a.path.clone());
                    old.next();
                    new.next();
                    path
                }
                (Some(a), Some(b)) if a.path < b.path => old.next().map(|f| f.path.clone()),
                (Some(_), None) => old.next().map(|f| f.path.clone()),
                _ => new.next().map(|f| f.path.clone()),
            };
            changed.extend(path.map(|p| format!("{}{p}", newer.base_path)));
        }
        changed
    }
}

/// What a request sees: a site, and the error of the last build if it failed.
#[derive(Debug)]
pub struct Snapshot {
    /// The last site that built.
    pub site: Arc<Site>,
    /// Names this state for pages and their script: it changes with every rebuild.
    pub version: String,
    /// The overlay showing why the last build failed, if it did.
    pub overlay: Option<Arc<str>>,
}

impl Snapshot {
    /// The ETag of `file` as served in this state.
    pub fn etag(&self, file: &SiteFile) -> String {
        if file.is_html() {
            // Served HTML also holds the version and perhaps the overlay.
            format!("\"{:016x}-{}\"", file.hash, self.version)
        } else {
            format!("\"{:016x}\"", file.hash)
        }
    }

    /// The bytes to send for `file`: HTML gets the live-reload script and the overlay.
    pub fn body(&self, file: &SiteFile) -> Vec<u8> {
        if file.is_html() {
            live::inject(&file.bytes, &self.version, self.overlay.as_deref())
        } else {
            file.bytes.to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_file_of_a_site_gets_its_content_type() {
        for (path, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("assets/style.css", "text/css; charset=utf-8"),
            ("assets/app.js", "text/javascript; charset=utf-8"),
            ("briefing.json", "application/json; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("assets/logo.svg", "image/svg+xml; charset=utf-8"),
            ("assets/photo.png", "image/png"),
            ("assets/font.woff2", "font/woff2"),
            ("CNAME", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), expected, "{path}");
        }
        assert!(content_type("feed.xml").contains("xml; charset=utf-8"));
    }

    #[test]
    fn a_rebuild_reports_changed_added_and_removed_paths() {
        let file = |path: &str, text: &str| OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec().into(),
        };
        let old = Site::new(
            vec![file("a.html", "1"), file("b.css", "1"), file("c.html", "1")],
            "/r/".into(),
        );
        let new = Site::new(
            vec![file("a.html", "1"), file("b.css", "2"), file("d.html", "1")],
            "/r/".into(),
        );
        assert_eq!(
            old.changed_paths(&new),
            ["/r/b.css", "/r/c.html", "/r/d.html"]
        );
        assert!(new.changed_paths(&new).is_empty());
    }
}
