//! `briefing init`: a new briefing that builds, checks and publishes as it stands.
//!
//! The skeleton's files are compiled into the binary from `src/skeleton/`. Nothing is
//! ever overwritten: the folder must be new or empty, and each file is created only if
//! it does not exist.

use crate::diagnostic::{Diagnostic, Problem};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files of a new briefing: path in the folder, and text. `my-briefing` in the
/// text stands for the folder's name.
const SKELETON: &[(&str, &str)] = &[
    ("content/site.toml", include_str!("skeleton/site.toml")),
    ("content/briefing.md", include_str!("skeleton/briefing.md")),
    ("content/timeline.md", include_str!("skeleton/timeline.md")),
    ("content/faq.md", include_str!("skeleton/faq.md")),
    (
        "content/sources/example-report.txt",
        include_str!("skeleton/example-report.txt"),
    ),
    (
        "content/sources/example-report.toml",
        include_str!("skeleton/example-report.toml"),
    ),
    (
        ".github/workflows/pages.yml",
        include_str!("skeleton/pages.yml"),
    ),
    (".gitignore", include_str!("skeleton/gitignore")),
    ("README.md", include_str!("skeleton/README.md")),
];

/// Creates a new briefing in `dir` (created if missing), with a copy of the built-in
/// theme in `themes/default/` when `with_theme` is set. Returns the files written,
/// relative to `dir`.
pub fn init(dir: &Path, with_theme: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let io_error = |path: &Path, error: std::io::Error| {
        Diagnostic::error(
            path,
            Problem::Io {
                message: error.to_string(),
            },
        )
    };
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()) {
        Ok(true) => {
            return Err(Diagnostic::error(
                dir,
                Problem::FolderNotEmpty {
                    dir: dir.display().to_string(),
                },
            ));
        }
        Ok(false) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }
        Err(error) => return Err(io_error(dir, error)),
    }
    let name = folder_name(dir);
    let mut files: Vec<(PathBuf, Vec<u8>)> = SKELETON
        .iter()
        .map(|(path, text)| {
            (
                PathBuf::from(path),
                text.replace("my-briefing", &name).into_bytes(),
            )
        })
        .collect();
    if with_theme {
        files.extend(
            crate::theme::builtin_files()
                .map(|(path, bytes)| (Path::new("themes/default").join(path), bytes.to_vec())),
        );
    }
    for (path, bytes) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::File::create_new(&target)
            .and_then(|mut file| file.write_all(bytes))
            .map_err(|e| io_error(&target, e))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// The folder's name as a URL path segment: `My Briefing` → `my-briefing`.
fn folder_name(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match crate::markdown::slug(&name).as_str() {
        "section" => "my-briefing".to_string(),
        slug => slug.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_name_becomes_the_path_of_the_site() {
        assert_eq!(
            folder_name(Path::new("/tmp/Riverside Library")),
            "riverside-library"
        );
        assert_eq!(folder_name(Path::new("/")), "my-briefing");
    }
}
