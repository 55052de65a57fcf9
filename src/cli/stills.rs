//! `attune stills PROJECT --reel NAME -o DIR`: one PNG per reel item and a
//! printable handout for the parent.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::export::{StillsJob, export_stills};
use crate::store;

#[derive(Debug, clap::Args)]
pub struct StillsArgs {
    /// The project file (.attune.json).
    pub project: PathBuf,
    /// The reel's name, or its numeric id.
    #[arg(long)]
    pub reel: String,
    /// The folder to write the stills and handout.html into.
    #[arg(short = 'o', long = "out")]
    pub out: PathBuf,
    /// Replace existing files in the folder that Attune did not write.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: &StillsArgs) -> anyhow::Result<i32> {
    let loaded = store::load(&args.project)?;
    let project = &loaded.project;
    let reel = super::export::find_reel(project, &args.reel)?;
    let summary = export_stills(&StillsJob {
        project_path: &args.project,
        project,
        reel,
        out_dir: &args.out,
        overwrite: super::overwrite(args.force),
    })
    .with_context(|| format!("writing stills for reel \"{}\"", reel.name))?;
    for (path, _) in &summary.stills {
        println!("{}", path.display());
    }
    println!("{}", summary.handout.display());
    Ok(0)
}
