//! The engine's command state machine without GStreamer: a fake backend
//! (decoder, playback pipeline, prefetch queue) that records what the
//! engine asks of it, and a test thread that hands the engine its commands
//! and events one at a time. No threads, no sleeps.

use std::path::{Path, PathBuf};

use super::*;
use crate::media::engine::index::ClipIndex;
use crate::media::engine::stepper::FrameDecoder;

const FRAMES: u32 = 300;
const GOP: u32 = 60;
const SIZE: u32 = 8;

/// One thing the engine asked of the playback pipeline or the prefetcher.
#[derive(Debug, Clone, PartialEq)]
enum Call {
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
struct Log {
    calls: Vec<Call>,
    /// The lane each prefetch epoch was asked through.
    lanes: Vec<(u64, Lane)>,
    seeks: Vec<u32>,
    decoders_opened: u32,
}

type SharedLog = Arc<Mutex<Log>>;

fn log_of(log: &SharedLog) -> std::sync::MutexGuard<'_, Log> {
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn frame(i: u32, width: u32, height: u32) -> CachedFrame {
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
struct FakeDecoder {
    tl: Arc<Timeline>,
    size: (u32, u32),
    pos: u32,
    skip_to: u32,
    log: SharedLog,
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
struct FakePlayback {
    log: SharedLog,
    clip: u64,
    output: PlaybackOutput,
}

impl FakePlayback {
    /// Caches, publishes and reports frame `i`, like the appsink callback.
    fn present(&self, i: u32) {
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
struct FakeBackend {
    log: SharedLog,
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
struct FakePrefetch {
    log: SharedLog,
    epoch: std::sync::atomic::AtomicU64,
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

struct Rig {
    engine: Engine<FakeBackend>,
    commands: Sender<PlayerCommand>,
    log: SharedLog,
    /// The worker's own decoder for the run behind the playhead.
    behind: DecoderSlot<FakeDecoder>,
}

fn rig_with_cache(cache_frames: usize) -> Rig {
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

fn rig() -> Rig {
    rig_with_cache(1000)
}

fn opened() -> Rig {
    let mut r = rig();
    r.run(PlayerCommand::Open {
        path: PathBuf::from("clip.mp4"),
        display_size: None,
    });
    r
}

impl Rig {
    fn run(&mut self, cmd: PlayerCommand) {
        self.engine.handle(cmd);
    }

    fn state(&self) -> PlayerState {
        lock(&self.engine.shared.state).clone()
    }

    fn shown(&self) -> u32 {
        let slot = lock(&self.engine.shared.slot).clone();
        let f = slot.map(|f| f.frame);
        assert_eq!(f, Some(self.state().frame), "slot and state agree");
        self.state().frame
    }

    fn clip_id(&self) -> u64 {
        self.engine.clip.as_ref().map_or(0, |c| c.spec.id)
    }

    fn calls(&self) -> Vec<Call> {
        log_of(&self.log).calls.clone()
    }

    fn seeks(&self) -> Vec<u32> {
        log_of(&self.log).seeks.clone()
    }

    fn prefetches(&self) -> Vec<(u64, PrefetchRange)> {
        self.calls()
            .into_iter()
            .filter_map(|c| match c {
                Call::Prefetch(e, r) => Some((e, r)),
                _ => None,
            })
            .collect()
    }

    /// What playback started, looped or paused since `from` calls.
    fn playback_calls_since(&self, from: usize) -> Vec<Call> {
        self.calls()[from..]
            .iter()
            .filter(|c| !matches!(c, Call::Prefetch(..) | Call::CancelPrefetch))
            .cloned()
            .collect()
    }

    /// Runs the newest prefetch request the way the worker thread would and
    /// reports it done. Returns the range, or None when none is pending.
    fn complete_prefetch(&mut self) -> Option<PrefetchRange> {
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
    fn play_frames(&self, frames: impl IntoIterator<Item = u32>) {
        let playback = self.engine.clip.as_ref().and_then(|c| c.playback.as_ref());
        let playback = playback.expect("frames are presented while playing");
        for i in frames {
            playback.present(i);
        }
    }

    fn cached(&self, f: u32) -> bool {
        lock(&self.engine.cache).contains(f)
    }
}

#[test]
fn open_shows_the_first_frame_and_asks_for_the_frames_ahead() {
    let r = opened();
    let s = r.state();
    assert_eq!(
        (r.shown(), s.frame_count, s.width, s.height),
        (0, FRAMES, 8, 8)
    );
    assert!(!s.loading && !s.playing && s.error.is_none());
    assert_eq!(s.path.as_deref(), Some(Path::new("clip.mp4")));
    assert_eq!(s.commands_done, 1);
    assert_eq!(
        r.prefetches().last().map(|p| p.1),
        Some(PrefetchRange { start: 1, end: 8 })
    );
}

#[test]
fn a_bad_file_leaves_an_error_naming_it_and_the_next_file_opens() {
    let mut r = rig();
    r.run(PlayerCommand::Open {
        path: PathBuf::from("missing.mp4"),
        display_size: None,
    });
    let s = r.state();
    let error = s.error.unwrap_or_default();
    assert!(error.contains("missing.mp4"), "{error}");
    assert!(s.path.is_none() && !s.loading);
    r.run(PlayerCommand::Open {
        path: PathBuf::from("text.mp4"),
        display_size: None,
    });
    assert!(r.state().error.unwrap_or_default().contains("text.mp4"));
    // A command on no clip is an error too, not a panic.
    r.run(PlayerCommand::Step(1));
    assert!(r.state().error.is_some());
    r.run(PlayerCommand::Open {
        path: PathBuf::from("clip.mp4"),
        display_size: None,
    });
    let s = r.state();
    assert!(s.error.is_none(), "{:?}", s.error);
    assert_eq!((r.shown(), s.frame_count, s.commands_done), (0, FRAMES, 4));
}

#[test]
fn a_seek_lands_exactly_and_a_miss_cancels_the_prefetch_in_flight() {
    let mut r = opened();
    assert!(
        r.engine
            .clip
            .as_ref()
            .is_some_and(|c| c.in_flight.is_some())
    );
    r.run(PlayerCommand::SeekToFrame(200));
    assert_eq!(r.shown(), 200);
    assert_eq!(r.seeks(), vec![200]);
    let calls = r.calls();
    let cancel = calls.iter().position(|c| *c == Call::CancelPrefetch);
    assert!(cancel.is_some(), "{calls:?}");
    // Past the end clamps to the last frame.
    r.run(PlayerCommand::SeekToFrame(10_000));
    assert_eq!(r.shown(), FRAMES - 1);
    assert_eq!(r.state().commands_done, 3);
}

#[test]
fn forward_steps_after_the_prefetch_are_cache_hits() {
    let mut r = opened();
    assert_eq!(
        r.complete_prefetch(),
        Some(PrefetchRange { start: 1, end: 8 })
    );
    for i in 1..=8 {
        r.run(PlayerCommand::Step(1));
        assert_eq!(r.shown(), i);
    }
    assert!(r.seeks().is_empty(), "{:?}", r.seeks());
    // Stepping before the first frame stays on it.
    r.run(PlayerCommand::SeekToFrame(0));
    r.run(PlayerCommand::Step(-5));
    assert_eq!(r.shown(), 0);
}

#[test]
fn after_arriving_the_positioning_decoder_waits_in_front_of_the_playhead() {
    let mut r = opened();
    r.run(PlayerCommand::SeekToFrame(150));
    let mut fills = Vec::new();
    while let Some(range) = r.complete_prefetch() {
        fills.push(range);
    }
    let ahead = |start, end| PrefetchRange { start, end };
    assert_eq!(
        fills,
        vec![ahead(151, 158), ahead(159, 166), ahead(120, 149)],
        "a little ahead, more ahead, then the run behind"
    );
    let lanes: Vec<Lane> = log_of(&r.log)
        .lanes
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(|l| l.1)
        .collect();
    assert_eq!(lanes, vec![Lane::Ahead, Lane::Ahead, Lane::Behind]);
    // The run behind was filled by the worker's own decoder: the engine's
    // is still in front, so a held key decodes on from there, no seek.
    assert_eq!(lock(&r.engine.decoder).stepper.next_decoded(), Some(167));
    let seeks = r.seeks().len();
    for i in 151..=170 {
        r.run(PlayerCommand::Step(1));
        assert_eq!(r.shown(), i);
    }
    assert_eq!(r.seeks().len(), seeks, "{:?}", r.seeks());
    // And the run behind is there for back steps.
    assert!((120..=149).all(|f| r.cached(f)));
}

#[test]
fn walking_back_decodes_the_gop_once_then_prefetches_the_one_before() {
    let mut r = opened();
    r.run(PlayerCommand::SeekToFrame(130));
    r.run(PlayerCommand::Step(-1));
    assert_eq!(r.shown(), 129);
    // The miss decoded from the keyframe, keeping every frame.
    assert_eq!(r.seeks(), vec![130, 120]);
    assert!((120..=130).all(|f| r.cached(f)));
    for expected in (120..129).rev() {
        r.run(PlayerCommand::Step(-1));
        assert_eq!(r.shown(), expected);
    }
    assert_eq!(
        r.seeks(),
        vec![130, 120],
        "steps inside the GOP decode nothing"
    );
    // Near the run's start the previous GOP is asked for.
    let last = r.prefetches().last().map(|p| p.1);
    assert_eq!(
        last,
        Some(PrefetchRange {
            start: 60,
            end: 119
        })
    );
    assert!(r.complete_prefetch().is_some());
    r.run(PlayerCommand::Step(-1));
    assert_eq!(r.shown(), 119);
    assert_eq!(r.seeks().len(), 3, "only the prefetch's own seek");
}

#[test]
fn play_releases_the_stepping_decoder_and_pause_keeps_the_frame_shown() {
    let mut r = opened();
    let mark = r.calls().len();
    r.run(PlayerCommand::Play);
    assert_eq!(
        r.playback_calls_since(mark),
        vec![
            Call::OpenPlayback,
            Call::Start {
                from: 0,
                to: None,
                rate: 1.0,
                looping: false
            }
        ]
    );
    assert!(lock(&r.engine.decoder).decoder.is_none());
    assert!(r.state().playing);
    r.play_frames(1..=10);
    assert_eq!(r.shown(), 10);
    let mark = r.calls().len();
    r.run(PlayerCommand::Pause);
    assert_eq!(r.playback_calls_since(mark), vec![Call::Pause]);
    let s = r.state();
    assert!(!s.playing && s.span.is_none());
    assert_eq!(r.engine.clip.as_ref().map(|c| c.playhead), Some(10));
    // The next step reopens the stepping decoder and lands one frame on.
    let opened_before = log_of(&r.log).decoders_opened;
    r.run(PlayerCommand::Step(1));
    assert_eq!(r.shown(), 11);
    assert_eq!(log_of(&r.log).decoders_opened, opened_before + 1);
    // Playing again reuses the pipeline, from the playhead.
    let mark = r.calls().len();
    r.run(PlayerCommand::Play);
    assert_eq!(
        r.playback_calls_since(mark),
        vec![Call::Start {
            from: 11,
            to: None,
            rate: 1.0,
            looping: false
        }]
    );
}

#[test]
fn play_span_ends_exactly_on_its_last_frame_even_if_the_sink_skipped_it() {
    let mut r = opened();
    let mark = r.calls().len();
    r.run(PlayerCommand::PlaySpan { start: 80, end: 50 });
    assert!(r.playback_calls_since(mark).contains(&Call::Start {
        from: 50,
        to: Some(80),
        rate: 1.0,
        looping: false
    }));
    assert_eq!(r.state().span, Some((50, 80)));
    r.play_frames(50..=78);
    let id = r.clip_id();
    r.engine.on_event(Event::Eos(id));
    let s = r.state();
    assert_eq!(r.shown(), 80);
    assert!(!s.playing && s.span.is_none());
}

#[test]
fn playing_to_the_end_stops_on_the_last_frame_and_play_again_starts_over() {
    let mut r = opened();
    r.run(PlayerCommand::Play);
    r.play_frames(0..FRAMES - 3);
    let id = r.clip_id();
    r.engine.on_event(Event::Eos(id));
    assert_eq!(r.shown(), FRAMES - 1);
    assert!(!r.state().playing);
    let mark = r.calls().len();
    r.run(PlayerCommand::Play);
    assert!(r.playback_calls_since(mark).contains(&Call::Start {
        from: 0,
        to: None,
        rate: 1.0,
        looping: false
    }));
}

#[test]
fn a_loop_restarts_at_each_segment_end_and_stale_events_are_ignored() {
    let mut r = opened();
    r.run(PlayerCommand::LoopSpan { start: 10, end: 20 });
    assert!(r.state().looping);
    let id = r.clip_id();
    let mark = r.calls().len();
    r.engine.on_event(Event::SegmentDone(id));
    r.engine.on_event(Event::SegmentDone(id + 7));
    r.engine.on_event(Event::Eos(id + 7));
    assert_eq!(
        r.playback_calls_since(mark),
        vec![Call::RestartLoop {
            from: 10,
            to: 20,
            rate: 1.0
        }]
    );
    assert!(r.state().playing && r.state().looping);
}

#[test]
fn rate_is_clamped_muted_when_slow_and_applied_to_the_running_span() {
    let mut r = opened();
    r.run(PlayerCommand::SetRate(5.0));
    assert_eq!(r.state().rate, MAX_RATE);
    r.run(PlayerCommand::SetRate(f64::NAN));
    assert_eq!(r.state().rate, 1.0);
    r.run(PlayerCommand::PlaySpan { start: 30, end: 90 });
    r.play_frames(30..=40);
    let mark = r.calls().len();
    r.run(PlayerCommand::SetRate(0.25));
    let s = r.state();
    assert!(s.audio_muted && s.playing);
    assert_eq!(
        r.playback_calls_since(mark),
        vec![Call::Start {
            from: 40,
            to: Some(90),
            rate: 0.25,
            looping: false
        }]
    );
    r.run(PlayerCommand::SetRate(0.01));
    assert_eq!(r.state().rate, MIN_RATE);
}

#[test]
fn a_failed_playback_is_reported_and_stepping_goes_on() {
    let mut r = opened();
    r.run(PlayerCommand::Play);
    r.play_frames(0..=5);
    let id = r.clip_id();
    r.engine.on_event(Event::Failed(
        id,
        EngineError::Pipeline {
            path: PathBuf::from("clip.mp4"),
            reason: "decoder died".into(),
        },
    ));
    let s = r.state();
    assert!(!s.playing);
    assert!(s.error.unwrap_or_default().contains("decoder died"));
    assert!(r.engine.clip.as_ref().is_some_and(|c| c.playback.is_none()));
    r.run(PlayerCommand::Step(1));
    assert_eq!(r.shown(), 6);
}

#[test]
fn a_burst_of_scrubs_shows_the_newest_and_counts_every_command() {
    let mut r = opened();
    let done = r.state().commands_done;
    for n in [150, 170] {
        r.commands
            .send(PlayerCommand::Scrub(n))
            .expect("the engine holds the receiver");
    }
    r.commands
        .send(PlayerCommand::Step(1))
        .expect("the engine holds the receiver");
    r.run(PlayerCommand::Scrub(100));
    // During the drag: the keyframe at or before the newest position.
    assert_eq!(r.shown(), 120);
    assert_eq!(r.state().commands_done, done + 3);
    // The command after the burst is kept, in order.
    let pending: Vec<_> = r.engine.pending.drain(..).collect();
    assert_eq!(pending.len(), 1);
    r.run(PlayerCommand::ScrubEnd);
    assert_eq!(r.shown(), 170);
    r.run(PlayerCommand::ScrubEnd);
    assert_eq!(r.shown(), 170, "a second ScrubEnd changes nothing");
}

#[test]
fn a_range_the_cache_cannot_hold_is_not_asked_for_again_and_again() {
    let mut r = rig_with_cache(4);
    r.run(PlayerCommand::Open {
        path: PathBuf::from("clip.mp4"),
        display_size: None,
    });
    let mut rounds = 0;
    while r.complete_prefetch().is_some() {
        rounds += 1;
        assert!(rounds < 5, "prefetch loops: {:?}", r.prefetches());
    }
    let (bytes, budget) = {
        let c = lock(&r.engine.cache);
        (c.bytes(), c.budget())
    };
    assert!(bytes <= budget, "{bytes} > {budget}");
    assert_eq!(r.shown(), 0);
    assert!(r.cached(0));
}

#[test]
fn a_new_display_size_reopens_at_the_same_frame_and_close_resets() {
    let mut r = opened();
    r.run(PlayerCommand::SeekToFrame(77));
    r.run(PlayerCommand::SetDisplaySize(Some((4, 4))));
    let s = r.state();
    assert_eq!((r.shown(), s.width, s.height), (77, 4, 4));
    let done = s.commands_done;
    r.run(PlayerCommand::Close);
    let s = r.state();
    assert!(s.path.is_none() && s.frame_count == 0);
    assert_eq!(s.commands_done, done + 1);
    assert!(lock(&r.engine.shared.slot).is_none());
    assert!(lock(&r.engine.cache).is_empty());
}
