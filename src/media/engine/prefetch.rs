//! What to decode in the background while paused: the rest of the current
//! GOP and then the previous one as backward stepping nears the start of the
//! cached run, so a back step is already a cache lookup when it comes.

use super::cache::FrameCache;
use super::timeline::Timeline;

/// A contiguous run of frames to decode into the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefetchRange {
    pub start: u32,
    pub end: u32,
}

/// How far ahead forward stepping should find frames waiting.
pub(crate) const AHEAD_FRAMES: u32 = 8;

/// When fewer than this many cached frames remain behind the playhead,
/// the previous GOP is fetched. Half a GOP (at least 30): a held key eats
/// 30 frames a second while a 250-frame GOP decodes in under a second.
pub(crate) fn back_margin(tl: &Timeline) -> u32 {
    (tl.max_gop() / 2).max(30)
}

/// Backward prefetch decision. `frame_bytes` is the size of one cached frame
/// at the current display size (the request never exceeds what the budget
/// holds, or it would evict the frames the user is stepping through).
pub fn backward_request(
    tl: &Timeline,
    cache: &FrameCache,
    playhead: u32,
    frame_bytes: usize,
) -> Option<PrefetchRange> {
    let lo = cache.run_start(playhead)?;
    if lo == 0 || playhead - lo >= back_margin(tl) {
        return None;
    }
    let end = lo - 1;
    let capacity = cache.capacity_frames(frame_bytes) as u32;
    // Keep room for the cached run itself and the frames ahead.
    let room = capacity.saturating_sub(playhead - lo + 1 + AHEAD_FRAMES);
    if room == 0 {
        return None;
    }
    let start = tl
        .keyframe_at_or_before(end)
        .max(end.saturating_sub(room - 1));
    Some(PrefetchRange { start, end })
}

/// Forward prefetch decision: the first missing frame within
/// `AHEAD_FRAMES` after the playhead, up to that horizon.
pub fn forward_request(tl: &Timeline, cache: &FrameCache, playhead: u32) -> Option<PrefetchRange> {
    forward_request_within(tl, cache, playhead, AHEAD_FRAMES)
}

/// After arriving somewhere and filling the run behind, the shared decoder
/// sits before the playhead; a held key or a burst of steps would then wait
/// for a GOP's worth of decoding at the first frame past those fetched
/// ahead (102 ms on a 250-frame GOP). Fetching a second stretch ahead puts
/// the decoder back in front of the playhead while the user looks.
pub(crate) fn forward_warm_request(
    tl: &Timeline,
    cache: &FrameCache,
    playhead: u32,
) -> Option<PrefetchRange> {
    forward_request_within(tl, cache, playhead, 2 * AHEAD_FRAMES)
}

fn forward_request_within(
    tl: &Timeline,
    cache: &FrameCache,
    playhead: u32,
    ahead: u32,
) -> Option<PrefetchRange> {
    let last = tl.frame_count().checked_sub(1)?;
    let horizon = playhead.saturating_add(ahead).min(last);
    let first_missing = (playhead + 1..=horizon).find(|&f| !cache.contains(f))?;
    Some(PrefetchRange {
        start: first_missing,
        end: horizon,
    })
}
