//! The one output guard: before anything is written, every output path is
//! resolved (symlinks, `..`, hard links) and refused if it is the project,
//! one of the project's own files, a clip, or what the command reads; if two
//! outputs of one command are the same file; or if it would replace a file
//! Attune did not write and the user has not said to replace it.

use std::fs;
use std::path::{Path, PathBuf};

use super::ledger;

/// May an existing file that Attune did not write be replaced?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Only files Attune wrote (and nobody changed since) are replaced.
    OnlyOurs,
    /// The user said so (`--force`, or a save dialog's confirmation).
    Confirmed,
}

#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error("{}: refusing to write over {what}", path.display())]
    Protected { path: PathBuf, what: String },
    #[error("{}: would be written twice ({first} and {second})", path.display())]
    Collision {
        path: PathBuf,
        first: String,
        second: String,
    },
    #[error(
        "{}: already exists and was not written by Attune; choose another name (on the command line, --force replaces it)",
        path.display()
    )]
    Exists { path: PathBuf },
    #[error("{}: is a folder; give a file name", path.display())]
    IsFolder { path: PathBuf },
    #[error("{}: is a special file (pipe, device or socket), not a place to write", path.display())]
    Special { path: PathBuf },
    #[error("{}: no such folder", path.display())]
    NoFolder { path: PathBuf },
    #[error("{}: not a file name", path.display())]
    NotAFileName { path: PathBuf },
}

/// A path as the file system sees it: absolute, symlinks and `..` resolved,
/// and for an existing file its device and inode (so a hard link is the same
/// file too).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Resolved {
    path: PathBuf,
    inode: Option<(u64, u64)>,
}

impl Resolved {
    fn same_file(&self, other: &Resolved) -> bool {
        match (self.inode, other.inode) {
            (Some(a), Some(b)) => a == b,
            _ => self.path == other.path,
        }
    }
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn inode(_meta: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Resolves `path`; `None` when its folder does not exist.
fn resolve(path: &Path) -> Option<Resolved> {
    if let Ok(canonical) = fs::canonicalize(path) {
        let inode = fs::metadata(&canonical).ok().as_ref().and_then(inode);
        return Some(Resolved {
            path: canonical,
            inode,
        });
    }
    // Not there yet (or a dangling link): resolve the link, then the folder.
    let target = super::atomic::resolve_target(path);
    let name = target.file_name()?;
    let folder = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(Resolved {
        path: fs::canonicalize(folder).ok()?.join(name),
        inode: None,
    })
}

#[derive(Debug, Clone)]
struct Guarded {
    resolved: Resolved,
    what: String,
}

/// The files a command must not write over, and whether it may replace
/// other existing files. Build it once per command; see [`check`].
///
/// [`check`]: OutputGuard::check
#[derive(Debug, Clone)]
pub struct OutputGuard {
    protected: Vec<Guarded>,
    overwrite: Overwrite,
}

impl OutputGuard {
    pub fn new(overwrite: Overwrite) -> Self {
        Self {
            protected: Vec::new(),
            overwrite,
        }
    }

    /// Never write over `path`; `what` says what it is ("the project file").
    pub fn protect(&mut self, path: &Path, what: impl Into<String>) -> &mut Self {
        if let Some(resolved) = resolve(path) {
            self.protected.push(Guarded {
                resolved,
                what: what.into(),
            });
        }
        self
    }

    pub fn overwrite(&self) -> Overwrite {
        self.overwrite
    }

    /// The same protected files under another overwrite policy.
    pub fn with_overwrite(&self, overwrite: Overwrite) -> Self {
        Self {
            protected: self.protected.clone(),
            overwrite,
        }
    }

    /// Whether `path` may be written.
    pub fn check(&self, path: &Path) -> Result<(), GuardError> {
        self.check_all(&[path])
    }

    /// Whether every path may be written, and no two are the same file (a
    /// reel's `-o out.vtt` would otherwise be overwritten by its captions).
    pub fn check_all(&self, paths: &[&Path]) -> Result<(), GuardError> {
        let mut seen: Vec<(Resolved, &Path)> = Vec::new();
        for path in paths {
            let resolved = self.check_one(path)?;
            if let Some((_, first)) = seen.iter().find(|(r, _)| r.same_file(&resolved)) {
                return Err(GuardError::Collision {
                    path: path.to_path_buf(),
                    first: first.display().to_string(),
                    second: path.display().to_string(),
                });
            }
            seen.push((resolved, path));
        }
        Ok(())
    }

    fn check_one(&self, path: &Path) -> Result<Resolved, GuardError> {
        let owned = || path.to_path_buf();
        let named = path.file_name().is_some_and(|n| n != "." && n != "..");
        if !named || path.as_os_str().to_string_lossy().ends_with('/') {
            return Err(if path.is_dir() {
                GuardError::IsFolder { path: owned() }
            } else {
                GuardError::NotAFileName { path: owned() }
            });
        }
        let resolved = resolve(path).ok_or_else(|| GuardError::NoFolder { path: owned() })?;
        if let Some(hit) = self
            .protected
            .iter()
            .find(|p| p.resolved.same_file(&resolved))
        {
            return Err(GuardError::Protected {
                path: owned(),
                what: hit.what.clone(),
            });
        }
        if let Ok(meta) = fs::metadata(&resolved.path) {
            if meta.is_dir() {
                return Err(GuardError::IsFolder { path: owned() });
            }
            if !meta.is_file() {
                return Err(GuardError::Special { path: owned() });
            }
            if self.overwrite == Overwrite::OnlyOurs && !ledger::wrote(&resolved.path) {
                return Err(GuardError::Exists { path: owned() });
            }
        }
        Ok(resolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_files_are_refused_by_any_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let clip = dir.path().join("clips/bath.mp4");
        fs::create_dir(dir.path().join("clips")).unwrap();
        fs::write(&clip, b"footage").unwrap();
        let mut guard = OutputGuard::new(Overwrite::Confirmed);
        guard.protect(&clip, "clip 1 of the project");
        for spelling in [
            "clips/bath.mp4",
            "clips/../clips/bath.mp4",
            "./clips//bath.mp4",
        ] {
            let err = guard.check(&dir.path().join(spelling)).unwrap_err();
            assert!(
                matches!(err, GuardError::Protected { .. }),
                "{spelling}: {err}"
            );
        }
        let link = dir.path().join("link.mp4");
        fs::hard_link(&clip, &link).unwrap();
        assert!(matches!(
            guard.check(&link),
            Err(GuardError::Protected { .. })
        ));
        assert!(guard.check(&dir.path().join("clips/new.mp4")).is_ok());
    }

    #[test]
    fn two_outputs_may_not_be_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let guard = OutputGuard::new(Overwrite::Confirmed);
        let a = dir.path().join("out.vtt");
        let b = dir.path().join("./out.vtt");
        assert!(matches!(
            guard.check_all(&[&a, &b]),
            Err(GuardError::Collision { .. })
        ));
    }

    #[test]
    fn an_existing_file_needs_confirmation_and_folders_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("notes.mp4");
        fs::write(&theirs, b"someone's").unwrap();
        let only_ours = OutputGuard::new(Overwrite::OnlyOurs);
        assert!(matches!(
            only_ours.check(&theirs),
            Err(GuardError::Exists { .. })
        ));
        assert!(
            OutputGuard::new(Overwrite::Confirmed)
                .check(&theirs)
                .is_ok()
        );
        assert!(matches!(
            only_ours.check(&dir.path().join("nope/out.mp4")),
            Err(GuardError::NoFolder { .. })
        ));
        assert!(matches!(
            only_ours.check(dir.path()),
            Err(GuardError::IsFolder { .. })
        ));
    }
}
