//! The inspector: the selected moment's codes, clinical note, parent-facing
//! caption, author and frames. Typing goes into a draft that becomes one
//! edit (one undo step) when the field is left, not one per keystroke.

use chrono::Utc;

use super::Workspace;
use super::moment_panel::MomentPanel;
use crate::model::operations::{self, MomentDraft};
use crate::model::{CodeRef, MomentId, Project};
use crate::ui::style;

/// What the inspector asks of the workspace, in order.
pub(super) enum InspectorAsk {
    /// Typing left a field (or moved to another moment): one edit.
    Revise(MomentDraft),
    AddToReel,
    ToggleCode(MomentId, CodeRef),
    Delete,
}

impl Workspace {
    /// Turns the draft into an edit if it differs from the project.
    pub(super) fn commit_draft(&mut self) {
        let Some(draft) = self.moments.draft.take() else {
            return;
        };
        let made = operations::revise_moment(self.session.doc.project(), &draft, Utc::now());
        self.apply(made);
    }
}

impl MomentPanel {
    /// The selected moment's codes, note, caption, author and frames;
    /// returns what the person asked for.
    pub(super) fn inspector(&mut self, ui: &mut egui::Ui, project: &Project) -> Vec<InspectorAsk> {
        let mut asks = Vec::new();
        ui.heading("Moment");
        let Some(id) = self.selected else {
            ui.label(
                egui::RichText::new(
                    "No moment selected. Mark one with I and O, then Enter; \
                     or press M for a single frame.",
                )
                .weak(),
            );
            return asks;
        };
        let Some(moment) = project.moment(id).cloned() else {
            return asks;
        };
        if self.draft.as_ref().is_none_or(|d| d.moment != id) {
            // Typing for another moment is committed before this one starts.
            if let Some(old) = self.draft.take() {
                asks.push(InspectorAsk::Revise(old));
            }
            self.draft = Some(MomentDraft {
                moment: id,
                note: moment.note.clone(),
                caption: moment.caption.clone(),
                author: moment.author.clone(),
                start: moment.start,
                end: moment.end,
            });
        }
        let Some(clip) = project.clip(moment.clip) else {
            return asks;
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
            .active_codebook
            .as_deref()
            .and_then(|b| project.codebook(b));
        if let Some(draft) = &mut self.draft {
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
            asks.push(InspectorAsk::AddToReel);
        }
        if commit && let Some(draft) = self.draft.take() {
            asks.push(InspectorAsk::Revise(draft));
        }
        asks.extend(
            codes_clicked
                .into_iter()
                .map(|code| InspectorAsk::ToggleCode(id, code)),
        );
        if delete {
            asks.push(InspectorAsk::Delete);
        }
        asks
    }
}

impl Workspace {
    /// The inspector, and what it asks carried out in order.
    pub(super) fn inspector(&mut self, ui: &mut egui::Ui) {
        let asks = self.moments.inspector(ui, self.session.doc.project());
        for ask in asks {
            match ask {
                InspectorAsk::Revise(draft) => {
                    let made =
                        operations::revise_moment(self.session.doc.project(), &draft, Utc::now());
                    self.apply(made);
                }
                InspectorAsk::AddToReel => self.add_to_open_reel(),
                InspectorAsk::ToggleCode(id, code) => self.toggle_code(id, code),
                InspectorAsk::Delete => self.perform(crate::ui::keys::Action::Delete),
            }
        }
    }

    /// "Add to reel": the selected moment into the reel open in the Reels
    /// tab (the first reel, or a new one, if none is open).
    fn add_to_open_reel(&mut self) {
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
}
