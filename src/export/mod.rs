//! Writing video: the MP4 writer shared by the sample generator and the reel
//! renderer, the reel plan, the renderer, subtitles and stills.

pub mod consent;
pub mod plan;
pub mod writer;

pub use consent::{ConsentError, MissingConsent, check_consent};
pub use plan::{
    Expected, OutputSettings, PlanError, PlannedItem, PlannedTitle, ReelPlan, Shown, plan_reel,
};
pub use writer::{AudioSettings, Mp4Writer, VideoSettings, WriterError};
