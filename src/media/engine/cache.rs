//! Decoded-frame cache keyed by frame index, bounded in bytes.
//!
//! Frames are stored at display resolution in I420 (1.5 bytes a pixel instead
//! of RGBA's 4), so a 250-frame GOP plus the one being stepped through fit in
//! the default 512 MB even at 1080p display size (2 x 250 x 3.1 MB = 1.5 GB would
//! not; at a 960x540 viewer it is 2 x 250 x 0.78 MB = 390 MB). Only the frame
//! presented is converted to RGBA. Eviction drops the frame farthest from
//! the playhead, so the neighbourhood a user steps through survives.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Default byte budget of the cache.
pub const DEFAULT_CACHE_BYTES: usize = 512 * 1024 * 1024;

/// One decoded frame, planar I420 packed without padding:
/// Y (w*h), then U and V (ceil(w/2)*ceil(h/2) each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedFrame {
    pub frame: u32,
    pub pts_ns: u64,
    pub width: u32,
    pub height: u32,
    /// True for BT.709 matrices (HD material), false for BT.601.
    pub bt709: bool,
    /// True for full-range samples (0-255: JPEG, many phones), false for
    /// limited range (16-235).
    pub full_range: bool,
    pub i420: Vec<u8>,
}

impl CachedFrame {
    /// Bytes the frame holds (what the budget counts).
    pub fn bytes(&self) -> usize {
        self.i420.len() + std::mem::size_of::<Self>()
    }

    /// Size of a packed I420 image.
    pub fn i420_len(width: u32, height: u32) -> usize {
        let (w, h) = (width as usize, height as usize);
        w * h + 2 * w.div_ceil(2) * h.div_ceil(2)
    }
}

/// Buffers of evicted frames, handed to the next decoded frame. Frames are
/// allocated on decoding threads and freed on others; without reuse glibc
/// spreads them over heaps that never shrink (measured: ~135 MB extra peak
/// RSS over 30 s of 1080p playback). Process-wide because every pipeline
/// thread decodes into it; bounded so it never holds much.
static SPARE_BUFFERS: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
const MAX_SPARE_BUFFERS: usize = 16;

/// A buffer for a frame of `len` bytes: a recycled one when available.
pub(crate) fn frame_buffer(len: usize) -> Vec<u8> {
    let mut spare = SPARE_BUFFERS.lock().unwrap_or_else(PoisonError::into_inner);
    match spare.iter().position(|b| b.capacity() >= len) {
        Some(i) => {
            let mut b = spare.swap_remove(i);
            b.clear();
            b
        }
        None => Vec::with_capacity(len),
    }
}

/// Returns an evicted frame's buffer for reuse, if nothing else holds it.
fn recycle(frame: Arc<CachedFrame>) {
    if let Ok(f) = Arc::try_unwrap(frame) {
        let mut spare = SPARE_BUFFERS.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < MAX_SPARE_BUFFERS {
            spare.push(f.i420);
        }
    }
}

#[derive(Debug)]
pub struct FrameCache {
    frames: BTreeMap<u32, Arc<CachedFrame>>,
    bytes: usize,
    budget: usize,
    playhead: u32,
    /// Bumped by `clear`: frames decoded for an earlier clip (a background
    /// decode that was mid-frame when the clip changed) are refused.
    generation: u64,
}

impl FrameCache {
    pub fn new(budget: usize) -> Self {
        FrameCache {
            frames: BTreeMap::new(),
            bytes: 0,
            budget,
            playhead: 0,
            generation: 0,
        }
    }

    pub fn get(&self, frame: u32) -> Option<Arc<CachedFrame>> {
        self.frames.get(&frame).cloned()
    }

    pub fn contains(&self, frame: u32) -> bool {
        self.frames.contains_key(&frame)
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    pub fn playhead(&self) -> u32 {
        self.playhead
    }

    /// Moves the point eviction measures distance from.
    pub fn set_playhead(&mut self, frame: u32) {
        self.playhead = frame;
    }

    /// Empties the cache for a new clip or display size.
    pub fn clear(&mut self) {
        for (_, f) in std::mem::take(&mut self.frames) {
            recycle(f);
        }
        self.bytes = 0;
        self.generation += 1;
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// `insert`, but only while the cache still belongs to `generation`.
    pub fn insert_for(&mut self, generation: u64, frame: Arc<CachedFrame>) -> bool {
        generation == self.generation && self.insert(frame)
    }

    /// How many frames fit in the budget at this frame size.
    pub fn capacity_frames(&self, frame_bytes: usize) -> usize {
        self.budget / frame_bytes.max(1)
    }

    fn distance(&self, frame: u32) -> u32 {
        frame.abs_diff(self.playhead)
    }

    /// Inserts a frame, evicting the frames farthest from the playhead to
    /// stay within budget. A frame that would itself be the farthest is not
    /// stored (returns false): it must not push out nearer ones.
    pub fn insert(&mut self, frame: Arc<CachedFrame>) -> bool {
        let size = frame.bytes();
        if size > self.budget {
            return false;
        }
        if let Some(old) = self.frames.remove(&frame.frame) {
            self.bytes -= old.bytes();
            recycle(old);
        }
        let new_distance = self.distance(frame.frame);
        while self.bytes + size > self.budget {
            let Some(victim) = self.farthest() else {
                break;
            };
            if self.distance(victim) <= new_distance {
                return false;
            }
            if let Some(old) = self.frames.remove(&victim) {
                self.bytes -= old.bytes();
                recycle(old);
            }
        }
        self.bytes += size;
        self.frames.insert(frame.frame, frame);
        true
    }

    /// The cached frame farthest from the playhead (ties: the one ahead,
    /// since going back is what is expensive to redo).
    fn farthest(&self) -> Option<u32> {
        let first = *self.frames.keys().next()?;
        let last = *self.frames.keys().next_back()?;
        if self.distance(last) >= self.distance(first) {
            Some(last)
        } else {
            Some(first)
        }
    }

    /// Lowest `lo` such that every frame in `lo..=frame` is cached, or None
    /// when `frame` itself is not.
    pub fn run_start(&self, frame: u32) -> Option<u32> {
        if !self.contains(frame) {
            return None;
        }
        let mut lo = frame;
        for (&k, _) in self.frames.range(..frame).rev() {
            if k + 1 != lo {
                break;
            }
            lo = k;
        }
        Some(lo)
    }

    /// Highest `hi` such that every frame in `frame..=hi` is cached.
    pub fn run_end(&self, frame: u32) -> Option<u32> {
        if !self.contains(frame) {
            return None;
        }
        let mut hi = frame;
        for (&k, _) in self.frames.range(frame + 1..) {
            if k != hi + 1 {
                break;
            }
            hi = k;
        }
        Some(hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(i: u32) -> Arc<CachedFrame> {
        Arc::new(CachedFrame {
            frame: i,
            pts_ns: i as u64 * 1000,
            width: 4,
            height: 4,
            bt709: false,
            full_range: false,
            i420: vec![i as u8; CachedFrame::i420_len(4, 4)],
        })
    }

    fn one() -> usize {
        f(0).bytes()
    }

    #[test]
    fn bound_holds_and_far_frames_go_first() {
        let mut c = FrameCache::new(one() * 10);
        c.set_playhead(50);
        for i in 40..=60 {
            c.insert(f(i));
            assert!(c.bytes() <= c.budget());
        }
        assert_eq!(c.len(), 10);
        // Whatever survived is the ten nearest the playhead.
        for i in 0..100 {
            if c.contains(i) {
                assert!(i.abs_diff(50) <= 5, "kept {i}");
            }
        }
        assert!(c.contains(50));
    }

    #[test]
    fn rejects_a_frame_farther_than_everything_kept() {
        let mut c = FrameCache::new(one() * 3);
        c.set_playhead(10);
        assert!(c.insert(f(10)));
        assert!(c.insert(f(9)));
        assert!(c.insert(f(11)));
        assert!(!c.insert(f(20)));
        assert!(c.insert(f(10)));
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn moving_playhead_changes_victims() {
        let mut c = FrameCache::new(one() * 4);
        c.set_playhead(0);
        for i in 0..4 {
            c.insert(f(i));
        }
        c.set_playhead(100);
        assert!(c.insert(f(100)));
        assert!(!c.contains(0));
    }

    #[test]
    fn runs() {
        let mut c = FrameCache::new(one() * 100);
        for i in [3, 4, 5, 7, 8] {
            c.insert(f(i));
        }
        assert_eq!(c.run_start(5), Some(3));
        assert_eq!(c.run_end(3), Some(5));
        assert_eq!(c.run_start(8), Some(7));
        assert_eq!(c.run_start(6), None);
    }

    #[test]
    fn reinserting_does_not_double_count() {
        let mut c = FrameCache::new(one() * 10);
        c.insert(f(1));
        c.insert(f(1));
        assert_eq!(c.bytes(), one());
    }
}
