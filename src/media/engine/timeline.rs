//! Frame index <-> stream time, and where the keyframes are.
//!
//! Frame indices count the frames actually presented (sorted presentation
//! timestamps in *stream time*), so variable-frame-rate clips step through
//! real frames and MP4 edit lists (which shift buffer timestamps but not
//! stream time) do not shift indices.

use crate::media::ffmpeg::nearest;

/// Presentation table of one video stream. Pure data, no GStreamer.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Stream-time PTS of every presented frame, strictly increasing.
    pts_ns: Vec<u64>,
    /// Indices of frames a decoder can start from, sorted; empty = unknown.
    keyframes: Vec<u32>,
    /// Nominal frame rate, used for the last frame's duration and reporting.
    pub fps_num: u32,
    pub fps_den: u32,
    /// How many frames, at most, a packet's predecessor in decode order
    /// presents before it (1 without B-frames). A seek that hurries through
    /// the frames before its target must decode this many normally.
    decode_lead: u32,
    /// The buffer timestamp a seek to position 0 lands on: seeks are asked
    /// in the demuxer's stream time, frames are known by their timestamps.
    seek_origin_ns: i64,
}

/// Assumed decode lead when the decode order is unknown: covers the usual
/// three B-frames; a clip that needs more is detected at the first seek.
pub(crate) const DEFAULT_DECODE_LEAD: u32 = 5;

impl Timeline {
    /// Builds a table from (pts, is_keyframe) pairs in any order; duplicate
    /// timestamps collapse to one frame (a decoder presents only one).
    pub fn new(mut frames: Vec<(u64, bool)>, fps_num: u32, fps_den: u32) -> Self {
        frames.sort_by_key(|f| f.0);
        frames.dedup_by_key(|f| f.0);
        let keyframes = frames
            .iter()
            .enumerate()
            .filter(|(_, f)| f.1)
            .map(|(i, _)| i as u32)
            .collect();
        let pts_ns = frames.into_iter().map(|f| f.0).collect();
        let (fps_num, fps_den) = if fps_num == 0 || fps_den == 0 {
            (30, 1)
        } else {
            (fps_num, fps_den)
        };
        Timeline {
            pts_ns,
            keyframes,
            fps_num,
            fps_den,
            decode_lead: DEFAULT_DECODE_LEAD,
            seek_origin_ns: 0,
        }
    }

    /// Sets the decode lead from the frames' presentation timestamps listed
    /// in decode order (the order a demuxer reads the packets). Only frames
    /// decoded after a later-presented one (B-frames) can be non-reference,
    /// so only their predecessors count.
    pub fn set_decode_order(&mut self, pts_in_decode_order: &[u64]) {
        let rank = |t: u64| self.pts_ns.partition_point(|&p| p < t) as i64;
        let mut latest = i64::MIN;
        let mut lead = 1;
        for w in pts_in_decode_order.windows(2) {
            let (prev, cur) = (rank(w[0]), rank(w[1]));
            latest = latest.max(prev);
            if cur < latest {
                lead = lead.max(cur - prev);
            }
        }
        self.decode_lead = lead.clamp(1, 64) as u32;
    }

    /// See the field: at least 1.
    pub fn decode_lead(&self) -> u32 {
        self.decode_lead
    }

    /// A constant-frame-rate table, for when the container cannot be indexed.
    pub fn constant(count: u32, fps_num: u32, fps_den: u32, gop: u32) -> Self {
        let (n, d) = if fps_num == 0 || fps_den == 0 {
            (30, 1)
        } else {
            (fps_num, fps_den)
        };
        let gop = gop.max(1);
        let frames = (0..count)
            .map(|i| {
                let t = i as u128 * 1_000_000_000u128 * d as u128 / n as u128;
                (t as u64, i % gop == 0)
            })
            .collect();
        Timeline::new(frames, n, d)
    }

    pub fn frame_count(&self) -> u32 {
        self.pts_ns.len() as u32
    }

    /// Nominal duration of one frame in ns.
    pub fn nominal_frame_ns(&self) -> u64 {
        (1_000_000_000u128 * self.fps_den as u128 / self.fps_num as u128) as u64
    }

    pub fn pts(&self, frame: u32) -> Option<u64> {
        self.pts_ns.get(frame as usize).copied()
    }

    /// How long `frame` is on screen.
    pub fn frame_duration(&self, frame: u32) -> u64 {
        let i = frame as usize;
        match (self.pts_ns.get(i), self.pts_ns.get(i + 1)) {
            (Some(a), Some(b)) => b - a,
            _ => self.nominal_frame_ns(),
        }
    }

    /// Stream time to seek to so that exactly `frame` is the first frame
    /// shown: just inside its display interval (1 ms, or a quarter frame if
    /// shorter), so nanosecond rounding differences between demuxers cannot
    /// keep its predecessor, and the clipped timestamp the decoder reports
    /// stays nearest to this frame's.
    pub fn seek_target_ns(&self, frame: u32) -> Option<u64> {
        let inside = (self.frame_duration(frame) / 4).min(1_000_000);
        self.pts(frame).map(|p| self.stream_time(p + inside))
    }

    /// Stream time of exactly `frame`'s timestamp (a keyframe to start
    /// decoding from).
    pub fn seek_position_ns(&self, frame: u32) -> Option<u64> {
        self.pts(frame).map(|p| self.stream_time(p))
    }

    fn stream_time(&self, pts: u64) -> u64 {
        (pts as i64 - self.seek_origin_ns).max(0) as u64
    }

    /// Where the demuxer's stream time 0 is in buffer timestamps, as the
    /// segment after a flushing seek tells (`segment.start - segment.time`).
    /// Matroska's first segment starts at the video's first frame, and every
    /// later one at the file's first packet of any stream, 21 ms earlier on a
    /// file whose audio starts first: only a seek's segment says where the
    /// next seek will land.
    pub fn set_seek_origin(&mut self, origin_ns: i64) {
        self.seek_origin_ns = origin_ns;
    }

    /// Clip duration: last frame's PTS plus its duration.
    pub fn duration_ns(&self) -> u64 {
        match self.pts_ns.last() {
            Some(&last) => last + self.frame_duration(self.frame_count() - 1),
            None => 0,
        }
    }

    /// The frame whose timestamp is nearest to `t` (decoded buffers carry a
    /// table timestamp give or take rounding, so nearest is exact).
    pub fn index_at(&self, t: u64) -> Option<u32> {
        nearest(&self.pts_ns, t).map(|i| i as u32)
    }

    /// The frame on screen at stream time `t` (the last one starting at or before it).
    pub fn frame_on_screen_at(&self, t: u64) -> u32 {
        self.pts_ns.partition_point(|&p| p <= t).saturating_sub(1) as u32
    }

    /// The keyframe a decoder must start from to reach `frame`.
    pub fn keyframe_at_or_before(&self, frame: u32) -> u32 {
        let i = self.keyframes.partition_point(|&k| k <= frame);
        if i == 0 { 0 } else { self.keyframes[i - 1] }
    }

    /// The first keyframe after `frame`, if any is known.
    pub fn keyframe_after(&self, frame: u32) -> Option<u32> {
        let i = self.keyframes.partition_point(|&k| k <= frame);
        self.keyframes.get(i).copied()
    }

    /// Longest distance between keyframes (the GOP length), at least 1.
    pub fn max_gop(&self) -> u32 {
        let mut prev = 0;
        let mut longest = 1;
        for &k in self
            .keyframes
            .iter()
            .chain(std::iter::once(&self.frame_count()))
        {
            longest = longest.max(k.saturating_sub(prev));
            prev = k;
        }
        longest
    }

    /// Moves every timestamp by `offset_ns` (signed), used when the decoder's
    /// stream time and the indexer's disagree by a constant.
    pub fn shift(&mut self, offset_ns: i64) {
        for p in &mut self.pts_ns {
            *p = (*p as i64 + offset_ns).max(0) as u64;
        }
    }

    /// Aligns the table with a decoder whose first frame carried buffer
    /// timestamp `first_ns` (an MPEG-TS camcorder clip starts its clock
    /// hours in, a late Matroska at 2.345 s). Every offset is applied,
    /// however small: a WebM whose Opus priming starts the file 7 ms before
    /// its video is 7 ms off, under a quarter frame, yet a seek 1 ms inside
    /// a frame then lands on the frame before. The engine and the
    /// benchmark's checker both read frame times through this.
    pub fn calibrate(&mut self, first_ns: u64) {
        let Some(first) = self.pts(0) else {
            return;
        };
        self.shift(first_ns as i64 - first as i64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vfr() -> Timeline {
        // 0, 40, 80 ms then a long frame, then 30 fps; keyframes 0 and 3.
        Timeline::new(
            vec![
                (80_000_000, false),
                (0, true),
                (40_000_000, false),
                (200_000_000, true),
                (233_333_333, false),
            ],
            25,
            1,
        )
    }

    #[test]
    fn sorts_and_indexes_presented_frames() {
        let t = vfr();
        assert_eq!(t.frame_count(), 5);
        assert_eq!(t.pts(2), Some(80_000_000));
        assert_eq!(t.index_at(79_999_999), Some(2));
        assert_eq!(t.index_at(199_000_000), Some(3));
        assert_eq!(t.frame_on_screen_at(199_000_000), 2);
        assert_eq!(t.frame_duration(2), 120_000_000);
        assert_eq!(t.seek_target_ns(2), Some(81_000_000));
    }

    #[test]
    fn keyframes() {
        let t = vfr();
        assert_eq!(t.keyframe_at_or_before(2), 0);
        assert_eq!(t.keyframe_at_or_before(3), 3);
        assert_eq!(t.keyframe_after(0), Some(3));
        assert_eq!(t.keyframe_after(3), None);
        assert_eq!(t.max_gop(), 3);
    }

    #[test]
    fn decode_lead_follows_b_frame_reordering() {
        // Presentation 0..9 at 1 ns; decode order I0 P4 B2 b1 b3 P8 B6 b5 b7.
        let mut t = Timeline::new((0..9).map(|i| (i, i == 0)).collect(), 30, 1);
        assert_eq!(t.decode_lead(), DEFAULT_DECODE_LEAD);
        t.set_decode_order(&[0, 4, 2, 1, 3, 8, 6, 5, 7]);
        // b3 follows b1 in decode order: two frames on. (P8 follows b3 by
        // five, but a frame presented after everything before it is a
        // reference and never skipped.)
        assert_eq!(t.decode_lead(), 2);
        // Single B-frames follow their anchor: nothing precedes them.
        t.set_decode_order(&[0, 2, 1, 4, 3, 5, 6, 8, 7]);
        assert_eq!(t.decode_lead(), 1);
        t.set_decode_order(&(0..9).collect::<Vec<_>>());
        assert_eq!(t.decode_lead(), 1);
    }

    #[test]
    fn constant_rate() {
        let t = Timeline::constant(90, 30, 1, 30);
        assert_eq!(t.pts(30), Some(1_000_000_000));
        assert_eq!(t.keyframe_at_or_before(59), 30);
        assert!(t.duration_ns().abs_diff(3_000_000_000) <= 1);
        assert_eq!(t.max_gop(), 30);
    }
}
