//! The background prefetch thread: its own decoder, fed ranges to decode
//! into the shared cache. A newer request cancels the one in progress
//! (checked between frames), so it never delays what the user asks for.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use super::cache::FrameCache;
use super::decoder::GstDecoder;
use super::playback::Event;
use super::prefetch::PrefetchRange;
use super::stepper::Stepper;
use super::timeline::Timeline;

/// The clip the worker decodes from.
#[derive(Clone)]
pub struct ClipSpec {
    pub id: u64,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub timeline: Arc<Timeline>,
    /// The cache generation this clip's frames belong to.
    pub cache_generation: u64,
}

enum Msg {
    Fill {
        clip: ClipSpec,
        epoch: u64,
        range: PrefetchRange,
    },
    Drop,
}

pub struct Prefetcher {
    tx: Option<Sender<Msg>>,
    epoch: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl Prefetcher {
    pub fn spawn(cache: Arc<Mutex<FrameCache>>, events: Sender<Event>) -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        let epoch = Arc::new(AtomicU64::new(0));
        let e = epoch.clone();
        let thread = std::thread::Builder::new()
            .name("attune-prefetch".into())
            .spawn(move || run(rx, e, cache, events))
            .ok();
        Prefetcher {
            tx: Some(tx),
            epoch,
            thread,
        }
    }

    /// Asks for `range`; cancels whatever is in progress. Returns the epoch
    /// that its `PrefetchDone` will carry.
    pub fn request(&self, clip: ClipSpec, range: PrefetchRange) -> u64 {
        let epoch = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Fill { clip, epoch, range });
        }
        epoch
    }

    /// Cancels the range in progress (a foreground decode needs the CPU).
    pub fn cancel(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// Cancels work and releases the decoder (on close or reopen).
    pub fn reset(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Drop);
        }
    }
}

impl Drop for Prefetcher {
    fn drop(&mut self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        // Closing the channel ends the thread after the current frame.
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    rx: Receiver<Msg>,
    epoch: Arc<AtomicU64>,
    cache: Arc<Mutex<FrameCache>>,
    events: Sender<Event>,
) {
    let mut decoder: Option<(u64, GstDecoder, Stepper)> = None;
    while let Ok(mut msg) = rx.recv() {
        // Latest wins: skip fills superseded while we were busy.
        while let Ok(newer) = rx.try_recv() {
            if let Msg::Drop = newer {
                decoder = None;
            }
            msg = newer;
        }
        let (clip, my_epoch, range) = match msg {
            Msg::Drop => {
                decoder = None;
                continue;
            }
            Msg::Fill { clip, epoch, range } => (clip, epoch, range),
        };
        if decoder.as_ref().map(|d| d.0) != Some(clip.id) {
            decoder = None;
            match GstDecoder::open(
                &clip.path,
                clip.width,
                clip.height,
                (*clip.timeline).clone(),
                false,
            ) {
                Ok((dec, first)) => {
                    let mut stepper = Stepper::for_generation(clip.cache_generation);
                    stepper.set_next(first.frame + 1);
                    decoder = Some((clip.id, dec, stepper));
                }
                Err(_) => {
                    let _ = events.send(Event::PrefetchDone(my_epoch));
                    continue;
                }
            }
        }
        if let Some((_, dec, stepper)) = decoder.as_mut() {
            let cancelled = || epoch.load(Ordering::Acquire) != my_epoch;
            if stepper
                .fill(
                    dec,
                    &cache,
                    &clip.timeline,
                    range.start,
                    range.end,
                    &cancelled,
                )
                .is_err()
            {
                decoder = None;
            }
        }
        let _ = events.send(Event::PrefetchDone(my_epoch));
    }
}
