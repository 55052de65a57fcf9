//! `attune probe`: facts of the committed sample clips, frame counts that
//! match a real decode, and one-line failures for bad files.

use std::path::{Path, PathBuf};
use std::process::Command;

use attune::media::probe::{ProbeError, probe};
use ffmpeg_next as ffmpeg;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_clips")
        .join(name)
}

fn attune(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_attune"))
        .args(args)
        .output()
        .expect("run attune")
}

/// Counts the frames a decoder actually delivers.
fn decoded_frames(path: &Path) -> u32 {
    attune::media::ffmpeg::init().expect("FFmpeg initialises");
    let mut input = ffmpeg::format::input(path).expect("open");
    let stream = input
        .streams()
        .best(ffmpeg::media::Type::Video)
        .expect("video");
    let index = stream.index();
    let ctx = ffmpeg::codec::context::Context::from_parameters(stream.parameters()).unwrap();
    let mut decoder = ctx.decoder().video().unwrap();
    let mut frame = ffmpeg::frame::Video::empty();
    let mut count = 0;
    for (s, packet) in input.packets() {
        if s.index() == index {
            decoder.send_packet(&packet).unwrap();
            while decoder.receive_frame(&mut frame).is_ok() {
                count += 1;
            }
        }
    }
    decoder.send_eof().unwrap();
    while decoder.receive_frame(&mut frame).is_ok() {
        count += 1;
    }
    count
}

#[test]
fn sample_clips_report_their_facts_and_true_frame_counts() {
    let cases = [
        ("play-mat-landscape.mp4", 640, 360, 30, 720, true),
        ("feeding-portrait.mp4", 360, 640, 25, 375, true),
        ("bath-no-audio.mp4", 480, 270, 30, 180, false),
    ];
    for (name, w, h, fps, frames, audio) in cases {
        let path = sample(name);
        let r = probe(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((r.width, r.height), (w, h), "{name}");
        assert_eq!(r.fps_num / r.fps_den, fps, "{name}");
        assert_eq!(r.fps_num % r.fps_den, 0, "{name}");
        assert_eq!(r.frames, frames, "{name}");
        assert_eq!(r.frames, decoded_frames(&path), "{name}: probe vs decode");
        assert_eq!(r.video_codec, "h264");
        assert_eq!(r.audio_codec.is_some(), audio, "{name}");
        assert!(!r.variable_frame_rate, "{name}");
        assert_eq!(r.rotation, 0);
        let expected_us = u64::from(frames) * 1_000_000 / u64::from(fps);
        assert_eq!(r.duration_us, expected_us, "{name}");
    }
}

#[test]
fn probe_json_has_the_documented_keys() {
    let out = attune(&[
        "probe",
        "--json",
        sample("play-mat-landscape.mp4").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "frames",
        "fps_num",
        "fps_den",
        "width",
        "height",
        "rotation",
        "duration_s",
        "video_codec",
        "audio_codec",
        "variable_frame_rate",
    ] {
        assert!(v.get(key).is_some(), "missing key {key} in {v}");
    }
    assert_eq!(v["frames"], 720);
    assert_eq!(v["audio_codec"], "aac");
    let out = attune(&[
        "probe",
        "--json",
        sample("bath-no-audio.mp4").to_str().unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["audio_codec"].is_null());
}

/// Each bad file: a non-zero exit, one line on stderr naming the file, no panic.
#[test]
fn bad_files_fail_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone.mp4");
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "Session notes, not a video\n".repeat(200)).unwrap();
    let truncated = dir.path().join("cut-short.mp4");
    let bytes = std::fs::read(sample("play-mat-landscape.mp4")).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() * 6 / 10]).unwrap();
    let folder = dir.path().join("a-folder.mp4");
    std::fs::create_dir(&folder).unwrap();

    let cases: [(&Path, &str); 5] = [
        (&missing, "no such file"),
        (&empty, "empty"),
        (&text, "not a media file"),
        (&truncated, "truncated"),
        (&folder, "folder"),
    ];
    for (path, says) in cases {
        let out = attune(&["probe", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", path.display());
        assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
        assert!(
            stderr.contains(&*path.to_string_lossy()),
            "names the file: {stderr}"
        );
        assert!(
            stderr.contains(says),
            "{}: expected '{says}' in: {stderr}",
            path.display()
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn truncated_clip_is_an_error_in_the_library_too() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.mp4");
    let bytes = std::fs::read(sample("feeding-portrait.mp4")).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(probe(&cut), Err(ProbeError::Truncated { .. })));
}

/// Phone footage: the same pixels with a display matrix saying "turn 90°
/// clockwise". We write the matrix into a copy's track header, as phones do.
#[test]
fn rotation_from_the_display_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(sample("bath-no-audio.mp4")).unwrap();
    let tkhd = bytes
        .windows(4)
        .position(|w| w == b"tkhd")
        .expect("a track header");
    assert_eq!(bytes[tkhd + 4], 0, "version 0 track header expected");
    // version/flags, times, id, reserved, duration, reserved, layer, group, volume, reserved
    let matrix_at = tkhd + 4 + 40;
    let turn_90: [i32; 9] = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x4000_0000];
    for (i, v) in turn_90.iter().enumerate() {
        bytes[matrix_at + 4 * i..matrix_at + 4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    let phone = dir.path().join("phone.mp4");
    std::fs::write(&phone, &bytes).unwrap();
    let r = probe(&phone).unwrap();
    assert_eq!(r.rotation, 90);
    assert_eq!(
        (r.width, r.height),
        (480, 270),
        "stored size is reported as stored"
    );
    let still = attune::media::still::first_frame(&phone, 480, r.rotation).unwrap();
    assert_eq!((still.width(), still.height()), (270, 480), "shown upright");
}
