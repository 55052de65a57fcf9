//! The one mapping between timestamps and frame indices.
//!
//! With the stream's [`FrameTable`] (the presented frames, read from its
//! packets), a frame's index is that of the presented timestamp nearest to
//! it, exact whatever the container does with time. Without one (a stream
//! too long to index in time), it is `(pts - start) * time_base * rate`
//! rounded to the nearest frame, from the stream's start after the edit
//! list. Probe, thumbnails and the reel source all go through [`Timing`],
//! so they agree with each other and with the engine on which frame is
//! which.

use std::sync::Arc;

use ffmpeg::Rational;
use ffmpeg_next as ffmpeg;

use super::StreamInfo;
use super::frames::FrameTable;

/// A video stream's clock: its time base, its start, the clip's rate and,
/// when it could be read, the table of presented frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Timing {
    pub time_base: Rational,
    /// Start time in `time_base` ticks (0 when the container has none).
    pub start: i64,
    /// Frames per second as `(num, den)`.
    pub rate: (u32, u32),
    table: Option<Arc<FrameTable>>,
}

impl Timing {
    /// The clock of `stream` at the clip's frame `rate`, by rate alone.
    pub(crate) fn new(stream: &StreamInfo, rate: (u32, u32)) -> Self {
        Self {
            time_base: stream.time_base,
            start: stream.start,
            rate,
            table: None,
        }
    }

    /// The clock of `stream`, mapping through its presented frames.
    pub(crate) fn with_table(stream: &StreamInfo, rate: (u32, u32), table: FrameTable) -> Self {
        let start = table.pts_of(0).unwrap_or(stream.start);
        Self {
            time_base: stream.time_base,
            start,
            rate,
            table: Some(Arc::new(table)),
        }
    }

    /// The presented frames, when they were read.
    pub(crate) fn table(&self) -> Option<&FrameTable> {
        self.table.as_deref()
    }

    /// Frame index of a timestamp in the stream's time base: the nearest
    /// presented frame, or, without a table, rounded to the nearest frame
    /// at the rate (timestamps may be a tick off the exact frame time).
    /// Negative before the first presented frame (a frame the edit list
    /// hides); 0 for a degenerate clock.
    pub(crate) fn index_of(&self, pts: i64) -> i64 {
        let Some(table) = self.table.as_deref() else {
            return self.by_rate(pts, self.start);
        };
        let half = self.half_frame_ticks();
        if let Some(i) = table.nearest(pts, half) {
            return i64::from(i);
        }
        match table.pts().last() {
            Some(&last) if pts > last => i64::from(table.len() - 1) + self.by_rate(pts, last),
            _ => self.by_rate(pts, self.start).min(-1),
        }
    }

    /// Half a frame at the rate, in time-base ticks.
    fn half_frame_ticks(&self) -> i64 {
        let num = i128::from(self.time_base.denominator()) * i128::from(self.rate.1);
        let den =
            2 * i128::from(self.time_base.numerator().max(1)) * i128::from(self.rate.0.max(1));
        (num / den) as i64
    }

    /// Frames from `origin` to `pts` at the rate, rounded to the nearest.
    fn by_rate(&self, pts: i64, origin: i64) -> i64 {
        let num = i128::from(pts - origin)
            * i128::from(self.time_base.numerator())
            * i128::from(self.rate.0);
        let den = i128::from(self.time_base.denominator()) * i128::from(self.rate.1);
        if den <= 0 {
            return 0;
        }
        (2 * num + den).div_euclid(2 * den) as i64
    }

    /// Start of frame `index` in microseconds on the container's clock.
    pub(crate) fn frame_us(&self, index: u32) -> i64 {
        if let Some(pts) = self.table().and_then(|t| t.pts_of(index)) {
            return ts_to_us(pts, self.time_base);
        }
        let start_us = ts_to_us(self.start, self.time_base);
        let t = i128::from(index) * 1_000_000 * i128::from(self.rate.1)
            / i128::from(self.rate.0.max(1));
        (i128::from(start_us) + t) as i64
    }

    /// Half a frame, in microseconds.
    pub(crate) fn half_frame_us(&self) -> i64 {
        500_000 * i64::from(self.rate.1) / i64::from(self.rate.0.max(1))
    }

    /// Where to seek for frame `index`: half a frame early, so rounding
    /// never puts the keyframe found after the frame.
    pub(crate) fn seek_target_us(&self, index: u32) -> i64 {
        (self.frame_us(index) - self.half_frame_us()).max(i64::MIN / 2)
    }
}

/// A timestamp in time base `tb` as whole microseconds (towards zero).
pub(crate) fn ts_to_us(ts: i64, tb: Rational) -> i64 {
    (i128::from(ts) * 1_000_000 * i128::from(tb.numerator()) / i128::from(tb.denominator().max(1)))
        as i64
}

/// A timestamp in time base `tb` as nanoseconds; `None` before zero.
pub(crate) fn ts_to_ns(ts: i64, tb: Rational) -> Option<u64> {
    let v = i128::from(ts) * 1_000_000_000 * i128::from(tb.numerator())
        / i128::from(tb.denominator().max(1));
    u64::try_from(v).ok()
}

/// How long `frames` frames last at `rate`, in whole microseconds.
pub(crate) fn frames_to_us(frames: u32, rate: (u32, u32)) -> u64 {
    (u128::from(frames) * u128::from(rate.1) * 1_000_000 / u128::from(rate.0)) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(start: i64) -> Timing {
        Timing {
            time_base: Rational(1, 15360),
            start,
            rate: (30, 1),
            table: None,
        }
    }

    #[test]
    fn index_rounds_to_the_nearest_frame_from_start() {
        let t = timing(1024);
        assert_eq!(t.index_of(1024), 0);
        assert_eq!(t.index_of(1024 + 512), 1);
        assert_eq!(t.index_of(1024 + 511 - 256), 0);
        assert_eq!(t.index_of(1024 + 512 * 10 + 3), 10);
        assert_eq!(t.index_of(0), -2);
    }

    #[test]
    fn frame_times_invert_indices() {
        let t = timing(1024);
        let start_us = ts_to_us(1024, t.time_base);
        assert_eq!(t.frame_us(0), start_us);
        assert_eq!(t.frame_us(30), start_us + 1_000_000);
        assert_eq!(t.seek_target_us(30), start_us + 1_000_000 - 16_666);
        assert_eq!(frames_to_us(900, (30000, 1001)), 30_030_000);
    }
}
