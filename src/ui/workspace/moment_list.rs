//! Every moment in the project, filterable by text, clip, code and
//! participant; a click jumps to the moment. Only the visible rows are
//! laid out, so thousands
//! of moments scroll smoothly.

use super::inspect::participant_title;
use super::moment_panel::MomentPanel;
use crate::model::participant::ROLES;
use crate::model::{ClipId, CodeRef, MomentId, Participant, Project};

impl MomentPanel {
    /// The filter's matches, recomputed only when the filter or project changes.
    fn filtered_ids(&mut self, project: &Project, revision: u64) -> &[MomentId] {
        let stale = self
            .filtered
            .as_ref()
            .is_none_or(|(r, f, _)| *r != revision || *f != self.filter);
        if stale {
            let ids = self
                .filter
                .apply(project)
                .into_iter()
                .map(|m| m.id)
                .collect();
            self.filtered = Some((revision, self.filter.clone(), ids));
        }
        self.filtered
            .as_ref()
            .map(|(_, _, ids)| ids.as_slice())
            .unwrap_or(&[])
    }

    /// The list and its filter; returns the moment clicked, to go to.
    pub(super) fn list(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        revision: u64,
    ) -> Option<MomentId> {
        ui.heading("All moments");
        ui.horizontal(|ui| {
            let label = ui.label("Filter");
            ui.add(
                egui::TextEdit::singleline(&mut self.filter.text)
                    .hint_text("words in notes, captions, codes")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let clip_name = |id: Option<ClipId>| match id.and_then(|id| project.clip(id)) {
                Some(c) => c.name.clone(),
                None => "All clips".to_owned(),
            };
            egui::ComboBox::from_label("Clip")
                .selected_text(clip_name(self.filter.clip))
                .width(140.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.clip, None, "All clips");
                    for clip in &project.clips {
                        ui.selectable_value(&mut self.filter.clip, Some(clip.id), &clip.name);
                    }
                });
        });
        ui.horizontal(|ui| {
            let code_name = |code: &Option<CodeRef>| match code {
                Some(c) => project
                    .codebook(&c.codebook)
                    .and_then(|b| b.item(&c.item))
                    .map(|(_, i)| i.name.clone())
                    .unwrap_or_else(|| c.item.clone()),
                None => "Any code".to_owned(),
            };
            egui::ComboBox::from_label("Code")
                .selected_text(code_name(&self.filter.code))
                .width(140.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.code, None, "Any code");
                    for book in &project.codebooks {
                        for (_, item) in book.items() {
                            let code = CodeRef::new(book.id.clone(), item.id.clone());
                            let text = format!("{} · {}", item.name, book.name);
                            ui.selectable_value(&mut self.filter.code, Some(code), text);
                        }
                    }
                });
        });
        ui.horizontal(|ui| {
            let title = |who: &Option<Participant>| match who {
                Some(who) => participant_title(who),
                None => "Anyone".to_owned(),
            };
            egui::ComboBox::from_label("Participant")
                .selected_text(title(&self.filter.participant))
                .width(140.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.participant, None, "Anyone");
                    let people = project
                        .people
                        .iter()
                        .map(|n| Participant::Person(n.clone()));
                    for who in ROLES.iter().map(|(_, r)| r.clone()).chain(people) {
                        let text = participant_title(&who);
                        ui.selectable_value(&mut self.filter.participant, Some(who), text);
                    }
                });
        });
        let ids = self.filtered_ids(project, revision).to_vec();
        ui.label(egui::RichText::new(format!("{} moment(s)", ids.len())).weak());
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("moment-list")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, ids.len(), |ui, rows| {
                for id in &ids[rows] {
                    let Some(m) = project.moment(*id) else {
                        continue;
                    };
                    let Some(clip) = project.clip(m.clip) else {
                        continue;
                    };
                    let codes: Vec<&str> = m
                        .codes
                        .iter()
                        .filter_map(|c| {
                            project
                                .codebook(&c.codebook)
                                .and_then(|b| b.item(&c.item))
                                .map(|(_, i)| i.name.as_str())
                        })
                        .collect();
                    let mut text = format!(
                        "{} · {}",
                        clip.media.frame_rate.timecode(u64::from(m.start)),
                        if codes.is_empty() {
                            "uncoded".to_owned()
                        } else {
                            codes.join(", ")
                        }
                    );
                    if !m.caption.is_empty() {
                        text.push_str(" · ");
                        text.push_str(&m.caption);
                    }
                    let row = ui
                        .add(egui::Button::selectable(self.selected == Some(*id), text).truncate())
                        .on_hover_text(format!("{} — {}", clip.name, m.note));
                    if row.clicked() {
                        clicked = Some(*id);
                    }
                }
            });
        clicked
    }
}
