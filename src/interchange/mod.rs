//! Annotations in and out: ELAN (`.eaf`), BORIS (`.boris`), CSV and
//! subtitles (WebVTT, SRT). Every format reads into and writes from one
//! intermediate form, [`Annotations`], so the mapping to Attune's model
//! (moments, codebooks, coders, participants, frames) is made once:
//! `from_project` (and `export_rows`, the CSV's rows) for export,
//! `plan_import` for import. The format modules only translate text to and
//! from this form; they never see a `Project`.
//!
//! Pure: no media, no UI, no file writes (the CLI and the app write what a
//! format returns through the one output guard).

/// A position on a clip as the other tool stored it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimePoint {
    /// A frame index (Attune, CSV `start_frame`, BORIS's frame-index field).
    Frame(u32),
    /// Milliseconds from the video's first presented frame (ELAN, BORIS,
    /// CSV `start_ms`, subtitles).
    Ms(u64),
}

/// One coded stretch (or point) of one clip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The media it belongs to, as the file names it (file name or relative
    /// path); matched to a project clip on import.
    pub media: Option<String>,
    /// ELAN tier id, BORIS behaviour category, CSV category: where the other
    /// tool groups it.
    pub tier: String,
    pub coder: Option<String>,
    /// `parent`, `infant`, `other` or a person's name.
    pub participant: Option<String>,
    /// The code's value (ELAN CV entry value, BORIS behaviour code, CSV
    /// code id); empty for a free-text annotation.
    pub value: String,
    /// The vocabulary `value` belongs to, when the file says.
    pub vocabulary: Option<String>,
    pub start: TimePoint,
    /// The end; equal to `start` for a point. A `Frame` end is the last
    /// frame (inclusive, as Attune counts); an `Ms` end is when the span
    /// stops (the end of its last frame, as ELAN, BORIS and subtitles
    /// store it), so 0–1000 ms at 30 fps is frames 0 to 29.
    pub end: TimePoint,
    /// Parent-facing text.
    pub caption: String,
    /// Clinical note: only exported when asked for.
    pub note: String,
}

/// One entry of a controlled vocabulary (an Attune code item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable id (Attune item id, ELAN CVE_ID, BORIS code).
    pub id: String,
    pub value: String,
    pub description: String,
    /// The category it sits in (Attune category name, BORIS `category`).
    pub category: String,
    /// `#rrggbb`.
    pub colour: Option<String>,
    pub hotkey: Option<char>,
    /// True when the code marks a single frame (BORIS "Point event").
    pub point: bool,
}

/// A controlled vocabulary (an Attune codebook, an ELAN CV, a BORIS ethogram).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub entries: Vec<Entry>,
}

/// A media file the annotations refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Relative path with '/' separators (never an absolute path of the
    /// user's disk on export).
    pub relative_path: String,
    pub mime: Option<String>,
    /// Frame rate as a rational, when known.
    pub rate: Option<(u32, u32)>,
    pub duration_ms: Option<u64>,
}

/// Everything one file holds, in the shared form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    pub media: Vec<Media>,
    pub vocabularies: Vec<Vocabulary>,
    pub spans: Vec<Span>,
    /// People named in the file (ELAN PARTICIPANT, BORIS subjects).
    pub participants: Vec<String>,
}

// ---- Shared by every format (added with the project mapping) ----

pub mod csv;
pub mod formats;
mod plan;
mod project;
mod rows;
pub mod subtitles;
mod times;
mod vocabularies;

pub use plan::{ClipShare, ImportError, ImportPlan, ImportTarget, NewCode, plan_import};
pub use project::from_project;
pub use rows::{ExportRow, ExportScope, export_rows, portable_path, relative_to};
pub use times::{ByRate, ClipTimes};

/// The tier an uncoded moment is written on, and read back from: a span on
/// it with no vocabulary and no value is a moment without a code (subtitle
/// cues, Attune moments not yet coded), not a free-text annotation.
pub const UNCODED_TIER: &str = "Moments";

impl Vocabulary {
    /// The entry a span's `value` names: by id first (Attune item ids, CSV
    /// `code`), then by value (ELAN annotation text, BORIS code).
    pub fn entry(&self, value: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.id == value)
            .or_else(|| self.entries.iter().find(|e| e.value == value))
    }
}

impl Annotations {
    /// The id of the vocabulary a span's value comes from (found by id,
    /// else by name), or the name the span gives when the file has no such
    /// vocabulary.
    pub fn vocabulary_id_of(&self, span: &Span) -> Option<String> {
        let name = span.vocabulary.as_deref()?;
        Some(
            self.vocabulary(name)
                .map_or(name, |v| v.id.as_str())
                .to_owned(),
        )
    }

    /// The vocabulary with this id, else this name.
    pub fn vocabulary(&self, id: &str) -> Option<&Vocabulary> {
        self.vocabularies
            .iter()
            .find(|v| v.id == id)
            .or_else(|| self.vocabularies.iter().find(|v| v.name == id))
    }
}

// ---- The file formats (ELAN, BORIS) and the error they share ----

pub mod boris;
pub mod eaf;
pub mod error;

pub use error::FormatError;
