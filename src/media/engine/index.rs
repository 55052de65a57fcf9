//! Reads a clip's video frame table (presentation timestamps, keyframes),
//! size, rotation and audio presence by demuxing with FFmpeg — no decoding,
//! so it costs a read of the file, not a decode.

use std::path::Path;
use std::time::{Duration, Instant};

use ffmpeg_next as ffmpeg;

use super::error::EngineError;
use super::timeline::Timeline;

/// What the engine needs to know about a clip before building pipelines.
#[derive(Debug, Clone)]
pub struct ClipIndex {
    pub timeline: Timeline,
    /// Coded size, before rotation.
    pub width: u32,
    pub height: u32,
    /// Rotation in degrees clockwise (0, 90, 180, 270) from the display matrix.
    pub rotation: u32,
    pub has_audio: bool,
}

impl ClipIndex {
    /// Size as presented, after rotation.
    pub fn display_dims(&self) -> (u32, u32) {
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

/// AV_PKT_FLAG_DISCARD: frames the edit list hides; never presented.
const PKT_FLAG_DISCARD: i32 = 0x4;

pub fn index_clip(path: &Path) -> Result<ClipIndex, EngineError> {
    let not_media = |reason: String| EngineError::NotMedia {
        path: path.to_path_buf(),
        reason,
    };
    // A FIFO or device would block FFmpeg for ever.
    crate::files::require_regular(path).map_err(|e| EngineError::Unreadable {
        path: path.to_path_buf(),
        reason: e.reason(),
    })?;
    ffmpeg::init().map_err(|e| not_media(e.to_string()))?;
    // Errors come back typed; FFmpeg's own console chatter is noise.
    ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Fatal);
    let mut input = ffmpeg::format::input(path).map_err(|e| not_media(e.to_string()))?;
    let has_audio = input.streams().best(ffmpeg::media::Type::Audio).is_some();
    let (index, tb, fps, width, height, rotation, nb_frames) = {
        let stream = input
            .streams()
            .best(ffmpeg::media::Type::Video)
            .ok_or_else(|| EngineError::NoVideo {
                path: path.to_path_buf(),
            })?;
        let params = stream.parameters();
        // SAFETY: `params` wraps a valid AVCodecParameters for the stream's
        // lifetime; only plain integer fields are read.
        let (w, h) = unsafe {
            let p = params.as_ptr();
            ((*p).width.max(0) as u32, (*p).height.max(0) as u32)
        };
        // The same reading of the display matrix that `attune probe` reports.
        let rotation = u32::from(crate::media::probe::rotation_of(&stream));
        let fps = stream.avg_frame_rate();
        (
            stream.index(),
            stream.time_base(),
            fps,
            w,
            h,
            rotation,
            stream.frames(),
        )
    };
    if width == 0 || height == 0 {
        return Err(not_media("the video stream has no picture size".into()));
    }
    let (fps_num, fps_den) = if fps.numerator() > 0 && fps.denominator() > 0 {
        (fps.numerator() as u32, fps.denominator() as u32)
    } else {
        (30, 1)
    };
    let to_ns = |ts: i64| -> Option<u64> {
        let v = ts as i128 * 1_000_000_000i128 * tb.numerator() as i128
            / tb.denominator().max(1) as i128;
        u64::try_from(v).ok()
    };
    let started = Instant::now();
    let mut frames = Vec::new();
    let mut gave_up = false;
    for (stream, packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        if packet.flags().bits() & PKT_FLAG_DISCARD != 0 {
            continue;
        }
        if let Some(t) = packet.pts().or(packet.dts()).and_then(to_ns) {
            frames.push((t, packet.is_key()));
        }
        if started.elapsed() > SCAN_BUDGET {
            gave_up = true;
            break;
        }
    }
    let timeline = if gave_up || frames.is_empty() {
        let count = u32::try_from(nb_frames).unwrap_or(0);
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
