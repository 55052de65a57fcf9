//! The engine's command state machine without GStreamer: a fake backend
//! (decoder, playback pipeline, prefetch queue) that records what the
//! engine asks of it, and a test thread that hands the engine its commands
//! and events one at a time. No threads, no sleeps.

use std::path::{Path, PathBuf};

use super::*;
use crate::media::engine::index::ClipIndex;
use crate::media::engine::stepper::FrameDecoder;

mod rig;
use rig::*;

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
