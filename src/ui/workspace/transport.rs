//! What the viewer shows and where the specialist is in it: the engine's
//! viewer, the clip on screen, the in/out marks, and the timeline's view,
//! index and overviews.

use crate::media::engine::PlayerCommand;
use crate::model::{ClipId, FrameRate, MomentId, Project};
use crate::ui::keys::Action;
use crate::ui::timeline::{
    self, TimelineAction, TimelineIndex, TimelineInput, TimelineLens, TimelineView,
};
use crate::ui::viewer::Viewer;

use super::overview::Overviews;

/// What the transport bar asks of the workspace.
pub(super) enum TransportAsk {
    /// The same as the key that does it.
    Key(Action),
    SaveStill {
        clip: ClipId,
        frame: u32,
    },
}

/// The lanes built for one revision, clip, codebook and lens.
pub(super) struct TimelineCache {
    revision: u64,
    clip: ClipId,
    codebook: Option<String>,
    lens: TimelineLens,
    index: TimelineIndex,
}

pub(super) struct Transport {
    pub viewer: Viewer,
    /// The clip in the viewer and timeline.
    pub current: Option<ClipId>,
    pub mark_in: Option<u32>,
    pub mark_out: Option<u32>,
    pub timeline_view: TimelineView,
    /// Lanes of the current clip, rebuilt when the project, the codebook or
    /// the lens (blind coding) changes.
    pub timeline_index: Option<TimelineCache>,
    pub overviews: Overviews,
}

impl Transport {
    pub(super) fn new(ctx: &egui::Context, cache_dir: Option<std::path::PathBuf>) -> Self {
        Self {
            viewer: Viewer::new(ctx),
            current: None,
            mark_in: None,
            mark_out: None,
            timeline_view: TimelineView::default(),
            timeline_index: None,
            overviews: Overviews::new(ctx, cache_dir),
        }
    }

    /// The lanes as last built: names and moments (tests, diagnostics).
    pub(super) fn timeline_lanes(&self) -> Vec<(String, Vec<MomentId>)> {
        self.timeline_index.as_ref().map_or_else(Vec::new, |c| {
            c.index
                .lanes()
                .iter()
                .map(|l| (l.name.clone(), l.spans().iter().map(|s| s.moment).collect()))
                .collect()
        })
    }

    /// The transport bar under the picture; returns what was pressed.
    pub(super) fn controls(
        &mut self,
        ui: &mut egui::Ui,
        has_span: bool,
        preview_label: Option<String>,
        clip_rate: Option<FrameRate>,
    ) -> Vec<TransportAsk> {
        let state = self.viewer.state().clone();
        let mut actions = Vec::new();
        ui.horizontal_wrapped(|ui| {
            let enabled = state.frame_count > 0;
            ui.add_enabled_ui(enabled, |ui| {
                for (text, action, tip) in [
                    ("« Start", Action::First, "Home"),
                    (
                        "‹ Frame",
                        Action::Step(-1),
                        "Left arrow (Shift: ten frames)",
                    ),
                ] {
                    if ui.button(text).on_hover_text(tip).clicked() {
                        actions.push(TransportAsk::Key(action));
                    }
                }
                let play = if state.playing { "Pause" } else { "Play" };
                if ui.button(play).on_hover_text("Space").clicked() {
                    actions.push(TransportAsk::Key(Action::PlayPause));
                }
                for (text, action, tip) in [
                    (
                        "Frame ›",
                        Action::Step(1),
                        "Right arrow (Shift: ten frames)",
                    ),
                    ("End »", Action::Last, "End"),
                ] {
                    if ui.button(text).on_hover_text(tip).clicked() {
                        actions.push(TransportAsk::Key(action));
                    }
                }
                ui.separator();
                ui.add_enabled_ui(has_span, |ui| {
                    if ui.button("Play moment").on_hover_text("P").clicked() {
                        actions.push(TransportAsk::Key(Action::PlaySelection));
                    }
                    if ui.button("Loop moment").on_hover_text("Shift+P").clicked() {
                        actions.push(TransportAsk::Key(Action::LoopSelection));
                    }
                });
                ui.separator();
                let mut rate = state.rate;
                let label = ui.label("Speed");
                let r = ui
                    .add(
                        egui::Slider::new(&mut rate, 0.1..=2.0)
                            .step_by(0.05)
                            .suffix("×"),
                    )
                    .labelled_by(label.id);
                if r.changed() {
                    self.viewer.send(PlayerCommand::SetRate(rate));
                }
                ui.separator();
                if ui
                    .button("Save still…")
                    .on_hover_text("This frame at full size, as PNG or JPEG")
                    .clicked()
                    && let Some(clip) = self.current
                {
                    actions.push(TransportAsk::SaveStill {
                        clip,
                        frame: state.frame,
                    });
                }
                if state.audio_muted && state.has_audio {
                    ui.label(egui::RichText::new("sound off below 0.5×").weak().small());
                }
            });
        });
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(self.viewer.position_label()).monospace());
            if let Some(label) = preview_label {
                ui.label(egui::RichText::new(label).strong());
            }
            if let Some(rate) = clip_rate {
                let mark =
                    |m: Option<u32>| m.map(|f| rate.timecode(u64::from(f))).unwrap_or("–".into());
                ui.label(
                    egui::RichText::new(format!(
                        "In {} · Out {}",
                        mark(self.mark_in),
                        mark(self.mark_out)
                    ))
                    .weak(),
                );
            }
        });
        actions
    }

    /// The timeline panel with its header (active codebook, whole clip);
    /// returns the timeline's gestures for the workspace to carry out.
    pub(super) fn timeline(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        revision: u64,
        active_codebook: &mut Option<String>,
        selected: Option<MomentId>,
        lens: &TimelineLens,
    ) -> Vec<TimelineAction> {
        ui.horizontal(|ui| {
            let mut active = active_codebook.clone();
            let name = active
                .as_deref()
                .and_then(|id| project.codebook(id))
                .map(|b| b.name.clone())
                .unwrap_or_else(|| "None".into());
            egui::ComboBox::from_label("Active codebook")
                .selected_text(name)
                .show_ui(ui, |ui| {
                    for book in &project.codebooks {
                        ui.selectable_value(&mut active, Some(book.id.clone()), &book.name);
                    }
                });
            if active != *active_codebook {
                *active_codebook = active;
            }
            if ui.button("Whole clip").clicked() {
                self.timeline_view = Default::default();
            }
            if let Some(compare) = &lens.compare {
                ui.label(
                    egui::RichText::new(format!(
                        "Comparing {} {} with {} {}",
                        timeline::COMPARE_LETTERS[0],
                        compare.coders[0],
                        timeline::COMPARE_LETTERS[1],
                        compare.coders[1]
                    ))
                    .strong(),
                );
            }
        });
        let Some(clip) = self.current.and_then(|c| project.clip(c)).cloned() else {
            ui.label(egui::RichText::new("Pick a clip to see its timeline.").weak());
            return Vec::new();
        };
        let fresh = self.timeline_index.as_ref().is_some_and(|c| {
            c.revision == revision
                && c.clip == clip.id
                && c.codebook == *active_codebook
                && c.lens == *lens
        });
        if !fresh {
            let book = active_codebook.as_deref().and_then(|b| project.codebook(b));
            self.timeline_index = Some(TimelineCache {
                revision,
                clip: clip.id,
                codebook: active_codebook.clone(),
                lens: lens.clone(),
                index: TimelineIndex::build_for(project, clip.id, book, lens),
            });
        }
        let Some(TimelineCache { index, .. }) = &self.timeline_index else {
            return Vec::new();
        };
        let overview = self.overviews.get(&clip);
        let empty = Vec::new();
        let state = self.viewer.state();
        let input = TimelineInput {
            index,
            frames: clip.media.frames,
            rate: clip.media.frame_rate,
            playhead: state.frame,
            selected,
            mark_in: self.mark_in,
            mark_out: self.mark_out,
            filmstrip: overview.map(|o| &o.filmstrip).unwrap_or(&empty),
            waveform: overview
                .and_then(|o| o.waveform.as_ref())
                .map(|w| (w.peaks.as_slice(), w.buckets_per_second)),
            overview_progress: overview.and_then(|o| o.progress),
            follow_playhead: state.playing,
        };
        timeline::show(ui, &mut self.timeline_view, &input)
    }
}
