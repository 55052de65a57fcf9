//! Getting a given frame out of a decoder and the cache: the decision between
//! a cache lookup, decoding forward, and an accurate seek. Pure logic over the
//! [`FrameDecoder`] trait so it is tested with a hand-driven fake decoder.

use std::sync::{Arc, Mutex};

use super::cache::{CachedFrame, FrameCache};
use super::error::EngineError;
use super::timeline::Timeline;

/// A source of decoded frames in presentation order (a GStreamer pipeline in
/// the app, a fake in tests).
pub trait FrameDecoder {
    /// Flushes and positions the decoder so that the frames it returns next
    /// run up to and through `frame` (an accurate seek). It may first return
    /// a few frames before `frame`; those are cached like any other.
    fn seek(&mut self, frame: u32) -> Result<(), EngineError>;
    /// The next frame in presentation order; `None` at the end of the stream.
    fn next_frame(&mut self) -> Result<Option<CachedFrame>, EngineError>;
}

/// Decoding forward beats seeking when the target is at most this many
/// frames ahead even across a keyframe (a seek costs a flush and a restart).
const FORWARD_SLACK: u32 = 8;

/// Locks the cache, recovering from a poisoned lock: the cache holds plain
/// data that stays consistent even if a holder panicked.
pub(crate) fn lock(cache: &Mutex<FrameCache>) -> std::sync::MutexGuard<'_, FrameCache> {
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Tracks where a decoder is, so it is only re-seeked when that is cheaper.
#[derive(Debug, Default, Clone)]
pub struct Stepper {
    /// The frame the decoder will return next, when known.
    next: Option<u32>,
    /// Cache generation the decoded frames belong to (None: any).
    generation: Option<u64>,
}

impl Stepper {
    pub fn new() -> Self {
        Stepper {
            next: None,
            generation: None,
        }
    }

    /// Only insert frames while the cache is still at `generation`.
    pub fn for_generation(generation: u64) -> Self {
        Stepper {
            next: None,
            generation: Some(generation),
        }
    }

    /// The frame the decoder returns next, if known.
    pub fn next_decoded(&self) -> Option<u32> {
        self.next
    }

    /// Records where a decoder stands (e.g. right after opening).
    pub fn set_next(&mut self, next: u32) {
        self.next = Some(next);
    }

    /// Forget the decoder position (after a flush done elsewhere).
    pub fn invalidate(&mut self) {
        self.next = None;
    }

    fn should_decode_forward(&self, tl: &Timeline, target: u32) -> bool {
        match self.next {
            Some(n) if n <= target => {
                let key = tl.keyframe_at_or_before(target);
                // Decoding forward outputs (scales, copies) every frame; a
                // seek decodes from the keyframe but outputs only the target,
                // about half the cost a frame. Go forward when cheaper.
                target - n <= FORWARD_SLACK || (key <= n && 2 * (target - n) <= target - key)
            }
            _ => false,
        }
    }

    /// Positions the decoder so that frames from `start` on come next.
    fn position<D: FrameDecoder>(
        &mut self,
        dec: &mut D,
        tl: &Timeline,
        start: u32,
    ) -> Result<(), EngineError> {
        if !self.should_decode_forward(tl, start) {
            self.next = None;
            dec.seek(start)?;
            self.next = Some(start);
        }
        Ok(())
    }

    /// Returns `target`, from the cache if present, else decoded (every
    /// frame decoded on the way is cached too). With `whole_gop` (a backward
    /// step missed the cache) decoding starts at the GOP's keyframe and keeps
    /// every frame, so the following back steps are lookups; otherwise an
    /// accurate seek outputs only the target, the fastest single frame.
    pub fn frame_at<D: FrameDecoder>(
        &mut self,
        dec: &mut D,
        cache: &Mutex<FrameCache>,
        tl: &Timeline,
        target: u32,
        whole_gop: bool,
    ) -> Result<Arc<CachedFrame>, EngineError> {
        if let Some(f) = lock(cache).get(target) {
            return Ok(f);
        }
        let start = if whole_gop {
            let key = tl.keyframe_at_or_before(target);
            let cache = lock(cache);
            // Frames already cached just before the target need no repeat.
            (key..target)
                .rev()
                .find(|&f| !cache.contains(f))
                .map_or(target, |_| key)
        } else {
            target
        };
        self.position(dec, tl, start)?;
        match self.decode_until(dec, cache, tl, target, &|| false)? {
            Some(f) => Ok(f),
            None => {
                // The decoder overshot or ended early (timestamps it reports
                // disagree with the index): restart from the keyframe once.
                self.next = None;
                let key = tl.keyframe_at_or_before(target);
                dec.seek(key)?;
                self.next = Some(key);
                self.decode_until(dec, cache, tl, target, &|| false)?
                    .ok_or(EngineError::FrameUnavailable { frame: target })
            }
        }
    }

    /// Decodes `start..=end` into the cache (background prefetch). Stops
    /// early, without error, when `cancelled` turns true.
    pub fn fill<D: FrameDecoder>(
        &mut self,
        dec: &mut D,
        cache: &Mutex<FrameCache>,
        tl: &Timeline,
        start: u32,
        end: u32,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<(), EngineError> {
        self.position(dec, tl, start)?;
        self.decode_until(dec, cache, tl, end, cancelled)?;
        Ok(())
    }

    /// Pulls frames until `target` comes out (returned), the decoder passes
    /// it or ends (None), or `cancelled`. Bounded by the GOP length.
    fn decode_until<D: FrameDecoder>(
        &mut self,
        dec: &mut D,
        cache: &Mutex<FrameCache>,
        tl: &Timeline,
        target: u32,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<Option<Arc<CachedFrame>>, EngineError> {
        let limit = tl.max_gop() as usize + FORWARD_SLACK as usize + 2 + {
            let from = self.next.unwrap_or(target);
            target.saturating_sub(from) as usize
        };
        for _ in 0..limit {
            if cancelled() {
                return Ok(None);
            }
            let Some(frame) = dec.next_frame()? else {
                self.next = None;
                return Ok(None);
            };
            let index = frame.frame;
            self.next = Some(index + 1);
            let frame = Arc::new(frame);
            {
                let mut c = lock(cache);
                match self.generation {
                    Some(g) => c.insert_for(g, frame.clone()),
                    None => c.insert(frame.clone()),
                };
            }
            if index == target {
                return Ok(Some(frame));
            }
            if index > target {
                return Ok(None);
            }
        }
        Ok(None)
    }
}
