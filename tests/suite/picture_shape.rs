//! Non-square pixels (#12): SD camcorder footage stored 720x576 with a
//! 64:45 pixel aspect ratio is shown, stepped, stilled, thumbnailed and
//! exported at its display size, 1024x576, with no bars; `attune probe`
//! says so; a clip whose ratio is unknown is square.

use std::path::Path;
use std::process::Command;

use attune::frame_code;
use attune::media::engine::PlayerCommand;
use attune::testing::{THUMB_LONG_SIDE, compute_filmstrip};

use crate::engine_support::{code, open, player, show};
use crate::picture_support::*;

/// The play-mat sample (640x360, square) squeezed into PAL 16:9 storage.
fn anamorphic(from: &Path, to: &Path) {
    ffmpeg(&[
        "-i",
        from.to_str().unwrap(),
        "-vf",
        "scale=720:576,setsar=64/45",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-crf",
        "16",
        "-g",
        "30",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "copy",
        to.to_str().unwrap(),
    ]);
    assert_eq!(ffprobe(to, "sample_aspect_ratio"), "64:45");
}

/// `attune probe --json`'s report.
fn probe_json(clip: &Path) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_attune"))
        .args(["probe", "--json"])
        .arg(clip)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rgba(f: &attune::media::engine::VideoFrame) -> image::RgbaImage {
    image::RgbaImage::from_raw(f.width, f.height, f.rgba.clone()).unwrap()
}

#[test]
fn anamorphic_sd_is_shown_at_its_display_size_everywhere() {
    let (dir, project_path, project, original) = project_with_play_mat(anamorphic);
    let clip = dir.path().join("play-mat-landscape.mp4");
    let reference = frames_of(&original);
    // Same shape as the display size: what the picture must look like.
    let like = |frame: u32, w: u32, h: u32| resized(&reference[frame as usize], w, h);

    // Probe: the ratio and the display size, stored size unchanged.
    let json = probe_json(&clip);
    assert_eq!(json["width"], 720);
    assert_eq!(json["height"], 576);
    assert_eq!(json["pixel_aspect_ratio"], "64:45");
    assert_eq!(json["display_width"], 1024);
    assert_eq!(json["display_height"], 576);

    // Viewer: open, seek, step; full size and a display box.
    let p = player(None);
    let f = open(&p, &clip, None);
    assert_eq!((f.width, f.height), (1024, 576));
    for target in [37u32, 38, 200] {
        let f = show(&p, PlayerCommand::SeekToFrame(target), target);
        assert_eq!(code(&f), Some(target));
        let d = mean_abs_diff(&rgba(&f), &like(target, 1024, 576));
        assert!(d < 8.0, "viewer frame {target} differs by {d:.1}");
    }
    let f = show(&p, PlayerCommand::Step(1), 201);
    assert_eq!((f.width, f.height, code(&f)), (1024, 576, Some(201)));
    let f = open(&p, &clip, Some((512, 512)));
    assert_eq!((f.width, f.height), (512, 288), "fitted by display shape");

    // `attune frame`.
    let png = dir.path().join("frame.png");
    let img = crate::support::attune_frame(&clip, 120, &png);
    assert_eq!(img.dimensions(), (1024, 576));
    assert_eq!(frame_code::read(&img), Some(120));
    let d = mean_abs_diff(&img, &like(120, 1024, 576));
    assert!(d < 8.0, "attune frame differs by {d:.1}");

    // Stills.
    for (img, frame) in stills(&project_path, &project, &dir.path().join("stills")) {
        assert_eq!(img.dimensions(), (1024, 576));
        assert_eq!(frame_code::read(&img), Some(frame));
        let d = mean_abs_diff(&img, &like(frame, 1024, 576));
        assert!(d < 8.0, "still of frame {frame} differs by {d:.1}");
    }

    // Thumbnails and the clip bin's picture: 16:9, not 5:4.
    let job = attune::testing::OverviewJob {
        path: clip.clone(),
        fingerprint: project.clips[0].fingerprint.clone(),
        frames: project.clips[0].media.frames,
        frame_rate: project.clips[0].media.frame_rate,
        rotation: 0,
    };
    let strip = compute_filmstrip(
        &job,
        THUMB_LONG_SIDE,
        &std::sync::Arc::default(),
        &mut |_| {},
    )
    .unwrap();
    assert!(!strip.thumbs.is_empty());
    for t in &strip.thumbs {
        assert_eq!((t.width, t.height), (160, 90), "thumbnail of {}", t.frame);
    }
    let first = attune::media::still::first_frame(&clip, 4096, 0).unwrap();
    assert_eq!(first.dimensions(), (1024, 576));

    // A reel at 1280x720: a 16:9 picture fills it (no pillarbox).
    let shown = reel_frames(&project_path, &project, &dir.path().join("reel.mp4"), 720);
    assert!(!shown.is_empty());
    for (frame, img) in shown.iter().step_by(17) {
        let d = mean_abs_diff(&top(img, 0.6), &top(&like(*frame, 1280, 720), 0.6));
        assert!(d < 10.0, "reel picture of frame {frame} differs by {d:.1}");
    }
}

#[test]
fn an_unknown_pixel_aspect_ratio_is_square() {
    let dir = tempfile::tempdir().unwrap();
    let sample = crate::support::sample_clips().join("bath-no-audio.mp4");
    let clip = dir.path().join("sar0.mkv");
    // Matroska without display size fields and an H.264 stream whose SAR
    // is 0:1 (unknown): square.
    ffmpeg(&[
        "-i",
        sample.to_str().unwrap(),
        "-frames:v",
        "30",
        "-vf",
        "scale=720:576,setsar=0/1",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        clip.to_str().unwrap(),
    ]);
    let json = probe_json(&clip);
    assert_eq!(json["pixel_aspect_ratio"], "1:1");
    assert_eq!(
        (
            json["display_width"].as_u64(),
            json["display_height"].as_u64()
        ),
        (Some(720), Some(576))
    );
    let p = player(None);
    let f = open(&p, &clip, None);
    assert_eq!((f.width, f.height), (720, 576));
}
