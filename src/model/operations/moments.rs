//! Marking, coding, trimming, wording and removing moments: what the
//! clinician does while watching a clip, each as one undoable edit.

use super::refusal::Refusal;
use super::trial::checked;
use crate::model::codebook::CodeRef;
use crate::model::edit::Edit;
use crate::model::ids::{ClipId, MomentId};
use crate::model::moment::Moment;
use crate::model::project::Project;
use chrono::{DateTime, Utc};

/// What is typed in the inspector for one moment, committed as one edit
/// (one undo step) when the field is left, not one per keystroke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MomentDraft {
    pub moment: MomentId,
    pub note: String,
    pub caption: String,
    pub author: String,
    /// The two frames may be typed in either order.
    pub start: u32,
    pub end: u32,
}

/// A new moment on `clip` from `start` to `end` (inclusive; equal for a
/// single frame), added at the end of the project's moments with the next
/// free id (`project.next_moment_id()`, so the caller can select it) and
/// empty note and caption, to be written once it is marked.
pub fn mark_moment(
    project: &Project,
    clip: ClipId,
    start: u32,
    end: u32,
    codes: Vec<CodeRef>,
    author: &str,
    now: DateTime<Utc>,
) -> Result<Edit, Refusal> {
    if project.clip(clip).is_none() {
        return Err(Refusal::ClipNotFound(clip));
    }
    if start > end {
        return Err(Refusal::EndsBeforeStart { start, end });
    }
    for code in &codes {
        known_code(project, code)?;
    }
    let moment = Moment {
        id: project.next_moment_id(),
        clip,
        start,
        end,
        codes,
        note: String::new(),
        caption: String::new(),
        participant: None,
        author: author.to_owned(),
        created: now,
        modified: now,
    };
    let index = project.moments.len();
    checked(project, Edit::InsertMoment { index, moment })
}

/// The span the in and out marks (I, O) give, in either order. With only one
/// mark the playhead stands in for the other, as long as it is on the right
/// side of it; otherwise there is no span.
pub fn marked_span(
    mark_in: Option<u32>,
    mark_out: Option<u32>,
    playhead: u32,
) -> Option<(u32, u32)> {
    match (mark_in, mark_out) {
        (Some(a), Some(b)) => Some((a.min(b), a.max(b))),
        (Some(a), None) if playhead >= a => Some((a, playhead)),
        (None, Some(b)) if playhead <= b => Some((playhead, b)),
        _ => None,
    }
}

/// A new uncoded moment spanning the marks (Enter); see `marked_span`.
pub fn moment_from_marks(
    project: &Project,
    clip: ClipId,
    mark_in: Option<u32>,
    mark_out: Option<u32>,
    playhead: u32,
    author: &str,
    now: DateTime<Utc>,
) -> Result<Edit, Refusal> {
    let (start, end) = marked_span(mark_in, mark_out, playhead).ok_or(Refusal::NoMarks)?;
    mark_moment(project, clip, start, end, Vec::new(), author, now)
}

/// The code a hotkey (1–9…) gives in the active codebook.
pub fn code_on_key(
    project: &Project,
    active_codebook: Option<&str>,
    key: char,
) -> Result<CodeRef, Refusal> {
    let book = active_codebook
        .and_then(|id| project.codebook(id))
        .ok_or(Refusal::NoActiveCodebook)?;
    let (_, item) = book.hotkey_item(key).ok_or_else(|| Refusal::NoCodeOnKey {
        key,
        codebook: book.name.clone(),
    })?;
    Ok(CodeRef::new(book.id.clone(), item.id.clone()))
}

/// Puts `code` on the moment, or takes it off if it is there: the same
/// key or click twice leaves the codes as they were.
pub fn toggle_code(
    project: &Project,
    moment: MomentId,
    code: CodeRef,
    now: DateTime<Utc>,
) -> Result<Edit, Refusal> {
    let mut changed = moment_to_change(project, moment)?;
    if let Some(at) = changed.codes.iter().position(|c| *c == code) {
        changed.codes.remove(at);
    } else {
        known_code(project, &code)?;
        changed.codes.push(code);
    }
    changed.modified = now;
    checked(project, Edit::UpdateMoment(changed))
}

/// Moves a moment's edges (dragged on the timeline); the edges may cross
/// while dragging, and the moment keeps start ≤ end.
pub fn trim_moment(
    project: &Project,
    moment: MomentId,
    start: u32,
    end: u32,
    now: DateTime<Utc>,
) -> Result<Edit, Refusal> {
    let mut changed = moment_to_change(project, moment)?;
    if (changed.start, changed.end) == (start, end) {
        return Err(Refusal::Unchanged);
    }
    changed.start = start.min(end);
    changed.end = start.max(end);
    changed.modified = now;
    checked(project, Edit::UpdateMoment(changed))
}

/// The inspector's typing (note, caption, author, frames) as one change;
/// `Unchanged` when it says what the moment already says.
pub fn revise_moment(
    project: &Project,
    draft: &MomentDraft,
    now: DateTime<Utc>,
) -> Result<Edit, Refusal> {
    let mut changed = moment_to_change(project, draft.moment)?;
    let (start, end) = (draft.start.min(draft.end), draft.start.max(draft.end));
    if changed.note == draft.note
        && changed.caption == draft.caption
        && changed.author == draft.author
        && (changed.start, changed.end) == (start, end)
    {
        return Err(Refusal::Unchanged);
    }
    changed.note = draft.note.clone();
    changed.caption = draft.caption.clone();
    changed.author = draft.author.clone();
    changed.start = start;
    changed.end = end;
    changed.modified = now;
    checked(project, Edit::UpdateMoment(changed))
}

/// Deletes a moment. One a reel plays is refused: reels refer to moments,
/// and a reel must never lose an item silently.
pub fn remove_moment(project: &Project, moment: MomentId) -> Result<Edit, Refusal> {
    if project.moment(moment).is_none() {
        return Err(Refusal::MomentNotFound(moment));
    }
    if let Some(reel) = project.reels_using(moment).next() {
        return Err(Refusal::MomentInReel {
            reel_name: reel.name.clone(),
        });
    }
    checked(project, Edit::RemoveMoment(moment))
}

fn known_code(project: &Project, code: &CodeRef) -> Result<(), Refusal> {
    let book = project
        .codebook(&code.codebook)
        .ok_or_else(|| Refusal::CodebookNotFound(code.codebook.clone()))?;
    match book.item(&code.item) {
        Some(_) => Ok(()),
        None => Err(Refusal::CodeNotInCodebook {
            codebook: code.codebook.clone(),
            item: code.item.clone(),
        }),
    }
}

/// A copy of the moment to change, or the refusal that it is gone.
fn moment_to_change(project: &Project, id: MomentId) -> Result<Moment, Refusal> {
    project
        .moment(id)
        .cloned()
        .ok_or(Refusal::MomentNotFound(id))
}
