//! The review log in the Reels tab, and the notes written after a session:
//! the specialist's notes for supervision and the parent's own words, kept
//! in the log only (never copied into captions).

use super::Workspace;
use super::review::ReviewMode;
use super::review_notes::NotesDraft;
use crate::model::{Project, ReviewId};

/// Notes to write into a review log entry: the specialist's, the parent's.
pub(super) struct WrittenNotes {
    pub review: ReviewId,
    pub notes: String,
    pub parent_words: String,
}

impl Workspace {
    /// The notes modal, and the notes it gives written to the log.
    pub(super) fn review_notes_dialog(&mut self, ctx: &egui::Context) {
        if let Some(written) = self.review.notes_dialog(ctx, self.session.doc.project()) {
            let made = crate::model::operations::write_review_notes(
                self.session.doc.project(),
                written.review,
                written.notes,
                written.parent_words,
            );
            self.apply(made);
        }
    }

    pub(super) fn review_log_list(&mut self, ui: &mut egui::Ui) {
        self.review.log_list(ui, self.session.doc.project());
    }
}

impl ReviewMode {
    /// The modal after a session (or when an entry is opened from the log);
    /// returns the notes once the specialist saves them.
    fn notes_dialog(&mut self, ctx: &egui::Context, project: &Project) -> Option<WrittenNotes> {
        let mut draft = self.notes.take()?;
        let entry = project.review(draft.review)?.clone();
        let notes = draft.notes.get_or_insert_with(|| entry.notes.clone());
        let words = draft
            .parent_words
            .get_or_insert_with(|| entry.parent_words.clone());
        let mut outcome = None;
        egui::Modal::new(egui::Id::unique("review-notes")).show(ctx, |ui| {
            ui.heading("Review log");
            ui.label(format!(
                "{} · '{}' · {} item(s) shown for {} s in all",
                entry
                    .started
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M"),
                entry.reel_name,
                entry.viewed.len(),
                entry.total_ms() / 1000
            ));
            for v in &entry.viewed {
                ui.label(
                    egui::RichText::new(format!(
                        "item {}: {:.0} s",
                        v.position,
                        v.shown_ms as f64 / 1000.0
                    ))
                    .weak(),
                );
            }
            let label = ui.label("Notes for supervision");
            ui.add(
                egui::TextEdit::multiline(notes)
                    .char_limit(crate::model::limits::MAX_NOTE_CHARS)
                    .desired_rows(4)
                    .desired_width(480.0),
            )
            .labelled_by(label.id);
            let label = ui.label("What the parent said (kept in this log only)");
            ui.add(
                egui::TextEdit::multiline(words)
                    .char_limit(crate::model::limits::MAX_NOTE_CHARS)
                    .desired_rows(3)
                    .desired_width(480.0),
            )
            .labelled_by(label.id);
            ui.horizontal(|ui| {
                if ui.button("Save notes").clicked() {
                    outcome = Some(true);
                }
                if ui.button("Close without notes").clicked() {
                    outcome = Some(false);
                }
            });
        });
        match outcome {
            Some(true) => Some(WrittenNotes {
                review: entry.id,
                notes: notes.clone(),
                parent_words: words.clone(),
            }),
            Some(false) => None,
            None => {
                self.notes = Some(draft);
                None
            }
        }
    }

    /// The log's entries, newest first; a click opens the notes.
    fn log_list(&mut self, ui: &mut egui::Ui, project: &Project) {
        if project.reviews.is_empty() {
            return;
        }
        ui.separator();
        ui.label(egui::RichText::new("Review log").strong());
        let mut open = None;
        for entry in project.reviews.iter().rev() {
            let text = format!(
                "{} · {} · {} item(s)",
                entry
                    .started
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M"),
                entry.reel_name,
                entry.viewed.len()
            );
            if ui.button(text).clicked() {
                open = Some(entry.id);
            }
        }
        if let Some(id) = open {
            self.notes = Some(NotesDraft::new(id));
        }
    }
}
