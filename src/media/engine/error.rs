//! Typed engine errors. Every message names the file so the UI can show it as is.

use std::path::PathBuf;

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum EngineError {
    #[error("{path}: file not found")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read the file ({reason})")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path}: not a video file, or the file is damaged ({reason})")]
    NotMedia { path: PathBuf, reason: String },
    #[error("{path}: the file has no video stream")]
    NoVideo { path: PathBuf },
    #[error("{path}: {what} — install {package}")]
    MissingPlugin {
        path: PathBuf,
        what: String,
        package: String,
    },
    #[error("{path}: GStreamer element '{element}' is missing — install {package}")]
    MissingElement {
        path: PathBuf,
        element: String,
        package: String,
    },
    #[error("{path}: playback failed: {reason}")]
    Pipeline { path: PathBuf, reason: String },
    #[error("{path}: timed out after {ms} ms while {doing}")]
    Timeout {
        path: PathBuf,
        doing: String,
        ms: u64,
    },
    #[error("{path}: frame {frame} is outside the clip (0..{count})")]
    FrameOutOfRange {
        path: PathBuf,
        frame: u32,
        count: u32,
    },
    #[error("frame {frame} could not be decoded")]
    FrameUnavailable { frame: u32 },
    #[error("no file is open")]
    NotOpen,
}

impl EngineError {
    /// What went wrong, without the file: for log lines, which never name
    /// clips (they give the clip id instead).
    pub fn kind(&self) -> &'static str {
        match self {
            EngineError::NotFound { .. } => "file not found",
            EngineError::Unreadable { .. } => "file unreadable",
            EngineError::NotMedia { .. } => "not media or damaged",
            EngineError::NoVideo { .. } => "no video stream",
            EngineError::MissingPlugin { .. } => "missing plugin",
            EngineError::MissingElement { .. } => "missing element",
            EngineError::Pipeline { .. } => "pipeline failure",
            EngineError::Timeout { .. } => "timeout",
            EngineError::FrameOutOfRange { .. } => "frame out of range",
            EngineError::FrameUnavailable { .. } => "frame unavailable",
            EngineError::NotOpen => "no file open",
        }
    }
}
