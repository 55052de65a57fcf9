//! The committed sample clips carry a readable frame code on every frame,
//! through H.264 at the committed quality and after a 50 % downscale, and
//! have the streams, frame counts and GOP structure the engine tests rely on.

use crate::support;

use attune::frame_code;
use attune::samples::SampleClip;
use ffmpeg_next::codec;
use image::imageops::{self, FilterType};

/// Decodes `clip`, checking every frame's code (and every 5th frame's code
/// at half size), and returns the facts seen.
fn check_codes(clip: SampleClip) -> support::ClipFacts {
    let path = support::sample_clips().join(clip.file_name());
    assert!(
        path.exists(),
        "{} is missing: run make-samples",
        path.display()
    );
    let mut wrong = Vec::new();
    let facts = support::decode_each(&path, |index, img| {
        if frame_code::read(img) != Some(index) {
            wrong.push((index, "full", frame_code::read(img)));
        }
        if index % 5 == 0 {
            let half =
                imageops::resize(img, img.width() / 2, img.height() / 2, FilterType::Triangle);
            if frame_code::read(&half) != Some(index) {
                wrong.push((index, "half", frame_code::read(&half)));
            }
        }
    });
    assert!(
        wrong.is_empty(),
        "{}: wrong codes {wrong:?}",
        path.display()
    );
    facts
}

fn every(gop: u32, frames: u32) -> Vec<u32> {
    (0..frames).step_by(gop as usize).collect()
}

#[test]
fn play_mat_landscape_codes_streams_and_gop() {
    let facts = check_codes(SampleClip::PlayMatLandscape);
    assert_eq!(facts.frames, 720);
    assert_eq!(facts.audio_codec, Some(codec::Id::AAC));
    assert_eq!(facts.audio_rate, Some(48_000));
    assert_eq!(facts.keyframes, every(60, 720));
}

#[test]
fn feeding_portrait_codes_streams_and_long_gop() {
    let facts = check_codes(SampleClip::FeedingPortrait);
    assert_eq!(facts.frames, 375);
    assert_eq!(facts.audio_codec, Some(codec::Id::AAC));
    assert_eq!(facts.keyframes, every(250, 375));
}

#[test]
fn bath_no_audio_codes_and_no_audio_stream() {
    let facts = check_codes(SampleClip::BathNoAudio);
    assert_eq!(facts.frames, 180);
    assert_eq!(facts.audio_codec, None);
    assert_eq!(facts.keyframes, every(30, 180));
}

#[test]
fn committed_clips_fit_the_size_budget() {
    let total: u64 = SampleClip::ALL
        .iter()
        .map(|c| {
            let p = support::sample_clips().join(c.file_name());
            std::fs::metadata(&p)
                .map(|m| m.len())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .sum();
    assert!(total <= 5 * 1024 * 1024, "sample clips take {total} bytes");
}
