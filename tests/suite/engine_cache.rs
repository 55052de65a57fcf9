//! The decoded-frame cache under a real engine: its byte bound holds on a
//! long back-and-forth walk and evicted frames come back correctly.

use crate::engine_support;

use attune::media::engine::{CachedFrame, PlayerCommand};
use engine_support::*;

#[test]
fn byte_bound_holds_and_evicted_frames_come_back() {
    let Some(clip) = sample("play-mat-landscape.mp4") else {
        return;
    };
    // Room for about 40 frames at 320x180.
    let frame_bytes = CachedFrame::i420_len(320, 180) + std::mem::size_of::<CachedFrame>();
    let budget = frame_bytes * 40;
    let p = player(Some(budget));
    open(&p, &clip, Some((320, 180)));
    let mut at: i64 = 300;
    show(&p, PlayerCommand::SeekToFrame(300), 300);
    let walk = [25i64, -70, 40, -10, 90, -120, 5, 60];
    for d in walk.iter().cycle().take(24) {
        for _ in 0..d.abs() {
            at = (at + d.signum()).clamp(0, 719);
            let f = show(&p, PlayerCommand::Step(d.signum() as i32), at as u32);
            assert_code(&f, at as u32, "walk");
            let stats = p.cache_stats();
            assert!(stats.bytes <= budget, "{} > {budget}", stats.bytes);
        }
    }
    // Far-away frames were evicted; asking again decodes them right.
    for t in [300u32, 100, 650, 299] {
        let f = show(&p, PlayerCommand::SeekToFrame(t), t);
        assert_code(&f, t, "after eviction");
    }
    assert!(p.cache_stats().bytes <= budget);
}
