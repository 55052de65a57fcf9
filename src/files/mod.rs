//! The one place Attune touches the user's files: reading only regular
//! files and within bounds (`input`), writing atomically and privately
//! (`atomic`), never over the project, its clips or a command's input
//! (`guard`), remembering what it wrote (`ledger`), and leaving nothing half
//! written when stopped by a signal (`interrupt`), and the log file (`log`).
//!
//! Knows the file system only: which files a project protects is said by
//! `store::output_guard`.

pub(crate) mod atomic;
pub(crate) mod guard;
pub(crate) mod input;
pub mod interrupt;
pub(crate) mod ledger;
pub mod log;
mod private;

pub use atomic::{AtomicFile, WriteError, commit_all, resolve_target, sweep_stale, write_file};
pub use guard::{GuardError, OutputGuard, Overwrite};
pub use input::{InputError, MAX_PROJECT_BYTES, open_regular, read_capped, require_regular};

/// An XDG base folder: `$VAR` if absolute (the spec says relative values are
/// ignored), else `~/fallback`; `None` when neither is known.
pub(crate) fn xdg_dir(var: &str, fallback: &str) -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|home| home.join(fallback))
        })
}
