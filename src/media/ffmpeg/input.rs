//! Opening a clip and choosing its streams: the only place Attune opens an
//! FFmpeg input.
//!
//! The file is first checked by `files::input` (a regular file, not a FIFO
//! or device, which would block FFmpeg for ever), then handed to FFmpeg.

use std::path::{Path, PathBuf};

use ffmpeg::{Rational, format, media};
use ffmpeg_next as ffmpeg;

use super::picture::PixelAspect;
use super::{MediaError, init};

/// An open clip: the container and the path it came from.
pub(crate) struct Input {
    path: PathBuf,
    pub(super) ctx: format::context::Input,
}

/// What a stream's header says, copied out so callers need not hold a
/// borrow of the container while they read from it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamInfo {
    pub index: usize,
    pub time_base: Rational,
    /// The stream's start time after the MP4 edit list, in `time_base`
    /// ticks; 0 when the container gives none. Frame 0 is presented here.
    pub start: i64,
    pub avg_frame_rate: Rational,
    /// The container's guess at the base rate (`r_frame_rate`).
    pub base_rate: Rational,
    /// The frame count the container declares; 0 when it has none.
    pub declared_frames: i64,
    /// Coded size from the stream's parameters, before rotation.
    pub width: u32,
    pub height: u32,
    /// Clockwise display turn (0, 90, 180, 270); see [`super::rotation`].
    pub rotation: u16,
    /// Shape of a stored pixel, as `av_guess_sample_aspect_ratio` reads it
    /// (the container's, else the codec's); unknown or nonsense is square.
    pub pixel_aspect: PixelAspect,
}

impl StreamInfo {
    /// The size the picture is shown at before rotation: the stored width
    /// times the pixel aspect ratio (rounded to even), the stored height.
    pub(crate) fn display_size(&self) -> (u32, u32) {
        (self.pixel_aspect.display_width(self.width), self.height)
    }
}

impl Input {
    /// Makes the demuxer drop every stream's packets but `keep`'s before
    /// they are handed out (a positioning decoder wants video only).
    pub(crate) fn only_stream(&mut self, keep: usize) {
        for i in 0..self.ctx.nb_streams() as usize {
            if i == keep {
                continue;
            }
            if let Some(mut st) = self.ctx.stream_mut(i) {
                // SAFETY: `st` wraps a valid AVStream of the open context;
                // one field the demuxer reads is written.
                unsafe { (*st.as_mut_ptr()).discard = ffmpeg::ffi::AVDiscard::AVDISCARD_ALL };
            }
        }
    }

    /// Opens `path` for reading.
    pub(crate) fn open(path: &Path) -> Result<Self, MediaError> {
        Self::open_checked(path, false)
    }

    /// Like [`open`](Self::open), but an empty file is [`MediaError::Empty`]
    /// rather than whatever FFmpeg makes of it: `attune probe` says so.
    pub(crate) fn open_non_empty(path: &Path) -> Result<Self, MediaError> {
        Self::open_checked(path, true)
    }

    fn open_checked(path: &Path, refuse_empty: bool) -> Result<Self, MediaError> {
        init()?;
        let meta = crate::files::require_regular(path)?;
        if refuse_empty && meta.len() == 0 {
            return Err(MediaError::Empty { path: path.into() });
        }
        let ctx = format::input(path).map_err(|source| MediaError::Open {
            path: path.into(),
            source,
        })?;
        Ok(Self {
            path: path.into(),
            ctx,
        })
    }

    /// The video stream FFmpeg ranks best, if any.
    pub(crate) fn video(&self) -> Option<StreamInfo> {
        self.best(media::Type::Video)
    }

    /// The video stream, or [`MediaError::NoVideo`].
    pub(crate) fn require_video(&self) -> Result<StreamInfo, MediaError> {
        self.video().ok_or_else(|| MediaError::NoVideo {
            path: self.path.clone(),
        })
    }

    /// The audio stream FFmpeg ranks best, if any.
    pub(crate) fn audio(&self) -> Option<StreamInfo> {
        self.best(media::Type::Audio)
    }

    /// The container's codec name for a stream ("h264", "aac"...).
    pub(crate) fn codec_name(&self, stream: &StreamInfo) -> Option<String> {
        self.ctx
            .stream(stream.index)
            .map(|s| s.parameters().id().name().to_string())
    }

    /// The container's duration in microseconds (`AV_TIME_BASE`); 0 or less
    /// when unknown.
    pub(crate) fn duration_us(&self) -> i64 {
        self.ctx.duration()
    }

    fn best(&self, kind: media::Type) -> Option<StreamInfo> {
        let stream = self.ctx.streams().best(kind)?;
        let params = stream.parameters();
        // SAFETY: `params` wraps a valid AVCodecParameters for the stream's
        // lifetime; only plain integer fields are read.
        let (width, height) = unsafe {
            let p = params.as_ptr();
            ((*p).width.max(0) as u32, (*p).height.max(0) as u32)
        };
        // SAFETY: both pointers are valid while `self.ctx` is borrowed;
        // FFmpeg only reads them (no frame is given).
        let sar = unsafe {
            ffmpeg::ffi::av_guess_sample_aspect_ratio(
                self.ctx.as_ptr() as *mut _,
                stream.as_ptr() as *mut _,
                std::ptr::null_mut(),
            )
        };
        Some(StreamInfo {
            index: stream.index(),
            time_base: stream.time_base(),
            start: match stream.start_time() {
                ffmpeg::ffi::AV_NOPTS_VALUE => 0,
                s => s,
            },
            avg_frame_rate: stream.avg_frame_rate(),
            base_rate: stream.rate(),
            declared_frames: stream.frames(),
            width,
            height,
            rotation: super::rotation::rotation_of(&stream),
            pixel_aspect: PixelAspect::sanitised(i64::from(sar.num), i64::from(sar.den)),
        })
    }
}
