//! Shared-review mode: the specialist and the parent watch a reel's items
//! from their source clips, slowly, with freeze frames and captions. The
//! specialist drives it from the keyboard or a presentation clicker; time
//! on each item is logged, and leaving writes an entry to the review log.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Workspace;
use crate::media::engine::PlayerCommand;
use std::collections::HashSet;

use crate::model::{ClipId, MomentId, Project, ReelId, ReelPurpose, ViewedItem};
use crate::ui::keys::{self, ReviewAction};
use crate::ui::played::slower;
use crate::ui::reel_player::{Phase, ReelPlayer};

/// Shared-review mode, when on, and the notes written after it.
#[derive(Default)]
pub(super) struct ReviewMode {
    pub session: Option<ReviewSession>,
    /// Notes being written for a review log entry.
    pub notes: Option<super::review_notes::NotesDraft>,
    /// A review has started and waits to be placed on the screens.
    pub placing: bool,
    /// The presenter's clock, fixed for snapshot tests.
    pub fixed_clock: Option<String>,
}

pub(super) struct ReviewSession {
    /// The reel, the item on screen, its phase, slow motion and whether to
    /// stop at freeze frames.
    pub player: ReelPlayer,
    pub started: DateTime<Utc>,
    /// When the current item came on screen (None while blanked).
    shown_since: Option<Instant>,
    /// (position, moment, ms on screen), in the order first shown.
    shown: Vec<(usize, MomentId, u64)>,
    pub blank: bool,
    pub caption_on: bool,
    /// The presenter panel is showing (one screen: only while H is held).
    pub presenter_held: bool,
    /// The presenter view is in its own window (for a second screen).
    pub presenter_window: bool,
    /// Showing the reel's rendered file because its clips are offline.
    pub rendered: Option<std::path::PathBuf>,
    /// Where the presenter window opens (the laptop's screen), if known.
    pub presenter_at: Option<egui::Pos2>,
}

impl Workspace {
    pub(super) fn enter_review(&mut self, reel: ReelId) {
        if let Some(why) = review_blocked(self.session.doc.project(), &self.bin.offline, reel) {
            self.status = Some(why);
            return;
        }
        self.commit_draft();
        self.stop_preview();
        self.review.session = Some(ReviewSession {
            player: ReelPlayer::review(reel),
            started: Utc::now(),
            shown_since: None,
            shown: Vec::new(),
            blank: false,
            caption_on: true,
            presenter_held: false,
            presenter_window: false,
            rendered: None,
            presenter_at: None,
        });
        self.start_item(0);
        self.review.placing = true;
    }

    /// Review from the rendered reel file: its captions are in the picture,
    /// so the parent's view shows the picture alone.
    pub(super) fn enter_review_rendered(&mut self, reel: ReelId, file: std::path::PathBuf) {
        self.commit_draft();
        self.stop_preview();
        self.transport.current = None;
        self.transport.viewer.open_file(file.clone());
        let mut player = ReelPlayer::review(reel);
        player.pause_at_hold = false;
        player.set_phase(Phase::Start);
        self.review.session = Some(ReviewSession {
            player,
            started: Utc::now(),
            shown_since: Some(Instant::now()),
            shown: Vec::new(),
            blank: false,
            caption_on: false,
            presenter_held: false,
            presenter_window: false,
            rendered: Some(file),
            presenter_at: None,
        });
        self.review.placing = true;
    }

    /// The window system's screens are asked for once per review (the app
    /// holds the window); this says a review is waiting for them.
    pub fn wants_screens(&self) -> bool {
        self.review.placing
    }

    /// Puts the parent's view full screen. With a second screen it goes
    /// there, and the presenter view opens in its own window on the screen
    /// the app was on (the laptop); with one, the presenter view shows only
    /// while H is held. `screens` are in points; `here` is the app's screen.
    pub fn place_review(
        &mut self,
        ctx: &egui::Context,
        screens: &[egui::Rect],
        here: Option<egui::Rect>,
    ) {
        self.review.placing = false;
        let other = here.and_then(|here| screens.iter().find(|s| **s != here));
        if let (Some(other), Some(here), Some(s)) = (other, here, &mut self.review.session) {
            s.presenter_window = true;
            s.presenter_at = Some(here.min + egui::vec2(40.0, 40.0));
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(
                other.min + egui::vec2(20.0, 20.0),
            ));
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
    }

    /// True while review mode is on.
    pub fn in_review(&self) -> bool {
        self.review.session.is_some()
    }

    /// The item on screen in review mode (0-based), for tests.
    pub fn review_item(&self) -> Option<usize> {
        self.review.session.as_ref().map(|r| r.player.item)
    }

    pub fn review_blanked(&self) -> bool {
        self.review.session.as_ref().is_some_and(|r| r.blank)
    }

    pub(super) fn review_item_count(&self) -> usize {
        self.review
            .session
            .as_ref()
            .and_then(|r| self.session.doc.project().reel(r.player.reel))
            .map_or(0, |r| r.items.len())
    }

    /// Shows item `index` from its start, playing at its speed.
    fn start_item(&mut self, index: usize) {
        let project = self.session.doc.project();
        let Some(s) = &mut self.review.session else {
            return;
        };
        let Some(moment) =
            crate::ui::played::played_item(project, s.player.reel, index).map(|item| item.moment)
        else {
            return;
        };
        account_time(s);
        let asks = s.player.start_item(project, index).unwrap_or_default();
        s.shown_since = (!s.blank).then(Instant::now);
        let position = index + 1;
        if !s.shown.iter().any(|(p, _, _)| *p == position) {
            s.shown.push((position, moment, 0));
        }
        self.carry_out(asks);
    }

    /// Review keys; everything else is ignored so nothing can pop up on the
    /// parent's screen by accident.
    pub(super) fn review_keys(&mut self, ctx: &egui::Context) {
        let keys = ctx.input(keys::read_review);
        let held = ctx.input(|i| keys::review_held(i, ReviewAction::PeekPresenter));
        if let Some(s) = &mut self.review.session {
            s.presenter_held = held;
        }
        for key in keys {
            self.review_key_pressed(key, ctx);
        }
    }

    fn review_key_pressed(&mut self, key: ReviewAction, ctx: &egui::Context) {
        let frame = self.transport.viewer.frame();
        let project = self.session.doc.project();
        let Some(s) = &mut self.review.session else {
            return;
        };
        if s.rendered.is_some() {
            return self.rendered_key_pressed(key, ctx);
        }
        let (item, count) = (
            s.player.item,
            project.reel(s.player.reel).map_or(0, |r| r.items.len()),
        );
        if s.player.facts(project).is_none() {
            return;
        }
        let asks = match key {
            ReviewAction::Next if item + 1 < count => return self.start_item(item + 1),
            ReviewAction::Previous if item > 0 => return self.start_item(item - 1),
            ReviewAction::Next | ReviewAction::Previous => Vec::new(),
            ReviewAction::Replay => return self.start_item(item),
            ReviewAction::PlayPause => {
                if s.player.phase() == Phase::AtEnd {
                    return self.start_item(item);
                }
                s.player.play_pause(project, frame)
            }
            ReviewAction::Step(n) => s.player.step(n),
            ReviewAction::Slower => s.player.slower(project),
            ReviewAction::Freeze => s.player.freeze(project),
            ReviewAction::Caption => {
                s.caption_on = !s.caption_on;
                Vec::new()
            }
            ReviewAction::Blank => {
                account_time(s);
                s.blank = !s.blank;
                s.shown_since = (!s.blank).then(Instant::now);
                Vec::new()
            }
            ReviewAction::PauseAtHold => {
                s.player.pause_at_hold = !s.player.pause_at_hold;
                Vec::new()
            }
            ReviewAction::PresenterWindow => {
                s.presenter_window = !s.presenter_window;
                Vec::new()
            }
            ReviewAction::Leave => return self.leave_review(ctx),
            // Held, not pressed: read in `review_keys`.
            ReviewAction::PeekPresenter => Vec::new(),
        };
        self.carry_out(asks);
    }

    /// Keys for a rendered reel: one continuous picture, no items.
    fn rendered_key_pressed(&mut self, key: ReviewAction, ctx: &egui::Context) {
        let playing = self.transport.viewer.state().playing;
        let Some(s) = &mut self.review.session else {
            return;
        };
        let commands = match key {
            ReviewAction::PlayPause if playing => vec![PlayerCommand::Pause],
            ReviewAction::PlayPause => vec![PlayerCommand::Play],
            ReviewAction::Replay => vec![PlayerCommand::SeekToFrame(0), PlayerCommand::Play],
            ReviewAction::Step(n) => vec![PlayerCommand::Step(n)],
            ReviewAction::Slower => {
                s.player.slow = slower(s.player.slow);
                vec![PlayerCommand::SetRate(s.player.slow)]
            }
            ReviewAction::Blank => {
                s.blank = !s.blank;
                Vec::new()
            }
            ReviewAction::PresenterWindow => {
                s.presenter_window = !s.presenter_window;
                Vec::new()
            }
            ReviewAction::Leave => return self.leave_review(ctx),
            // Items, freeze frames and captions are baked into the file.
            _ => Vec::new(),
        };
        for command in commands {
            self.transport.viewer.send(command);
        }
    }

    /// Moves playback along: starts the item once its clip is open, stops at
    /// the hold frame, holds, ends. Call every frame.
    pub(super) fn poll_review(&mut self, ctx: &egui::Context) {
        let seen = self.seen();
        let project = self.session.doc.project();
        let Some(s) = &mut self.review.session else {
            return;
        };
        if s.rendered.is_some() {
            if s.player.phase() == Phase::Start && seen.idle {
                s.player.set_phase(Phase::Idle);
                self.transport.viewer.send(PlayerCommand::Play);
            }
            ctx.request_repaint_after(Duration::from_millis(500));
            return;
        }
        let now = Instant::now();
        let tick = s.player.tick(project, seen, now);
        if let Some(at) = tick.wake_at {
            ctx.request_repaint_after(at.saturating_duration_since(now));
        }
        self.carry_out(tick.asks);
        // Keep the clock in the presenter view moving.
        ctx.request_repaint_after(Duration::from_millis(500));
    }

    /// Esc: back to the workspace, with an entry in the review log.
    fn leave_review(&mut self, ctx: &egui::Context) {
        let Some(mut session) = self.review.session.take() else {
            return;
        };
        account_time(&mut session);
        self.transport.viewer.send(PlayerCommand::Pause);
        self.transport.viewer.send(PlayerCommand::SetRate(1.0));
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
        let viewed = session
            .shown
            .iter()
            .map(|&(position, moment, shown_ms)| ViewedItem {
                position,
                moment,
                shown_ms,
            })
            .collect();
        if session.rendered.is_some() {
            self.transport.viewer.close();
        }
        let project = self.session.doc.project();
        let id = project.next_review_id();
        let made = crate::model::operations::log_review(
            project,
            session.player.reel,
            session.started,
            viewed,
            session.rendered.is_some(),
        );
        if self.apply(made) {
            self.review.notes = Some(super::review_notes::NotesDraft::new(id));
        }
    }
}

/// Why a reel cannot be reviewed now, in words for the specialist.
pub(super) fn review_blocked(
    project: &Project,
    offline: &HashSet<ClipId>,
    reel: ReelId,
) -> Option<String> {
    let reel = project.reel(reel)?;
    if reel.items.is_empty() {
        return Some("Add moments to the reel first.".into());
    }
    if reel.purpose == ReelPurpose::Teaching {
        return Some("Teaching reels are rendered, not reviewed with a family.".into());
    }
    let lacking: Vec<String> = project
        .clips_lacking_consent(reel)
        .iter()
        .filter_map(|c| project.clip(*c))
        .map(|c| c.name.clone())
        .collect();
    if !lacking.is_empty() {
        return Some(format!("No consent recorded for: {}.", lacking.join(", ")));
    }
    let offline: Vec<String> = reel
        .items
        .iter()
        .filter_map(|i| project.moment(i.moment))
        .filter(|m| offline.contains(&m.clip))
        .filter_map(|m| project.clip(m.clip))
        .map(|c| c.name.clone())
        .collect();
    if !offline.is_empty() {
        return Some(format!(
            "These clips' files have moved: {}. Relink them, or show the rendered reel file instead.",
            offline.join(", ")
        ));
    }
    None
}

/// True when the reel could be reviewed but for clips whose files moved.
pub(super) fn review_offline_only(
    project: &Project,
    offline: &HashSet<ClipId>,
    reel: ReelId,
) -> bool {
    let Some(r) = project.reel(reel) else {
        return false;
    };
    r.purpose != ReelPurpose::Teaching
        && !r.items.is_empty()
        && project.clips_lacking_consent(r).is_empty()
        && r.items
            .iter()
            .filter_map(|i| project.moment(i.moment))
            .any(|m| offline.contains(&m.clip))
}

/// Adds the time since the current item came on screen to its total.
fn account_time(s: &mut ReviewSession) {
    if let Some(since) = s.shown_since.take() {
        let ms = since.elapsed().as_millis() as u64;
        let position = s.player.item + 1;
        if let Some(entry) = s.shown.iter_mut().find(|(p, _, _)| *p == position) {
            entry.2 += ms;
        }
        s.shown_since = Some(Instant::now());
    }
}
