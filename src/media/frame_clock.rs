//! A clip's frame times as its file holds them, for annotation files that
//! count milliseconds: on a variable-rate clip (phones) a frame's time is
//! not its index over the rate, so both directions go through the stream's
//! presented timestamps (`ffmpeg::time::Timing`, the one mapping).

use std::path::Path;

use super::ffmpeg::{MediaError, Timing};
use crate::model::FrameRate;

/// Frame index ↔ milliseconds from the first presented frame.
#[derive(Debug, Clone)]
pub struct FrameClock {
    timing: Timing,
    /// When frame 0 is presented, on the container's clock.
    origin_us: i64,
}

impl FrameClock {
    /// Reads the clip's presented frames (demuxing only, bounded in time;
    /// past the bound frames are mapped by the rate).
    pub fn open(path: &Path, rate: FrameRate) -> Result<Self, MediaError> {
        let mut input = super::ffmpeg::Input::open(path)?;
        let stream = input.require_video()?;
        let timing = input.timing(&stream, (rate.num, rate.den));
        let origin_us = timing.frame_us(0);
        Ok(Self { timing, origin_us })
    }

    /// When `frame` is presented, in whole ms (rounded) after frame 0.
    pub fn ms_of(&self, frame: u32) -> u64 {
        let us = (self.timing.frame_us(frame) - self.origin_us).max(0);
        u64::try_from((us + 500) / 1000).unwrap_or(0)
    }

    /// The presented frame nearest to `ms` after frame 0.
    pub fn frame_of(&self, ms: u64) -> u64 {
        let tb = self.timing.time_base;
        let us = i128::from(self.origin_us) + i128::from(ms) * 1000;
        // Microseconds to ticks of the time base, to the nearest tick.
        let num = us * i128::from(tb.denominator());
        let den = 1_000_000 * i128::from(tb.numerator().max(1));
        let pts = (2 * num + den).div_euclid(2 * den);
        let pts = i64::try_from(pts).unwrap_or(i64::MAX);
        u64::try_from(self.timing.index_of(pts)).unwrap_or(0)
    }
}
