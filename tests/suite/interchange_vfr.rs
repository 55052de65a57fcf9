//! Annotation times on a variable-rate clip follow the file's real frame
//! timestamps, not its average rate: ELAN and BORIS files made from it put
//! each moment where the video shows it.

use attune::media::frame_clock::FrameClock;
use attune::model::FrameRate;

use super::engine_support::sample;
use super::engine_vfr::make_vfr_copy;

#[test]
fn frame_times_on_a_variable_rate_clip_are_the_presented_ones() {
    let dir = tempfile::tempdir().unwrap();
    let vfr = dir.path().join("low-light.mp4");
    make_vfr_copy(&vfr);
    // The copy keeps the original's frames; from 12 s on each lasts twice as long.
    let original = attune::media::probe::probe(&sample("play-mat-landscape.mp4").unwrap()).unwrap();
    let (num, den) = (u64::from(original.fps_num), u64::from(original.fps_den));
    let facts = attune::media::probe::probe(&vfr).unwrap();
    assert!(facts.variable_frame_rate);
    let rate = FrameRate::new(facts.fps_num, facts.fps_den).unwrap();
    let clock = FrameClock::open(&vfr, rate).unwrap();
    let expected_ms = |f: u64| {
        let ms = (f * 1000 * den + num / 2) / num;
        if ms < 12_000 {
            ms
        } else {
            12_000 + 2 * (ms - 12_000)
        }
    };
    let slow_from = 12 * num / den;
    let mut checked = 0;
    for f in (0..u64::from(facts.frames)).step_by(7) {
        let ms = clock.ms_of(f as u32);
        assert!(
            ms.abs_diff(expected_ms(f)) <= 1,
            "frame {f}: {ms} ms, expected about {} ms",
            expected_ms(f)
        );
        assert_eq!(clock.frame_of(ms), f, "frame {f} back from {ms} ms");
        checked += 1;
    }
    assert!(
        checked > 20 && u64::from(facts.frames) > slow_from + 30,
        "both halves were checked"
    );
    // By the average rate alone a late frame would be far off.
    let late = slow_from + 30;
    let by_rate = late * 1000 * u64::from(rate.den) / u64::from(rate.num);
    assert!(by_rate.abs_diff(clock.ms_of(late as u32)) > 100);
}
