//! The engine driven by hand: a fake backend (decoder, playback,
//! prefetcher) that records what it is asked, and the rig the tests use.

use super::*;

pub(super) const FRAMES: u32 = 300;
pub(super) const GOP: u32 = 60;
pub(super) const SIZE: u32 = 8;

/// One thing the engine asked of the playback pipeline or the prefetcher.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Call {
    OpenPlayback,
    Start {
        from: u32,
        to: Option<u32>,
        rate: f64,
        looping: bool,
    },
    RestartLoop {
        from: u32,
        to: u32,
        rate: f64,
    },
    Pause,
    Prefetch(u64, PrefetchRange),
    CancelPrefetch,
}

#[derive(Default)]
pub(super) struct Log {
    pub(super) calls: Vec<Call>,
    /// The lane each prefetch epoch was asked through.
    pub(super) lanes: Vec<(u64, Lane)>,
    pub(super) seeks: Vec<u32>,
    pub(super) decoders_opened: u32,
}

pub(super) type SharedLog = Arc<Mutex<Log>>;

pub(super) fn log_of(log: &SharedLog) -> std::sync::MutexGuard<'_, Log> {
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(super) fn frame(i: u32, width: u32, height: u32) -> CachedFrame {
    CachedFrame {
        frame: i,
        pts_ns: i as u64 * 33_333_333,
        width,
        height,
        bt709: false,
        full_range: false,
        i420: vec![(i % 251) as u8; CachedFrame::i420_len(width, height)],
    }
}

/// Decodes like a real decoder: a seek restarts at the keyframe and frames
/// before the target are decoded but not returned.
pub(super) struct FakeDecoder {
    pub(super) tl: Arc<Timeline>,
    pub(super) size: (u32, u32),
    pub(super) pos: u32,
    pub(super) skip_to: u32,
    pub(super) log: SharedLog,
}

impl FrameDecoder for FakeDecoder {
    fn seek(&mut self, f: u32) -> Result<(), EngineError> {
        log_of(&self.log).seeks.push(f);
        self.pos = self.tl.keyframe_at_or_before(f);
        self.skip_to = f;
        Ok(())
    }

    fn next_frame(&mut self) -> Result<Option<CachedFrame>, EngineError> {
        self.pos = self.pos.max(self.skip_to);
        if self.pos >= self.tl.frame_count() {
            return Ok(None);
        }
        self.pos += 1;
        Ok(Some(frame(self.pos - 1, self.size.0, self.size.1)))
    }
}

/// Presents frames when the test says so ([`FakePlayback::present`]), the
/// way the GStreamer appsink callback does.
pub(super) struct FakePlayback {
    pub(super) log: SharedLog,
    pub(super) clip: u64,
    pub(super) output: PlaybackOutput,
}

impl FakePlayback {
    /// Caches, publishes and reports frame `i`, like the appsink callback.
    pub(super) fn present(&self, i: u32) {
        let PlaybackOutput {
            shared,
            cache,
            events,
        } = &self.output;
        present::show_playing(shared, cache, frame(i, SIZE, SIZE), false);
        events
            .send(Event::Shown {
                clip: self.clip,
                frame: i,
            })
            .expect("the engine holds the receiver");
    }
}

impl PlaybackPipeline for FakePlayback {
    fn start(
        &self,
        from: u32,
        to: Option<u32>,
        rate: f64,
        looping: bool,
    ) -> Result<(), EngineError> {
        log_of(&self.log).calls.push(Call::Start {
            from,
            to,
            rate,
            looping,
        });
        Ok(())
    }

    fn restart_loop(&self, from: u32, to: u32, rate: f64) -> Result<(), EngineError> {
        log_of(&self.log)
            .calls
            .push(Call::RestartLoop { from, to, rate });
        Ok(())
    }

    fn pause(&self) {
        log_of(&self.log).calls.push(Call::Pause);
    }
}

/// Files named `missing…` do not exist, `text…` are not media; any other
/// name is a 300-frame, 30 fps clip with a keyframe every 60 frames.
pub(super) struct FakeBackend {
    pub(super) log: SharedLog,
}

impl Backend for FakeBackend {
    type Decoder = FakeDecoder;
    type Playback = FakePlayback;

    fn index(&self, path: &Path) -> Result<ClipIndex, EngineError> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("missing") {
            return Err(EngineError::NotFound {
                path: path.to_path_buf(),
            });
        }
        if name.starts_with("text") {
            return Err(EngineError::NotMedia {
                path: path.to_path_buf(),
                reason: "no video stream".into(),
            });
        }
        Ok(ClipIndex {
            timeline: Timeline::constant(FRAMES, 30, 1, GOP),
            width: SIZE,
            height: SIZE,
            rotation: 0,
            has_audio: true,
        })
    }

    fn open_decoder(
        &self,
        spec: &ClipSpec,
        _calibrate: bool,
    ) -> Result<(FakeDecoder, CachedFrame, Arc<Timeline>), EngineError> {
        log_of(&self.log).decoders_opened += 1;
        let mut dec = FakeDecoder {
            tl: spec.timeline.clone(),
            size: (spec.width, spec.height),
            pos: 0,
            skip_to: 0,
            log: self.log.clone(),
        };
        let first = dec.next_frame()?.ok_or(EngineError::NotOpen)?;
        Ok((dec, first, spec.timeline.clone()))
    }

    fn open_playback(
        &self,
        spec: &ClipSpec,
        _audio: bool,
        output: PlaybackOutput,
    ) -> Result<FakePlayback, EngineError> {
        log_of(&self.log).calls.push(Call::OpenPlayback);
        Ok(FakePlayback {
            log: self.log.clone(),
            clip: spec.id,
            output,
        })
    }
}

/// Records requests; the test runs them (see [`complete_prefetch`]).
pub(super) struct FakePrefetch {
    pub(super) log: SharedLog,
    pub(super) epoch: std::sync::atomic::AtomicU64,
}

impl PrefetchQueue for FakePrefetch {
    fn request(&self, _clip: ClipSpec, range: PrefetchRange, lane: Lane) -> u64 {
        let epoch = self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel) + 1;
        log_of(&self.log).calls.push(Call::Prefetch(epoch, range));
        log_of(&self.log).lanes.push((epoch, lane));
        epoch
    }

    fn cancel(&self) {
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        log_of(&self.log).calls.push(Call::CancelPrefetch);
    }

    fn release(&self) {}
}

pub(super) struct Rig {
    pub(super) engine: Engine<FakeBackend>,
    pub(super) commands: Sender<PlayerCommand>,
    pub(super) log: SharedLog,
    /// The worker's own decoder for the run behind the playhead.
    pub(super) behind: DecoderSlot<FakeDecoder>,
}

pub(super) fn rig_with_cache(cache_frames: usize) -> Rig {
    let log = SharedLog::default();
    let (commands, rx) = crossbeam_channel::unbounded();
    let budget = frame(0, SIZE, SIZE).bytes() * cache_frames;
    let prefetch_log = log.clone();
    let engine = Engine::new(
        Arc::new(FakeBackend { log: log.clone() }),
        Arc::new(Shared::default()),
        Arc::new(Mutex::new(FrameCache::new(budget))),
        rx,
        true,
        &move |_, _| {
            Box::new(FakePrefetch {
                log: prefetch_log.clone(),
                epoch: Default::default(),
            })
        },
    );
    Rig {
        engine,
        commands,
        log,
        behind: DecoderSlot::default(),
    }
}

pub(super) fn rig() -> Rig {
    rig_with_cache(1000)
}

pub(super) fn opened() -> Rig {
    let mut r = rig();
    r.run(PlayerCommand::Open {
        path: PathBuf::from("clip.mp4"),
        display_size: None,
    });
    r
}

impl Rig {
    pub(super) fn run(&mut self, cmd: PlayerCommand) {
        self.engine.handle(cmd);
    }

    pub(super) fn state(&self) -> PlayerState {
        lock(&self.engine.shared.state).clone()
    }

    pub(super) fn shown(&self) -> u32 {
        let slot = lock(&self.engine.shared.slot).clone();
        let f = slot.map(|f| f.frame);
        assert_eq!(f, Some(self.state().frame), "slot and state agree");
        self.state().frame
    }

    pub(super) fn clip_id(&self) -> u64 {
        self.engine.clip.as_ref().map_or(0, |c| c.spec.id)
    }

    pub(super) fn calls(&self) -> Vec<Call> {
        log_of(&self.log).calls.clone()
    }

    pub(super) fn seeks(&self) -> Vec<u32> {
        log_of(&self.log).seeks.clone()
    }

    pub(super) fn prefetches(&self) -> Vec<(u64, PrefetchRange)> {
        self.calls()
            .into_iter()
            .filter_map(|c| match c {
                Call::Prefetch(e, r) => Some((e, r)),
                _ => None,
            })
            .collect()
    }

    /// What playback started, looped or paused since `from` calls.
    pub(super) fn playback_calls_since(&self, from: usize) -> Vec<Call> {
        self.calls()[from..]
            .iter()
            .filter(|c| !matches!(c, Call::Prefetch(..) | Call::CancelPrefetch))
            .cloned()
            .collect()
    }

    /// Runs the newest prefetch request the way the worker thread would and
    /// reports it done. Returns the range, or None when none is pending.
    pub(super) fn complete_prefetch(&mut self) -> Option<PrefetchRange> {
        let (epoch, range) = *self.prefetches().last()?;
        let (epoch_now, in_flight) = {
            let c = self.engine.clip.as_ref()?;
            (c.in_flight.map(|f| f.0), c.in_flight.is_some())
        };
        if !in_flight || epoch_now != Some(epoch) {
            return None;
        }
        let spec = self.engine.clip.as_ref()?.spec.clone();
        let lane = log_of(&self.log)
            .lanes
            .iter()
            .find(|l| l.0 == epoch)
            .map(|l| l.1);
        {
            let mut shared = lock(&self.engine.decoder);
            let slot = match lane {
                Some(Lane::Behind) => &mut self.behind,
                _ => &mut *shared,
            };
            let DecoderSlot {
                decoder, stepper, ..
            } = slot;
            let dec = ensure_decoder(&*self.engine.backend, decoder, stepper, &spec).ok()?;
            stepper
                .fill(
                    dec,
                    &self.engine.cache,
                    &spec.timeline,
                    range.start,
                    range.end,
                    &|| false,
                )
                .ok()?;
        }
        self.engine.on_event(Event::PrefetchDone(epoch));
        Some(range)
    }

    /// Playback presenting `frames` as the GStreamer callback would.
    pub(super) fn play_frames(&self, frames: impl IntoIterator<Item = u32>) {
        let playback = self.engine.clip.as_ref().and_then(|c| c.playback.as_ref());
        let playback = playback.expect("frames are presented while playing");
        for i in frames {
            playback.present(i);
        }
    }

    pub(super) fn cached(&self, f: u32) -> bool {
        lock(&self.engine.cache).contains(f)
    }
}
