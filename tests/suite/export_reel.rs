//! Renders the sample reel and decodes what was written: every frame is the
//! source frame the plan says (by frame code), captions are where they are
//! due, audio and video end together, no source metadata leaks, and the
//! WebVTT cues match the plan.

use crate::support;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use attune::export::{Expected, OutputSettings, ReelPlan, RenderJob, render_reel};
use attune::frame_code;
use attune::model::Project;
use attune::testing::caption_overlay;
use attune::testing::placement;
use ffmpeg_next as ffmpeg;
use image::RgbaImage;

fn luma(p: &[u8]) -> f32 {
    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
}

/// Whether `img` shows `caption`'s band: the glyph cores are bright and the
/// veil around them dark. A picture cannot do both by chance.
fn shows_caption(img: &RgbaImage, caption: &str) -> bool {
    let Some(o) = caption_overlay(caption, img.width(), img.height()).unwrap() else {
        return false;
    };
    let (mut core, mut bright, mut veil, mut veil_sum) = (0u32, 0u32, 0u32, 0f32);
    for (i, px) in o.pixels.chunks_exact(4).enumerate() {
        let (x, y) = (i as u32 % o.width, o.y + i as u32 / o.width);
        let l = luma(&img.get_pixel(x, y).0);
        if px[0] >= 245 {
            core += 1;
            bright += u32::from(l > 190.0);
        } else if px[0] == 0 && px[3] >= 150 {
            veil += 1;
            veil_sum += l;
        }
    }
    core > 0 && veil > 0 && bright as f32 / core as f32 > 0.8 && veil_sum / (veil as f32) < 120.0
}

/// Interleaved stereo samples of the output's audio.
fn decode_audio(path: &Path) -> Vec<f32> {
    let mut ictx = ffmpeg::format::input(path).unwrap();
    let stream = ictx.streams().best(ffmpeg::media::Type::Audio).unwrap();
    let index = stream.index();
    let mut dec = ffmpeg::codec::context::Context::from_parameters(stream.parameters())
        .unwrap()
        .decoder()
        .audio()
        .unwrap();
    let mut out = Vec::new();
    let mut frame = ffmpeg::frame::Audio::empty();
    let mut take = |dec: &mut ffmpeg::decoder::Audio, out: &mut Vec<f32>| {
        while dec.receive_frame(&mut frame).is_ok() {
            // The AAC decoder gives planar float.
            let (l, r) = (frame.plane::<f32>(0), frame.plane::<f32>(1));
            for i in 0..frame.samples() {
                out.push(l[i]);
                out.push(r[i]);
            }
        }
    };
    for (s, p) in ictx.packets() {
        if s.index() == index {
            dec.send_packet(&p).unwrap();
            take(&mut dec, &mut out);
        }
    }
    dec.send_eof().unwrap();
    take(&mut dec, &mut out);
    out
}

fn rms(samples: &[f32]) -> f32 {
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32).sqrt()
}

/// Parses `HH:MM:SS.mmm --> HH:MM:SS.mmm` cue timings (in ms) and texts.
fn parse_vtt(text: &str) -> Vec<(u64, u64, String)> {
    assert!(text.starts_with("WEBVTT\n"), "{text}");
    let ms = |t: &str| {
        let (hms, milli) = t.split_once('.').unwrap();
        let parts: Vec<u64> = hms.split(':').map(|p| p.parse().unwrap()).collect();
        ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + milli.parse::<u64>().unwrap()
    };
    text.split("\n\n")
        .skip(1)
        .map(|block| {
            let lines: Vec<&str> = block.lines().collect();
            let (a, b) = lines[1].split_once(" --> ").unwrap();
            (ms(a), ms(b), lines[2..].join("\n"))
        })
        .collect()
}

fn to_frame(ms: u64, fps: u32) -> u32 {
    ((ms * u64::from(fps) + 500) / 1000) as u32
}

fn render(project_path: &Path, project: &Project, out: &Path, fps: u32) -> ReelPlan {
    let job = RenderJob {
        project_path,
        project,
        reel: &project.reels[0],
        settings: OutputSettings { height: 720, fps },
        output: out,
        overwrite: attune::files::Overwrite::Confirmed,
        sidecars: attune::files::Overwrite::Confirmed,
    };
    let mut last = 0;
    let summary = render_reel(&job, &mut |p| last = p.done, &AtomicBool::new(false)).unwrap();
    assert_eq!(last, summary.plan.total_frames, "progress reached the end");
    summary.plan
}

#[test]
fn the_sample_reel_is_frame_exact_captioned_and_clean() {
    let (dir, project_path, mut project) = support::sample_copy();
    // Item 3 without a caption, to see captions absent where none is due.
    project.reels[0].items[2].caption = Some(String::new());
    let out = dir.path().join("reel.mp4");
    let plan = render(&project_path, &project, &out, 30);
    assert!(plan.items[1].speed_percent < 100 && plan.items[0].hold.is_some());

    let mut wrong = Vec::new();
    let mut captions_wrong = Vec::new();
    let first_caption = plan.items[0].caption.clone();
    let facts = support::decode_each(&out, |index, img| {
        assert_eq!(img.dimensions(), (1280, 720));
        match plan.expected(index) {
            Some(Expected::Title) => {
                if frame_code::read(img).is_some() {
                    wrong.push((index, None, frame_code::read(img)));
                }
                if shows_caption(img, &first_caption) {
                    captions_wrong.push((index, "caption on the title card"));
                }
            }
            Some(Expected::Item { item, shown }) => {
                let clip = project.clip(item.clip).unwrap();
                let p = placement(clip.media.width, clip.media.height, 1280, 720);
                let got = frame_code::read_in(img, p.x, p.y, p.w, p.h);
                if got != Some(shown.source) {
                    wrong.push((index, Some(shown.source), got));
                }
                let due = !item.caption.is_empty();
                let probe = if due { &item.caption } else { &first_caption };
                if shows_caption(img, probe) != due {
                    captions_wrong.push((index, if due { "missing" } else { "unexpected" }));
                }
            }
            None => wrong.push((index, None, None)),
        }
    });
    assert!(wrong.is_empty(), "frames not as planned: {wrong:?}");
    assert!(captions_wrong.is_empty(), "captions: {captions_wrong:?}");
    assert_eq!(facts.frames, plan.total_frames, "total frames");
    assert!(
        facts.misplaced.is_empty(),
        "timestamps: {:?}",
        facts.misplaced
    );

    // Audio: as long as the video within one frame, silent in slow motion
    // and holds, present where the play-mat clip plays at 1x.
    let audio = decode_audio(&out);
    let audio_s = audio.len() as f64 / 2.0 / 48_000.0;
    let video_s = f64::from(plan.total_frames) / 30.0;
    assert!(
        (audio_s - video_s).abs() <= 1.0 / 30.0,
        "{audio_s} vs {video_s}"
    );
    let span = |from: u32, to: u32| &audio[from as usize * 3200..to as usize * 3200];
    let slow = &plan.items[1];
    assert!(rms(span(slow.out_start + 2, slow.out_end - 2)) < 1e-3);
    let first = &plan.items[0];
    let hold_at = first.frames.iter().position(|f| f.hold).unwrap() as u32 + first.out_start;
    assert!(
        rms(span(hold_at + 2, hold_at + 58)) < 1e-3,
        "hold is silent"
    );
    // The play-mat clip is quiet for its first 3 s; after the hold (source
    // frames 68..=134, 2.3 s to 4.5 s) the voices start.
    let after_hold = hold_at + 60;
    assert!(
        rms(span(after_hold, first.out_end)) > 1e-3,
        "1x plays the sound"
    );
    assert!(
        rms(span(first.out_start, hold_at - 2)) < 1e-3,
        "and its silence"
    );
    assert!(
        rms(span(0, plan.title_frames() - 2)) < 1e-3,
        "title is silent"
    );

    // No source metadata in the container.
    let ictx = ffmpeg::format::input(&out).unwrap();
    for (k, v) in ictx.metadata().iter() {
        assert!(
            ["major_brand", "minor_version", "compatible_brands"].contains(&k),
            "format tag {k}={v}"
        );
    }
    for stream in ictx.streams() {
        for (k, v) in stream.metadata().iter() {
            let generic = ["VideoHandler", "SoundHandler", "und"].contains(&v) || k == "vendor_id";
            assert!(generic, "stream tag {k}={v}");
        }
    }
    let bytes = std::fs::read(&out).unwrap();
    for needle in [
        "play-mat",
        "feeding",
        "Play on the mat",
        "Feeding in",
        "creation_time",
        "Lavf",
        "sample.attune",
    ] {
        let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(!found, "the file contains {needle:?}");
    }

    // WebVTT captions and chapters match the plan.
    let cues = parse_vtt(&std::fs::read_to_string(dir.path().join("reel.vtt")).unwrap());
    let captioned: Vec<_> = plan
        .items
        .iter()
        .filter(|i| !i.caption.is_empty())
        .collect();
    assert_eq!(cues.len(), captioned.len());
    for ((a, b, text), item) in cues.iter().zip(captioned) {
        assert_eq!(
            (to_frame(*a, 30), to_frame(*b, 30)),
            (item.out_start, item.out_end)
        );
        assert_eq!(text, &item.caption);
    }
    let chapters =
        parse_vtt(&std::fs::read_to_string(dir.path().join("reel.chapters.vtt")).unwrap());
    assert_eq!(chapters.len(), plan.items.len() + 1);
    assert_eq!(chapters[0].2, "Title");
    for ((a, b, text), item) in chapters[1..].iter().zip(&plan.items) {
        assert_eq!(
            (to_frame(*a, 30), to_frame(*b, 30)),
            (item.out_start, item.out_end)
        );
        assert_eq!(text, &format!("Moment {}", item.position));
    }
}

#[test]
fn at_25_fps_rate_conversion_still_lands_on_planned_frames() {
    let (dir, project_path, project) = support::sample_copy();
    let out = dir.path().join("reel25.mp4");
    let plan = render(&project_path, &project, &out, 25);
    let mut wrong = Vec::new();
    let facts = support::decode_each(&out, |index, img| {
        if let Some(Expected::Item { item, shown }) = plan.expected(index) {
            let clip = project.clip(item.clip).unwrap();
            let p = placement(clip.media.width, clip.media.height, 1280, 720);
            let got = frame_code::read_in(img, p.x, p.y, p.w, p.h);
            if got != Some(shown.source) {
                wrong.push((index, shown.source, got));
            }
        }
    });
    assert!(wrong.is_empty(), "{wrong:?}");
    assert_eq!(facts.frames, plan.total_frames);
}
