//! Generating a sample clip twice gives byte-identical files, so
//! regenerating `sample_clips/` never produces spurious changes.

use attune::samples::{self, ClipSpec, SampleClip};

fn bytes_of(spec: &ClipSpec, dir: &std::path::Path) -> Vec<u8> {
    let path = dir.join("clip.mp4");
    samples::render(spec, &path).unwrap();
    std::fs::read(&path).unwrap()
}

#[test]
fn bath_clip_is_byte_identical_when_generated_twice() {
    ffmpeg_next::log::set_level(ffmpeg_next::log::Level::Error);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = samples::write_clip(SampleClip::BathNoAudio, a.path()).unwrap();
    let second = samples::write_clip(SampleClip::BathNoAudio, b.path()).unwrap();
    let (x, y) = (
        std::fs::read(first).unwrap(),
        std::fs::read(second).unwrap(),
    );
    assert!(!x.is_empty());
    assert!(x == y, "two generations of the bath clip differ");
}

#[test]
fn short_clip_with_audio_is_byte_identical_when_generated_twice() {
    ffmpeg_next::log::set_level(ffmpeg_next::log::Level::Error);
    // The same code path as the play-mat clip (audio included), shorter.
    let spec = ClipSpec {
        frames: 75,
        ..SampleClip::PlayMatLandscape.spec()
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (x, y) = (bytes_of(&spec, a.path()), bytes_of(&spec, b.path()));
    assert!(x == y, "two generations of a short play-mat clip differ");
    // Nothing but the clip is left behind (the temporary file was renamed).
    let names: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("clip.mp4")]);
}

#[test]
fn no_metadata_strings_beyond_playback_needs() {
    ffmpeg_next::log::set_level(ffmpeg_next::log::Level::Error);
    let dir = tempfile::tempdir().unwrap();
    let spec = ClipSpec {
        frames: 10,
        ..SampleClip::PlayMatLandscape.spec()
    };
    let bytes = bytes_of(&spec, dir.path());
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    // libavformat's encoder tag is suppressed by the bit-exact flag.
    assert!(!has(b"Lavf"), "the container names its muxer version");
    // The index is at the front: moov before mdat.
    let pos = |needle: &[u8]| bytes.windows(4).position(|w| w == needle).unwrap();
    assert!(pos(b"moov") < pos(b"mdat"), "moov is not at the front");
}
