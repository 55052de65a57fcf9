//! Helpers shared by the engine integration tests: find the sample clips,
//! drive a Player and read the frame code of what it shows.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use attune::media::engine::{Player, PlayerCommand, PlayerConfig, VideoFrame};

pub const TIMEOUT: Duration = Duration::from_secs(30);

/// A committed sample clip. They are part of the repository, so a missing
/// one fails the test rather than letting it pass without checking anything.
pub fn sample(name: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample_clips")
        .join(name);
    assert!(p.exists(), "{} is missing", p.display());
    Some(p)
}

pub fn player(cache_bytes: Option<usize>) -> Player {
    let mut cfg = PlayerConfig {
        audio: false,
        ..PlayerConfig::default()
    };
    if let Some(b) = cache_bytes {
        cfg.cache_bytes = b;
    }
    match Player::new(cfg) {
        Ok(p) => p,
        Err(e) => panic!("GStreamer unavailable: {e}"),
    }
}

/// Sends `cmd` and waits until frame `target` is in the slot.
pub fn show(p: &Player, cmd: PlayerCommand, target: u32) -> Arc<VideoFrame> {
    let gen0 = p.frame_generation();
    let done0 = p.state().commands_done;
    p.send(cmd.clone());
    let start = Instant::now();
    loop {
        if p.frame_generation() != gen0
            && let Some(f) = p.latest_frame()
            && f.frame == target
        {
            // The command also counts as handled before returning, so
            // callers can count commands.
            settle(p, done0 + 1);
            return f;
        }
        let st = p.state();
        if st.commands_done > done0
            && let Some(e) = st.error
        {
            panic!("{cmd:?}: {e}");
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "{cmd:?}: frame {target} never shown"
        );
        std::thread::sleep(Duration::from_micros(200));
    }
}

pub fn open(p: &Player, path: &std::path::Path, display: Option<(u32, u32)>) -> Arc<VideoFrame> {
    show(
        p,
        PlayerCommand::Open {
            path: path.to_path_buf(),
            display_size: display,
        },
        0,
    )
}

pub fn code(f: &VideoFrame) -> Option<u32> {
    let img = image::RgbaImage::from_raw(f.width, f.height, f.rgba.clone())?;
    attune::frame_code::read(&img)
}

/// Asserts that the frame shown carries `target` as its frame code.
pub fn assert_code(f: &VideoFrame, target: u32, what: &str) {
    assert_eq!(f.frame, target, "{what}: index");
    assert_eq!(code(f), Some(target), "{what}: frame code");
}

/// Waits for the engine to finish everything sent so far.
pub fn settle(p: &Player, sent: u64) {
    assert!(p.wait_commands_done(sent, TIMEOUT), "engine did not finish");
}

/// Plays `start..=end` and waits (bounded) until playback stops; returns
/// the frame left on screen.
pub fn play_span_to_end(p: &Player, start: u32, end: u32) -> Arc<VideoFrame> {
    p.send(PlayerCommand::PlaySpan { start, end });
    let t0 = Instant::now();
    let mut saw_playing = false;
    loop {
        let st = p.state();
        saw_playing |= st.playing;
        if saw_playing && !st.playing {
            break;
        }
        assert!(st.error.is_none(), "{:?}", st.error);
        assert!(t0.elapsed() < Duration::from_secs(20), "span never ended");
        std::thread::sleep(Duration::from_millis(5));
    }
    p.latest_frame().expect("a frame after the span")
}
