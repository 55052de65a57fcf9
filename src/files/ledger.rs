//! Which files Attune itself wrote, so that exporting a reel again to the
//! same name just works while a file Attune did not write (a clip, a
//! colleague's document) is replaced only when the user says so.
//!
//! One small entry per written file in the user's state folder, named by a
//! hash of the file's path (no names of families' files are stored), holding
//! the file's identity and size and modification time when written: a file
//! changed since by anything else no longer counts as ours.

use std::fs;
use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/attune` (or `~/.local/state/attune`).
pub(crate) fn state_dir() -> Option<PathBuf> {
    Some(super::xdg_dir("XDG_STATE_HOME", ".local/state")?.join("attune"))
}

fn entry_path(file: &Path) -> Option<PathBuf> {
    let canonical = fs::canonicalize(file).ok()?;
    let hash = blake3::hash(canonical.as_os_str().as_encoded_bytes());
    let name = hash.to_hex();
    Some(state_dir()?.join("written").join(&name[..32]))
}

/// What identifies one version of a file.
fn stamp(file: &Path) -> Option<String> {
    let meta = fs::metadata(file).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    // The change time too: an edit that restores size and mtime (touch -r)
    // still moves it.
    #[cfg(unix)]
    let identity = {
        use std::os::unix::fs::MetadataExt as _;
        format!(
            "{} {} {}.{}",
            meta.dev(),
            meta.ino(),
            meta.ctime(),
            meta.ctime_nsec()
        )
    };
    #[cfg(not(unix))]
    let identity = String::new();
    Some(format!("{identity} {} {modified}\n", meta.len()))
}

/// Notes that Attune has just written `file`. Best effort: without a state
/// folder the next overwrite simply needs the user's confirmation.
pub(crate) fn record(file: &Path) {
    let (Some(entry), Some(stamp)) = (entry_path(file), stamp(file)) else {
        return;
    };
    let Some(dir) = entry.parent() else { return };
    if let Err(e) = fs::create_dir_all(dir) {
        log::warn!("no ledger folder: {:?}", e.kind());
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Best effort, as before: the entries are hashes and private files.
        if let Err(e) = fs::set_permissions(dir, fs::Permissions::from_mode(0o700)) {
            log::warn!("ledger folder not made private: {:?}", e.kind());
        }
    }
    // Not through AtomicFile: that would record the entry itself.
    let temp = super::private::temp_path(dir, "entry", "new");
    let written = super::private::create_private(&temp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, stamp.as_bytes()))
        .and_then(|()| fs::rename(&temp, &entry));
    if let Err(e) = written {
        log::warn!("ledger entry not written: {:?}", e.kind());
        if let Err(e) = fs::remove_file(&temp)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            log::warn!("ledger temporary file not removed: {:?}", e.kind());
        }
    }
}

/// Whether `file` is exactly as Attune last wrote it.
pub(crate) fn wrote(file: &Path) -> bool {
    let (Some(entry), Some(stamp)) = (entry_path(file), stamp(file)) else {
        return false;
    };
    fs::read_to_string(entry).is_ok_and(|recorded| recorded == stamp)
}
