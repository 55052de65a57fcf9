//! The background prefetch thread. Frames ahead of the playhead are filled
//! with the engine's own positioning decoder, which is usually right there:
//! the thread holds it only while filling, checks for cancellation between
//! frames, and the engine cancels it whenever a cache miss needs it. The run
//! behind the playhead is filled with a second, single-threaded decoder of
//! the thread's own, so that filling it never moves the positioning decoder
//! away from the frames ahead and leaves a core to what the user waits for;
//! it is opened on the first such fill and freed when playback starts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use super::backend::{Backend, ClipSpec, Event, Lane, PrefetchQueue};
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
    lane: Lane,
}

/// What the prefetch thread is asked to do.
enum Job {
    Fill(Fill),
    /// Free the background decoder.
    Release,
}

pub(super) struct Prefetcher {
    tx: Option<Sender<Job>>,
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
    fn request(&self, clip: ClipSpec, range: PrefetchRange, lane: Lane) -> u64 {
        let epoch = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
        if let Some(tx) = &self.tx {
            let clip_id = clip.id;
            let fill = Fill {
                clip,
                epoch,
                range,
                lane,
            };
            if tx.send(Job::Fill(fill)).is_err() {
                // Only when the thread has ended; the engine steps without it.
                log::debug!("clip {clip_id}: prefetch thread gone, epoch {epoch} not fetched");
            }
        }
        epoch
    }

    fn cancel(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    fn release(&self) {
        if let Some(tx) = &self.tx
            && tx.send(Job::Release).is_err()
        {
            log::debug!("prefetch thread gone: nothing to release");
        }
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
    rx: Receiver<Job>,
    epoch: Arc<AtomicU64>,
    cache: Arc<Mutex<FrameCache>>,
    decoder: Arc<Mutex<DecoderSlot<B::Decoder>>>,
    events: Sender<Event>,
) {
    let mut behind = DecoderSlot::<B::Decoder>::default();
    while let Ok(first) = rx.recv() {
        // Latest fill wins: skip fills superseded while we were busy; a
        // release among them is still carried out.
        let mut job = None;
        for next in std::iter::once(first).chain(rx.try_iter()) {
            match next {
                Job::Fill(f) => job = Some(f),
                Job::Release => behind = DecoderSlot::default(),
            }
        }
        let Some(job) = job else {
            continue;
        };
        let cancelled = || epoch.load(Ordering::Acquire) != job.epoch;
        if !cancelled() {
            match job.lane {
                Lane::Ahead => {
                    let mut slot = lock(&decoder);
                    if slot.clip_id == job.clip.id {
                        fill(backend, &mut slot, &job, &cache, &cancelled, false);
                    }
                }
                Lane::Behind => {
                    if behind.clip_id != job.clip.id {
                        // Another clip: its decoder is of no use.
                        behind = DecoderSlot {
                            clip_id: job.clip.id,
                            ..DecoderSlot::default()
                        };
                    }
                    fill(backend, &mut behind, &job, &cache, &cancelled, true);
                }
            }
        }
        if events.send(Event::PrefetchDone(job.epoch)).is_err() {
            log::debug!("prefetch epoch {} done after the engine stopped", job.epoch);
        }
    }
}

/// Decodes the job's range into the cache with the slot's decoder, opening
/// it first if need be (`background`: the light decoder of the Behind lane).
fn fill<B: Backend>(
    backend: &B,
    slot: &mut DecoderSlot<B::Decoder>,
    job: &Fill,
    cache: &Mutex<FrameCache>,
    cancelled: &dyn Fn() -> bool,
    background: bool,
) {
    let (id, range) = (job.clip.id, job.range);
    let DecoderSlot {
        decoder, stepper, ..
    } = slot;
    let opened = if background && decoder.is_none() {
        backend
            .open_background_decoder(&job.clip)
            .map(|(dec, first)| {
                stepper.set_next(first.frame + 1);
                *decoder = Some(dec);
            })
    } else {
        Ok(())
    };
    let dec = opened.and_then(|()| ensure_decoder(backend, decoder, stepper, &job.clip));
    match dec {
        Ok(dec) => {
            let filled = stepper.fill(
                dec,
                cache,
                &job.clip.timeline,
                range.start,
                range.end,
                cancelled,
            );
            if let Err(e) = filled {
                log::debug!(
                    "clip {id}: prefetch of {}..={} failed ({})",
                    range.start,
                    range.end,
                    e.kind()
                );
                // Position unknown after an error; the next fill re-seeks.
                stepper.invalidate();
            }
        }
        // The engine reports the error when it needs the decoder.
        Err(e) => log::debug!(
            "clip {id}: prefetch could not open a decoder ({})",
            e.kind()
        ),
    }
}
