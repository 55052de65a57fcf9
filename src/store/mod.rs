//! Loading and saving projects so that work is never lost: atomic saves with
//! a backup, autosave to a recovery file, a lock naming who has the project
//! open, and migrations from older schema versions.

pub(crate) mod autosave;
pub(crate) mod load;
pub(crate) mod lock;
pub(crate) mod media_check;
pub(crate) mod migrate;
pub(crate) mod protect;
pub(crate) mod save;

pub use autosave::{Autosaver, DEFAULT_AUTOSAVE_INTERVAL};
pub use load::{LoadError, Loaded, load};
pub use lock::{LockError, LockHolder, LockOutcome, ProjectLock, lock_path};
pub use media_check::{
    MediaProblem, check_media, clip_path, find_by_fingerprint, fingerprint, stored_clip_path,
};
pub use migrate::MigrationError;
pub use protect::output_guard;
pub use save::{
    SaveError, backup_path, discard_recovery, recovery_if_newer, recovery_path,
    remove_stale_temporaries, save, write_recovery,
};
