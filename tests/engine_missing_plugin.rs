//! A missing decoder is reported by name with the Debian package to
//! install. Simulated by hiding every H.264 decoder from autoplugging
//! (rank NONE) in this test process only; then restored, and the same
//! engine opens the clip.

#[path = "suite/engine_support/mod.rs"]
mod engine_support;

use std::time::Duration;

use attune::media::engine::PlayerCommand;
use engine_support::*;
use gstreamer as gst;
use gstreamer::prelude::*;

fn h264_decoders() -> Vec<(gst::ElementFactory, gst::Rank)> {
    let caps = gst::Caps::new_empty_simple("video/x-h264");
    gst::ElementFactory::factories_with_type(
        gst::ElementFactoryType::DECODER | gst::ElementFactoryType::MEDIA_VIDEO,
        gst::Rank::NONE,
    )
    .into_iter()
    .filter(|f| f.can_sink_any_caps(&caps))
    .map(|f| {
        let rank = f.rank();
        (f, rank)
    })
    .collect()
}

#[test]
fn missing_h264_decoder_names_codec_and_package_then_recovers() {
    let Some(clip) = sample("play-mat-landscape.mp4") else {
        return;
    };
    let p = player(None);
    let hidden = h264_decoders();
    assert!(!hidden.is_empty(), "test needs an H.264 decoder to hide");
    for (f, _) in &hidden {
        f.set_rank(gst::Rank::NONE);
    }
    let done = p.state().commands_done;
    p.send(PlayerCommand::Open {
        path: clip.clone(),
        display_size: None,
    });
    assert!(p.wait_commands_done(done + 1, Duration::from_secs(20)));
    let err = p.state().error.unwrap_or_default();
    for (f, rank) in &hidden {
        f.set_rank(*rank);
    }
    assert!(err.contains("play-mat-landscape.mp4"), "{err}");
    assert!(err.contains("H.264"), "{err}");
    assert!(err.contains("gstreamer1.0-libav"), "{err}");
    let f = open(&p, &clip, None);
    assert_code(&f, 0, "after the decoder is back");
}
