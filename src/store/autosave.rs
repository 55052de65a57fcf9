//! Autosave to the recovery file, off the UI thread: `tick` only clones the
//! project and hands it to a background writer, so a slow shared drive never
//! freezes playback.
//!
//! The recovery file outlives the autosaver on purpose. After a successful
//! save, or when the user closes a clean project (e.g. undone back to the
//! saved state), call `discard_recovery` so it is not offered next time.

use super::save::{SaveError, write_recovery};
use crate::model::{Document, Project};
use crossbeam_channel::{Receiver, Sender, TrySendError, bounded, unbounded};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const DEFAULT_AUTOSAVE_INTERVAL: Duration = Duration::from_secs(30);

/// How long dropping the autosaver waits for a write in progress.
const STOP_WAIT: Duration = Duration::from_secs(5);

struct Job {
    revision: u64,
    project: Project,
}

enum Report {
    Written(u64),
    Failed(SaveError),
}

pub struct Autosaver {
    jobs: Option<Sender<Job>>,
    reports: Receiver<Report>,
    stopped: Receiver<()>,
    thread: Option<JoinHandle<()>>,
    interval: Duration,
    last_sent: Option<u64>,
    last_sent_at: Instant,
    last_written: Option<u64>,
    errors: Vec<SaveError>,
}

impl Autosaver {
    pub fn new(project_path: &Path) -> std::io::Result<Self> {
        Self::with_interval(project_path, DEFAULT_AUTOSAVE_INTERVAL)
    }

    pub fn with_interval(project_path: &Path, interval: Duration) -> std::io::Result<Self> {
        // One job in flight at most: if the disk is slow we skip ahead to the
        // newest state rather than queue stale ones.
        let (jobs, job_rx) = bounded::<Job>(1);
        let (report_tx, reports) = unbounded();
        let (stopped_tx, stopped) = bounded(1);
        let path: PathBuf = project_path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("attune-autosave".into())
            .spawn(move || {
                for job in job_rx {
                    let report = match write_recovery(&path, &job.project) {
                        Ok(()) => Report::Written(job.revision),
                        Err(e) => Report::Failed(e),
                    };
                    if report_tx.send(report).is_err() {
                        break;
                    }
                }
                // The autosaver may have given up waiting (a hung disk) and
                // gone: then nobody needs to hear that we stopped.
                stopped_tx.send(()).ok();
            })?;
        Ok(Self {
            jobs: Some(jobs),
            reports,
            stopped,
            thread: Some(thread),
            interval,
            last_sent: None,
            last_sent_at: Instant::now(),
            last_written: None,
            errors: Vec::new(),
        })
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    pub fn set_interval(&mut self, interval: Duration) {
        self.interval = interval;
    }

    /// Call often (every frame is fine): autosaves at most once per interval,
    /// and only unsaved work that has not been autosaved yet.
    pub fn tick(&mut self, doc: &Document, now: Instant) {
        self.collect_reports();
        let due = now.saturating_duration_since(self.last_sent_at) >= self.interval;
        if !doc.is_dirty() || self.last_sent == Some(doc.revision()) || !due {
            return;
        }
        let Some(jobs) = &self.jobs else { return };
        let job = Job {
            revision: doc.revision(),
            project: doc.project().clone(),
        };
        match jobs.try_send(job) {
            Ok(()) => {
                self.last_sent = Some(doc.revision());
                self.last_sent_at = now;
            }
            // Still writing the previous one: try again on a later tick.
            Err(TrySendError::Full(_)) => {}
            Err(TrySendError::Disconnected(_)) => self.jobs = None,
        }
    }

    /// Revision of the newest state known to be in the recovery file.
    pub fn last_written_revision(&mut self) -> Option<u64> {
        self.collect_reports();
        self.last_written
    }

    pub fn last_error(&mut self) -> Option<&SaveError> {
        self.collect_reports();
        self.errors.last()
    }

    /// Failed autosaves since the last call, oldest first, to show the user.
    pub fn drain_errors(&mut self) -> Vec<SaveError> {
        self.collect_reports();
        std::mem::take(&mut self.errors)
    }

    fn collect_reports(&mut self) {
        for report in self.reports.try_iter() {
            match report {
                Report::Written(revision) => self.last_written = Some(revision),
                Report::Failed(e) => self.errors.push(e),
            }
        }
    }
}

impl Drop for Autosaver {
    fn drop(&mut self) {
        // Closing the channel ends the writer after its current job.
        self.jobs = None;
        // Disconnected: the thread ended without saying so (a panic), and
        // joining it returns at once.
        if let Err(crossbeam_channel::RecvTimeoutError::Timeout) =
            self.stopped.recv_timeout(STOP_WAIT)
        {
            // The disk is hung: leave the thread rather than hang the UI.
            log::warn!("autosave still writing after {STOP_WAIT:?}; not waiting for it");
            return;
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            log::error!("the autosave thread panicked");
        }
    }
}
