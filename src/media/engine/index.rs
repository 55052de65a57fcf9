//! Reads a clip's video frame table (presentation timestamps, keyframes),
//! size, rotation and audio presence by demuxing with FFmpeg — no decoding,
//! so it costs a read of the file, not a decode.

use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::media::ffmpeg::packets;
use crate::media::ffmpeg::{Input, MediaError, ts_to_ns};

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

/// Past this, indexing gives up and assumes a constant frame rate (very
/// long MPEG-TS files would otherwise delay opening).
const SCAN_BUDGET: Duration = Duration::from_secs(4);

pub(crate) fn index_clip(path: &Path) -> Result<ClipIndex, EngineError> {
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
    let started = Instant::now();
    let mut frames = Vec::new();
    let mut gave_up = false;
    packets::scan_lenient(&mut input, video.index, |packet| {
        if packet.discard {
            return ControlFlow::Continue(());
        }
        if let Some(t) = packet
            .pts
            .or(packet.dts)
            .and_then(|ts| ts_to_ns(ts, video.time_base))
        {
            frames.push((t, packet.key));
        }
        if started.elapsed() > SCAN_BUDGET {
            gave_up = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    let timeline = if gave_up || frames.is_empty() {
        let count = u32::try_from(video.declared_frames).unwrap_or(0);
        if count == 0 {
            return Err(not_media("no video frames could be read".into()));
        }
        Timeline::constant(count, fps_num, fps_den, 250)
    } else {
        // Timestamps relative to the first presented frame: GStreamer's stream
        // time starts at zero too (qtdemux folds the edit list into the
        // segment). Any leftover constant offset is corrected at open.
        let first = frames.iter().map(|f| f.0).min().unwrap_or(0);
        for f in &mut frames {
            f.0 -= first;
        }
        let decode_order: Vec<u64> = frames.iter().map(|f| f.0).collect();
        let mut timeline = Timeline::new(frames, fps_num, fps_den);
        timeline.set_decode_order(&decode_order);
        timeline
    };
    Ok(ClipIndex {
        timeline,
        width,
        height,
        rotation,
        has_audio,
    })
}
