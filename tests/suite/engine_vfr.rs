//! Variable-frame-rate footage (phones drop the rate in low light): the
//! engine steps through the frames actually presented, and positions are
//! frame indices, not rounded seconds.

use crate::engine_support;

use std::path::Path;

use attune::media::engine::PlayerCommand;
use engine_support::{assert_code, open, player, sample, show};
use ffmpeg_next as ffmpeg;

/// From 12 s on, every frame is shown twice as long as before.
const SLOW_FROM_S: i64 = 12;

/// Copies the landscape sample's video with a monotonic time stretch (the
/// second half at half the rate). Stream copy: the pixels, and so the frame
/// codes, are untouched; only the timestamps change.
pub(super) fn make_vfr_copy(out: &Path) {
    attune::media::ffmpeg::init().expect("FFmpeg initialises");
    let src = sample("play-mat-landscape.mp4").unwrap();
    let mut input = ffmpeg::format::input(&src).unwrap();
    let video = input.streams().best(ffmpeg::media::Type::Video).unwrap();
    let (in_index, in_tb) = (video.index(), video.time_base());
    let mut output = ffmpeg::format::output(out).unwrap();
    {
        let mut stream = output
            .add_stream(ffmpeg::encoder::find(ffmpeg::codec::Id::None))
            .unwrap();
        stream.set_parameters(video.parameters());
    }
    output.write_header().unwrap();
    let out_tb = output.stream(0).unwrap().time_base();
    let slow_from = SLOW_FROM_S * i64::from(in_tb.denominator()) / i64::from(in_tb.numerator());
    let stretch = |t: i64| {
        if t < slow_from {
            t
        } else {
            slow_from + 2 * (t - slow_from)
        }
    };
    for (stream, mut packet) in input.packets() {
        if stream.index() != in_index {
            continue;
        }
        packet.set_pts(packet.pts().map(stretch));
        packet.set_dts(packet.dts().map(stretch));
        packet.set_duration(packet.duration() * 2);
        packet.rescale_ts(in_tb, out_tb);
        packet.set_stream(0);
        packet.set_position(-1);
        packet.write_interleaved(&mut output).unwrap();
    }
    output.write_trailer().unwrap();
}

#[test]
fn steps_through_the_frames_actually_presented() {
    let dir = tempfile::tempdir().unwrap();
    let vfr = dir.path().join("low-light.mp4");
    make_vfr_copy(&vfr);

    let facts = attune::media::probe::probe(&vfr).unwrap();
    assert!(facts.variable_frame_rate, "probe notices the rate change");
    assert_eq!(facts.frames, 720, "every frame is still there");

    let p = player(None);
    open(&p, &vfr, Some((320, 180)));
    assert_eq!(p.state().frame_count, 720);
    // 30 fps up to frame 360 (12 s), then 15 fps.
    let mut previous = show(&p, PlayerCommand::SeekToFrame(340), 340);
    assert_code(&previous, 340, "seek before the change");
    for target in 341..=380u32 {
        let f = show(&p, PlayerCommand::Step(1), target);
        assert_code(&f, target, "step forward");
        let gap_ms = (f.pts_ns - previous.pts_ns) as f64 / 1e6;
        let expected = if target <= 360 {
            1000.0 / 30.0
        } else {
            2000.0 / 30.0
        };
        assert!(
            (gap_ms - expected).abs() < 1.5,
            "frame {target}: {gap_ms:.2} ms after the previous one, expected {expected:.2}"
        );
        previous = f;
    }
    for target in (350..380u32).rev() {
        let f = show(&p, PlayerCommand::Step(-1), target);
        assert_code(&f, target, "step back across the change");
    }
    for target in [700u32, 361, 359, 12] {
        let f = show(&p, PlayerCommand::SeekToFrame(target), target);
        assert_code(&f, target, "seek");
    }
}
