//! What a clinician does to a project, as functions from the project (and
//! the action's inputs) to the one `Edit` that does it, or a `Refusal`
//! saying why not. The UI calls these and applies the edit; it never puts
//! an edit together itself, so each rule (next free id, where a new thing
//! goes, what "toggle" means) lives here once and is tested here.
//!
//! None of them changes the project: an operation only proposes an edit,
//! and every edit it returns applies to the project it was given.

mod clips;
mod codebooks;
mod coders;
mod moments;
mod participants;
mod reels;
mod refusal;
mod reviews;
mod trial;

pub use clips::{add_clips, record_consent, relink_clip, relocate_clips, withdraw_consent};
pub use codebooks::{blank_codebook, free_codebook_id, import_codebook, save_codebook};
pub use coders::{Merge, MergeSummary, add_coder, merge_coding};
pub use moments::{
    MomentDraft, code_on_key, mark_moment, marked_span, moment_from_marks, remove_moment,
    revise_moment, toggle_code, trim_moment,
};
pub use participants::{ImportedWork, import_annotations, set_participant};
pub use reels::{
    HOLD_MS, ReelChange, TITLE_CARD_MS, add_moment_to_reel, change_reel, move_reel_item,
    record_render, remove_reel_item, rename_reel, set_item_caption, set_item_hold, set_item_prompt,
    set_item_speed, set_reel_purpose, set_title_card, start_reel, trim_reel_item,
};
pub use refusal::Refusal;
pub use reviews::{SHOWN_FROM_FILE, log_review, write_review_notes};

#[cfg(test)]
mod tests;
