//! The last stage: putting the built site in place without ever losing the old one.
//!
//! The new site is written to a staging directory beside the output directory, then
//! swapped in with renames. Until the swap, the previous output is untouched; dot
//! entries in it (a `.git` worktree of a gh-pages branch, say) are carried over from
//! the old output only once the new one is in place, and the old output is deleted
//! only once they all are, so no failure can lose them.
//!
//! A file whose bytes are the same as in the previous output is not written again: the
//! staging directory gets a hard link to the old file, so after the swap it is the
//! same file, with its old modification time (servers, rsync and browsers see it
//! unchanged), and a rebuild after one edit writes only the pages that edit changed.

use crate::render::OutputFile;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why `out` must not be written to as the output of the briefing at `root`, if it
/// must not: it holds the briefing itself, or something that is not a built site.
pub fn unsafe_output(root: &Path, out: &Path) -> Option<String> {
    let absolute = |path: &Path| {
        std::path::absolute(path)
            .map(|p| p.components().collect::<PathBuf>())
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let (root, out) = (absolute(root), absolute(out));
    if root.starts_with(&out) {
        return Some("it holds the briefing itself, which building would replace".into());
    }
    for folder in ["content", "themes"] {
        if out.starts_with(root.join(folder)) {
            return Some(format!("it is inside the briefing's {folder}/ folder"));
        }
    }
    let entries = std::fs::read_dir(&out).ok()?;
    let mut names = entries.filter_map(Result::ok).map(|e| e.file_name());
    let foreign = names.any(|n| !n.to_string_lossy().starts_with('.'));
    (foreign && !out.join("index.html").is_file())
        .then(|| "it is a folder with other files in it, not an earlier build (no index.html); name a new or empty folder".into())
}

/// Receives each file of the site as it is made, from many threads at once: the
/// output directory being staged ([`Staging`]), or memory ([`InMemory`]).
pub trait Sink: Sync {
    /// Takes `file`; it is not needed afterwards.
    fn put(&self, file: OutputFile) -> io::Result<()>;
}

/// A site kept in memory, for `check` and `serve`.
#[derive(Default)]
pub struct InMemory {
    files: std::sync::Mutex<Vec<OutputFile>>,
}

impl InMemory {
    /// Every file received, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for InMemory {
    fn put(&self, file: OutputFile) -> io::Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file);
        Ok(())
    }
}

/// A new output directory being written beside the old one, each file as it comes,
/// so that no build holds the whole site in memory. [`Staging::commit`] swaps it in;
/// dropped uncommitted (a failed build), it is removed and the old output stays.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// Folders already created in the staging directory.
    folders: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Starts staging the output directory `out`, first finishing a swap an earlier
    /// build was interrupted in.
    pub fn create(out: &Path) -> io::Result<Staging> {
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
        recover_interrupted_swap(out, &old)?;
        remove_if_present(&staging)?;
        std::fs::create_dir(&staging)?;
        Ok(Staging {
            out: out.to_path_buf(),
            folders: Mutex::new(HashSet::from([staging.clone()])),
            staging,
            old,
            committed: false,
        })
    }

    /// Puts the staged site in place of the old output, keeping the old one's dot
    /// entries.
    pub fn commit(mut self) -> io::Result<()> {
        self.committed = true;
        let (out, staging, old) = (&self.out, &self.staging, &self.old);
        if out.exists() {
            std::fs::rename(out, old)?;
            if let Err(error) = std::fs::rename(staging, out) {
                std::fs::rename(old, out)?;
                return Err(error);
            }
            carry_over_dot_entries(old, out)?;
            std::fs::remove_dir_all(old)
        } else {
            std::fs::rename(staging, out)
        }
    }

    fn create_folder(&self, folder: &Path) -> io::Result<()> {
        let known = |folders: &HashSet<PathBuf>| folders.contains(folder);
        if known(&self.folders.lock().unwrap_or_else(|e| e.into_inner())) {
            return Ok(());
        }
        std::fs::create_dir_all(folder)?;
        self.folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(folder.to_path_buf());
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> io::Result<()> {
        let target = self.staging.join(&file.path);
        if let Some(folder) = target.parent() {
            self.create_folder(folder)?;
        }
        let old = self.out.join(&file.path);
        if unchanged(&old, &file.bytes) && std::fs::hard_link(&old, &target).is_ok() {
            return Ok(());
        }
        std::fs::write(target, &file.bytes)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Writes `files` to `out`, replacing what was there, keeping its dot entries.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    let staging = Staging::create(out)?;
    files
        .par_iter()
        .try_for_each(|file| staging.put(file.clone()))?;
    staging.commit()
}

/// Finishes a swap that an earlier build could not: the old output is put back if
/// the new one never arrived, or its dot entries are carried into the new one.
fn recover_interrupted_swap(out: &Path, old: &Path) -> io::Result<()> {
    if !old.exists() {
        return Ok(());
    }
    if !out.exists() {
        return std::fs::rename(old, out);
    }
    carry_over_dot_entries(old, out)?;
    std::fs::remove_dir_all(old)
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Whether the file at `path` holds exactly `bytes` (the size is compared first, so a
/// changed page is rarely read).
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    let same_size = std::fs::symlink_metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.len() == bytes.len() as u64);
    same_size && std::fs::File::open(path).is_ok_and(|file| holds(file, bytes))
}

/// Whether `reader` holds exactly `bytes`, read a piece at a time: a page can be
/// megabytes, and reading it whole would double its memory while it is compared.
fn holds(mut reader: impl io::Read, bytes: &[u8]) -> bool {
    let mut buffer = vec![0; bytes.len().clamp(1, 64 * 1024)];
    let mut rest = bytes;
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return rest.is_empty(),
            Ok(read) if read <= rest.len() && buffer[..read] == rest[..read] => {
                rest = &rest[read..];
            }
            Ok(_) => return false,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Moves the dot entries of the old output that the new one does not have (the build
/// writes `.nojekyll` itself) into the new one.
fn carry_over_dot_entries(old: &Path, new: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(old)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') && !new.join(&name).exists() {
            std::fs::rename(entry.path(), new.join(&name))?;
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
            bytes: text.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn refuses_outputs_that_would_replace_the_briefing_or_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("brief");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(unsafe_output(&root, &root).is_some());
        assert!(unsafe_output(&root, dir.path()).is_some());
        assert!(unsafe_output(&root, &root.join("content")).is_some());
        assert!(unsafe_output(&root, &root.join("content/../content/x")).is_some());
        assert!(
            unsafe_output(&root, &root.join("public")).is_none(),
            "a new folder"
        );
        let other = dir.path().join("notes");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("todo.txt"), "x").unwrap();
        assert!(
            unsafe_output(&root, &other).is_some(),
            "a folder of other files"
        );
        std::fs::write(other.join("index.html"), "x").unwrap();
        assert!(unsafe_output(&root, &other).is_none(), "an earlier build");
    }

    #[test]
    fn an_interrupted_swap_is_finished_without_losing_the_git_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let old = dir.path().join(".public.old");
        std::fs::create_dir_all(old.join(".git")).unwrap();
        std::fs::write(old.join("index.html"), "previous").unwrap();
        write_site(&out, &[file("index.html", "new")]).unwrap();
        assert!(out.join(".git").is_dir());
        assert!(!old.exists());
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

    /// Reads at most 7 bytes a call, as a reader may.
    struct Trickle<'b>(&'b [u8]);

    impl io::Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let n = buffer.len().min(7).min(self.0.len());
            buffer[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn contents_are_compared_a_piece_at_a_time_to_the_last_byte() {
        let long: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        assert!(holds(&long[..], &long));
        assert!(holds(Trickle(&long), &long));
        let mut changed = long.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert!(!holds(&long[..], &changed));
        assert!(!holds(Trickle(&long), &changed));
        assert!(!holds(&long[..100], &long));
        assert!(!holds(&long[..], &long[..100]));
        assert!(holds(&b""[..], b""));
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
