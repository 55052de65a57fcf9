//! Previewing a reel in the viewer, straight from the source clips: each
//! item plays at its speed to its hold frame, freezes there for the hold,
//! then plays on to its end; no rendering needed, and every frame is the
//! engine's exact one.

use std::time::{Duration, Instant};

use super::Workspace;
use super::played::{PlayedItem, played_item};
use crate::media::engine::PlayerCommand;
use crate::model::ReelId;

pub struct ReelPreview {
    pub reel: ReelId,
    /// Index into the reel's items.
    pub item: usize,
    phase: Phase,
}

enum Phase {
    /// The item's clip is opening or its first span was just asked for.
    Start,
    /// Playing up to `to`; then hold (if `hold` is set) or move on.
    Playing { to: u32, hold: Option<Duration> },
    Holding {
        until: Instant,
        rest: Option<(u32, u32)>,
    },
}

impl Workspace {
    pub(super) fn start_preview(&mut self, reel: ReelId) {
        if self
            .session
            .doc
            .project()
            .reel(reel)
            .is_some_and(|r| !r.items.is_empty())
        {
            self.reels.preview = Some(ReelPreview {
                reel,
                item: 0,
                phase: Phase::Start,
            });
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
        let p = self.reels.preview.as_ref()?;
        self.preview_step(p.reel, p.item).map(|s| s.caption)
    }

    /// "Previewing item 2 of 4".
    pub(super) fn preview_label(&self) -> Option<String> {
        let p = self.reels.preview.as_ref()?;
        let total = self.session.doc.project().reel(p.reel)?.items.len();
        Some(format!("Previewing item {} of {total}", p.item + 1))
    }

    fn preview_step(&self, reel: ReelId, index: usize) -> Option<PlayedItem> {
        played_item(self.session.doc.project(), reel, index)
    }

    /// Moves the preview along; call every frame.
    pub(super) fn poll_preview(&mut self, ctx: &egui::Context) {
        let Some(preview) = self.reels.preview.take() else {
            return;
        };
        let Some(step) = self.preview_step(preview.reel, preview.item) else {
            // The reel changed under the preview (undo, removal): stop.
            self.transport.viewer.send(PlayerCommand::SetRate(1.0));
            return;
        };
        let state = self.transport.viewer.state().clone();
        let idle = !self.transport.viewer.is_busy();
        let phase = match preview.phase {
            Phase::Start => {
                self.show_clip(step.clip);
                self.transport
                    .viewer
                    .send(PlayerCommand::SetRate(step.speed));
                let to = step.hold.map_or(step.end, |(frame, _)| frame);
                self.transport.viewer.send(PlayerCommand::PlaySpan {
                    start: step.start,
                    end: to,
                });
                Some(Phase::Playing {
                    to,
                    hold: step.hold.map(|(_, d)| d),
                })
            }
            Phase::Playing { to, hold } if idle && !state.playing && state.frame == to => {
                match hold {
                    Some(duration) => Some(Phase::Holding {
                        until: Instant::now() + duration,
                        rest: (to < step.end).then_some((to + 1, step.end)),
                    }),
                    None => None,
                }
            }
            Phase::Holding { until, rest } if Instant::now() >= until => match rest {
                Some((start, end)) => {
                    self.transport
                        .viewer
                        .send(PlayerCommand::PlaySpan { start, end });
                    Some(Phase::Playing {
                        to: end,
                        hold: None,
                    })
                }
                None => None,
            },
            Phase::Holding { until, rest } => {
                ctx.request_repaint_after(until.saturating_duration_since(Instant::now()));
                Some(Phase::Holding { until, rest })
            }
            other => Some(other),
        };
        match phase {
            Some(phase) => {
                self.reels.preview = Some(ReelPreview { phase, ..preview });
            }
            None => {
                let next = preview.item + 1;
                if self.preview_step(preview.reel, next).is_some() {
                    self.reels.preview = Some(ReelPreview {
                        reel: preview.reel,
                        item: next,
                        phase: Phase::Start,
                    });
                    ctx.request_repaint();
                } else {
                    self.transport.viewer.send(PlayerCommand::SetRate(1.0));
                    self.status = Some("Reel preview finished.".into());
                }
            }
        }
    }
}
