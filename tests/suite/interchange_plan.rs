//! The import planner on annotations as ELAN and BORIS readers give them:
//! vocabularies found by value in an existing codebook, free-text tiers,
//! dependent notes, participants, ms at the clip's very end.

use attune::interchange::{
    Annotations, ByRate, Entry, ImportTarget, Span, TimePoint, Vocabulary, plan_import,
};
use attune::model::*;

use super::model_props::time;

fn project() -> Project {
    let text = include_str!("../../sample_clips/sample.attune.json");
    let mut p: Project = serde_json::from_str(text).unwrap();
    p.moments.clear();
    p.reels.clear();
    p.reviews.clear();
    p
}

fn span(tier: &str, value: &str, vocabulary: Option<&str>, ms: (u64, u64)) -> Span {
    Span {
        media: Some("play-mat-landscape.mp4".into()),
        tier: tier.into(),
        coder: Some("coder-1".into()),
        participant: None,
        value: value.into(),
        vocabulary: vocabulary.map(str::to_owned),
        start: TimePoint::Ms(ms.0),
        end: TimePoint::Ms(ms.1),
        caption: String::new(),
        note: String::new(),
    }
}

fn target() -> ImportTarget {
    ImportTarget {
        clip: None,
        coder: None,
        now: time(1_800_000_000, 0),
    }
}

#[test]
fn a_vocabulary_of_known_names_maps_onto_the_existing_codebook() {
    let p = project();
    let vocabulary = Vocabulary {
        id: "cv-1".into(),
        name: "VIG (ELAN)".into(),
        description: String::new(),
        entries: vec![Entry {
            id: "cveid1".into(),
            value: "Waiting".into(),
            description: String::new(),
            category: String::new(),
            colour: None,
            hotkey: None,
            point: false,
        }],
    };
    let mut s = span("Encouraging", "Waiting", Some("cv-1"), (1000, 2000));
    s.participant = Some("Parent".into());
    s.note = "from a dependent tier".into();
    let a = Annotations {
        media: vec![],
        vocabularies: vec![vocabulary],
        spans: vec![s],
        participants: vec!["Parent".into()],
    };
    let plan = plan_import(&p, &a, &target(), &ByRate).unwrap();
    assert!(plan.work.codebooks.is_empty(), "{:?}", plan.work.codebooks);
    assert_eq!(plan.mapped.len(), 1);
    assert_eq!(plan.mapped[0].0, "VIG (ELAN)");
    let m = &plan.work.moments[0];
    assert_eq!(m.codes, [CodeRef::new("vig", "waiting")]);
    assert_eq!(
        m.participant,
        Some(Participant::Parent),
        "a role, not a person"
    );
    assert_eq!(m.note, "from a dependent tier");
    assert_eq!(m.author, "coder-1");
    assert!(plan.work.people.is_empty());
}

#[test]
fn free_text_tiers_become_codes_with_the_text_as_the_note() {
    let p = project();
    let mut first = span("Mother's speech", "Look at you!", None, (0, 500));
    first.participant = Some("Aunt May".into());
    let a = Annotations {
        spans: vec![
            first,
            span("Mother's speech", "Clever girl", None, (600, 900)),
            span("Gaze", "", None, (0, 100)),
        ],
        ..Default::default()
    };
    let plan = plan_import(&p, &a, &target(), &ByRate).unwrap();
    assert_eq!(plan.work.codebooks.len(), 1);
    let tiers = &plan.work.codebooks[0];
    let names: Vec<_> = tiers.items().map(|(_, i)| i.name.as_str()).collect();
    assert_eq!(names, ["Mother's speech", "Gaze"]);
    assert_eq!(plan.new_codes.len(), 2);
    let m = &plan.work.moments;
    assert_eq!(m[0].note, "Look at you!");
    assert_eq!(m[1].note, "Clever girl");
    assert_eq!(m[0].codes, m[1].codes, "one code per tier");
    assert_eq!(
        m[0].participant,
        Some(Participant::Person("Aunt May".into()))
    );
    assert_eq!(plan.work.people, ["Aunt May"]);
    // And it applies as one step.
    let mut after = p.clone();
    let inverse = apply(&mut after, plan.into_edit(&p).unwrap()).unwrap();
    assert_eq!(after.moments.len(), 3);
    apply(&mut after, inverse).unwrap();
    assert_eq!(after, p);
}

#[test]
fn an_end_where_the_last_frame_ends_is_the_last_frame_and_later_is_refused() {
    let p = project();
    let clip = p
        .clips
        .iter()
        .find(|c| c.path == "play-mat-landscape.mp4")
        .unwrap()
        .clone();
    use attune::interchange::ClipTimes as _;
    let end_ms = ByRate.ms_of(&clip, clip.media.frames);
    let mut s = span("Gaze", "", None, (0, end_ms));
    s.media = Some(clip.path.clone());
    let a = Annotations {
        spans: vec![s.clone()],
        ..Default::default()
    };
    let plan = plan_import(&p, &a, &target(), &ByRate).unwrap();
    assert_eq!(plan.work.moments[0].end, clip.media.frames - 1);
    s.end = TimePoint::Ms(end_ms + 1000);
    let a = Annotations {
        spans: vec![s],
        ..Default::default()
    };
    let err = plan_import(&p, &a, &target(), &ByRate).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("annotation 1 (tier \"Gaze\"): the end at frame"),
        "{err}"
    );
    assert_eq!(err.span(), Some(0));
}

#[test]
fn millisecond_ends_are_where_a_span_stops() {
    let p = project();
    let clip = p
        .clips
        .iter()
        .find(|c| c.path == "play-mat-landscape.mp4")
        .unwrap();
    use attune::interchange::ClipTimes as _;
    let second = ByRate.frame_of(clip, 1000);
    let frames = |ms: (u64, u64)| {
        let a = Annotations {
            spans: vec![span("Gaze", "", None, ms)],
            ..Default::default()
        };
        plan_import(&p, &a, &target(), &ByRate).map(|plan| {
            let m = &plan.work.moments[0];
            (u64::from(m.start), u64::from(m.end))
        })
    };
    assert_eq!(frames((0, 1000)), Ok((0, second - 1)), "a second of frames");
    assert_eq!(frames((1000, 1000)), Ok((second, second)), "a point");
    assert_eq!(
        frames((1000, 1010)),
        Ok((second, second)),
        "stops within its frame"
    );
    let err = frames((2000, 1000)).unwrap_err();
    assert!(err.to_string().contains("ends (frame"), "{err}");
}

#[test]
fn a_vocabulary_no_span_uses_still_becomes_a_codebook() {
    let p = project();
    let entry = |id: &str, value: &str| Entry {
        id: id.into(),
        value: value.into(),
        description: format!("{value}, as the ethogram describes it"),
        category: "Infant".into(),
        colour: None,
        hotkey: None,
        point: true,
    };
    let ethogram = Vocabulary {
        id: "ethogram".into(),
        name: "NBO items".into(),
        description: String::new(),
        entries: vec![entry("startle", "Startle"), entry("yawn", "Yawn")],
    };
    let a = Annotations {
        vocabularies: vec![ethogram],
        spans: vec![span("Moments", "", None, (0, 100))],
        ..Default::default()
    };
    let plan = plan_import(&p, &a, &target(), &ByRate).unwrap();
    assert_eq!(plan.work.codebooks.len(), 1, "{:?}", plan.summary());
    let book = &plan.work.codebooks[0];
    assert_eq!(book.name, "NBO items");
    let names: Vec<_> = book.items().map(|(_, i)| i.name.as_str()).collect();
    assert_eq!(names, ["Startle", "Yawn"]);
    assert!(
        plan.summary()
            .iter()
            .any(|l| l.contains("new codebook \"NBO items\" with 2 code(s)")),
        "{:?}",
        plan.summary()
    );
    // Importing the same vocabulary again finds the codebook instead.
    let mut after = p.clone();
    apply(&mut after, plan.into_edit(&p).unwrap()).unwrap();
    let again = plan_import(&after, &a, &target(), &ByRate).unwrap();
    assert!(again.work.codebooks.is_empty(), "{:?}", again.summary());
}

#[test]
fn one_moment_coded_on_two_tiers_comes_back_as_one_moment() {
    // ELAN writes each category's tier in turn, so a moment's two codes are
    // far apart in the file, with other moments between them.
    let p = project();
    let a = Annotations {
        spans: vec![
            span("Encouraging", "", None, (1000, 2000)),
            span("Gaze", "", None, (3000, 3500)),
            span("Receiving", "", None, (1000, 2000)),
        ],
        ..Default::default()
    };
    let plan = plan_import(&p, &a, &target(), &ByRate).unwrap();
    assert_eq!(plan.moment_count(), 2, "{:?}", plan.work.moments);
    assert_eq!(plan.work.moments[0].codes.len(), 2);
}
