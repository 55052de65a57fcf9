//! Previewing a reel in the viewer, straight from the source clips: each
//! item plays at its speed to its hold frame, freezes there for the hold,
//! then plays on to its end; no rendering needed, and every frame is the
//! engine's exact one.

use std::time::{Duration, Instant};

use super::Workspace;
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
    /// `retries` counts restarts after the engine stopped short.
    Playing {
        to: u32,
        hold: Option<Duration>,
        retries: u8,
    },
    Holding {
        until: Instant,
        rest: Option<(u32, u32)>,
    },
}

/// One item, resolved against the project.
struct Step {
    clip: crate::model::ClipId,
    start: u32,
    end: u32,
    speed: f64,
    hold: Option<(u32, Duration)>,
    caption: String,
}

impl Workspace {
    pub(super) fn start_preview(&mut self, reel: ReelId) {
        if self
            .doc
            .project()
            .reel(reel)
            .is_some_and(|r| !r.items.is_empty())
        {
            self.preview = Some(ReelPreview {
                reel,
                item: 0,
                phase: Phase::Start,
            });
        }
    }

    pub(super) fn stop_preview(&mut self) {
        if self.preview.take().is_some() {
            self.viewer.send(PlayerCommand::Pause);
            self.viewer.send(PlayerCommand::SetRate(1.0));
        }
    }

    /// The parent-facing caption of the item being previewed.
    pub(super) fn preview_caption(&self) -> Option<String> {
        let p = self.preview.as_ref()?;
        self.preview_step(p.reel, p.item).map(|s| s.caption)
    }

    /// "Previewing item 2 of 4".
    pub(super) fn preview_label(&self) -> Option<String> {
        let p = self.preview.as_ref()?;
        let total = self.doc.project().reel(p.reel)?.items.len();
        Some(format!("Previewing item {} of {total}", p.item + 1))
    }

    fn preview_step(&self, reel: ReelId, index: usize) -> Option<Step> {
        let project = self.doc.project();
        let item = project.reel(reel)?.items.get(index)?;
        let moment = project.moment(item.moment)?;
        let clip = project.clip(moment.clip)?;
        let (start, end) = item.span(moment, clip.media.frames);
        Some(Step {
            clip: clip.id,
            start,
            end,
            speed: f64::from(item.speed_percent) / 100.0,
            hold: item
                .hold
                .filter(|h| (start..=end).contains(&h.frame))
                .map(|h| (h.frame, Duration::from_millis(u64::from(h.duration_ms)))),
            caption: item.shown_caption(moment).to_owned(),
        })
    }

    /// Moves the preview along; call every frame.
    pub(super) fn poll_preview(&mut self, ctx: &egui::Context) {
        let Some(preview) = self.preview.take() else {
            return;
        };
        let Some(step) = self.preview_step(preview.reel, preview.item) else {
            // The reel changed under the preview (undo, removal): stop.
            self.viewer.send(PlayerCommand::SetRate(1.0));
            return;
        };
        let state = self.viewer.state().clone();
        let idle = !self.viewer.is_busy();
        let phase = match preview.phase {
            Phase::Start => {
                self.show_clip(step.clip);
                self.viewer.send(PlayerCommand::SetRate(step.speed));
                let to = step.hold.map_or(step.end, |(frame, _)| frame);
                self.viewer.send(PlayerCommand::PlaySpan {
                    start: step.start,
                    end: to,
                });
                Some(Phase::Playing {
                    to,
                    hold: step.hold.map(|(_, d)| d),
                    retries: 0,
                })
            }
            Phase::Playing { to, hold, .. } if idle && !state.playing && state.frame == to => {
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
                    self.viewer.send(PlayerCommand::PlaySpan { start, end });
                    Some(Phase::Playing {
                        to: end,
                        hold: None,
                        retries: 0,
                    })
                }
                None => None,
            },
            Phase::Holding { until, rest } => {
                ctx.request_repaint_after(until.saturating_duration_since(Instant::now()));
                Some(Phase::Holding { until, rest })
            }
            // Stopped short (the clip was reopened, say): carry on from
            // here, a few times at most, rather than wait forever.
            Phase::Playing { to, hold, retries }
                if idle && !state.playing && state.frame < to && retries < 3 =>
            {
                self.viewer.send(PlayerCommand::PlaySpan {
                    start: state.frame,
                    end: to,
                });
                Some(Phase::Playing {
                    to,
                    hold,
                    retries: retries + 1,
                })
            }
            Phase::Playing { retries, .. } if idle && !state.playing && retries >= 3 => {
                self.status = Some("The preview stopped: the clip would not play.".into());
                self.viewer.send(PlayerCommand::SetRate(1.0));
                return;
            }
            other => Some(other),
        };
        match phase {
            Some(phase) => {
                self.preview = Some(ReelPreview { phase, ..preview });
            }
            None => {
                let next = preview.item + 1;
                if self.preview_step(preview.reel, next).is_some() {
                    self.preview = Some(ReelPreview {
                        reel: preview.reel,
                        item: next,
                        phase: Phase::Start,
                    });
                    ctx.request_repaint();
                } else {
                    self.viewer.send(PlayerCommand::SetRate(1.0));
                    self.status = Some("Reel preview finished.".into());
                }
            }
        }
    }
}
