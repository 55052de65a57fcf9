//! The timeline's overview of a clip: a filmstrip of small thumbnails and
//! the audio waveform (turn-taking is often heard before it is seen).
//!
//! Both are computed on one low-priority background thread (`worker`) and
//! cached on disk under the user's cache folder, keyed by the clip's
//! fingerprint (`cache`), so a clip opened again shows its overview at once.
//! The decoding itself lives in `thumbs` and `waveform`; neither knows about
//! threads or the cache, so tests and `attune bench overview` call them
//! directly.

mod cache;
mod thumbs;
mod waveform;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::media::ffmpeg::{Input, MediaError};
use crate::model::{Fingerprint, FrameRate};

pub use cache::OverviewCache;
pub use thumbs::{THUMB_LONG_SIDE, compute_filmstrip};
pub use waveform::{BUCKETS_PER_SECOND, compute_waveform};
pub use worker::OverviewWorker;

/// One small picture from the clip, turned for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// The frame actually decoded (may be a few frames from the one aimed at).
    pub frame: u32,
    pub width: u32,
    pub height: u32,
    /// Tightly packed RGBA, `width * height * 4` bytes.
    pub rgba: Vec<u8>,
}

/// Thumbnails sorted by frame, spread evenly over the clip.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filmstrip {
    pub thumbs: Vec<Thumbnail>,
}

/// Peaks of the mono downmix: bucket `i` covers `[i/bps, (i+1)/bps)` seconds
/// from the first video frame, as `(min, max)` in `-127..=127`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Waveform {
    pub buckets_per_second: u32,
    pub peaks: Vec<(i8, i8)>,
}

/// What the UI asks the worker to compute for one clip.
#[derive(Debug, Clone)]
pub struct OverviewJob {
    pub path: PathBuf,
    pub fingerprint: Fingerprint,
    /// Clockwise display rotation (0, 90, 180, 270).
    pub rotation: u16,
    pub frames: u32,
    pub frame_rate: FrameRate,
}

/// What the worker reports; every event names the clip by its fingerprint
/// hash so the UI can route it to the right timeline.
#[derive(Debug, Clone)]
pub enum OverviewEvent {
    /// 0..=1 over the whole job.
    Progress {
        fingerprint_hash: String,
        fraction: f32,
    },
    Filmstrip {
        fingerprint_hash: String,
        filmstrip: Arc<Filmstrip>,
    },
    /// Not sent for clips without audio: silence is not an error.
    Waveform {
        fingerprint_hash: String,
        waveform: Arc<Waveform>,
    },
    Failed {
        fingerprint_hash: String,
        message: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum OverviewError {
    #[error("{path}: no such file")]
    Missing { path: PathBuf },
    #[error("{path}: not a media file FFmpeg can read ({reason})")]
    NotMedia { path: PathBuf, reason: String },
    #[error("{path}: has no video stream")]
    NoVideo { path: PathBuf },
    #[error("{path}: cannot decode the video for thumbnails ({reason})")]
    Video { path: PathBuf, reason: String },
    #[error("{path}: cannot decode the audio for the waveform ({reason})")]
    Audio { path: PathBuf, reason: String },
    /// Stopped on request (the worker is being dropped); never shown.
    #[error("{path}: stopped")]
    Cancelled { path: PathBuf },
}

impl OverviewError {
    fn video(path: &Path, reason: impl ToString) -> Self {
        OverviewError::Video {
            path: path.into(),
            reason: reason.to_string(),
        }
    }

    fn audio(path: &Path, reason: impl ToString) -> Self {
        OverviewError::Audio {
            path: path.into(),
            reason: reason.to_string(),
        }
    }
}

/// Opens a clip for reading, with errors that name the file.
fn open_input(path: &Path) -> Result<Input, OverviewError> {
    use crate::files::InputError;
    Input::open(path).map_err(|e| match e {
        MediaError::Refused(InputError::Missing { .. }) => {
            OverviewError::Missing { path: path.into() }
        }
        MediaError::Refused(InputError::Folder { .. }) => OverviewError::NotMedia {
            path: path.into(),
            reason: "it is a folder".into(),
        },
        // A FIFO or device would block FFmpeg for ever.
        MediaError::Refused(_) => OverviewError::NotMedia {
            path: path.into(),
            reason: "not a regular file".into(),
        },
        MediaError::Init { source } | MediaError::Open { source, .. } => OverviewError::NotMedia {
            path: path.into(),
            reason: source.to_string(),
        },
        other => OverviewError::NotMedia {
            path: path.into(),
            reason: other.to_string(),
        },
    })
}

/// Upper bound on thumbnails per clip: 600 of about 160x90 is ~35 MB of RGBA,
/// and a timeline never shows more side by side.
pub(crate) const MAX_THUMBS: u32 = 600;
/// A thumbnail every this many seconds until `MAX_THUMBS` is reached.
const SECONDS_PER_THUMB: u64 = 2;

/// How many thumbnails a clip gets: one per ~2 s, at least 1, at most
/// `MAX_THUMBS` (an hour-long clip gets one every 6 s), never more than
/// it has frames.
pub fn thumb_count_for(frames: u32, frame_rate: FrameRate) -> u32 {
    // Whole seconds, rounded up, in exact integer maths.
    let seconds =
        (u64::from(frames) * u64::from(frame_rate.den)).div_ceil(u64::from(frame_rate.num));
    let count = seconds
        .div_ceil(SECONDS_PER_THUMB)
        .clamp(1, u64::from(MAX_THUMBS));
    (count as u32).min(frames.max(1))
}

/// The frames thumbnails aim at: the start of each of `count` equal parts.
pub(crate) fn thumb_targets(frames: u32, count: u32) -> Vec<u32> {
    let count = count.max(1);
    (0..count)
        .map(|i| (u64::from(i) * u64::from(frames) / u64::from(count)) as u32)
        .collect()
}

/// A flag the worker raises to stop a computation between frames.
pub(crate) type Cancel = Arc<std::sync::atomic::AtomicBool>;

fn cancelled(cancel: &Cancel) -> bool {
    cancel.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(num: u32, den: u32) -> FrameRate {
        FrameRate::new(num, den).unwrap()
    }

    #[test]
    fn thumb_counts() {
        assert_eq!(thumb_count_for(720, rate(30, 1)), 12);
        assert_eq!(thumb_count_for(375, rate(25, 1)), 8);
        assert_eq!(thumb_count_for(1, rate(30, 1)), 1);
        assert_eq!(thumb_count_for(0, rate(30, 1)), 1);
        // An hour at NTSC rate hits the cap.
        assert_eq!(thumb_count_for(107_892, rate(30000, 1001)), MAX_THUMBS);
        // A 3-frame clip cannot have more thumbnails than frames.
        assert_eq!(thumb_count_for(3, rate(1, 10)), 3);
    }

    #[test]
    fn targets_start_at_zero_and_spread_evenly() {
        assert_eq!(thumb_targets(720, 12)[..3], [0, 60, 120]);
        assert_eq!(*thumb_targets(720, 12).last().unwrap(), 660);
        let t = thumb_targets(375, 8);
        assert_eq!(t.len(), 8);
        assert!(t.windows(2).all(|w| w[1] > w[0]));
    }
}
