//! The frames a video stream presents, read from its packets (demuxing
//! alone, no decoding): what every reader maps a decoded frame's timestamp
//! through, so index N is the N-th presented frame whatever the container
//! does with time.
//!
//! Containers disagree about time in ways a rate alone cannot undo:
//! Matroska and WebM store milliseconds (30 fps frames land at 33, 67,
//! 100 ms), Opus and AAC priming pulls a file's start before its video's,
//! MPEG-TS clocks start hours in, edit lists hide demuxed frames, and
//! phones vary the rate. The nearest presented timestamp is exact in all
//! of them.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use ffmpeg_next as ffmpeg;

use super::{Input, StreamInfo, Timing, packets};

/// Past this, reading a table gives up and frames are mapped by the rate
/// (very long MPEG-TS files would otherwise delay opening).
pub(crate) const TABLE_BUDGET: Duration = Duration::from_secs(4);

impl Input {
    /// The presented frames of `stream`, read within `budget`; the input is
    /// rewound to the start afterwards.
    pub(crate) fn frame_table(
        &mut self,
        stream: &StreamInfo,
        budget: Duration,
    ) -> Result<FrameTable, TableGap> {
        let table = FrameTable::read(self, stream, budget);
        if let Err(e) = self.seek_start() {
            log::debug!("could not rewind after reading the frame table: {e}");
        }
        table
    }

    /// How many frames the container's own index says `stream` presents,
    /// when that index lists every packet (MP4 and MOV do): a header's frame
    /// count includes the frames an edit list hides, this does not. Read
    /// from memory, without touching the file's payload.
    pub(crate) fn presented_in_index(&self, stream: &StreamInfo) -> Option<u32> {
        let st = self.ctx.stream(stream.index)?;
        // SAFETY: `st` wraps a valid AVStream of the open context; the
        // entries it returns live as long as the context and are only read.
        unsafe {
            let ptr = st.as_ptr();
            let count = ffmpeg::ffi::avformat_index_get_entries_count(ptr);
            if count <= 0 || i64::from(count) != stream.declared_frames {
                return None;
            }
            let mut presented = 0u32;
            for i in 0..count {
                let entry = ffmpeg::ffi::avformat_index_get_entry(ptr as *mut _, i);
                if entry.is_null() {
                    return None;
                }
                if (*entry).flags() & ffmpeg::ffi::AVINDEX_DISCARD_FRAME == 0 {
                    presented += 1;
                }
            }
            Some(presented)
        }
    }

    /// The clock of `stream` at `rate`, through its frame table when it can
    /// be read within [`TABLE_BUDGET`], else by the rate alone.
    pub(crate) fn timing(&mut self, stream: &StreamInfo, rate: (u32, u32)) -> Timing {
        match self.frame_table(stream, TABLE_BUDGET) {
            Ok(table) => Timing::with_table(stream, rate, table),
            Err(gap) => {
                log::debug!("frames mapped by rate: {gap:?}");
                Timing::new(stream, rate)
            }
        }
    }
}

/// The presented frames of one video stream, in its time base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrameTable {
    /// Presentation timestamps, strictly increasing: sorted, and a repeated
    /// timestamp counted once (a decoder presents only one of them).
    pts: Vec<i64>,
    /// Indices of the frames flagged as keyframes, sorted.
    keyframes: Vec<u32>,
    /// Every presented packet's timestamp in the order it was demuxed
    /// (decode order), for how deep the stream reorders.
    decode_order: Vec<i64>,
}

/// How a table read ended without a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableGap {
    /// The stream has no timestamped video packet.
    Empty,
    /// Reading took longer than the budget (a very long MPEG-TS).
    OverBudget,
}

impl FrameTable {
    /// Reads every packet of `stream`, within `budget`. Packets the edit
    /// list hides are demuxed but not presented, so they are left out; a
    /// damaged packet is skipped and a read error ends the table where it
    /// is, like the end of the file.
    pub(crate) fn read(
        input: &mut Input,
        stream: &StreamInfo,
        budget: Duration,
    ) -> Result<Self, TableGap> {
        let started = Instant::now();
        let mut frames = Vec::new();
        let mut over = false;
        packets::scan_lenient(input, stream.index, |packet| {
            if !packet.discard
                && let Some(t) = packet.pts.or(packet.dts)
            {
                frames.push((t, packet.key));
            }
            if started.elapsed() > budget {
                over = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        if over {
            return Err(TableGap::OverBudget);
        }
        Self::from_packets(frames).ok_or(TableGap::Empty)
    }

    /// A table from `(timestamp, keyframe)` pairs in demux order.
    pub(crate) fn from_packets(frames: Vec<(i64, bool)>) -> Option<Self> {
        if frames.is_empty() {
            return None;
        }
        let decode_order = frames.iter().map(|f| f.0).collect();
        let mut sorted = frames;
        sorted.sort_by_key(|f| f.0);
        // Two packets with one timestamp: keep one, a keyframe if either is.
        sorted.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 |= later.1;
            }
            same
        });
        let keyframes = sorted
            .iter()
            .enumerate()
            .filter(|(_, f)| f.1)
            .map(|(i, _)| i as u32)
            .collect();
        Some(Self {
            pts: sorted.into_iter().map(|f| f.0).collect(),
            keyframes,
            decode_order,
        })
    }

    /// How many frames are presented.
    pub(crate) fn len(&self) -> u32 {
        self.pts.len() as u32
    }

    /// Presentation timestamps, strictly increasing.
    pub(crate) fn pts(&self) -> &[i64] {
        &self.pts
    }

    /// Indices of keyframes, sorted.
    pub(crate) fn keyframes(&self) -> &[u32] {
        &self.keyframes
    }

    /// Presented timestamps in decode order.
    pub(crate) fn decode_order(&self) -> &[i64] {
        &self.decode_order
    }

    /// Timestamp of frame `index`.
    pub(crate) fn pts_of(&self, index: u32) -> Option<i64> {
        self.pts.get(index as usize).copied()
    }

    /// The frame whose timestamp is nearest to `pts`, or `None` outside the
    /// table by more than `slack` ticks (a frame the edit list hides, a
    /// frame past the end).
    pub(crate) fn nearest(&self, pts: i64, slack: i64) -> Option<u32> {
        let (first, last) = (*self.pts.first()?, *self.pts.last()?);
        if pts < first - slack || pts > last + slack {
            return None;
        }
        nearest(&self.pts, pts).map(|i| i as u32)
    }
}

/// Position of the value in `sorted` (ascending) nearest to `t`, the
/// earlier one on a tie; `None` when empty. The one nearest-timestamp
/// lookup, for FFmpeg's ticks and the engine's nanoseconds alike.
pub(crate) fn nearest<T>(sorted: &[T], t: T) -> Option<usize>
where
    T: Copy + Ord + std::ops::Sub<Output = T>,
{
    let last = sorted.len().checked_sub(1)?;
    let i = sorted.partition_point(|&p| p <= t);
    Some(if i == 0 {
        0
    } else if i > last || t - sorted[i - 1] <= sorted[i] - t {
        i - 1
    } else {
        i
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millisecond_timestamps_after_a_late_start_map_to_their_frames() {
        // WebM at 30 fps whose video starts at 7 ms (Opus priming).
        let pts: Vec<(i64, bool)> = (0..90)
            .map(|i| (7 + (i * 1000 + 15) / 30, i % 30 == 0))
            .collect();
        let t = FrameTable::from_packets(pts.clone()).unwrap();
        assert_eq!(t.len(), 90);
        for (i, (p, _)) in pts.iter().enumerate() {
            assert_eq!(t.nearest(*p, 16), Some(i as u32));
            assert_eq!(t.nearest(*p + 3, 16), Some(i as u32));
        }
        assert_eq!(t.keyframes(), &[0, 30, 60]);
        assert_eq!(t.nearest(7 - 17, 16), None, "before the first frame");
        assert_eq!(t.nearest(7 - 5, 16), Some(0));
    }

    #[test]
    fn reordered_repeated_and_backward_timestamps_give_one_increasing_table() {
        // Decode order I0 P3 B1 B2, a repeated P3, then a jump back to 2.
        let t = FrameTable::from_packets(vec![
            (0, true),
            (3, false),
            (1, false),
            (3, false),
            (2, false),
            (6, true),
        ])
        .unwrap();
        assert_eq!(t.pts(), &[0, 1, 2, 3, 6]);
        assert_eq!(t.keyframes(), &[0, 4]);
        assert_eq!(t.decode_order(), &[0, 3, 1, 3, 2, 6]);
        assert!(t.pts().windows(2).all(|w| w[0] < w[1]));
        assert!(FrameTable::from_packets(Vec::new()).is_none());
    }
}
