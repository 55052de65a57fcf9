//! The project model: what a clinician's project holds and the only way to
//! change it. Knows nothing of media decoding, files or the UI.

pub mod clip;
pub mod codebook;
pub mod consent;
pub mod edit;
pub mod error;
pub mod filter;
pub mod history;
pub mod ids;
pub mod limits;
pub mod media;
pub mod moment;
pub mod operations;
pub mod project;
pub mod reel;
pub mod review;
pub mod time;

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
pub use project::{Project, SCHEMA_VERSION};
pub use reel::{Hold, Reel, ReelItem, ReelPurpose, RenderedFile, SPEED_PERCENT_RANGE, TitleCard};
pub use review::{ReviewLog, ViewedItem};
pub use time::FrameRate;
