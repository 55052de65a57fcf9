//! Ctrl+C, `kill` and a closed terminal must not leave half-written footage
//! behind. Every temporary file and lock is registered here while it
//! exists; on SIGINT, SIGTERM or SIGHUP the registered files are removed and
//! the process exits with 128 + the signal number (130, 143, 129).
//!
//! Renames of finished files take the same lock as the clean-up, so a file
//! is either complete under its final name or gone: never half there.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A file to remove on a signal; `identity` (device, inode) when the name
/// is shared with others (a lock), so only the file we made is removed.
struct Entry {
    path: PathBuf,
    identity: Option<(u64, u64)>,
}

struct Registry {
    next: u64,
    entries: BTreeMap<u64, Entry>,
    /// Set by the final clean-up: nothing new may be created after it.
    closed: bool,
}

impl Registry {
    fn insert(&mut self, path: &Path, identity: Option<(u64, u64)>) -> Registration {
        self.next += 1;
        let entry = Entry {
            path: path.to_path_buf(),
            identity,
        };
        self.entries.insert(self.next, entry);
        Registration(self.next)
    }
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    next: 0,
    entries: BTreeMap::new(),
    closed: false,
});
/// The signal that asked us to stop, or 0.
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// Read by long jobs (a reel render) as their cancel flag.
static CANCEL: AtomicBool = AtomicBool::new(false);
/// Set by the first caller of [`exit_for`]; any later caller waits for the
/// exit instead of racing it (`exit` is not safe to call twice at once).
static EXITING: AtomicBool = AtomicBool::new(false);

fn registry() -> MutexGuard<'static, Registry> {
    // A panic while holding the lock leaves the map intact; keep using it.
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// The process is being stopped by a signal; nothing new may be written.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("stopped by a signal")]
pub(crate) struct Interrupted;

/// Keeps a path registered for removal on a signal; dropping it unregisters
/// the path (it does not remove the file: its owner does that).
#[derive(Debug)]
pub(crate) struct Registration(u64);

impl Drop for Registration {
    fn drop(&mut self) {
        registry().entries.remove(&self.0);
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Creates a file with `create` and registers it for removal on a signal,
/// in one step that a signal's clean-up cannot come between (so nothing is
/// created after the clean-up, and nothing created goes unregistered).
/// `shared` says the name is not ours alone (a lock): then only the file
/// made here is ever removed, not one another process put there later.
pub(crate) fn create_registered(
    path: &Path,
    shared: bool,
    create: impl FnOnce(&Path) -> std::io::Result<File>,
) -> std::io::Result<(File, Registration)> {
    let mut reg = registry();
    if reg.closed {
        return Err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            Interrupted,
        ));
    }
    let file = create(path)?;
    let identity = if shared {
        file.metadata().ok().as_ref().and_then(identity)
    } else {
        None
    };
    let registration = reg.insert(path, identity);
    Ok((file, registration))
}

/// Registers a name only this process uses (a staging file) for removal.
pub(crate) fn register(path: &Path) -> Result<Registration, Interrupted> {
    let mut reg = registry();
    if reg.closed {
        return Err(Interrupted);
    }
    Ok(reg.insert(path, None))
}

/// Runs `rename` (making a finished file visible) so that a signal's
/// clean-up cannot run half-way through it.
pub(crate) fn while_not_interrupted<T>(
    rename: impl FnOnce() -> std::io::Result<T>,
) -> std::io::Result<T> {
    let reg = registry();
    if reg.closed {
        return Err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            Interrupted,
        ));
    }
    let result = rename();
    drop(reg);
    result
}

/// The cancel flag a long job should poll; set when a signal arrives.
pub(crate) fn cancel_flag() -> &'static AtomicBool {
    &CANCEL
}

/// The signal that asked us to stop, if one did.
pub fn pending() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// Removes every registered file and closes the registry. Returns how many
/// files were removed.
fn clean_up() -> usize {
    let mut reg = registry();
    reg.closed = true;
    let mut removed = 0;
    for entry in reg.entries.values() {
        let ours = match entry.identity {
            None => true,
            // Someone may have taken the lock over since: theirs stays.
            Some(made) => {
                std::fs::metadata(&entry.path)
                    .ok()
                    .as_ref()
                    .and_then(identity)
                    == Some(made)
            }
        };
        if ours && std::fs::remove_file(&entry.path).is_ok() {
            removed += 1;
        }
    }
    reg.entries.clear();
    removed
}

/// Cleans up and exits with 128 + the signal (the shell's convention).
/// Only the first caller exits; a second (the signal thread and the main
/// thread at once) waits for it.
pub fn exit_for(signal: i32) -> ! {
    if EXITING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    let removed = clean_up();
    log_line(signal, removed);
    log::warn!("stopped by signal {signal}; removed {removed} unfinished file(s)");
    super::log::flush();
    std::process::exit(128 + signal)
}

fn log_line(signal: i32, removed: usize) {
    let name = match signal {
        signal_hook::consts::SIGINT => "interrupted (Ctrl+C)",
        signal_hook::consts::SIGTERM => "terminated",
        signal_hook::consts::SIGHUP => "the terminal closed",
        _ => "stopped",
    };
    if removed > 0 {
        eprintln!("attune: {name}; removed {removed} unfinished file(s)");
    } else {
        eprintln!("attune: {name}");
    }
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP.
///
/// On a signal the cancel flag is set and `wake` is called (the app asks
/// for a repaint, saves its recovery file, closes its window and calls
/// [`exit_for`] from the main thread); if nobody has exited within `grace`,
/// the handler removes every registered file and exits itself. The command
/// line passes a zero grace: there is nothing to save.
pub(crate) fn install(grace: Duration, wake: Box<dyn Fn() + Send>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // One handler per process: two would race to exit.
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let Some(signal) = signals.forever().next() else {
                return;
            };
            SIGNAL.store(signal, Ordering::SeqCst);
            CANCEL.store(true, Ordering::SeqCst);
            wake();
            let until = Instant::now() + grace;
            while Instant::now() < until && !EXITING.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            exit_for(signal);
        })?;
    Ok(())
}
