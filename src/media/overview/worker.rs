//! The `overview` thread: takes jobs in order, answers from the disk cache
//! when it can, otherwise computes the waveform and then the filmstrip at
//! lowered priority, and queues events for the UI.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use super::cache::{OverviewCache, default_cache_dir};
use super::{
    BUCKETS_PER_SECOND, Cancel, OverviewError, OverviewEvent, OverviewJob, THUMB_LONG_SIDE,
    compute_filmstrip, compute_waveform,
};

/// How long `Drop` waits for the thread. Cancellation is checked between
/// frames and packets, so it normally ends within one frame's decode.
const STOP_WAIT: Duration = Duration::from_secs(2);
/// Nice value for the thread: the UI and the playback engine come first.
#[cfg(target_os = "linux")]
const NICE: libc::c_int = 10;
/// Share of the progress bar the waveform takes when both are computed:
/// decoding audio is cheap next to decoding video.
const WAVEFORM_SHARE: f32 = 0.15;

pub struct OverviewWorker {
    jobs: Option<Sender<OverviewJob>>,
    events: Receiver<OverviewEvent>,
    cancel: Cancel,
    /// Disconnects when the thread ends, so `Drop` can wait with a timeout.
    finished: Receiver<()>,
    thread: Option<JoinHandle<()>>,
    /// Answers requests when there is no thread to take them.
    refused: Sender<OverviewEvent>,
}

impl OverviewWorker {
    /// `cache_dir: None` uses `default_cache_dir`; when that is unknown
    /// too, nothing is cached. `on_event` runs on the worker thread after
    /// each event is queued (the UI passes `ctx.request_repaint`).
    pub fn new(cache_dir: Option<PathBuf>, on_event: Box<dyn Fn() + Send + Sync>) -> Self {
        let cache = cache_dir.or_else(default_cache_dir).map(OverviewCache::new);
        let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded::<OverviewJob>();
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let (finished_tx, finished_rx) = crossbeam_channel::bounded::<()>(0);
        let cancel: Cancel = Arc::new(AtomicBool::new(false));
        let thread_cancel = cancel.clone();
        let refused = events_tx.clone();
        let thread = std::thread::Builder::new()
            .name("overview".into())
            .spawn(move || {
                let _finished = finished_tx;
                lower_priority();
                let out = Events {
                    tx: events_tx,
                    on_event,
                };
                for job in jobs_rx.iter() {
                    if thread_cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    run_job(&job, cache.as_ref(), &thread_cancel, &out);
                }
            })
            .ok();
        Self {
            jobs: Some(jobs_tx),
            events: events_rx,
            cancel,
            finished: finished_rx,
            thread,
            refused,
        }
    }

    /// Queues a job; jobs run one at a time in the order requested.
    pub fn request(&self, job: OverviewJob) {
        let hash = job.fingerprint.hash.clone();
        let queued = self.thread.is_some()
            && self
                .jobs
                .as_ref()
                .is_some_and(|jobs| jobs.send(job).is_ok());
        if !queued {
            // The OS refused the thread: say so rather than stay silent.
            let failed = self.refused.send(OverviewEvent::Failed {
                fingerprint_hash: hash,
                message: "cannot start the background thread for thumbnails".into(),
            });
            if failed.is_err() {
                log::warn!("overview: no thread, and the failure could not be reported");
            }
        }
    }

    /// The next event, if any; never blocks.
    pub fn try_recv(&self) -> Option<OverviewEvent> {
        self.events.try_recv().ok()
    }
}

impl Drop for OverviewWorker {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            // Disconnected means the thread has ended; on a timeout it is
            // left to finish its current frame on its own rather than
            // holding up the window closing.
            if let Err(crossbeam_channel::RecvTimeoutError::Disconnected) =
                self.finished.recv_timeout(STOP_WAIT)
                && thread.join().is_err()
            {
                log::warn!("overview: the background thread panicked");
            }
        }
    }
}

struct Events {
    tx: Sender<OverviewEvent>,
    on_event: Box<dyn Fn() + Send + Sync>,
}

impl Events {
    fn send(&self, event: OverviewEvent) {
        if self.tx.send(event).is_ok() {
            (self.on_event)();
        }
    }
}

/// Sends progress in steps of at least 1%, so a long job does not make the
/// UI repaint for every frame it decodes.
struct Progress<'a> {
    out: &'a Events,
    hash: &'a str,
    last: f32,
}

impl Progress<'_> {
    fn report(&mut self, fraction: f32) {
        let fraction = fraction.clamp(0.0, 1.0);
        if fraction - self.last >= 0.01 || (fraction >= 1.0 && self.last < 1.0) {
            self.last = fraction;
            self.out.send(OverviewEvent::Progress {
                fingerprint_hash: self.hash.to_owned(),
                fraction,
            });
        }
    }
}

fn run_job(job: &OverviewJob, cache: Option<&OverviewCache>, cancel: &Cancel, out: &Events) {
    let hash = job.fingerprint.hash.clone();
    let failed = |e: OverviewError| {
        if !matches!(e, OverviewError::Cancelled { .. }) {
            out.send(OverviewEvent::Failed {
                fingerprint_hash: hash.clone(),
                message: e.to_string(),
            });
        }
    };
    out.send(OverviewEvent::Progress {
        fingerprint_hash: hash.clone(),
        fraction: 0.0,
    });
    let mut progress = Progress {
        out,
        hash: &hash,
        last: 0.0,
    };
    let cached_wave = cache.and_then(|c| c.load_waveform(job, BUCKETS_PER_SECOND));
    let cached_film = cache.and_then(|c| c.load_filmstrip(job, THUMB_LONG_SIDE));
    let wave_share = match (&cached_wave, &cached_film) {
        (None, None) => WAVEFORM_SHARE,
        (None, Some(_)) => 1.0,
        _ => 0.0,
    };

    let waveform = match cached_wave {
        Some(known) => Some(known),
        None => {
            let mut report = |f: f32| progress.report(f * wave_share);
            match compute_waveform(job, BUCKETS_PER_SECOND, cancel, &mut report) {
                Ok(w) => {
                    if let Some(cache) = cache {
                        // A cache that cannot be written only costs time
                        // next time; the overview itself is still shown.
                        if let Err(e) = cache.store_waveform(job, BUCKETS_PER_SECOND, w.as_ref()) {
                            log::warn!("overview: the waveform was not cached: {e}");
                        }
                    }
                    Some(w)
                }
                Err(e @ (OverviewError::Audio { .. } | OverviewError::Cancelled { .. })) => {
                    // Broken audio is reported, but the pictures may still
                    // be fine, so carry on with the filmstrip.
                    let stop = matches!(e, OverviewError::Cancelled { .. });
                    failed(e);
                    if stop {
                        return;
                    }
                    None
                }
                Err(e) => {
                    // The file itself is unusable: the filmstrip would fail
                    // the same way.
                    failed(e);
                    return;
                }
            }
        }
    };
    if let Some(Some(w)) = waveform {
        out.send(OverviewEvent::Waveform {
            fingerprint_hash: hash.clone(),
            waveform: Arc::new(w),
        });
    }

    let filmstrip = match cached_film {
        Some(f) => f,
        None => {
            let mut report = |f: f32| progress.report(wave_share + f * (1.0 - wave_share));
            match compute_filmstrip(job, THUMB_LONG_SIDE, cancel, &mut report) {
                Ok(f) => {
                    if let Some(cache) = cache {
                        // As for the waveform: only costs time next time.
                        if let Err(e) = cache.store_filmstrip(job, THUMB_LONG_SIDE, &f) {
                            log::warn!("overview: the filmstrip was not cached: {e}");
                        }
                    }
                    f
                }
                Err(e) => {
                    failed(e);
                    return;
                }
            }
        }
    };
    out.send(OverviewEvent::Filmstrip {
        fingerprint_hash: hash.clone(),
        filmstrip: Arc::new(filmstrip),
    });
    progress.report(1.0);
}

/// Lowers this thread's scheduling priority so that decoding thumbnails
/// never takes a core from the UI or the playback engine. On Linux the nice
/// value belongs to the thread, not the process.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: gettid and setpriority only read their integer arguments.
    // Failure (e.g. a sandbox forbidding it) only leaves the priority as it
    // was, so the result is not checked.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, NICE);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}
