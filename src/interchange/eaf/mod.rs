//! ELAN annotation documents (`.eaf`, EAF 3.0; 2.x read too) ↔ the shared
//! form.
//!
//! How Attune's annotations sit in an EAF file:
//! - One time-alignable tier per (tier, vocabulary, coder, participant):
//!   `ANNOTATOR` and `PARTICIPANT` are per tier in ELAN. The tier id is the
//!   span's tier (the codebook category); when one category needs several
//!   tiers, the id gets ` (participant, coder)` after it, and [`read`]
//!   takes that suffix off again when it matches the tier's `PARTICIPANT`
//!   and `ANNOTATOR`.
//! - One `LINGUISTIC_TYPE` per vocabulary (id = the vocabulary id) pointing
//!   at a `CONTROLLED_VOCABULARY` of the same id; spans without one use
//!   [`FREE_TYPE`]. Captions sit on a dependent tier `<tier> - caption` of
//!   type [`CAPTION_TYPE`] (`Symbolic_Association`), notes, when asked for,
//!   on `<tier> - note` of type [`NOTE_TYPE`].
//! - ELAN annotations cover `[start, end)`, as the shared form's
//!   millisecond ends do; but ELAN has no zero-length annotations, so a
//!   point (`start == end`) is written one frame long and the header
//!   property [`FRAME_PROPERTY`] records that frame, so reading Attune's
//!   own file gives the point back. Files from elsewhere have no such
//!   property: their ends are read as ELAN shows them.

mod read;
mod write;

pub use read::read;
pub use write::write;

use chrono::{DateTime, FixedOffset};

/// Linguistic type of the dependent tiers that carry captions.
pub const CAPTION_TYPE: &str = "attune-caption";
/// Linguistic type of the dependent tiers that carry clinical notes.
pub const NOTE_TYPE: &str = "attune-note";
/// Linguistic type of tiers whose values come from no vocabulary.
pub const FREE_TYPE: &str = "attune-free-text";
/// Header property: the milliseconds a point was lengthened by on export
/// (one frame); an annotation exactly that long is read back as a point.
pub const FRAME_PROPERTY: &str = "attune:msAddedToEnds";
/// The language every `LANG_REF` names (ISO 639-3 English).
pub const LANG_ID: &str = "eng";
pub const LANG_DEF: &str = "http://cdb.iso.org/lg/CDB-00130975-001";
pub const SCHEMA_URL: &str = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd";

/// What [`write`] needs besides the annotations.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// `AUTHOR` of the document.
    pub author: String,
    /// `DATE` of the document (written with its offset).
    pub date: DateTime<FixedOffset>,
    /// Mixed into the hash the document's URN is derived from, so two
    /// exports of the same annotations for different purposes differ; the
    /// same annotations with the same seed always get the same URN.
    pub document_seed: String,
    /// Write each span's note on a dependent tier (clinical notes leave the
    /// app only when asked).
    pub with_notes: bool,
    /// Length of one frame in ms, for the frame added to each end (and for
    /// `TimePoint::Frame` times). `None`: from the span's media rate, else
    /// the first media's rate, else 40 ms (25 fps).
    pub frame_ms: Option<f64>,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            author: String::new(),
            date: chrono::Local::now().fixed_offset(),
            document_seed: String::new(),
            with_notes: false,
            frame_ms: None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
