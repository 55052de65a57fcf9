//! Engine logic without GStreamer: the cache, the stepper's decisions and
//! the prefetch policy, driven by hand with a fake decoder. No threads, no
//! sleeps (the style of rerun's `re_video` player tests).

use std::sync::{Arc, Mutex};

use attune::media::engine::CachedFrame;
use attune::media::engine::EngineError;
use attune::testing::FrameCache;
use attune::testing::Timeline;
use attune::testing::prefetch::{self, PrefetchRange};
use attune::testing::{FrameDecoder, Stepper};

const W: u32 = 8;
const H: u32 = 8;

/// Decodes like a real decoder: a seek restarts at the keyframe and the
/// frames up to the target are decoded but not output. Counts the work.
struct FakeDecoder {
    tl: Timeline,
    pos: u32,
    skip_to: u32,
    decoded: u32,
    seeks: u32,
    /// Pretend the decoder lands this many frames late after a seek.
    overshoot_once: u32,
}

impl FakeDecoder {
    fn new(tl: &Timeline) -> Self {
        FakeDecoder {
            tl: tl.clone(),
            pos: 0,
            skip_to: 0,
            decoded: 0,
            seeks: 0,
            overshoot_once: 0,
        }
    }
}

fn frame(i: u32) -> CachedFrame {
    CachedFrame {
        frame: i,
        pts_ns: i as u64 * 40_000_000,
        width: W,
        height: H,
        bt709: false,
        full_range: false,
        i420: vec![(i % 251) as u8; CachedFrame::i420_len(W, H)],
    }
}

impl FrameDecoder for FakeDecoder {
    fn seek(&mut self, f: u32) -> Result<(), EngineError> {
        self.seeks += 1;
        self.pos = self.tl.keyframe_at_or_before(f);
        self.skip_to = f + std::mem::take(&mut self.overshoot_once);
        Ok(())
    }

    fn next_frame(&mut self) -> Result<Option<CachedFrame>, EngineError> {
        while self.pos < self.skip_to {
            self.pos += 1;
            self.decoded += 1;
        }
        if self.pos >= self.tl.frame_count() {
            return Ok(None);
        }
        self.decoded += 1;
        self.pos += 1;
        Ok(Some(frame(self.pos - 1)))
    }
}

fn one_frame_bytes() -> usize {
    frame(0).bytes()
}

fn cache(frames: usize) -> Mutex<FrameCache> {
    Mutex::new(FrameCache::new(one_frame_bytes() * frames))
}

fn lock(c: &Mutex<FrameCache>) -> std::sync::MutexGuard<'_, FrameCache> {
    c.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs the background prefetch to completion by hand, as the worker would.
fn run_prefetch(
    tl: &Timeline,
    cache: &Mutex<FrameCache>,
    bg: &mut FakeDecoder,
    bg_stepper: &mut Stepper,
    playhead: u32,
) -> Option<PrefetchRange> {
    let req = {
        let c = lock(cache);
        prefetch::backward_request(tl, &c, playhead, one_frame_bytes())
    }?;
    bg_stepper
        .fill(bg, cache, tl, req.start, req.end, &|| false)
        .ok()?;
    Some(req)
}

#[test]
fn accurate_seek_outputs_the_target_and_forward_steps_do_not_seek() {
    let tl = Timeline::constant(600, 30, 1, 60);
    let c = cache(1000);
    let mut dec = FakeDecoder::new(&tl);
    let mut st = Stepper::new();
    let f = st
        .frame_at(&mut dec, &c, &tl, 130, false)
        .map_err(|e| e.to_string());
    assert_eq!(f.map(|f| f.frame), Ok(130));
    assert_eq!(dec.seeks, 1);
    assert_eq!(dec.decoded, 11, "keyframe 120 to 130");
    for i in 131..200 {
        let f = st.frame_at(&mut dec, &c, &tl, i, false).map(|f| f.frame);
        assert_eq!(f.ok(), Some(i));
    }
    assert_eq!(dec.seeks, 1, "forward steps decode forward");
}

#[test]
fn backward_steps_inside_the_cache_decode_nothing() {
    let tl = Timeline::constant(600, 30, 1, 60);
    let c = cache(1000);
    let mut dec = FakeDecoder::new(&tl);
    let mut st = Stepper::new();
    for i in 100..=150 {
        assert!(st.frame_at(&mut dec, &c, &tl, i, false).is_ok());
    }
    let before = dec.decoded;
    for i in (100..150).rev() {
        let f = st.frame_at(&mut dec, &c, &tl, i, true).map(|f| f.frame);
        assert_eq!(f.ok(), Some(i));
    }
    assert_eq!(dec.decoded, before);
}

#[test]
fn a_backward_miss_fills_the_whole_gop() {
    let tl = Timeline::constant(600, 30, 1, 60);
    let c = cache(1000);
    let mut dec = FakeDecoder::new(&tl);
    let mut st = Stepper::new();
    assert!(st.frame_at(&mut dec, &c, &tl, 130, false).is_ok());
    assert!(st.frame_at(&mut dec, &c, &tl, 129, true).is_ok());
    let seeks = dec.seeks;
    for i in (120..129).rev() {
        assert_eq!(
            st.frame_at(&mut dec, &c, &tl, i, true)
                .ok()
                .map(|f| f.frame),
            Some(i)
        );
    }
    assert_eq!(dec.seeks, seeks, "the rest of the GOP was already cached");
}

#[test]
fn the_whole_long_gop_clip_backwards_is_all_cache_hits_with_prefetch() {
    // Portrait sample shape: 375 frames, GOP 250.
    let tl = Timeline::constant(375, 25, 1, 250);
    let c = cache(2000);
    let mut fg = FakeDecoder::new(&tl);
    let mut bg = FakeDecoder::new(&tl);
    let (mut fst, mut bst) = (Stepper::new(), Stepper::new());
    let last = 374;
    lock(&c).set_playhead(last);
    assert!(fst.frame_at(&mut fg, &c, &tl, last, false).is_ok());
    run_prefetch(&tl, &c, &mut bg, &mut bst, last);
    let fg_work = fg.decoded;
    for p in (0..last).rev() {
        lock(&c).set_playhead(p);
        let got = fst.frame_at(&mut fg, &c, &tl, p, true).map(|f| f.frame);
        assert_eq!(got.ok(), Some(p));
        // The worker gets a turn between steps (a held key leaves 33 ms).
        while run_prefetch(&tl, &c, &mut bg, &mut bst, p).is_some_and(|r| !lock(&c).contains(r.end))
        {
        }
    }
    assert_eq!(fg.decoded, fg_work, "every back step was a cache lookup");
    assert!(
        bg.decoded <= 375 + 250,
        "each frame decoded about once: {}",
        bg.decoded
    );
}

#[test]
fn prefetch_waits_until_the_playhead_nears_the_run_start() {
    let tl = Timeline::constant(1000, 30, 1, 60);
    let c = cache(1000);
    let mut dec = FakeDecoder::new(&tl);
    let mut st = Stepper::new();
    assert!(st.fill(&mut dec, &c, &tl, 300, 400, &|| false).is_ok());
    let cc = lock(&c);
    // 100 cached frames behind frame 400: nothing to do yet.
    assert_eq!(
        prefetch::backward_request(&tl, &cc, 400, one_frame_bytes()),
        None
    );
    // Near the start of the run: the GOP before it.
    assert_eq!(
        prefetch::backward_request(&tl, &cc, 310, one_frame_bytes()),
        Some(PrefetchRange {
            start: 240,
            end: 299
        })
    );
    // At frame 0 there is nothing before.
    drop(cc);
    let c2 = cache(100);
    assert!(st.fill(&mut dec, &c2, &tl, 0, 10, &|| false).is_ok());
    assert_eq!(
        prefetch::backward_request(&tl, &lock(&c2), 5, one_frame_bytes()),
        None
    );
}

#[test]
fn prefetch_never_asks_for_more_than_the_budget_holds() {
    let tl = Timeline::constant(1000, 30, 1, 250);
    let c = cache(40);
    let mut dec = FakeDecoder::new(&tl);
    let mut st = Stepper::new();
    lock(&c).set_playhead(510);
    assert!(st.fill(&mut dec, &c, &tl, 500, 510, &|| false).is_ok());
    let req = prefetch::backward_request(&tl, &lock(&c), 510, one_frame_bytes());
    // 40 frames: 11 cached + 8 ahead leaves room for 21.
    assert_eq!(
        req,
        Some(PrefetchRange {
            start: 479,
            end: 499
        })
    );
}

#[test]
fn forward_request_covers_missing_frames_ahead() {
    let tl = Timeline::constant(100, 30, 1, 30);
    let c = cache(100);
    let mut dec = FakeDecoder::new(&tl);
    let mut st = Stepper::new();
    assert!(st.fill(&mut dec, &c, &tl, 50, 52, &|| false).is_ok());
    assert_eq!(
        prefetch::forward_request(&tl, &lock(&c), 50),
        Some(PrefetchRange { start: 53, end: 58 })
    );
    assert_eq!(prefetch::forward_request(&tl, &lock(&c), 99), None);
}

#[test]
fn cache_bound_holds_on_a_long_walk_and_evicted_frames_come_back() {
    let tl = Timeline::constant(2000, 30, 1, 60);
    let c = cache(50);
    let budget = lock(&c).budget();
    let mut dec = FakeDecoder::new(&tl);
    let mut st = Stepper::new();
    let mut p: i64 = 1000;
    let walk = [37i64, -80, 120, -200, 15, -3, 300, -450, 90];
    for (i, d) in walk.iter().cycle().take(60).enumerate() {
        let dir = d.signum();
        for _ in 0..d.abs() {
            p = (p + dir).clamp(0, 1999);
            lock(&c).set_playhead(p as u32);
            let got = st.frame_at(&mut dec, &c, &tl, p as u32, dir < 0);
            let got = got.map_err(|e| e.to_string());
            assert_eq!(got.as_ref().map(|f| f.frame), Ok(p as u32), "walk {i}");
            // The content is the frame's own, evicted or not before.
            assert_eq!(got.map(|f| f.i420[0]), Ok((p as u32 % 251) as u8));
            assert!(lock(&c).bytes() <= budget);
        }
    }
}

#[test]
fn a_decoder_that_lands_late_is_re_seeked_from_the_keyframe() {
    let tl = Timeline::constant(300, 30, 1, 60);
    let c = cache(300);
    let mut dec = FakeDecoder::new(&tl);
    dec.overshoot_once = 2;
    let mut st = Stepper::new();
    let f = st.frame_at(&mut dec, &c, &tl, 100, false).map(|f| f.frame);
    assert_eq!(f.ok(), Some(100));
    assert_eq!(dec.seeks, 2);
}

#[test]
fn shared_cache_survives_a_poisoned_lock() {
    let c = Arc::new(cache(10));
    let c2 = c.clone();
    let _ = std::thread::spawn(move || {
        let _g = c2.lock();
        panic!("poison it");
    })
    .join();
    lock(&c).insert(Arc::new(frame(1)));
    assert!(lock(&c).contains(1));
}
