//! Reads a clip's video frame table (presentation timestamps, keyframes),
//! size, rotation and audio presence by demuxing with FFmpeg — no decoding,
//! so it costs a read of the file, not a decode.

use std::path::Path;

use ffmpeg_next::Rational;

use crate::media::ffmpeg::{FrameTable, Input, MediaError, TABLE_BUDGET, Timing, ts_to_ns};

use super::error::EngineError;
use super::timeline::Timeline;

/// What the engine needs to know about a clip before building pipelines.
#[derive(Debug, Clone)]
pub(crate) struct ClipIndex {
    pub timeline: Timeline,
    /// Display size (stored width times the pixel aspect ratio), before rotation.
    pub width: u32,
    pub height: u32,
    /// Rotation in degrees clockwise (0, 90, 180, 270) from the display matrix.
    pub rotation: u32,
    pub has_audio: bool,
}

impl ClipIndex {
    /// Size as presented, after rotation.
    pub(crate) fn display_dims(&self) -> (u32, u32) {
        if self.rotation % 180 == 90 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

pub(crate) fn index_clip(path: &Path) -> Result<ClipIndex, EngineError> {
    index_clip_with_clock(path).map(|(index, _)| index)
}

/// The index and FFmpeg's clock over the same frame table, for a decoder
/// that maps FFmpeg's timestamps (read once: a second scan of a long file
/// would double the time it takes to open).
pub(crate) fn index_clip_with_clock(path: &Path) -> Result<(ClipIndex, Timing), EngineError> {
    let not_media = |reason: String| EngineError::NotMedia {
        path: path.to_path_buf(),
        reason,
    };
    let mut input = Input::open(path).map_err(|e| match e {
        // A FIFO or device would block FFmpeg for ever.
        MediaError::Refused(e) => EngineError::Unreadable {
            path: path.to_path_buf(),
            reason: e.reason(),
        },
        MediaError::Init { source } | MediaError::Open { source, .. } => {
            not_media(source.to_string())
        }
        other => not_media(other.to_string()),
    })?;
    let has_audio = input.audio().is_some();
    let video = input.video().ok_or_else(|| EngineError::NoVideo {
        path: path.to_path_buf(),
    })?;
    let (width, height) = video.display_size();
    // The same reading of the display matrix that `attune probe` reports.
    let rotation = u32::from(video.rotation);
    if width == 0 || height == 0 {
        return Err(not_media("the video stream has no picture size".into()));
    }
    let fps = video.avg_frame_rate;
    let (fps_num, fps_den) = if fps.numerator() > 0 && fps.denominator() > 0 {
        (fps.numerator() as u32, fps.denominator() as u32)
    } else {
        (30, 1)
    };
    let rate = (fps_num, fps_den);
    let (timeline, clock) = match input.frame_table(&video, TABLE_BUDGET) {
        Ok(table) => (
            timeline_of(&table, video.time_base, fps_num, fps_den),
            Timing::with_table(&video, rate, table),
        ),
        Err(gap) => {
            log::debug!("clip indexed by rate: {gap:?}");
            let count = u32::try_from(video.declared_frames).unwrap_or(0);
            if count == 0 {
                return Err(not_media("no video frames could be read".into()));
            }
            (
                Timeline::constant(count, fps_num, fps_den, 250),
                Timing::new(&video, rate),
            )
        }
    };
    let index = ClipIndex {
        timeline,
        width,
        height,
        rotation,
        has_audio,
    };
    Ok((index, clock))
}

/// The engine's table of the same presented frames every FFmpeg reader
/// maps through, in nanoseconds from the first one: GStreamer's stream time
/// starts at zero too (qtdemux folds the edit list into the segment), and
/// what offset is left is measured on the first decoded frame at open.
fn timeline_of(table: &FrameTable, time_base: Rational, fps_num: u32, fps_den: u32) -> Timeline {
    let first = table.pts_of(0).unwrap_or(0);
    let ns = |t: i64| ts_to_ns(t - first, time_base);
    let frames = table
        .pts()
        .iter()
        .enumerate()
        .filter_map(|(i, &t)| Some((ns(t)?, table.keyframes().binary_search(&(i as u32)).is_ok())))
        .collect();
    let decode_order: Vec<u64> = table.decode_order().iter().filter_map(|&t| ns(t)).collect();
    let mut timeline = Timeline::new(frames, fps_num, fps_den);
    timeline.set_decode_order(&decode_order);
    timeline
}
