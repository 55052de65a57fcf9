//! Atomic saving: the project file is always either the old or the new
//! version, never a mix, whatever moment the process or machine dies at.
//!
//! Write a temporary file beside the project, fsync it, keep the old version
//! as `.bak`, rename the temporary over the project, fsync the folder so the
//! rename itself survives a power cut. The mechanism is `files::atomic`'s,
//! shared by every writer.

use crate::files::{AtomicFile, WriteError};
use crate::model::Project;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{}: cannot turn the project into JSON: {source}", path.display())]
    Serialise {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// `{file}.bak`: the version before the last save.
pub fn backup_path(project_path: &Path) -> PathBuf {
    with_suffix(project_path, ".bak")
}

/// `{file}.recovery`: autosaved unsaved work.
pub fn recovery_path(project_path: &Path) -> PathBuf {
    with_suffix(project_path, ".recovery")
}

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Saves the project, keeping the previous version as `{file}.bak`.
pub fn save(path: &Path, project: &Project) -> Result<(), SaveError> {
    let started = std::time::Instant::now();
    let saved = to_bytes(path, project).and_then(|bytes| {
        write_atomically(path, &bytes, true)?;
        Ok(bytes.len())
    });
    let tag = crate::files::log::path_tag(path);
    match &saved {
        Ok(bytes) => log::info!(
            "project {tag} saved in {} ms: {bytes} bytes, {} clip(s), {} moment(s), {} reel(s)",
            started.elapsed().as_millis(),
            project.clips.len(),
            project.moments.len(),
            project.reels.len(),
        ),
        Err(e) => log::error!("project {tag} not saved: {}", save_error_kind(e)),
    }
    saved.map(drop)
}

/// Autosaves unsaved work beside the project; the project file is untouched.
pub fn write_recovery(project_path: &Path, project: &Project) -> Result<(), SaveError> {
    let path = recovery_path(project_path);
    let written = to_bytes(&path, project).and_then(|bytes| {
        write_atomically(&path, &bytes, false)?;
        Ok(bytes.len())
    });
    let tag = crate::files::log::path_tag(project_path);
    match &written {
        Ok(bytes) => log::debug!("recovery file of project {tag} written: {bytes} bytes"),
        Err(e) => log::warn!(
            "recovery file of project {tag} not written: {}",
            save_error_kind(e)
        ),
    }
    written.map(drop)
}

/// A save error's kind for the log, with the I/O error's kind when there is
/// one (a full disk and a read-only share need different help).
fn save_error_kind(e: &SaveError) -> String {
    let io = match e {
        SaveError::Write(WriteError::Io { source, .. } | WriteError::Folder { source, .. }) => {
            format!(" ({:?})", source.kind())
        }
        _ => String::new(),
    };
    format!("{}{io}", crate::files::log::kind_of(e))
}

/// The recovery file, when it holds work newer than the project file.
///
/// Timestamps alone are too coarse (two writes in one clock tick share one),
/// so an equally old recovery file counts when its content differs.
pub fn recovery_if_newer(project_path: &Path) -> Option<PathBuf> {
    let recovery = recovery_path(project_path);
    let recovery_time = fs::metadata(&recovery).and_then(|m| m.modified()).ok()?;
    let project_time = match fs::metadata(project_path).and_then(|m| m.modified()) {
        Ok(t) => t,
        // No project file (never saved, or lost): the recovery is all there is.
        Err(_) => return Some(recovery),
    };
    if recovery_time < project_time {
        return None;
    }
    let read = |p: &Path| crate::files::read_capped(p, crate::files::MAX_PROJECT_BYTES);
    let newer = match (read(&recovery), read(project_path)) {
        (Ok(r), Ok(p)) if r == p => None,
        (Ok(_), _) => Some(recovery),
        (Err(e), _) => {
            log::warn!(
                "recovery file of project {} unreadable: {}",
                crate::files::log::path_tag(project_path),
                crate::files::log::kind_of(&e)
            );
            None
        }
    };
    if newer.is_some() {
        log::info!(
            "project {} has unsaved work in its recovery file",
            crate::files::log::path_tag(project_path)
        );
    }
    newer
}

/// Removes the recovery file after a save or when the user declines it.
pub fn discard_recovery(project_path: &Path) -> io::Result<()> {
    match fs::remove_file(recovery_path(project_path)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Ok(()) => {
            log::debug!(
                "recovery file of project {} removed",
                crate::files::log::path_tag(project_path)
            );
            Ok(())
        }
        Err(e) => {
            log::warn!("recovery file not removed: {:?}", e.kind());
            Err(e)
        }
    }
}

/// Removes temporary files a crashed save (or any killed Attune write) left
/// beside the project: only those of processes on this host that are no
/// longer running. Returns how many were removed. Call it after acquiring
/// the project lock.
pub fn remove_stale_temporaries(project_path: &Path) -> usize {
    let target = crate::files::resolve_target(project_path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    crate::files::sweep_stale(dir)
}

fn to_bytes(path: &Path, project: &Project) -> Result<Vec<u8>, SaveError> {
    let mut bytes = serde_json::to_vec_pretty(project).map_err(|source| SaveError::Serialise {
        path: path.to_path_buf(),
        source,
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes through the one atomic writer: the file keeps its mode and group,
/// a new one is private, a symlinked project keeps its link.
fn write_atomically(path: &Path, bytes: &[u8], keep_backup: bool) -> Result<(), SaveError> {
    // The project is guarded by name, not by the ledger.
    let mut file = AtomicFile::create(path)?.without_ledger();
    file.write_all(bytes)?;
    file.commit_with(|target| {
        if !keep_backup {
            return Ok(());
        }
        keep_previous_version(target).map_err(|source| WriteError::Io {
            path: backup_path(target),
            action: "cannot keep the previous version as .bak",
            source,
        })
    })?;
    Ok(())
}

/// Points `{file}.bak` at the current project file, atomically: `.bak` is
/// always a complete earlier version (a hard link keeps the old file's
/// mode, and so does a copy).
fn keep_previous_version(path: &Path) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let staged = crate::files::atomic::temp_path(dir, &name, "bak");
    // Removed if a signal comes before it is renamed.
    let _registration = crate::files::interrupt::register(&staged)
        .map_err(|e| io::Error::new(io::ErrorKind::Interrupted, e))?;
    let staged_result = match fs::hard_link(path, &staged) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()), // first save
        // Some shared drives refuse hard links; a copy is slower but as safe.
        Err(_) => fs::copy(path, &staged).and_then(|_| File::open(&staged)?.sync_all()),
    };
    let result = staged_result.and_then(|()| fs::rename(&staged, backup_path(path)));
    if result.is_err()
        && let Err(e) = fs::remove_file(&staged)
        && e.kind() != io::ErrorKind::NotFound
    {
        // The save fails anyway; a later sweep removes the staged copy.
        log::warn!("staged backup not removed: {:?}", e.kind());
    }
    result
}
