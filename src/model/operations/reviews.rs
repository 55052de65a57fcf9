//! The review log: one entry per shared review, and the notes written
//! after it. History for the specialist and supervisor only.

use super::refusal::Refusal;
use super::trial::checked;
use crate::model::edit::Edit;
use crate::model::ids::{ReelId, ReviewId};
use crate::model::project::Project;
use crate::model::review::{ReviewLog, ViewedItem};
use chrono::{DateTime, Utc};

/// The note a session shown from the rendered file starts with.
pub const SHOWN_FROM_FILE: &str = "Shown from the rendered reel file (the clips were offline).";

/// Logs a shared review that has just ended, at the end of the log with the
/// next free id (`project.next_review_id()`, so its notes can be opened).
/// It keeps the reel's name as it is now (empty if the reel is gone: the
/// session still happened), and says when the rendered file was shown.
pub fn log_review(
    project: &Project,
    reel: ReelId,
    started: DateTime<Utc>,
    viewed: Vec<ViewedItem>,
    shown_from_file: bool,
) -> Result<Edit, Refusal> {
    let review = ReviewLog {
        id: project.next_review_id(),
        started,
        reel,
        reel_name: project
            .reel(reel)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        viewed,
        notes: if shown_from_file {
            SHOWN_FROM_FILE.into()
        } else {
            String::new()
        },
        parent_words: String::new(),
    };
    let index = project.reviews.len();
    checked(project, Edit::InsertReview { index, review })
}

/// The specialist's notes and the parent's own words after a session;
/// `Unchanged` when they are what the log already says.
pub fn write_review_notes(
    project: &Project,
    review: ReviewId,
    notes: String,
    parent_words: String,
) -> Result<Edit, Refusal> {
    let before = project
        .review(review)
        .ok_or(Refusal::ReviewNotFound(review))?;
    let mut changed = before.clone();
    changed.notes = notes;
    changed.parent_words = parent_words;
    if changed == *before {
        return Err(Refusal::Unchanged);
    }
    checked(project, Edit::UpdateReview(changed))
}
