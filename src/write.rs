//! The last stage: putting the built site in place without ever losing the old one.
//!
//! The new site is written to a staging directory beside the output directory, then
//! swapped in with renames. Until the swap, the previous output is untouched; dot
//! entries in it (a `.git` worktree of a gh-pages branch, say) are carried over.
//!
//! A file whose bytes are the same as in the previous output is not written again: the
//! staging directory gets a hard link to the old file, so after the swap it is the
//! same file, with its old modification time (servers, rsync and browsers see it
//! unchanged), and a rebuild after one edit writes only the pages that edit changed.

use crate::render::OutputFile;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `files` to `out`, replacing what was there, keeping its dot entries.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the output path has no directory name",
            )
        })?
        .to_string_lossy()
        .into_owned();
    let staging = parent.join(format!(".{name}.staging"));
    let old = parent.join(format!(".{name}.old"));
    remove_if_present(&staging)?;
    remove_if_present(&old)?;
    let written = write_tree(&staging, files, out);
    if let Err(error) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    if out.exists() {
        carry_over_dot_entries(out, &staging, files)?;
        std::fs::rename(out, &old)?;
        if let Err(error) = std::fs::rename(&staging, out) {
            std::fs::rename(&old, out)?;
            return Err(error);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&staging, out)?;
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

fn write_tree(root: &Path, files: &[OutputFile], previous: &Path) -> io::Result<()> {
    let directories: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| root.join(p)))
        .chain([root.to_path_buf()])
        .collect();
    for directory in &directories {
        std::fs::create_dir_all(directory)?;
    }
    files.par_iter().try_for_each(|file| {
        let target = root.join(&file.path);
        let old = previous.join(&file.path);
        if unchanged(&old, &file.bytes) && std::fs::hard_link(&old, &target).is_ok() {
            return Ok(());
        }
        std::fs::write(target, &file.bytes)
    })
}

/// Whether the file at `path` holds exactly `bytes` (the size is compared first, so a
/// changed page is rarely read).
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    let same_size = std::fs::symlink_metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.len() == bytes.len() as u64);
    same_size && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// Moves the dot entries of the old output (except ones the build writes itself)
/// into the new one.
fn carry_over_dot_entries(out: &Path, staging: &Path, files: &[OutputFile]) -> io::Result<()> {
    for entry in std::fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        if name_text.starts_with('.') && !files.iter().any(|f| f.path == name_text) {
            std::fs::rename(entry.path(), staging.join(&name))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_output_but_keeps_its_git_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[file("index.html", "one"), file("old/page.html", "x")],
        )
        .unwrap();
        std::fs::create_dir_all(out.join(".git")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
        write_site(&out, &[file("index.html", "two"), file(".nojekyll", "")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("old").exists());
        assert_eq!(
            std::fs::read_to_string(out.join(".git/HEAD")).unwrap(),
            "ref"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["public"]);
    }

    #[cfg(unix)]
    #[test]
    fn files_whose_bytes_are_unchanged_are_not_written_again() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let inode = |path: &str| std::fs::metadata(out.join(path)).unwrap().ino();
        write_site(
            &out,
            &[file("same.html", "same"), file("edited.html", "one")],
        )
        .unwrap();
        let (same, edited) = (inode("same.html"), inode("edited.html"));
        write_site(
            &out,
            &[file("same.html", "same"), file("edited.html", "two")],
        )
        .unwrap();
        assert_eq!(
            inode("same.html"),
            same,
            "the unchanged file is the old one"
        );
        assert_ne!(inode("edited.html"), edited);
        assert_eq!(
            std::fs::read_to_string(out.join("edited.html")).unwrap(),
            "two"
        );
    }
}
