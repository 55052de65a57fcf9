//! What the UI reads: a state snapshot and the latest frame, both behind
//! short-lived locks that the engine holds only to copy a value in or out.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A frame ready to show: tightly packed RGBA at display size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoFrame {
    pub frame: u32,
    pub pts_ns: u64,
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlayerState {
    pub path: Option<PathBuf>,
    /// Frame on screen (index among the frames actually presented).
    pub frame: u32,
    /// Its stream time.
    pub pts_ns: u64,
    pub playing: bool,
    pub rate: f64,
    pub duration_ns: u64,
    pub frame_count: u32,
    pub fps_num: u32,
    pub fps_den: u32,
    /// Size of the frames delivered (display size after rotation).
    pub width: u32,
    pub height: u32,
    pub has_audio: bool,
    pub audio_muted: bool,
    /// An open is in progress.
    pub loading: bool,
    /// Last error, naming the file; cleared by the next successful open.
    pub error: Option<String>,
    /// Span being played or looped.
    pub span: Option<(u32, u32)>,
    pub looping: bool,
    /// Count of commands the engine has finished handling.
    pub commands_done: u64,
}

impl Default for PlayerState {
    fn default() -> Self {
        PlayerState {
            path: None,
            frame: 0,
            pts_ns: 0,
            playing: false,
            rate: 1.0,
            duration_ns: 0,
            frame_count: 0,
            fps_num: 0,
            fps_den: 1,
            width: 0,
            height: 0,
            has_audio: false,
            audio_muted: false,
            loading: false,
            error: None,
            span: None,
            looping: false,
            commands_done: 0,
        }
    }
}

/// Playback counters for the benchmark and diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaybackStats {
    pub presented: u64,
    /// Presented more than half a frame after their due time.
    pub late: u64,
    /// Frames skipped between two presented frames.
    pub dropped: u64,
    pub last_frame: Option<u32>,
}

/// Cache occupancy, for the UI and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub frames: usize,
    pub bytes: usize,
    pub budget: usize,
}

pub(crate) type RepaintCallback = Arc<dyn Fn() + Send + Sync>;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Everything the engine threads and the UI share.
#[derive(Default)]
pub(crate) struct Shared {
    pub state: Mutex<PlayerState>,
    pub slot: Mutex<Option<Arc<VideoFrame>>>,
    /// The frame the slot held before; its buffer is reused once the UI
    /// has let go of it.
    pub spare: Mutex<Option<Arc<VideoFrame>>>,
    pub generation: AtomicU64,
    pub repaint: Mutex<Option<RepaintCallback>>,
    pub stats: Mutex<PlaybackStats>,
}

impl Shared {
    pub(crate) fn update(&self, f: impl FnOnce(&mut PlayerState)) {
        f(&mut lock(&self.state));
    }

    /// Latest-wins: replaces the slot, bumps the generation, asks for a repaint.
    pub(crate) fn publish(&self, frame: VideoFrame) {
        let (index, pts) = (frame.frame, frame.pts_ns);
        let old = lock(&self.slot).replace(Arc::new(frame));
        *lock(&self.spare) = old;
        self.update(|s| {
            s.frame = index;
            s.pts_ns = pts;
        });
        self.generation.fetch_add(1, Ordering::Release);
        self.repaint();
    }

    /// An RGBA buffer to convert the next frame into: the previous frame's
    /// if nobody else holds it any more, else a new one.
    pub(crate) fn rgba_buffer(&self) -> Vec<u8> {
        lock(&self.spare)
            .take()
            .and_then(|f| Arc::try_unwrap(f).ok())
            .map(|f| f.rgba)
            .unwrap_or_default()
    }

    pub(crate) fn repaint(&self) {
        let cb = lock(&self.repaint).clone();
        if let Some(cb) = cb {
            cb();
        }
    }
}
