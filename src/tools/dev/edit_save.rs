//! `attune dev edit-save PROJECT --note TEXT`: what the app does around one
//! edit, without a window: open and lock the project, change the first
//! moment's note, autosave it to the recovery file, save, drop the recovery
//! file. The log privacy test drives it through the real binary.

use std::path::Path;

use anyhow::Context as _;

use crate::model::{Document, Edit};
use crate::store::{self, LockOutcome, ProjectLock};

pub(crate) fn edit_save(project_path: &Path, note: &str) -> anyhow::Result<()> {
    let loaded = store::load(project_path)?;
    let _lock = match ProjectLock::acquire(project_path)? {
        LockOutcome::Acquired(lock) => lock,
        LockOutcome::ReadOnly(holder) => anyhow::bail!("the project is locked by {holder}"),
    };
    store::remove_stale_temporaries(project_path);
    let mut doc = Document::new(loaded.project);
    let mut moment = doc
        .project()
        .moments
        .first()
        .cloned()
        .context("the project has no moment to edit")?;
    moment.note = note.to_owned();
    doc.apply(Edit::UpdateMoment(moment))?;
    store::write_recovery(project_path, doc.project())?;
    store::save(project_path, doc.project())?;
    doc.mark_saved();
    store::discard_recovery(project_path)?;
    println!("saved");
    Ok(())
}
