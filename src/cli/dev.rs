use std::path::PathBuf;

use clap::Subcommand;

use crate::samples;

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Regenerate the committed sample clips and sample project.
    MakeSamples(samples::MakeSamplesArgs),
    /// Write a long frame-coded clip for the engine benchmarks (not committed).
    MakeBenchClip(samples::bench::MakeBenchClipArgs),
    /// Save known states in a loop until killed (the crash test's child).
    SaveLoop {
        /// Project file to keep saving.
        project: PathBuf,
    },
}

pub fn run(command: DevCommand) -> anyhow::Result<()> {
    match command {
        DevCommand::MakeSamples(args) => samples::run(args),
        DevCommand::MakeBenchClip(args) => samples::bench::run(args),
        DevCommand::SaveLoop { project } => crate::store::dev::save_loop(&project),
    }
}
