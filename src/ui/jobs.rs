//! The one way the UI runs work in the background: opening a project,
//! saving, probing and relinking clips, thumbnails, rendering a reel,
//! writing a still, native dialogs. Each job gets a named thread, a bounded
//! channel back, a repaint when something arrives, an optional cancel flag
//! and a typed result, so no component spawns threads or owns channels of
//! its own, and a job whose thread died is reported instead of awaited for
//! ever.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, TryRecvError, bounded};

/// How many progress updates may wait for the UI before the worker waits:
/// the UI drains them every frame, so this only bounds memory.
const PROGRESS_ROOM: usize = 64;

/// A job could not be started, or ended without an answer.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("could not start the {name} job: {source}")]
    Spawn {
        name: &'static str,
        source: std::io::Error,
    },
    /// The worker thread ended without a result (it panicked).
    #[error("the {name} job stopped unexpectedly")]
    Lost { name: &'static str },
}

enum Message<T, P> {
    Progress(P),
    Done(T),
}

/// What a worker is handed: progress reporting and the cancel flag.
pub(super) struct Worker<P> {
    tx: Sender<Message<(), P>>,
    ctx: egui::Context,
    cancel: Arc<AtomicBool>,
}

impl<P> Worker<P> {
    /// Sends one update (waiting if the UI is behind). False once nobody
    /// listens any more: the worker should stop.
    pub(super) fn report(&self, progress: P) -> bool {
        let sent = self.tx.send(Message::Progress(progress)).is_ok();
        self.ctx.request_repaint();
        sent
    }

    /// Set when the person pressed Cancel; long jobs poll it.
    pub(super) fn cancel_flag(&self) -> &AtomicBool {
        &self.cancel
    }
}

/// A job in flight, polled by the component that started it.
pub struct Job<T, P = ()> {
    name: &'static str,
    progress: Receiver<Message<(), P>>,
    result: Receiver<Message<T, ()>>,
    cancel: Arc<AtomicBool>,
}

/// Starts `work` on its own named thread. The UI repaints when it reports
/// progress and when it ends.
pub(super) fn spawn<T, P, F>(
    ctx: &egui::Context,
    name: &'static str,
    work: F,
) -> Result<Job<T, P>, JobError>
where
    T: Send + 'static,
    P: Send + 'static,
    F: FnOnce(&Worker<P>) -> T + Send + 'static,
{
    let (progress_tx, progress) = bounded(PROGRESS_ROOM);
    let (result_tx, result) = bounded(1);
    let cancel = Arc::new(AtomicBool::new(false));
    let worker = Worker {
        tx: progress_tx,
        ctx: ctx.clone(),
        cancel: cancel.clone(),
    };
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let started = Instant::now();
            let outcome = work(&worker);
            log::debug!("{name} job ended after {:?}", started.elapsed());
            // Nobody listening means the component was closed: the result
            // has no one to go to, which is fine.
            if result_tx.send(Message::Done(outcome)).is_err() {
                log::debug!("{name} job finished after its window went away");
            }
            worker.ctx.request_repaint();
        })
        .map_err(|source| JobError::Spawn { name, source })?;
    Ok(Job {
        name,
        progress,
        result,
        cancel,
    })
}

/// A job whose answer is already known (a scripted dialog in a test): it
/// is polled like any other, so callers have one path.
pub(super) fn ready<T, P>(name: &'static str, answer: T) -> Job<T, P> {
    let (_, progress) = bounded(0);
    let (result_tx, result) = bounded(1);
    // Cannot fail: the receiver is alive below and the channel has room.
    result_tx.try_send(Message::Done(answer)).ok();
    Job {
        name,
        progress,
        result,
        cancel: Arc::new(AtomicBool::new(false)),
    }
}

impl<T, P> Job<T, P> {
    /// Asks the worker to stop; it ends at its next check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Hands every progress update that arrived to `on_progress`, then the
    /// result once the job has ended.
    pub fn poll(&mut self, mut on_progress: impl FnMut(P)) -> Option<Result<T, JobError>> {
        while let Ok(Message::Progress(p)) = self.progress.try_recv() {
            on_progress(p);
        }
        match self.result.try_recv() {
            Ok(Message::Done(outcome)) => Some(Ok(outcome)),
            Ok(Message::Progress(())) | Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                log::warn!("{} job ended without a result", self.name);
                Some(Err(JobError::Lost { name: self.name }))
            }
        }
    }

    /// The result alone, for jobs that report no progress.
    pub fn poll_result(&mut self) -> Option<Result<T, JobError>> {
        self.poll(|_| {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn wait<T, P>(job: &mut Job<T, P>, mut seen: impl FnMut(P)) -> Result<T, JobError> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(outcome) = job.poll(&mut seen) {
                return outcome;
            }
            assert!(Instant::now() < deadline, "job did not end in 10 s");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn delivers_progress_in_order_then_the_result() {
        let ctx = egui::Context::default();
        let mut job = spawn(&ctx, "count", |w: &Worker<u32>| {
            (0..200).take_while(|&i| w.report(i)).count()
        })
        .expect("spawn");
        let mut seen = Vec::new();
        let result = wait(&mut job, |p| seen.push(p)).expect("result");
        assert_eq!(result, 200);
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn cancel_reaches_the_worker() {
        let ctx = egui::Context::default();
        let mut job = spawn(&ctx, "wait-for-cancel", |w: &Worker<()>| {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !w.cancel_flag().load(Ordering::Relaxed) {
                if Instant::now() > deadline {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            true
        })
        .expect("spawn");
        job.cancel();
        assert!(wait(&mut job, |_| {}).expect("result"));
    }

    #[test]
    fn a_worker_that_panics_is_reported_lost() {
        let ctx = egui::Context::default();
        let mut job = spawn(&ctx, "doomed", |_: &Worker<()>| -> u8 {
            panic!("the worker fails");
        })
        .expect("spawn");
        let outcome = wait(&mut job, |_| {});
        assert!(matches!(outcome, Err(JobError::Lost { name: "doomed" })));
    }

    #[test]
    fn a_dropped_job_stops_a_reporting_worker() {
        let ctx = egui::Context::default();
        let (done_tx, done_rx) = bounded(1);
        let job = spawn(&ctx, "orphan", move |w: &Worker<u32>| {
            let mut i = 0;
            while w.report(i) {
                i += 1;
            }
            done_tx.send(i).ok();
        })
        .expect("spawn");
        drop(job);
        let stopped_at = done_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("worker stops once nobody listens");
        assert!(stopped_at <= PROGRESS_ROOM as u32 + 1);
    }
}
