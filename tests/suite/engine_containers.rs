//! Footage as browsers, screen recorders, camcorders and editors write it:
//! WebM with Opus or Vorbis audio (whose codec delay moves the container's
//! start before the video's), Matroska starting late, MPEG-TS whose clock
//! starts hours in, an MP4 cut with an edit list, deep B-frame reordering.
//!
//! Each clip is transcoded or remuxed from a frame-coded sample with the
//! ffmpeg tool, so every picture carries its source frame in its pixels.
//! The truth is FFmpeg's own decode, every frame counted in presentation
//! order; frame N of every Attune path (the engine's seeks and steps, a
//! play span's last frame, `attune frame`, a rendered reel) must carry the
//! code of FFmpeg's frame N.

use crate::engine_support;
use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use attune::export::{Expected, OutputSettings, RenderJob, render_reel};
use attune::frame_code;
use attune::media::engine::PlayerCommand;
use attune::testing::placement;
use engine_support::{code, open, play_span_to_end, player, show};

/// How each kind of clip is made from the landscape sample (30 fps, GOP 60).
const KINDS: &[(&str, &[&str])] = &[
    (
        "vp9-opus.webm",
        &[
            "-t",
            "6",
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "300k",
            "-g",
            "60",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-c:a",
            "libopus",
        ],
    ),
    (
        "vp8-vorbis.webm",
        &[
            "-t",
            "6",
            "-c:v",
            "libvpx",
            "-b:v",
            "300k",
            "-g",
            "60",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-c:a",
            "libvorbis",
        ],
    ),
    // Matroska stores milliseconds: frames land at 33, 67, 100 ms, here
    // from 2.345 s on.
    (
        "late.mkv",
        &["-t", "6", "-c", "copy", "-output_ts_offset", "2.345"],
    ),
    // A stream copy cut mid-GOP: the edit list hides the frames before the
    // cut, which are still demuxed to decode from the keyframe.
    ("edit-list.mp4", &["-ss", "2.5", "-t", "5", "-c", "copy"]),
    (
        "late.ts",
        &[
            "-t",
            "6",
            "-c:v",
            "libx264",
            "-g",
            "60",
            "-c:a",
            "aac",
            "-output_ts_offset",
            "10000",
            "-f",
            "mpegts",
        ],
    ),
    // Pyramid B-frames six deep: a frame can be decoded four or more
    // frames before it is presented.
    (
        "deep-b.mp4",
        &[
            "-t",
            "6",
            "-c:v",
            "libx264",
            "-g",
            "90",
            "-bf",
            "6",
            "-x264-params",
            "b-pyramid=normal:b-adapt=0",
            "-an",
        ],
    ),
];

/// Makes `name` in `dir` with the ffmpeg tool (installed by install-deps).
fn make(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let src = support::sample_clips().join("play-mat-landscape.mp4");
    let out = dir.join(name);
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-v", "error", "-nostdin", "-y"]);
    // -ss before -i: a fast, keyframe-based stream-copy cut.
    let (before, after): (Vec<&str>, Vec<&str>) = if args.first() == Some(&"-ss") {
        (args[..2].to_vec(), args[2..].to_vec())
    } else {
        (Vec::new(), args.to_vec())
    };
    cmd.args(before).arg("-i").arg(&src).args(after).arg(&out);
    let status = cmd
        .status()
        .expect("the ffmpeg tool runs (scripts/install-deps)");
    assert!(status.success(), "ffmpeg could not make {name}");
    out
}

/// The frame code of every frame as FFmpeg decodes it, in presentation order.
fn truth(path: &Path) -> Vec<u32> {
    let mut codes = Vec::new();
    support::decode_each(path, |index, img| {
        let c = frame_code::read(img)
            .unwrap_or_else(|| panic!("{}: frame {index} has no code", path.display()));
        codes.push(c);
    });
    codes
}

/// Seek targets: the first frames, both sides of every keyframe-ish spot,
/// and the end.
fn targets(count: u32) -> Vec<u32> {
    let mut t = vec![
        1, 2, 3, 0, 7, 29, 30, 31, 59, 60, 61, 89, 90, 91, 100, 119, 120,
    ];
    t.extend([count / 2, count - 2, count - 1, count / 3]);
    t.retain(|&f| f < count);
    t
}

fn check_engine(path: &Path, want: &[u32]) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let count = want.len() as u32;
    let p = player(None);
    let first = open(&p, path, None);
    assert_eq!(p.state().frame_count, count, "{name}: frame count");
    assert_eq!(code(&first), Some(want[0]), "{name}: opened on frame 0");
    let mut wrong = Vec::new();
    for t in targets(count) {
        let f = show(&p, PlayerCommand::SeekToFrame(t), t);
        if code(&f) != Some(want[t as usize]) {
            wrong.push(("seek", t, code(&f)));
        }
    }
    // Steps both ways across a keyframe (GOP 60 on every kind but one).
    let start = 50u32.min(count - 1);
    show(&p, PlayerCommand::SeekToFrame(start), start);
    for t in start + 1..(start + 25).min(count) {
        let f = show(&p, PlayerCommand::Step(1), t);
        if code(&f) != Some(want[t as usize]) {
            wrong.push(("step+", t, code(&f)));
        }
    }
    let back_from = (start + 40).min(count - 1);
    show(&p, PlayerCommand::SeekToFrame(back_from), back_from);
    for t in (back_from.saturating_sub(30)..back_from).rev() {
        let f = show(&p, PlayerCommand::Step(-1), t);
        if code(&f) != Some(want[t as usize]) {
            wrong.push(("step-", t, code(&f)));
        }
    }
    assert!(wrong.is_empty(), "{name}: wrong frames {wrong:?}");

    // A play span stops on its last frame.
    let (s, e) = (20u32, 45u32.min(count - 1));
    let f = play_span_to_end(&p, s, e);
    assert_eq!(f.frame, e, "{name}: span end index");
    assert_eq!(code(&f), Some(want[e as usize]), "{name}: span end picture");
}

fn check_frame_command(dir: &Path, path: &Path, want: &[u32]) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let png = dir.join(format!("{name}.png"));
    for n in [1u32, 2, 61, want.len() as u32 - 1] {
        let img = support::attune_frame(path, n, &png);
        assert_eq!(
            frame_code::read(&img),
            Some(want[n as usize]),
            "{name}: attune frame --frame {n}"
        );
    }
}

/// A one-moment reel over frames 40..=100 of the clip, rendered and decoded.
fn check_reel(path: &Path, want: &[u32]) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let (dir, project_path, mut project) = support::sample_copy();
    let local = dir.path().join(&name);
    std::fs::copy(path, &local).unwrap();
    let report = attune::media::probe::probe(&local).unwrap();
    let clip = &mut project.clips[0];
    clip.path = name.clone();
    clip.media = attune::model::MediaFacts::try_from(&report).unwrap();
    clip.fingerprint = attune::store::fingerprint(&local).unwrap();
    let clip_id = clip.id;
    let last = 100u32.min(want.len() as u32 - 1);
    let moment = project
        .moments
        .iter_mut()
        .find(|m| m.clip == clip_id)
        .expect("the sample has a moment on its first clip");
    (moment.start, moment.end) = (40, last);
    let moment_id = moment.id;
    let reel = &mut project.reels[0];
    reel.items.truncate(1);
    reel.items[0] = attune::model::ReelItem::for_moment(moment_id);
    let out = dir.path().join("reel.mp4");
    let job = RenderJob {
        project_path: &project_path,
        project: &project,
        reel: &project.reels[0],
        settings: OutputSettings {
            height: 720,
            fps: 30,
        },
        output: &out,
        overwrite: attune::files::Overwrite::Confirmed,
        sidecars: attune::files::Overwrite::Confirmed,
    };
    let summary = render_reel(&job, &mut |_| {}, &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("{name}: reel: {e}"));
    let plan = summary.plan;
    let mut wrong = Vec::new();
    let mut shown = 0;
    support::decode_each(&out, |index, img| {
        if let Some(Expected::Item { shown: s, .. }) = plan.expected(index) {
            let (w, h) = (report.width, report.height);
            let p = placement(w, h, img.width(), img.height());
            let got = frame_code::read_in(img, p.x, p.y, p.w, p.h);
            shown += 1;
            if got != Some(want[s.source as usize]) {
                wrong.push((index, s.source, got));
            }
        }
    });
    assert_eq!(shown, last - 40 + 1, "{name}: reel frames");
    assert!(wrong.is_empty(), "{name}: reel frames {wrong:?}");
}

#[test]
fn every_container_lands_on_ffmpegs_frame_in_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, args) in KINDS {
        let path = make(dir.path(), name, args);
        let want = truth(&path);
        assert!(want.len() > 120, "{name}: only {} frames", want.len());
        let result = std::panic::catch_unwind(|| {
            check_engine(&path, &want);
            check_frame_command(dir.path(), &path, &want);
            check_reel(&path, &want);
        });
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{name}: {msg}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
