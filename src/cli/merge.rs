//! `attune merge PROJECT OTHER.attune.json [--coder NAME] [--dry-run]`: a
//! colleague's coding of the same clips, brought in as their pass (see
//! `model::operations::merge_coding`). The project is locked, changed by
//! the one edit and saved atomically, as the app saves it; the other
//! project is only read.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use crate::model::{Document, operations};
use crate::store;

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The project to bring the coding into.
    pub project: PathBuf,
    /// The colleague's project (.attune.json) over the same footage.
    pub other: PathBuf,
    /// Whose pass it is, instead of the coder each moment names.
    #[arg(long)]
    pub coder: Option<String>,
    /// Only say what would be added.
    #[arg(long)]
    pub dry_run: bool,
}

pub(super) fn run(args: &MergeArgs) -> anyhow::Result<i32> {
    if same_file(&args.project, &args.other) {
        bail!(
            "{}: is the project itself; merge a colleague's project into it",
            args.other.display()
        );
    }
    let _lock = if args.dry_run {
        None
    } else {
        super::annotations::lock(&args.project)?
    };
    let project = store::load(&args.project)?.project;
    let other = store::load(&args.other)?.project;
    let merge = operations::merge_coding(&project, &other, args.coder.as_deref())
        .with_context(|| format!("{}: cannot be merged", args.other.display()))?;
    let s = &merge.summary;
    for name in &s.unmatched_clips {
        println!(
            "clip \"{name}\" of the other project is not in this one: its moments stay behind"
        );
    }
    for name in &s.clips {
        println!("moments on clip \"{name}\"");
    }
    println!(
        "{} moment(s) to add by {}, {} already here, {} new codebook(s), {} new code(s)",
        s.moments,
        if s.coders.is_empty() {
            "nobody".to_owned()
        } else {
            s.coders.join(", ")
        },
        s.already_here,
        s.new_codebooks,
        s.new_codes
    );
    log::info!(
        "merge: {} moment(s) to add, {} already here, {} unmatched clip(s)",
        s.moments,
        s.already_here,
        s.unmatched_clips.len()
    );
    let Some(edit) = merge.edit else {
        println!("nothing new: the project already holds this coding");
        return Ok(0);
    };
    if args.dry_run {
        println!("dry run: nothing was written");
        return Ok(0);
    }
    let mut doc = Document::new(project);
    doc.apply(edit)?;
    store::remove_stale_temporaries(&args.project);
    store::save(&args.project, doc.project())?;
    println!(
        "added {} moment(s) to {}",
        merge.summary.moments,
        args.project.display()
    );
    Ok(0)
}

/// True when both paths name one file (a link or `./` spelling included).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
