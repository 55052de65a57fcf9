//! BORIS projects (`.boris`, project format 7, as BORIS 7 to 9 write it) ↔
//! the shared form.
//!
//! How Attune's annotations sit in a BORIS project:
//! - The ethogram (`behaviors_conf`) is every vocabulary's entries: `code`
//!   is the entry's value, `type` "Point event" for an entry marked
//!   `point` (and used only for points), else "State event"; `category`,
//!   `description`, `color` and `key` (hotkey) as the entry has them. A
//!   code two vocabularies share gets ` (<vocabulary name>)` after it in
//!   the second. A span whose value is in no vocabulary gets a behaviour of
//!   its own (code = the value, or the tier for a span without a code).
//! - Subjects (`subjects_conf`) are the participants.
//! - One observation per (media, coder), named `<clip> — <coder>`, with the
//!   coder also in the observation's independent variable [`CODER_VARIABLE`]
//!   (so the coder survives a rename of the observation). Reading takes the
//!   coder from that variable, else from the observation id.
//!   BORIS pairs a state code's events per subject in time order, so two
//!   overlapping spans of one state code for one subject cannot share an
//!   observation: the later one goes to `<clip> — <coder> #2` (and so on).
//! - Events are `[time_s, subject, code, modifier, comment, frame_index]`:
//!   a point is one event, a span a START/STOP pair of its code at its start
//!   and end (BORIS pairs a state code's events in time order). The
//!   caption is the comment of the START (or point) event. With
//!   `with_notes`, the note is the comment of the STOP event as
//!   `Note: <note>`; a point event carries both as
//!   `<caption>\n\nNote: <note>`. Modifiers are not part of Attune's
//!   model: on import they are kept in the note as `Modifier: <value>`.

mod read;
mod write;

pub use read::{observations, read};
pub use write::write;

use chrono::{DateTime, FixedOffset};

/// The observation's independent variable that names its coder.
pub const CODER_VARIABLE: &str = "coder";
/// How a note starts in an event's comment.
pub const NOTE_PREFIX: &str = "Note: ";
/// The tier of behaviours without a category.
pub const UNCATEGORISED: &str = "Behaviors";

/// What [`write`] needs besides the annotations.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    pub project_name: String,
    pub project_description: String,
    /// The clip's name, for the observation ids (`<clip> — <coder>`);
    /// `None`, or several media: each media file's name without extension.
    pub clip_name: Option<String>,
    /// `project_date` and each observation's `date` (BORIS keeps local
    /// time without an offset).
    pub date: DateTime<FixedOffset>,
    /// Put each span's note in the project (clinical notes leave the app
    /// only when asked).
    pub with_notes: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            project_name: "Attune".to_owned(),
            project_description: String::new(),
            clip_name: None,
            date: chrono::Local::now().fixed_offset(),
            with_notes: false,
        }
    }
}

/// One observation of a project, for choosing which to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationSummary {
    pub id: String,
    /// The media files it observes, player 1's first.
    pub media: Vec<String>,
    /// How many events it holds.
    pub events: usize,
    /// A live observation (no media): Attune cannot import it.
    pub is_live: bool,
}

#[cfg(test)]
mod tests;
