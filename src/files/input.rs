//! Reading the user's files without hanging or exhausting memory: only
//! regular files are opened (a FIFO blocks an `open` for ever, `/dev/zero`
//! never ends), and whole-file reads are capped.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The most a project (or codebook) file may hold; real projects are a few
/// megabytes even with thousands of moments.
pub const MAX_PROJECT_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}: no such file", path.display())]
    Missing { path: PathBuf },
    #[error("{}: is a folder, not a file", path.display())]
    Folder { path: PathBuf },
    #[error("{}: is {kind}, not a regular file; Attune reads only ordinary files", path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{}: is {size} bytes, more than the {limit} bytes a project file may hold", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: cannot read the file: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
}

impl InputError {
    /// The message without the leading path, for errors that name the
    /// file themselves.
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.path().display());
        match full.strip_prefix(&prefix) {
            Some(rest) => rest.to_owned(),
            None => full,
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            InputError::Missing { path }
            | InputError::Folder { path }
            | InputError::NotRegular { path, .. }
            | InputError::TooLarge { path, .. }
            | InputError::Unreadable { path, .. } => path,
        }
    }
}

fn unreadable(path: &Path, e: &io::Error) -> InputError {
    if e.kind() == io::ErrorKind::NotFound {
        InputError::Missing { path: path.into() }
    } else {
        InputError::Unreadable {
            path: path.into(),
            reason: e.to_string(),
        }
    }
}

/// What a special file is, in words a clinician's IT colleague knows.
fn kind_of(meta: &Metadata) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let t = meta.file_type();
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    if meta.is_file() || meta.is_dir() {
        None
    } else {
        Some("a special file")
    }
}

fn check_kind(path: &Path, meta: &Metadata) -> Result<(), InputError> {
    if meta.is_dir() {
        return Err(InputError::Folder { path: path.into() });
    }
    if let Some(kind) = kind_of(meta) {
        return Err(InputError::NotRegular {
            path: path.into(),
            kind,
        });
    }
    Ok(())
}

/// The file's metadata (symlinks followed) when it is a regular file; call
/// it before handing a path to FFmpeg or GStreamer, which would block on a
/// FIFO or read a device for ever.
pub fn require_regular(path: &Path) -> Result<Metadata, InputError> {
    let meta = std::fs::metadata(path).map_err(|e| unreadable(path, &e))?;
    check_kind(path, &meta)?;
    Ok(meta)
}

/// Opens a regular file for reading. The open itself does not block even if
/// the path was swapped for a FIFO after the check, and the opened file is
/// checked again.
pub fn open_regular(path: &Path) -> Result<File, InputError> {
    require_regular(path)?;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| unreadable(path, &e))?;
    let meta = file.metadata().map_err(|e| unreadable(path, &e))?;
    check_kind(path, &meta)?;
    #[cfg(unix)]
    clear_nonblocking(&file);
    Ok(file)
}

#[cfg(unix)]
fn clear_nonblocking(file: &File) {
    use std::os::fd::AsRawFd as _;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own; failure leaves O_NONBLOCK set,
    // which on a regular file changes nothing.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
}

/// Reads a whole regular file of at most `limit` bytes.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let file = open_regular(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit {
        return Err(InputError::TooLarge {
            path: path.into(),
            size,
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The cap holds even if the file grows while we read it.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(path, &e))?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            path: path.into(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused_before_reading() {
        let err = read_capped(Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(matches!(err, InputError::NotRegular { .. }), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_capped(dir.path(), 1024).unwrap_err();
        assert!(matches!(err, InputError::Folder { .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.mp4");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
        // SAFETY: mkfifo with a valid C string.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = open_regular(&fifo).unwrap_err();
        assert!(err.to_string().contains("named pipe"), "{err}");
    }

    #[test]
    fn the_cap_is_enforced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 2048]).unwrap();
        assert!(matches!(
            read_capped(&path, 1024),
            Err(InputError::TooLarge { .. })
        ));
        assert_eq!(read_capped(&path, 4096).unwrap().len(), 2048);
    }
}
