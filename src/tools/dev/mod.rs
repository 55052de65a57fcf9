//! `attune dev …`: hidden commands for developers and tests (regenerating
//! the samples, benchmark clips and projects, the crash test's child, one
//! edit and save without a window).

pub(crate) mod bench_clip;
pub(crate) mod edit_save;
pub(crate) mod export_project;
pub(crate) mod make_samples;
pub(crate) mod save_loop;

pub use save_loop::crash_state;

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Regenerate the committed sample clips and sample project.
    MakeSamples(make_samples::MakeSamplesArgs),
    /// Write a long frame-coded clip for the engine benchmarks (not committed).
    MakeBenchClip(bench_clip::MakeBenchClipArgs),
    /// Write the export benchmark's project (six held, captioned moments of CLIP).
    BenchExportProject {
        /// The benchmark clip (from make-bench-clip).
        clip: PathBuf,
        /// The project to write, in the clip's folder.
        out: PathBuf,
    },
    /// Open, lock, change the first moment's note, autosave, save: the app's
    /// edit path without a window (the log privacy test's child).
    EditSave {
        /// Project file to edit.
        project: PathBuf,
        /// The first moment's new note.
        #[arg(long)]
        note: String,
    },
    /// Save known states in a loop until killed (the crash test's child).
    SaveLoop {
        /// Project file to keep saving.
        project: PathBuf,
    },
}

pub(crate) fn run(command: DevCommand) -> anyhow::Result<()> {
    match command {
        DevCommand::MakeSamples(args) => make_samples::run(args),
        DevCommand::MakeBenchClip(args) => bench_clip::run(args),
        DevCommand::BenchExportProject { clip, out } => export_project::make_project(&clip, &out),
        DevCommand::EditSave { project, note } => edit_save::edit_save(&project, &note),
        DevCommand::SaveLoop { project } => save_loop::save_loop(&project),
    }
}
