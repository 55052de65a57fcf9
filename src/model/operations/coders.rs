//! Coders as people of the project: naming the one coding now, and
//! bringing a colleague's coding of the same clips in from their project
//! file as their pass, for supervision and agreement.

use std::collections::{HashMap, HashSet};

use super::participants::with_coders;
use super::refusal::Refusal;
use super::trial::checked;
use crate::model::codebook::{CodeRef, Codebook};
use crate::model::edit::Edit;
use crate::model::ids::{ClipId, MomentId};
use crate::model::moment::Moment;
use crate::model::participant::Participant;
use crate::model::project::Project;

/// Adds `name` to the project's coders (the one who is coding now, chosen
/// at the start of a session).
pub fn add_coder(project: &Project, name: &str) -> Result<Edit, Refusal> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Refusal::BlankCoder);
    }
    if project.coders.iter().any(|c| c == name) {
        return Err(Refusal::Unchanged);
    }
    let mut coders = project.coders.clone();
    coders.push(name.to_owned());
    checked(project, Edit::SetCoders(coders))
}

/// What a merge brings, for the CLI's lines and the app's status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeSummary {
    /// Moments added.
    pub moments: usize,
    /// Moments of the other project already here (a second merge of the
    /// same file finds all of them).
    pub already_here: usize,
    /// Our clips that received moments, by name.
    pub clips: Vec<String>,
    /// The other project's clips with moments that match none of ours by
    /// content (their moments stay behind).
    pub unmatched_clips: Vec<String>,
    pub new_codebooks: usize,
    /// Codes added to codebooks we share.
    pub new_codes: usize,
    /// Whose coding came in.
    pub coders: Vec<String>,
}

/// A merge: the one edit (none when everything is here already) and what
/// it brings.
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    pub edit: Option<Edit>,
    pub summary: MergeSummary,
}

/// Takes `other`'s moments on the clips both projects hold, matched by the
/// footage's content fingerprint (not by path or name, which differ between
/// colleagues' machines), as their coder's pass, or as `as_coder`'s when
/// given. Codebooks are matched by id; one we lack comes in whole, codes
/// we lack come into the codebook we share. Moments already here (same
/// clip, frames, codes, coder, participant, caption and note) are not added
/// again, so merging twice changes nothing. One undo step.
pub fn merge_coding(
    project: &Project,
    other: &Project,
    as_coder: Option<&str>,
) -> Result<Merge, Refusal> {
    let as_coder = as_coder.map(str::trim).filter(|c| !c.is_empty());
    let ours: HashMap<ClipId, ClipId> = other
        .clips
        .iter()
        .filter_map(|theirs| {
            let mine = project
                .clips
                .iter()
                .find(|c| c.fingerprint == theirs.fingerprint)?;
            Some((theirs.id, mine.id))
        })
        .collect();
    let mut summary = MergeSummary::default();
    for clip in &other.clips {
        let coded = other.moments.iter().any(|m| m.clip == clip.id);
        if coded && !ours.contains_key(&clip.id) {
            summary.unmatched_clips.push(clip.name.clone());
        }
    }
    if ours.is_empty() {
        return Err(Refusal::NoSharedClips);
    }

    let mut codes = CodeIntake::new(project, other);
    let mut seen: HashSet<MomentKey> = project.moments.iter().map(MomentKey::of).collect();
    let mut people = project.people.clone();
    let mut added: Vec<Moment> = Vec::new();
    for theirs in &other.moments {
        let Some(&clip) = ours.get(&theirs.clip) else {
            continue;
        };
        let author = as_coder.unwrap_or(theirs.author.trim());
        if author.is_empty() {
            return Err(Refusal::MomentWithoutCoder(theirs.id));
        }
        let mut moment = theirs.clone();
        moment.clip = clip;
        author.clone_into(&mut moment.author);
        for code in &moment.codes {
            codes.take(code);
        }
        if !seen.insert(MomentKey::of(&moment)) {
            summary.already_here += 1;
            continue;
        }
        if let Some(Participant::Person(name)) = &moment.participant
            && !people.contains(name)
        {
            people.push(name.clone());
        }
        if !summary.coders.contains(&moment.author) {
            summary.coders.push(moment.author.clone());
        }
        if let Some(name) = project.clip(clip).map(|c| c.name.clone())
            && !summary.clips.contains(&name)
        {
            summary.clips.push(name);
        }
        added.push(moment);
    }
    summary.moments = added.len();
    if added.is_empty() {
        return Ok(Merge {
            edit: None,
            summary,
        });
    }

    let mut edits = Vec::new();
    let (inserted, updated, new_codes) = codes.finish();
    summary.new_codebooks = inserted.len();
    summary.new_codes = new_codes;
    let first_book = project.codebooks.len();
    for (i, codebook) in inserted.into_iter().enumerate() {
        edits.push(Edit::InsertCodebook {
            index: first_book + i,
            codebook,
        });
    }
    edits.extend(updated.into_iter().map(Edit::UpdateCodebook));
    if people != project.people {
        edits.push(Edit::SetPeople(people));
    }
    if let Some(coders) = with_coders(project, added.iter().map(|m| m.author.as_str())) {
        edits.push(Edit::SetCoders(coders));
    }
    let first_id = project.next_moment_id().0;
    let first_moment = project.moments.len();
    for (i, mut moment) in added.into_iter().enumerate() {
        moment.id = MomentId(first_id + i as u32);
        edits.push(Edit::InsertMoment {
            index: first_moment + i,
            moment,
        });
    }
    let edit = checked(project, Edit::Batch(edits))?;
    Ok(Merge {
        edit: Some(edit),
        summary,
    })
}

/// What makes two moments the same coding.
#[derive(Hash, PartialEq, Eq)]
struct MomentKey {
    clip: ClipId,
    start: u32,
    end: u32,
    codes: Vec<CodeRef>,
    author: String,
    participant: Option<Participant>,
    caption: String,
    note: String,
}

impl MomentKey {
    fn of(m: &Moment) -> Self {
        let mut codes = m.codes.clone();
        codes.sort_by(|a, b| (&a.codebook, &a.item).cmp(&(&b.codebook, &b.item)));
        MomentKey {
            clip: m.clip,
            start: m.start,
            end: m.end,
            codes,
            author: m.author.clone(),
            participant: m.participant.clone(),
            caption: m.caption.clone(),
            note: m.note.clone(),
        }
    }
}

/// The codes merged moments use that we lack: whole codebooks, or items
/// (with their category when we lack that too) added to a shared one.
struct CodeIntake<'a> {
    project: &'a Project,
    other: &'a Project,
    inserted: Vec<Codebook>,
    updated: Vec<Codebook>,
    new_codes: usize,
}

impl<'a> CodeIntake<'a> {
    fn new(project: &'a Project, other: &'a Project) -> Self {
        CodeIntake {
            project,
            other,
            inserted: Vec::new(),
            updated: Vec::new(),
            new_codes: 0,
        }
    }

    fn take(&mut self, code: &CodeRef) {
        if self.inserted.iter().any(|b| b.id == code.codebook) {
            return;
        }
        // The other project was validated on load: its codes exist there.
        let Some(theirs) = self.other.codebook(&code.codebook) else {
            return;
        };
        let Some(mine) = self.project.codebook(&code.codebook) else {
            self.inserted.push(theirs.clone());
            return;
        };
        let at = match self.updated.iter().position(|b| b.id == mine.id) {
            Some(at) => at,
            None => {
                self.updated.push(mine.clone());
                self.updated.len() - 1
            }
        };
        let book = &mut self.updated[at];
        if book.items().any(|(_, i)| i.id == code.item) {
            return;
        }
        let Some(category) = theirs
            .categories
            .iter()
            .find(|c| c.items.iter().any(|i| i.id == code.item))
        else {
            return;
        };
        let Some(item) = category.items.iter().find(|i| i.id == code.item) else {
            return;
        };
        // A hotkey we already use stays ours; the added code gets none.
        let mut item = item.clone();
        if item
            .hotkey
            .is_some_and(|k| book.items().any(|(_, i)| i.hotkey == Some(k)))
        {
            item.hotkey = None;
        }
        match book.categories.iter_mut().find(|c| c.id == category.id) {
            Some(c) => c.items.push(item),
            None => {
                let mut new = category.clone();
                new.items = vec![item];
                book.categories.push(new);
            }
        }
        self.new_codes += 1;
    }

    /// Codebooks to insert, shared codebooks that changed, codes added.
    fn finish(self) -> (Vec<Codebook>, Vec<Codebook>, usize) {
        let project = self.project;
        let updated = self
            .updated
            .into_iter()
            .filter(|b| project.codebook(&b.id) != Some(b))
            .collect();
        (self.inserted, updated, self.new_codes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::apply;
    use crate::model::testing::sample_project;

    /// A colleague's project over the same footage: the clip renamed and
    /// moved, with ids of its own, one moment the same as ours (but theirs)
    /// and one with a code our codebook lacks.
    fn colleague() -> Project {
        let mut other = sample_project();
        other.clips[0].id = ClipId(7);
        other.clips[0].name = "bath (supervisor's copy)".into();
        other.clips[0].path = "elsewhere/b.mp4".into();
        other.reels.clear();
        for m in &mut other.moments {
            m.clip = ClipId(7);
            m.author = "Supervisor Ada".into();
            m.id = MomentId(m.id.0 + 40);
        }
        let book = &mut other.codebooks[0];
        book.categories[0].items.push(crate::model::CodeItem {
            id: "supervisor-extra".into(),
            name: "Noticing the pause".into(),
            description: String::new(),
            colour: None,
            hotkey: None,
        });
        let mut extra = other.moments[0].clone();
        extra.id = MomentId(99);
        extra.start = 400;
        extra.end = 420;
        extra.codes = vec![CodeRef::new("vig", "supervisor-extra")];
        other.moments.push(extra);
        other
    }

    #[test]
    fn merging_brings_the_colleagues_pass_once() {
        let mut p = sample_project();
        let before = p.clone();
        let other = colleague();
        let merge = merge_coding(&p, &other, None).unwrap();
        assert_eq!(merge.summary.moments, 3);
        assert_eq!(merge.summary.new_codes, 1);
        assert_eq!(merge.summary.coders, ["Supervisor Ada"]);
        assert_eq!(merge.summary.clips, ["Bath time"]);
        let inverse = apply(&mut p, merge.edit.unwrap()).unwrap();
        assert_eq!(p.moments.len(), 5);
        assert!(
            p.moments[2..]
                .iter()
                .all(|m| m.clip == ClipId(1) && m.author == "Supervisor Ada")
        );
        assert_eq!(p.coders, ["Supervisor Ada"]);
        assert!(
            p.codebook("vig")
                .unwrap()
                .items()
                .any(|(_, i)| i.id == "supervisor-extra")
        );

        // A second merge of the same file adds nothing.
        let again = merge_coding(&p, &other, None).unwrap();
        assert_eq!(again.edit, None);
        assert_eq!(again.summary.already_here, 3);

        // One undo step takes it all back.
        apply(&mut p, inverse).unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn the_pass_can_be_credited_and_foreign_footage_is_refused() {
        let p = sample_project();
        let merge = merge_coding(&p, &colleague(), Some("  Trainee Bo ")).unwrap();
        let mut after = p.clone();
        apply(&mut after, merge.edit.unwrap()).unwrap();
        assert!(after.moments[2..].iter().all(|m| m.author == "Trainee Bo"));

        let mut stranger = colleague();
        stranger.clips[0].fingerprint.hash = "cd".repeat(32);
        assert_eq!(
            merge_coding(&p, &stranger, None),
            Err(Refusal::NoSharedClips)
        );
    }

    #[test]
    fn a_coder_is_added_once_and_never_blank() {
        let p = sample_project();
        let mut after = p.clone();
        apply(&mut after, add_coder(&p, " Trainee Bo ").unwrap()).unwrap();
        assert_eq!(after.coders, ["Trainee Bo"]);
        assert_eq!(add_coder(&after, "Trainee Bo"), Err(Refusal::Unchanged));
        assert_eq!(add_coder(&after, "  "), Err(Refusal::BlankCoder));
        assert_eq!(after.all_coders(), ["Trainee Bo", "Dr Amani Okafor"]);
        assert_eq!(after.coders_on(ClipId(1)), ["Dr Amani Okafor"]);
    }
}
