//! The reel editor: pick or start a reel, add the selected moment, order
//! items by dragging, set each item's trims, speed, freeze-frame hold and
//! caption, preview it in the viewer, render it. Every change is one
//! `UpdateReel` edit; text fields commit when they are left.

use super::Workspace;
use super::clips::Pending;
use crate::export::OutputSettings;
use crate::model::operations::{self, ReelChange};
use crate::model::{MomentId, Project, Reel, ReelId, ReelPurpose};
use crate::ui::dialogs::Question;

/// Speeds offered for an item, in percent: reels slow down, never speed up.
const SPEEDS: [u8; 4] = [25, 50, 75, 100];

/// The Reels tab: the reel being edited and its typed text, the preview
/// playing in the viewer, and the render in flight.
pub(super) struct ReelPanel {
    pub current: Option<ReelId>,
    pub text: Option<ReelText>,
    pub preview: Option<crate::ui::reel_player::ReelPlayer>,
    pub output: Option<super::outputs::Output>,
    pub render_settings: OutputSettings,
    /// The reel being rendered, where to, and what it showed.
    pub rendering: Option<(ReelId, std::path::PathBuf, String)>,
}

impl Default for ReelPanel {
    fn default() -> Self {
        Self {
            current: None,
            text: None,
            preview: None,
            output: None,
            render_settings: default_settings(),
            rendering: None,
        }
    }
}

/// What the reel editor asks of the workspace.
pub(super) enum ReelAsk {
    NewReel,
    /// This frame's changes to the reel, as one edit.
    Change(ReelId, Vec<ReelChange>),
    StartReview(ReelId),
    /// Review from the rendered file (the clips are offline).
    ReviewRendered(ReelId, std::path::PathBuf),
    Preview(ReelId),
    StopPreview,
    Render(ReelId),
}

/// What the reel editor is given besides its own state.
pub(super) struct ReelFacts<'a> {
    pub project: &'a Project,
    pub selected: Option<MomentId>,
    /// The project has a file, so a reel can be rendered beside it.
    pub saved: bool,
    /// False for a reel blind coding hides (it shows another coder's moment).
    pub shows: &'a dyn Fn(&crate::model::Reel) -> bool,
    /// Why a reel cannot be reviewed now, and the rendered file that could
    /// be shown instead.
    pub readiness: &'a dyn Fn(ReelId) -> (Option<String>, Option<std::path::PathBuf>),
}

impl ReelPanel {
    /// Draws the reel being edited; returns what the person asked for.
    fn editor(&mut self, ui: &mut egui::Ui, facts: &ReelFacts<'_>) -> Vec<ReelAsk> {
        let project = facts.project;
        let mut asks = Vec::new();
        let shown = |id: ReelId| project.reel(id).is_some_and(|r| (facts.shows)(r));
        if self.current.is_none_or(|id| !shown(id)) {
            self.current = project
                .reels
                .iter()
                .find(|r| (facts.shows)(r))
                .map(|r| r.id);
        }
        ui.horizontal(|ui| {
            let name = self
                .current
                .and_then(|id| project.reel(id))
                .map(|r| r.name.clone())
                .unwrap_or_else(|| "No reel yet".into());
            let mut pick = self.current;
            egui::ComboBox::from_label("Reel")
                .selected_text(name)
                .show_ui(ui, |ui| {
                    for reel in project.reels.iter().filter(|r| (facts.shows)(r)) {
                        ui.selectable_value(&mut pick, Some(reel.id), &reel.name);
                    }
                });
            if pick != self.current {
                self.current = pick;
                self.text = None;
            }
            if ui.button("New reel").clicked() {
                asks.push(ReelAsk::NewReel);
            }
        });
        let Some(id) = self.current else {
            ui.label(egui::RichText::new("Start a reel, then add moments to it.").weak());
            return asks;
        };
        let Some(reel) = project.reel(id).cloned() else {
            return asks;
        };
        // What this frame's widgets changed, made into one edit at the end.
        let mut changes = Vec::new();
        let mut text_done = false;

        // Name and title card texts are typed into a copy kept across frames.
        let text = self
            .text
            .get_or_insert_with(|| ReelText::from(&reel))
            .clone();
        let mut text = if text.reel == id {
            text
        } else {
            ReelText::from(&reel)
        };
        ui.horizontal(|ui| {
            let label = ui.label("Name");
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut text.name)
                        .char_limit(crate::model::limits::MAX_NAME_CHARS)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
            text_done |= r.lost_focus();
        });
        ui.horizontal(|ui| {
            let mut purpose = reel.purpose;
            egui::ComboBox::from_label("Purpose")
                .selected_text(purpose_name(purpose))
                .show_ui(ui, |ui| {
                    for p in [
                        ReelPurpose::Review,
                        ReelPurpose::Supervision,
                        ReelPurpose::Teaching,
                    ] {
                        ui.selectable_value(&mut purpose, p, purpose_name(p));
                    }
                });
            if purpose != reel.purpose {
                changes.push(ReelChange::SetPurpose(purpose));
            }
        });
        let lacking = project.clips_lacking_consent(&reel);
        if !lacking.is_empty() {
            let names: Vec<String> = lacking
                .iter()
                .filter_map(|c| project.clip(*c))
                .map(|c| c.name.clone())
                .collect();
            let needed = crate::export::consent::use_name(reel.purpose.required_consent());
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "No {needed} consent for: {}. It cannot be rendered.",
                    names.join(", ")
                ),
            );
        }
        self.actions(
            ui,
            id,
            facts,
            !reel.items.is_empty(),
            lacking.is_empty(),
            &mut asks,
        );
        ui.separator();
        let mut titled = reel.title_card.is_some();
        ui.checkbox(&mut titled, "Title card");
        if titled {
            if reel.title_card.is_none() {
                changes.push(ReelChange::AddTitleCard {
                    title: text.title.clone(),
                    subtitle: text.subtitle.clone(),
                });
            }
            let duration_ms = reel
                .title_card
                .as_ref()
                .map_or(operations::TITLE_CARD_MS, |c| c.duration_ms);
            egui::Grid::new("title-card").num_columns(2).show(ui, |ui| {
                let label = ui.label("Title");
                text_done |= ui
                    .add(
                        egui::TextEdit::singleline(&mut text.title)
                            .char_limit(crate::model::limits::MAX_NAME_CHARS),
                    )
                    .labelled_by(label.id)
                    .lost_focus();
                ui.end_row();
                let label = ui.label("Subtitle");
                text_done |= ui
                    .add(
                        egui::TextEdit::singleline(&mut text.subtitle)
                            .char_limit(crate::model::limits::MAX_NAME_CHARS),
                    )
                    .labelled_by(label.id)
                    .lost_focus();
                ui.end_row();
                let label = ui.label("Seconds");
                let mut secs = duration_ms as f32 / 1000.0;
                if ui
                    .add(egui::DragValue::new(&mut secs).range(1.0..=10.0).speed(0.1))
                    .labelled_by(label.id)
                    .changed()
                {
                    changes.push(ReelChange::TitleCardFor {
                        duration_ms: (secs * 1000.0).round() as u32,
                    });
                }
                ui.end_row();
            });
        } else if reel.title_card.is_some() {
            changes.push(ReelChange::RemoveTitleCard);
        }

        ui.separator();
        let can_add = facts.selected.is_some();
        if ui
            .add_enabled(can_add, egui::Button::new("Add selected moment"))
            .on_disabled_hover_text("Select a moment first")
            .clicked()
            && let Some(moment) = facts.selected
        {
            changes.push(ReelChange::AddMoment(moment));
        }
        let mut moved: Option<(usize, usize)> = None;
        let mut removed = None;
        let count = reel.items.len();
        for (i, item) in reel.items.iter().enumerate() {
            let Some(moment) = project.moment(item.moment) else {
                continue;
            };
            let Some(clip) = project.clip(moment.clip) else {
                continue;
            };
            let (start, end) = item.span(moment, clip.media.frames);
            let frame = egui::Frame::group(ui.style());
            let response = frame
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        let handle = ui
                            .add(egui::Label::new(format!("{}.", i + 1)).sense(egui::Sense::drag()))
                            .on_hover_text("Drag to reorder");
                        handle.dnd_set_drag_payload(i);
                        ui.label(
                            egui::RichText::new(format!(
                                "{} · {}",
                                clip.name,
                                clip.media.frame_rate.timecode(u64::from(start))
                            ))
                            .strong(),
                        );
                    });
                    ui.horizontal(|ui| {
                        let last = clip.media.frames.saturating_sub(1) as i32;
                        let (mut trim_start, mut trim_end) = (item.trim_start, item.trim_end);
                        let label = ui.label("Trim start");
                        ui.add(egui::DragValue::new(&mut trim_start).range(
                            -(moment.start as i32)..=(moment.end as i32 - moment.start as i32),
                        ))
                        .labelled_by(label.id);
                        let label = ui.label("end");
                        ui.add(egui::DragValue::new(&mut trim_end).range(
                            (moment.start as i32 - moment.end as i32)..=(last - moment.end as i32),
                        ))
                        .labelled_by(label.id);
                        if (trim_start, trim_end) != (item.trim_start, item.trim_end) {
                            changes.push(ReelChange::TrimItem {
                                position: i,
                                trim_start,
                                trim_end,
                            });
                        }
                    });
                    ui.horizontal(|ui| {
                        ui.label("Speed");
                        let mut percent = item.speed_percent;
                        for s in SPEEDS {
                            ui.selectable_value(
                                &mut percent,
                                s,
                                format!("{}×", f32::from(s) / 100.0),
                            );
                        }
                        if percent != item.speed_percent {
                            changes.push(ReelChange::SetSpeed {
                                position: i,
                                percent,
                            });
                        }
                    });
                    ui.horizontal(|ui| {
                        let mut held = item.hold.is_some();
                        ui.checkbox(&mut held, "Freeze frame");
                        if held {
                            if item.hold.is_none() {
                                changes.push(ReelChange::Freeze { position: i });
                            }
                            let (mut frame, duration_ms) = item
                                .hold
                                .map_or((start + (end - start) / 2, operations::HOLD_MS), |h| {
                                    (h.frame, h.duration_ms)
                                });
                            let label = ui.label("at");
                            if ui
                                .add(egui::DragValue::new(&mut frame).range(start..=end))
                                .labelled_by(label.id)
                                .changed()
                            {
                                changes.push(ReelChange::HoldAt { position: i, frame });
                            }
                            let mut secs = duration_ms as f32 / 1000.0;
                            let label = ui.label("for s");
                            if ui
                                .add(egui::DragValue::new(&mut secs).range(0.5..=10.0).speed(0.1))
                                .labelled_by(label.id)
                                .changed()
                            {
                                changes.push(ReelChange::HoldFor {
                                    position: i,
                                    duration_ms: (secs * 1000.0).round() as u32,
                                });
                            }
                        } else if item.hold.is_some() {
                            changes.push(ReelChange::Unfreeze { position: i });
                        }
                    });
                    // The caption shown to the parent: the moment's own
                    // unless this reel says otherwise; never the clinical note.
                    let typed = text
                        .captions
                        .entry(i)
                        .or_insert_with(|| item.caption.clone().unwrap_or_default());
                    let label = ui.label(format!("Caption for item {}", i + 1));
                    let r = ui
                        .add(
                            egui::TextEdit::multiline(typed)
                                .char_limit(crate::model::limits::MAX_CAPTION_CHARS)
                                .desired_rows(1)
                                .desired_width(f32::INFINITY)
                                .hint_text(moment.caption.as_str()),
                        )
                        .labelled_by(label.id);
                    if r.lost_focus() {
                        changes.push(ReelChange::Caption {
                            position: i,
                            caption: typed.clone(),
                        });
                    }
                    // For the specialist only: shown in the presenter view.
                    let typed = text.prompts.entry(i).or_insert_with(|| item.prompt.clone());
                    let label = ui.label(format!(
                        "Question to ask at item {} (presenter only)",
                        i + 1
                    ));
                    let r = ui
                        .add(
                            egui::TextEdit::singleline(typed)
                                .char_limit(crate::model::limits::MAX_PROMPT_CHARS)
                                .desired_width(f32::INFINITY)
                                .hint_text("What do you notice here?"),
                        )
                        .labelled_by(label.id);
                    if r.lost_focus() {
                        changes.push(ReelChange::Prompt {
                            position: i,
                            prompt: typed.clone(),
                        });
                    }
                    ui.horizontal(|ui| {
                        if ui
                            .add_enabled(i > 0, egui::Button::new("Move up"))
                            .clicked()
                        {
                            moved = Some((i, i - 1));
                        }
                        if ui
                            .add_enabled(i + 1 < count, egui::Button::new("Move down"))
                            .clicked()
                        {
                            moved = Some((i, i + 1));
                        }
                        if ui.button("Remove from reel").clicked() {
                            removed = Some(i);
                        }
                    });
                })
                .response;
            if let Some(from) = response.dnd_release_payload::<usize>() {
                moved = Some((*from, i));
            }
        }
        if let Some((from, to)) = moved
            && from < reel.items.len()
            && to < reel.items.len()
        {
            changes.push(ReelChange::MoveItem { from, to });
        }
        if let Some(position) = removed {
            changes.push(ReelChange::RemoveItem { position });
        }
        if moved.is_some() || removed.is_some() {
            text.captions.clear();
            text.prompts.clear();
        }

        // Commit: structural changes at once, typed text when the field is left.
        if text_done {
            changes.push(ReelChange::Rename(text.name.clone()));
            if titled {
                changes.push(ReelChange::RewordTitleCard {
                    title: text.title.clone(),
                    subtitle: text.subtitle.clone(),
                });
            }
        }
        self.text = Some(text);
        if !changes.is_empty() {
            asks.push(ReelAsk::Change(id, changes));
        }
        asks
    }

    /// Preview, output settings and render, kept at the top of the editor
    /// so they stay in reach however many items the reel has.
    fn actions(
        &mut self,
        ui: &mut egui::Ui,
        id: ReelId,
        facts: &ReelFacts<'_>,
        has_items: bool,
        consent_ok: bool,
        asks: &mut Vec<ReelAsk>,
    ) {
        let (blocked, fallback) = (facts.readiness)(id);
        if ui
            .add_enabled(blocked.is_none(), egui::Button::new("Start shared review"))
            .on_disabled_hover_text(blocked.clone().unwrap_or_default())
            .on_hover_text("Full screen for the parent; Esc comes back here")
            .clicked()
        {
            asks.push(ReelAsk::StartReview(id));
        }
        if let Some(why) = &blocked {
            ui.label(egui::RichText::new(why).weak());
            if let Some(file) = fallback
                && ui.button("Review from the rendered reel instead").clicked()
            {
                asks.push(ReelAsk::ReviewRendered(id, file));
            }
        }
        let reel_items_empty = !has_items;
        let lacking_empty = consent_ok;
        ui.separator();
        ui.horizontal(|ui| {
            if self.preview.is_some() {
                if ui.button("Stop preview").clicked() {
                    asks.push(ReelAsk::StopPreview);
                }
            } else if ui
                .add_enabled(!reel_items_empty, egui::Button::new("Preview reel"))
                .clicked()
            {
                asks.push(ReelAsk::Preview(id));
            }
        });
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("Height")
                .selected_text(format!("{}p", self.render_settings.height))
                .show_ui(ui, |ui| {
                    for h in crate::export::plan::HEIGHTS {
                        ui.selectable_value(&mut self.render_settings.height, h, format!("{h}p"));
                    }
                });
            egui::ComboBox::from_label("fps")
                .selected_text(self.render_settings.fps.to_string())
                .show_ui(ui, |ui| {
                    for f in crate::export::plan::FRAME_RATES {
                        ui.selectable_value(&mut self.render_settings.fps, f, f.to_string());
                    }
                });
        });
        let renderable = lacking_empty && !reel_items_empty && facts.saved;
        match &self.output {
            Some(job) => {
                let fraction = job
                    .progress
                    .map(|p| p.done as f32 / p.total.max(1) as f32)
                    .unwrap_or(0.0);
                ui.add(egui::ProgressBar::new(fraction).text(job.status()));
                if ui.button("Cancel").clicked() {
                    job.cancel();
                }
            }
            None => {
                if ui
                    .add_enabled(renderable, egui::Button::new("Render reel…"))
                    .on_disabled_hover_text(
                        "Needs items, consent for every clip, and a saved project",
                    )
                    .clicked()
                {
                    asks.push(ReelAsk::Render(id));
                }
            }
        }
    }
}

impl Workspace {
    pub(super) fn new_reel(&mut self) {
        let project = self.session.doc.project();
        let id = project.next_reel_id();
        if self.apply(operations::start_reel(project)) {
            self.reels.current = Some(id);
        }
    }

    /// Adds the selected moment to the reel being edited.
    pub(super) fn add_selected_to_reel(&mut self) {
        let (Some(moment), Some(reel)) = (self.moments.selected, self.reels.current) else {
            return;
        };
        let made = operations::add_moment_to_reel(self.session.doc.project(), reel, moment);
        self.apply(made);
    }

    /// The Reels tab: the editor, then the review log; carries out what
    /// the editor asks.
    pub(super) fn reel_tab(&mut self, ui: &mut egui::Ui) {
        let project = self.session.doc.project();
        let offline = &self.bin.offline;
        let project_path = self.session.project_path.as_deref();
        let readiness = |reel| {
            let blocked = super::review::review_blocked(project, offline, reel);
            let fallback = blocked
                .as_ref()
                .filter(|_| super::review::review_offline_only(project, offline, reel))
                .and_then(|_| rendered_file(project, project_path, reel));
            (blocked, fallback)
        };
        let coding = &self.coding;
        let shows = |reel: &crate::model::Reel| {
            reel.items
                .iter()
                .all(|item| project.moment(item.moment).is_none_or(|m| coding.shows(m)))
        };
        let facts = ReelFacts {
            project,
            selected: self.moments.selected,
            saved: project_path.is_some(),
            readiness: &readiness,
            shows: &shows,
        };
        let asks = self.reels.editor(ui, &facts);
        self.review_log_list(ui);
        let ctx = ui.ctx().clone();
        for ask in asks {
            match ask {
                ReelAsk::NewReel => self.new_reel(),
                ReelAsk::Change(reel, changes) => {
                    let made = operations::change_reel(self.session.doc.project(), reel, &changes);
                    self.apply(made);
                }
                ReelAsk::StartReview(reel) => self.enter_review(reel),
                ReelAsk::ReviewRendered(reel, file) => self.enter_review_rendered(reel, file),
                ReelAsk::Preview(reel) => self.start_preview(reel),
                ReelAsk::StopPreview => self.stop_preview(),
                ReelAsk::Render(reel) => {
                    self.ask(Question::RenderReel, Pending::RenderReel(reel), &ctx);
                }
            }
        }
    }

    pub(super) fn render_to(&mut self, reel: ReelId, output: std::path::PathBuf) {
        let Some(project_path) = self.session.project_path.clone() else {
            return;
        };
        if let Some(r) = self.session.doc.project().reel(reel) {
            self.reels.rendering = Some((reel, output.clone(), r.content_digest()));
        }
        match super::outputs::start_render(
            &self.ctx,
            project_path,
            self.session.doc.project().clone(),
            reel,
            self.reels.render_settings,
            output,
        ) {
            Ok(job) => self.reels.output = Some(job),
            Err(e) => {
                self.reels.rendering = None;
                self.status = Some(format!("Not finished: {e}"));
            }
        }
    }

    pub(super) fn poll_job(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.reels.output else {
            return;
        };
        if let Some(outcome) = job.poll() {
            let rendered = self.reels.rendering.take();
            if let (Ok(_), Some((reel, output, digest))) = (&outcome, rendered) {
                self.record_render(reel, &output, digest);
            }
            self.status = Some(match outcome {
                Ok(written) => written.to_string(),
                Err(e) => format!("Not finished: {e}"),
            });
            self.reels.output = None;
        } else {
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        }
    }
}

impl Workspace {
    /// Remembers where a reel was rendered, so a review can fall back to the
    /// file when the source clips are not at hand.
    fn record_render(&mut self, reel: ReelId, output: &std::path::Path, digest: String) {
        let path = match &self.session.project_path {
            Some(p) => crate::store::stored_clip_path(p, output),
            None => output.to_string_lossy().into_owned(),
        };
        let made = operations::record_render(
            self.session.doc.project(),
            reel,
            path,
            digest,
            chrono::Utc::now(),
        );
        self.apply(made);
    }
}

/// Typed text of the reel being edited, until its field is left.
#[derive(Clone, Debug)]
pub(super) struct ReelText {
    reel: ReelId,
    name: String,
    title: String,
    subtitle: String,
    /// Per item position: the caption override being typed.
    captions: std::collections::HashMap<usize, String>,
    /// Per item position: the presenter's question being typed.
    prompts: std::collections::HashMap<usize, String>,
}

impl From<&Reel> for ReelText {
    fn from(reel: &Reel) -> Self {
        Self {
            reel: reel.id,
            name: reel.name.clone(),
            title: reel
                .title_card
                .as_ref()
                .map(|c| c.title.clone())
                .unwrap_or_default(),
            subtitle: reel
                .title_card
                .as_ref()
                .map(|c| c.subtitle.clone())
                .unwrap_or_default(),
            captions: Default::default(),
            prompts: Default::default(),
        }
    }
}

fn purpose_name(p: ReelPurpose) -> &'static str {
    match p {
        ReelPurpose::Review => "Shared review",
        ReelPurpose::Supervision => "Supervision",
        ReelPurpose::Teaching => "Teaching",
    }
}

pub(super) fn default_settings() -> OutputSettings {
    OutputSettings::default()
}

/// The reel's rendered file, if it is current and on disk.
fn rendered_file(
    project: &Project,
    project_path: Option<&std::path::Path>,
    reel: ReelId,
) -> Option<std::path::PathBuf> {
    let render = project.reel(reel)?.current_render()?;
    let path = match project_path {
        Some(p) if !std::path::Path::new(&render.path).is_absolute() => p
            .parent()
            .unwrap_or(std::path::Path::new(""))
            .join(&render.path),
        _ => std::path::PathBuf::from(&render.path),
    };
    path.is_file().then_some(path)
}
