//! Commands the UI sends to the player.

use std::path::PathBuf;

/// Lowest and highest playback rates.
pub(crate) const MIN_RATE: f64 = 0.1;
pub(crate) const MAX_RATE: f64 = 2.0;
/// Below this rate audio is muted (scaletempo keeps pitch from 0.5x up).
pub(crate) const MUTE_BELOW_RATE: f64 = 0.5;

#[derive(Debug, Clone, PartialEq)]
pub enum PlayerCommand {
    /// Open a clip, shown paused on frame 0. `display_size` is the box the
    /// frames are scaled to fit (aspect kept, never enlarged); `None` keeps
    /// full resolution.
    Open {
        path: PathBuf,
        display_size: Option<(u32, u32)>,
    },
    Play,
    Pause,
    /// Accurate seek; pauses.
    SeekToFrame(u32),
    /// A scrub drag is in flight: show something near this frame quickly.
    Scrub(u32),
    /// The drag ended: land exactly on the last scrubbed frame.
    ScrubEnd,
    /// Step by N frames (negative = backward); pauses.
    Step(i32),
    /// Playback rate, clamped to 0.1..=2.0.
    SetRate(f64),
    /// Play from `start` and stop exactly on `end`.
    PlaySpan {
        start: u32,
        end: u32,
    },
    /// Play `start..=end` over and over.
    LoopSpan {
        start: u32,
        end: u32,
    },
    SetDisplaySize(Option<(u32, u32)>),
    Close,
}
