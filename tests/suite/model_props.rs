//! Property tests: any valid project survives save → load unchanged, and any
//! sequence of edits is undone and redone exactly, with a correct dirty flag.

use attune::model::*;
use attune::store::{load, save};
use chrono::{DateTime, NaiveDate, Utc};
use proptest::collection::vec;
use proptest::prelude::*;

const RATES: [(u32, u32); 6] = [
    (30, 1),
    (25, 1),
    (30000, 1001),
    (24000, 1001),
    (60, 1),
    (50, 1),
];
const HOTKEYS: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'q', 'é', 'ß'];

pub(super) fn text() -> impl Strategy<Value = String> {
    // Any Unicode, control characters included: notes are typed and pasted.
    prop_oneof![any::<String>(), "\\PC{0,40}", Just(String::new())]
}

pub(super) fn time(secs: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, nanos).unwrap()
}

pub(super) fn day(offset: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(u64::from(offset))
}

fn grant() -> impl Strategy<Value = Option<ConsentGrant>> {
    proptest::option::of(
        // Consent dates lie in the past (load refuses future ones): 2020-01-01
        // plus up to 2,500 days ends in November 2026.
        (
            0u16..2500,
            text(),
            proptest::option::of((0u16..2500, text())),
        )
            .prop_map(|(given, by, withdrawn)| ConsentGrant {
                given_on: day(given),
                recorded_by: by,
                withdrawn_on: withdrawn.as_ref().map(|(d, _)| day(*d)),
                withdrawn_recorded_by: withdrawn.map(|(_, w)| w),
            }),
    )
}

fn consent() -> impl Strategy<Value = Consent> {
    (grant(), grant(), grant()).prop_map(|(therapy, supervision, teaching)| Consent {
        therapy,
        supervision,
        teaching,
    })
}

fn clip(id: u32) -> impl Strategy<Value = Clip> {
    (
        (text(), text(), any::<u64>(), any::<[u8; 32]>()),
        (
            0..RATES.len(),
            1u32..5000,
            any::<u64>(),
            1u32..4000,
            1u32..4000,
        ),
        (
            0u16..4,
            "[a-z0-9]{1,8}",
            proptest::option::of("[a-z0-9]{1,8}"),
        ),
        (any::<bool>(), consent()),
    )
        .prop_map(
            move |(
                (name, path, size, hash),
                (rate, frames, dur, w, h),
                (rot, v, a),
                (vfr, consent),
            )| {
                let (num, den) = RATES[rate];
                Clip {
                    id: ClipId(id),
                    name,
                    path,
                    fingerprint: Fingerprint {
                        size,
                        hash: hash.iter().map(|b| format!("{b:02x}")).collect(),
                    },
                    media: MediaFacts {
                        frame_rate: FrameRate::new(num, den).unwrap(),
                        frames,
                        duration_us: dur,
                        width: w,
                        height: h,
                        display_width: 0,
                        rotation: rot * 90,
                        video_codec: v,
                        audio_codec: a,
                        variable_frame_rate: vfr,
                    },
                    consent,
                }
            },
        )
}

fn colour() -> impl Strategy<Value = Colour> {
    any::<(u8, u8, u8)>().prop_map(|(r, g, b)| Colour::new(r, g, b))
}

fn codebook(index: usize) -> impl Strategy<Value = Codebook> {
    let item = (
        text(),
        text(),
        proptest::option::of(colour()),
        any::<bool>(),
    );
    let category = (text(), colour(), vec(item, 0..5));
    (text(), text(), text(), vec(category, 1..4)).prop_map(
        move |(name, method, description, categories)| {
            let mut hotkeys = HOTKEYS.iter();
            Codebook {
                id: format!("book-{index}"),
                name,
                method,
                description,
                categories: categories
                    .into_iter()
                    .enumerate()
                    .map(|(c, (name, colour, items))| Category {
                        id: format!("cat-{c}"),
                        name,
                        colour,
                        items: items
                            .into_iter()
                            .enumerate()
                            .map(|(i, (name, description, colour, key))| CodeItem {
                                id: format!("item-{c}-{i}"),
                                name,
                                description,
                                colour,
                                hotkey: if key { hotkeys.next().copied() } else { None },
                            })
                            .collect(),
                    })
                    .collect(),
            }
        },
    )
}

type MomentSeed = (
    (u32, u32, u32, Vec<(usize, usize)>),
    (String, String, String),
    (i64, u32, u32),
);

fn moment_seed() -> impl Strategy<Value = MomentSeed> {
    (
        (
            any::<u32>(),
            any::<u32>(),
            0u32..200,
            vec(any::<(usize, usize)>(), 0..4),
        ),
        (text(), text(), text()),
        (0i64..4_000_000_000, 0u32..1_000_000_000, any::<u32>()),
    )
}

type ItemSeed = (usize, i32, i32, u8, Option<(u32, u32)>, Option<String>);
type ReelSeed = (String, u8, Option<(String, String, u32)>, Vec<ItemSeed>);

fn reel_seed() -> impl Strategy<Value = ReelSeed> {
    let item = (
        any::<usize>(),
        -60i32..60,
        -60i32..60,
        25u8..=100,
        // Freeze frames are at most a minute (model::limits).
        proptest::option::of((any::<u32>(), 0u32..=60_000)),
        proptest::option::of(text()),
    );
    (
        text(),
        0u8..3,
        proptest::option::of((text(), text(), 0u32..=60_000)),
        vec(item, 0..5),
    )
}

pub(super) fn all_items(codebooks: &[Codebook]) -> Vec<CodeRef> {
    codebooks
        .iter()
        .flat_map(|b| {
            b.items()
                .map(|(_, i)| CodeRef::new(b.id.clone(), i.id.clone()))
        })
        .collect()
}

fn build_moment(id: u32, clips: &[Clip], codes: &[CodeRef], seed: MomentSeed) -> Option<Moment> {
    let ((clip_pick, start, len, code_picks), (note, caption, author), (secs, nanos, later)) = seed;
    let clip = clips.get(clip_pick as usize % clips.len().max(1))?;
    let frames = clip.media.frames;
    let start = start % frames;
    let end = (start + len).min(frames - 1);
    Some(Moment {
        id: MomentId(id),
        clip: clip.id,
        start,
        end,
        codes: if codes.is_empty() {
            vec![]
        } else {
            code_picks
                .iter()
                .map(|(a, _)| codes[a % codes.len()].clone())
                .collect()
        },
        note,
        caption,
        participant: None,
        author,
        created: time(secs, nanos),
        modified: time(secs + i64::from(later % 100_000), nanos),
    })
}

fn build_reel(id: u32, project: &Project, seed: ReelSeed) -> Reel {
    let (name, purpose, card, items) = seed;
    let purpose = [
        ReelPurpose::Review,
        ReelPurpose::Supervision,
        ReelPurpose::Teaching,
    ][purpose as usize % 3];
    let items = if project.moments.is_empty() {
        vec![]
    } else {
        items
            .into_iter()
            .map(|(pick, trim_start, trim_end, speed, hold, caption)| {
                let moment = &project.moments[pick % project.moments.len()];
                let mut item = ReelItem {
                    moment: moment.id,
                    trim_start,
                    trim_end,
                    speed_percent: speed,
                    hold: None,
                    caption,
                    prompt: String::new(),
                };
                if item.raw_span(moment).is_none() {
                    item.trim_start = 0;
                    item.trim_end = 0;
                }
                let frames = project.clip(moment.clip).unwrap().media.frames;
                let (start, end) = item.span(moment, frames);
                item.hold = hold.map(|(offset, duration_ms)| Hold {
                    frame: start + offset % (end - start + 1),
                    duration_ms,
                });
                item
            })
            .collect()
    };
    Reel {
        id: ReelId(id),
        name,
        purpose,
        title_card: card.map(|(title, subtitle, duration_ms)| TitleCard {
            title,
            subtitle,
            duration_ms,
        }),
        items,
        rendered: None,
    }
}

/// Names for the project's people: never a role's word, never blank.
fn people() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::btree_set("[A-Z][a-zé]{1,8}( [A-Z][a-z]{1,6})?", 0..4)
        .prop_map(|names| names.into_iter().filter(|n| !is_role_word(n)).collect())
}

/// Who a moment is about: a pick among nobody, the roles and the people.
pub(super) fn participant(pick: u8, people: &[String]) -> Option<Participant> {
    match pick % 6 {
        0 => None,
        1 => Some(Participant::Parent),
        2 => Some(Participant::Infant),
        3 => Some(Participant::Other),
        _ => pick_person(people, pick as usize),
    }
}

fn pick_person(people: &[String], i: usize) -> Option<Participant> {
    pick(people, i).map(|name| Participant::Person(name.clone()))
}

pub(super) fn project() -> impl Strategy<Value = Project> {
    (
        (text(), 0i64..4_000_000_000),
        (0usize..4).prop_flat_map(|n| (0..n).map(|i| clip(i as u32 * 2 + 1)).collect::<Vec<_>>()),
        (0usize..3).prop_flat_map(|n| (0..n).map(codebook).collect::<Vec<_>>()),
        vec(moment_seed(), 0..10),
        vec(reel_seed(), 0..3),
        (people(), vec(any::<u8>(), 10)),
    )
        .prop_map(
            |((title, created), clips, codebooks, moments, reels, (people, picks))| {
                let codes = all_items(&codebooks);
                let moments = moments
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, seed)| build_moment(i as u32 * 3 + 1, &clips, &codes, seed))
                    .zip(picks.iter().cycle())
                    .map(|(mut m, pick)| {
                        m.participant = participant(*pick, &people);
                        m
                    })
                    .collect();
                let mut project = Project {
                    schema_version: SCHEMA_VERSION,
                    title,
                    created: time(created, 0),
                    clips,
                    codebooks,
                    moments,
                    reels: vec![],
                    reviews: Vec::new(),
                    people,
                    coders: Vec::new(),
                };
                // The moments' coders are listed, as a schema 5 project has them.
                project.coders = project
                    .all_coders()
                    .into_iter()
                    .filter(|c| c.trim() == *c)
                    .map(str::to_owned)
                    .collect();
                project.reels = reels
                    .into_iter()
                    .enumerate()
                    .map(|(i, seed)| build_reel(i as u32 + 1, &project, seed))
                    .collect();
                project
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_project_survives_save_and_load(project in project()) {
        prop_assert_eq!(project.validate(), Ok(()));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("family.attune.json");
        save(&path, &project).unwrap();
        let loaded = load(&path).unwrap();
        prop_assert_eq!(loaded.migrated_from, None);
        prop_assert_eq!(&loaded.project, &project);
        // And a second save of the loaded project writes the same bytes.
        let first = std::fs::read(&path).unwrap();
        save(&path, &loaded.project).unwrap();
        prop_assert_eq!(std::fs::read(&path).unwrap(), first);
    }
}

// ---- edits ----

/// A raw choice, turned into an edit against the current state.
type Op = (u8, usize, usize, String);

fn op() -> impl Strategy<Value = Op> {
    (0u8..15, any::<usize>(), any::<usize>(), "\\PC{0,12}")
}

pub(super) fn pick<T>(items: &[T], i: usize) -> Option<&T> {
    (!items.is_empty()).then(|| &items[i % items.len()])
}

/// Most edits are valid; some are deliberately not, and must be refused
/// without changing anything.
fn edit_for(p: &Project, (kind, a, b, s): Op, now: DateTime<Utc>) -> Option<Edit> {
    let codes = all_items(&p.codebooks);
    let note = s.clone();
    let new_moment = |clip: &Clip| {
        let frames = clip.media.frames;
        let start = (a as u32) % frames;
        Moment {
            id: p.next_moment_id(),
            clip: clip.id,
            start,
            end: (start + (b as u32 % 90)).min(frames - 1),
            codes: pick(&codes, b).cloned().into_iter().collect(),
            note: note.clone(),
            caption: format!("caption {note}"),
            participant: None,
            author: "guider".into(),
            created: now,
            modified: now,
        }
    };
    Some(match kind {
        0 => Edit::SetTitle(s),
        1 => Edit::InsertMoment {
            index: b % (p.moments.len() + 3),
            moment: new_moment(pick(&p.clips, a)?),
        },
        2 => {
            let mut m = pick(&p.moments, a)?.clone();
            m.caption = s;
            m.note.push('✓');
            m.codes = pick(&codes, b).cloned().into_iter().collect();
            m.modified = now;
            Edit::UpdateMoment(m)
        }
        3 => {
            let m = pick(&p.moments, a)?;
            let mut parts: Vec<Edit> = p
                .reels_using(m.id)
                .map(|r| {
                    let mut r = r.clone();
                    r.items.retain(|i| i.moment != m.id);
                    Edit::UpdateReel(r)
                })
                .collect();
            parts.push(Edit::RemoveMoment(m.id));
            if parts.len() == 1 {
                parts.pop()?
            } else {
                Edit::Batch(parts)
            }
        }
        4 => Edit::InsertReel {
            index: b,
            reel: Reel {
                id: p.next_reel_id(),
                name: s,
                purpose: ReelPurpose::Review,
                title_card: None,
                items: pick(&p.moments, a)
                    .map(|m| ReelItem::for_moment(m.id))
                    .into_iter()
                    .collect(),
                rendered: None,
            },
        },
        5 => {
            let mut r = pick(&p.reels, a)?.clone();
            r.name = s;
            if let Some(item) = r.items.first_mut() {
                item.speed_percent = 25 + (b % 76) as u8;
                item.caption = Some("you both laughed".into());
            }
            Edit::UpdateReel(r)
        }
        6 => Edit::RemoveReel(pick(&p.reels, a)?.id),
        7 => Edit::InsertClip {
            index: a,
            clip: {
                let mut c = pick(&p.clips, b)?.clone();
                c.id = p.next_clip_id();
                c.name = s;
                c
            },
        },
        // Refused whenever the clip still has moments.
        8 => Edit::RemoveClip(pick(&p.clips, a)?.id),
        9 => {
            let mut book = pick(&p.codebooks, a)?.clone();
            book.name = s;
            Edit::UpdateCodebook(book)
        }
        // A batch with an invalid last part: must be refused as a whole.
        10 => {
            let mut bad = new_moment(pick(&p.clips, a)?);
            bad.end = p.clip(bad.clip)?.media.frames;
            Edit::Batch(vec![
                Edit::SetTitle(s),
                Edit::InsertMoment {
                    index: 0,
                    moment: bad,
                },
            ])
        }
        11 => Edit::Batch(vec![
            Edit::SetTitle(s),
            Edit::InsertMoment {
                index: a,
                moment: new_moment(pick(&p.clips, b)?),
            },
        ]),
        // Someone new, a role or nobody: refused for a blank name or a
        // role's word as a name.
        13 => operations::set_participant(
            p,
            pick(&p.moments, a)?.id,
            match b % 3 {
                0 => Some(Participant::Person(s)),
                1 => participant(b as u8, &p.people),
                _ => None,
            },
            now,
        )
        .ok()?,
        // Refused whenever a moment uses the codebook.
        _ => Edit::RemoveCodebook(pick(&p.codebooks, a)?.id.clone()),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn edits_undo_and_redo_exactly(
        original in project(),
        ops in vec(op(), 0..25),
        save_at in any::<usize>(),
    ) {
        let now = time(1_800_000_000, 0);
        let mut doc = Document::new(original.clone());
        let mut states = vec![original.clone()];
        let save_at = save_at % (ops.len() + 1);
        let mut saved_position = 0;
        for (step, op) in ops.into_iter().enumerate() {
            if step == save_at {
                doc.mark_saved();
                saved_position = states.len() - 1;
            }
            let Some(edit) = edit_for(doc.project(), op, now) else { continue };
            let before = doc.project().clone();
            let revision = doc.revision();
            match doc.apply(edit) {
                Ok(()) => {
                    prop_assert_eq!(doc.project().validate(), Ok(()));
                    prop_assert_ne!(doc.revision(), revision);
                    states.push(doc.project().clone());
                }
                Err(_) => {
                    prop_assert_eq!(doc.project(), &before);
                    prop_assert_eq!(doc.revision(), revision);
                }
            }
        }
        let last = states.len() - 1;
        prop_assert_eq!(doc.is_dirty(), last != saved_position);

        for position in (0..last).rev() {
            prop_assert!(doc.undo());
            prop_assert_eq!(doc.project(), &states[position]);
            prop_assert_eq!(doc.is_dirty(), position != saved_position);
        }
        prop_assert!(!doc.undo());
        prop_assert_eq!(doc.project(), &original);

        for (position, state) in states.iter().enumerate().skip(1) {
            prop_assert!(doc.redo());
            prop_assert_eq!(doc.project(), state);
            prop_assert_eq!(doc.is_dirty(), position != saved_position);
        }
        prop_assert!(!doc.redo());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Naming who a moment is about changes that moment only (and adds a
    /// new person to the list), and one undo takes it all back.
    #[test]
    fn setting_a_participant_is_one_undoable_step(
        original in project(),
        at in any::<usize>(),
        pick in any::<u8>(),
        name in "[A-Z][a-z]{1,8}",
    ) {
        let Some(moment) = pick_moment(&original, at) else { return Ok(()) };
        let wanted = if pick % 7 == 6 {
            Some(Participant::Person(name.clone()))
        } else {
            participant(pick, &original.people)
        };
        let result = operations::set_participant(&original, moment, wanted.clone(), time(1_800_000_000, 0));
        let edit = match result {
            Ok(edit) => edit,
            Err(Refusal::Unchanged) => {
                prop_assert_eq!(&original.moment(moment).unwrap().participant, &wanted);
                return Ok(());
            }
            Err(refused) => {
                prop_assert!(is_role_word(&name), "refused: {refused}");
                return Ok(());
            }
        };
        let mut project = original.clone();
        let inverse = apply(&mut project, edit).unwrap();
        prop_assert_eq!(&project.moment(moment).unwrap().participant, &wanted);
        if let Some(Participant::Person(n)) = &wanted {
            prop_assert!(project.people.contains(n));
        }
        for (before, after) in original.moments.iter().zip(&project.moments) {
            if before.id != moment {
                prop_assert_eq!(before, after);
            }
        }
        apply(&mut project, inverse).unwrap();
        prop_assert_eq!(&project, &original);
    }
}

fn pick_moment(project: &Project, at: usize) -> Option<MomentId> {
    pick(&project.moments, at).map(|m| m.id)
}
