use super::codebook::CodeRef;
use super::ids::{ClipId, MomentId};
use super::participant::Participant;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A tagged stretch of a clip (or a single frame).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moment {
    pub id: MomentId,
    pub clip: ClipId,
    pub start: u32,
    /// Inclusive; equal to `start` for a point moment.
    pub end: u32,
    pub codes: Vec<CodeRef>,
    /// The clinician's note. Never shown to the parent or put in a reel.
    pub note: String,
    /// Parent-facing and strengths-based; this is what a review shows.
    pub caption: String,
    /// Whose behaviour the moment records (schema 4); `None` when not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<Participant>,
    pub author: String,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
}

impl Moment {
    pub fn is_point(&self) -> bool {
        self.start == self.end
    }

    /// How many frames the moment covers (at least one).
    pub fn frames(&self) -> u32 {
        self.end.saturating_sub(self.start).saturating_add(1)
    }
}
