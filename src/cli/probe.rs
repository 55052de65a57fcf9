use std::path::PathBuf;

use anyhow::Context;

use crate::media::probe::{ProbeReport, probe};

#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// The clip to probe.
    pub file: PathBuf,
    /// Print the facts as one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(args: &ProbeArgs) -> anyhow::Result<i32> {
    let report = probe(&args.file)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("writing the probe report")?
        );
    } else {
        print!("{}", human(&report));
    }
    Ok(0)
}

fn human(r: &ProbeReport) -> String {
    let fps = f64::from(r.fps_num) / f64::from(r.fps_den);
    format!(
        "frames     {}\nframe rate {}/{} ({fps:.3} fps){}\nsize       {}x{}{}{}\nduration   {:.3} s\nvideo      {}\naudio      {}\n",
        r.frames,
        r.fps_num,
        r.fps_den,
        if r.variable_frame_rate {
            ", variable"
        } else {
            ""
        },
        r.width,
        r.height,
        if (r.display_width, r.display_height) != (r.width, r.height) {
            format!(
                ", shown {}x{} (pixel aspect {})",
                r.display_width, r.display_height, r.pixel_aspect_ratio
            )
        } else {
            String::new()
        },
        if r.rotation != 0 {
            format!(", shown turned {}° clockwise", r.rotation)
        } else {
            String::new()
        },
        r.duration_s,
        r.video_codec,
        r.audio_codec.as_deref().unwrap_or("none"),
    )
}
