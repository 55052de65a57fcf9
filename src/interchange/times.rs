//! Frame index ↔ milliseconds for a clip. Other tools count time in
//! milliseconds from the first presented frame; Attune counts frames. The
//! mapping is the caller's: by the clip's rational rate ([`ByRate`]), or,
//! for a variable-rate clip, through the real timestamps (the CLI builds
//! one from `media`), so this module needs no media.

use crate::model::Clip;

pub trait ClipTimes {
    /// When `frame` starts, in whole milliseconds (rounded to the nearest).
    fn ms_of(&self, clip: &Clip, frame: u32) -> u64;
    /// The frame whose start is nearest to `ms`; may lie past the clip's
    /// last frame (the caller says so).
    fn frame_of(&self, clip: &Clip, ms: u64) -> u64;
}

/// By the clip's rate alone: exact for constant-rate clips, since a frame
/// lasts far longer than the half millisecond rounding can move a time.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByRate;

impl ClipTimes for ByRate {
    fn ms_of(&self, clip: &Clip, frame: u32) -> u64 {
        let rate = clip.media.frame_rate;
        let num = u128::from(frame) * 1000 * u128::from(rate.den);
        let den = u128::from(rate.num);
        u64::try_from((2 * num + den) / (2 * den)).unwrap_or(u64::MAX)
    }

    fn frame_of(&self, clip: &Clip, ms: u64) -> u64 {
        let rate = clip.media.frame_rate;
        let num = u128::from(ms) * u128::from(rate.num);
        let den = 1000 * u128::from(rate.den);
        u64::try_from((2 * num + den) / (2 * den)).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FrameRate;

    fn clip(num: u32, den: u32) -> Clip {
        let mut clip = crate::model::testing::sample_project().clips.remove(0);
        clip.media.frame_rate = FrameRate::new(num, den).unwrap();
        clip
    }

    #[test]
    fn every_frame_of_an_hour_comes_back_from_its_milliseconds() {
        for (num, den) in [(30, 1), (25, 1), (30000, 1001), (24000, 1001), (60, 1)] {
            let c = clip(num, den);
            for f in (0..num / den * 3600).step_by(7) {
                let ms = ByRate.ms_of(&c, f);
                assert_eq!(
                    ByRate.frame_of(&c, ms),
                    u64::from(f),
                    "{num}/{den} frame {f}"
                );
            }
        }
        let ntsc = clip(30000, 1001);
        assert_eq!(ByRate.ms_of(&ntsc, 1), 33);
        assert_eq!(ByRate.ms_of(&ntsc, 30), 1001);
        assert_eq!(ByRate.frame_of(&ntsc, 17), 1, "nearest, not floor");
    }
}
