//! The engine thread: owns the clip's decoder and playback pipelines,
//! handles commands in order, and between commands does small idle work
//! (filling the frames just ahead) and steers background prefetch.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, select};

use super::backend::{
    Backend, ClipSpec, Event, Lane, PlaybackOutput, PlaybackPipeline, PrefetchQueue,
};
use super::cache::{CachedFrame, FrameCache};
use super::commands::{MAX_RATE, MIN_RATE, MUTE_BELOW_RATE, PlayerCommand};
use super::error::EngineError;
use super::prefetch::{self, PrefetchRange};
use super::present;
use super::state::{PlaybackStats, PlayerState, Shared, lock};
use super::stepper::Stepper;
use super::timeline::Timeline;
use super::worker::{DecoderSlot, ensure_decoder};

/// Backward steps up to this size count as walking backwards: a cache miss
/// then decodes the whole GOP so the next steps back are lookups.
const BACK_WALK_STEP: u32 = 10;

mod transport;

#[cfg(test)]
mod tests;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Paused,
    Playing,
    Span { end: u32 },
    Loop { start: u32, end: u32 },
}

struct Clip<P> {
    spec: ClipSpec,
    display_box: Option<(u32, u32)>,
    has_audio: bool,
    playback: Option<P>,
    playhead: u32,
    /// The frame on screen: the last one the engine presented or playback
    /// reported ([`Event::Shown`]). Becomes the playhead when playback stops.
    shown: u32,
    mode: Mode,
    scrub_target: Option<u32>,
    /// Direction of the last step (0 after a seek): what to prefetch.
    direction: i8,
    in_flight: Option<(u64, PrefetchRange)>,
    /// Ranges already fetched for the current playhead (a range the cache
    /// refused, being full of nearer frames, must not be asked for again).
    done_here: (u32, Vec<PrefetchRange>),
}

impl<P> Clip<P> {
    fn timeline(&self) -> &Timeline {
        &self.spec.timeline
    }
    fn last_frame(&self) -> u32 {
        self.timeline().frame_count().saturating_sub(1)
    }
}

pub(crate) struct Engine<B: Backend> {
    backend: Arc<B>,
    shared: Arc<Shared>,
    cache: Arc<Mutex<FrameCache>>,
    commands: Receiver<PlayerCommand>,
    pending: VecDeque<PlayerCommand>,
    events_tx: Sender<Event>,
    events: Receiver<Event>,
    /// Events taken off `events` while looking for [`Event::Shown`], to be
    /// handled in order before the next wait.
    deferred: VecDeque<Event>,
    prefetcher: Box<dyn PrefetchQueue>,
    /// The one decoder pipeline, shared with the prefetch thread.
    decoder: Arc<Mutex<DecoderSlot<B::Decoder>>>,
    clip: Option<Clip<B::Playback>>,
    rate: f64,
    next_id: u64,
    audio: bool,
}

/// Output size: `dims` scaled to fit `display_box`, aspect kept, never
/// enlarged, even (I420 chroma is subsampled 2x2).
pub(super) fn fit(dims: (u32, u32), display_box: Option<(u32, u32)>) -> (u32, u32) {
    let (w, h) = (dims.0.max(2), dims.1.max(2));
    let (bw, bh) = display_box.unwrap_or((w, h));
    let scale = (bw.max(2) as f64 / w as f64)
        .min(bh.max(2) as f64 / h as f64)
        .min(1.0);
    let even = |v: f64| ((v.round() as u32) / 2 * 2).max(2);
    (even(w as f64 * scale), even(h as f64 * scale))
}

/// Makes the background prefetch for an engine: given the decoder slot it
/// shares and where to report.
pub(crate) type MakePrefetch<'a, D> =
    &'a dyn Fn(Arc<Mutex<DecoderSlot<D>>>, Sender<Event>) -> Box<dyn PrefetchQueue>;

impl<B: Backend> Engine<B> {
    pub(super) fn new(
        backend: Arc<B>,
        shared: Arc<Shared>,
        cache: Arc<Mutex<FrameCache>>,
        commands: Receiver<PlayerCommand>,
        audio: bool,
        make_prefetch: MakePrefetch<'_, B::Decoder>,
    ) -> Self {
        let (events_tx, events) = crossbeam_channel::unbounded();
        let decoder = Arc::new(Mutex::new(DecoderSlot::default()));
        let prefetcher = make_prefetch(decoder.clone(), events_tx.clone());
        Engine {
            backend,
            shared,
            cache,
            commands,
            pending: VecDeque::new(),
            events_tx,
            events,
            deferred: VecDeque::new(),
            prefetcher,
            decoder,
            clip: None,
            rate: 1.0,
            next_id: 1,
            audio,
        }
    }

    pub(super) fn run(mut self) {
        loop {
            if let Some(cmd) = self.pending.pop_front() {
                self.handle(cmd);
                continue;
            }
            if let Some(ev) = self.deferred.pop_front() {
                self.on_event(ev);
                continue;
            }
            // Nothing to poll: background work reports through `events`.
            let wait = Duration::from_millis(500);
            select! {
                recv(self.commands) -> msg => match msg {
                    Ok(cmd) => self.handle(cmd),
                    Err(_) => break,
                },
                recv(self.events) -> ev => {
                    if let Ok(ev) = ev {
                        self.on_event(ev);
                    }
                }
                default(wait) => {}
            }
        }
        self.close();
    }

    fn handle(&mut self, cmd: PlayerCommand) {
        let result = match cmd {
            PlayerCommand::Open { path, display_size } => self.open(&path, display_size),
            PlayerCommand::Close => {
                self.close();
                Ok(())
            }
            PlayerCommand::Play => self.play(),
            PlayerCommand::Pause => {
                self.pause();
                Ok(())
            }
            PlayerCommand::SeekToFrame(n) => self.pause_then(|e| {
                e.set_direction(0);
                e.goto(n, false)
            }),
            PlayerCommand::Step(d) => self.pause_then(|e| {
                let p = e.clip.as_ref().map_or(0, |c| c.playhead) as i64;
                e.set_direction(d.signum() as i8);
                e.goto(
                    (p + d as i64).max(0).min(u32::MAX as i64) as u32,
                    // A short step back: the user is walking backwards.
                    (-(BACK_WALK_STEP as i64)..0).contains(&(d as i64)),
                )
            }),
            PlayerCommand::Scrub(n) => {
                let mut target = n;
                // Coalesce a burst of drag positions into the newest one.
                while let Ok(next) = self.commands.try_recv() {
                    match next {
                        PlayerCommand::Scrub(m) => {
                            target = m;
                            // Each command is counted as done exactly once,
                            // or callers waiting on the count never see idle.
                            self.shared.update(|s| s.commands_done += 1);
                        }
                        other => {
                            self.pending.push_back(other);
                            break;
                        }
                    }
                }
                self.pause_then(|e| e.scrub(target))
            }
            PlayerCommand::ScrubEnd => {
                let target = self.clip.as_mut().and_then(|c| c.scrub_target.take());
                match target {
                    Some(t) => self.goto(t, false),
                    None => Ok(()),
                }
            }
            PlayerCommand::SetRate(r) => self.set_rate(r),
            PlayerCommand::PlaySpan { start, end } => self.play_span(start, end, false),
            PlayerCommand::LoopSpan { start, end } => self.play_span(start, end, true),
            PlayerCommand::SetDisplaySize(size) => self.set_display_size(size),
        };
        if let Err(e) = result {
            self.shared.update(|s| s.error = Some(e.to_string()));
        }
        self.shared.update(|s| s.commands_done += 1);
        self.shared.repaint();
    }

    fn pause_then(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        self.pause();
        f(self)
    }

    fn open(&mut self, path: &Path, display_box: Option<(u32, u32)>) -> Result<(), EngineError> {
        self.close();
        self.shared.update(|s| {
            s.loading = true;
            s.error = None;
            s.path = Some(path.to_path_buf());
        });
        let result = self.open_inner(path, display_box);
        self.shared.update(|s| s.loading = false);
        if result.is_err() {
            self.shared.update(|s| s.path = None);
        }
        result
    }

    fn open_inner(
        &mut self,
        path: &Path,
        display_box: Option<(u32, u32)>,
    ) -> Result<(), EngineError> {
        let index = self.backend.index(path)?;
        let (width, height) = fit(index.display_dims(), display_box);
        let id = self.next_id;
        self.next_id += 1;
        let mut spec = ClipSpec {
            id,
            path: path.to_path_buf(),
            width,
            height,
            rotation: index.rotation,
            timeline: Arc::new(index.timeline),
        };
        let (fg, first, timeline) = self.backend.open_decoder(&spec, true)?;
        spec.timeline = timeline.clone();
        let cache_generation = {
            let mut cache = lock(&self.cache);
            cache.clear();
            cache.set_playhead(first.frame);
            cache.generation()
        };
        let mut stepper = Stepper::for_generation(cache_generation);
        // The decoder will hand out the frame after the first one next.
        let first = Arc::new(first);
        lock(&self.cache).insert(first.clone());
        stepper.set_next(first.frame + 1);
        *lock(&self.decoder) = DecoderSlot {
            clip_id: id,
            decoder: Some(fg),
            stepper,
        };
        self.shared.update(|s| {
            s.frame_count = timeline.frame_count();
            s.duration_ns = timeline.duration_ns();
            s.fps_num = timeline.fps_num;
            s.fps_den = timeline.fps_den;
            s.width = width;
            s.height = height;
            s.has_audio = index.has_audio;
            s.playing = false;
            s.span = None;
            s.looping = false;
            s.rate = self.rate;
        });
        *lock(&self.shared.stats) = PlaybackStats::default();
        self.clip = Some(Clip {
            spec,
            display_box,
            has_audio: index.has_audio,
            playback: None,
            playhead: first.frame,
            shown: first.frame,
            mode: Mode::Paused,
            scrub_target: None,
            direction: 0,
            in_flight: None,
            done_here: (0, Vec::new()),
        });
        self.present(&first);
        self.steer_prefetch();
        Ok(())
    }

    fn close(&mut self) {
        self.prefetcher.cancel();
        *lock(&self.decoder) = DecoderSlot::default();
        self.clip = None;
        lock(&self.cache).clear();
        *lock(&self.shared.slot) = None;
        let done = lock(&self.shared.state).commands_done;
        let rate = self.rate;
        self.shared.update(|s| {
            *s = PlayerState {
                commands_done: done,
                rate,
                ..PlayerState::default()
            }
        });
    }

    fn present(&mut self, frame: &CachedFrame) {
        if self.clip.as_ref().is_some_and(|c| c.mode != Mode::Paused) {
            // Playback may still be showing frames (a scrub ending while it
            // runs): take its reports first, so an older one cannot later
            // overwrite this frame as the one on screen.
            self.take_shown();
        }
        present::show(&self.shared, frame);
        if let Some(c) = self.clip.as_mut() {
            c.playhead = frame.frame;
            c.shown = frame.frame;
        }
    }

    /// Takes the [`Event::Shown`] reports already queued (the newest is the
    /// frame on screen); other events are kept, in order, for the loop.
    fn take_shown(&mut self) {
        while let Ok(ev) = self.events.try_recv() {
            match ev {
                Event::Shown { clip, frame } => self.note_shown(clip, frame),
                other => self.deferred.push_back(other),
            }
        }
    }

    /// Playback of `clip` showed `frame`; stale clips' reports are ignored.
    fn note_shown(&mut self, clip: u64, frame: u32) {
        if let Some(c) = self.clip.as_mut()
            && c.spec.id == clip
        {
            c.shown = frame;
        }
    }

    /// Shows exactly `target` (clamped to the clip), paused.
    fn goto(&mut self, target: u32, walking_back: bool) -> Result<(), EngineError> {
        let Some(c) = self.clip.as_mut() else {
            return Err(EngineError::NotOpen);
        };
        let target = target.min(c.last_frame());
        let hit = {
            let mut cache = lock(&self.cache);
            cache.set_playhead(target);
            cache.contains(target)
        };
        if !hit && c.in_flight.is_some() {
            // Two decoders on two cores: let the one the user waits for run alone.
            self.prefetcher.cancel();
            c.in_flight = None;
        }
        let tl = c.spec.timeline.clone();
        // Bound first: a guard in the match scrutinee would be held while
        // waiting for the decoder, which the prefetch thread holds while
        // it waits for the cache.
        let cached = lock(&self.cache).get(target);
        let frame = match cached {
            Some(f) => f,
            None => {
                // The prefetch thread was cancelled above; it lets go of the
                // decoder after at most the frame it is on.
                let asked = std::time::Instant::now();
                let mut slot = lock(&self.decoder);
                let waited = asked.elapsed();
                let DecoderSlot {
                    decoder, stepper, ..
                } = &mut *slot;
                let from = stepper.next_decoded();
                let dec = ensure_decoder(&*self.backend, decoder, stepper, &c.spec)?;
                let f = stepper
                    .frame_at(dec, &self.cache, &tl, target, walking_back)
                    .map_err(|e| with_path(e, &c.spec.path))?;
                // Where a slow step or seek spends its time (durations and
                // frame numbers only).
                log::debug!(
                    "miss {target}: decoder free after {} ms, at {from:?}, key {}, frame in {} ms",
                    waited.as_millis(),
                    tl.keyframe_at_or_before(target),
                    asked.elapsed().as_millis()
                );
                f
            }
        };
        self.present(&frame);
        self.steer_prefetch();
        Ok(())
    }

    /// During a drag: a cached frame if there is one, else the keyframe at
    /// or before it (a keyframe decodes alone, so this is the fast path).
    fn scrub(&mut self, target: u32) -> Result<(), EngineError> {
        let Some(c) = self.clip.as_mut() else {
            return Err(EngineError::NotOpen);
        };
        let target = target.min(c.last_frame());
        c.scrub_target = Some(target);
        let shown = if lock(&self.cache).contains(target) {
            target
        } else {
            c.timeline().keyframe_at_or_before(target)
        };
        self.goto(shown, false)?;
        if let Some(c) = self.clip.as_mut() {
            c.scrub_target = Some(target);
        }
        Ok(())
    }

    fn set_display_size(&mut self, size: Option<(u32, u32)>) -> Result<(), EngineError> {
        let Some(c) = self.clip.as_ref() else {
            return Ok(());
        };
        if c.display_box == size {
            return Ok(());
        }
        let (path, at) = (c.spec.path.clone(), c.playhead);
        self.open(&path, size)?;
        self.goto(at, false)
    }

    /// Records the stepping direction; on a reversal the fill in flight
    /// (for the other direction) is cancelled so the decoder serves this one.
    fn set_direction(&mut self, dir: i8) {
        let Some(c) = self.clip.as_mut() else {
            return;
        };
        if dir != c.direction && c.in_flight.is_some() {
            self.prefetcher.cancel();
            c.in_flight = None;
        }
        c.direction = dir;
    }

    /// Hands the next useful range to the background decoder: the frames
    /// just ahead first (cheap, the decoder is usually right there), then
    /// the run behind the playhead. A fill in flight is left to finish; a
    /// cache miss cancels it instead (see `goto`).
    fn steer_prefetch(&mut self) {
        let Some(c) = self.clip.as_mut() else {
            return;
        };
        if c.mode != Mode::Paused || c.in_flight.is_some() {
            return;
        }
        let frame_bytes =
            CachedFrame::i420_len(c.spec.width, c.spec.height) + std::mem::size_of::<CachedFrame>();
        let want = {
            let cache = lock(&self.cache);
            let (tl, p) = (&c.spec.timeline, c.playhead);
            let ahead = |r: PrefetchRange| (r, Lane::Ahead);
            let forward = || prefetch::forward_request(tl, &cache, p).map(ahead);
            let backward = || {
                prefetch::backward_request(tl, &cache, p, frame_bytes).map(|r| (r, Lane::Behind))
            };
            let warm = || prefetch::forward_warm_request(tl, &cache, p).map(ahead);
            match c.direction {
                // Walking forward: only the frames ahead matter.
                1 => forward(),
                // Walking back: the run behind, then a little ahead.
                -1 => backward().or_else(forward),
                // Just arrived: a little ahead, a little more ahead so a held
                // key finds the decoder in front, then the run behind.
                _ => forward().or_else(warm).or_else(backward),
            }
        };
        let Some((range, lane)) = want else {
            return;
        };
        // The same range right after it was done: the cache refused it
        // (full of nearer frames); asking again would loop.
        if c.done_here.0 == c.playhead && c.done_here.1.contains(&range) {
            return;
        }
        let epoch = self.prefetcher.request(c.spec.clone(), range, lane);
        c.in_flight = Some((epoch, range));
    }
}

fn with_path(e: EngineError, path: &Path) -> EngineError {
    match e {
        EngineError::FrameUnavailable { frame } => EngineError::Pipeline {
            path: path.to_path_buf(),
            reason: format!("frame {frame} could not be decoded"),
        },
        other => other,
    }
}
