//! The project model: what a clinician's project holds and the only way to
//! change it. Knows nothing of media decoding, files or the UI.

pub(crate) mod clip;
pub(crate) mod codebook;
pub(crate) mod consent;
pub(crate) mod edit;
pub(crate) mod error;
pub(crate) mod filter;
pub(crate) mod history;
pub(crate) mod ids;
pub mod limits;
pub(crate) mod media;
pub(crate) mod moment;
pub mod operations;
pub(crate) mod participant;
pub(crate) mod project;
pub(crate) mod reel;
pub(crate) mod review;
pub(crate) mod time;

#[cfg(test)]
pub(crate) mod testing;

pub use clip::Clip;
pub use codebook::{BundledCodebookError, Category, CodeItem, CodeRef, Codebook, Colour, bundled};
pub use consent::{Consent, ConsentGrant, ConsentUse};
pub use edit::{Edit, EditError, apply};
pub use error::ValidationError;
pub use filter::MomentFilter;
pub use history::Document;
pub use ids::{ClipId, MomentId, ReelId, ReviewId};
pub use media::{Fingerprint, MediaFacts};
pub use moment::Moment;
pub use operations::{MomentDraft, ReelChange, Refusal};
pub use participant::{Participant, is_role_word};
pub use project::{Project, SCHEMA_VERSION};
pub use reel::{Hold, Reel, ReelItem, ReelPurpose, RenderedFile, SPEED_PERCENT_RANGE, TitleCard};
pub use review::{ReviewLog, ViewedItem};
pub use time::FrameRate;
