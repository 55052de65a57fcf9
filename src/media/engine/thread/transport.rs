//! Transport: real-time playback, spans, loops, rate, and the events the
//! playback pipeline sends back. Part of the engine thread (`super`).

use super::*;

impl<B: Backend> Engine<B> {
    pub(super) fn ensure_playback(&mut self) -> Result<(), EngineError> {
        let audio = self.audio;
        let Some(c) = self.clip.as_mut() else {
            return Err(EngineError::NotOpen);
        };
        if c.playback.is_none() {
            c.playback = Some(self.backend.open_playback(
                &c.spec,
                audio && c.has_audio,
                PlaybackOutput {
                    shared: self.shared.clone(),
                    cache: self.cache.clone(),
                    events: self.events_tx.clone(),
                },
            )?);
        }
        Ok(())
    }

    pub(super) fn play(&mut self) -> Result<(), EngineError> {
        let Some(c) = self.clip.as_ref() else {
            return Err(EngineError::NotOpen);
        };
        let from = if c.playhead >= c.last_frame() {
            0
        } else {
            c.playhead
        };
        self.start_playback(from, None, Mode::Playing)
    }

    pub(super) fn play_span(
        &mut self,
        start: u32,
        end: u32,
        looping: bool,
    ) -> Result<(), EngineError> {
        let Some(c) = self.clip.as_ref() else {
            return Err(EngineError::NotOpen);
        };
        let last = c.last_frame();
        let (a, b) = (start.min(end).min(last), start.max(end).min(last));
        let mode = if looping {
            Mode::Loop { start: a, end: b }
        } else {
            Mode::Span { end: b }
        };
        self.start_playback(a, Some(b), mode)
    }

    pub(super) fn start_playback(
        &mut self,
        from: u32,
        to: Option<u32>,
        mode: Mode,
    ) -> Result<(), EngineError> {
        self.pause();
        self.prefetcher.cancel();
        // Playback decodes in its own pipeline; a second idle 1080p decoder
        // would hold ~200 MB for nothing. Reopened on the first miss after.
        lock(&self.decoder).decoder = None;
        self.prefetcher.release();
        self.ensure_playback()?;
        let rate = self.rate;
        let Some(c) = self.clip.as_mut() else {
            return Err(EngineError::NotOpen);
        };
        c.in_flight = None;
        {
            let mut stats = lock(&self.shared.stats);
            stats.last_frame = None;
        }
        if let Some(pb) = c.playback.as_ref() {
            pb.start(from, to, rate, matches!(mode, Mode::Loop { .. }))?;
        }
        c.mode = mode;
        self.shared.update(|s| {
            s.playing = true;
            s.span = to.map(|t| (from, t));
            s.looping = matches!(mode, Mode::Loop { .. });
        });
        Ok(())
    }

    /// Stops playback where it is; the frame on screen becomes the playhead.
    pub(super) fn pause(&mut self) {
        let Some(c) = self.clip.as_mut() else {
            return;
        };
        if c.mode == Mode::Paused {
            return;
        }
        if let Some(pb) = c.playback.as_ref() {
            pb.pause();
        }
        // Every frame playback showed has been reported by now.
        self.take_shown();
        let Some(c) = self.clip.as_mut() else {
            return;
        };
        c.mode = Mode::Paused;
        let shown = c.shown;
        c.playhead = shown;
        lock(&self.cache).set_playhead(shown);
        self.shared.update(|s| {
            s.playing = false;
            s.span = None;
            s.looping = false;
        });
        self.steer_prefetch();
    }

    pub(super) fn set_rate(&mut self, rate: f64) -> Result<(), EngineError> {
        let rate = if rate.is_finite() {
            rate.clamp(MIN_RATE, MAX_RATE)
        } else {
            1.0
        };
        self.rate = rate;
        self.shared.update(|s| {
            s.rate = rate;
            s.audio_muted = rate < MUTE_BELOW_RATE;
        });
        if self.clip.as_ref().is_some_and(|c| c.mode != Mode::Paused) {
            self.take_shown();
        }
        let Some(c) = self.clip.as_ref() else {
            return Ok(());
        };
        match c.mode {
            Mode::Paused => Ok(()),
            mode => {
                let shown = c.shown;
                let (from, to) = match mode {
                    Mode::Span { end } => (shown, Some(end)),
                    Mode::Loop { end, .. } => (shown, Some(end)),
                    _ => (shown, None),
                };
                if let Some(pb) = c.playback.as_ref() {
                    pb.start(from, to, rate, matches!(mode, Mode::Loop { .. }))?;
                }
                Ok(())
            }
        }
    }

    pub(super) fn on_event(&mut self, ev: Event) {
        let current = self.clip.as_ref().map(|c| c.spec.id);
        match ev {
            Event::Shown { clip, frame } => {
                // Playback asked for the repaint when it published the frame.
                self.note_shown(clip, frame);
                return;
            }
            Event::Eos(id) if Some(id) == current => {
                let end = self.clip.as_ref().map(|c| match c.mode {
                    Mode::Span { end } => end,
                    _ => c.last_frame(),
                });
                self.pause();
                // Land exactly on the last frame even if the sink skipped it.
                if let Some(end) = end
                    && let Err(e) = self.goto(end, false)
                {
                    self.shared.update(|s| s.error = Some(e.to_string()));
                }
            }
            Event::SegmentDone(id) if Some(id) == current => {
                let rate = self.rate;
                if let Some(c) = self.clip.as_ref()
                    && let (Mode::Loop { start, end }, Some(pb)) = (c.mode, c.playback.as_ref())
                    && let Err(e) = pb.restart_loop(start, end, rate)
                {
                    self.shared.update(|s| s.error = Some(e.to_string()));
                }
            }
            Event::Failed(id, err) if Some(id) == current => {
                self.pause();
                if let Some(c) = self.clip.as_mut() {
                    c.playback = None;
                }
                self.shared.update(|s| s.error = Some(err.to_string()));
            }
            Event::PrefetchDone(epoch) => {
                if let Some(c) = self.clip.as_mut()
                    && let Some((e, range)) = c.in_flight
                    && e == epoch
                {
                    c.in_flight = None;
                    if c.done_here.0 != c.playhead {
                        c.done_here = (c.playhead, Vec::new());
                    }
                    c.done_here.1.push(range);
                }
                self.steer_prefetch();
            }
            _ => {}
        }
        self.shared.repaint();
    }
}
