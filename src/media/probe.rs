//! Media facts through ffmpeg-next: what `attune probe` prints and what a
//! clip records when it is added to a project.
//!
//! The frame count must equal what a decoder will actually deliver, because
//! every position in Attune is a frame index. MP4 and MOV carry an exact
//! sample count; other containers (Matroska, MPEG-TS from camcorders) do not,
//! so there we count the video packets, which needs no decoding.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use ffmpeg_next as ffmpeg;
use serde::Serialize;

use super::ffmpeg::packets::{self, ScanEnd};
use super::ffmpeg::time::frames_to_us;
use super::ffmpeg::{FrameTable, Input, MediaError, StreamInfo, Threads};
use crate::model::{FrameRate, MediaFacts};

/// How many packet timestamps we read to decide whether a clip is
/// variable-frame-rate. Phone footage shows its jitter within seconds.
const VFR_SAMPLE_PACKETS: usize = 600;

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{path}: no such file")]
    Missing { path: PathBuf },
    #[error("{path}: cannot read the file: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    #[error("{path}: not a media file FFmpeg can read ({reason})")]
    NotMedia { path: PathBuf, reason: String },
    #[error("{path}: has no video stream")]
    NoVideo { path: PathBuf },
    #[error("{path}: the video stream has no usable frame rate")]
    NoFrameRate { path: PathBuf },
    #[error(
        "{path}: the file is truncated: cut short, perhaps an incomplete download or copy ({detail})"
    )]
    Truncated { path: PathBuf, detail: String },
    #[error("{path}: cannot decode the video ({reason})")]
    Undecodable { path: PathBuf, reason: String },
    /// A FIFO, device or socket: refused before FFmpeg blocks on it.
    #[error(transparent)]
    Input(crate::files::InputError),
}

impl From<crate::files::InputError> for ProbeError {
    fn from(e: crate::files::InputError) -> Self {
        use crate::files::InputError;
        match e {
            InputError::Missing { path } => ProbeError::Missing { path },
            InputError::Folder { path } => ProbeError::NotMedia {
                path,
                reason: "it is a folder".into(),
            },
            InputError::Unreadable { path, reason } => ProbeError::Unreadable {
                path,
                source: std::io::Error::other(reason),
            },
            other => ProbeError::Input(other),
        }
    }
}

impl ProbeError {
    /// The layer's errors in probe's words.
    pub(crate) fn media(path: &Path, e: MediaError) -> Self {
        match e {
            MediaError::Refused(e) => ProbeError::from(e),
            MediaError::Empty { path } => ProbeError::Empty { path },
            MediaError::NoVideo { path } => ProbeError::NoVideo { path },
            MediaError::Open { path, source } => ProbeError::NotMedia {
                path,
                reason: source.to_string(),
            },
            MediaError::Ffmpeg { path, source, .. } => ProbeError::Undecodable {
                path,
                reason: source.to_string(),
            },
            // FFmpeg could not start: nothing can be read.
            other => ProbeError::NotMedia {
                path: path.into(),
                reason: other.to_string(),
            },
        }
    }
}

/// What `attune probe --json` prints: the keys are a public contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeReport {
    pub frames: u32,
    pub fps_num: u32,
    pub fps_den: u32,
    /// Stored (coded) size, before rotation.
    pub width: u32,
    pub height: u32,
    /// Pixel aspect ratio as "num:den" ("1:1" when unknown or square).
    pub pixel_aspect_ratio: String,
    /// Size the picture is shown at: `width` times the pixel aspect ratio
    /// (rounded to even) by `height`, before rotation.
    pub display_width: u32,
    pub display_height: u32,
    /// Clockwise degrees the picture must be turned for display (0, 90, 180, 270).
    pub rotation: u16,
    pub duration_s: f64,
    pub video_codec: String,
    pub audio_codec: Option<String>,
    pub variable_frame_rate: bool,
    /// Microseconds, exact; `duration_s` is only for people.
    #[serde(skip)]
    pub duration_us: u64,
}

/// Which container the file's first bytes announce, if a video one.
fn container_signature(path: &Path) -> Option<&'static str> {
    use std::io::Read as _;
    let mut head = [0u8; 12];
    let file = crate::files::open_regular(path).ok()?;
    let n = file.take(12).read(&mut head).ok()?;
    let head = &head[..n];
    if head.len() >= 8 && matches!(&head[4..8], b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free") {
        Some("an MP4/MOV file")
    } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("a Matroska/WebM file")
    } else if head.starts_with(b"RIFF") {
        Some("an AVI file")
    } else {
        None
    }
}

pub fn probe(path: &Path) -> Result<ProbeReport, ProbeError> {
    let mut input = Input::open_non_empty(path).map_err(|e| match e {
        MediaError::Open { source, .. } => not_media(path, source),
        other => ProbeError::media(path, other),
    })?;
    let video = input
        .require_video()
        .map_err(|e| ProbeError::media(path, e))?;
    let rate = pick_frame_rate(video.avg_frame_rate, video.base_rate)
        .ok_or_else(|| ProbeError::NoFrameRate { path: path.into() })?;
    let video_codec = input.codec_name(&video).unwrap_or_default();
    let (width, height) = coded_size(&input, &video, path)?;
    // An MP4 cut with an edit list declares the frames it hides too.
    let declared_frames = input
        .presented_in_index(&video)
        .unwrap_or_else(|| u32::try_from(video.declared_frames).unwrap_or(0));
    let audio_codec = input.audio().and_then(|a| input.codec_name(&a));

    let scan = scan_packets(&mut input, video.index, declared_frames == 0);
    if let Some(err) = scan.read_error.as_ref()
        && declared_frames == 0
    {
        return Err(ProbeError::Truncated {
            path: path.into(),
            detail: err.clone(),
        });
    }
    let frames = if declared_frames > 0 {
        check_tail(&mut input, video.index, declared_frames, path)?;
        declared_frames
    } else {
        scan.packets
    };
    if frames == 0 {
        return Err(ProbeError::Undecodable {
            path: path.into(),
            reason: "the video stream holds no frames".into(),
        });
    }
    let variable_frame_rate = is_variable(&scan.pts, video.time_base, rate);
    let duration_us = frames_to_us(frames, rate);
    Ok(ProbeReport {
        frames,
        fps_num: rate.0,
        fps_den: rate.1,
        width,
        height,
        pixel_aspect_ratio: format!("{}:{}", video.pixel_aspect.num, video.pixel_aspect.den),
        display_width: video.pixel_aspect.display_width(width),
        display_height: height,
        rotation: video.rotation,
        duration_s: duration_us as f64 / 1e6,
        video_codec,
        audio_codec,
        variable_frame_rate,
        duration_us,
    })
}

/// FFmpeg cannot open the file. One that starts like a video has lost its
/// end (an MP4's index is often written last).
fn not_media(path: &Path, e: ffmpeg::Error) -> ProbeError {
    match container_signature(path) {
        Some(kind) => ProbeError::Truncated {
            path: path.into(),
            detail: format!("it starts as {kind}, but FFmpeg cannot open it: {e}"),
        },
        None => ProbeError::NotMedia {
            path: path.into(),
            reason: e.to_string(),
        },
    }
}

/// A probe report with no usable frame rate cannot describe a clip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the frame rate is zero")]
pub struct ZeroFrameRate;

/// What a clip records of its media. Here, not in `model`, because the
/// model must not know FFmpeg's report; every place that turns a probe into
/// a clip goes through this one conversion.
impl TryFrom<&ProbeReport> for MediaFacts {
    type Error = ZeroFrameRate;

    fn try_from(report: &ProbeReport) -> Result<Self, Self::Error> {
        Ok(MediaFacts {
            frame_rate: FrameRate::new(report.fps_num, report.fps_den).ok_or(ZeroFrameRate)?,
            frames: report.frames,
            duration_us: report.duration_us,
            width: report.width,
            height: report.height,
            // Recorded only when it differs: square clips save as before.
            display_width: if report.display_width == report.width {
                0
            } else {
                report.display_width
            },
            rotation: report.rotation,
            video_codec: report.video_codec.clone(),
            audio_codec: report.audio_codec.clone(),
            variable_frame_rate: report.variable_frame_rate,
        })
    }
}

/// avg_frame_rate is what a player presents on average; r_frame_rate is the
/// container's guess at the base rate. Prefer the average when it is sane.
fn pick_frame_rate(avg: ffmpeg::Rational, r: ffmpeg::Rational) -> Option<(u32, u32)> {
    [avg, r].into_iter().find_map(|q| {
        let (n, d) = (q.numerator(), q.denominator());
        (n > 0 && d > 0 && n / d < 1000).then_some((n as u32, d as u32))
    })
}

fn coded_size(input: &Input, video: &StreamInfo, path: &Path) -> Result<(u32, u32), ProbeError> {
    let decoder =
        input
            .video_decoder(video, Threads::Default)
            .map_err(|e| ProbeError::Undecodable {
                path: path.into(),
                reason: e.to_string(),
            })?;
    let (w, h) = (decoder.width(), decoder.height());
    if w == 0 || h == 0 {
        return Err(ProbeError::Undecodable {
            path: path.into(),
            reason: "the video stream has no picture size".into(),
        });
    }
    Ok((w, h))
}

struct PacketScan {
    packets: u32,
    pts: Vec<i64>,
    read_error: Option<String>,
}

/// Reads video packets: all of them when the container has no frame count
/// (counting the presented frames as the engine's table does: hidden
/// packets left out, a repeated timestamp once), otherwise only enough
/// timestamps to judge the frame rate's regularity.
fn scan_packets(input: &mut Input, video: usize, all: bool) -> PacketScan {
    let mut presented = Vec::new();
    let mut pts = Vec::new();
    let end = packets::scan(input, video, |packet| {
        if all
            && !packet.discard
            && let Some(t) = packet.pts.or(packet.dts)
        {
            presented.push((t, packet.key));
        }
        if pts.len() < VFR_SAMPLE_PACKETS {
            if let Some(t) = packet.pts {
                pts.push(t);
            }
        } else if !all {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    let read_error = match end {
        ScanEnd::Failed(e) => Some(e.to_string()),
        ScanEnd::Finished | ScanEnd::Stopped => None,
    };
    PacketScan {
        packets: FrameTable::from_packets(presented).map_or(0, |t| t.len()),
        pts,
        read_error,
    }
}

/// A faststart MP4 cut short still has its whole index at the front, so the
/// header promises frames whose bytes are gone. Reading from the last second
/// catches that without reading the whole file.
fn check_tail(
    input: &mut Input,
    video: usize,
    declared: u32,
    path: &Path,
) -> Result<(), ProbeError> {
    let duration = input.duration_us();
    if duration <= 0 {
        return Ok(());
    }
    let target = (duration - 1_000_000).max(0);
    if input.seek_key_before(target).is_err() {
        return Err(ProbeError::Truncated {
            path: path.into(),
            detail: format!("cannot reach the end of the {declared} frames the index lists"),
        });
    }
    let mut seen_video = 0u32;
    let end = packets::scan(input, video, |_| {
        seen_video += 1;
        ControlFlow::Continue(())
    });
    if let ScanEnd::Failed(e) = end {
        return Err(ProbeError::Truncated {
            path: path.into(),
            detail: format!("the index lists {declared} frames but reading the end fails: {e}"),
        });
    }
    if seen_video == 0 {
        return Err(ProbeError::Truncated {
            path: path.into(),
            detail: format!("the index lists {declared} frames but the last second has none"),
        });
    }
    Ok(())
}

/// A clip is variable-rate when presentation intervals differ from the
/// nominal frame duration by more than a quarter frame.
fn is_variable(pts: &[i64], tb: ffmpeg::Rational, rate: (u32, u32)) -> bool {
    if pts.len() < 3 || tb.denominator() <= 0 {
        return false;
    }
    let mut sorted = pts.to_vec();
    sorted.sort_unstable();
    // nominal frame duration in time-base ticks = tb.den * rate.den / (tb.num * rate.num)
    let nominal = f64::from(tb.denominator()) * f64::from(rate.1)
        / (f64::from(tb.numerator().max(1)) * f64::from(rate.0));
    sorted
        .windows(2)
        .any(|w| ((w[1] - w[0]) as f64 - nominal).abs() > nominal / 4.0)
}
