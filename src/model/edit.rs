//! Every change to a project is an `Edit` value applied by `apply`, which
//! returns the edit that undoes it. Keeping all mutation in one place is what
//! makes unlimited undo, autosave and "the project is always valid" hold.

use super::clip::Clip;
use super::codebook::Codebook;
use super::error::ValidationError;
use super::ids::{ClipId, MomentId, ReelId, ReviewId};
use super::moment::Moment;
use super::project::Project;
use super::reel::Reel;
use super::review::ReviewLog;

#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    SetTitle(String),
    InsertClip {
        index: usize,
        clip: Clip,
    },
    RemoveClip(ClipId),
    UpdateClip(Clip),
    InsertCodebook {
        index: usize,
        codebook: Codebook,
    },
    RemoveCodebook(String),
    UpdateCodebook(Codebook),
    InsertMoment {
        index: usize,
        moment: Moment,
    },
    RemoveMoment(MomentId),
    UpdateMoment(Moment),
    InsertReel {
        index: usize,
        reel: Reel,
    },
    RemoveReel(ReelId),
    UpdateReel(Reel),
    InsertReview {
        index: usize,
        review: ReviewLog,
    },
    RemoveReview(ReviewId),
    UpdateReview(ReviewLog),
    /// The project's list of people in the clips, as a whole (it is short,
    /// and the inverse is simply the list before).
    SetPeople(Vec<String>),
    /// The project's list of coders, as a whole (short, like the people).
    SetCoders(Vec<String>),
    /// Applied all together or not at all; undone as one step.
    Batch(Vec<Edit>),
}

impl Edit {
    /// Short wording for the Undo/Redo menu items.
    pub fn label(&self) -> &'static str {
        match self {
            Edit::SetTitle(_) => "Rename project",
            Edit::InsertClip { .. } => "Add clip",
            Edit::RemoveClip(_) => "Remove clip",
            Edit::UpdateClip(_) => "Change clip",
            Edit::InsertCodebook { .. } => "Add codebook",
            Edit::RemoveCodebook(_) => "Remove codebook",
            Edit::UpdateCodebook(_) => "Change codebook",
            Edit::InsertMoment { .. } => "Add moment",
            Edit::RemoveMoment(_) => "Remove moment",
            Edit::UpdateMoment(_) => "Change moment",
            Edit::InsertReel { .. } => "Add reel",
            Edit::RemoveReel(_) => "Remove reel",
            Edit::UpdateReel(_) => "Change reel",
            Edit::InsertReview { .. } => "Log review",
            Edit::RemoveReview(_) => "Remove review log entry",
            Edit::UpdateReview(_) => "Change review notes",
            Edit::SetPeople(_) => "Change people",
            Edit::SetCoders(_) => "Change coders",
            Edit::Batch(edits) => match edits.as_slice() {
                [only] => only.label(),
                _ => "Several changes",
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no clip {0}")]
    NoClip(ClipId),
    #[error("there is no moment {0}")]
    NoMoment(MomentId),
    #[error("there is no reel {0}")]
    NoReel(ReelId),
    #[error("there is no review log entry {0}")]
    NoReview(ReviewId),
    #[error("there is no codebook '{0}'")]
    NoCodebook(String),
    #[error("clip {clip} still has {count} moment(s); remove them first")]
    ClipHasMoments { clip: ClipId, count: usize },
    #[error("moment {moment} is used by reel {reel} '{reel_name}'; take it out of the reel first")]
    MomentInReel {
        moment: MomentId,
        reel: ReelId,
        reel_name: String,
    },
    #[error("codebook '{codebook}' is used by moment {moment}; remove those codes first")]
    CodebookInUse { codebook: String, moment: MomentId },
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

/// Applies `edit` and returns its inverse, or changes nothing and says why.
pub fn apply(project: &mut Project, edit: Edit) -> Result<Edit, EditError> {
    check_removal(project, &edit)?;
    let inverse = apply_unchecked(project, edit)?;
    if let Err(problem) = project.validate() {
        // The inverse restores the previous, valid state; it only fails if
        // that state was already invalid, in which case nothing better exists
        // than to say so (without the error's text: it names codebooks).
        if apply_unchecked(project, inverse).is_err() {
            log::error!("undoing a refused edit failed: the project was already invalid");
        }
        return Err(problem.into());
    }
    Ok(inverse)
}

/// Clearer messages than validation would give for the common mistake of
/// removing something still in use. Only for a single edit: inside a batch
/// the parts may pass through such states, and validating the end result is
/// what counts.
fn check_removal(project: &Project, edit: &Edit) -> Result<(), EditError> {
    match edit {
        Edit::RemoveClip(id) => {
            let count = project.moments.iter().filter(|m| m.clip == *id).count();
            if count > 0 {
                return Err(EditError::ClipHasMoments { clip: *id, count });
            }
        }
        Edit::RemoveCodebook(id) => {
            if let Some(m) = project
                .moments
                .iter()
                .find(|m| m.codes.iter().any(|c| c.codebook == *id))
            {
                return Err(EditError::CodebookInUse {
                    codebook: id.clone(),
                    moment: m.id,
                });
            }
        }
        Edit::RemoveMoment(id) => {
            if let Some(reel) = project.reels_using(*id).next() {
                return Err(EditError::MomentInReel {
                    moment: *id,
                    reel: reel.id,
                    reel_name: reel.name.clone(),
                });
            }
        }
        _ => {}
    }
    Ok(())
}

/// Makes the change without checking the result (`apply` validates it).
/// Refuses duplicate ids up front, because removal by id is how an insert is
/// undone and must find exactly the inserted thing.
fn apply_unchecked(project: &mut Project, edit: Edit) -> Result<Edit, EditError> {
    Ok(match edit {
        Edit::SetTitle(title) => Edit::SetTitle(std::mem::replace(&mut project.title, title)),
        Edit::InsertClip { index, clip } => {
            let id = clip.id;
            if project.clip(id).is_some() {
                return Err(ValidationError::DuplicateClip(id).into());
            }
            insert(&mut project.clips, index, clip);
            Edit::RemoveClip(id)
        }
        Edit::RemoveClip(id) => {
            let index = position(&project.clips, |c| c.id == id).ok_or(EditError::NoClip(id))?;
            let clip = project.clips.remove(index);
            Edit::InsertClip { index, clip }
        }
        Edit::UpdateClip(clip) => {
            let id = clip.id;
            let slot = project
                .clips
                .iter_mut()
                .find(|c| c.id == id)
                .ok_or(EditError::NoClip(id))?;
            Edit::UpdateClip(std::mem::replace(slot, clip))
        }
        Edit::InsertCodebook { index, codebook } => {
            let id = codebook.id.clone();
            if project.codebook(&id).is_some() {
                return Err(ValidationError::DuplicateCodebook(id).into());
            }
            insert(&mut project.codebooks, index, codebook);
            Edit::RemoveCodebook(id)
        }
        Edit::RemoveCodebook(id) => {
            let index = position(&project.codebooks, |c| c.id == id)
                .ok_or_else(|| EditError::NoCodebook(id.clone()))?;
            let codebook = project.codebooks.remove(index);
            Edit::InsertCodebook { index, codebook }
        }
        Edit::UpdateCodebook(codebook) => {
            let slot = project
                .codebooks
                .iter_mut()
                .find(|c| c.id == codebook.id)
                .ok_or_else(|| EditError::NoCodebook(codebook.id.clone()))?;
            Edit::UpdateCodebook(std::mem::replace(slot, codebook))
        }
        Edit::InsertMoment { index, moment } => {
            let id = moment.id;
            if project.moment(id).is_some() {
                return Err(ValidationError::DuplicateMoment(id).into());
            }
            insert(&mut project.moments, index, moment);
            Edit::RemoveMoment(id)
        }
        Edit::RemoveMoment(id) => {
            let index =
                position(&project.moments, |m| m.id == id).ok_or(EditError::NoMoment(id))?;
            let moment = project.moments.remove(index);
            Edit::InsertMoment { index, moment }
        }
        Edit::UpdateMoment(moment) => {
            let id = moment.id;
            let slot = project
                .moments
                .iter_mut()
                .find(|m| m.id == id)
                .ok_or(EditError::NoMoment(id))?;
            Edit::UpdateMoment(std::mem::replace(slot, moment))
        }
        Edit::InsertReel { index, reel } => {
            let id = reel.id;
            if project.reel(id).is_some() {
                return Err(ValidationError::DuplicateReel(id).into());
            }
            insert(&mut project.reels, index, reel);
            Edit::RemoveReel(id)
        }
        Edit::RemoveReel(id) => {
            let index = position(&project.reels, |r| r.id == id).ok_or(EditError::NoReel(id))?;
            let reel = project.reels.remove(index);
            Edit::InsertReel { index, reel }
        }
        Edit::UpdateReel(reel) => {
            let id = reel.id;
            let slot = project
                .reels
                .iter_mut()
                .find(|r| r.id == id)
                .ok_or(EditError::NoReel(id))?;
            Edit::UpdateReel(std::mem::replace(slot, reel))
        }
        Edit::InsertReview { index, review } => {
            let id = review.id;
            if project.review(id).is_some() {
                return Err(ValidationError::DuplicateReview(id).into());
            }
            insert(&mut project.reviews, index, review);
            Edit::RemoveReview(id)
        }
        Edit::RemoveReview(id) => {
            let index =
                position(&project.reviews, |r| r.id == id).ok_or(EditError::NoReview(id))?;
            let review = project.reviews.remove(index);
            Edit::InsertReview { index, review }
        }
        Edit::UpdateReview(review) => {
            let id = review.id;
            let slot = project
                .reviews
                .iter_mut()
                .find(|r| r.id == id)
                .ok_or(EditError::NoReview(id))?;
            Edit::UpdateReview(std::mem::replace(slot, review))
        }
        Edit::SetPeople(people) => Edit::SetPeople(std::mem::replace(&mut project.people, people)),
        Edit::SetCoders(coders) => Edit::SetCoders(std::mem::replace(&mut project.coders, coders)),
        Edit::Batch(edits) => {
            let mut inverses = Vec::with_capacity(edits.len());
            for edit in edits {
                match apply_unchecked(project, edit) {
                    Ok(inverse) => inverses.push(inverse),
                    Err(problem) => {
                        roll_back(project, inverses);
                        return Err(problem);
                    }
                }
            }
            inverses.reverse();
            Edit::Batch(inverses)
        }
    })
}

fn roll_back(project: &mut Project, mut inverses: Vec<Edit>) {
    while let Some(inverse) = inverses.pop() {
        // Each inverse restores the state its edit started from, so it finds
        // what it refers to; there is no other state to fall back to, so a
        // failure is only reported.
        if apply_unchecked(project, inverse).is_err() {
            log::error!("rolling back a refused batch of edits failed");
        }
    }
}

/// Out-of-range indexes append, so a stale index from the UI still works.
fn insert<T>(items: &mut Vec<T>, index: usize, item: T) {
    let index = index.min(items.len());
    items.insert(index, item);
}

fn position<T>(items: &[T], pred: impl Fn(&T) -> bool) -> Option<usize> {
    items.iter().position(pred)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::sample_project;
    use crate::model::{CodeRef, ReelItem};

    #[test]
    fn each_edit_returns_an_inverse_that_restores_the_project() {
        let original = sample_project();
        let mut project = original.clone();
        let mut moment = project.moments[0].clone();
        moment.caption = "You turned towards him".into();
        let inverse = apply(&mut project, Edit::UpdateMoment(moment.clone())).unwrap();
        assert_eq!(project.moments[0], moment);
        apply(&mut project, inverse).unwrap();
        assert_eq!(project, original);

        let inverse = apply(&mut project, Edit::SetTitle("Cycle 2".into())).unwrap();
        assert_eq!(inverse, Edit::SetTitle(original.title.clone()));
    }

    #[test]
    fn removals_that_would_orphan_things_are_refused() {
        let mut project = sample_project();
        let before = project.clone();
        let clip = project.clips[0].id;
        assert!(matches!(
            apply(&mut project, Edit::RemoveClip(clip)),
            Err(EditError::ClipHasMoments { .. })
        ));
        let in_reel = project.reels[0].items[0].moment;
        let err = apply(&mut project, Edit::RemoveMoment(in_reel)).unwrap_err();
        assert!(err.to_string().contains("reel"), "{err}");
        assert!(matches!(
            apply(&mut project, Edit::RemoveCodebook("vig".into())),
            Err(EditError::CodebookInUse { .. })
        ));
        assert_eq!(project, before, "refused edits change nothing");
    }

    #[test]
    fn invalid_results_are_refused_and_rolled_back() {
        let mut project = sample_project();
        let before = project.clone();
        let mut moment = project.moments[0].clone();
        moment.codes.push(CodeRef::new("nbo", "rooting"));
        let err = apply(&mut project, Edit::UpdateMoment(moment)).unwrap_err();
        assert!(err.to_string().contains("codebook 'nbo'"), "{err}");
        assert_eq!(project, before);

        let mut duplicate = project.moments[0].clone();
        duplicate.start = 0;
        let err = apply(
            &mut project,
            Edit::InsertMoment {
                index: 99,
                moment: duplicate,
            },
        )
        .unwrap_err();
        assert!(matches!(
            err,
            EditError::Invalid(ValidationError::DuplicateMoment(_))
        ));
        assert_eq!(project, before);
    }

    #[test]
    fn a_batch_is_atomic_and_undoes_in_one_step() {
        let mut project = sample_project();
        let before = project.clone();
        let mut fresh = project.moments[0].clone();
        fresh.id = project.next_moment_id();
        let mut reel = project.reels[0].clone();
        reel.items.push(ReelItem::for_moment(fresh.id));
        // The reel refers to the new moment; inside a batch order is free as
        // long as the end result is valid.
        let batch = Edit::Batch(vec![
            Edit::UpdateReel(reel.clone()),
            Edit::InsertMoment {
                index: 0,
                moment: fresh.clone(),
            },
        ]);
        let inverse = apply(&mut project, batch).unwrap();
        assert_eq!(project.moments[0], fresh);
        apply(&mut project, inverse).unwrap();
        assert_eq!(project, before);

        let failing = Edit::Batch(vec![
            Edit::SetTitle("changed".into()),
            Edit::RemoveReel(ReelId(999)),
        ]);
        assert_eq!(
            apply(&mut project, failing),
            Err(EditError::NoReel(ReelId(999)))
        );
        assert_eq!(project, before, "the applied part was rolled back");
    }

    #[test]
    fn labels_read_like_menu_items() {
        assert_eq!(Edit::SetTitle(String::new()).label(), "Rename project");
        assert_eq!(Edit::RemoveMoment(MomentId(1)).label(), "Remove moment");
        assert_eq!(Edit::Batch(vec![]).label(), "Several changes");
    }
}
