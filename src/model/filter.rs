//! Which moments the inspector's list shows: narrowed by clip, by code and
//! by words the clinician types. Pure, so the list, tests and `attune bench
//! ui` all filter the same way.

use super::codebook::CodeRef;
use super::ids::ClipId;
use super::moment::Moment;
use super::participant::Participant;
use super::project::Project;

/// An empty filter (no text, no clip, no code) lets every moment through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MomentFilter {
    /// Words, all of which must appear (ignoring case) in the note, caption,
    /// author or the names of the moment's codes. Order does not matter.
    pub text: String,
    pub clip: Option<ClipId>,
    pub code: Option<CodeRef>,
    /// Only moments about this participant (the infant's initiatives, say).
    pub participant: Option<Participant>,
    /// Only this coder's moments (blind coding hides the others').
    pub coder: Option<String>,
}

impl MomentFilter {
    pub fn is_empty(&self) -> bool {
        self.clip.is_none()
            && self.code.is_none()
            && self.participant.is_none()
            && self.coder.is_none()
            && self.text.trim().is_empty()
    }

    pub fn matches(&self, project: &Project, moment: &Moment) -> bool {
        self.matches_words(project, moment, &self.words())
    }

    /// The matching moments ordered as the list shows them: by clip in the
    /// project's order, then by start frame, then by id.
    pub fn apply<'a>(&self, project: &'a Project) -> Vec<&'a Moment> {
        // Lower-case the query once, not once per moment.
        let words = self.words();
        let mut found: Vec<&Moment> = project
            .moments
            .iter()
            .filter(|m| self.matches_words(project, m, &words))
            .collect();
        let clip_order = |clip: ClipId| {
            project
                .clips
                .iter()
                .position(|c| c.id == clip)
                .unwrap_or(usize::MAX)
        };
        found.sort_by_cached_key(|m| (clip_order(m.clip), m.start, m.id));
        found
    }

    fn words(&self) -> Vec<String> {
        self.text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect()
    }

    fn matches_words(&self, project: &Project, moment: &Moment, words: &[String]) -> bool {
        if self.clip.is_some_and(|clip| clip != moment.clip) {
            return false;
        }
        if let Some(code) = &self.code
            && !moment.codes.contains(code)
        {
            return false;
        }
        if self.participant.is_some() && self.participant != moment.participant {
            return false;
        }
        if self.coder.as_ref().is_some_and(|c| *c != moment.author) {
            return false;
        }
        if words.is_empty() {
            return true;
        }
        let haystack = searchable_text(project, moment);
        words.iter().all(|w| haystack.contains(w.as_str()))
    }
}

/// Everything a word may match, lower-cased. Fields are joined by a line
/// break, which no word contains, so a word never matches across two fields.
fn searchable_text(project: &Project, moment: &Moment) -> String {
    let mut text =
        String::with_capacity(moment.note.len() + moment.caption.len() + moment.author.len() + 32);
    for field in [&moment.note, &moment.caption, &moment.author] {
        text.push_str(field);
        text.push('\n');
    }
    for code in &moment.codes {
        if let Some((_, item)) = project
            .codebook(&code.codebook)
            .and_then(|book| book.item(&code.item))
        {
            text.push_str(&item.name);
            text.push('\n');
        }
    }
    text.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::sample_project;
    use crate::model::{Clip, MomentId};

    fn ids(moments: &[&Moment]) -> Vec<u32> {
        moments.iter().map(|m| m.id.0).collect()
    }

    /// The sample project plus a second clip listed first, so ordering by
    /// project clip order differs from ordering by clip id.
    fn two_clips() -> crate::model::Project {
        let mut p = sample_project();
        let mut first: Clip = p.clips[0].clone();
        first.id = ClipId(7);
        first.name = "Feeding".into();
        p.clips.insert(0, first);
        let mut m = p.moments[0].clone();
        m.id = MomentId(3);
        m.clip = ClipId(7);
        m.start = 500;
        m.end = 510;
        m.note = "Father hums softly".into();
        m.caption = "He listened to your voice".into();
        m.author = "Kit Moreno".into();
        m.codes = vec![CodeRef::new("vig", "turning-towards")];
        p.moments.push(m);
        p.validate().unwrap();
        p
    }

    #[test]
    fn the_empty_filter_lists_everything_in_clip_then_time_order() {
        let p = two_clips();
        let f = MomentFilter::default();
        assert!(f.is_empty());
        assert_eq!(ids(&f.apply(&p)), [3, 1, 2]);
    }

    #[test]
    fn words_match_any_field_ignoring_case_and_all_must_match() {
        let p = two_clips();
        let by = |text: &str| {
            ids(&MomentFilter {
                text: text.into(),
                ..Default::default()
            }
            .apply(&p))
        };
        assert_eq!(by("HUMS"), [3], "note");
        assert_eq!(by("looked"), [1, 2], "caption");
        assert_eq!(by("moreno"), [3], "author");
        assert_eq!(by("turning"), [3, 2], "code item name");
        assert_eq!(by("  waited   okafor "), [1, 2], "two words, two fields");
        assert_eq!(
            by("waited hums"),
            Vec::<u32>::new(),
            "every word must match"
        );
        assert_eq!(by("   "), [3, 1, 2], "blank text filters nothing");
    }

    #[test]
    fn clip_and_code_narrow_the_list() {
        let p = two_clips();
        let clip = MomentFilter {
            clip: Some(ClipId(1)),
            ..Default::default()
        };
        assert_eq!(ids(&clip.apply(&p)), [1, 2]);
        let code = MomentFilter {
            code: Some(CodeRef::new("vig", "turning-towards")),
            ..Default::default()
        };
        assert_eq!(ids(&code.apply(&p)), [3, 2]);
        let both = MomentFilter {
            text: "she".into(),
            clip: Some(ClipId(1)),
            code: Some(CodeRef::new("vig", "waiting")),
            participant: None,
            coder: None,
        };
        assert_eq!(ids(&both.apply(&p)), [1]);
        let blind = MomentFilter {
            coder: Some("nobody here".into()),
            ..Default::default()
        };
        assert!(
            blind.apply(&p).is_empty(),
            "another coder's moments are hidden"
        );
        assert!(!blind.is_empty());
        assert!(both.matches(&p, &p.moments[0]));
        assert!(!both.matches(&p, &p.moments[1]));
    }

    #[test]
    fn participant_narrows_the_list() {
        let mut p = two_clips();
        p.moments[2].participant = Some(Participant::Infant);
        let infant = MomentFilter {
            participant: Some(Participant::Infant),
            ..Default::default()
        };
        assert!(!infant.is_empty());
        assert_eq!(ids(&infant.apply(&p)), [3]);
        let parent = MomentFilter {
            participant: Some(Participant::Parent),
            ..Default::default()
        };
        assert!(parent.apply(&p).is_empty());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        const WORDS: [&str; 6] = ["waits", "Looked", "hums", "okafor", "turning", "zebra"];

        proptest! {
            #[test]
            fn apply_is_the_sorted_subset_that_matches(
                text in proptest::sample::subsequence(WORDS.to_vec(), 0..3),
                clip in proptest::option::of(prop_oneof![Just(ClipId(1)), Just(ClipId(7)), Just(ClipId(9))]),
                code in proptest::option::of(prop_oneof![
                    Just(CodeRef::new("vig", "waiting")),
                    Just(CodeRef::new("vig", "turning-towards")),
                ]),
            ) {
                let p = two_clips();
                let f = MomentFilter { text: text.join(" "), clip, code, participant: None, coder: None };
                let got = f.apply(&p);
                // Exactly the moments that match, each once.
                let expected: Vec<u32> = ids(&MomentFilter::default().apply(&p))
                    .into_iter()
                    .filter(|id| p.moments.iter().any(|m| m.id.0 == *id && f.matches(&p, m)))
                    .collect();
                prop_assert_eq!(ids(&got), expected);
                for m in &got {
                    prop_assert!(p.moments.iter().any(|all| std::ptr::eq(all, *m)));
                }
            }
        }
    }
}
