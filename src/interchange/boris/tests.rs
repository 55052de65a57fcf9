//! BORIS import and export, against a project written the way BORIS 7–9
//! write them (tests/data/interchange/feeding.boris) and by round trips.

use std::collections::HashMap;
use std::path::Path;

use chrono::DateTime;
use serde_json::Value;

use super::{ObservationSummary, WriteOptions, observations, read, write};
use crate::interchange::eaf::tests::{sample, sorted};
use crate::interchange::{Annotations, Span, TimePoint};

const FEEDING: &str = include_str!("../../../tests/data/interchange/feeding.boris");

fn options(with_notes: bool) -> WriteOptions {
    WriteOptions {
        project_name: "Attune export".into(),
        project_description: "Moments of attunement".into(),
        clip_name: Some("Feed".into()),
        date: DateTime::parse_from_rfc3339("2026-01-02T03:04:05+01:00").unwrap(),
        with_notes,
    }
}

fn ms(t: TimePoint) -> u64 {
    match t {
        TimePoint::Ms(ms) => ms,
        TimePoint::Frame(_) => panic!("BORIS times are seconds"),
    }
}

fn read_all(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    for o in observations(text, Path::new("out.boris")).unwrap() {
        spans.extend(
            read(text, Path::new("out.boris"), Some(&o.id))
                .unwrap()
                .spans,
        );
    }
    spans
}

#[test]
fn reads_point_and_state_events_with_subjects_and_modifiers() {
    let a = read(FEEDING, Path::new("feeding.boris"), Some("Feed 1")).unwrap();
    type Row<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        u64,
        u64,
        &'a str,
        &'a str,
    );
    let got: Vec<Row> = a
        .spans
        .iter()
        .map(|s| {
            (
                s.value.as_str(),
                s.tier.as_str(),
                s.participant.as_deref(),
                ms(s.start),
                ms(s.end),
                s.caption.as_str(),
                s.note.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "gaze",
                "Infant",
                Some("infant"),
                1500,
                4000,
                "First look",
                "Modifier: parent"
            ),
            ("smile", "Infant", Some("infant"), 2000, 2000, "", ""),
            ("soothe", "Parent", Some("parent"), 3250, 6500, "", "calmer"),
            ("vocalise", "Behaviors", None, 7000, 7000, "", ""),
            (
                "gaze",
                "Infant",
                Some("parent"),
                8000,
                9500,
                "",
                "Modifier: toy"
            ),
        ]
    );
    assert!(
        a.spans.iter().all(|s| s.coder.as_deref() == Some("Feed 1")),
        "the observation id codes"
    );
    assert!(
        a.spans
            .iter()
            .all(|s| s.media.as_deref() == Some("videos/feed1.mp4"))
    );
    assert!(
        a.spans
            .iter()
            .all(|s| s.vocabulary.as_deref() == Some("Feeding study"))
    );
    assert_eq!(a.participants, ["infant", "parent"]);
    assert_eq!(a.media.len(), 1);
    assert_eq!(a.media[0].rate, Some((30000, 1001)));
    assert_eq!(a.media[0].duration_ms, Some(120_480));

    assert_eq!(a.vocabularies.len(), 1);
    let v = &a.vocabularies[0];
    assert_eq!(v.description, "Parent-infant feeding interactions");
    let entries: Vec<(&str, &str, bool, Option<char>)> = v
        .entries
        .iter()
        .map(|e| (e.value.as_str(), e.category.as_str(), e.point, e.hotkey))
        .collect();
    assert_eq!(
        entries,
        [
            ("smile", "Infant", true, Some('s')),
            ("gaze", "Infant", false, Some('g')),
            ("soothe", "Parent", false, Some('o')),
            ("vocalise", "Behaviors", true, Some('v')),
        ]
    );
    assert_eq!(v.entries[0].colour.as_deref(), Some("#f4a261"));
    assert_eq!(v.entries[0].description, "A social smile");
}

#[test]
fn reads_boris_7_rows_without_a_frame_index_and_newer_longer_rows() {
    let a = read(FEEDING, Path::new("feeding.boris"), Some("Feed 2")).unwrap();
    let got: Vec<(&str, u64, u64, &str)> = a
        .spans
        .iter()
        .map(|s| (s.value.as_str(), ms(s.start), ms(s.end), s.caption.as_str()))
        .collect();
    assert_eq!(
        got,
        [("gaze", 400, 2800, ""), ("smile", 1200, 1200, "lovely")]
    );
    assert_eq!(a.spans[0].coder.as_deref(), Some("Feed 2"));
}

#[test]
fn lists_the_observations_to_choose_from() {
    let list = observations(FEEDING, Path::new("feeding.boris")).unwrap();
    assert_eq!(
        list,
        [
            ObservationSummary {
                id: "Feed 1".into(),
                media: vec!["videos/feed1.mp4".into()],
                events: 8,
                is_live: false,
            },
            ObservationSummary {
                id: "Feed 2".into(),
                media: vec!["feed2.mp4".into()],
                events: 3,
                is_live: false,
            },
            ObservationSummary {
                id: "Home visit (live)".into(),
                media: vec![],
                events: 1,
                is_live: true,
            },
        ]
    );
}

#[test]
fn the_observation_must_be_chosen_and_be_of_a_video() {
    let f = Path::new("feeding.boris");
    let e = read(FEEDING, f, None).unwrap_err().to_string();
    assert_eq!(
        e,
        "feeding.boris: observations: the project has 3 observations; choose one of \"Feed 1\", \"Feed 2\", \"Home visit (live)\""
    );
    let e = read(FEEDING, f, Some("Feed 3")).unwrap_err().to_string();
    assert!(
        e.starts_with("feeding.boris: observation \"Feed 3\": no such observation"),
        "{e}"
    );
    let e = read(FEEDING, f, Some("Home visit (live)"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "feeding.boris: observation \"Home visit (live)\": is a LIVE observation (no media file): Attune imports observations of a video only"
    );

    // With one observation, that one.
    let mut project: Value = serde_json::from_str(FEEDING).unwrap();
    let obs = project["observations"].as_object_mut().unwrap();
    obs.retain(|k, _| k == "Feed 2");
    let one = read(&project.to_string(), f, None).unwrap();
    assert_eq!(one.spans.len(), 2);
}

#[test]
fn an_unpaired_state_event_is_named() {
    let mut project: Value = serde_json::from_str(FEEDING).unwrap();
    project["observations"]["Feed 2"]["events"]
        .as_array_mut()
        .unwrap()
        .pop();
    let e = read(&project.to_string(), Path::new("odd.boris"), Some("Feed 2"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "odd.boris: observation \"Feed 2\", event 1: state event \"gaze\" of subject \"infant\" starts at 0.400 s and never stops (unpaired START)"
    );
}

#[test]
fn malformed_or_foreign_json_is_refused_with_its_place() {
    let e = read(
        "{\n  \"observations\": {\n  ]\n}",
        Path::new("bad.boris"),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("bad.boris: line 3, column 3: malformed JSON: "),
        "{e}"
    );
    assert!(!e.contains("at line"), "{e}");
    let e = read("[1, 2]", Path::new("list.boris"), None)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "list.boris: not a BORIS project: the file is not a JSON object"
    );
    let e = read("{\"observations\": {}}", Path::new("x.boris"), None)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "x.boris: not a BORIS project: no \"behaviors_conf\"");

    let mut project: Value = serde_json::from_str(FEEDING).unwrap();
    project["observations"]["Feed 2"]["events"][1][2] = Value::from("yawn");
    let e = read(&project.to_string(), Path::new("y.boris"), Some("Feed 2"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "y.boris: observation \"Feed 2\", event 2: behavior \"yawn\" is not in the ethogram (behaviors_conf)"
    );
    project["observations"]["Feed 2"]["events"][1] = Value::from("not an event");
    let e = read(&project.to_string(), Path::new("z.boris"), Some("Feed 2"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("z.boris: observation \"Feed 2\", event 2: an event must be a list"),
        "{e}"
    );
}

#[test]
fn a_round_trip_keeps_every_span_with_notes() {
    let a = sample();
    let text = write(&a, &options(true));
    let back = read_all(&text);
    let mut expected = a.spans.clone();
    for s in &mut expected {
        // BORIS has one ethogram and no uncoded events: a moment without a
        // code comes back coded with its tier.
        s.vocabulary = Some("Attune export".into());
        if s.value.is_empty() {
            s.value = s.tier.clone();
        }
    }
    assert_eq!(sorted(back), sorted(expected));
}

#[test]
fn notes_stay_out_unless_asked_for() {
    let a = sample();
    let text = write(&a, &options(false));
    assert!(
        !text.contains("Note: ") && !text.contains("second line") && !text.contains("Ben's note")
    );
    let back = read_all(&text);
    assert!(back.iter().all(|s| s.note.is_empty()));
    assert_eq!(back.iter().filter(|s| !s.caption.is_empty()).count(), 4);
}

#[test]
fn one_observation_per_clip_and_coder() {
    let text = write(&sample(), &options(false));
    let ids: Vec<String> = observations(&text, Path::new("out.boris"))
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    // Anna's two overlapping "Looking" spans of the parent cannot share
    // one observation.
    assert_eq!(ids, ["Feed", "Feed — Anna", "Feed — Anna #2", "Feed — Ben"]);
    let second = read(&text, Path::new("out.boris"), Some("Feed — Anna #2")).unwrap();
    let got: Vec<(&str, u64, u64)> = second
        .spans
        .iter()
        .map(|s| (s.value.as_str(), ms(s.start), ms(s.end)))
        .collect();
    assert_eq!(got, [("Looking", 2200, 2600)]);
    assert_eq!(second.spans[0].coder.as_deref(), Some("Anna"));
    let ben = read(&text, Path::new("out.boris"), Some("Feed — Ben")).unwrap();
    assert!(ben.spans.iter().all(|s| s.coder.as_deref() == Some("Ben")));
    let nobody = read(&text, Path::new("out.boris"), Some("Feed")).unwrap();
    assert!(nobody.spans.iter().all(|s| s.coder.is_none()));
}

#[test]
fn exported_projects_carry_every_key_boris_reads() {
    let text = write(&sample(), &options(true));
    let p: Value = serde_json::from_str(&text).unwrap();
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&p),
        [
            "behavioral_categories",
            "behaviors_coding_map",
            "behaviors_conf",
            "coding_map",
            "converters",
            "independent_variables",
            "observations",
            "project_date",
            "project_description",
            "project_format_version",
            "project_name",
            "subjects_conf",
            "time_format",
        ]
    );
    assert_eq!(p["project_format_version"], "7.0");
    assert_eq!(p["time_format"], "hh:mm:ss");
    assert_eq!(p["project_date"], "2026-01-02T03:04:05");

    let behaviours = p["behaviors_conf"].as_object().unwrap();
    let codes: Vec<&str> = (0..behaviours.len())
        .map(|i| behaviours[&i.to_string()]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "Looking",
            "Turn taking",
            "Smile returned",
            "Self-calming",
            "Moments"
        ]
    );
    for b in behaviours.values() {
        assert_eq!(
            keys(b),
            [
                "category",
                "code",
                "coding map",
                "color",
                "description",
                "excluded",
                "key",
                "modifiers",
                "type"
            ]
        );
    }
    let kinds: HashMap<&str, &str> = behaviours
        .values()
        .map(|b| (b["code"].as_str().unwrap(), b["type"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds["Smile returned"], "Point event");
    assert_eq!(kinds["Looking"], "State event");
    assert_eq!(behaviours["0"]["key"], "1");
    assert_eq!(behaviours["0"]["category"], "Being attentive");
    assert_eq!(behaviours["0"]["color"], "#336699");

    let subjects = p["subjects_conf"].as_object().unwrap();
    assert_eq!(subjects["0"]["name"], "parent");
    assert_eq!(subjects["1"]["name"], "infant");
    for s in subjects.values() {
        assert_eq!(keys(s), ["description", "key", "name"]);
    }
    assert_eq!(
        p["behavioral_categories"],
        serde_json::json!([
            "Being attentive",
            "Receiving initiatives",
            "State regulation",
            "Moments"
        ])
    );

    for (id, o) in p["observations"].as_object().unwrap() {
        assert_eq!(
            keys(o),
            [
                "close_behaviors_between_videos",
                "date",
                "description",
                "events",
                "file",
                "image_display_duration",
                "independent_variables",
                "media_creation_date_as_offset",
                "media_info",
                "media_scan_sampling_duration",
                "observation time interval",
                "time offset",
                "type",
                "visualize_spectrogram",
                "visualize_waveform",
            ],
            "{id}"
        );
        assert_eq!(o["type"], "MEDIA");
        assert_eq!(keys(&o["file"]), ["1", "2", "3", "4", "5", "6", "7", "8"]);
        assert_eq!(o["file"]["1"], serde_json::json!(["clips/feed 1.mp4"]));
        let info = &o["media_info"];
        assert_eq!(
            keys(info),
            ["fps", "hasAudio", "hasVideo", "length", "offset"]
        );
        assert_eq!(info["length"]["clips/feed 1.mp4"], 60.0);
        assert_eq!(info["fps"]["clips/feed 1.mp4"], 25.0);

        // Six fields, times to the millisecond, frames at 25 fps, and every
        // state code's events in START/STOP pairs.
        let mut per_state: HashMap<(String, String), usize> = HashMap::new();
        for e in o["events"].as_array().unwrap() {
            let e = e.as_array().unwrap();
            assert_eq!(e.len(), 6, "{id}: {e:?}");
            let t = e[0].as_f64().unwrap();
            assert!((t * 1000.0 - (t * 1000.0).round()).abs() < 1e-6);
            assert_eq!(e[5].as_u64().unwrap(), (t * 25.0).round() as u64);
            let code = e[2].as_str().unwrap();
            if kinds[code] == "State event" {
                *per_state
                    .entry((e[1].as_str().unwrap().into(), code.into()))
                    .or_default() += 1;
            }
        }
        assert!(
            per_state.values().all(|n| n % 2 == 0),
            "{id}: {per_state:?}"
        );
    }
    let anna = &p["observations"]["Feed — Anna"];
    assert_eq!(anna["independent_variables"]["coder"], "Anna");
    let first = &anna["events"][0];
    assert_eq!(
        first,
        &serde_json::json!([0.0, "infant", "Self-calming", "", "", 0])
    );
}

#[test]
fn times_run_on_across_player_one_files_after_the_time_offset() {
    let mut project: Value = serde_json::from_str(FEEDING).unwrap();
    let obs = &mut project["observations"]["Feed 2"];
    obs["file"]["1"] = serde_json::json!(["part1.mp4", "part2.mp4"]);
    obs["media_info"]["length"] = serde_json::json!({"part1.mp4": 10.0, "part2.mp4": 10.0});
    obs["time offset"] = serde_json::json!(1.0);
    obs["events"] = serde_json::json!([[4.0, "", "smile", "", ""], [13.5, "", "smile", "", ""]]);
    let a = read(
        &project.to_string(),
        Path::new("parts.boris"),
        Some("Feed 2"),
    )
    .unwrap();
    let got: Vec<(Option<&str>, u64)> = a
        .spans
        .iter()
        .map(|s| (s.media.as_deref(), ms(s.start)))
        .collect();
    assert_eq!(got, [(Some("part1.mp4"), 3000), (Some("part2.mp4"), 2500)]);

    project["observations"]["Feed 2"]["events"] = serde_json::json!([[0.5, "", "smile", "", ""]]);
    let e = read(
        &project.to_string(),
        Path::new("early.boris"),
        Some("Feed 2"),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "early.boris: observation \"Feed 2\", event 1: time 0.5 s lies before the start of the media"
    );
}

#[test]
fn empty_annotations_make_a_project_boris_opens() {
    let text = write(&Annotations::default(), &options(false));
    let p: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(p["observations"], serde_json::json!({}));
    assert!(
        observations(&text, Path::new("e.boris"))
            .unwrap()
            .is_empty()
    );
    let e = read(&text, Path::new("e.boris"), None)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "e.boris: observations: the project has no observations");
}

mod generated {
    //! Round trips through both formats over generated annotations.

    use std::path::Path;

    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::{options, read_all};
    use crate::interchange::eaf;
    use crate::interchange::eaf::tests::sorted;
    use crate::interchange::{Annotations, Span, TimePoint};

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![Just(String::new()), "[a-zA-Z é&<>\"'\n\t\r]{1,24}",]
    }

    fn who(names: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            Just(None),
            proptest::sample::select(names).prop_map(|n| Some(n.to_owned()))
        ]
    }

    fn span() -> impl Strategy<Value = Span> {
        (
            // An entry of the sample's vocabularies, or no code.
            0usize..5,
            who(&["Anna", "Ben"]),
            who(&["parent", "infant", "Grandma Jo"]),
            0u64..120_000,
            // A point, or longer than one frame (40 ms here): ELAN has no
            // points, so one frame long is how a point is written, and a
            // one-frame moment is a point in Attune too.
            prop_oneof![Just(0u64), 41u64..5_000],
            text(),
            text(),
        )
            .prop_map(|(code, coder, participant, start, length, caption, note)| {
                let (tier, vocabulary, value) = [
                    ("Being attentive", Some("vig"), "Looking"),
                    ("Receiving initiatives", Some("vig"), "Turn taking"),
                    ("Being attentive", Some("vig"), "Smile returned"),
                    ("State regulation", Some("nbo"), "Self-calming"),
                    ("Moments", None, ""),
                ][code];
                Span {
                    media: Some("clips/feed 1.mp4".into()),
                    tier: tier.into(),
                    coder,
                    participant,
                    value: value.into(),
                    vocabulary: vocabulary.map(Into::into),
                    start: TimePoint::Ms(start),
                    end: TimePoint::Ms(start + length),
                    caption,
                    note,
                }
            })
    }

    fn annotations(spans: Vec<Span>) -> Annotations {
        Annotations {
            spans,
            ..crate::interchange::eaf::tests::sample()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn elan_round_trips_keep_every_span(spans in vec(span(), 0..40)) {
            let a = annotations(spans);
            let text = eaf::write(&a, &crate::interchange::eaf::tests::options(true));
            let back = eaf::read(&text, Path::new("gen.eaf")).unwrap();
            prop_assert_eq!(sorted(back.spans), sorted(a.spans));
        }

        #[test]
        fn boris_round_trips_keep_every_span(spans in vec(span(), 0..40)) {
            let a = annotations(spans);
            let text = super::write(&a, &options(true));
            let back = read_all(&text);
            let mut expected = a.spans.clone();
            for s in &mut expected {
                s.vocabulary = Some("Attune export".into());
                if s.value.is_empty() {
                    s.value = s.tier.clone();
                }
            }
            prop_assert_eq!(sorted(back), sorted(expected));
        }
    }
}
