//! Carrying out what keys, buttons and menus ask for: engine commands for
//! moving around, `Edit`s for changing the project.

use chrono::Utc;

use super::Workspace;
use crate::media::engine::PlayerCommand;
use crate::model::operations::{self, Refusal};
use crate::model::{CodeRef, Edit};
use crate::ui::keys::{self, Action};

impl Workspace {
    /// Applies the edit a model operation made; a refusal or a refused edit
    /// is reported (never half-applied), and "nothing to change" is not.
    pub(super) fn apply(&mut self, made: Result<Edit, Refusal>) -> bool {
        let outcome = match made {
            Ok(edit) => self.session.doc.apply(edit).map_err(Refusal::from),
            Err(refusal) => Err(refusal),
        };
        match outcome {
            Ok(()) => true,
            Err(Refusal::Unchanged) => false,
            Err(e) => {
                self.status = Some(format!("Not changed: {e}"));
                false
            }
        }
    }

    pub(super) fn perform(&mut self, action: Action) {
        // Taking the transport back ends a reel preview.
        if matches!(
            action,
            Action::PlayPause
                | Action::ShuttleForward
                | Action::ShuttleBack
                | Action::Pause
                | Action::Step(_)
                | Action::First
                | Action::Last
                | Action::PreviousMoment
                | Action::NextMoment
                | Action::PlaySelection
                | Action::LoopSelection
                | Action::Escape
        ) {
            self.stop_preview();
        }
        let state = self.transport.viewer.state().clone();
        let last = state.frame_count.saturating_sub(1);
        match action {
            Action::PlayPause => {
                let cmd = if state.playing {
                    PlayerCommand::Pause
                } else {
                    PlayerCommand::Play
                };
                self.transport.viewer.send(cmd);
            }
            Action::ShuttleForward => {
                let rate = keys::next_shuttle_rate(state.playing, state.rate);
                self.transport.viewer.send(PlayerCommand::SetRate(rate));
                if !state.playing {
                    self.transport.viewer.send(PlayerCommand::Play);
                }
            }
            Action::ShuttleBack => self.transport.viewer.send(PlayerCommand::Step(-1)),
            Action::Pause => self.transport.viewer.send(PlayerCommand::Pause),
            Action::Step(n) => self.transport.viewer.send(PlayerCommand::Step(n)),
            Action::First => self.transport.viewer.send(PlayerCommand::SeekToFrame(0)),
            Action::Last => self.transport.viewer.send(PlayerCommand::SeekToFrame(last)),
            Action::PreviousMoment => self.neighbour_moment(false),
            Action::NextMoment => self.neighbour_moment(true),
            Action::MarkIn => self.transport.mark_in = Some(state.frame),
            Action::MarkOut => self.transport.mark_out = Some(state.frame),
            Action::MarkPoint => {
                self.new_moment(state.frame, state.frame, Vec::new());
            }
            Action::MomentFromMarks => self.moment_from_marks(state.frame),
            Action::Code(key) => self.code_by_hotkey(key, state.frame),
            Action::PlaySelection => {
                if let Some((start, end)) = self.selection_span() {
                    self.transport
                        .viewer
                        .send(PlayerCommand::PlaySpan { start, end });
                }
            }
            Action::LoopSelection => {
                if let Some((start, end)) = self.selection_span() {
                    self.transport
                        .viewer
                        .send(PlayerCommand::LoopSpan { start, end });
                }
            }
            Action::CycleParticipant => self.cycle_participant(),
            Action::Disagreement(forward) => self.walk_disagreements(forward),
            Action::Delete => self.delete_selected(),
            Action::Undo => {
                self.commit_draft();
                if self.session.doc.undo() {
                    self.after_history_move();
                }
            }
            Action::Redo => {
                self.commit_draft();
                if self.session.doc.redo() {
                    self.after_history_move();
                }
            }
            Action::Save => self.save(),
            Action::Help => self.show_help = !self.show_help,
            Action::Escape => {
                if self.show_help {
                    self.show_help = false;
                } else if self.moments.selected.is_some() {
                    self.commit_draft();
                    self.moments.selected = None;
                } else {
                    self.transport.mark_in = None;
                    self.transport.mark_out = None;
                }
            }
        }
    }

    /// The selected moment, or else the in/out marks, as a frame span.
    pub(super) fn selection_span(&self) -> Option<(u32, u32)> {
        if let Some(m) = self
            .moments
            .selected
            .and_then(|id| self.session.doc.project().moment(id))
        {
            return Some((m.start, m.end));
        }
        match (self.transport.mark_in, self.transport.mark_out) {
            (Some(a), Some(b)) => Some((a.min(b), a.max(b))),
            _ => None,
        }
    }

    fn moment_from_marks(&mut self, frame: u32) {
        match operations::marked_span(self.transport.mark_in, self.transport.mark_out, frame) {
            Some((start, end)) => {
                if self.new_moment(start, end, Vec::new()) {
                    self.transport.mark_in = None;
                    self.transport.mark_out = None;
                }
            }
            None => {
                self.status = Some("Set an in mark (I) and an out mark (O) first.".into());
            }
        }
    }

    /// Adds a moment on the current clip and selects it.
    pub(super) fn new_moment(&mut self, start: u32, end: u32, codes: Vec<CodeRef>) -> bool {
        let Some(clip) = self.transport.current else {
            self.status = Some("Open a clip before marking moments.".into());
            return false;
        };
        self.commit_draft();
        let project = self.session.doc.project();
        let id = project.next_moment_id();
        let made = operations::mark_moment(
            project,
            clip,
            start,
            end,
            codes,
            &self.coding.coder,
            Utc::now(),
        );
        if self.apply(made) {
            self.moments.selected = Some(id);
            true
        } else {
            false
        }
    }

    /// 1–9: toggles the active codebook's item on the selected moment, or
    /// marks a point moment with it when nothing is selected.
    fn code_by_hotkey(&mut self, key: char, frame: u32) {
        let project = self.session.doc.project();
        let code =
            match operations::code_on_key(project, self.moments.active_codebook.as_deref(), key) {
                Ok(code) => code,
                Err(refusal) => {
                    self.status = Some(capitalised(&format!("{refusal}.")));
                    return;
                }
            };
        match self.moments.selected {
            Some(id) => self.toggle_code(id, code),
            None => {
                self.new_moment(frame, frame, vec![code]);
            }
        }
    }

    pub(super) fn toggle_code(&mut self, id: crate::model::MomentId, code: CodeRef) {
        self.commit_draft();
        let made = operations::toggle_code(self.session.doc.project(), id, code, Utc::now());
        self.apply(made);
    }

    fn delete_selected(&mut self) {
        let Some(id) = self.moments.selected else {
            return;
        };
        self.moments.draft = None;
        let made = operations::remove_moment(self.session.doc.project(), id);
        if self.apply(made) {
            self.moments.selected = None;
        }
    }

    /// Undo and redo may remove the selected moment or the current clip.
    fn after_history_move(&mut self) {
        self.moments.draft = None;
        self.reels.text = None;
        let project = self.session.doc.project();
        if self
            .moments
            .selected
            .is_some_and(|id| project.moment(id).is_none())
        {
            self.moments.selected = None;
        }
        if self
            .transport
            .current
            .is_some_and(|id| project.clip(id).is_none())
        {
            self.transport.current = None;
            self.transport.viewer.close();
        }
    }

    pub(super) fn save(&mut self) {
        self.commit_draft();
        if self.session.saver.can_save() {
            self.session.saver.save(&self.session.doc, &self.ctx);
        } else if self.session.lock.is_none() && self.session.banner.is_some() {
            self.status = Some("This project is read-only here.".into());
        } else {
            self.save_as();
        }
    }
}

/// "pick an active codebook first." → "Pick an active codebook first."
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
