//! Attune's log: lines `2026-12-02T10:00:00Z LEVEL target: message` appended
//! to `$XDG_STATE_HOME/attune/attune.log` (else `~/.local/state/attune/`),
//! so a clinician who meets a problem has something to send.
//!
//! Privacy: lines say counts, ids, durations and error kinds, never notes,
//! captions, names or paths; `path_tag` and `kind_of` help with that.
//! `ATTUNE_LOG` sets the levels (see `filter`; default `info`).
//!
//! Logging never blocks or fails the caller: lines go through a bounded
//! channel to the `attune-log` thread, which writes them; a line that does
//! not fit in the channel or cannot be written is dropped and counted, and
//! the count is written once writing works again.

mod file;
mod filter;

pub(crate) use file::{FILE_NAME, KEEP, LogFile, MAX_BYTES};
pub(crate) use filter::Filter;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

/// The environment variable holding the levels.
pub const ENV_VAR: &str = "ATTUNE_LOG";

/// Lines waiting for the writer before new ones are dropped.
const QUEUE: usize = 4096;

/// How long [`flush`] waits for the writer (a hung disk must not hold up
/// the exit).
const FLUSH_WAIT: Duration = Duration::from_millis(500);

/// Why there is no log file.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("no state folder: neither XDG_STATE_HOME nor HOME is an absolute path")]
    NoStateFolder,
    #[error("cannot open the log file {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the log writer: {0}")]
    Thread(std::io::Error),
    #[error("a logger is already installed")]
    AlreadyInstalled,
}

/// `$XDG_STATE_HOME/attune` (or `~/.local/state/attune`), where the log
/// lives beside the ledger.
pub(crate) fn log_dir() -> Option<PathBuf> {
    super::ledger::state_dir()
}

/// Installs the file logger for this process, with levels from
/// `ATTUNE_LOG`. A bad `ATTUNE_LOG` gives the default levels and says so in
/// the log. Without a log file nothing is installed and log lines are
/// discarded cheaply.
pub fn install() -> Result<PathBuf, LogError> {
    let dir = log_dir().ok_or(LogError::NoStateFolder)?;
    let spec = std::env::var(ENV_VAR).unwrap_or_default();
    let (filter, bad) = match Filter::parse(&spec) {
        Ok(f) => (f, None),
        Err(e) => (Filter::default(), Some(e)),
    };
    let path = install_in(&dir, filter)?;
    if let Some(bad) = bad {
        ::log::warn!(target: "attune::files::log", "{bad}; using the default levels");
    }
    Ok(path)
}

/// Installs the file logger writing into `dir` with `filter`.
pub(crate) fn install_in(dir: &Path, filter: Filter) -> Result<PathBuf, LogError> {
    let file = LogFile::open(dir, MAX_BYTES, KEEP).map_err(|source| LogError::Open {
        path: dir.join(FILE_NAME),
        source,
    })?;
    let path = file.path().to_path_buf();
    let logger = FileLogger::start(file, filter.clone()).map_err(LogError::Thread)?;
    ::log::set_boxed_logger(Box::new(logger)).map_err(|_| LogError::AlreadyInstalled)?;
    ::log::set_max_level(filter.max());
    Ok(path)
}

/// Waits (briefly) until the lines logged so far are written: call before
/// the process exits.
pub fn flush() {
    ::log::logger().flush();
}

enum Message {
    Line(String),
    Flushed(Sender<()>),
}

pub(crate) struct FileLogger {
    filter: Filter,
    lines: Sender<Message>,
    dropped: Arc<AtomicU64>,
}

impl FileLogger {
    /// Starts the `attune-log` thread writing to `file`.
    pub(crate) fn start(file: LogFile, filter: Filter) -> std::io::Result<Self> {
        let (lines, queue) = bounded(QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&dropped);
        std::thread::Builder::new()
            .name("attune-log".into())
            .spawn(move || write_lines(file, &queue, &counter))?;
        Ok(Self {
            filter,
            lines,
            dropped,
        })
    }

    /// Lines dropped so far (queue full or write failed).
    #[cfg(test)]
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl ::log::Log for FileLogger {
    fn enabled(&self, metadata: &::log::Metadata) -> bool {
        metadata.level() <= self.filter.level_for(metadata.target())
    }

    fn log(&self, record: &::log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = format_line(chrono::Utc::now(), record);
        if self.lines.try_send(Message::Line(line)).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self) {
        let (done, wait) = bounded(1);
        match self.lines.try_send(Message::Flushed(done)) {
            // Whether written or timed out, the caller goes on.
            Ok(()) => drop(wait.recv_timeout(FLUSH_WAIT)),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {}
        }
    }
}

/// The `attune-log` thread: writes lines until every sender is gone.
fn write_lines(mut file: LogFile, queue: &Receiver<Message>, dropped: &AtomicU64) {
    let mut reported = 0;
    for message in queue {
        match message {
            Message::Line(line) => {
                let lost = dropped.load(Ordering::Relaxed);
                if lost > reported {
                    let note = format!(
                        "{} WARN attune::files::log: {} log line(s) dropped\n",
                        timestamp(chrono::Utc::now()),
                        lost - reported
                    );
                    if file.append(&note).is_ok() {
                        reported = lost;
                    }
                }
                if file.append(&line).is_err() {
                    dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
            // The waiter may have timed out and gone: nobody to tell.
            Message::Flushed(done) => drop(done.try_send(())),
        }
    }
}

fn timestamp(now: chrono::DateTime<chrono::Utc>) -> impl std::fmt::Display {
    now.format("%Y-%m-%dT%H:%M:%SZ")
}

/// One line, whatever the message holds: line breaks and other control
/// characters become spaces, so a message cannot forge a line.
pub(crate) fn format_line(now: chrono::DateTime<chrono::Utc>, record: &::log::Record) -> String {
    let mut message = String::new();
    if write!(message, "{}", record.args()).is_err() {
        message = "(a message that could not be formatted)".into();
    }
    let message: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "{} {} {}: {message}\n",
        timestamp(now),
        record.level(),
        record.target()
    )
}

/// A short tag naming a file within this run without saying its name: a
/// hash of its path keyed by a secret that lives only in this process, so
/// lines about one project can be told apart but no path can be guessed
/// from a log.
pub(crate) fn path_tag(path: &Path) -> String {
    static KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| {
        let mut seed = blake3::Hasher::new();
        seed.update(&std::process::id().to_le_bytes());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        seed.update(&now.as_nanos().to_le_bytes());
        seed.update(&(std::ptr::from_ref(&seed) as usize).to_le_bytes());
        *seed.finalize().as_bytes()
    });
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let hash = blake3::keyed_hash(key, canonical.as_os_str().as_encoded_bytes());
    hash.to_hex()[..8].to_owned()
}

/// The kind of an error without its text (which names files, reels and
/// codes): the leading variant names of its `Debug` form, e.g.
/// `Input(Missing { path: … })` gives `Input/Missing`. Only identifiers are
/// kept, and a string or path in the form ends the kind.
pub(crate) fn kind_of(error: &dyn std::fmt::Debug) -> String {
    let text = format!("{error:?}");
    let mut kind = String::new();
    let mut rest = text.as_str();
    loop {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            break;
        }
        if !kind.is_empty() {
            kind.push('/');
        }
        kind.push_str(name);
        match rest[end..].strip_prefix('(') {
            Some(inner) => rest = inner,
            None => break,
        }
    }
    if kind.is_empty() {
        kind.push_str("unknown");
    }
    kind
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_time_level_target_and_no_line_breaks() {
        let now = chrono::DateTime::from_timestamp(1_796_205_600, 0).unwrap();
        let line = format_line(
            now,
            &::log::Record::builder()
                .level(::log::Level::Warn)
                .target("attune::store")
                .args(format_args!("two\nlines\r\tand a tab"))
                .build(),
        );
        assert_eq!(
            line,
            "2026-12-02T10:00:00Z WARN attune::store: two lines  and a tab\n"
        );
    }

    #[test]
    fn a_kind_keeps_variant_names_only() {
        #[derive(Debug)]
        #[allow(dead_code)]
        enum Inner {
            Missing { path: PathBuf },
            Named(String),
        }
        #[derive(Debug)]
        #[allow(dead_code)]
        enum Outer {
            Input(Inner),
            Plain,
        }
        let missing = Outer::Input(Inner::Missing {
            path: "/home/jo/Sam.mp4".into(),
        });
        assert_eq!(kind_of(&missing), "Input/Missing");
        assert_eq!(
            kind_of(&Outer::Input(Inner::Named("Sam".into()))),
            "Input/Named"
        );
        assert_eq!(kind_of(&Outer::Plain), "Plain");
        assert_eq!(
            kind_of(&"Secret words"),
            "unknown",
            "a string is not a kind"
        );
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(kind_of(&io), "Kind/NotFound");
    }

    #[test]
    fn a_tag_is_stable_within_a_run_and_hides_the_name() {
        let a = path_tag(Path::new("/nowhere/Sam and Jo.attune.json"));
        assert_eq!(a, path_tag(Path::new("/nowhere/Sam and Jo.attune.json")));
        assert_ne!(a, path_tag(Path::new("/nowhere/other.attune.json")));
        assert_eq!(a.len(), 8);
        assert!(!a.contains("Sam"));
    }

    #[test]
    fn lines_reach_the_file_and_flush_waits_for_them() {
        use ::log::Log as _;
        let dir = tempfile::tempdir().unwrap();
        let file = LogFile::open(dir.path(), MAX_BYTES, KEEP).unwrap();
        let logger = FileLogger::start(file, Filter::parse("debug").unwrap()).unwrap();
        for level in [::log::Level::Debug, ::log::Level::Trace] {
            logger.log(
                &::log::Record::builder()
                    .level(level)
                    .target("attune::test")
                    .args(format_args!("at {level}"))
                    .build(),
            );
        }
        logger.flush();
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(text.ends_with(" DEBUG attune::test: at DEBUG\n"), "{text}");
        assert!(!text.contains("TRACE"), "filtered out: {text}");
        assert_eq!(logger.dropped(), 0);
    }
}
