//! Names and modes of the files Attune creates: private (0600) files, and
//! the temporary names whose owner (host and pid) a later sweep can read.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a temporary file is for; part of its name so the stale-file sweep
/// removes only ours.
const PURPOSES: [&str; 2] = ["new", "bak"];

/// A short tag for this machine, so a folder shared between computers never
/// has one computer sweep another's live temporary files.
pub(crate) fn host_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let host = gethostname::gethostname();
        let hash = blake3::hash(host.as_encoded_bytes()).to_hex();
        hash[..8].to_owned()
    })
}

/// `.{name}.{host}-{pid}.{n}.{purpose}.tmp` beside `target`.
pub(crate) fn temp_path(dir: &Path, name: &str, purpose: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // Leave room for the suffix within the 255-byte limit of a file name.
    let mut short = name;
    while short.len() > 200 {
        let mut cut = short.len() - 1;
        while !short.is_char_boundary(cut) {
            cut -= 1;
        }
        short = &short[..cut];
    }
    let (host, pid) = (host_tag(), std::process::id());
    dir.join(format!(".{short}.{host}-{pid}.{n}.{purpose}.tmp"))
}

/// The pid in one of our temporary names made on this machine, if
/// `file_name` is one. Also knows the names earlier versions used for reels,
/// captions and stills (`.{name}.{pid}.tmp`), which interrupted exports
/// left behind.
pub(crate) fn temp_owner(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = rest.rsplitn(4, '.');
    let last = parts.next()?;
    if PURPOSES.contains(&last) {
        let n = parts.next()?;
        let owner = parts.next()?;
        let name = parts.next()?;
        let (host, pid) = owner.split_once('-')?;
        if name.is_empty() || host != host_tag() || n.parse::<u64>().is_err() {
            return None;
        }
        return pid.parse().ok();
    }
    // Earlier versions: `.{name}.{pid}.tmp`, for the files they wrote.
    let pid: u32 = last.parse().ok()?;
    let name = rest.strip_suffix(last)?.strip_suffix('.')?;
    const LEGACY: [&str; 6] = [".mp4", ".vtt", ".png", ".jpg", ".jpeg", ".html"];
    LEGACY.iter().any(|ext| name.ends_with(ext)).then_some(pid)
}

/// Creates a new file readable and writable by the user only (the umask can
/// only make it stricter); fails if it exists.
pub(crate) fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Opens `path` for appending, creating it private; an existing file is made
/// private too (the log, which may have been created by hand or by an older
/// Attune).
pub(crate) fn open_private_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        use std::os::unix::fs::PermissionsExt as _;
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}
