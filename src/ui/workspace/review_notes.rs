//! The notes being written after a shared review, before they go into the
//! log: on their own so the review mode (which holds a draft) and the log
//! (which draws it) both use it without using each other both ways.

use crate::model::ReviewId;

/// Notes being written for one log entry.
pub(super) struct NotesDraft {
    pub review: ReviewId,
    pub notes: Option<String>,
    pub parent_words: Option<String>,
}

impl NotesDraft {
    pub(super) fn new(review: ReviewId) -> Self {
        Self {
            review,
            notes: None,
            parent_words: None,
        }
    }
}
