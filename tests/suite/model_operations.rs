//! Property tests for `model::operations`: on random valid projects and
//! inputs, every edit an operation returns applies, its inverse restores
//! the project exactly, and the operation keeps its promise; each produces
//! the edit the UI put together by hand before (the `ui_*` oracles below
//! are that code, minus egui).

use super::model_props::{all_items, day, pick, project, text, time};
use attune::model::operations::*;
use attune::model::*;
use chrono::{DateTime, NaiveDate, Utc};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn now() -> DateTime<Utc> {
    time(1_800_000_000, 0)
}

/// Applies `edit`, checks the result is valid and that the inverse gives
/// `original` back exactly; returns the project after the edit.
fn applies(original: &Project, edit: &Edit) -> Result<Project, TestCaseError> {
    let mut project = original.clone();
    let inverse = apply(&mut project, edit.clone())
        .map_err(|e| TestCaseError::fail(format!("returned edit refused: {e}")))?;
    prop_assert_eq!(project.validate(), Ok(()));
    let after = project.clone();
    apply(&mut project, inverse)
        .map_err(|e| TestCaseError::fail(format!("inverse refused: {e}")))?;
    prop_assert_eq!(&project, original);
    Ok(after)
}

/// The same through the document, as the UI applies it: one undo step.
fn undoes_in_one_step(original: &Project, edit: Edit) -> Result<(), TestCaseError> {
    let mut doc = Document::new(original.clone());
    prop_assert!(doc.apply(edit).is_ok());
    prop_assert!(doc.undo());
    prop_assert_eq!(doc.project(), original);
    prop_assert!(!doc.can_undo());
    Ok(())
}

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    }
}

// ---- the UI's hand-built edits, as they were ----

fn ui_new_moment(p: &Project, clip: ClipId, start: u32, end: u32, codes: Vec<CodeRef>) -> Edit {
    let moment = Moment {
        id: p.next_moment_id(),
        clip,
        start,
        end,
        codes,
        note: String::new(),
        caption: String::new(),
        participant: None,
        author: "guider".into(),
        created: now(),
        modified: now(),
    };
    Edit::InsertMoment {
        index: p.moments.len(),
        moment,
    }
}

fn ui_toggle_code(p: &Project, id: MomentId, code: CodeRef) -> Option<Edit> {
    let mut moment = p.moment(id).cloned()?;
    if let Some(at) = moment.codes.iter().position(|c| *c == code) {
        moment.codes.remove(at);
    } else {
        moment.codes.push(code);
    }
    moment.modified = now();
    Some(Edit::UpdateMoment(moment))
}

fn ui_trim(p: &Project, id: MomentId, start: u32, end: u32) -> Option<Edit> {
    let mut moment = p.moment(id).cloned()?;
    if (moment.start, moment.end) == (start, end) {
        return None;
    }
    moment.start = start.min(end);
    moment.end = start.max(end);
    moment.modified = now();
    Some(Edit::UpdateMoment(moment))
}

// ---- moments ----

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn a_new_moment_spans_its_frames_and_gets_the_next_id(
        p in project(),
        (c, start, len, code) in (any::<usize>(), any::<u32>(), 0u32..300, any::<usize>()),
    ) {
        let Some(clip) = pick(&p.clips, c) else { return Ok(()) };
        let frames = clip.media.frames;
        let start = start % (frames + 5);
        let end = start.saturating_add(len);
        let codes: Vec<CodeRef> = pick(&all_items(&p.codebooks), code).cloned().into_iter().collect();
        match mark_moment(&p, clip.id, start, end, codes.clone(), "guider", now()) {
            Ok(edit) => {
                prop_assert_eq!(&edit, &ui_new_moment(&p, clip.id, start, end, codes.clone()));
                let after = applies(&p, &edit)?;
                let new = after.moments.last().unwrap();
                prop_assert_eq!(new.id, p.next_moment_id());
                prop_assert_eq!((new.clip, new.start, new.end), (clip.id, start, end));
                prop_assert_eq!(&new.codes, &codes);
                undoes_in_one_step(&p, edit)?;
            }
            Err(refusal) => {
                prop_assert!(end >= frames, "refused inside the clip: {}", refusal);
                prop_assert!(matches!(refusal, Refusal::NotAllowed(_)), "{:?}", refusal);
            }
        }
        // Edges given the wrong way round are refused, never swapped.
        if start < end {
            prop_assert_eq!(
                mark_moment(&p, clip.id, end, start, vec![], "guider", now()),
                Err(Refusal::EndsBeforeStart { start: end, end: start })
            );
        }
    }

    #[test]
    fn a_moment_from_marks_spans_the_marks(
        p in project(),
        (c, a, b, head) in (any::<usize>(), any::<Option<u32>>(), any::<Option<u32>>(), any::<u32>()),
    ) {
        let Some(clip) = pick(&p.clips, c) else { return Ok(()) };
        let frames = clip.media.frames;
        let (a, b, head) = (a.map(|f| f % frames), b.map(|f| f % frames), head % frames);
        let result = moment_from_marks(&p, clip.id, a, b, head, "guider", now());
        match marked_span(a, b, head) {
            None => prop_assert_eq!(result, Err(Refusal::NoMarks)),
            Some((start, end)) => {
                prop_assert!(start <= end);
                for mark in [a, b].into_iter().flatten() {
                    prop_assert!((start..=end).contains(&mark));
                }
                if a.is_none() || b.is_none() {
                    prop_assert!((start..=end).contains(&head));
                }
                let edit = result.unwrap();
                prop_assert_eq!(&edit, &ui_new_moment(&p, clip.id, start, end, vec![]));
                let after = applies(&p, &edit)?;
                let new = after.moments.last().unwrap();
                prop_assert_eq!((new.start, new.end), (start, end));
            }
        }
        prop_assert_eq!(
            moment_from_marks(&p, ClipId(0), a, b, head, "guider", now()).is_ok(),
            false,
            "there is never a clip 0"
        );
    }

    #[test]
    fn toggling_a_code_twice_gives_the_codes_back(
        p in project(),
        (m, c) in (any::<usize>(), any::<usize>()),
    ) {
        let (Some(moment), Some(code)) = (pick(&p.moments, m), pick(&all_items(&p.codebooks), c).cloned()) else {
            return Ok(());
        };
        let edit = toggle_code(&p, moment.id, code.clone(), now()).unwrap();
        prop_assert_eq!(Some(edit.clone()), ui_toggle_code(&p, moment.id, code.clone()));
        let once = applies(&p, &edit)?;
        let toggled = once.moment(moment.id).unwrap();
        prop_assert_eq!(toggled.codes.contains(&code), !moment.codes.contains(&code) || moment.codes.iter().filter(|c| **c == code).count() > 1);
        let again = toggle_code(&once, moment.id, code.clone(), now()).unwrap();
        let twice = applies(&once, &again)?;
        let mut before = moment.codes.clone();
        let mut after = twice.moment(moment.id).unwrap().codes.clone();
        let times = moment.codes.iter().filter(|c| **c == code).count();
        if times == 0 {
            prop_assert_eq!(&after, &before, "added then removed: exactly as it was");
        }
        if times > 1 {
            // A code on twice (old files allow it) comes off one at a time.
            prop_assert_eq!(after.len() + 2, before.len());
            return Ok(());
        }
        before.sort_by(|x, y| (&x.codebook, &x.item).cmp(&(&y.codebook, &y.item)));
        after.sort_by(|x, y| (&x.codebook, &x.item).cmp(&(&y.codebook, &y.item)));
        prop_assert_eq!(after, before);
        undoes_in_one_step(&p, edit)?;
    }

    #[test]
    fn codes_from_elsewhere_and_hotkeys_nobody_has_are_refused(
        p in project(),
        (m, key) in (any::<usize>(), any::<char>()),
    ) {
        if let Some(moment) = pick(&p.moments, m) {
            let stranger = CodeRef::new("no-such-book", "x");
            prop_assert_eq!(
                toggle_code(&p, moment.id, stranger, now()),
                Err(Refusal::CodebookNotFound("no-such-book".into()))
            );
        }
        prop_assert_eq!(code_on_key(&p, None, key), Err(Refusal::NoActiveCodebook));
        for book in &p.codebooks {
            match code_on_key(&p, Some(&book.id), key) {
                Ok(code) => {
                    prop_assert_eq!(&code.codebook, &book.id);
                    prop_assert_eq!(book.item(&code.item).unwrap().1.hotkey, Some(key));
                }
                Err(refusal) => {
                    prop_assert!(book.hotkey_item(key).is_none());
                    prop_assert_eq!(refusal, Refusal::NoCodeOnKey { key, codebook: book.name.clone() });
                }
            }
        }
    }

    #[test]
    fn a_trim_keeps_start_before_end(
        p in project(),
        (m, a, b) in (any::<usize>(), any::<u32>(), any::<u32>()),
    ) {
        let Some(moment) = pick(&p.moments, m) else { return Ok(()) };
        let frames = p.clip(moment.clip).unwrap().media.frames;
        let (a, b) = (a % (frames + 2), b % (frames + 2));
        match trim_moment(&p, moment.id, a, b, now()) {
            Ok(edit) => {
                prop_assert_eq!(Some(edit.clone()), ui_trim(&p, moment.id, a, b));
                let after = applies(&p, &edit)?;
                let trimmed = after.moment(moment.id).unwrap();
                prop_assert!(trimmed.start <= trimmed.end);
                prop_assert_eq!((trimmed.start, trimmed.end), (a.min(b), a.max(b)));
            }
            Err(Refusal::Unchanged) => prop_assert_eq!((moment.start, moment.end), (a, b)),
            Err(refusal) => {
                // Past the clip's end, or a reel's freeze frame left outside.
                prop_assert!(matches!(refusal, Refusal::NotAllowed(_)), "{:?}", refusal);
                prop_assert!(ui_trim(&p, moment.id, a, b).is_some());
            }
        }
    }

    #[test]
    fn the_inspectors_typing_is_one_change_and_nothing_when_unchanged(
        p in project(),
        (m, note, caption, author, a, b) in (any::<usize>(), text(), text(), text(), any::<u32>(), any::<u32>()),
    ) {
        let Some(moment) = pick(&p.moments, m) else { return Ok(()) };
        let frames = p.clip(moment.clip).unwrap().media.frames;
        let same = MomentDraft {
            moment: moment.id,
            note: moment.note.clone(),
            caption: moment.caption.clone(),
            author: moment.author.clone(),
            start: moment.end,
            end: moment.start,
        };
        prop_assert_eq!(revise_moment(&p, &same, now()), Err(Refusal::Unchanged));
        let draft = MomentDraft { moment: moment.id, note, caption, author, start: a % frames, end: b % frames };
        match revise_moment(&p, &draft, now()) {
            Ok(edit) => {
                let after = applies(&p, &edit)?;
                let changed = after.moment(moment.id).unwrap();
                prop_assert_eq!(&changed.note, &draft.note);
                prop_assert_eq!(&changed.caption, &draft.caption);
                prop_assert_eq!(&changed.author, &draft.author);
                prop_assert_eq!((changed.start, changed.end), (draft.start.min(draft.end), draft.start.max(draft.end)));
                prop_assert_eq!(changed.modified, now());
                prop_assert_eq!(changed.created, moment.created);
                undoes_in_one_step(&p, edit)?;
            }
            Err(Refusal::Unchanged) => {}
            Err(refusal) => prop_assert!(matches!(refusal, Refusal::NotAllowed(_)), "{:?}", refusal),
        }
    }

    #[test]
    fn a_moment_in_a_reel_is_not_removed(p in project(), m in any::<usize>()) {
        let Some(moment) = pick(&p.moments, m) else { return Ok(()) };
        match remove_moment(&p, moment.id) {
            Ok(edit) => {
                prop_assert_eq!(&edit, &Edit::RemoveMoment(moment.id));
                prop_assert!(p.reels_using(moment.id).next().is_none());
                let after = applies(&p, &edit)?;
                prop_assert!(after.moment(moment.id).is_none());
                prop_assert_eq!(after.moments.len() + 1, p.moments.len());
            }
            Err(refusal) => {
                let reel = p.reels_using(moment.id).next().unwrap();
                prop_assert_eq!(refusal, Refusal::MomentInReel { reel_name: reel.name.clone() });
            }
        }
        prop_assert_eq!(remove_moment(&p, MomentId(0)), Err(Refusal::MomentNotFound(MomentId(0))));
    }
}

// ---- reels ----

type ChangeSeed = (u8, usize, usize, i32, i32, String);

fn change_seed() -> impl Strategy<Value = ChangeSeed> {
    (
        0u8..17,
        any::<usize>(),
        any::<usize>(),
        -80i32..80,
        -80i32..80,
        text(),
    )
}

/// Positions sometimes one past the end, speeds and hold frames sometimes
/// out of range: those must be refused, never applied.
fn build_change(p: &Project, reel: &Reel, (kind, a, b, x, y, s): ChangeSeed) -> ReelChange {
    let count = reel.items.len();
    let position = a % (count + 1);
    let span = reel.items.get(position).and_then(|item| {
        let moment = p.moment(item.moment)?;
        Some(item.span(moment, p.clip(moment.clip)?.media.frames))
    });
    match kind {
        0 => ReelChange::Rename(s),
        1 => ReelChange::SetPurpose(
            [
                ReelPurpose::Review,
                ReelPurpose::Supervision,
                ReelPurpose::Teaching,
            ][b % 3],
        ),
        2 => ReelChange::AddTitleCard {
            title: s.clone(),
            subtitle: s,
        },
        3 => ReelChange::RemoveTitleCard,
        4 => ReelChange::RewordTitleCard {
            title: s,
            subtitle: "for Sam".into(),
        },
        5 => ReelChange::TitleCardFor {
            duration_ms: 1000 + (b % 9001) as u32,
        },
        6 => ReelChange::AddMoment(pick(&p.moments, b).map_or(MomentId(0), |m| m.id)),
        7 => ReelChange::MoveItem {
            from: position,
            to: b % (count + 1),
        },
        8 => ReelChange::RemoveItem { position },
        9 => ReelChange::TrimItem {
            position,
            trim_start: x,
            trim_end: y,
        },
        10 => ReelChange::SetSpeed {
            position,
            percent: 20 + (b % 85) as u8,
        },
        11 => ReelChange::Freeze { position },
        12 => ReelChange::Unfreeze { position },
        13 => ReelChange::HoldAt {
            position,
            frame: span.map_or(0, |(start, end)| start + (b as u32) % (end - start + 2)),
        },
        14 => ReelChange::HoldFor {
            position,
            duration_ms: 500 + (b % 10_001) as u32,
        },
        15 => ReelChange::Caption {
            position,
            caption: if b % 3 == 0 { "  ".into() } else { s },
        },
        _ => ReelChange::Prompt {
            position,
            prompt: format!(" {s} "),
        },
    }
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn a_new_reel_is_empty_named_and_at_the_end(p in project()) {
        let edit = start_reel(&p).unwrap();
        let after = applies(&p, &edit)?;
        let reel = after.reels.last().unwrap();
        prop_assert_eq!(reel.id, p.next_reel_id());
        prop_assert_eq!(&reel.name, &format!("Review {}", p.reels.len() + 1));
        prop_assert_eq!(reel.purpose, ReelPurpose::Review);
        prop_assert!(reel.items.is_empty() && reel.title_card.is_none() && reel.rendered.is_none());
        undoes_in_one_step(&p, edit)?;
    }

    #[test]
    fn any_reel_changes_apply_as_one_step_or_are_refused_whole(
        p in project(),
        r in any::<usize>(),
        seeds in vec(change_seed(), 1..5),
    ) {
        let Some(reel) = pick(&p.reels, r) else { return Ok(()) };
        // Each change is built against the reel as the earlier ones leave it.
        let mut changes = Vec::new();
        let mut so_far = p.clone();
        for seed in seeds {
            let change = build_change(&so_far, so_far.reel(reel.id).unwrap(), seed);
            changes.push(change);
            if let Ok(edit) = change_reel(&p, reel.id, &changes) {
                so_far = p.clone();
                apply(&mut so_far, edit).unwrap();
            }
        }
        match change_reel(&p, reel.id, &changes) {
            Ok(edit) => {
                let after = applies(&p, &edit)?;
                prop_assert_ne!(after.reel(reel.id), Some(reel));
                prop_assert_eq!(&after.moments, &p.moments);
                undoes_in_one_step(&p, edit)?;
            }
            Err(Refusal::Unchanged) => {}
            Err(refusal) => {
                // Each refusal has a cause a clinician can be told.
                prop_assert!(!refusal.to_string().is_empty());
            }
        }
    }

    #[test]
    fn moving_an_item_keeps_the_reels_items(
        p in project(),
        (r, from, to) in (any::<usize>(), any::<usize>(), any::<usize>()),
    ) {
        let Some(reel) = pick(&p.reels, r) else { return Ok(()) };
        let count = reel.items.len();
        let (from, to) = (from % (count + 1), to % (count + 1));
        match move_reel_item(&p, reel.id, from, to) {
            Ok(edit) => {
                // What the reel editor did with a drag or Move up/down.
                let mut expected = reel.clone();
                let item = expected.items.remove(from);
                expected.items.insert(to, item);
                prop_assert_eq!(&edit, &Edit::UpdateReel(expected));
                let after = applies(&p, &edit)?;
                let moved = after.reel(reel.id).unwrap();
                prop_assert_eq!(&moved.items[to], &reel.items[from]);
                let key = |i: &ReelItem| format!("{i:?}");
                let mut a: Vec<_> = moved.items.iter().map(key).collect();
                let mut b: Vec<_> = reel.items.iter().map(key).collect();
                a.sort();
                b.sort();
                prop_assert_eq!(a, b);
            }
            Err(Refusal::Unchanged) => prop_assert!(from == to || reel.items[from] == reel.items[to]),
            Err(refusal) => {
                prop_assert!(from == count || to == count);
                prop_assert_eq!(refusal, Refusal::NoSuchItem { position: from.max(to) + 1, count });
            }
        }
    }

    #[test]
    fn removing_an_item_takes_out_that_one(
        p in project(),
        (r, position) in (any::<usize>(), any::<usize>()),
    ) {
        let Some(reel) = pick(&p.reels, r) else { return Ok(()) };
        let count = reel.items.len();
        let position = position % (count + 1);
        match remove_reel_item(&p, reel.id, position) {
            Ok(edit) => {
                let after = applies(&p, &edit)?;
                let mut expected = reel.items.clone();
                expected.remove(position);
                prop_assert_eq!(&after.reel(reel.id).unwrap().items, &expected);
            }
            Err(refusal) => {
                prop_assert_eq!(position, count);
                prop_assert_eq!(refusal, Refusal::NoSuchItem { position: count + 1, count });
            }
        }
    }

    #[test]
    fn item_settings_hold_what_they_promise(
        p in project(),
        (r, position, x, y, speed, words) in (any::<usize>(), any::<usize>(), -80i32..80, -80i32..80, any::<u8>(), text()),
    ) {
        let Some(reel) = pick(&p.reels, r) else { return Ok(()) };
        let Some(position) = (!reel.items.is_empty()).then(|| position % reel.items.len()) else {
            return Ok(());
        };
        let moment = p.moment(reel.items[position].moment).unwrap();
        let frames = p.clip(moment.clip).unwrap().media.frames;
        let item_after = |edit: Result<Edit, Refusal>| -> Result<Option<ReelItem>, TestCaseError> {
            match edit {
                Ok(edit) => Ok(Some(applies(&p, &edit)?.reel(reel.id).unwrap().items[position].clone())),
                Err(_) => Ok(None),
            }
        };

        match trim_reel_item(&p, reel.id, position, x, y) {
            Ok(edit) => {
                let after = applies(&p, &edit)?;
                let item = &after.reel(reel.id).unwrap().items[position];
                prop_assert_eq!((item.trim_start, item.trim_end), (x, y));
                prop_assert!(item.raw_span(moment).is_some(), "a trim keeps in ≤ out");
            }
            Err(Refusal::TrimmedAway { position: shown }) => {
                prop_assert_eq!(shown, position + 1);
                let mut tried = reel.items[position].clone();
                (tried.trim_start, tried.trim_end) = (x, y);
                prop_assert!(tried.raw_span(moment).is_none());
            }
            Err(Refusal::Unchanged) => {
                let item = &reel.items[position];
                prop_assert_eq!((item.trim_start, item.trim_end), (x, y));
            }
            // Its freeze frame would fall outside what the item plays.
            Err(refusal) => prop_assert!(
                reel.items[position].hold.is_some() && matches!(refusal, Refusal::NotAllowed(_)),
                "{:?}", refusal
            ),
        }

        let speed_result = set_item_speed(&p, reel.id, position, speed);
        if !SPEED_PERCENT_RANGE.contains(&speed) {
            let refused = matches!(speed_result, Err(Refusal::SpeedOutOfRange { .. }));
            prop_assert!(refused);
        } else if let Some(item) = item_after(speed_result)? {
            prop_assert_eq!(item.speed_percent, speed);
        }

        // A new freeze frame is inside the item; turning it off clears it.
        let unheld = {
            let mut r = reel.clone();
            r.items[position].hold = None;
            r
        };
        let mut q = p.clone();
        if reel.items[position].hold.is_some() {
            apply(&mut q, Edit::UpdateReel(unheld)).unwrap();
        }
        let frozen = change_reel(&q, reel.id, &[ReelChange::Freeze { position }]).unwrap();
        apply(&mut q, frozen).unwrap();
        let item = &q.reel(reel.id).unwrap().items[position];
        let (start, end) = item.span(moment, frames);
        let hold = item.hold.unwrap();
        prop_assert_eq!(hold, Hold { frame: start + (end - start) / 2, duration_ms: HOLD_MS });
        prop_assert_eq!(
            change_reel(&q, reel.id, &[ReelChange::Freeze { position }]),
            Err(Refusal::Unchanged)
        );
        if let Some(item) = item_after(set_item_hold(&p, reel.id, position, None))? {
            prop_assert_eq!(item.hold, None);
        } else {
            prop_assert_eq!(reel.items[position].hold, None);
        }

        // Blank captions fall back to the moment's; prompts are trimmed.
        match item_after(set_item_caption(&p, reel.id, position, words.clone()))? {
            Some(item) => {
                prop_assert_eq!(item.caption.as_deref(), (!words.trim().is_empty()).then_some(words.as_str()));
            }
            None => prop_assert!(words.chars().count() > attune::model::limits::MAX_CAPTION_CHARS
                || reel.items[position].caption == (!words.trim().is_empty()).then(|| words.clone())),
        }
        if let Some(item) = item_after(set_item_prompt(&p, reel.id, position, words.clone()))? {
            prop_assert_eq!(item.prompt, words.trim());
        }
    }

    #[test]
    fn adding_a_moment_puts_it_at_the_end(p in project(), (r, m) in (any::<usize>(), any::<usize>())) {
        let (Some(reel), Some(moment)) = (pick(&p.reels, r), pick(&p.moments, m)) else { return Ok(()) };
        let edit = add_moment_to_reel(&p, reel.id, moment.id).unwrap();
        let mut expected = reel.clone();
        expected.items.push(ReelItem::for_moment(moment.id));
        prop_assert_eq!(&edit, &Edit::UpdateReel(expected));
        applies(&p, &edit)?;
        prop_assert_eq!(
            add_moment_to_reel(&p, reel.id, MomentId(0)),
            Err(Refusal::MomentNotFound(MomentId(0)))
        );
        prop_assert_eq!(
            add_moment_to_reel(&p, ReelId(0), moment.id),
            Err(Refusal::ReelNotFound(ReelId(0)))
        );
    }

    #[test]
    fn the_title_card_and_purpose_and_render_record(
        p in project(),
        (r, title, secs) in (any::<usize>(), text(), 1u32..=10),
    ) {
        let Some(reel) = pick(&p.reels, r) else { return Ok(()) };
        let card = set_title_card(&p, reel.id, Some((title.clone(), "Week 3".into())));
        if let Ok(edit) = card {
            let after = applies(&p, &edit)?;
            let shown = after.reel(reel.id).unwrap().title_card.clone().unwrap();
            prop_assert_eq!(&shown.title, &title);
            let expected_ms = reel.title_card.as_ref().map_or(TITLE_CARD_MS, |c| c.duration_ms);
            prop_assert_eq!(shown.duration_ms, expected_ms);
            let longer = change_reel(&after, reel.id, &[ReelChange::TitleCardFor { duration_ms: secs * 1000 }]);
            if let Ok(edit) = longer {
                prop_assert_eq!(applies(&after, &edit)?.reel(reel.id).unwrap().title_card.as_ref().unwrap().duration_ms, secs * 1000);
            }
        }
        let untitled = set_title_card(&p, reel.id, None);
        match &reel.title_card {
            None => {
                prop_assert_eq!(untitled, Err(Refusal::Unchanged));
                prop_assert_eq!(
                    change_reel(&p, reel.id, &[ReelChange::TitleCardFor { duration_ms: 2000 }]),
                    Err(Refusal::NoTitleCard)
                );
            }
            Some(_) => prop_assert!(applies(&p, &untitled.unwrap())?.reel(reel.id).unwrap().title_card.is_none()),
        }
        for purpose in [ReelPurpose::Review, ReelPurpose::Supervision, ReelPurpose::Teaching] {
            match set_reel_purpose(&p, reel.id, purpose) {
                Ok(edit) => prop_assert_eq!(applies(&p, &edit)?.reel(reel.id).unwrap().purpose, purpose),
                Err(refusal) => {
                    prop_assert_eq!(reel.purpose, purpose);
                    prop_assert_eq!(refusal, Refusal::Unchanged);
                }
            }
        }
        let rendered = record_render(&p, reel.id, "reels/a.mp4".into(), reel.content_digest(), now()).unwrap();
        let after = applies(&p, &rendered)?;
        prop_assert!(after.reel(reel.id).unwrap().current_render().is_some());
        prop_assert_eq!(
            rename_reel(&p, reel.id, reel.name.clone()),
            Err(Refusal::Unchanged)
        );
    }
}

// ---- clips ----

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn added_clips_go_after_the_others_in_order(p in project(), (c, n, name) in (any::<usize>(), 1usize..4, text())) {
        let Some(template) = pick(&p.clips, c) else {
            prop_assert_eq!(add_clips(&p, vec![]), Err(Refusal::NoClips));
            return Ok(());
        };
        let first = p.next_clip_id().0;
        let clips: Vec<Clip> = (0..n as u32)
            .map(|i| Clip { id: ClipId(first + i), name: name.clone(), ..template.clone() })
            .collect();
        let edit = add_clips(&p, clips.clone()).unwrap();
        // The UI's batch: one insert per clip, at consecutive indexes.
        let expected: Vec<Edit> = clips.iter().enumerate()
            .map(|(i, clip)| Edit::InsertClip { index: p.clips.len() + i, clip: clip.clone() })
            .collect();
        prop_assert_eq!(&edit, &Edit::Batch(expected));
        let after = applies(&p, &edit)?;
        prop_assert_eq!(&after.clips[p.clips.len()..], clips.as_slice());
        undoes_in_one_step(&p, edit)?;
        // A clip id already taken is refused, whole.
        let clash = Clip { id: template.id, ..template.clone() };
        prop_assert!(matches!(add_clips(&p, vec![clips[0].clone(), clash]), Err(Refusal::NotAllowed(_))));
    }

    #[test]
    fn relinking_changes_only_paths(p in project(), (c, path) in (any::<usize>(), "[a-z/]{1,20}")) {
        let Some(clip) = pick(&p.clips, c) else { return Ok(()) };
        let edit = relink_clip(&p, clip.id, path.clone()).unwrap();
        let after = applies(&p, &edit)?;
        prop_assert_eq!(&after.clip(clip.id).unwrap().path, &path);
        let all: Vec<(ClipId, String)> = p.clips.iter().map(|c| (c.id, format!("{}{}", c.path, path))).collect();
        let edit = relocate_clips(&p, &all).unwrap();
        let after = applies(&p, &edit)?;
        for ((id, path), before) in all.iter().zip(&p.clips) {
            let moved = after.clip(*id).unwrap();
            prop_assert_eq!(&moved.path, path);
            prop_assert_eq!(&Clip { path: before.path.clone(), ..moved.clone() }, before);
        }
        let same: Vec<(ClipId, String)> = p.clips.iter().map(|c| (c.id, c.path.clone())).collect();
        prop_assert_eq!(relocate_clips(&p, &same), Err(Refusal::Unchanged));
    }

    #[test]
    fn consent_is_recorded_and_withdrawn_never_erased(
        p in project(),
        (c, u, given, later) in (any::<usize>(), 0usize..3, 0u16..2000, 0u16..400),
    ) {
        let Some(clip) = pick(&p.clips, c) else { return Ok(()) };
        let used = [ConsentUse::Therapy, ConsentUse::Supervision, ConsentUse::Teaching][u];
        let today: NaiveDate = day(2400);
        let (given, withdrawn) = (day(given), day(given + later));
        let mut q = p.clone();
        match record_consent(&q, clip.id, used, given, "Dr Okafor", today) {
            Ok(edit) => {
                q = applies(&p, &edit)?;
                prop_assert!(q.clip(clip.id).unwrap().consent.allows(used));
            }
            Err(Refusal::AlreadyConsented { .. }) => prop_assert!(clip.consent.allows(used)),
            Err(Refusal::WithdrawalOnRecord { on, .. }) => {
                prop_assert_eq!(clip.consent.get(used).unwrap().withdrawn_on, Some(on));
                return Ok(());
            }
            Err(other) => return Err(TestCaseError::fail(format!("{other}"))),
        }
        let grant = q.clip(clip.id).unwrap().consent.get(used).unwrap().clone();
        match withdraw_consent(&q, clip.id, used, withdrawn, "Sam Reid", today) {
            Ok(edit) => {
                let after = applies(&q, &edit)?;
                let kept = after.clip(clip.id).unwrap().consent.get(used).unwrap();
                prop_assert!(!after.clip(clip.id).unwrap().consent.allows(used));
                prop_assert_eq!(kept.given_on, grant.given_on);
                prop_assert_eq!(&kept.recorded_by, &grant.recorded_by);
                prop_assert_eq!(kept.withdrawn_on, Some(withdrawn));
                let again = record_consent(&after, clip.id, used, withdrawn, "Dr Okafor", today);
                let kept_on_record = matches!(again, Err(Refusal::WithdrawalOnRecord { .. }));
                prop_assert!(kept_on_record);
            }
            Err(refusal) => prop_assert!(
                matches!(refusal, Refusal::WithdrawnBeforeGiven { .. }),
                "{:?}", refusal
            ),
        }
        let tomorrow = record_consent(&p, clip.id, used, today.succ_opt().unwrap(), "A", today);
        let refused = matches!(
            tomorrow,
            Err(Refusal::DateInFuture { .. } | Refusal::AlreadyConsented { .. } | Refusal::WithdrawalOnRecord { .. })
        );
        prop_assert!(refused);
    }
}

// ---- codebooks and the review log ----

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn codebooks_are_saved_in_place_or_added_and_imports_never_replace(
        p in project(),
        (b, name) in (any::<usize>(), text()),
    ) {
        let blank = blank_codebook(&p);
        prop_assert!(p.codebook(&blank.id).is_none());
        let edit = save_codebook(&p, blank.clone()).unwrap();
        prop_assert_eq!(&edit, &Edit::InsertCodebook { index: p.codebooks.len(), codebook: blank.clone() });
        let with_blank = applies(&p, &edit)?;
        prop_assert_ne!(blank_codebook(&with_blank).id, blank.id);

        let Some(book) = pick(&p.codebooks, b) else { return Ok(()) };
        let mut renamed = book.clone();
        renamed.name = name;
        let edit = save_codebook(&p, renamed.clone()).unwrap();
        prop_assert_eq!(&edit, &Edit::UpdateCodebook(renamed.clone()));
        let saved = applies(&p, &edit)?;
        prop_assert_eq!(saved.codebook(&book.id), Some(&renamed));

        let edit = import_codebook(&p, book.clone()).unwrap();
        let after = applies(&p, &edit)?;
        let imported = after.codebooks.last().unwrap();
        prop_assert_eq!(&imported.id, &free_codebook_id(&p, &book.id));
        prop_assert_eq!(&imported.id, &format!("{}-2", book.id));
        prop_assert_eq!(after.codebook(&book.id), Some(book), "the original stays");

        // Taking away an item a moment is coded with is refused.
        let used = p.moments.iter().flat_map(|m| &m.codes).find(|c| c.codebook == book.id);
        if let Some(code) = used {
            let mut cut = book.clone();
            for category in &mut cut.categories {
                category.items.retain(|i| i.id != code.item);
            }
            prop_assert!(matches!(save_codebook(&p, cut), Err(Refusal::NotAllowed(_))));
        }
    }

    #[test]
    fn a_review_is_logged_at_the_end_and_its_notes_are_one_change(
        p in project(),
        (r, from_file, shown, notes, words) in (any::<usize>(), any::<bool>(), vec((1usize..5, any::<usize>(), 0u64..600_000), 0..4), text(), text()),
    ) {
        let reel = pick(&p.reels, r).map_or(ReelId(0), |r| r.id);
        let viewed: Vec<ViewedItem> = shown.iter().filter_map(|&(position, m, shown_ms)| {
            Some(ViewedItem { position, moment: pick(&p.moments, m)?.id, shown_ms })
        }).collect();
        let edit = log_review(&p, reel, now(), viewed.clone(), from_file).unwrap();
        let after = applies(&p, &edit)?;
        let entry = after.reviews.last().unwrap();
        prop_assert_eq!(entry.id, p.next_review_id());
        prop_assert_eq!(&entry.viewed, &viewed);
        prop_assert_eq!(&entry.reel_name, &p.reel(reel).map(|r| r.name.clone()).unwrap_or_default());
        prop_assert_eq!(entry.notes.is_empty(), !from_file);
        prop_assert!(entry.parent_words.is_empty());

        let id = entry.id;
        match write_review_notes(&after, id, notes.clone(), words.clone()) {
            Ok(edit) => {
                let noted = applies(&after, &edit)?;
                let entry = noted.review(id).unwrap();
                prop_assert_eq!((&entry.notes, &entry.parent_words), (&notes, &words));
                undoes_in_one_step(&after, edit)?;
            }
            Err(refusal) => {
                prop_assert_eq!(refusal, Refusal::Unchanged);
                prop_assert!(words.is_empty());
            }
        }
        prop_assert_eq!(
            write_review_notes(&after, ReviewId(0), notes, words),
            Err(Refusal::ReviewNotFound(ReviewId(0)))
        );
    }
}
