//! `attune export PROJECT --reel NAME -o OUT.mp4`: renders a reel with a
//! progress bar on stderr and, with `--json`, a summary on stdout.

use std::path::PathBuf;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::export::{OutputSettings, RenderJob, RenderSummary, render_reel};
use crate::model::{Project, Reel};
use crate::store;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The project file (.attune.json).
    pub project: PathBuf,
    /// The reel's name, or its numeric id.
    #[arg(long)]
    pub reel: String,
    /// The MP4 to write; captions (.vtt) and chapters (.chapters.vtt) go beside it.
    #[arg(short = 'o', long = "out")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 720, value_parser = one_of(&[720, 1080]))]
    pub height: u32,
    #[arg(long, default_value_t = 25, value_parser = one_of(&[25, 30]))]
    pub fps: u32,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// Replace existing output files that Attune did not write. The project,
    /// its own files and its clips are never replaced.
    #[arg(long)]
    pub force: bool,
}

/// A value parser accepting only the listed numbers.
fn one_of(allowed: &'static [u32]) -> impl Fn(&str) -> Result<u32, String> + Clone {
    move |s: &str| {
        s.parse::<u32>()
            .ok()
            .filter(|v| allowed.contains(v))
            .ok_or_else(|| format!("must be one of {allowed:?}"))
    }
}

#[derive(Serialize)]
struct JsonItem {
    moment: u32,
    source_start: u32,
    source_end: u32,
    out_start: u32,
    out_end: u32,
}

#[derive(Serialize)]
struct JsonSummary {
    frames: u32,
    duration_s: f64,
    items: Vec<JsonItem>,
    seconds: f64,
}

/// Finds a reel by exact name, then by numeric id.
pub(super) fn find_reel<'a>(project: &'a Project, wanted: &str) -> anyhow::Result<&'a Reel> {
    project
        .reels
        .iter()
        .find(|r| r.name == wanted)
        .or_else(|| {
            let id: u32 = wanted.trim().parse().ok()?;
            project.reels.iter().find(|r| r.id.0 == id)
        })
        .with_context(|| {
            let names: Vec<String> = project
                .reels
                .iter()
                .map(|r| format!("{} \"{}\"", r.id.0, r.name))
                .collect();
            format!(
                "no reel named or numbered \"{wanted}\" (reels: {})",
                if names.is_empty() {
                    "none".into()
                } else {
                    names.join(", ")
                }
            )
        })
}

pub(super) fn run(args: &ExportArgs) -> anyhow::Result<i32> {
    let loaded = store::load(&args.project)?;
    let project = &loaded.project;
    let reel = find_reel(project, &args.reel)?;
    log::info!(
        "export of reel {} started: {} item(s), {}p at {} fps",
        reel.id.0,
        reel.items.len(),
        args.height,
        args.fps
    );
    let job = RenderJob {
        project_path: &args.project,
        project,
        reel,
        settings: OutputSettings {
            height: args.height,
            fps: args.fps,
        },
        output: &args.out,
        overwrite: super::overwrite(args.force),
        sidecars: super::overwrite(args.force),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} frames  {elapsed} elapsed, ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // Ctrl+C, SIGTERM and SIGHUP set this flag; their handler also removes
    // the unfinished files and exits 130, 143 or 129.
    let cancel = crate::files::interrupt::cancel_flag();
    let result = render_reel(
        &job,
        &mut |p| {
            if bar.length() != Some(u64::from(p.total)) {
                bar.set_length(u64::from(p.total));
            }
            bar.set_position(u64::from(p.done));
        },
        cancel,
    );
    bar.finish_and_clear();
    if let Err(e) = &result {
        log::error!(
            "export of reel {} failed: {}",
            reel.id.0,
            crate::files::log::kind_of(e)
        );
    }
    let summary = result.with_context(|| format!("exporting reel \"{}\"", reel.name))?;
    log::info!(
        "export of reel {} finished: {} frames ({:.1} s of video) in {:.1} s",
        reel.id.0,
        summary.plan.total_frames,
        summary.plan.duration_s(),
        summary.seconds
    );
    if args.json {
        println!("{}", serde_json::to_string(&json_summary(&summary))?);
    } else {
        eprintln!(
            "{}: {} frames ({:.1} s) in {:.1} s; captions {}, chapters {}",
            summary.output.display(),
            summary.plan.total_frames,
            summary.plan.duration_s(),
            summary.seconds,
            summary.captions.display(),
            summary.chapters.display()
        );
    }
    Ok(0)
}

fn json_summary(summary: &RenderSummary) -> JsonSummary {
    JsonSummary {
        frames: summary.plan.total_frames,
        duration_s: summary.plan.duration_s(),
        items: summary
            .plan
            .items
            .iter()
            .map(|i| JsonItem {
                moment: i.moment.0,
                source_start: i.source_start,
                source_end: i.source_end,
                out_start: i.out_start,
                out_end: i.out_end,
            })
            .collect(),
        seconds: summary.seconds,
    }
}
