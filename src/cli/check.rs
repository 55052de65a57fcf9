use std::path::PathBuf;

use crate::store::{self, MediaProblem};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The project file (.attune.json) to check.
    pub project: PathBuf,
}

/// Loads and validates the project, then looks at every clip on disk.
/// Exit 0 only when the project loads and all its media are present and
/// unchanged; otherwise each problem gets a line and the exit code is 1.
pub(super) fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    let loaded = store::load(&args.project)?;
    let project = &loaded.project;
    let problems = store::check_media(&args.project, project);

    let name = args.project.display();
    if let Some(v) = loaded.migrated_from {
        println!("{name}: written in schema {v}; it will be upgraded when next saved");
    }
    for problem in &problems {
        let advice = match problem {
            MediaProblem::Missing { .. } => "relink it in the app, or put the file back",
            MediaProblem::Changed { .. } => {
                "the file differs from the one the moments were tagged on"
            }
            MediaProblem::Unreadable { .. } => "",
        };
        println!(
            "{name}: {problem}{}{advice}",
            if advice.is_empty() { "" } else { " — " }
        );
    }
    println!(
        "{name}: {} clip(s), {} moment(s), {} reel(s), {} codebook(s); {}",
        project.clips.len(),
        project.moments.len(),
        project.reels.len(),
        project.codebooks.len(),
        if problems.is_empty() {
            "all media present and unchanged".to_string()
        } else {
            format!("{} media problem(s)", problems.len())
        }
    );
    Ok(if problems.is_empty() { 0 } else { 1 })
}
