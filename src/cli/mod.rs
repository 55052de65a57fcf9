//! The command line: `attune [PROJECT | CLIP]` opens the app; subcommands do
//! batch work, benchmarks and the checks tests rely on.

pub mod bench_ui;
mod check;
mod dev;
mod export;
mod probe;
mod stills;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "attune",
    version,
    about = "Frame-exact video micro-analysis and shared-review reels for parent-infant work",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A project (.attune.json) or a single clip to open in the app.
    pub path: Option<PathBuf>,
    /// How often unsaved work is written to the recovery file, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub autosave_seconds: u64,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a clip's media facts (frames, rate, size, rotation, codecs).
    Probe(probe::ProbeArgs),
    /// Load and validate a project and check its media; exit 0 only when all is well.
    Check(check::CheckArgs),
    /// Write one frame of a clip at full resolution through the playback engine.
    Frame(crate::media::frame_cmd::FrameArgs),
    /// Measure the playback engine: stepping, seeking and playback.
    #[command(subcommand)]
    Bench(crate::media::bench::BenchCommand),
    /// Render a reel to MP4 with WebVTT captions and chapters beside it.
    Export(export::ExportArgs),
    /// Write each reel item's still as PNG and a printable handout.html.
    Stills(stills::StillsArgs),
    /// Tools for developers and tests.
    #[command(subcommand, hide = true)]
    Dev(dev::DevCommand),
}

/// Runs a subcommand; `Ok(code)` is the process exit code.
pub fn run(command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Probe(args) => probe::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Frame(args) => crate::media::frame_cmd::run(&args).map(|()| 0),
        Command::Bench(command) => crate::media::bench::run(&command).map(|()| 0),
        Command::Export(args) => export::run(&args),
        Command::Stills(args) => stills::run(&args),
        Command::Dev(command) => dev::run(command).map(|()| 0),
    }
}
