//! Interlaced footage (#12): a 1080i50 clip with motion, as AVCHD
//! camcorders record, is shown, stilled and exported deinterlaced, one
//! picture per coded frame, so a moving picture is not combed.
//!
//! Combing is measured as the ratio of the energy of differences between
//! neighbouring lines (which belong to opposite fields) to that between
//! lines two apart (the same field): a woven picture of a moving scene is
//! far above 1, a progressive or deinterlaced one about 1 or below.

use std::path::Path;

use attune::media::engine::PlayerCommand;
use image::RgbaImage;

use crate::engine_support::{open, player, show};
use crate::picture_support::*;

/// 6 s of a test pattern panning sideways (8 px a picture) at 50 pictures
/// a second, woven into 25 interlaced frames a second, top field first.
fn interlaced(_: &Path, to: &Path) {
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=1920x1080:rate=50",
        "-t",
        "6",
        "-vf",
        "scroll=horizontal=0.004,tinterlace=interleave_top,setfield=tff",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-flags",
        "+ildct+ilme",
        "-x264-params",
        "tff=1",
        "-r",
        "25",
        "-pix_fmt",
        "yuv420p",
        to.to_str().unwrap(),
    ]);
    assert_eq!(ffprobe(to, "field_order"), "tt");
}

fn luma(p: &[u8]) -> f64 {
    0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])
}

/// Inter-field over intra-field line difference energy.
fn combing(img: &RgbaImage) -> f64 {
    let (w, h) = img.dimensions();
    let y = |x: u32, r: u32| luma(&img.get_pixel(x, r).0);
    let (mut near, mut far) = (0f64, 0f64);
    for r in (0..h - 3).step_by(2) {
        for x in (0..w).step_by(2) {
            let (a, b, c) = (y(x, r), y(x, r + 1), y(x, r + 2));
            near += (a - b).powi(2) + (b - c).powi(2);
            far += 2.0 * (a - c).powi(2);
        }
    }
    near / far.max(1.0)
}

fn rgba(f: &attune::media::engine::VideoFrame) -> RgbaImage {
    RgbaImage::from_raw(f.width, f.height, f.rgba.clone()).unwrap()
}

#[test]
fn interlaced_footage_is_deinterlaced_one_picture_per_frame() {
    let (dir, project_path, mut project, _) = project_with_play_mat(interlaced);
    project.reels[0].items.truncate(1);
    let clip = dir.path().join("play-mat-landscape.mp4");
    assert_eq!(project.clips[0].media.frames, 150);
    let (fps_num, fps_den) = (
        project.clips[0].media.frame_rate.num,
        project.clips[0].media.frame_rate.den,
    );
    assert_eq!(fps_num / fps_den, 25);

    // FFmpeg's own decode, woven: combed, so the measure can tell.
    let woven = frames_of(&clip);
    assert_eq!(woven.len(), 150);
    let target = 67u32;
    let raw = combing(&woven[target as usize]);
    let mut report = vec![format!("woven {raw:.2}")];

    let p = player(None);
    let first = open(&p, &clip, None);
    assert_eq!((first.width, first.height), (1920, 1080));
    assert_eq!(p.state().frame_count, 150, "one picture per coded frame");
    let f = show(&p, PlayerCommand::SeekToFrame(target), target);
    let viewer = combing(&rgba(&f));
    let f = show(&p, PlayerCommand::Step(1), target + 1);
    let stepped = combing(&rgba(&f));
    report.push(format!("viewer {viewer:.2}, stepped {stepped:.2}"));

    let png = dir.path().join("frame.png");
    let frame_png = combing(&crate::support::attune_frame(&clip, target, &png));
    report.push(format!("frame {frame_png:.2}"));

    // The first item's still is its hold frame, 67.
    let (img, frame) = stills(&project_path, &project, &dir.path().join("stills")).remove(0);
    assert_eq!(frame, target);
    let still = combing(&img);
    report.push(format!("still {still:.2}"));
    // The viewer and the still show the same picture.
    let f = show(&p, PlayerCommand::SeekToFrame(target), target);
    let agree = mean_abs_diff(&rgba(&f), &img);
    report.push(format!("viewer vs still {agree:.2}"));

    let shown = reel_frames(&project_path, &project, &dir.path().join("reel.mp4"), 1080);
    let (_, img) = shown.iter().find(|(f, _)| *f == target + 20).unwrap();
    let reel = combing(&top(img, 0.6));
    report.push(format!("reel {reel:.2}"));
    eprintln!("combing: {}", report.join(", "));

    assert!(
        raw > 3.0,
        "the test clip is not combed: {}",
        report.join(", ")
    );
    for c in [viewer, stepped, frame_png, still, reel] {
        assert!(c < 1.5, "combed: {}", report.join(", "));
    }
    assert!(agree < 3.0, "{}", report.join(", "));
}
