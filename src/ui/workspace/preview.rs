//! Previewing a reel in the viewer, straight from the source clips: each
//! item plays at its speed to its hold frame, freezes there for the hold,
//! then plays on to its end; no rendering needed, and every frame is the
//! engine's exact one. The playing itself is `ReelPlayer`'s.

use std::time::Instant;

use super::Workspace;
use crate::media::engine::PlayerCommand;
use crate::model::ReelId;
use crate::ui::reel_player::{Ask, ReelPlayer, Seen};

impl Workspace {
    pub(super) fn start_preview(&mut self, reel: ReelId) {
        let mut player = ReelPlayer::preview(reel);
        if let Some(asks) = player.start_item(self.session.doc.project(), 0) {
            self.reels.preview = Some(player);
            self.carry_out(asks);
        }
    }

    pub(super) fn stop_preview(&mut self) {
        if self.reels.preview.take().is_some() {
            self.transport.viewer.send(PlayerCommand::Pause);
            self.transport.viewer.send(PlayerCommand::SetRate(1.0));
        }
    }

    /// The parent-facing caption of the item being previewed.
    pub(super) fn preview_caption(&self) -> Option<String> {
        let player = self.reels.preview.as_ref()?;
        player.facts(self.session.doc.project()).map(|s| s.caption)
    }

    /// "Previewing item 2 of 4".
    pub(super) fn preview_label(&self) -> Option<String> {
        let player = self.reels.preview.as_ref()?;
        let total = self.session.doc.project().reel(player.reel)?.items.len();
        Some(format!("Previewing item {} of {total}", player.item + 1))
    }

    /// What the engine shows now, as the reel player needs it.
    pub(super) fn seen(&self) -> Seen {
        let viewer = &self.transport.viewer;
        let state = viewer.state();
        Seen {
            idle: !viewer.is_busy() && !state.loading,
            playing: state.playing,
            frame: state.frame,
        }
    }

    /// Does what a reel player asked, in order.
    pub(super) fn carry_out(&mut self, asks: Vec<Ask>) {
        for ask in asks {
            match ask {
                Ask::ShowClip(clip) => self.show_clip(clip),
                Ask::Engine(command) => self.transport.viewer.send(command),
            }
        }
    }

    /// Moves the preview along; call every frame.
    pub(super) fn poll_preview(&mut self, ctx: &egui::Context) {
        let seen = self.seen();
        let project = self.session.doc.project();
        let Some(player) = &mut self.reels.preview else {
            return;
        };
        let now = Instant::now();
        let tick = player.tick(project, seen, now);
        // A reel changed under the preview (undo, removal) just stops.
        let reel_gone = player.facts(project).is_none();
        if let Some(at) = tick.wake_at {
            ctx.request_repaint_after(at.saturating_duration_since(now));
        }
        if !tick.asks.is_empty() {
            ctx.request_repaint();
        }
        self.carry_out(tick.asks);
        if tick.finished {
            self.reels.preview = None;
            self.transport.viewer.send(PlayerCommand::SetRate(1.0));
            if !reel_gone {
                self.status = Some("Reel preview finished.".into());
            }
        }
    }
}
