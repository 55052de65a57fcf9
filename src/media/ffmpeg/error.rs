//! The layer's one error type. Each user (probe, engine, overview, reel
//! source) turns it into its own error with its own wording, so the messages
//! people see stay what they were; every variant keeps what those messages
//! need (the file, FFmpeg's own reason).

use std::path::PathBuf;

use ffmpeg_next as ffmpeg;

use crate::files::{InputError, WriteError};

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// FFmpeg could not be initialised (remembered for the whole process).
    #[error("cannot initialise FFmpeg: {source}")]
    Init { source: ffmpeg::Error },
    /// Refused before FFmpeg saw it: missing, a folder, a FIFO or device
    /// (which would block FFmpeg for ever), or unreadable.
    #[error(transparent)]
    Refused(#[from] InputError),
    /// Only from `Input::open_non_empty`.
    #[error("{path}: the file is empty")]
    Empty { path: PathBuf },
    /// FFmpeg cannot open the file as media.
    #[error("{path}: not a media file FFmpeg can read ({source})")]
    Open {
        path: PathBuf,
        #[source]
        source: ffmpeg::Error,
    },
    #[error("{path}: has no video stream")]
    NoVideo { path: PathBuf },
    /// A step of reading or writing failed; `what` says which.
    #[error("{path}: {what}: {source}")]
    Ffmpeg {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: ffmpeg::Error,
    },
    #[error("{path}: no {codec} encoder in this FFmpeg build")]
    NoEncoder { path: PathBuf, codec: &'static str },
    #[error("{path}: invalid settings: {reason}")]
    Settings { path: PathBuf, reason: String },
    #[error("{path}: frame is {got_w}x{got_h}, the stream is {want_w}x{want_h}")]
    FrameSize {
        path: PathBuf,
        got_w: u32,
        got_h: u32,
        want_w: u32,
        want_h: u32,
    },
    #[error("{path}: audio pushed but the writer was created without an audio stream")]
    NoAudioStream { path: PathBuf },
    #[error("{path}: {len} audio samples is not a whole number of {channels}-channel frames")]
    AudioLength {
        path: PathBuf,
        len: usize,
        channels: u16,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}
