//! The inspector: the selected moment's codes, clinical note, parent-facing
//! caption, author and frames. Typing goes into a draft that becomes one
//! edit (one undo step) when the field is left, not one per keystroke.

use chrono::Utc;

use super::Workspace;
use super::moment_panel::MomentPanel;
use crate::model::operations::{self, MomentDraft};
use crate::model::participant::ROLES;
use crate::model::{CodeRef, MomentId, Participant, Project};
use crate::ui::style;

/// What the inspector asks of the workspace, in order.
pub(super) enum InspectorAsk {
    /// Typing left a field (or moved to another moment): one edit.
    Revise(MomentDraft),
    AddToReel,
    ToggleCode(MomentId, CodeRef),
    /// Whose behaviour the moment records (`None` clears it); a new name
    /// joins the project's people in the same undo step.
    SetParticipant(MomentId, Option<Participant>),
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
            if let Some(chosen) = self.participant_row(ui, project, moment.participant.as_ref()) {
                asks.push(InspectorAsk::SetParticipant(id, chosen));
            }
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

impl MomentPanel {
    /// Who the moment is about: none, a role or one of the project's people,
    /// and a field to name someone new. Returns the choice when it changes.
    fn participant_row(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        current: Option<&Participant>,
    ) -> Option<Option<Participant>> {
        let mut chosen = None;
        ui.label(egui::RichText::new("Participant").strong())
            .on_hover_text("Whose behaviour this moment records (W cycles through them)");
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(current.is_none(), "Nobody in particular")
                .clicked()
            {
                chosen = Some(None);
            }
            let people = project
                .people
                .iter()
                .map(|n| Participant::Person(n.clone()));
            for who in ROLES.iter().map(|(_, r)| r.clone()).chain(people) {
                let on = current == Some(&who);
                if ui.selectable_label(on, participant_title(&who)).clicked() && !on {
                    chosen = Some(Some(who));
                }
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("New person");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut self.new_person)
                        .char_limit(crate::model::limits::MAX_NAME_CHARS)
                        .hint_text("a sibling, a grandparent…")
                        .desired_width(140.0),
                )
                .labelled_by(label.id);
            let entered = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let name = self.new_person.trim().to_owned();
            let add = ui
                .add_enabled(!name.is_empty(), egui::Button::new("Add person"))
                .on_hover_text("Adds the name to the project's people and sets it here")
                .clicked();
            if (add || entered) && !name.is_empty() {
                chosen = Some(Participant::from_label(&name));
                self.new_person.clear();
            }
        });
        chosen
    }
}

/// How the inspector and the list name a participant: a role capitalised,
/// a person by name.
pub(super) fn participant_title(who: &Participant) -> String {
    match who {
        Participant::Person(name) => name.clone(),
        role => {
            let label = role.label();
            let mut chars = label.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The participant after `current` in the order the inspector lists them
/// (none, parent, infant, other, the project's people, none again).
pub(super) fn next_participant(
    project: &Project,
    current: Option<&Participant>,
) -> Option<Participant> {
    let order: Vec<Participant> = ROLES
        .iter()
        .map(|(_, r)| r.clone())
        .chain(
            project
                .people
                .iter()
                .map(|n| Participant::Person(n.clone())),
        )
        .collect();
    match current.and_then(|c| order.iter().position(|p| p == c)) {
        None if current.is_none() => order.first().cloned(),
        None => None,
        Some(i) => order.get(i + 1).cloned(),
    }
}

impl Workspace {
    /// Sets whose behaviour the moment records, through the model's edit.
    pub(super) fn set_participant(&mut self, id: MomentId, who: Option<Participant>) {
        self.commit_draft();
        let made = operations::set_participant(self.session.doc.project(), id, who, Utc::now());
        self.apply(made);
    }

    /// W: the selected moment's participant moves to the next one.
    pub(super) fn cycle_participant(&mut self) {
        let Some(id) = self.moments.selected else {
            self.status = Some("Select a moment first to say who it is about.".into());
            return;
        };
        let project = self.session.doc.project();
        let Some(moment) = project.moment(id) else {
            return;
        };
        let next = next_participant(project, moment.participant.as_ref());
        self.status = Some(match &next {
            Some(who) => format!("Participant: {}", participant_title(who)),
            None => "Participant: nobody in particular".into(),
        });
        self.set_participant(id, next);
    }

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
                InspectorAsk::SetParticipant(id, who) => self.set_participant(id, who),
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
