//! The open project as a file: the document with its undo history, where
//! it lives, its lock, saving and autosave, the recovery offer, and the
//! questions asked before closing.

use std::path::PathBuf;

use crate::model::{Document, Project};
use crate::store::ProjectLock;
use crate::ui::saving::Saver;

pub(super) struct Session {
    pub doc: Document,
    pub project_path: Option<PathBuf>,
    pub lock: Option<ProjectLock>,
    /// Why the project is read-only or was upgraded, over the viewer.
    pub banner: Option<String>,
    pub saver: Saver,
    /// Autosaved work found on opening, waiting for the user's answer.
    pub recovery_offer: Option<Project>,
    pub autosave_interval: std::time::Duration,
    pub quit_after_save: bool,
    pub discard_on_quit: bool,
    pub asking_to_close: bool,
    /// Recently opened projects, newest first (kept by the app).
    pub recent: Vec<PathBuf>,
}

/// The answer to "Save changes before closing?".
pub(super) enum CloseAnswer {
    Save,
    Discard,
    Cancel,
}

impl Session {
    /// "Restore unsaved work?" after a crash; either answer is carried out
    /// here (the document replaced, or the recovery file removed).
    pub(super) fn recovery_dialog(&mut self, ctx: &egui::Context) {
        if self.recovery_offer.is_none() {
            return;
        }
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("recovery-offer")).show(ctx, |ui| {
            ui.heading("Restore unsaved work?");
            ui.label(
                "Attune closed before this project was saved. The work autosaved \
                 since the last save can be restored; the project file itself is unchanged.",
            );
            ui.horizontal(|ui| {
                if ui.button("Restore unsaved work").clicked() {
                    answer = Some(true);
                }
                if ui.button("Discard it").clicked() {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(true) => {
                if let Some(recovered) = self.recovery_offer.take() {
                    // Restored work is not in the project file until saved.
                    self.doc = Document::unsaved(recovered);
                    self.saver.status = Some("Unsaved work restored".into());
                    log::info!("unsaved work restored from the recovery file");
                }
            }
            Some(false) => {
                self.recovery_offer = None;
                self.saver.discard_recovery(ctx);
            }
            None => {}
        }
    }

    /// "Save changes before closing?", while it is being asked. Saving is
    /// the workspace's to start (it commits the inspector's draft first).
    pub(super) fn close_dialog(&mut self, ctx: &egui::Context) -> Option<CloseAnswer> {
        if !self.asking_to_close {
            return None;
        }
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("close-unsaved")).show(ctx, |ui| {
            ui.heading("Save changes before closing?");
            ui.label("Changes since the last save will be lost if you close without saving.");
            ui.horizontal(|ui| {
                if ui.button("Save and close").clicked() {
                    answer = Some(CloseAnswer::Save);
                }
                if ui.button("Close without saving").clicked() {
                    answer = Some(CloseAnswer::Discard);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(CloseAnswer::Cancel);
                }
            });
        });
        if answer.is_some() {
            self.asking_to_close = false;
        }
        if matches!(answer, Some(CloseAnswer::Discard)) {
            self.discard_on_quit = true;
        }
        answer
    }
}
