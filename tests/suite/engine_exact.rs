//! Frame exactness on the sample clips, proven by the frame codes drawn
//! into every frame (debug build, headless, no sound card).

use crate::engine_support;

use std::time::{Duration, Instant};

use attune::media::engine::PlayerCommand;
use engine_support::*;

/// Deterministic pseudo-random targets.
fn targets(n: usize, below: u32, mut seed: u64) -> Vec<u32> {
    (0..n)
        .map(|_| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) % below as u64) as u32
        })
        .collect()
}

#[test]
fn two_hundred_random_accurate_seeks_land_on_the_frame() {
    let Some(clip) = sample("play-mat-landscape.mp4") else {
        return;
    };
    let p = player(None);
    let first = open(&p, &clip, None);
    assert_code(&first, 0, "open");
    let count = p.state().frame_count;
    assert_eq!(count, 720);
    for t in targets(200, count, 7) {
        let f = show(&p, PlayerCommand::SeekToFrame(t), t);
        assert_code(&f, t, "seek");
    }
}

#[test]
fn steps_forward_and_back_across_gop_boundaries() {
    let Some(clip) = sample("play-mat-landscape.mp4") else {
        return;
    };
    let p = player(None);
    // Half size: the display-size path, and codes must survive scaling.
    open(&p, &clip, Some((320, 180)));
    let start = 59; // GOP 60: the runs cross frames 60, 120, 180 both ways
    show(&p, PlayerCommand::SeekToFrame(start), start);
    for i in 1..=120 {
        let f = show(&p, PlayerCommand::Step(1), start + i);
        assert_code(&f, start + i, "forward step");
    }
    for i in 1..=120 {
        let f = show(&p, PlayerCommand::Step(-1), start + 120 - i);
        assert_code(&f, start + 120 - i, "backward step");
    }
    // And back from a fresh, uncached place past two more boundaries.
    show(&p, PlayerCommand::SeekToFrame(400), 400);
    for i in 1..=120 {
        let f = show(&p, PlayerCommand::Step(-1), 400 - i);
        assert_code(&f, 400 - i, "backward step from a seek");
    }
}

#[test]
fn whole_portrait_clip_backwards_from_the_last_frame() {
    let Some(clip) = sample("feeding-portrait.mp4") else {
        return;
    };
    let p = player(None);
    open(&p, &clip, None);
    let st = p.state();
    assert_eq!((st.width, st.height), (360, 640), "portrait kept upright");
    let last = st.frame_count - 1;
    assert_eq!(last, 374);
    let f = show(&p, PlayerCommand::SeekToFrame(last), last);
    assert_code(&f, last, "last frame");
    for t in (0..last).rev() {
        let f = show(&p, PlayerCommand::Step(-1), t);
        assert_code(&f, t, "backward run");
    }
    // Stepping before the first frame stays on it.
    p.send(PlayerCommand::Step(-1));
    settle(&p, st.commands_done + last as u64 + 2);
    assert_eq!(p.latest_frame().map(|f| f.frame), Some(0));
}

#[test]
fn play_span_stops_on_its_last_frame() {
    let Some(clip) = sample("play-mat-landscape.mp4") else {
        return;
    };
    let p = player(None);
    open(&p, &clip, Some((320, 180)));
    for (start, end) in [(100, 130), (595, 610)] {
        let f = play_span_to_end(&p, start, end);
        assert_eq!(f.frame, end);
        assert_code(&f, end, "span end");
        assert_eq!(p.state().frame, end);
    }
}

#[test]
fn loop_span_loops_and_rates_apply() {
    let Some(clip) = sample("play-mat-landscape.mp4") else {
        return;
    };
    let p = player(None);
    open(&p, &clip, Some((320, 180)));
    p.send(PlayerCommand::SetRate(2.0));
    p.send(PlayerCommand::LoopSpan { start: 10, end: 25 });
    let t0 = Instant::now();
    let (mut saw_end, mut wrapped, mut in_span) = (false, false, false);
    while t0.elapsed() < Duration::from_secs(15) && !wrapped {
        let st = p.state();
        assert!(st.error.is_none(), "{:?}", st.error);
        if st.frame >= 23 {
            saw_end = true;
        }
        if saw_end && st.frame <= 14 {
            wrapped = true;
        }
        let inside = (10..=25).contains(&st.frame);
        in_span |= inside;
        // Once the span has started, playback never leaves it.
        assert!(inside || !in_span, "frame {} outside the loop", st.frame);
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(wrapped, "the loop did not restart");
    p.send(PlayerCommand::SetRate(0.25));
    std::thread::sleep(Duration::from_millis(300));
    let st = p.state();
    assert!(st.audio_muted && st.rate == 0.25);
    p.send(PlayerCommand::Pause);
    settle(&p, st.commands_done + 1);
    let st = p.state();
    assert!(!st.playing);
    let shown = p.latest_frame().map(|f| f.frame);
    assert_eq!(shown, Some(st.frame), "paused on the frame on screen");
    if let Some(f) = p.latest_frame() {
        assert_code(&f, st.frame, "paused frame");
    }
    // Stepping after playback (the decoder is reopened on demand).
    let f = show(&p, PlayerCommand::Step(1), st.frame + 1);
    assert_code(&f, st.frame + 1, "step after playback");
    let f = show(&p, PlayerCommand::SeekToFrame(500), 500);
    assert_code(&f, 500, "seek after playback");
}

#[test]
fn scrub_then_release_lands_exactly_and_resizing_keeps_the_frame() {
    let Some(clip) = sample("play-mat-landscape.mp4") else {
        return;
    };
    let p = player(None);
    open(&p, &clip, Some((320, 180)));
    let done = p.state().commands_done;
    for t in [130, 250, 377] {
        p.send(PlayerCommand::Scrub(t));
    }
    let f = show(&p, PlayerCommand::ScrubEnd, 377);
    assert_code(&f, 377, "scrub end");
    assert!(p.state().commands_done > done);
    let f = show(&p, PlayerCommand::SetDisplaySize(Some((160, 90))), 377);
    assert_eq!((f.width, f.height), (160, 90));
    assert_code(&f, 377, "after resize");
    let f = show(&p, PlayerCommand::Step(-1), 376);
    assert_code(&f, 376, "step after resize");
}
