//! Writing a file so that it is either the old version or the complete new
//! one, private to the user, and never leaves a temporary file behind.
//!
//! A temporary file is created beside the target (same folder, so the final
//! rename is atomic), readable by the user only; when it replaces a file,
//! it takes that file's mode and group first, so a save never widens who may
//! read a family's project. Writing through a symlink writes the file the
//! link points at and keeps the link. A temporary file is removed if the
//! writer is dropped, fails, or the process is stopped by a signal; one left
//! by a killed process (its name carries the pid) is removed the next time
//! Attune writes to that folder.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::interrupt::{self, Registration};
use super::private::temp_owner;
pub(crate) use super::private::{create_private, temp_path};

/// Why a file could not be written; every variant names the file the user
/// asked for, never the hidden temporary one.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    #[error("{}: cannot create a file in its folder: {source}", path.display())]
    Folder { path: PathBuf, source: io::Error },
    #[error("{}: not a file path", path.display())]
    BadPath { path: PathBuf },
    #[error("{}: not written: Attune is being stopped", path.display())]
    Interrupted { path: PathBuf },
}

/// Removes temporary files in `dir` left by Attune processes that are no
/// longer running (a SIGKILL or power cut mid-write). Returns how many.
pub fn sweep_stale(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let me = std::process::id();
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = temp_owner(&name.to_string_lossy()) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && pid != me && !process_alive(pid) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        log::info!("removed {removed} temporary file(s) left by a stopped Attune");
    }
    removed
}

/// Removes a temporary file on a path where the write has failed or been
/// dropped. Already gone is fine; anything else is left for the sweep and
/// only logged, as the caller's own error (if any) matters more.
fn remove_temp(temp: &Path) {
    match fs::remove_file(temp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            log::warn!("temporary file not removed: {:?}", e.kind());
        }
        _ => {}
    }
}

/// Whether a process on this host may still be running. Only Linux can tell
/// cheaply; elsewhere every process counts as alive, which errs on the side
/// of keeping a file.
#[cfg(target_os = "linux")]
pub(crate) fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn process_alive(_pid: u32) -> bool {
    true
}

/// The file a write to `path` must replace: symlinks followed (a link is
/// kept and its target written), relative links read from the link's folder.
pub fn resolve_target(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => match fs::read_link(&current) {
                Ok(next) if next.is_absolute() => current = next,
                Ok(next) => {
                    current = current.parent().unwrap_or(Path::new("")).join(next);
                }
                Err(_) => return current,
            },
            _ => return current,
        }
    }
    current
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A file being written under a temporary name; see the module docs.
#[derive(Debug)]
pub struct AtomicFile {
    /// As the user named it, for messages.
    shown: PathBuf,
    /// The file the rename replaces (symlinks resolved).
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
    /// Whether the ledger notes the file as Attune's output once renamed.
    record: bool,
    _registration: Registration,
}

impl AtomicFile {
    /// Creates the temporary file for `path` (created 0600; it takes the
    /// mode and group of the file it will replace, if any).
    pub fn create(path: &Path) -> Result<Self, WriteError> {
        Self::create_for(path, "new")
    }

    pub(crate) fn create_for(path: &Path, purpose: &str) -> Result<Self, WriteError> {
        let shown = path.to_path_buf();
        let target = resolve_target(path);
        let name = target
            .file_name()
            .ok_or_else(|| WriteError::BadPath {
                path: shown.clone(),
            })?
            .to_string_lossy()
            .into_owned();
        let dir = folder_of(&target);
        sweep_stale(&dir);
        let temp = temp_path(&dir, &name, purpose);
        let (file, registration) = interrupt::create_registered(&temp, false, create_private)
            .map_err(|source| {
                if source.kind() == io::ErrorKind::Interrupted {
                    WriteError::Interrupted {
                        path: shown.clone(),
                    }
                } else {
                    WriteError::Folder {
                        path: shown.clone(),
                        source,
                    }
                }
            })?;
        if let Err(source) = keep_access_of(&target, &file) {
            drop(file);
            remove_temp(&temp);
            return Err(WriteError::Io {
                path: shown,
                action: "cannot give the new file the old one's permissions",
                source,
            });
        }
        Ok(Self {
            shown,
            target,
            temp,
            file: Some(file),
            record: true,
            _registration: registration,
        })
    }

    /// Not an output the user may later replace by name (a project save, a
    /// cache file): the ledger need not remember it.
    pub fn without_ledger(mut self) -> Self {
        self.record = false;
        self
    }

    /// The temporary file's path, for writers (FFmpeg) that open by name.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// The file that [`commit`](Self::commit) will replace or create.
    pub fn target(&self) -> &Path {
        &self.target
    }

    fn io_err(&self, action: &'static str) -> impl FnOnce(io::Error) -> WriteError + use<> {
        let path = self.shown.clone();
        move |source| WriteError::Io {
            path,
            action,
            source,
        }
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let err = self.io_err("cannot write");
        match self.file.as_mut() {
            Some(f) => f.write_all(bytes).map_err(err),
            None => Err(err(io::Error::other("already committed"))),
        }
    }

    /// Flushes the data to disk and renames it over the target.
    pub fn commit(self) -> Result<PathBuf, WriteError> {
        self.commit_with(|_| Ok(()))
    }

    /// Like [`commit`](Self::commit), running `before_rename` (given the
    /// target) once the new data is safely on disk; the project save keeps
    /// its `.bak` there.
    pub fn commit_with(
        mut self,
        before_rename: impl FnOnce(&Path) -> Result<(), WriteError>,
    ) -> Result<PathBuf, WriteError> {
        self.sync()?;
        before_rename(&self.target)?;
        commit_all(vec![self]).map(|mut v| v.remove(0))
    }

    fn sync(&mut self) -> Result<(), WriteError> {
        let err = self.io_err("cannot flush it to disk (is the disk full?)");
        // The temporary file is reopened when a writer (FFmpeg) wrote it by
        // name and our handle saw none of it; fsync covers the inode.
        match self.file.take() {
            Some(f) => f.sync_all().map_err(err),
            None => Err(err(io::Error::other("already committed"))),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Committed files have been renamed away, so this finds nothing.
        self.file = None;
        remove_temp(&self.temp);
    }
}

/// Makes several finished files visible together (a reel and its caption
/// files): all are flushed first, then renamed while no signal's clean-up
/// can run, so a stop leaves all of them or none.
pub fn commit_all(mut files: Vec<AtomicFile>) -> Result<Vec<PathBuf>, WriteError> {
    for f in &mut files {
        if f.file.is_some() {
            f.sync()?;
        }
    }
    let mut done = Vec::with_capacity(files.len());
    let renamed = interrupt::while_not_interrupted(|| {
        for f in &files {
            if let Err(e) = fs::rename(&f.temp, &f.target) {
                // All or nothing: take back what was already put in place.
                for placed in &files[..done.len()] {
                    if let Err(e) = fs::remove_file(&placed.target) {
                        // The error returned is the failed rename; this one
                        // leaves a file of the set behind.
                        log::error!("a half-committed output not taken back: {:?}", e.kind());
                    }
                }
                return Ok(Err((f.shown.clone(), e)));
            }
            done.push(f.shown.clone());
        }
        Ok(Ok(()))
    });
    match renamed {
        Ok(Ok(())) => {}
        Ok(Err((path, source))) => {
            return Err(WriteError::Io {
                path,
                action: "cannot put the new file in place",
                source,
            });
        }
        Err(_) => {
            return Err(WriteError::Interrupted {
                path: files.first().map(|f| f.shown.clone()).unwrap_or_default(),
            });
        }
    }
    for f in &files {
        if f.record {
            super::ledger::record(&f.target);
        }
    }
    for f in &files {
        let dir = folder_of(&f.target);
        sync_folder(&dir).map_err(|source| WriteError::Io {
            path: f.shown.clone(),
            action: "cannot flush its folder to disk",
            source,
        })?;
    }
    Ok(done)
}

/// Writes `bytes` to `path` atomically; returns the path as given.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// Gives `file` the permission bits and group of `target` when it exists.
/// If the group cannot be kept (not one of ours), the group may not read
/// the new file at all: it would be a different group. Set-id and sticky
/// bits are never copied.
#[cfg(unix)]
fn keep_access_of(target: &Path, file: &File) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let Ok(meta) = fs::metadata(target) else {
        return Ok(()); // a new file stays 0600
    };
    if !meta.is_file() {
        return Ok(());
    }
    let mut mode = meta.mode() & 0o777;
    if file.metadata()?.gid() != meta.gid()
        && std::os::unix::fs::fchown(file, None, Some(meta.gid())).is_err()
    {
        mode &= !0o070;
    }
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn keep_access_of(_target: &Path, _file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
pub(crate) fn sync_folder(dir: &Path) -> io::Result<()> {
    match File::open(dir).and_then(|d| d.sync_all()) {
        // Some filesystems cannot fsync a directory; the rename still happened.
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok(()),
        other => other,
    }
}

#[cfg(not(unix))]
pub(crate) fn sync_folder(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::private::host_tag;
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(path: &Path) -> u32 {
        #[cfg(unix)]
        {
            fs::metadata(path).unwrap().permissions().mode() & 0o777
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            0o600
        }
    }

    #[test]
    fn temp_names_are_recognised_only_when_ours() {
        let t = temp_path(Path::new("/x"), "a.b.mp4", "new");
        let name = t.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(temp_owner(&name), Some(std::process::id()));
        let here = host_tag();
        assert_eq!(temp_owner(&format!(".a.mp4.{here}-12.1.new.tmp")), Some(12));
        assert_eq!(
            temp_owner(".a.mp4.0badc0de-12.1.new.tmp"),
            None,
            "another host's"
        );
        assert_eq!(temp_owner(&format!(".a.mp4.{here}-x.1.new.tmp")), None);
        assert_eq!(temp_owner(&format!("a.mp4.{here}-12.1.new.tmp")), None);
        assert_eq!(temp_owner(&format!(".a.mp4.{here}-12.1.other.tmp")), None);
        assert_eq!(temp_owner(&format!("..{here}-12.1.new.tmp")), None);
        // What earlier versions left: only for the kinds of file they wrote.
        assert_eq!(temp_owner(".reel.mp4.123.tmp"), Some(123));
        assert_eq!(temp_owner(".notes.txt.123.tmp"), None);
    }

    #[test]
    fn a_new_file_is_private_and_a_replaced_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.txt");
        write_file(&new, b"one").unwrap();
        assert_eq!(mode(&new), 0o600);
        #[cfg(unix)]
        {
            fs::set_permissions(&new, fs::Permissions::from_mode(0o640)).unwrap();
            write_file(&new, b"two").unwrap();
            assert_eq!(mode(&new), 0o640);
        }
        assert_eq!(fs::read(&new).unwrap(), b"two");
    }

    #[cfg(unix)]
    #[test]
    fn writing_through_a_symlink_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        let target = dir.path().join("real/p.json");
        fs::write(&target, b"old").unwrap();
        let link = dir.path().join("p.json");
        std::os::unix::fs::symlink("real/p.json", &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn a_dropped_writer_leaves_nothing_and_a_dead_ones_file_is_swept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.mp4");
        let mut f = AtomicFile::create(&out).unwrap();
        f.write_all(b"partial").unwrap();
        drop(f);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        // A pid that cannot be running (above the kernel's pid_max).
        let here = host_tag();
        let dead = dir
            .path()
            .join(format!(".out.mp4.{here}-4294967.0.new.tmp"));
        fs::write(&dead, b"left by kill -9").unwrap();
        let alive = dir
            .path()
            .join(format!(".out.mp4.{here}-{}.7.new.tmp", std::process::id()));
        fs::write(&alive, b"ours, in flight").unwrap();
        write_file(&out, b"done").unwrap();
        assert!(!dead.exists());
        assert!(alive.exists(), "a live process's temporary file is kept");
    }
}
