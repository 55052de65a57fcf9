//! Shared by the picture tests: clips made with the ffmpeg CLI, the sample
//! project narrowed to one clip, and picture comparisons.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use attune::export::{Expected, OutputSettings, RenderJob, StillsJob, export_stills, render_reel};
use attune::model::{ClipId, MediaFacts, Project};
use image::RgbaImage;

use crate::support;

/// Runs the ffmpeg CLI, failing the test with its message.
pub fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg CLI");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One field of the video stream as ffprobe reports it.
pub fn ffprobe(path: &Path, entry: &str) -> String {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
        .arg(format!("stream={entry}"))
        .args(["-of", "default=nw=1:nk=1"])
        .arg(path)
        .output()
        .expect("ffprobe CLI");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The sample project copied into a temp folder, its play-mat clip
/// replaced by `make(original, replacement)`'s output, the clip's facts
/// probed again and the first reel narrowed to the items from that clip.
pub fn project_with_play_mat(
    make: impl FnOnce(&Path, &Path),
) -> (tempfile::TempDir, PathBuf, Project, PathBuf) {
    let (dir, project_path, mut project) = support::sample_copy();
    let clip_path = dir.path().join("play-mat-landscape.mp4");
    let original = dir.path().join("original.mp4");
    std::fs::rename(&clip_path, &original).unwrap();
    make(&original, &clip_path);
    let id = ClipId(1);
    let report = attune::media::probe::probe(&clip_path).unwrap();
    let clip = project.clips.iter_mut().find(|c| c.id == id).unwrap();
    assert!(clip.path.ends_with("play-mat-landscape.mp4"));
    clip.media = MediaFacts::try_from(&report).unwrap();
    let moments: Vec<_> = project
        .moments
        .iter()
        .filter(|m| m.clip == id)
        .map(|m| m.id)
        .collect();
    project.reels[0]
        .items
        .retain(|i| moments.contains(&i.moment));
    assert!(!project.reels[0].items.is_empty());
    (dir, project_path, project, original)
}

/// Every frame of a clip, decoded by FFmpeg's defaults at its stored size.
pub fn frames_of(path: &Path) -> Vec<RgbaImage> {
    let mut frames = Vec::new();
    support::decode_each(path, |_, img| frames.push(img.clone()));
    frames
}

/// Mean absolute difference per channel (RGB) between two same-size
/// pictures, 0-255.
pub fn mean_abs_diff(a: &RgbaImage, b: &RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let mut sum = 0u64;
    for (p, q) in a.pixels().zip(b.pixels()) {
        for c in 0..3 {
            sum += u64::from(p.0[c].abs_diff(q.0[c]));
        }
    }
    sum as f64 / (3.0 * f64::from(a.width()) * f64::from(a.height()))
}

/// `img` resized to `w`x`h` (a smooth filter, to compare shapes).
pub fn resized(img: &RgbaImage, w: u32, h: u32) -> RgbaImage {
    image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle)
}

/// Stills of the project's first reel: (png, source frame).
pub fn stills(project_path: &Path, project: &Project, out: &Path) -> Vec<(RgbaImage, u32)> {
    let summary = export_stills(&StillsJob {
        project_path,
        project,
        reel: &project.reels[0],
        out_dir: out,
        overwrite: attune::files::Overwrite::Confirmed,
    })
    .unwrap();
    summary
        .stills
        .iter()
        .map(|(p, f)| (image::open(p).unwrap().to_rgba8(), *f))
        .collect()
}

/// Renders the project's first reel at `height` (720 or 1080) p30 and
/// returns, for each output frame showing a source frame, (source frame,
/// picture).
pub fn reel_frames(
    project_path: &Path,
    project: &Project,
    out: &Path,
    height: u32,
) -> Vec<(u32, RgbaImage)> {
    let job = RenderJob {
        project_path,
        project,
        reel: &project.reels[0],
        settings: OutputSettings { height, fps: 30 },
        output: out,
        overwrite: attune::files::Overwrite::Confirmed,
        sidecars: attune::files::Overwrite::Confirmed,
    };
    let plan = render_reel(&job, &mut |_| {}, &AtomicBool::new(false))
        .unwrap()
        .plan;
    let mut shown = Vec::new();
    support::decode_each(out, |index, img| {
        if let Some(Expected::Item { shown: s, .. }) = plan.expected(index) {
            shown.push((s.source, img.clone()));
        }
    });
    shown
}

/// The top `share` of a picture (above any caption band).
pub fn top(img: &RgbaImage, share: f64) -> RgbaImage {
    let h = (f64::from(img.height()) * share) as u32;
    image::imageops::crop_imm(img, 0, 0, img.width(), h).to_image()
}

/// The worst difference between the two pictures' colours, averaged over
/// blocks of about 1/32 of the width: compression noise and the scalers'
/// edges average out, a wrong matrix or range (a shift in every saturated,
/// dark or bright area) does not.
pub fn worst_block_diff(a: &RgbaImage, b: &RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let (w, h) = (32, (32 * a.height() / a.width()).max(1));
    let (a, b) = (resized(a, w, h), resized(b, w, h));
    a.pixels()
        .zip(b.pixels())
        .flat_map(|(p, q)| (0..3).map(move |c| f64::from(p.0[c].abs_diff(q.0[c]))))
        .fold(0.0, f64::max)
}

/// The part of a reel frame the picture of a `w`x`h` source fills.
pub fn placed(img: &RgbaImage, w: u32, h: u32) -> RgbaImage {
    let p = attune::testing::placement(w, h, img.width(), img.height());
    image::imageops::crop_imm(img, p.x, p.y, p.w, p.h).to_image()
}
