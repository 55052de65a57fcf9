//! `attune new PROJECT.attune.json CLIP… [--title T]`: a project over clips,
//! for setting up many projects from a script. Each clip is probed and
//! fingerprinted exactly as *Add clips…* does it (the same function), with
//! no consent recorded, and the project gets the bundled codebooks, as a
//! new project in the app does.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use crate::model::{ClipId, Document, Project, operations};
use crate::store;

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The project file to create (.attune.json); it must not exist yet.
    pub project: PathBuf,
    /// The video files, in the order the clip bin lists them.
    #[arg(required = true)]
    pub clips: Vec<PathBuf>,
    /// The project's title (by default the file's name).
    #[arg(long)]
    pub title: Option<String>,
}

pub(super) fn run(args: &NewArgs) -> anyhow::Result<i32> {
    // A symlink, even a dangling one, is something there already.
    if std::fs::symlink_metadata(&args.project).is_ok() {
        bail!(
            "{}: already exists; `attune new` never replaces a project",
            args.project.display()
        );
    }
    let mut clips = Vec::with_capacity(args.clips.len());
    for (i, path) in args.clips.iter().enumerate() {
        if !crate::ui::dialogs::is_video(path) {
            bail!("{}: is not a video file Attune can add", path.display());
        }
        let stored = store::stored_clip_path(&args.project, path);
        let id = ClipId(1 + i as u32);
        clips.push(crate::ui::opening::clip_from_file(path, id, stored)?);
    }
    let title = args
        .title
        .clone()
        .unwrap_or_else(|| default_title(&args.project));
    let mut project = Project::new(title, chrono::Utc::now());
    project.codebooks = crate::model::bundled()?;
    let mut doc = Document::new(project);
    let edit = operations::add_clips(doc.project(), clips)
        .with_context(|| format!("{}: cannot make the project", args.project.display()))?;
    doc.apply(edit)?;
    store::save(&args.project, doc.project())?;
    log::info!("new project with {} clip(s)", doc.project().clips.len());
    println!(
        "{}: new project with {} clip(s)",
        args.project.display(),
        doc.project().clips.len()
    );
    Ok(0)
}

/// "Family A" for `Family A.attune.json`.
fn default_title(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name
        .strip_suffix(".attune.json")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(&name);
    let title = crate::model::limits::shortened(stem, crate::model::limits::MAX_NAME_CHARS);
    if title.trim().is_empty() {
        "New project".into()
    } else {
        title
    }
}
