//! The generated sample clips: a parent and an infant in a gentle stylised
//! scene, every frame carrying its frame code, with alternating vocal turns.
//!
//! `make_samples` writes the committed clips in `sample_clips/`; the output
//! is byte-for-byte reproducible (single-threaded libx264, bit-exact muxing).
//! `bench` makes a large clip of the same scene for the engine benchmark.

pub(crate) mod project;
mod raster;
pub(crate) mod scene;
pub(crate) mod script;
mod supervision;
pub(crate) mod voice;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use image::RgbaImage;

use crate::export::{AudioSettings, Mp4Writer, VideoSettings};
use crate::frame_code;
use scene::{Scene, Setting};

/// Audio sample rate of every generated clip.
pub(crate) const SAMPLE_RATE: u32 = 48_000;

/// The committed sample clips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SampleClip {
    /// 640x360, 30 fps, 24 s, GOP 60, AAC: play on a mat.
    PlayMatLandscape,
    /// 360x640, 25 fps, 15 s, GOP 250 (long: backward stepping is hard), AAC.
    FeedingPortrait,
    /// 480x270, 30 fps, 6 s, GOP 30, no audio track.
    BathNoAudio,
}

impl SampleClip {
    pub const ALL: [SampleClip; 3] = [
        SampleClip::PlayMatLandscape,
        SampleClip::FeedingPortrait,
        SampleClip::BathNoAudio,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            SampleClip::PlayMatLandscape => "play-mat-landscape.mp4",
            SampleClip::FeedingPortrait => "feeding-portrait.mp4",
            SampleClip::BathNoAudio => "bath-no-audio.mp4",
        }
    }

    pub fn setting(self) -> Setting {
        match self {
            SampleClip::PlayMatLandscape => Setting::PlayMat,
            SampleClip::FeedingPortrait => Setting::Feeding,
            SampleClip::BathNoAudio => Setting::Bath,
        }
    }

    /// How the committed clip is rendered.
    pub fn spec(self) -> ClipSpec {
        let (width, height, fps, seconds, gop, audio) = match self {
            SampleClip::PlayMatLandscape => (640, 360, 30, 24, 60, true),
            SampleClip::FeedingPortrait => (360, 640, 25, 15, 250, true),
            SampleClip::BathNoAudio => (480, 270, 30, 6, 30, false),
        };
        ClipSpec {
            clip: self,
            width,
            height,
            frame_rate: (fps, 1),
            frames: fps as u32 * seconds,
            gop,
            audio,
            // Flat graphics compress well; CRF 22 keeps the frame code and
            // the faces crisp at a few hundred kilobytes per clip.
            crf: 22,
            preset: "medium".into(),
            // One thread: libx264 is only byte-reproducible single-threaded.
            threads: 1,
        }
    }
}

/// Everything that determines a rendered clip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipSpec {
    /// Whose script and room to use.
    pub clip: SampleClip,
    pub width: u32,
    pub height: u32,
    pub frame_rate: (i32, i32),
    pub frames: u32,
    pub gop: u32,
    pub audio: bool,
    pub crf: u8,
    pub preset: String,
    pub threads: u32,
}

impl ClipSpec {
    /// Start of frame `i` in seconds.
    fn time_of(&self, i: u32) -> f64 {
        f64::from(i) * f64::from(self.frame_rate.1) / f64::from(self.frame_rate.0)
    }

    /// First audio sample belonging to frame `i`.
    fn first_sample(&self, i: u32) -> usize {
        let (num, den) = (self.frame_rate.0 as u64, self.frame_rate.1 as u64);
        (u64::from(i) * u64::from(SAMPLE_RATE) * den / num.max(1)) as usize
    }
}

/// A moment in a sample clip worth tagging, as the script stages it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ScriptedMoment {
    pub start_frame: u32,
    /// Inclusive.
    pub end_frame: u32,
    /// A VIG codebook item id.
    pub vig_item: &'static str,
    /// Parent-facing, strengths-based.
    pub caption: &'static str,
    /// The specialist's clinical note (never parent-facing).
    pub note: &'static str,
}

/// The moments each sample clip's script stages, in that clip's frames.
pub(crate) fn scripted_moments(clip: SampleClip) -> Vec<ScriptedMoment> {
    let spec = clip.spec();
    let fps = f64::from(spec.frame_rate.0) / f64::from(spec.frame_rate.1);
    let last = spec.frames.saturating_sub(1);
    script::script(clip)
        .moments
        .iter()
        .map(|m| {
            let start = ((f64::from(m.start) * fps).round() as u32).min(last);
            let end = ((f64::from(m.end) * fps).round() as u32)
                .saturating_sub(1)
                .clamp(start, last);
            ScriptedMoment {
                start_frame: start,
                end_frame: end,
                vig_item: m.vig_item,
                caption: m.caption,
                note: m.note,
            }
        })
        .collect()
}

/// Renders `spec` to `path` (atomically: temporary file, then rename).
pub fn render(spec: &ClipSpec, path: &Path) -> anyhow::Result<PathBuf> {
    let video = VideoSettings {
        width: spec.width,
        height: spec.height,
        frame_rate: spec.frame_rate,
        gop: spec.gop,
        crf: spec.crf,
        preset: spec.preset.clone(),
        threads: spec.threads,
    };
    let audio = spec.audio.then_some(AudioSettings {
        sample_rate: SAMPLE_RATE,
        channels: 1,
    });
    let mut writer = Mp4Writer::create(path, video, audio)?;

    let script = script::script(spec.clip);
    let duration = spec.time_of(spec.frames) as f32;
    let turns = script.turns_until(duration);
    let pcm = if spec.audio {
        voice::render(&turns, SAMPLE_RATE, spec.first_sample(spec.frames))
    } else {
        Vec::new()
    };
    let scene = Scene::new(spec.clip.setting(), spec.width, spec.height);
    let mut img = RgbaImage::new(spec.width, spec.height);
    // Bounded by the requested frame count.
    for i in 0..spec.frames {
        let t = spec.time_of(i) as f32;
        let pose = script.pose_at(t, |who| voice::envelope(&turns, who, t));
        scene.render(&pose, &mut img);
        frame_code::draw(&mut img, i);
        writer
            .push_video(&img)
            .with_context(|| format!("frame {i}"))?;
        if spec.audio {
            let chunk = pcm
                .get(spec.first_sample(i)..spec.first_sample(i + 1))
                .unwrap_or_default();
            writer.push_audio(chunk)?;
        }
    }
    Ok(writer.finish()?)
}

/// Writes one committed sample clip into `out_dir`.
pub fn write_clip(clip: SampleClip, out_dir: &Path) -> anyhow::Result<PathBuf> {
    let path = out_dir.join(clip.file_name());
    render(&clip.spec(), &path).with_context(|| format!("generating {}", path.display()))
}

/// Writes all the sample clips into `out_dir` (created if missing).
pub(crate) fn make_samples(out_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    fs::create_dir_all(out_dir)
        .with_context(|| format!("creating the folder {}", out_dir.display()))?;
    let mut written = SampleClip::ALL
        .iter()
        .map(|&clip| write_clip(clip, out_dir))
        .collect::<anyhow::Result<Vec<_>>>()?;
    written.push(project::write_sample_project(out_dir)?);
    written.push(supervision::write_supervision_project(out_dir)?);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_match_the_brief() {
        let a = SampleClip::PlayMatLandscape.spec();
        assert_eq!(
            (a.width, a.height, a.frames, a.gop, a.audio),
            (640, 360, 720, 60, true)
        );
        let b = SampleClip::FeedingPortrait.spec();
        assert_eq!(
            (b.width, b.height, b.frames, b.gop, b.audio),
            (360, 640, 375, 250, true)
        );
        let c = SampleClip::BathNoAudio.spec();
        assert_eq!(
            (c.width, c.height, c.frames, c.gop, c.audio),
            (480, 270, 180, 30, false)
        );
    }

    #[test]
    fn audio_chunks_tile_the_track() {
        let b = SampleClip::FeedingPortrait.spec();
        assert_eq!(b.first_sample(1), 1920);
        assert_eq!(b.first_sample(b.frames), 15 * 48_000);
    }

    #[test]
    fn moments_cover_the_required_kinds() {
        let all: Vec<_> = SampleClip::ALL
            .iter()
            .flat_map(|&c| scripted_moments(c))
            .collect();
        for item in [
            "shared-attention",
            "giving-and-taking-short-turns",
            "initiative-by-infant",
            "returning-eye-contact-smiling-nodding",
            "waiting",
        ] {
            assert!(all.iter().any(|m| m.vig_item == item), "{item}");
        }
        for clip in SampleClip::ALL {
            for m in scripted_moments(clip) {
                assert!(m.start_frame <= m.end_frame && m.end_frame < clip.spec().frames);
                assert!(!m.caption.is_empty() && !m.note.is_empty());
            }
        }
    }
}
