//! The background prefetch thread. It shares the engine's single decoder
//! pipeline (one 1080p software decoder costs ~200 MB, and two would fight
//! over two cores): it holds the decoder only while filling a range, checks
//! for cancellation between frames, and the engine cancels it whenever a
//! cache miss needs the decoder, so a fill never delays what the user asks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use super::backend::{Backend, ClipSpec, Event, PrefetchQueue};
use super::cache::FrameCache;
use super::error::EngineError;
use super::prefetch::PrefetchRange;
use super::state::lock;
use super::stepper::Stepper;
use super::stop::StoppableThread;

/// How long dropping the [`Prefetcher`] waits for its thread. Cancelled, it
/// stops after the frame it is decoding (tens of milliseconds); only a
/// decoder being reopened (bounded by the pipeline wait) takes longer, and
/// then it is left to finish on its own.
pub(super) const PREFETCH_STOP_WAIT: Duration = Duration::from_secs(2);

/// The clip's decoder and where it stands.
pub(super) struct DecoderSlot<D> {
    pub clip_id: u64,
    pub decoder: Option<D>,
    pub stepper: Stepper,
}

impl<D> Default for DecoderSlot<D> {
    fn default() -> Self {
        DecoderSlot {
            clip_id: 0,
            decoder: None,
            stepper: Stepper::default(),
        }
    }
}

/// The clip's decoder, reopened if playback released it.
pub(super) fn ensure_decoder<'a, B: Backend>(
    backend: &B,
    decoder: &'a mut Option<B::Decoder>,
    stepper: &mut Stepper,
    spec: &ClipSpec,
) -> Result<&'a mut B::Decoder, EngineError> {
    if decoder.is_none() {
        let (dec, first, _) = backend.open_decoder(spec, false)?;
        stepper.set_next(first.frame + 1);
        *decoder = Some(dec);
    }
    decoder.as_mut().ok_or(EngineError::NotOpen)
}

struct Fill {
    clip: ClipSpec,
    epoch: u64,
    range: PrefetchRange,
}

pub(super) struct Prefetcher {
    tx: Option<Sender<Fill>>,
    epoch: Arc<AtomicU64>,
    thread: Option<StoppableThread>,
}

impl Prefetcher {
    pub(super) fn spawn<B: Backend>(
        backend: Arc<B>,
        cache: Arc<Mutex<FrameCache>>,
        decoder: Arc<Mutex<DecoderSlot<B::Decoder>>>,
        events: Sender<Event>,
    ) -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        let epoch = Arc::new(AtomicU64::new(0));
        let e = epoch.clone();
        let thread = StoppableThread::spawn("attune-prefetch", move || {
            run(&*backend, rx, e, cache, decoder, events)
        });
        let thread = match thread {
            Ok(t) => Some(t),
            Err(err) => {
                // Requests then go unanswered: stepping decodes on demand.
                log::warn!("cannot start the prefetch thread: {err}");
                None
            }
        };
        Prefetcher {
            tx: Some(tx),
            epoch,
            thread,
        }
    }
}

impl PrefetchQueue for Prefetcher {
    fn request(&self, clip: ClipSpec, range: PrefetchRange) -> u64 {
        let epoch = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
        if let Some(tx) = &self.tx {
            let clip_id = clip.id;
            if tx.send(Fill { clip, epoch, range }).is_err() {
                // Only when the thread has ended; the engine steps without it.
                log::debug!("clip {clip_id}: prefetch thread gone, epoch {epoch} not fetched");
            }
        }
        epoch
    }

    fn cancel(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }
}

impl Drop for Prefetcher {
    fn drop(&mut self) {
        self.cancel();
        // Closing the channel ends the thread after the current frame.
        self.tx = None;
        if let Some(t) = self.thread.take() {
            t.stop_within(PREFETCH_STOP_WAIT);
        }
    }
}

fn run<B: Backend>(
    backend: &B,
    rx: Receiver<Fill>,
    epoch: Arc<AtomicU64>,
    cache: Arc<Mutex<FrameCache>>,
    decoder: Arc<Mutex<DecoderSlot<B::Decoder>>>,
    events: Sender<Event>,
) {
    while let Ok(mut job) = rx.recv() {
        // Latest wins: skip fills superseded while we were busy.
        while let Ok(newer) = rx.try_recv() {
            job = newer;
        }
        let cancelled = || epoch.load(Ordering::Acquire) != job.epoch;
        if !cancelled() {
            let mut slot = lock(&decoder);
            let DecoderSlot {
                clip_id,
                decoder,
                stepper,
            } = &mut *slot;
            if *clip_id == job.clip.id {
                let (id, range) = (job.clip.id, job.range);
                match ensure_decoder(backend, decoder, stepper, &job.clip) {
                    Ok(dec) => {
                        let filled = stepper.fill(
                            dec,
                            &cache,
                            &job.clip.timeline,
                            range.start,
                            range.end,
                            &cancelled,
                        );
                        if let Err(e) = filled {
                            log::debug!(
                                "clip {id}: prefetch of {}..={} failed ({})",
                                range.start,
                                range.end,
                                e.kind()
                            );
                            // Position unknown after an error; the next user
                            // seek re-seeks.
                            stepper.invalidate();
                        }
                    }
                    // The engine reports the error when it needs the decoder.
                    Err(e) => log::debug!(
                        "clip {id}: prefetch could not reopen the decoder ({})",
                        e.kind()
                    ),
                }
            }
        }
        if events.send(Event::PrefetchDone(job.epoch)).is_err() {
            log::debug!("prefetch epoch {} done after the engine stopped", job.epoch);
        }
    }
}
