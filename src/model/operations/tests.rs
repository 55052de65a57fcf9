//! The operations on the sample project, with the values the UI showed
//! before they moved here (names, ids, defaults, messages).

use super::*;
use crate::model::testing::sample_project;
use crate::model::{ClipId, CodeRef, Edit, MomentId, ReelId, ReviewId, apply};
use chrono::DateTime;

fn now() -> chrono::DateTime<chrono::Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default()
}

#[test]
fn marks_give_a_span_in_either_order_or_none() {
    assert_eq!(marked_span(Some(90), Some(30), 0), Some((30, 90)));
    assert_eq!(marked_span(Some(30), None, 40), Some((30, 40)));
    assert_eq!(marked_span(Some(30), None, 20), None);
    assert_eq!(marked_span(None, Some(30), 20), Some((20, 30)));
    assert_eq!(marked_span(None, None, 20), None);
    let p = sample_project();
    assert_eq!(
        moment_from_marks(&p, ClipId(1), None, None, 5, "A", now()),
        Err(Refusal::NoMarks)
    );
    let Ok(Edit::InsertMoment { index, moment }) =
        moment_from_marks(&p, ClipId(1), Some(50), Some(10), 0, "Dr Okafor", now())
    else {
        panic!("marks make a moment");
    };
    assert_eq!(
        (index, moment.id, moment.start, moment.end),
        (2, MomentId(3), 10, 50)
    );
    assert_eq!(moment.author, "Dr Okafor");
    assert!(moment.note.is_empty() && moment.caption.is_empty() && moment.codes.is_empty());
}

#[test]
fn hotkeys_find_the_active_codebooks_code() {
    let p = sample_project();
    assert_eq!(
        code_on_key(&p, Some("vig"), '1'),
        Ok(CodeRef::new("vig", "turning-towards"))
    );
    assert_eq!(
        code_on_key(&p, Some("nbo"), '1'),
        Err(Refusal::NoActiveCodebook)
    );
    let err = code_on_key(&p, Some("vig"), 'z').unwrap_err();
    assert!(err.to_string().starts_with("no code on key z in "), "{err}");
}

#[test]
fn removing_a_moment_a_reel_plays_names_the_reel() {
    let p = sample_project();
    let err = remove_moment(&p, MomentId(1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the moment is in reel 'First review'; take it out of the reel first"
    );
    assert_eq!(
        remove_moment(&p, MomentId(2)),
        Ok(Edit::RemoveMoment(MomentId(2)))
    );
}

#[test]
fn new_things_get_the_uis_names_and_ids() {
    let mut p = sample_project();
    let Ok(Edit::InsertReel { index, reel }) = start_reel(&p) else {
        panic!("a reel can be started");
    };
    assert_eq!(
        (index, reel.id, reel.name.as_str()),
        (1, ReelId(2), "Review 2")
    );

    let blank = blank_codebook(&p);
    assert_eq!(
        (blank.id.as_str(), blank.name.as_str()),
        ("my-codebook", "My codebook")
    );
    let saved = save_codebook(&p, blank.clone()).unwrap();
    apply(&mut p, saved).unwrap();
    let second = blank_codebook(&p);
    assert_eq!(
        (second.id.as_str(), second.name.as_str()),
        ("my-codebook-2", "My codebook 2")
    );
    let Ok(Edit::InsertCodebook { codebook, .. }) = import_codebook(&p, blank) else {
        panic!("an import is added");
    };
    assert_eq!(codebook.id, "my-codebook-2");
    assert_eq!(free_codebook_id(&p, "vig"), "vig-2");

    let Ok(Edit::InsertReview { index, review }) = log_review(&p, ReelId(1), now(), vec![], true)
    else {
        panic!("a review is logged");
    };
    assert_eq!((index, review.id), (0, ReviewId(1)));
    assert_eq!(review.reel_name, "First review");
    assert_eq!(review.notes, SHOWN_FROM_FILE);
}

#[test]
fn a_reel_item_freezes_in_its_middle_and_a_blank_caption_is_the_moments() {
    let p = sample_project();
    let edit = change_reel(
        &p,
        ReelId(1),
        &[
            ReelChange::Freeze { position: 0 },
            ReelChange::Caption {
                position: 0,
                caption: "   ".into(),
            },
            ReelChange::Prompt {
                position: 0,
                prompt: "  What do you notice here? ".into(),
            },
        ],
    );
    let Ok(Edit::UpdateReel(reel)) = edit else {
        panic!("the changes are one edit");
    };
    let item = &reel.items[0];
    // Moment 1 spans 30..=120.
    assert_eq!(
        item.hold,
        Some(crate::model::Hold {
            frame: 75,
            duration_ms: HOLD_MS
        })
    );
    assert_eq!(item.caption, None);
    assert_eq!(item.prompt, "What do you notice here?");
    assert_eq!(
        move_reel_item(&p, ReelId(1), 0, 1),
        Err(Refusal::NoSuchItem {
            position: 2,
            count: 1
        })
    );
}

#[test]
fn naming_a_new_person_adds_them_to_the_people_in_one_step() {
    use crate::model::Participant;
    let mut p = sample_project();
    let edit = set_participant(
        &p,
        MomentId(1),
        Some(Participant::Person(" Nan ".into())),
        now(),
    )
    .unwrap();
    let before = p.clone();
    let inverse = apply(&mut p, edit).unwrap();
    assert_eq!(p.people, ["Nan"]);
    assert_eq!(
        p.moment(MomentId(1)).unwrap().participant,
        Some(Participant::Person("Nan".into()))
    );
    apply(&mut p, inverse).unwrap();
    assert_eq!(p, before, "one undo takes both back");
    assert_eq!(
        set_participant(&p, MomentId(1), None, now()),
        Err(Refusal::Unchanged)
    );
    let edit = set_participant(&p, MomentId(1), Some(Participant::Infant), now()).unwrap();
    assert!(matches!(edit, Edit::UpdateMoment(_)), "a role adds nobody");
    let err = set_participant(
        &p,
        MomentId(1),
        Some(Participant::Person("Parent".into())),
        now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("role"), "{err}");
    assert_eq!(
        set_participant(&p, MomentId(99), None, now()),
        Err(Refusal::MomentNotFound(MomentId(99)))
    );
}

#[test]
fn an_import_is_one_edit_with_fresh_ids() {
    let mut p = sample_project();
    let mut moment = p.moments[0].clone();
    moment.id = MomentId(1);
    let work = ImportedWork {
        codebooks: vec![],
        people: vec!["Nan".into()],
        moments: vec![moment.clone(), moment],
    };
    let edit = import_annotations(&p, work).unwrap();
    let before = p.clone();
    let inverse = apply(&mut p, edit).unwrap();
    assert_eq!(p.moments.len(), before.moments.len() + 2);
    let ids: Vec<u32> = p.moments.iter().map(|m| m.id.0).collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(p.people, ["Nan"]);
    apply(&mut p, inverse).unwrap();
    assert_eq!(p, before);
    assert_eq!(
        import_annotations(&p, ImportedWork::default()),
        Err(Refusal::NothingToImport)
    );
}
