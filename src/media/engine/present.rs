//! Putting a frame on screen: converting it into the UI's slot, and during
//! playback caching it and keeping the counters. Shared by the engine
//! thread, the GStreamer playback callback and the engine's tests.

use std::sync::{Arc, Mutex};

use super::cache::{CachedFrame, FrameCache};
use super::state::{Shared, VideoFrame, lock};
use super::yuv::i420_to_rgba_into;

/// Converts `frame` to RGBA and publishes it (latest wins).
pub(super) fn show(shared: &Shared, frame: &CachedFrame) {
    let mut rgba = shared.rgba_buffer();
    i420_to_rgba_into(frame, &mut rgba);
    shared.publish(VideoFrame {
        frame: frame.frame,
        pts_ns: frame.pts_ns,
        width: frame.width,
        height: frame.height,
        rgba,
    });
}

/// A frame real-time playback presents: cached (playback fills the cache
/// as it goes), shown, and counted; `late` when it came after its time.
pub(super) fn show_playing(
    shared: &Shared,
    cache: &Mutex<FrameCache>,
    frame: CachedFrame,
    late: bool,
) {
    let index = frame.frame;
    let frame = Arc::new(frame);
    {
        let mut cache = lock(cache);
        cache.set_playhead(index);
        cache.insert(frame.clone());
    }
    show(shared, &frame);
    let mut stats = lock(&shared.stats);
    stats.presented += 1;
    if late {
        stats.late += 1;
    }
    if let Some(last) = stats.last_frame
        && index > last + 1
    {
        stats.dropped += (index - last - 1) as u64;
    }
    stats.last_frame = Some(index);
}
