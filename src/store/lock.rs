//! A lock file beside the project names who has it open, so a second window
//! or a colleague on a shared drive opens it read-only instead of silently
//! overwriting each other's work.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::save::with_suffix;
use crate::files::atomic::process_alive;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    pub since: DateTime<Utc>,
}

impl LockHolder {
    /// This process, now.
    pub fn current() -> Self {
        Self {
            user: current_user(),
            host: current_host(),
            pid: std::process::id(),
            since: Utc::now(),
        }
    }

    /// Stands for a lock file we cannot read: someone holds it, we cannot
    /// tell who, so we must not take it.
    fn unknown(since: DateTime<Utc>) -> Self {
        Self {
            user: "unknown".into(),
            host: "unknown".into(),
            pid: 0,
            since,
        }
    }
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on host {} (process {}) since {}",
            self.user,
            self.host,
            self.pid,
            self.since.format("%Y-%m-%d %H:%M")
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{}: cannot create the lock file: {source}", path.display())]
    Create { path: PathBuf, source: io::Error },
    #[error("{}: cannot write the lock file: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("{}: cannot remove a stale lock file: {source}", path.display())]
    RemoveStale { path: PathBuf, source: io::Error },
}

#[derive(Debug)]
pub enum LockOutcome {
    /// We hold the project; edits may be saved.
    Acquired(ProjectLock),
    /// Someone else holds it: open read-only and tell the user who.
    ReadOnly(LockHolder),
}

/// Held while a project is open for editing; dropping it releases the lock.
#[derive(Debug)]
pub struct ProjectLock {
    path: PathBuf,
    holder: LockHolder,
    /// Removes the lock if a signal stops the process.
    _registration: crate::files::interrupt::Registration,
}

/// `{file}.lock`
pub fn lock_path(project_path: &Path) -> PathBuf {
    with_suffix(project_path, ".lock")
}

impl ProjectLock {
    pub fn acquire(project_path: &Path) -> Result<LockOutcome, LockError> {
        let path = lock_path(project_path);
        // A second round only after removing a stale lock; a third is a race
        // with another opener, who then holds it.
        for _ in 0..3 {
            match create(&path)? {
                Some(lock) => {
                    log::debug!(
                        "project {} locked",
                        crate::files::log::path_tag(project_path)
                    );
                    return Ok(LockOutcome::Acquired(lock));
                }
                None => {
                    let holder = read_holder(&path);
                    // Never who holds it: the log names no one.
                    if !is_stale(&holder) {
                        log::info!(
                            "project {} is locked by another Attune: read-only",
                            crate::files::log::path_tag(project_path)
                        );
                        return Ok(LockOutcome::ReadOnly(holder));
                    }
                    log::info!(
                        "project {}: removing a stale lock",
                        crate::files::log::path_tag(project_path)
                    );
                    match fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(source) => return Err(LockError::RemoveStale { path, source }),
                    }
                }
            }
        }
        Ok(LockOutcome::ReadOnly(read_holder(&path)))
    }

    /// Takes the lock whoever holds it, for when the user has confirmed that
    /// the named holder is not really editing (e.g. a crashed colleague's PC).
    pub fn take_over(project_path: &Path) -> Result<ProjectLock, LockError> {
        let path = lock_path(project_path);
        log::info!(
            "project {}: taking over its lock, as the user confirmed",
            crate::files::log::path_tag(project_path)
        );
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(LockError::RemoveStale { path, source }),
        }
        create(&path)?.ok_or_else(|| LockError::Create {
            path,
            source: io::Error::new(
                io::ErrorKind::AlreadyExists,
                "someone else locked the project at the same moment",
            ),
        })
    }

    pub fn holder(&self) -> &LockHolder {
        &self.holder
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Someone may have taken the lock over (see `take_over`); their lock
        // is not ours to remove.
        if read_holder(&self.path) == self.holder
            && let Err(e) = fs::remove_file(&self.path)
            && e.kind() != io::ErrorKind::NotFound
        {
            // The next opener finds it stale (same host, dead pid) or is
            // told who had it; nothing better to do while dropping.
            log::warn!("lock file not removed: {:?}", e.kind());
        }
    }
}

/// `None` when the lock file already exists.
fn create(path: &Path) -> Result<Option<ProjectLock>, LockError> {
    // Private like every file Attune creates: it names who has the project
    // open. Registered as shared: a signal removes this lock, never one a
    // colleague took over since.
    let created = crate::files::interrupt::create_registered(
        path,
        true,
        crate::files::atomic::create_private,
    );
    let (mut file, registration) = match created {
        Ok(made) => made,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(None),
        Err(source) => {
            return Err(LockError::Create {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let holder = LockHolder::current();
    let write = serde_json::to_vec_pretty(&holder)
        .map_err(io::Error::other)
        .and_then(|bytes| file.write_all(&bytes))
        .and_then(|()| file.sync_all());
    if let Err(source) = write {
        drop(file);
        if let Err(e) = fs::remove_file(path) {
            // The write error below is what the user needs; an empty lock
            // left behind reads as an unknown holder.
            log::warn!("unwritten lock file not removed: {:?}", e.kind());
        }
        return Err(LockError::Write {
            path: path.to_path_buf(),
            source,
        });
    }
    Ok(Some(ProjectLock {
        path: path.to_path_buf(),
        holder,
        _registration: registration,
    }))
}

fn read_holder(path: &Path) -> LockHolder {
    match crate::files::read_capped(path, 64 * 1024) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            let since = fs::metadata(path)
                .and_then(|m| m.modified())
                .map(DateTime::<Utc>::from)
                .unwrap_or_else(|_| Utc::now());
            LockHolder::unknown(since)
        }),
        Err(_) => LockHolder::unknown(Utc::now()),
    }
}

/// Only a lock left by a dead process on this very host is provably stale;
/// a lock from another machine may belong to someone working right now.
fn is_stale(holder: &LockHolder) -> bool {
    holder.host == current_host() && holder.pid != 0 && !process_alive(holder.pid)
}

fn current_user() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|key| std::env::var(key).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn current_host() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}
