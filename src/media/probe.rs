//! Media facts through ffmpeg-next: what `attune probe` prints and what a
//! clip records when it is added to a project.
//!
//! The frame count must equal what a decoder will actually deliver, because
//! every position in Attune is a frame index. MP4 and MOV carry an exact
//! sample count; other containers (Matroska, MPEG-TS from camcorders) do not,
//! so there we count the video packets, which needs no decoding.

use std::path::{Path, PathBuf};

use ffmpeg_next as ffmpeg;
use serde::Serialize;

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

/// What `attune probe --json` prints: the keys are a public contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeReport {
    pub frames: u32,
    pub fps_num: u32,
    pub fps_den: u32,
    pub width: u32,
    pub height: u32,
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

pub fn init() {
    // Initialising twice is harmless; an error here only means FFmpeg could
    // not register devices, which probing does not need.
    let _ = ffmpeg::init();
    ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Fatal);
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
    init();
    let meta = crate::files::require_regular(path)?;
    if meta.len() == 0 {
        return Err(ProbeError::Empty { path: path.into() });
    }
    let not_media = |e: ffmpeg::Error| match container_signature(path) {
        // A file that starts like a video but cannot be opened has lost its
        // end (an MP4's index is often written last).
        Some(kind) => ProbeError::Truncated {
            path: path.into(),
            detail: format!("it starts as {kind}, but FFmpeg cannot open it: {e}"),
        },
        None => ProbeError::NotMedia {
            path: path.into(),
            reason: e.to_string(),
        },
    };
    let mut input = ffmpeg::format::input(path).map_err(not_media)?;

    let video = input
        .streams()
        .best(ffmpeg::media::Type::Video)
        .ok_or_else(|| ProbeError::NoVideo { path: path.into() })?;
    let video_index = video.index();
    let time_base = video.time_base();
    let rate = pick_frame_rate(video.avg_frame_rate(), video.rate())
        .ok_or_else(|| ProbeError::NoFrameRate { path: path.into() })?;
    let params = video.parameters();
    let video_codec = params.id().name().to_string();
    let (width, height) = coded_size(&params, path)?;
    let rotation = rotation_of(&video);
    let declared_frames = u32::try_from(video.frames()).unwrap_or(0);
    let audio_codec = input
        .streams()
        .best(ffmpeg::media::Type::Audio)
        .map(|s| s.parameters().id().name().to_string());

    let scan = scan_packets(&mut input, video_index, declared_frames == 0);
    if let Some(err) = scan.read_error.as_ref()
        && declared_frames == 0
    {
        return Err(ProbeError::Truncated {
            path: path.into(),
            detail: err.clone(),
        });
    }
    let frames = if declared_frames > 0 {
        check_tail(&mut input, video_index, declared_frames, path)?;
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
    let variable_frame_rate = is_variable(&scan.pts, time_base, rate);
    let duration_us = frames_to_us(frames, rate);
    Ok(ProbeReport {
        frames,
        fps_num: rate.0,
        fps_den: rate.1,
        width,
        height,
        rotation,
        duration_s: duration_us as f64 / 1e6,
        video_codec,
        audio_codec,
        variable_frame_rate,
        duration_us,
    })
}

/// avg_frame_rate is what a player presents on average; r_frame_rate is the
/// container's guess at the base rate. Prefer the average when it is sane.
fn pick_frame_rate(avg: ffmpeg::Rational, r: ffmpeg::Rational) -> Option<(u32, u32)> {
    [avg, r].into_iter().find_map(|q| {
        let (n, d) = (q.numerator(), q.denominator());
        (n > 0 && d > 0 && n / d < 1000).then_some((n as u32, d as u32))
    })
}

fn coded_size(params: &ffmpeg::codec::Parameters, path: &Path) -> Result<(u32, u32), ProbeError> {
    let ctx = ffmpeg::codec::context::Context::from_parameters(params.clone()).map_err(|e| {
        ProbeError::Undecodable {
            path: path.into(),
            reason: e.to_string(),
        }
    })?;
    let decoder = ctx.decoder().video().map_err(|e| ProbeError::Undecodable {
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

/// Phone footage is stored sideways with a display matrix saying how to
/// turn it. Returns the clockwise turn, snapped to a quarter. The engine's
/// index uses this too, so what probe reports is what playback shows.
pub(crate) fn rotation_of(stream: &ffmpeg::format::stream::Stream) -> u16 {
    use ffmpeg::codec::packet::side_data::Type;
    if let Some(turn) = stream
        .side_data()
        .filter(|side| side.kind() == Type::DisplayMatrix)
        .find_map(|side| rotation_from_matrix(side.data()))
    {
        return turn;
    }
    stream
        .metadata()
        .get("rotate")
        .and_then(|r| r.parse::<i32>().ok())
        .map(|r| (r.rem_euclid(360) as u16 / 90) * 90)
        .unwrap_or(0)
}

/// The clockwise turn a 3x3 display matrix (nine 16.16 fixed-point i32 in
/// native byte order) describes, or None when it is too short or degenerate.
fn rotation_from_matrix(data: &[u8]) -> Option<u16> {
    if data.len() < 36 {
        return None;
    }
    let m = |i: usize| {
        let b = [
            data[4 * i],
            data[4 * i + 1],
            data[4 * i + 2],
            data[4 * i + 3],
        ];
        f64::from(i32::from_ne_bytes(b)) / 65536.0
    };
    let (s0, s1) = (m(0).hypot(m(3)), m(1).hypot(m(4)));
    if s0 == 0.0 || s1 == 0.0 {
        return None;
    }
    // Same maths as av_display_rotation_get, whose result is
    // counter-clockwise; negate it for the clockwise turn.
    let ccw = -(m(1) / s1).atan2(m(0) / s0).to_degrees();
    let cw = (-ccw).rem_euclid(360.0);
    Some(((cw / 90.0).round() as u16 % 4) * 90)
}

struct PacketScan {
    packets: u32,
    pts: Vec<i64>,
    read_error: Option<String>,
}

/// Reads video packets: all of them when the container has no frame count,
/// otherwise only enough timestamps to judge the frame rate's regularity.
fn scan_packets(input: &mut ffmpeg::format::context::Input, video: usize, all: bool) -> PacketScan {
    let mut scan = PacketScan {
        packets: 0,
        pts: Vec::new(),
        read_error: None,
    };
    // A fresh packet per read: av_read_frame does not release what a
    // reused packet held, so reusing one leaks every packet's data.
    let mut packet;
    loop {
        packet = ffmpeg::Packet::empty();
        match packet.read(input) {
            Ok(()) => {}
            Err(ffmpeg::Error::Eof) => break,
            Err(e) => {
                scan.read_error = Some(e.to_string());
                break;
            }
        }
        if packet.stream() != video {
            continue;
        }
        scan.packets += 1;
        if scan.pts.len() < VFR_SAMPLE_PACKETS {
            if let Some(pts) = packet.pts() {
                scan.pts.push(pts);
            }
        } else if !all {
            break;
        }
    }
    scan
}

/// A faststart MP4 cut short still has its whole index at the front, so the
/// header promises frames whose bytes are gone. Reading from the last second
/// catches that without reading the whole file.
fn check_tail(
    input: &mut ffmpeg::format::context::Input,
    video: usize,
    declared: u32,
    path: &Path,
) -> Result<(), ProbeError> {
    let duration = input.duration();
    if duration <= 0 {
        return Ok(());
    }
    let target = (duration - 1_000_000).max(0);
    if input.seek(target, ..target).is_err() {
        return Err(ProbeError::Truncated {
            path: path.into(),
            detail: format!("cannot reach the end of the {declared} frames the index lists"),
        });
    }
    // A fresh packet per read: av_read_frame does not release what a
    // reused packet held, so reusing one leaks every packet's data.
    let mut packet;
    let mut seen_video = 0u32;
    loop {
        packet = ffmpeg::Packet::empty();
        match packet.read(input) {
            Ok(()) => {
                if packet.stream() == video {
                    seen_video += 1;
                }
            }
            Err(ffmpeg::Error::Eof) => break,
            Err(e) => {
                return Err(ProbeError::Truncated {
                    path: path.into(),
                    detail: format!(
                        "the index lists {declared} frames but reading the end fails: {e}"
                    ),
                });
            }
        }
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

fn frames_to_us(frames: u32, rate: (u32, u32)) -> u64 {
    (u128::from(frames) * u128::from(rate.1) * 1_000_000 / u128::from(rate.0)) as u64
}

#[cfg(test)]
mod tests {
    use super::rotation_from_matrix;

    fn matrix(a: i32, b: i32, c: i32, d: i32) -> Vec<u8> {
        let vals = [a, b, 0, c, d, 0, 0, 0, 1 << 30];
        vals.iter().flat_map(|v| v.to_ne_bytes()).collect()
    }

    #[test]
    fn display_matrix_rotations() {
        let one = 1 << 16;
        assert_eq!(rotation_from_matrix(&matrix(one, 0, 0, one)), Some(0));
        // Phone portrait footage: matrix [0 1; -1 0] means 90 degrees clockwise.
        assert_eq!(rotation_from_matrix(&matrix(0, one, -one, 0)), Some(90));
        assert_eq!(rotation_from_matrix(&matrix(0, -one, one, 0)), Some(270));
        assert_eq!(rotation_from_matrix(&matrix(-one, 0, 0, -one)), Some(180));
        // Scaled matrices turn the same way.
        assert_eq!(
            rotation_from_matrix(&matrix(0, 2 * one, -2 * one, 0)),
            Some(90)
        );
        assert_eq!(rotation_from_matrix(&matrix(0, 0, 0, 0)), None);
        assert_eq!(rotation_from_matrix(&[0; 12]), None);
    }
}
