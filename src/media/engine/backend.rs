//! What the engine thread needs from a media framework, as traits, so its
//! command state machine runs the same over GStreamer (the app) and over a
//! hand-driven fake (its tests, `thread/tests.rs`). The GStreamer
//! implementation is `gst::GstBackend`; nothing here names a framework.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crossbeam_channel::Sender;

use super::cache::{CachedFrame, FrameCache};
use super::error::EngineError;
use super::index::ClipIndex;
use super::prefetch::PrefetchRange;
use super::state::Shared;
use super::stepper::FrameDecoder;
use super::timeline::Timeline;

/// What background work and the playback pipeline tell the engine thread.
#[derive(Debug)]
pub(super) enum Event {
    /// Real-time playback of clip `clip` put `frame` on screen. Sent after
    /// the frame is published, in the order frames are shown; the engine
    /// keeps the last one as the frame on screen when playback stops.
    Shown {
        clip: u64,
        frame: u32,
    },
    Eos(u64),
    SegmentDone(u64),
    Failed(u64, EngineError),
    PrefetchDone(u64),
}

/// The clip a decoder or a request is for.
#[derive(Clone)]
pub(super) struct ClipSpec {
    pub id: u64,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    /// Clockwise turn from the display matrix; decides the video bin's order.
    pub rotation: u32,
    pub timeline: Arc<Timeline>,
}

/// Where a playback pipeline delivers frames and events.
pub(super) struct PlaybackOutput {
    pub shared: Arc<Shared>,
    pub cache: Arc<Mutex<FrameCache>>,
    pub events: Sender<Event>,
}

/// Opens the pieces the engine drives.
pub(super) trait Backend: Send + Sync + 'static {
    type Decoder: FrameDecoder + Send + 'static;
    type Playback: PlaybackPipeline;

    /// The clip's frame table, size and rotation. Missing, unreadable and
    /// non-media files are errors that name the file.
    fn index(&self, path: &Path) -> Result<ClipIndex, EngineError>;

    /// A positioning decoder and its first frame. With `calibrate`, the
    /// returned timeline is corrected to the decoder's timestamps.
    fn open_decoder(
        &self,
        spec: &ClipSpec,
        calibrate: bool,
    ) -> Result<(Self::Decoder, CachedFrame, Arc<Timeline>), EngineError>;

    /// A second decoder for background fills behind the playhead, so the
    /// positioning decoder stays in front of it. It may be lighter (one
    /// decoding thread: it must leave a core to what the user waits for).
    fn open_background_decoder(
        &self,
        spec: &ClipSpec,
    ) -> Result<(Self::Decoder, CachedFrame), EngineError> {
        self.open_decoder(spec, false).map(|(d, f, _)| (d, f))
    }

    /// A real-time playback pipeline, prerolled and paused.
    fn open_playback(
        &self,
        spec: &ClipSpec,
        audio: bool,
        output: PlaybackOutput,
    ) -> Result<Self::Playback, EngineError>;
}

/// Real-time playback the engine starts, loops and pauses.
pub(super) trait PlaybackPipeline {
    /// Plays from `from` (shown again first) to `to` (inclusive) or the end.
    fn start(
        &self,
        from: u32,
        to: Option<u32>,
        rate: f64,
        looping: bool,
    ) -> Result<(), EngineError>;
    /// Seamless loop restart at a segment's end.
    fn restart_loop(&self, from: u32, to: u32, rate: f64) -> Result<(), EngineError>;
    /// Stops presenting; returns once no frame is mid-publish.
    fn pause(&self);
}

/// Which decoder a background fill uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lane {
    /// Frames ahead of the playhead: the positioning decoder, which is
    /// usually right there.
    Ahead,
    /// The run behind the playhead: a decoder of its own, so that filling
    /// it does not take the positioning decoder away from the frames ahead
    /// (a held key right after arriving would wait for a GOP's decoding).
    Behind,
}

/// Background decoding of ranges into the cache.
pub(super) trait PrefetchQueue: Send {
    /// Asks for `range` through `lane`, superseding what is queued. Returns
    /// the epoch its `Event::PrefetchDone` will carry.
    fn request(&self, clip: ClipSpec, range: PrefetchRange, lane: Lane) -> u64;
    /// Cancels the fill in progress (the decoder is wanted elsewhere).
    fn cancel(&self);
    /// Frees the background decoder (playback runs its own pipeline).
    fn release(&self);
}
