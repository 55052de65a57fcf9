//! The project's footage: adding clips, finding moved files again, and the
//! family's consent for each use of a clip.

use super::refusal::Refusal;
use super::trial::checked;
use crate::model::clip::Clip;
use crate::model::consent::{ConsentGrant, ConsentUse};
use crate::model::edit::Edit;
use crate::model::ids::ClipId;
use crate::model::project::Project;
use chrono::NaiveDate;

/// Adds clips (already probed, with ids from `project.next_clip_id()`
/// upwards) after the existing ones, in the order given, as one undo step.
pub fn add_clips(project: &Project, clips: Vec<Clip>) -> Result<Edit, Refusal> {
    if clips.is_empty() {
        return Err(Refusal::NoClips);
    }
    let first = project.clips.len();
    let edits = clips
        .into_iter()
        .enumerate()
        .map(|(i, clip)| Edit::InsertClip {
            index: first + i,
            clip,
        })
        .collect();
    checked(project, Edit::Batch(edits))
}

/// Points a clip at where its file is now (found again by fingerprint).
/// `path` is stored as the project stores paths.
pub fn relink_clip(project: &Project, clip: ClipId, path: String) -> Result<Edit, Refusal> {
    let mut changed = clip_to_change(project, clip)?;
    changed.path = path;
    checked(project, Edit::UpdateClip(changed))
}

/// New stored paths for clips when the project file moves (Save as), as
/// one undo step; clips whose path stays the same are left out, and
/// `Unchanged` says none moved.
pub fn relocate_clips(project: &Project, paths: &[(ClipId, String)]) -> Result<Edit, Refusal> {
    let mut edits = Vec::new();
    for (id, path) in paths {
        let clip = project.clip(*id).ok_or(Refusal::ClipNotFound(*id))?;
        if clip.path != *path {
            let mut moved = clip.clone();
            moved.path = path.clone();
            edits.push(Edit::UpdateClip(moved));
        }
    }
    if edits.is_empty() {
        return Err(Refusal::Unchanged);
    }
    checked(project, Edit::Batch(edits))
}

/// Records the family's consent to one use of a clip. A withdrawn consent
/// is part of the clinical record, so it is never written over. `today`
/// is the caller's (the model has no clock).
pub fn record_consent(
    project: &Project,
    clip: ClipId,
    used: ConsentUse,
    given_on: NaiveDate,
    recorded_by: &str,
    today: NaiveDate,
) -> Result<Edit, Refusal> {
    let mut changed = clip_to_change(project, clip)?;
    match changed.consent.get(used) {
        Some(ConsentGrant {
            withdrawn_on: Some(on),
            ..
        }) => return Err(Refusal::WithdrawalOnRecord { used, on: *on }),
        Some(_) => return Err(Refusal::AlreadyConsented { used }),
        None => {}
    }
    not_after(given_on, today)?;
    changed
        .consent
        .set(used, Some(ConsentGrant::new(given_on, recorded_by)));
    checked(project, Edit::UpdateClip(changed))
}

/// Records that the family withdrew consent to one use of a clip; the grant
/// stays on record with the withdrawal.
pub fn withdraw_consent(
    project: &Project,
    clip: ClipId,
    used: ConsentUse,
    on: NaiveDate,
    recorded_by: &str,
    today: NaiveDate,
) -> Result<Edit, Refusal> {
    let mut changed = clip_to_change(project, clip)?;
    let grant = changed
        .consent
        .get(used)
        .ok_or(Refusal::NoConsent { used })?;
    if let Some(on) = grant.withdrawn_on {
        return Err(Refusal::WithdrawalOnRecord { used, on });
    }
    if on < grant.given_on {
        return Err(Refusal::WithdrawnBeforeGiven {
            given: grant.given_on,
            withdrawn: on,
        });
    }
    not_after(on, today)?;
    changed.consent.withdraw(used, on, recorded_by);
    checked(project, Edit::UpdateClip(changed))
}

/// The same rule loading applies (`Project::check_consent_dates`), without
/// its day of grace: a clinician records consent on the day, or after.
fn not_after(date: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    if date > today {
        return Err(Refusal::DateInFuture { date, today });
    }
    Ok(())
}

/// A copy of the clip to change, or the refusal that it is gone.
fn clip_to_change(project: &Project, id: ClipId) -> Result<Clip, Refusal> {
    project.clip(id).cloned().ok_or(Refusal::ClipNotFound(id))
}
