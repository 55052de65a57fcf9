//! File → Import annotations… and File → Export annotations…: moments to
//! and from ELAN, BORIS, spreadsheets and subtitles. Reading, planning and
//! writing run as `ui::jobs` on a snapshot of the project, so a 50 MB file
//! never freezes the window; the import is previewed (counts, the clip it
//! lands on, new codes) and applied as the plan's one edit, one undo step.
//! The mapping and the formats are `interchange`'s, the same the CLI uses.

mod export;
mod import;

use std::collections::HashMap;
use std::path::PathBuf;

use super::Workspace;
use crate::export::ProjectTimes;
use crate::model::{ClipId, Project};
use crate::ui::jobs::Job;

use export::{ExportForm, Exported};
use import::Import;

/// An import or export in progress, if any.
#[derive(Default)]
pub(super) struct AnnotationsIo {
    import: Option<Import>,
    /// The export dialog's choices while it is open (and while its save
    /// dialog is asked).
    export: Option<ExportForm>,
    export_open: bool,
    writing: Option<Job<Result<Exported, String>>>,
}

impl AnnotationsIo {
    /// True while a dialog of ours covers the workspace (keys go to it).
    pub(super) fn is_modal(&self) -> bool {
        self.import.is_some() || self.export_open
    }
}

/// Frame ↔ ms: the real timestamps of variable-rate clips (read on the
/// worker, from where the app knows each clip is), the rate for the rest.
fn times(
    project: &Project,
    paths: &HashMap<ClipId, PathBuf>,
    only: Option<ClipId>,
) -> ProjectTimes {
    ProjectTimes::with_paths(project, &|clip| paths.get(&clip.id).cloned(), only)
}

impl Workspace {
    /// Where each clip's file is, for the workers.
    pub(in crate::ui::workspace) fn clip_paths(&self) -> HashMap<ClipId, PathBuf> {
        self.session
            .doc
            .project()
            .clips
            .iter()
            .map(|c| (c.id, self.clip_path(c)))
            .collect()
    }

    /// Takes what the import and export workers made.
    pub(super) fn poll_annotations(&mut self) {
        self.poll_import();
        self.poll_export();
    }

    /// The import preview (or its progress) and the export dialog.
    pub(super) fn annotations_dialogs(&mut self, ctx: &egui::Context) {
        self.import_dialog(ctx);
        self.export_dialog(ctx);
    }
}
