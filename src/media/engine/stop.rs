//! Engine threads that can be stopped without hanging the caller: each
//! thread holds a channel end that disconnects when it ends, so a drop
//! waits for it with a timeout, joins it when it is over, and otherwise
//! logs and leaves it to finish on its own (detached).

use std::io;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};

/// A named thread whose end can be waited for with a bound.
pub(crate) struct StoppableThread {
    name: &'static str,
    thread: JoinHandle<()>,
    /// Disconnects when the thread ends (also when it panics).
    finished: Receiver<()>,
}

impl StoppableThread {
    /// Starts `work` on a thread called `name`.
    pub(super) fn spawn(
        name: &'static str,
        work: impl FnOnce() + Send + 'static,
    ) -> io::Result<Self> {
        let (finished_tx, finished) = crossbeam_channel::bounded::<()>(0);
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                // Dropped last, after everything `work` owned.
                let _finished = finished_tx;
                work();
            })?;
        Ok(StoppableThread {
            name,
            thread,
            finished,
        })
    }

    /// Waits at most `bound` for the thread to end (the caller has already
    /// told it to), then joins it; past the bound it is detached.
    pub(super) fn stop_within(self, bound: Duration) {
        match self.finished.recv_timeout(bound) {
            Err(RecvTimeoutError::Timeout) => {
                log::warn!(
                    "{} thread did not stop within {} ms; left to finish on its own",
                    self.name,
                    bound.as_millis()
                );
            }
            // Nothing is ever sent: only the disconnect (the thread has
            // ended, or is returning) gets here.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                if self.thread.join().is_err() {
                    log::warn!("{} thread panicked", self.name);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn a_thread_that_ends_is_joined_and_a_stuck_one_does_not_hold_the_caller() {
        let done = StoppableThread::spawn("test-quick", || {});
        done.expect("the OS starts a thread")
            .stop_within(Duration::from_secs(5));

        let (release, wait) = crossbeam_channel::bounded::<()>(0);
        let stuck = StoppableThread::spawn("test-stuck", move || {
            // Blocks until the test lets it go (by disconnecting), well
            // after the bound.
            assert!(wait.recv().is_err(), "nothing is ever sent");
        })
        .expect("the OS starts a thread");
        let started = Instant::now();
        stuck.stop_within(Duration::from_millis(50));
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(release);
    }
}
