//! Writing video: the reel plan, consent gating, the renderer, WebVTT sidecars,
//! and stills with a printable handout.

pub(crate) mod clip_times;
pub(crate) mod consent;
pub(crate) mod handout;
pub(crate) mod picture;
pub(crate) mod plan;
pub(crate) mod render;
pub(crate) mod source;
pub(crate) mod stills;
pub(crate) mod text;
pub(crate) mod vtt;
pub(crate) mod yuv;

use std::path::PathBuf;

pub use clip_times::ProjectTimes;
pub use consent::{ConsentError, MissingConsent, check_consent};
pub use plan::{
    Expected, OutputSettings, PlanError, PlannedItem, PlannedTitle, ReelPlan, Shown, plan_reel,
};
pub use render::{Progress, RenderJob, RenderSummary, render_reel};
pub use source::SourceError;
pub use stills::{StillsJob, StillsSummary, export_stills};
// The writer lives in the FFmpeg layer; reached from here as before.
pub use crate::media::ffmpeg::writer::{AudioSettings, Mp4Writer, VideoSettings, WriterError};

/// Why an export (reel or stills) failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Consent(#[from] ConsentError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Writer(#[from] WriterError),
    #[error(transparent)]
    Font(#[from] text::FontError),
    #[error("cannot write to the output folder {path}: {reason}")]
    OutputFolder { path: PathBuf, reason: String },
    /// The output would harm a file it must not (see `files::guard`).
    #[error(transparent)]
    Guard(#[from] crate::files::GuardError),
    #[error(transparent)]
    Write(#[from] crate::files::WriteError),
    #[error(
        "{}: the reel's captions (.vtt) and chapters (.chapters.vtt) would be written over it; give the reel a name ending in .mp4",
        path.display()
    )]
    SidecarClash { path: PathBuf },
    #[error("{clip}: cannot scale the picture: {reason}")]
    Picture { clip: String, reason: String },
    #[error("cannot write the still {path}: {reason}")]
    Still { path: PathBuf, reason: String },
    #[error("the export was cancelled")]
    Cancelled,
}
