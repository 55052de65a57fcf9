//! The review log: one entry per shared review, written when the
//! specialist leaves review mode. It is history, so it keeps the reel's
//! name as it was, and it is for the specialist and supervisor only:
//! nothing in it is ever shown to a parent or put in a reel.

use super::ids::{MomentId, ReelId, ReviewId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewLog {
    pub id: ReviewId,
    pub started: DateTime<Utc>,
    pub reel: ReelId,
    /// The reel's name at the time, for reading the log later.
    pub reel_name: String,
    /// Items shown, in the order first shown, with time spent on each.
    pub viewed: Vec<ViewedItem>,
    /// The specialist's notes after the session (for supervision).
    pub notes: String,
    /// What the parent said, as the specialist recorded it. Kept here only:
    /// never copied into captions.
    pub parent_words: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewedItem {
    /// 1-based position in the reel.
    pub position: usize,
    pub moment: MomentId,
    /// Time the item was on the parent's screen, in milliseconds.
    pub shown_ms: u64,
}

impl ReviewLog {
    /// Total time items were on screen.
    pub fn total_ms(&self) -> u64 {
        self.viewed.iter().map(|v| v.shown_ms).sum()
    }
}
