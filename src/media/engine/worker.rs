//! The background prefetch thread. It shares the engine's single decoder
//! pipeline (one 1080p software decoder costs ~200 MB, and two would fight
//! over two cores): it holds the decoder only while filling a range, checks
//! for cancellation between frames, and the engine cancels it whenever a
//! cache miss needs the decoder, so a fill never delays what the user asks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use super::cache::FrameCache;
use super::decoder::GstDecoder;
use super::playback::Event;
use super::prefetch::PrefetchRange;
use super::state::lock;
use super::stepper::Stepper;
use super::timeline::Timeline;

/// The clip's decoder and where it stands.
#[derive(Default)]
pub struct DecoderSlot {
    pub clip_id: u64,
    pub decoder: Option<GstDecoder>,
    pub stepper: Stepper,
}

/// The clip a request is for.
#[derive(Clone)]
pub struct ClipSpec {
    pub id: u64,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    /// Clockwise turn from the display matrix; decides the video bin's order.
    pub rotation: u32,
    pub timeline: Arc<Timeline>,
}

struct Fill {
    clip: ClipSpec,
    epoch: u64,
    range: PrefetchRange,
}

pub struct Prefetcher {
    tx: Option<Sender<Fill>>,
    epoch: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl Prefetcher {
    pub fn spawn(
        cache: Arc<Mutex<FrameCache>>,
        decoder: Arc<Mutex<DecoderSlot>>,
        events: Sender<Event>,
    ) -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        let epoch = Arc::new(AtomicU64::new(0));
        let e = epoch.clone();
        let thread = std::thread::Builder::new()
            .name("attune-prefetch".into())
            .spawn(move || run(rx, e, cache, decoder, events))
            .ok();
        Prefetcher {
            tx: Some(tx),
            epoch,
            thread,
        }
    }

    /// Asks for `range`, cancelling whatever is in progress. Returns the
    /// epoch its `PrefetchDone` will carry.
    pub fn request(&self, clip: ClipSpec, range: PrefetchRange) -> u64 {
        let epoch = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
        if let Some(tx) = &self.tx {
            let _ = tx.send(Fill { clip, epoch, range });
        }
        epoch
    }

    /// Cancels the fill in progress (the decoder is wanted elsewhere).
    pub fn cancel(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }
}

impl Drop for Prefetcher {
    fn drop(&mut self) {
        self.cancel();
        // Closing the channel ends the thread after the current frame.
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    rx: Receiver<Fill>,
    epoch: Arc<AtomicU64>,
    cache: Arc<Mutex<FrameCache>>,
    decoder: Arc<Mutex<DecoderSlot>>,
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
            if *clip_id == job.clip.id
                && let Ok(dec) = super::thread::ensure_decoder(decoder, stepper, &job.clip)
                && stepper
                    .fill(
                        dec,
                        &cache,
                        &job.clip.timeline,
                        job.range.start,
                        job.range.end,
                        &cancelled,
                    )
                    .is_err()
            {
                // Position unknown after an error; the next user seek re-seeks.
                stepper.invalidate();
            }
        }
        let _ = events.send(Event::PrefetchDone(job.epoch));
    }
}
