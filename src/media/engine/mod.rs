//! The playback engine: a [`Player`] runs on its own threads; the UI sends
//! [`PlayerCommand`]s and reads a [`PlayerState`] snapshot and the latest
//! [`VideoFrame`] without waiting on the engine.
//!
//! Threads: the engine thread (commands, positioning through a pull-mode
//! decoder pipeline, the decoded-frame cache), a prefetch thread with its own
//! decoder (previous GOP before backward stepping needs it), and GStreamer's
//! streaming threads for real-time playback (audio through scaletempo).
//!
//! The command state machine (`thread`) only knows the `Backend` traits
//! (`backend`); the GStreamer implementation lives in `gst/`, the one part
//! of the engine that imports GStreamer. This file wires the two together.

mod backend;
pub(crate) mod cache;
pub(crate) mod commands;
pub(crate) mod error;
mod ffmpeg_decoder;
mod gst;
pub(crate) mod index;
pub(crate) mod prefetch;
mod present;
pub(crate) mod state;
pub(crate) mod stepper;
mod stop;
mod thread;
pub(crate) mod timeline;
mod worker;
pub(crate) mod yuv;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::Sender;

pub(crate) use cache::FrameCache;
pub use cache::{CachedFrame, DEFAULT_CACHE_BYTES};
pub use commands::PlayerCommand;
pub use error::EngineError;
pub use state::{CacheStats, PlaybackStats, PlayerState, VideoFrame};

use state::{Shared, lock};
use stop::StoppableThread;

/// How long dropping a [`Player`] waits for the engine thread. It notices
/// the closed command channel at once when idle; busy, it first finishes
/// the command in hand (a GOP decode: well under a second) and then closes
/// the clip, which waits up to [`worker::PREFETCH_STOP_WAIT`] for the
/// prefetch thread. Past the bound the thread is left to finish on its own
/// so the window can close.
const ENGINE_STOP_WAIT: Duration = Duration::from_secs(4);

/// Engine settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayerConfig {
    /// Byte budget of the decoded-frame cache.
    pub cache_bytes: usize,
    /// Play sound (falls back to a silent sink when there is no device).
    pub audio: bool,
}

impl Default for PlayerConfig {
    fn default() -> Self {
        PlayerConfig {
            cache_bytes: DEFAULT_CACHE_BYTES,
            audio: true,
        }
    }
}

/// Handle to the engine. Dropping it closes the clip and stops the threads.
pub struct Player {
    commands: Option<Sender<PlayerCommand>>,
    shared: Arc<Shared>,
    cache: Arc<Mutex<FrameCache>>,
    thread: Option<StoppableThread>,
}

impl Player {
    /// Starts the engine thread. Fails only if GStreamer cannot initialise.
    pub fn new(config: PlayerConfig) -> Result<Self, EngineError> {
        gst::init()?;
        let shared = Arc::new(Shared::default());
        let cache = Arc::new(Mutex::new(FrameCache::new(config.cache_bytes)));
        let (tx, rx) = crossbeam_channel::unbounded();
        let backend = Arc::new(gst::GstBackend::default());
        let engine = thread::Engine::new(
            backend.clone(),
            shared.clone(),
            cache.clone(),
            rx,
            config.audio,
            &|decoder, events| {
                Box::new(worker::Prefetcher::spawn(
                    backend.clone(),
                    cache.clone(),
                    decoder,
                    events,
                ))
            },
        );
        let thread =
            StoppableThread::spawn("attune-engine", move || engine.run()).map_err(|e| {
                EngineError::Pipeline {
                    path: Default::default(),
                    reason: format!("cannot start the engine thread: {e}"),
                }
            })?;
        Ok(Player {
            commands: Some(tx),
            shared,
            cache,
            thread: Some(thread),
        })
    }

    /// Queues a command; never blocks.
    pub fn send(&self, cmd: PlayerCommand) {
        if let Some(tx) = &self.commands
            && tx.send(cmd).is_err()
        {
            // Only after the engine thread panicked (it runs until drop).
            log::warn!("the engine thread has stopped; a command was dropped");
        }
    }

    /// A sender the UI can keep.
    pub fn sender(&self) -> Option<Sender<PlayerCommand>> {
        self.commands.clone()
    }

    /// Snapshot of the engine state.
    pub fn state(&self) -> PlayerState {
        lock(&self.shared.state).clone()
    }

    /// The newest frame, if any.
    pub fn latest_frame(&self) -> Option<Arc<VideoFrame>> {
        lock(&self.shared.slot).clone()
    }

    /// Increments each time a new frame lands in the slot.
    pub fn frame_generation(&self) -> u64 {
        self.shared.generation.load(Ordering::Acquire)
    }

    /// Called (from engine threads) whenever a frame or the state changes.
    pub fn set_repaint_callback(&self, callback: Box<dyn Fn() + Send + Sync>) {
        *lock(&self.shared.repaint) = Some(Arc::from(callback));
    }

    pub fn cache_stats(&self) -> CacheStats {
        let c = lock(&self.cache);
        CacheStats {
            frames: c.len(),
            bytes: c.bytes(),
            budget: c.budget(),
        }
    }

    pub fn playback_stats(&self) -> PlaybackStats {
        lock(&self.shared.stats).clone()
    }

    /// Waits until the engine has handled `n` commands in total or the
    /// timeout passes; returns whether it got there. For tools and tests.
    pub fn wait_commands_done(&self, n: u64, timeout: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if self.state().commands_done >= n {
                return true;
            }
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        // Closing the channel ends the engine loop, which closes the clip.
        self.commands = None;
        if let Some(t) = self.thread.take() {
            t.stop_within(ENGINE_STOP_WAIT);
        }
    }
}
