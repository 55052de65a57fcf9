//! `attune frame FILE --frame N -o OUT.png`: one frame at full resolution,
//! through the same engine, decoder and cache the app uses.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::media::engine::{Player, PlayerCommand, PlayerConfig, VideoFrame};

#[derive(Debug, Clone, clap::Args)]
pub struct FrameArgs {
    /// Video file.
    pub file: PathBuf,
    /// Frame index (0-based, counting frames actually presented).
    #[arg(long)]
    pub frame: u32,
    /// PNG to write.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Replace an existing file that Attune did not write (never the clip).
    #[arg(long)]
    pub force: bool,
}

/// Generous bound for opening plus one accurate seek on a slow machine.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Opens `file` in a fresh player at full resolution and returns frame `n`.
pub(crate) fn grab_frame(file: &std::path::Path, n: u32) -> anyhow::Result<VideoFrame> {
    crate::files::require_regular(file)?;
    let player = Player::new(PlayerConfig {
        audio: false,
        ..PlayerConfig::default()
    })?;
    player.send(PlayerCommand::Open {
        path: file.to_path_buf(),
        display_size: None,
    });
    if !player.wait_commands_done(1, COMMAND_TIMEOUT) {
        bail!("{}: timed out opening the file", file.display());
    }
    let st = player.state();
    if let Some(e) = st.error {
        bail!(e);
    }
    if n >= st.frame_count {
        bail!(
            "{}: frame {n} is past the end (the clip has {} frames)",
            file.display(),
            st.frame_count
        );
    }
    player.send(PlayerCommand::SeekToFrame(n));
    if !player.wait_commands_done(2, COMMAND_TIMEOUT) {
        bail!("{}: timed out seeking to frame {n}", file.display());
    }
    if let Some(e) = player.state().error {
        bail!(e);
    }
    let frame = player
        .latest_frame()
        .with_context(|| format!("{}: no frame was decoded", file.display()))?;
    if frame.frame != n {
        bail!(
            "{}: landed on frame {} instead of {n}",
            file.display(),
            frame.frame
        );
    }
    Ok((*frame).clone())
}

pub(crate) fn run(args: &FrameArgs) -> anyhow::Result<()> {
    use crate::files::{OutputGuard, Overwrite};
    let overwrite = if args.force {
        Overwrite::Confirmed
    } else {
        Overwrite::OnlyOurs
    };
    // Checked before decoding: a mistyped `-o CLIP` must not cost a decode,
    // let alone the clip.
    OutputGuard::new(overwrite)
        .protect(&args.file, "the clip this command reads")
        .check(&args.output)?;
    let frame = grab_frame(&args.file, args.frame)?;
    let img = image::RgbaImage::from_raw(frame.width, frame.height, frame.rgba)
        .context("frame buffer has the wrong size")?;
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png)
        .with_context(|| format!("{}: cannot encode the frame as PNG", args.output.display()))?;
    crate::files::write_file(&args.output, png.get_ref())?;
    Ok(())
}
