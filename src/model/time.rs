//! Positions are frame indices paired with the clip's rational frame rate.
//! Nanoseconds exist only at the boundary with media engines, so every
//! conversion here is exact integer maths; floats are for display only.

use serde::{Deserialize, Serialize};

const NS_PER_SECOND: u128 = 1_000_000_000;

/// A clip's frame rate as the container states it, e.g. 30000/1001.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawFrameRate")]
pub struct FrameRate {
    pub num: u32,
    pub den: u32,
}

/// What the file says, before we know it is usable.
#[derive(Deserialize)]
struct RawFrameRate {
    num: u32,
    den: u32,
}

impl TryFrom<RawFrameRate> for FrameRate {
    type Error = String;

    fn try_from(raw: RawFrameRate) -> Result<Self, Self::Error> {
        FrameRate::new(raw.num, raw.den).ok_or_else(|| {
            format!(
                "frame rate {}/{} is not usable: numerator and denominator must both be above zero",
                raw.num, raw.den
            )
        })
    }
}

impl FrameRate {
    /// `None` for a zero numerator or denominator, which would make every
    /// position meaningless.
    pub fn new(num: u32, den: u32) -> Option<Self> {
        (num > 0 && den > 0).then_some(Self { num, den })
    }

    /// Frames per second for showing to people; never use it for positions.
    pub fn fps_f64(&self) -> f64 {
        f64::from(self.num) / f64::from(self.den)
    }

    /// Presentation time of a frame's first instant, rounded down to the ns.
    pub fn frame_start_ns(&self, frame: u64) -> u64 {
        let ns = u128::from(frame) * u128::from(self.den) * NS_PER_SECOND / u128::from(self.num);
        u64::try_from(ns).unwrap_or(u64::MAX)
    }

    /// The frame whose presentation interval contains `ns`.
    ///
    /// Decoders and demuxers round timestamps to the nanosecond in their own
    /// ways (down, nearest, via microseconds), so a frame's timestamp can come
    /// back one ns before our rounded-down start. A timestamp up to 1 ns
    /// early still counts as that frame; a frame lasts millions of ns, so this
    /// never confuses two real frames.
    pub fn frame_at_ns(&self, ns: u64) -> u64 {
        let target = u128::from(ns) + 1;
        let per = u128::from(self.den) * NS_PER_SECOND;
        // Exact start times are >= the rounded ones, so the answer is this
        // floor or the frame after it.
        let mut frame = target * u128::from(self.num) / per;
        if self.start_ns_u128(frame + 1) <= target {
            frame += 1;
        }
        u64::try_from(frame).unwrap_or(u64::MAX)
    }

    fn start_ns_u128(&self, frame: u128) -> u128 {
        frame * u128::from(self.den) * NS_PER_SECOND / u128::from(self.num)
    }

    /// Whole frames counted per timecode second: 30 for 30000/1001, as in
    /// non-drop-frame SMPTE timecode.
    fn timecode_base(&self) -> u64 {
        u64::from(self.num).div_ceil(u64::from(self.den))
    }

    /// Non-drop timecode "HH:MM:SS:FF".
    pub fn timecode(&self, frame: u64) -> String {
        let base = self.timecode_base();
        let ff = frame % base;
        let total_seconds = frame / base;
        let ss = total_seconds % 60;
        let mm = (total_seconds / 60) % 60;
        let hh = total_seconds / 3600;
        format!("{hh:02}:{mm:02}:{ss:02}:{ff:02}")
    }

    /// The frame's start in seconds with two decimals, e.g. "12.40 s".
    pub fn seconds_label(&self, frame: u64) -> String {
        let centis = u128::from(frame) * u128::from(self.den) * 100 / u128::from(self.num);
        format!("{}.{:02} s", centis / 100, centis % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(num: u32, den: u32) -> FrameRate {
        FrameRate::new(num, den).unwrap()
    }

    #[test]
    fn zero_rates_are_refused() {
        assert!(FrameRate::new(0, 1).is_none());
        assert!(FrameRate::new(30, 0).is_none());
        let err = serde_json::from_str::<FrameRate>(r#"{"num":0,"den":1}"#).unwrap_err();
        assert!(err.to_string().contains("frame rate 0/1"), "{err}");
    }

    #[test]
    fn ntsc_frame_starts_are_exact() {
        let r = rate(30000, 1001);
        assert_eq!(r.frame_start_ns(0), 0);
        assert_eq!(r.frame_start_ns(1), 33_366_666);
        assert_eq!(r.frame_start_ns(30000), 1_001_000_000_000);
        assert_eq!(r.frame_at_ns(33_366_666), 1);
        assert_eq!(r.frame_at_ns(33_366_665), 1, "1 ns early still counts");
        assert_eq!(r.frame_at_ns(33_366_664), 0);
        assert_eq!(r.frame_at_ns(1_001_000_000_000), 30000);
    }

    #[test]
    fn timecodes_count_whole_frames_per_second() {
        let pal = rate(25, 1);
        assert_eq!(pal.timecode(0), "00:00:00:00");
        assert_eq!(pal.timecode(24), "00:00:00:24");
        assert_eq!(pal.timecode(25), "00:00:01:00");
        assert_eq!(pal.timecode(25 * 3661 + 7), "01:01:01:07");
        let ntsc = rate(30000, 1001);
        assert_eq!(ntsc.timecode(29), "00:00:00:29");
        assert_eq!(ntsc.timecode(30), "00:00:01:00");
    }

    #[test]
    fn seconds_labels() {
        assert_eq!(rate(25, 1).seconds_label(310), "12.40 s");
        assert_eq!(rate(30, 1).seconds_label(0), "0.00 s");
        assert_eq!(rate(30000, 1001).seconds_label(30), "1.00 s");
        assert!((rate(30000, 1001).fps_f64() - 29.97).abs() < 0.01);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn rates() -> impl Strategy<Value = FrameRate> {
            prop_oneof![
                Just(rate(30, 1)),
                Just(rate(25, 1)),
                Just(rate(30000, 1001)),
                Just(rate(24000, 1001)),
                Just(rate(60, 1)),
                Just(rate(60000, 1001)),
                (1u32..=240, 1u32..=1001).prop_map(|(n, d)| rate(n * 1000, d)),
            ]
        }

        proptest! {
            #[test]
            fn a_frame_start_maps_back_to_the_frame(r in rates(), f in 0u64..50_000_000) {
                let start = r.frame_start_ns(f);
                prop_assert_eq!(r.frame_at_ns(start), f);
                prop_assert_eq!(r.frame_at_ns(start + 1), f);
                if start > 0 {
                    prop_assert_eq!(r.frame_at_ns(start - 1), f);
                }
                let next = r.frame_start_ns(f + 1);
                prop_assert_eq!(r.frame_at_ns(next - 2), f);
                prop_assert_eq!(r.frame_at_ns((start + next) / 2), f);
            }
        }
    }
}
