//! Atomic saving: the project file is always either the old or the new
//! version, never a mix, whatever moment the process or machine dies at.
//!
//! Write a temporary file beside the project, fsync it, keep the old version
//! as `.bak`, rename the temporary over the project, fsync the folder so the
//! rename itself survives a power cut.

use crate::model::Project;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{}: cannot turn the project into JSON: {source}", path.display())]
    Serialise {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    #[error("{}: not a file path", path.display())]
    BadPath { path: PathBuf },
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
    let bytes = to_bytes(path, project)?;
    write_atomically(path, &bytes, true)
}

/// Autosaves unsaved work beside the project; the project file is untouched.
pub fn write_recovery(project_path: &Path, project: &Project) -> Result<(), SaveError> {
    let path = recovery_path(project_path);
    let bytes = to_bytes(&path, project)?;
    write_atomically(&path, &bytes, false)
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
    match (fs::read(&recovery), fs::read(project_path)) {
        (Ok(r), Ok(p)) if r == p => None,
        (Ok(_), _) => Some(recovery),
        (Err(_), _) => None,
    }
}

/// Removes the recovery file after a save or when the user declines it.
pub fn discard_recovery(project_path: &Path) -> io::Result<()> {
    match fs::remove_file(recovery_path(project_path)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes temporary files a crashed save left beside the project (only
/// those of processes on this host that are no longer running). Returns how
/// many were removed. Call it after acquiring the project lock.
pub fn remove_stale_temporaries(project_path: &Path) -> usize {
    let Some(name) = project_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return 0;
    };
    let dir = match project_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Recovery files are written under the recovery file's own name.
    let prefixes = [format!(".{name}."), format!(".{name}.recovery.")];
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes
            .iter()
            .filter_map(|p| file_name.strip_prefix(p.as_str()))
            .find_map(|rest| rest.strip_suffix(".tmp"))
        else {
            continue;
        };
        // rest = "{pid}.{n}.{purpose}"
        let mut parts = rest.split('.');
        let (Some(pid), Some(n), Some(purpose), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if n.parse::<u64>().is_err() || !matches!(purpose, "new" | "bak") {
            continue;
        }
        if pid != std::process::id()
            && !super::lock::process_alive(pid)
            && fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

fn to_bytes(path: &Path, project: &Project) -> Result<Vec<u8>, SaveError> {
    let mut bytes = serde_json::to_vec_pretty(project).map_err(|source| SaveError::Serialise {
        path: path.to_path_buf(),
        source,
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Unique among this process's concurrent writers (save and autosave).
fn temp_path(dir: &Path, name: &str, purpose: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}.{n}.{purpose}.tmp", std::process::id()))
}

fn write_atomically(path: &Path, bytes: &[u8], keep_backup: bool) -> Result<(), SaveError> {
    let bad_path = || SaveError::BadPath {
        path: path.to_path_buf(),
    };
    let name = path
        .file_name()
        .ok_or_else(bad_path)?
        .to_string_lossy()
        .into_owned();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = temp_path(&dir, &name, "new");
    let result = write_then_rename(path, &dir, &name, &temp, bytes, keep_backup);
    if result.is_err() {
        // Best effort: the project itself has not been touched.
        let _ = fs::remove_file(&temp);
    }
    result
}

fn write_then_rename(
    path: &Path,
    dir: &Path,
    name: &str,
    temp: &Path,
    bytes: &[u8],
    keep_backup: bool,
) -> Result<(), SaveError> {
    let io_err = |action: &'static str, at: &Path| {
        let at = at.to_path_buf();
        move |source| SaveError::Io {
            path: at,
            action,
            source,
        }
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)
        .map_err(io_err("cannot create a temporary file beside it", temp))?;
    file.write_all(bytes)
        .map_err(io_err("cannot write the temporary file", temp))?;
    file.sync_all()
        .map_err(io_err("cannot flush the temporary file to disk", temp))?;
    drop(file);

    if keep_backup {
        keep_previous_version(path, dir, name).map_err(io_err(
            "cannot keep the previous version as .bak",
            &backup_path(path),
        ))?;
    }
    fs::rename(temp, path).map_err(io_err("cannot replace the project file", path))?;
    sync_folder(dir).map_err(io_err("cannot flush the folder to disk", dir))?;
    Ok(())
}

/// Points `{file}.bak` at the current project file, atomically: `.bak` is
/// always a complete earlier version.
fn keep_previous_version(path: &Path, dir: &Path, name: &str) -> io::Result<()> {
    let staged = temp_path(dir, name, "bak");
    let staged_result = match fs::hard_link(path, &staged) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()), // first save
        // Some shared drives refuse hard links; a copy is slower but as safe.
        Err(_) => fs::copy(path, &staged).and_then(|_| File::open(&staged)?.sync_all()),
    };
    let result = staged_result.and_then(|()| fs::rename(&staged, backup_path(path)));
    if result.is_err() {
        let _ = fs::remove_file(&staged);
    }
    result
}

#[cfg(unix)]
fn sync_folder(dir: &Path) -> io::Result<()> {
    match File::open(dir).and_then(|d| d.sync_all()) {
        // Some filesystems cannot fsync a directory; the rename still happened.
        Err(e) if e.raw_os_error() == Some(libc_einval()) => Ok(()),
        other => other,
    }
}

#[cfg(unix)]
const fn libc_einval() -> i32 {
    22 // EINVAL on Linux and the BSDs
}

#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a folder for flushing; MoveFileEx is durable enough.
    Ok(())
}
