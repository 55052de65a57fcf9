//! Who a moment is about, and bringing in moments coded in another tool:
//! both may add people to the project's list, in the same undo step.

use super::refusal::Refusal;
use super::trial::checked;
use crate::model::codebook::Codebook;
use crate::model::edit::Edit;
use crate::model::ids::MomentId;
use crate::model::moment::Moment;
use crate::model::participant::Participant;
use crate::model::project::Project;
use chrono::{DateTime, Utc};

/// Says whose behaviour a moment records (`None` clears it). A person not
/// yet in the project's list of people is added to it in the same step,
/// so naming someone new is one undo.
pub fn set_participant(
    project: &Project,
    moment: MomentId,
    participant: Option<Participant>,
    now: DateTime<Utc>,
) -> Result<Edit, Refusal> {
    let mut changed = project
        .moment(moment)
        .cloned()
        .ok_or(Refusal::MomentNotFound(moment))?;
    let participant = participant.map(|p| match p {
        Participant::Person(name) => Participant::Person(name.trim().to_owned()),
        role => role,
    });
    if changed.participant == participant {
        return Err(Refusal::Unchanged);
    }
    let mut edits = Vec::new();
    if let Some(Participant::Person(name)) = &participant
        && !project.people.contains(name)
    {
        let mut people = project.people.clone();
        people.push(name.clone());
        edits.push(Edit::SetPeople(people));
    }
    changed.participant = participant;
    changed.modified = now;
    edits.push(Edit::UpdateMoment(changed));
    checked(project, single_or_batch(edits))
}

/// What an import brings: codebooks made from the other tool's
/// vocabularies, people it names, and its moments (ids are given here).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportedWork {
    pub codebooks: Vec<Codebook>,
    pub people: Vec<String>,
    pub moments: Vec<Moment>,
}

/// Adds imported codebooks, people and moments as one undo step, after
/// what the project has. Moments get the next free ids in the order given
/// (whatever ids they came with); codebook ids must be free already, since
/// the moments refer to them. Refused whole if any part breaks a rule.
pub fn import_annotations(project: &Project, work: ImportedWork) -> Result<Edit, Refusal> {
    if work.moments.is_empty() && work.codebooks.is_empty() {
        return Err(Refusal::NothingToImport);
    }
    let mut edits = Vec::with_capacity(work.codebooks.len() + work.moments.len() + 1);
    let first_book = project.codebooks.len();
    for (i, codebook) in work.codebooks.into_iter().enumerate() {
        edits.push(Edit::InsertCodebook {
            index: first_book + i,
            codebook,
        });
    }
    let mut people = project.people.clone();
    for name in work.people {
        if !people.contains(&name) {
            people.push(name);
        }
    }
    if people != project.people {
        edits.push(Edit::SetPeople(people));
    }
    // Whoever coded the moments becomes one of the project's coders.
    if let Some(coders) = with_coders(project, work.moments.iter().map(|m| m.author.as_str())) {
        edits.push(Edit::SetCoders(coders));
    }
    let first_id = project.next_moment_id().0;
    let first_moment = project.moments.len();
    for (i, mut moment) in work.moments.into_iter().enumerate() {
        moment.id = MomentId(first_id + i as u32);
        edits.push(Edit::InsertMoment {
            index: first_moment + i,
            moment,
        });
    }
    checked(project, Edit::Batch(edits))
}

/// The project's coders with any new listable names from `authors` added,
/// or `None` when nothing is new.
pub(super) fn with_coders<'a>(
    project: &Project,
    authors: impl Iterator<Item = &'a str>,
) -> Option<Vec<String>> {
    let mut coders = project.coders.clone();
    for author in authors {
        let listable = !author.trim().is_empty() && author.trim() == author;
        if listable && !coders.iter().any(|c| c == author) {
            coders.push(author.to_owned());
        }
    }
    (coders != project.coders).then_some(coders)
}

fn single_or_batch(mut edits: Vec<Edit>) -> Edit {
    if edits.len() == 1 {
        edits.remove(0)
    } else {
        Edit::Batch(edits)
    }
}
