//! Colour (#12): the stream's matrix and range tags are honoured, and
//! where they are missing or nonsense BT.601 is assumed for SD and BT.709
//! for HD, as players do. The viewer, `attune frame`, stills, thumbnails
//! and reels show the same colours as the footage they came from.

use std::path::Path;

use attune::media::engine::PlayerCommand;
use attune::testing::compute_filmstrip;

use crate::engine_support::{open, player, show};
use crate::picture_support::*;

/// Re-encodes the play-mat sample (BT.601, limited) at `size` through the
/// scale filter's colour conversion `vf_colour`, with the extra output
/// `args`. The sample's own tags would otherwise carry over: `tags` false
/// clears them.
fn variant(
    size: &str,
    vf_colour: &str,
    tags: bool,
    args: &'static [&'static str],
) -> impl FnOnce(&Path, &Path) {
    let mut vf = format!("scale={size}:in_color_matrix=bt601:in_range=tv:{vf_colour}");
    if !tags {
        vf.push_str(
            ",setparams=colorspace=unknown:range=unknown:color_primaries=unknown:color_trc=unknown",
        );
    }
    move |from: &Path, to: &Path| {
        let mut all = vec!["-i", from.to_str().unwrap(), "-vf", vf.as_str()];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-c:a", "copy", to.to_str().unwrap()]);
        ffmpeg(&all);
    }
}

/// The worst block difference allowed (0-255).
const LIMIT: f64 = 5.0;

const H264: &[&str] = &[
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-crf",
    "12",
    "-g",
    "30",
];

fn rgba(f: &attune::media::engine::VideoFrame) -> image::RgbaImage {
    image::RgbaImage::from_raw(f.width, f.height, f.rgba.clone()).unwrap()
}

/// Every path's picture of the clip against the footage it was made from.
fn check(name: &str, make: impl FnOnce(&Path, &Path), expect: (&str, &str)) {
    let (dir, project_path, mut project, original) = project_with_play_mat(make);
    project.reels[0].items.truncate(1);
    let clip = dir.path().join("play-mat-landscape.mp4");
    assert_eq!(
        (
            ffprobe(&clip, "color_space").as_str(),
            ffprobe(&clip, "color_range").as_str()
        ),
        expect,
        "{name}: tags as made"
    );
    let (w, h) = (
        ffprobe(&clip, "width").parse::<u32>().unwrap(),
        ffprobe(&clip, "height").parse::<u32>().unwrap(),
    );
    let reference = frames_of(&original);
    let like = |frame: u32, w: u32, h: u32| resized(&reference[frame as usize], w, h);
    let mut report = Vec::new();
    // Judged by the worst block: a wrong matrix shifts saturated areas.
    let mut judge = |what: &str, a: &image::RgbaImage, b: &image::RgbaImage| {
        let d = worst_block_diff(a, b);
        report.push(format!("{what} {d:.1} (mean {:.2})", mean_abs_diff(a, b)));
        d
    };

    let target = 100u32;
    let p = player(None);
    open(&p, &clip, None);
    let f = show(&p, PlayerCommand::SeekToFrame(target), target);
    let viewer = judge("viewer", &rgba(&f), &like(target, w, h));

    let png = dir.path().join("frame.png");
    let img = crate::support::attune_frame(&clip, target, &png);
    let frame_png = judge("frame", &img, &like(target, w, h));

    let (img, frame) = stills(&project_path, &project, &dir.path().join("stills")).remove(0);
    let still = judge("still", &img, &like(frame, w, h));

    let job = attune::testing::OverviewJob {
        path: clip.clone(),
        fingerprint: project.clips[0].fingerprint.clone(),
        frames: project.clips[0].media.frames,
        frame_rate: project.clips[0].media.frame_rate,
        rotation: 0,
    };
    let strip = compute_filmstrip(&job, 4096, &std::sync::Arc::default(), &mut |_| {}).unwrap();
    let t = &strip.thumbs[strip.thumbs.len() / 2];
    let img = image::RgbaImage::from_raw(t.width, t.height, t.rgba.clone()).unwrap();
    let thumb = judge("thumbnail", &img, &like(t.frame, w, h));

    let shown = reel_frames(&project_path, &project, &dir.path().join("reel.mp4"), 720);
    let (frame, img) = &shown[shown.len() / 2];
    let picture = placed(img, w, h);
    let reel = judge(
        "reel",
        &top(&picture, 0.6),
        &top(&like(*frame, picture.width(), picture.height()), 0.6),
    );
    eprintln!("{name}: {}", report.join(", "));
    for d in [viewer, frame_png, still, thumb, reel] {
        assert!(d < LIMIT, "{name}: {}", report.join(", "));
    }
}

#[test]
fn bt709_tagged_hd_agrees_everywhere() {
    check(
        "BT.709 HD",
        variant(
            "1280:720",
            "out_color_matrix=bt709:out_range=tv",
            true,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-crf",
                "12",
                "-g",
                "30",
                "-colorspace",
                "bt709",
                "-color_primaries",
                "bt709",
                "-color_trc",
                "bt709",
                "-color_range",
                "tv",
            ],
        ),
        ("bt709", "tv"),
    );
}

#[test]
fn untagged_hd_is_bt709_and_untagged_sd_bt601() {
    check(
        "untagged HD",
        variant(
            "1280:720",
            "out_color_matrix=bt709:out_range=tv",
            false,
            H264,
        ),
        ("unknown", "unknown"),
    );
    check(
        "untagged SD",
        variant(
            "640:480",
            "out_color_matrix=bt601:out_range=tv",
            false,
            H264,
        ),
        ("unknown", "unknown"),
    );
}

#[test]
fn full_range_footage_keeps_its_blacks_and_whites() {
    check(
        "full-range H.264",
        variant(
            "640:360",
            "out_color_matrix=bt601:out_range=pc,format=yuvj420p",
            true,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-crf",
                "12",
                "-g",
                "30",
                "-colorspace",
                "smpte170m",
                "-color_range",
                "pc",
                "-pix_fmt",
                "yuvj420p",
            ],
        ),
        ("smpte170m", "pc"),
    );
}

#[test]
fn nonsense_colour_tags_fall_back_to_the_default_for_the_size() {
    // matrix_coefficients 3 is reserved in H.264; range left unspecified.
    check(
        "nonsense-tagged HD",
        variant(
            "1280:720",
            "out_color_matrix=bt709:out_range=tv",
            true,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-crf",
                "12",
                "-g",
                "30",
                "-bsf:v",
                "h264_metadata=matrix_coefficients=3",
            ],
        ),
        ("reserved", "tv"),
    );
}
