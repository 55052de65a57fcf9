//! The MP4 writer's failure modes: clear errors that name the output file,
//! and never a half-written file under the final name.

use attune::export::{AudioSettings, Mp4Writer, VideoSettings, WriterError};
use image::RgbaImage;

fn video(width: u32, height: u32) -> VideoSettings {
    VideoSettings {
        width,
        height,
        frame_rate: (25, 1),
        gop: 25,
        crf: 23,
        preset: "ultrafast".into(),
        threads: 1,
    }
}

fn quiet() {
    ffmpeg_next::log::set_level(ffmpeg_next::log::Level::Error);
}

#[test]
fn wrong_frame_size_names_the_file() {
    quiet();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reel.mp4");
    let mut w = Mp4Writer::create(&path, video(64, 36), None).unwrap();
    let err = w.push_video(&RgbaImage::new(32, 18)).unwrap_err();
    assert!(matches!(err, WriterError::FrameSize { .. }));
    assert!(err.to_string().contains("reel.mp4"), "{err}");
}

#[test]
fn invalid_settings_name_the_file() {
    quiet();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.mp4");
    for settings in [
        video(63, 36),
        video(0, 36),
        VideoSettings {
            gop: 0,
            ..video(64, 36)
        },
    ] {
        let err = Mp4Writer::create(&path, settings, None).err().unwrap();
        assert!(matches!(err, WriterError::Settings { .. }), "{err}");
        assert!(err.to_string().contains("odd.mp4"), "{err}");
    }
    let err = Mp4Writer::create(
        &path,
        video(64, 36),
        Some(AudioSettings {
            sample_rate: 48_000,
            channels: 6,
        }),
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("odd.mp4"), "{err}");
}

#[test]
fn unwritable_folder_names_the_file() {
    quiet();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-folder").join("out.mp4");
    let err = Mp4Writer::create(&path, video(64, 36), None).err().unwrap();
    assert!(err.to_string().contains("out.mp4"), "{err}");
}

#[test]
fn audio_without_an_audio_stream_is_refused() {
    quiet();
    let dir = tempfile::tempdir().unwrap();
    let mut w = Mp4Writer::create(&dir.path().join("a.mp4"), video(64, 36), None).unwrap();
    assert!(matches!(
        w.push_audio(&[0.0; 10]),
        Err(WriterError::NoAudioStream { .. })
    ));
}

#[test]
fn stereo_audio_must_be_whole_sample_frames() {
    quiet();
    let dir = tempfile::tempdir().unwrap();
    let audio = AudioSettings {
        sample_rate: 48_000,
        channels: 2,
    };
    let mut w = Mp4Writer::create(&dir.path().join("s.mp4"), video(64, 36), Some(audio)).unwrap();
    assert!(matches!(
        w.push_audio(&[0.0; 3]),
        Err(WriterError::AudioLength { .. })
    ));
    w.push_audio(&[0.1; 3840]).unwrap();
    w.push_video(&RgbaImage::new(64, 36)).unwrap();
    let out = w.finish().unwrap();
    assert!(std::fs::metadata(out).unwrap().len() > 0);
}

#[test]
fn a_writer_dropped_before_finish_leaves_nothing() {
    quiet();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cancelled.mp4");
    let mut w = Mp4Writer::create(&path, video(64, 36), None).unwrap();
    for _ in 0..10 {
        w.push_video(&RgbaImage::new(64, 36)).unwrap();
    }
    drop(w);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn finish_replaces_an_existing_file_atomically() {
    quiet();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reel.mp4");
    std::fs::write(&path, b"old").unwrap();
    let mut w = Mp4Writer::create(&path, video(64, 36), None).unwrap();
    w.push_video(&RgbaImage::new(64, 36)).unwrap();
    // Until finish, the old file is untouched.
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(w.finish().unwrap(), path);
    assert_ne!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
