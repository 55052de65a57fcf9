//! The log file itself: appended to by every Attune process of the user,
//! private (0600, folder 0700), rotated past a size (`attune.log` →
//! `attune.log.1` → `attune.log.2`; the oldest is dropped).

use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Rotate once the file has passed this size.
pub(crate) const MAX_BYTES: u64 = 1024 * 1024;
/// Files kept: the current one and two older ones.
pub(crate) const KEEP: usize = 3;
pub(crate) const FILE_NAME: &str = "attune.log";

pub(crate) struct LogFile {
    path: PathBuf,
    file: File,
    max_bytes: u64,
    keep: usize,
}

impl LogFile {
    /// Opens (creating if needed) `dir/attune.log`, making `dir` 0700.
    pub(crate) fn open(dir: &Path, max_bytes: u64, keep: usize) -> io::Result<Self> {
        make_private_dir(dir)?;
        let path = dir.join(FILE_NAME);
        let file = super::super::private::open_private_append(&path)?;
        Ok(Self {
            path,
            file,
            max_bytes,
            keep: keep.max(1),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line (one `write` call, so lines of several processes
    /// never interleave), rotating first when the file is full.
    pub(crate) fn append(&mut self, line: &str) -> io::Result<()> {
        let len = self.file.metadata()?.len();
        if len > 0 && len + line.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(line.as_bytes())
    }

    /// Shifts the older files up and starts a new one. When another Attune
    /// has rotated already (the name no longer points at our file), only
    /// reopens: rotating again would push its fresh file out.
    fn rotate(&mut self) -> io::Result<()> {
        if same_file(&self.path, &self.file) {
            let numbered = |n: usize| {
                let mut name = self.path.as_os_str().to_owned();
                name.push(format!(".{n}"));
                PathBuf::from(name)
            };
            for n in (1..self.keep).rev() {
                let from = if n == 1 {
                    self.path.clone()
                } else {
                    numbered(n - 1)
                };
                match fs::rename(&from, numbered(n)) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
            if self.keep == 1 {
                fs::remove_file(&self.path)?;
            }
        }
        self.file = super::super::private::open_private_append(&self.path)?;
        Ok(())
    }
}

#[cfg(unix)]
fn same_file(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (fs::metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(path: &Path, _file: &File) -> bool {
    path.exists()
}

/// Creates `dir` (and missing parents) readable by the user only, and makes
/// an existing `dir` so: its file names say when Attune was used.
fn make_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
        builder.mode(0o700);
        builder.create(dir)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn a_full_file_is_rotated_and_only_three_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("state/attune");
        let mut log = LogFile::open(&logs, 100, KEEP).unwrap();
        let line = |n: u32| format!("{n:04} {}\n", "x".repeat(44)); // 50 bytes
        for n in 0..7 {
            log.append(&line(n)).unwrap();
        }
        let main = logs.join(FILE_NAME);
        assert_eq!(read(&main), line(6), "two lines fill a file");
        assert_eq!(read(&logs.join("attune.log.1")), line(4) + &line(5));
        assert_eq!(read(&logs.join("attune.log.2")), line(2) + &line(3));
        assert!(!logs.join("attune.log.3").exists(), "the oldest is dropped");
        assert_eq!(fs::read_dir(&logs).unwrap().count(), KEEP);
    }

    #[test]
    fn a_second_writer_that_finds_the_file_rotated_only_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = LogFile::open(dir.path(), 100, KEEP).unwrap();
        let mut second = LogFile::open(dir.path(), 100, KEEP).unwrap();
        let long = format!("{}\n", "a".repeat(79));
        first.append(&long).unwrap();
        first.append(&long).unwrap(); // rotates: `second` now holds .1
        second.append("b\n").unwrap(); // still under its limit: goes to .1
        second.append(&long).unwrap(); // full, but .1 is not the name: reopens
        assert_eq!(read(&dir.path().join(FILE_NAME)), long.clone() + &long);
        assert_eq!(read(&dir.path().join("attune.log.1")), long + "b\n");
        assert!(!dir.path().join("attune.log.2").exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_file_and_its_folder_are_private_even_when_they_were_not() {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("attune");
        fs::create_dir(&logs).unwrap();
        fs::set_permissions(&logs, fs::Permissions::from_mode(0o755)).unwrap();
        let existing = logs.join(FILE_NAME);
        fs::write(&existing, b"old\n").unwrap();
        fs::set_permissions(&existing, fs::Permissions::from_mode(0o644)).unwrap();
        let mut log = LogFile::open(&logs, 10, KEEP).unwrap();
        assert_eq!(mode(&logs), 0o700);
        assert_eq!(mode(&existing), 0o600, "an existing file is made private");
        log.append("a line past the limit\n").unwrap();
        assert_eq!(mode(&existing), 0o600, "the new file after rotation");
        assert_eq!(mode(&logs.join("attune.log.1")), 0o600);
        assert_eq!(read(&logs.join("attune.log.1")), "old\n");
    }
}
