use std::path::PathBuf;

use clap::Subcommand;

use crate::samples;

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Regenerate the committed sample clips and sample project.
    MakeSamples(samples::MakeSamplesArgs),
    /// Write a long frame-coded clip for the engine benchmarks (not committed).
    MakeBenchClip(samples::bench::MakeBenchClipArgs),
    /// Write the export benchmark's project (six held, captioned moments of CLIP).
    BenchExportProject {
        /// The benchmark clip (from make-bench-clip).
        clip: PathBuf,
        /// The project to write, in the clip's folder.
        out: PathBuf,
    },
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
        DevCommand::BenchExportProject { clip, out } => {
            crate::export::bench::make_project(&clip, &out)
        }
        DevCommand::SaveLoop { project } => crate::store::dev::save_loop(&project),
    }
}
