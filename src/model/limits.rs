//! What a project may say. Values past these are refused by `validate` (so
//! loading, `attune check`, every command and every edit agree), because a
//! hold of 4294967295 ms renders for ever and a 50 MB caption freezes the
//! window; the editor's text fields stop at the same lengths.

use super::clip::Clip;
use super::codebook::Codebook;
use super::consent::ConsentUse;
use super::error::ValidationError;
use super::moment::Moment;
use super::reel::Reel;
use super::review::ReviewLog;

/// A freeze frame or title card longer than a minute is a mistake.
pub const MAX_HOLD_MS: u32 = 60_000;
/// A caption is read aloud in a review; two or three sentences.
pub const MAX_CAPTION_CHARS: usize = 500;
/// Clinical notes and review notes may be long, not unbounded.
pub const MAX_NOTE_CHARS: usize = 20_000;
/// A question to ask at a reel item.
pub const MAX_PROMPT_CHARS: usize = 2_000;
/// Titles, names, authors, codebook labels.
pub const MAX_NAME_CHARS: usize = 200;
/// A clip's stored path.
pub const MAX_PATH_CHARS: usize = 4_096;
/// Far more than an hour of dense coding (the benchmarks use 5,000).
pub const MAX_MOMENTS: usize = 100_000;
/// Clips, reels, items per reel and review logs.
pub const MAX_ITEMS: usize = 10_000;
/// The clockwise rotations a display can apply.
pub const ROTATIONS: [u16; 4] = [0, 90, 180, 270];

/// `text` cut to at most `limit` characters (for names taken from files).
pub(crate) fn shortened(text: &str, limit: usize) -> String {
    text.chars().take(limit).collect()
}

/// `Err` when `text` is longer than `limit` characters.
pub(crate) fn text(
    field: impl FnOnce() -> String,
    text: &str,
    limit: usize,
) -> Result<(), ValidationError> {
    // Bytes bound characters from above: most texts pass without counting.
    if text.len() <= limit {
        return Ok(());
    }
    let found = text.chars().count();
    if found <= limit {
        return Ok(());
    }
    Err(ValidationError::TooLong {
        field: field(),
        found,
        limit,
    })
}

pub(crate) fn count(what: &'static str, found: usize, limit: usize) -> Result<(), ValidationError> {
    if found > limit {
        return Err(ValidationError::TooMany { what, found, limit });
    }
    Ok(())
}

pub(crate) fn duration(field: impl FnOnce() -> String, ms: u32) -> Result<(), ValidationError> {
    if ms > MAX_HOLD_MS {
        return Err(ValidationError::TooLongHeld {
            field: field(),
            ms,
            limit_ms: MAX_HOLD_MS,
        });
    }
    Ok(())
}

pub(crate) fn clip(clip: &Clip) -> Result<(), ValidationError> {
    text(
        || format!("clip {} name", clip.id),
        &clip.name,
        MAX_NAME_CHARS,
    )?;
    text(
        || format!("clip {} path", clip.id),
        &clip.path,
        MAX_PATH_CHARS,
    )?;
    if !ROTATIONS.contains(&clip.media.rotation) {
        return Err(ValidationError::BadRotation {
            clip: clip.id,
            rotation: clip.media.rotation,
        });
    }
    for used in [
        ConsentUse::Therapy,
        ConsentUse::Supervision,
        ConsentUse::Teaching,
    ] {
        if let Some(grant) = clip.consent.get(used) {
            let field = || format!("clip {} {used:?} consent recorded_by", clip.id);
            text(field, &grant.recorded_by, MAX_NAME_CHARS)?;
            if let Some(by) = &grant.withdrawn_recorded_by {
                let field = || format!("clip {} {used:?} withdrawal recorded_by", clip.id);
                text(field, by, MAX_NAME_CHARS)?;
            }
        }
    }
    Ok(())
}

pub(crate) fn codebook(book: &Codebook) -> Result<(), ValidationError> {
    let id = &book.id;
    text(|| format!("codebook '{id}' id"), id, MAX_NAME_CHARS)?;
    text(
        || format!("codebook '{id}' name"),
        &book.name,
        MAX_NAME_CHARS,
    )?;
    text(
        || format!("codebook '{id}' method"),
        &book.method,
        MAX_NAME_CHARS,
    )?;
    text(
        || format!("codebook '{id}' description"),
        &book.description,
        MAX_NOTE_CHARS,
    )?;
    count(
        "categories in one codebook",
        book.categories.len(),
        MAX_ITEMS,
    )
}

pub(crate) fn moment(moment: &Moment) -> Result<(), ValidationError> {
    let id = moment.id;
    text(
        || format!("moment {id} caption"),
        &moment.caption,
        MAX_CAPTION_CHARS,
    )?;
    text(|| format!("moment {id} note"), &moment.note, MAX_NOTE_CHARS)?;
    text(
        || format!("moment {id} author"),
        &moment.author,
        MAX_NAME_CHARS,
    )?;
    count("codes on one moment", moment.codes.len(), MAX_ITEMS)
}

pub(crate) fn reel(reel: &Reel) -> Result<(), ValidationError> {
    let id = reel.id;
    text(|| format!("reel {id} name"), &reel.name, MAX_NAME_CHARS)?;
    count("items in one reel", reel.items.len(), MAX_ITEMS)?;
    if let Some(card) = &reel.title_card {
        text(
            || format!("reel {id} title card title"),
            &card.title,
            MAX_NAME_CHARS,
        )?;
        text(
            || format!("reel {id} title card subtitle"),
            &card.subtitle,
            MAX_NAME_CHARS,
        )?;
        duration(|| format!("reel {id} title card"), card.duration_ms)?;
    }
    for (index, item) in reel.items.iter().enumerate() {
        let n = index + 1;
        if let Some(caption) = &item.caption {
            text(
                || format!("reel {id} item {n} caption"),
                caption,
                MAX_CAPTION_CHARS,
            )?;
        }
        text(
            || format!("reel {id} item {n} prompt"),
            &item.prompt,
            MAX_PROMPT_CHARS,
        )?;
        if let Some(hold) = &item.hold {
            duration(
                || format!("reel {id} item {n} freeze frame"),
                hold.duration_ms,
            )?;
        }
    }
    Ok(())
}

pub(crate) fn review(review: &ReviewLog) -> Result<(), ValidationError> {
    let id = review.id;
    text(
        || format!("review log {id} reel name"),
        &review.reel_name,
        MAX_NAME_CHARS,
    )?;
    text(
        || format!("review log {id} notes"),
        &review.notes,
        MAX_NOTE_CHARS,
    )?;
    text(
        || format!("review log {id} parent's words"),
        &review.parent_words,
        MAX_NOTE_CHARS,
    )?;
    count("items viewed in one review", review.viewed.len(), MAX_ITEMS)
}
