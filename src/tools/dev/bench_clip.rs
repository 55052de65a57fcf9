//! `attune dev make-bench-clip`: the sample scene at benchmark size (1080p by
//! default) with frame codes on every frame, for the player engine's
//! stepping and seeking benchmarks. Not committed: it is made on demand.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;

use crate::samples::{ClipSpec, SampleClip, render};

#[derive(Debug, Clone, clap::Args)]
pub struct MakeBenchClipArgs {
    /// Keyframe interval in frames (e.g. 60 or 250).
    #[arg(long, default_value_t = 60)]
    pub gop: u32,
    /// Length in seconds.
    #[arg(long, default_value_t = 60)]
    pub seconds: u32,
    #[arg(long, default_value_t = 1920)]
    pub width: u32,
    #[arg(long, default_value_t = 1080)]
    pub height: u32,
    /// Frames per second (integer rates only).
    #[arg(long, default_value_t = 30)]
    pub fps: u32,
    /// Output MP4 file.
    #[arg(short = 'o', long = "out")]
    pub out: PathBuf,
}

impl MakeBenchClipArgs {
    /// The render spec: the play-mat scene (its script loops), all cores,
    /// a fast preset.
    pub fn spec(&self) -> anyhow::Result<ClipSpec> {
        let fps = i32::try_from(self.fps)
            .ok()
            .filter(|&f| f > 0 && f <= 240)
            .with_context(|| format!("--fps {} is not in 1..=240", self.fps))?;
        let frames = self
            .seconds
            .checked_mul(self.fps)
            .filter(|&f| f > 0 && f <= frame_code_limit())
            .with_context(|| {
                format!(
                    "--seconds {} at {} fps is not between 1 and {} frames",
                    self.seconds,
                    self.fps,
                    frame_code_limit()
                )
            })?;
        Ok(ClipSpec {
            clip: SampleClip::PlayMatLandscape,
            width: self.width,
            height: self.height,
            frame_rate: (fps, 1),
            frames,
            gop: self.gop,
            audio: true,
            crf: 20,
            preset: "veryfast".into(),
            threads: 0,
        })
    }
}

fn frame_code_limit() -> u32 {
    crate::frame_code::MAX_FRAME + 1
}

pub fn run(args: MakeBenchClipArgs) -> anyhow::Result<()> {
    ffmpeg_next::log::set_level(ffmpeg_next::log::Level::Error);
    let spec = args.spec()?;
    let started = Instant::now();
    let path =
        render(&spec, &args.out).with_context(|| format!("generating {}", args.out.display()))?;
    let size = std::fs::metadata(&path)
        .with_context(|| format!("reading the size of {}", path.display()))?
        .len();
    println!(
        "{}: {}x{} {} fps, {} frames, GOP {}, {:.1} MiB in {:.1} s",
        path.display(),
        spec.width,
        spec.height,
        args.fps,
        spec.frames,
        spec.gop,
        size as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> MakeBenchClipArgs {
        MakeBenchClipArgs {
            gop: 250,
            seconds: 60,
            width: 1920,
            height: 1080,
            fps: 30,
            out: "x.mp4".into(),
        }
    }

    #[test]
    fn spec_follows_the_arguments() {
        let spec = args().spec().unwrap();
        assert_eq!((spec.frames, spec.gop, spec.threads), (1800, 250, 0));
    }

    #[test]
    fn silly_arguments_are_refused() {
        assert!(MakeBenchClipArgs { fps: 0, ..args() }.spec().is_err());
        assert!(
            MakeBenchClipArgs {
                seconds: 0,
                ..args()
            }
            .spec()
            .is_err()
        );
        assert!(
            MakeBenchClipArgs {
                seconds: u32::MAX,
                ..args()
            }
            .spec()
            .is_err()
        );
    }
}
