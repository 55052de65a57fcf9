//! The inspector: the selected moment's codes, clinical note, parent-facing
//! caption, author and frames. Typing goes into a draft that becomes one
//! edit (one undo step) when the field is left, not one per keystroke.

use chrono::Utc;

use super::Workspace;
use crate::model::CodeRef;
use crate::model::operations::{self, MomentDraft};
use crate::ui::style;

impl Workspace {
    /// Turns the draft into an edit if it differs from the project.
    pub(super) fn commit_draft(&mut self) {
        let Some(draft) = self.moments.draft.take() else {
            return;
        };
        let made = operations::revise_moment(self.session.doc.project(), &draft, Utc::now());
        self.apply(made);
    }

    pub(super) fn inspector(&mut self, ui: &mut egui::Ui) {
        ui.heading("Moment");
        let Some(id) = self.moments.selected else {
            ui.label(
                egui::RichText::new(
                    "No moment selected. Mark one with I and O, then Enter; \
                     or press M for a single frame.",
                )
                .weak(),
            );
            return;
        };
        let Some(moment) = self.session.doc.project().moment(id).cloned() else {
            return;
        };
        if self.moments.draft.as_ref().is_none_or(|d| d.moment != id) {
            self.commit_draft();
            self.moments.draft = Some(MomentDraft {
                moment: id,
                note: moment.note.clone(),
                caption: moment.caption.clone(),
                author: moment.author.clone(),
                start: moment.start,
                end: moment.end,
            });
        }
        let project = self.session.doc.project();
        let Some(clip) = project.clip(moment.clip) else {
            return;
        };
        let rate = clip.media.frame_rate;
        let last = clip.media.frames.saturating_sub(1);
        ui.label(egui::RichText::new(&clip.name).strong());
        ui.label(format!(
            "{} – {} · {} frame(s)",
            rate.timecode(u64::from(moment.start)),
            rate.timecode(u64::from(moment.end)),
            moment.frames()
        ));

        let mut commit = false;
        let mut codes_clicked: Vec<CodeRef> = Vec::new();
        let active = self
            .moments
            .active_codebook
            .as_deref()
            .and_then(|b| project.codebook(b));
        if let Some(draft) = &mut self.moments.draft {
            egui::Grid::new("moment-frames")
                .num_columns(2)
                .show(ui, |ui| {
                    for (text, value) in [
                        ("Start frame", &mut draft.start),
                        ("End frame", &mut draft.end),
                    ] {
                        let label = ui.label(text);
                        let r = ui
                            .add(egui::DragValue::new(value).range(0..=last))
                            .labelled_by(label.id);
                        commit |=
                            r.drag_stopped() || r.lost_focus() || (r.changed() && !r.dragged());
                        ui.end_row();
                    }
                });

            ui.separator();
            let label = ui.label("Clinical note (never shown to parents)");
            let r = ui
                .add(
                    egui::TextEdit::multiline(&mut draft.note)
                        .char_limit(crate::model::limits::MAX_NOTE_CHARS)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            commit |= r.lost_focus();
            let label = ui.label("Caption for the parent");
            let r = ui
                .add(
                    egui::TextEdit::multiline(&mut draft.caption)
                        .char_limit(crate::model::limits::MAX_CAPTION_CHARS)
                        .desired_rows(2)
                        .desired_width(f32::INFINITY)
                        .hint_text("Kind and strengths-based, in the parent's words"),
                )
                .labelled_by(label.id);
            commit |= r.lost_focus();
            ui.horizontal(|ui| {
                let label = ui.label("Author");
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut draft.author)
                            .char_limit(crate::model::limits::MAX_NAME_CHARS),
                    )
                    .labelled_by(label.id);
                commit |= r.lost_focus();
            });
            ui.separator();
            ui.label(egui::RichText::new("Codes").strong());
            if let Some(book) = active {
                for category in &book.categories {
                    ui.horizontal_wrapped(|ui| {
                        let colour = style::colour(category.colour);
                        let (swatch, _) =
                            ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                        ui.painter().rect_filled(swatch, 2.0, colour);
                        for item in &category.items {
                            let code = CodeRef::new(book.id.clone(), item.id.clone());
                            let on = moment.codes.contains(&code);
                            let text = match item.hotkey {
                                Some(k) => format!("{k} {}", item.name),
                                None => item.name.clone(),
                            };
                            if ui
                                .selectable_label(on, text)
                                .on_hover_text(&item.description)
                                .clicked()
                            {
                                codes_clicked.push(code);
                            }
                        }
                    });
                }
            }
            // Codes from codebooks other than the active one.
            for code in &moment.codes {
                if active.is_some_and(|b| b.id == code.codebook) {
                    continue;
                }
                let name = project
                    .codebook(&code.codebook)
                    .and_then(|b| b.item(&code.item))
                    .map(|(_, i)| i.name.clone())
                    .unwrap_or_else(|| code.item.clone());
                ui.horizontal(|ui| {
                    ui.label(format!("{name} ({})", code.codebook));
                    if ui.small_button(format!("Remove {name}")).clicked() {
                        codes_clicked.push(code.clone());
                    }
                });
            }

            ui.label(
                egui::RichText::new(format!(
                    "Created {} · changed {}",
                    moment.created.format("%Y-%m-%d %H:%M"),
                    moment.modified.format("%Y-%m-%d %H:%M")
                ))
                .weak()
                .small(),
            );
        }
        let mut add_to_reel = false;
        let delete = ui
            .horizontal(|ui| {
                add_to_reel = ui
                    .button("Add to reel")
                    .on_hover_text("Adds this moment to the reel open in the Reels tab")
                    .clicked();
                ui.button("Delete moment").clicked()
            })
            .inner;
        if add_to_reel {
            if self
                .reels
                .current
                .is_none_or(|r| self.session.doc.project().reel(r).is_none())
            {
                self.reels.current = self.session.doc.project().reels.first().map(|r| r.id);
            }
            if self.reels.current.is_none() {
                self.new_reel();
            }
            self.add_selected_to_reel();
            self.status = Some("Added to the reel (see the Reels tab).".into());
        }
        if commit {
            self.commit_draft();
        }
        for code in codes_clicked {
            self.toggle_code(id, code);
        }
        if delete {
            self.perform(crate::ui::keys::Action::Delete);
        }
    }
}
