//! Plays a reel's items from their source clips: each item at its speed
//! (and the specialist's slow motion) to its freeze frame, a hold there,
//! then on to its end. The one state machine behind the reel preview and
//! shared review. It holds no window and no engine: it is told what the
//! engine shows and what time it is, and answers with what to ask of the
//! viewer, so it is tested without either.

use std::time::{Duration, Instant};

use crate::media::engine::PlayerCommand;
use crate::media::engine::commands::MIN_RATE;
use crate::model::{ClipId, Project, ReelId};

use super::played::{PlayedItem, played_item, slower};

/// What the player asks of the viewer, in order.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Ask {
    /// Put this clip in the viewer (nothing if it is there already).
    ShowClip(ClipId),
    Engine(PlayerCommand),
}

/// What the engine reports this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Seen {
    /// No command waiting and no clip loading.
    pub idle: bool,
    pub playing: bool,
    pub frame: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum AfterSpan {
    Hold(u32, Duration),
    End,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Phase {
    /// Paused by the specialist (stepping, freeze, or just paused).
    Idle,
    /// The item's clip is opening: start playing once the engine is idle.
    Start,
    Playing {
        to: u32,
        then: AfterSpan,
    },
    /// Paused on the hold frame until told to go on (the "what do you
    /// notice?" pause).
    AtHold {
        hold: u32,
    },
    Holding {
        until: Instant,
        hold: u32,
    },
    /// On the item's last frame.
    AtEnd,
}

/// Where a tick leaves the reel.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Tick {
    pub asks: Vec<Ask>,
    /// When to look again even if nothing else happens (a hold ending).
    pub wake_at: Option<Instant>,
    /// The last item ended (a preview), or the reel changed under it.
    pub finished: bool,
}

pub(super) struct ReelPlayer {
    pub reel: ReelId,
    /// Index into the reel's items.
    pub item: usize,
    phase: Phase,
    /// The specialist's slow motion, on top of the item's own speed.
    pub slow: f64,
    /// Stop at the freeze frame until told to go on (review); otherwise
    /// hold it for its duration and play on.
    pub pause_at_hold: bool,
    /// Go on to the next item when one ends (preview); otherwise stay on
    /// its last frame until the specialist moves on (review).
    run_on: bool,
}

impl ReelPlayer {
    /// A preview: every item in turn, holds timed, no pause.
    pub(super) fn preview(reel: ReelId) -> Self {
        Self {
            reel,
            item: 0,
            phase: Phase::Idle,
            slow: 1.0,
            pause_at_hold: false,
            run_on: true,
        }
    }

    /// A shared review: the specialist moves between items.
    pub(super) fn review(reel: ReelId) -> Self {
        Self {
            reel,
            item: 0,
            phase: Phase::Idle,
            slow: 1.0,
            pause_at_hold: true,
            run_on: false,
        }
    }

    pub(super) fn phase(&self) -> Phase {
        self.phase
    }

    pub(super) fn set_phase(&mut self, phase: Phase) {
        self.phase = phase;
    }

    /// The item on screen, resolved against the project.
    pub(super) fn facts(&self, project: &Project) -> Option<PlayedItem> {
        played_item(project, self.reel, self.item)
    }

    /// Item `index` from its start; `None` if the reel has no such item.
    pub(super) fn start_item(&mut self, project: &Project, index: usize) -> Option<Vec<Ask>> {
        let item = played_item(project, self.reel, index)?;
        self.item = index;
        self.phase = Phase::Start;
        Some(vec![Ask::ShowClip(item.clip)])
    }

    /// Plays the item from `start` to its freeze frame (if it is ahead) or
    /// to its end.
    pub(super) fn play_from(&mut self, project: &Project, start: u32) -> Vec<Ask> {
        let Some(item) = self.facts(project) else {
            return Vec::new();
        };
        let (to, then) = match item.hold {
            Some((hold, duration)) if start <= hold => (hold, AfterSpan::Hold(hold, duration)),
            _ => (item.end, AfterSpan::End),
        };
        self.phase = Phase::Playing { to, then };
        vec![
            Ask::Engine(PlayerCommand::SetRate(self.rate(&item))),
            Ask::Engine(PlayerCommand::PlaySpan { start, end: to }),
        ]
    }

    fn rate(&self, item: &PlayedItem) -> f64 {
        (item.speed * self.slow).max(MIN_RATE)
    }

    /// After the hold: the rest of the item, or its end if the freeze frame
    /// was its last frame.
    pub(super) fn play_after_hold(&mut self, project: &Project, hold: u32, end: u32) -> Vec<Ask> {
        if hold < end {
            let asks = self.play_from(project, hold + 1);
            if let Phase::Playing { to, .. } = self.phase {
                self.phase = Phase::Playing {
                    to,
                    then: AfterSpan::End,
                };
            }
            asks
        } else {
            self.phase = Phase::AtEnd;
            Vec::new()
        }
    }

    /// Moves playback along: starts the item once its clip is open, stops
    /// at the freeze frame, holds, ends (and, in a preview, goes on to the
    /// next item). Call every frame.
    pub(super) fn tick(&mut self, project: &Project, seen: Seen, now: Instant) -> Tick {
        let mut tick = Tick {
            asks: Vec::new(),
            wake_at: None,
            finished: false,
        };
        let Some(item) = self.facts(project) else {
            // The reel changed under the player (undo, removal).
            tick.finished = true;
            return tick;
        };
        match self.phase {
            Phase::Start if seen.idle => tick.asks = self.play_from(project, item.start),
            Phase::Playing { to, then } if seen.idle && !seen.playing && seen.frame == to => {
                match then {
                    AfterSpan::Hold(hold, _) if self.pause_at_hold => {
                        self.phase = Phase::AtHold { hold };
                    }
                    AfterSpan::Hold(hold, duration) => {
                        let until = now + duration;
                        self.phase = Phase::Holding { until, hold };
                        tick.wake_at = Some(until);
                    }
                    AfterSpan::End => self.phase = Phase::AtEnd,
                }
            }
            Phase::Holding { until, hold } => {
                if now >= until {
                    tick.asks = self.play_after_hold(project, hold, item.end);
                } else {
                    tick.wake_at = Some(until);
                }
            }
            _ => {}
        }
        if self.run_on && self.phase == Phase::AtEnd {
            match self.start_item(project, self.item + 1) {
                Some(asks) => tick.asks.extend(asks),
                None => tick.finished = true,
            }
        }
        tick
    }

    /// Space: pause, go on after the hold, replay at the end, or play from
    /// the frame on screen.
    pub(super) fn play_pause(&mut self, project: &Project, frame: u32) -> Vec<Ask> {
        let Some(item) = self.facts(project) else {
            return Vec::new();
        };
        match self.phase {
            Phase::Playing { .. } | Phase::Holding { .. } => {
                self.phase = Phase::Idle;
                vec![Ask::Engine(PlayerCommand::Pause)]
            }
            Phase::AtHold { hold } => self.play_after_hold(project, hold, item.end),
            Phase::AtEnd => self.start_item(project, self.item).unwrap_or_default(),
            Phase::Idle | Phase::Start => {
                let here = frame.clamp(item.start, item.end);
                if here >= item.end {
                    self.start_item(project, self.item).unwrap_or_default()
                } else {
                    self.play_from(project, here)
                }
            }
        }
    }

    /// Left/Right: a frame step, leaving the item paused.
    pub(super) fn step(&mut self, frames: i32) -> Vec<Ask> {
        self.phase = Phase::Idle;
        vec![Ask::Engine(PlayerCommand::Step(frames))]
    }

    /// S: the next slow-motion step, applied to what is playing.
    pub(super) fn slower(&mut self, project: &Project) -> Vec<Ask> {
        let Some(item) = self.facts(project) else {
            return Vec::new();
        };
        self.slow = slower(self.slow);
        vec![Ask::Engine(PlayerCommand::SetRate(self.rate(&item)))]
    }

    /// F: to the item's freeze frame (or its middle), paused.
    pub(super) fn freeze(&mut self, project: &Project) -> Vec<Ask> {
        let Some(item) = self.facts(project) else {
            return Vec::new();
        };
        let frame = item
            .hold
            .map_or(item.start + (item.end - item.start) / 2, |(f, _)| f);
        self.phase = Phase::Idle;
        vec![Ask::Engine(PlayerCommand::SeekToFrame(frame))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hold, ReelItem};

    /// The sample project's reel made two items: item 0 (frames 10–20,
    /// half speed, freeze frame 15 for 2 s) and item 1 (frames 30–40).
    fn project() -> (Project, ReelId) {
        let mut p = crate::model::testing::sample_project();
        (p.moments[0].start, p.moments[0].end) = (10, 20);
        (p.moments[1].start, p.moments[1].end) = (30, 40);
        let mut first = ReelItem::for_moment(p.moments[0].id);
        first.speed_percent = 50;
        first.hold = Some(Hold {
            frame: 15,
            duration_ms: 2000,
        });
        p.reels[0].items = vec![first, ReelItem::for_moment(p.moments[1].id)];
        let reel = p.reels[0].id;
        (p, reel)
    }

    fn idle_at(frame: u32) -> Seen {
        Seen {
            idle: true,
            playing: false,
            frame,
        }
    }

    fn engine(asks: &[Ask]) -> Vec<PlayerCommand> {
        asks.iter()
            .filter_map(|a| match a {
                Ask::Engine(c) => Some(c.clone()),
                Ask::ShowClip(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_preview_plays_to_the_hold_holds_then_plays_on_to_the_next_item() {
        let (p, reel) = project();
        let mut player = ReelPlayer::preview(reel);
        let t0 = Instant::now();
        let asks = player.start_item(&p, 0).expect("item 0");
        assert_eq!(asks, vec![Ask::ShowClip(p.clips[0].id)]);
        // Nothing until the clip is open.
        let busy = Seen {
            idle: false,
            ..idle_at(0)
        };
        assert!(player.tick(&p, busy, t0).asks.is_empty());
        let tick = player.tick(&p, idle_at(0), t0);
        assert_eq!(
            engine(&tick.asks),
            vec![
                PlayerCommand::SetRate(0.5),
                PlayerCommand::PlaySpan { start: 10, end: 15 }
            ]
        );
        // On the freeze frame: a timed hold, then the rest of the item.
        let tick = player.tick(&p, idle_at(15), t0);
        assert!(tick.asks.is_empty());
        assert_eq!(tick.wake_at, Some(t0 + Duration::from_secs(2)));
        let later = t0 + Duration::from_millis(2001);
        let tick = player.tick(&p, idle_at(15), later);
        assert_eq!(
            engine(&tick.asks),
            vec![
                PlayerCommand::SetRate(0.5),
                PlayerCommand::PlaySpan { start: 16, end: 20 }
            ]
        );
        // At the item's end the next one starts, and after the last, done.
        let tick = player.tick(&p, idle_at(20), later);
        assert_eq!(tick.asks, vec![Ask::ShowClip(p.clips[0].id)]);
        assert_eq!(player.item, 1);
        let tick = player.tick(&p, idle_at(20), later);
        assert_eq!(
            engine(&tick.asks),
            vec![
                PlayerCommand::SetRate(1.0),
                PlayerCommand::PlaySpan { start: 30, end: 40 }
            ]
        );
        let tick = player.tick(&p, idle_at(40), later);
        assert!(tick.finished);
    }

    #[test]
    fn a_review_pauses_at_the_hold_until_space_and_stays_at_the_end() {
        let (p, reel) = project();
        let mut player = ReelPlayer::review(reel);
        let t0 = Instant::now();
        player.start_item(&p, 0);
        player.tick(&p, idle_at(0), t0);
        player.tick(&p, idle_at(15), t0);
        assert_eq!(player.phase(), Phase::AtHold { hold: 15 });
        // Time passing does not move on: the specialist does.
        assert!(
            player
                .tick(&p, idle_at(15), t0 + Duration::from_secs(60))
                .asks
                .is_empty()
        );
        let asks = player.play_pause(&p, 15);
        assert_eq!(
            engine(&asks),
            vec![
                PlayerCommand::SetRate(0.5),
                PlayerCommand::PlaySpan { start: 16, end: 20 }
            ]
        );
        let tick = player.tick(&p, idle_at(20), t0);
        assert!(!tick.finished);
        assert_eq!(player.phase(), Phase::AtEnd);
        assert_eq!(player.item, 0);
        // Space at the end replays the item.
        assert_eq!(
            player.play_pause(&p, 20),
            vec![Ask::ShowClip(p.clips[0].id)]
        );
        assert_eq!(player.phase(), Phase::Start);
    }

    #[test]
    fn slow_motion_multiplies_the_items_speed_and_freeze_pauses_on_the_hold() {
        let (p, reel) = project();
        let mut player = ReelPlayer::review(reel);
        player.start_item(&p, 0);
        assert_eq!(
            engine(&player.slower(&p)),
            vec![PlayerCommand::SetRate(0.25)]
        );
        assert_eq!(
            engine(&player.freeze(&p)),
            vec![PlayerCommand::SeekToFrame(15)]
        );
        assert_eq!(player.phase(), Phase::Idle);
        // Space from a paused frame plays from there to the hold.
        let asks = player.play_pause(&p, 12);
        assert_eq!(
            engine(&asks),
            vec![
                PlayerCommand::SetRate(0.25),
                PlayerCommand::PlaySpan { start: 12, end: 15 }
            ]
        );
        assert_eq!(
            engine(&player.play_pause(&p, 13)),
            vec![PlayerCommand::Pause]
        );
    }

    #[test]
    fn a_reel_that_changes_under_the_player_finishes_it() {
        let (mut p, reel) = project();
        let mut player = ReelPlayer::preview(reel);
        player.start_item(&p, 1);
        p.reels.clear();
        assert!(player.tick(&p, idle_at(0), Instant::now()).finished);
        assert!(player.start_item(&p, 0).is_none());
    }
}
