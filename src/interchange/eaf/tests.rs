//! ELAN import and export, against fixtures written the way ELAN writes
//! them (tests/data/interchange/*.eaf) and by round trips.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use chrono::DateTime;
use quick_xml::Reader;
use quick_xml::events::Event;

use super::{WriteOptions, read, write};
use crate::interchange::{Annotations, Entry, Media, Span, TimePoint, Vocabulary};

const DEPENDENT: &str = include_str!("../../../tests/data/interchange/dependent_tiers.eaf");
const OLD_CV: &str = include_str!("../../../tests/data/interchange/old_cv.eaf");

fn entry(id: &str, value: &str, category: &str, point: bool, key: Option<char>) -> Entry {
    Entry {
        id: id.into(),
        value: value.into(),
        description: format!("{value}: what it looks like"),
        category: category.into(),
        colour: Some("#336699".into()),
        hotkey: key,
        point,
    }
}

#[allow(clippy::too_many_arguments)]
fn span(
    tier: &str,
    vocabulary: Option<&str>,
    value: &str,
    coder: Option<&str>,
    participant: Option<&str>,
    start: u64,
    end: u64,
    caption: &str,
    note: &str,
) -> Span {
    Span {
        media: Some("clips/feed 1.mp4".into()),
        tier: tier.into(),
        coder: coder.map(Into::into),
        participant: participant.map(Into::into),
        value: value.into(),
        vocabulary: vocabulary.map(Into::into),
        start: TimePoint::Ms(start),
        end: TimePoint::Ms(end),
        caption: caption.into(),
        note: note.into(),
    }
}

/// Annotations as the project mapping gives them for one clip: two
/// codebooks, two coders, participants, an overlap within one tier, a
/// point, an uncoded moment, and text that needs escaping.
pub(crate) fn sample() -> Annotations {
    Annotations {
        media: vec![Media {
            relative_path: "clips/feed 1.mp4".into(),
            mime: Some("video/mp4".into()),
            rate: Some((25, 1)),
            duration_ms: Some(60_000),
        }],
        vocabularies: vec![
            Vocabulary {
                id: "vig".into(),
                name: "VIG principles".into(),
                description: "Principles of attuned interaction & guidance".into(),
                entries: vec![
                    entry("vig-look", "Looking", "Being attentive", false, Some('1')),
                    entry(
                        "vig-turn",
                        "Turn taking",
                        "Receiving initiatives",
                        false,
                        Some('2'),
                    ),
                    entry("vig-smile", "Smile returned", "Being attentive", true, None),
                ],
            },
            Vocabulary {
                id: "nbo".into(),
                name: "NBO".into(),
                description: "Newborn Behavioral Observations".into(),
                entries: vec![entry(
                    "nbo-calm",
                    "Self-calming",
                    "State regulation",
                    false,
                    None,
                )],
            },
        ],
        spans: vec![
            span(
                "Being attentive",
                Some("vig"),
                "Looking",
                Some("Anna"),
                Some("parent"),
                1000,
                2400,
                "You watch her closely",
                "note & <stuff>\nsecond line",
            ),
            span(
                "Being attentive",
                Some("vig"),
                "Looking",
                Some("Anna"),
                Some("infant"),
                2000,
                3000,
                "",
                "",
            ),
            span(
                "Being attentive",
                Some("vig"),
                "Looking",
                Some("Ben"),
                Some("parent"),
                1500,
                2500,
                "",
                "Ben's note",
            ),
            span(
                "Being attentive",
                Some("vig"),
                "Looking",
                Some("Anna"),
                Some("parent"),
                2200,
                2600,
                "",
                "",
            ),
            span(
                "Being attentive",
                Some("vig"),
                "Smile returned",
                Some("Anna"),
                Some("infant"),
                4000,
                4000,
                "A smile back!",
                "smiled twice",
            ),
            span(
                "Being attentive",
                Some("vig"),
                "Smile returned",
                Some("Anna"),
                Some("parent"),
                4500,
                4500,
                "",
                "only a note",
            ),
            span(
                "Receiving initiatives",
                Some("vig"),
                "Turn taking",
                None,
                None,
                5000,
                7000,
                "Line one\r\nline \"two\"\ttab",
                "",
            ),
            span(
                "State regulation",
                Some("nbo"),
                "Self-calming",
                Some("Anna"),
                Some("infant"),
                0,
                // Two frames at 25 fps: a span exactly one frame long is how
                // ELAN holds a point, and comes back as one.
                80,
                "",
                "",
            ),
            span("Moments", None, "", None, None, 8000, 9000, "uncoded", ""),
        ],
        participants: vec!["parent".into(), "infant".into()],
    }
}

pub(crate) fn options(with_notes: bool) -> WriteOptions {
    WriteOptions {
        author: "Attune test".into(),
        date: DateTime::parse_from_rfc3339("2026-01-02T03:04:05+01:00").unwrap(),
        document_seed: "seed".into(),
        with_notes,
        frame_ms: None,
    }
}

/// Spans in a fixed order, so two lists can be compared whatever order a
/// format keeps.
pub(crate) fn sorted(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by(|a, b| {
        (a.start, a.end, &a.tier, &a.value, &a.coder, &a.participant).cmp(&(
            b.start,
            b.end,
            &b.tier,
            &b.value,
            &b.coder,
            &b.participant,
        ))
    });
    spans
}

fn ms(t: TimePoint) -> u64 {
    match t {
        TimePoint::Ms(ms) => ms,
        TimePoint::Frame(_) => panic!("ELAN times are milliseconds"),
    }
}

#[test]
fn reads_dependent_tiers_vocabularies_and_media_as_elan_writes_them() {
    let a = read(DEPENDENT, Path::new("dependent_tiers.eaf")).unwrap();
    let paths: Vec<&str> = a.media.iter().map(|m| m.relative_path.as_str()).collect();
    assert_eq!(
        paths,
        ["clips/feed one.mp4", "clips/feed one.wav"],
        "both descriptors, no linked file"
    );
    assert_eq!(a.media[0].mime.as_deref(), Some("video/mp4"));
    assert_eq!(a.participants, ["infant", "parent"]);

    let find = |tier: &str, value: &str| {
        a.spans
            .iter()
            .find(|s| s.tier == tier && s.value == value)
            .unwrap_or_else(|| panic!("no span {tier}/{value}"))
    };
    let look = find("Infant gaze", "Looks at parent");
    assert_eq!((ms(look.start), ms(look.end)), (500, 1500));
    assert_eq!(look.coder.as_deref(), Some("Anna"));
    assert_eq!(look.participant.as_deref(), Some("infant"));
    assert_eq!(look.vocabulary.as_deref(), Some("gaze-cv"));
    assert_eq!(look.caption, "Your baby looks right at you & smiles");
    assert_eq!(
        look.media.as_deref(),
        Some("clips/feed one.mp4"),
        "the video, not the extracted audio"
    );

    let speech = find("Parent speech", "Look at you!");
    assert_eq!(speech.vocabulary, None, "free text");
    assert_eq!(speech.note, "Translation: Regarde-toi !");
    assert_eq!(speech.caption, "");
    assert_eq!(find("Parent speech", "Who's that?").note, "");

    // Time subdivision: unaligned slots spread evenly over the parent.
    let words: Vec<(u64, u64)> = ["Look", "at", "you", "Who's", "that"]
        .iter()
        .map(|w| {
            let s = find("Words", w);
            (ms(s.start), ms(s.end))
        })
        .collect();
    assert_eq!(
        words,
        [
            (1000, 2000),
            (2000, 3000),
            (3000, 4000),
            (5000, 6500),
            (6500, 8000)
        ]
    );
    assert_eq!(find("Words", "Look").coder, None);

    let detail = find("Gaze detail", "eyes widen");
    assert_eq!((ms(detail.start), ms(detail.end)), (1200, 1400));

    // An external CV cannot be read here: its values stay free text.
    let affect = find("Affect", "positive");
    assert_eq!(affect.vocabulary, None);
    assert_eq!(affect.coder.as_deref(), Some("Ben"));
    assert_eq!(a.spans.len(), 11);

    assert_eq!(
        a.vocabularies.len(),
        1,
        "the external CV is not a vocabulary"
    );
    let cv = &a.vocabularies[0];
    assert_eq!(cv.id, "gaze-cv");
    assert_eq!(cv.description, "Where the infant looks");
    let entries: Vec<(&str, &str, &str, &str)> = cv
        .entries
        .iter()
        .map(|e| {
            (
                e.id.as_str(),
                e.value.as_str(),
                e.description.as_str(),
                e.category.as_str(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "cveid_look",
                "Looks at parent",
                "Eyes on the parent's face",
                "Infant gaze"
            ),
            ("cveid_away", "Looks away", "", "Infant gaze"),
        ]
    );
}

#[test]
fn reads_elan_2_controlled_vocabularies() {
    let a = read(OLD_CV, Path::new("old_cv.eaf")).unwrap();
    assert_eq!(a.media[0].relative_path, "C:/Videos/play.mpg");
    let cv = &a.vocabularies[0];
    assert_eq!(cv.description, "Turn taking");
    let entries: Vec<(&str, &str, &str)> = cv
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.value.as_str(), e.description.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            ("cveid1", "initiative", "The child starts"),
            ("reception", "reception", "The parent answers"),
        ]
    );
    let spans: Vec<(&str, u64, u64, Option<&str>)> = a
        .spans
        .iter()
        .map(|s| {
            (
                s.value.as_str(),
                ms(s.start),
                ms(s.end),
                s.participant.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("initiative", 120, 880, Some("Mum")),
            ("reception", 2000, 2600, Some("Mum"))
        ]
    );
    assert!(
        a.spans
            .iter()
            .all(|s| s.vocabulary.as_deref() == Some("turn-cv"))
    );
}

#[test]
fn a_round_trip_keeps_every_span_with_notes() {
    let a = sample();
    let text = write(&a, &options(true));
    let back = read(&text, Path::new("out.eaf")).unwrap();
    assert_eq!(sorted(back.spans.clone()), sorted(a.spans.clone()));
    assert_eq!(back.media[0].relative_path, "clips/feed 1.mp4");
    assert_eq!(back.media[0].mime.as_deref(), Some("video/mp4"));
    let ids: Vec<&str> = back.vocabularies.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["vig", "nbo"]);
    for (original, got) in a.vocabularies.iter().zip(&back.vocabularies) {
        assert_eq!(got.description, original.description);
        for (o, g) in original.entries.iter().zip(&got.entries) {
            assert_eq!(
                (&g.id, &g.value, &g.description),
                (&o.id, &o.value, &o.description)
            );
        }
    }
    // Categories come back from the tiers the entries are used on.
    let vig = &back.vocabularies[0];
    assert_eq!(vig.entries[0].category, "Being attentive");
    assert_eq!(vig.entries[1].category, "Receiving initiatives");
}

#[test]
fn notes_stay_out_unless_asked_for() {
    let a = sample();
    let text = write(&a, &options(false));
    assert!(!text.contains("Ben&apos;s note") && !text.contains("Ben's note"));
    assert!(!text.contains("second line"));
    let back = read(&text, Path::new("out.eaf")).unwrap();
    let mut expected = a.spans.clone();
    for s in &mut expected {
        s.note.clear();
    }
    assert_eq!(sorted(back.spans), sorted(expected));
}

#[test]
fn a_point_lasts_one_frame_in_elan_and_overlaps_get_their_own_tier() {
    let text = write(&sample(), &options(false));
    // The point at 4000 ms ends one 25 fps frame later.
    let slots = time_slots(&text);
    let doc = structure(&text);
    let smile = doc
        .aligned
        .iter()
        .find(|a| a.value == "Smile returned" && slots[&a.ts1] == 4000)
        .expect("the point is written");
    assert_eq!((slots[&smile.ts1], slots[&smile.ts2]), (4000, 4040));
    assert!(
        doc.tiers
            .iter()
            .any(|t| t.id == "Being attentive (parent, Anna) #2"),
        "{:?}",
        doc.tiers
    );
    for t in &doc.tiers {
        let mut spans: Vec<(u64, u64)> = doc
            .aligned
            .iter()
            .filter(|a| a.tier == t.id)
            .map(|a| (slots[&a.ts1], slots[&a.ts2]))
            .collect();
        spans.sort();
        assert!(
            spans.windows(2).all(|w| w[0].1 <= w[1].0),
            "overlap on tier {}",
            t.id
        );
    }
}

#[test]
fn the_same_export_gets_the_same_document_id() {
    let a = sample();
    let one = write(&a, &options(false));
    assert_eq!(one, write(&a, &options(false)));
    let mut other = options(false);
    other.document_seed = "another".into();
    let urn = |t: &str| structure(t).urn;
    assert_ne!(urn(&one), urn(&write(&a, &other)));
}

#[test]
fn exported_documents_follow_the_eaf_3_schema() {
    let text = write(&sample(), &options(true));
    let doc = structure(&text);

    for (k, v) in [
        ("FORMAT", "3.0"),
        ("VERSION", "3.0"),
        ("AUTHOR", "Attune test"),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        (
            "xsi:noNamespaceSchemaLocation",
            "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        ),
    ] {
        assert_eq!(
            doc.root.get(k).map(String::as_str),
            Some(v),
            "root attribute {k}"
        );
    }
    let date = DateTime::parse_from_rfc3339(&doc.root["DATE"]).expect("xsd:dateTime");
    assert_eq!(date.offset().local_minus_utc(), 3600, "with its offset");

    // Children in the schema's order.
    const ORDER: [&str; 11] = [
        "HEADER",
        "TIME_ORDER",
        "TIER",
        "LINGUISTIC_TYPE",
        "LOCALE",
        "LANGUAGE",
        "CONSTRAINT",
        "CONTROLLED_VOCABULARY",
        "LEXICON_REF",
        "REF_LINK_SET",
        "EXTERNAL_REF",
    ];
    let ranks: Vec<usize> = doc
        .children
        .iter()
        .map(|c| {
            ORDER
                .iter()
                .position(|o| o == c)
                .unwrap_or_else(|| panic!("unknown child {c}"))
        })
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{:?}", doc.children);
    assert_eq!(&doc.children[..2], ["HEADER", "TIME_ORDER"]);

    assert_eq!(doc.header, ("".to_owned(), "milliseconds".to_owned()));
    assert_eq!(doc.media.len(), 1);
    let (url, relative, mime) = &doc.media[0];
    assert_eq!(url, "file:///feed 1.mp4", "the file name only");
    assert_eq!(relative, "./clips/feed 1.mp4");
    assert_eq!(mime, "video/mp4");
    assert!(!text.contains("/home/"), "no absolute path");
    let uuid = doc
        .urn
        .strip_prefix("urn:nl-mpi-tools-elan-eaf:")
        .expect("URN");
    assert_eq!(uuid.len(), 36);
    assert_eq!(uuid.chars().filter(|&c| c == '-').count(), 4);
    let last: usize = doc.last_used_id.parse().unwrap();
    let max_id = doc
        .annotation_ids
        .iter()
        .map(|i| i.trim_start_matches('a').parse::<usize>().unwrap())
        .max()
        .unwrap();
    assert_eq!(last, max_id);

    // Every reference names something that exists, and ids are unique.
    let slot_ids: HashSet<&String> = doc.slot_ids.iter().collect();
    assert_eq!(slot_ids.len(), doc.slot_ids.len(), "unique TIME_SLOT ids");
    for a in &doc.aligned {
        assert!(
            slot_ids.contains(&a.ts1) && slot_ids.contains(&a.ts2),
            "slot refs of {}",
            a.id
        );
        assert!(
            doc.slot_values[&a.ts1] < doc.slot_values[&a.ts2],
            "no zero-length annotation"
        );
    }
    let ann_ids: HashSet<&String> = doc.annotation_ids.iter().collect();
    assert_eq!(
        ann_ids.len(),
        doc.annotation_ids.len(),
        "unique ANNOTATION ids"
    );
    for r in &doc.refs {
        assert!(ann_ids.contains(r), "ANNOTATION_REF {r}");
    }
    let languages: HashSet<&String> = doc.languages.iter().collect();
    assert!(!doc.lang_refs.is_empty());
    for l in &doc.lang_refs {
        assert!(languages.contains(l), "LANG_REF {l} names a LANGUAGE");
    }
    let cvs: HashSet<&String> = doc.cvs.iter().collect();
    assert_eq!(cvs.len(), 2);
    for c in &doc.cv_refs {
        assert!(cvs.contains(c), "CONTROLLED_VOCABULARY_REF {c}");
    }
    let types: HashSet<&String> = doc.types.iter().map(|(id, _)| id).collect();
    let tier_ids: HashSet<&String> = doc.tiers.iter().map(|t| &t.id).collect();
    assert_eq!(tier_ids.len(), doc.tiers.len(), "unique TIER ids");
    for t in &doc.tiers {
        assert!(
            types.contains(&t.linguistic_type),
            "LINGUISTIC_TYPE_REF of {}",
            t.id
        );
        if let Some(p) = &t.parent {
            assert!(tier_ids.contains(p), "PARENT_REF of {}", t.id);
        }
    }
    let constraints: HashSet<&String> = doc.constraints.iter().collect();
    for (_, c) in &doc.types {
        if let Some(c) = c {
            assert!(constraints.contains(c), "CONSTRAINT {c} declared");
        }
    }
    // Captions and notes hang from their moment on Symbolic_Association tiers.
    let caption_tier = doc
        .tiers
        .iter()
        .find(|t| t.id == "Being attentive (parent, Anna) - caption")
        .unwrap();
    assert_eq!(
        caption_tier.parent.as_deref(),
        Some("Being attentive (parent, Anna)")
    );
    assert!(
        doc.types
            .iter()
            .any(|(id, c)| id == "attune-caption" && c.as_deref() == Some("Symbolic_Association"))
    );
    assert!(doc.tiers.iter().any(|t| t.id.ends_with(" - note")));
}

#[test]
fn malformed_xml_is_refused_with_its_line_and_column() {
    let text =
        "<?xml version=\"1.0\"?>\n<ANNOTATION_DOCUMENT>\n  <HEADER>\n</ANNOTATION_DOCUMENT>\n";
    let e = read(text, Path::new("bad.eaf")).unwrap_err().to_string();
    assert!(e.starts_with("bad.eaf: line 4, column "), "{e}");
    assert!(e.contains("malformed XML"), "{e}");
    assert!(!e.contains('\n'));

    let e = read(
        "<ANNOTATION_DOCUMENT>\n<TIER TIER_ID=\"x>\n",
        Path::new("cut.eaf"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("cut.eaf: line "), "{e}");

    let e = read("<ANNOTATION_DOCUMENT>\n<HEADER/>", Path::new("open.eaf"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("ends before"), "{e}");
}

#[test]
fn a_file_that_is_not_elan_is_refused() {
    let e = read(
        "<?xml version=\"1.0\"?>\n<html><body/></html>",
        Path::new("page.eaf"),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "page.eaf: line 2, <html>: not an ELAN file: the root element must be <ANNOTATION_DOCUMENT>"
    );
    let e = read("", Path::new("empty.eaf")).unwrap_err().to_string();
    assert!(e.contains("not an ELAN file"), "{e}");
}

#[test]
fn a_slot_that_cannot_be_interpolated_is_named() {
    // A top-level tier has no parent to bound its unaligned end.
    let text = DEPENDENT.replace(
        "<TIME_SLOT TIME_SLOT_ID=\"ts3\" TIME_VALUE=\"1500\"/>",
        "<TIME_SLOT TIME_SLOT_ID=\"ts3\"/>",
    );
    let e = read(&text, Path::new("gap.eaf")).unwrap_err().to_string();
    let line = DEPENDENT
        .lines()
        .position(|l| l.contains("TIME_SLOT_ID=\"ts3\""))
        .unwrap()
        + 1;
    assert!(
        e.starts_with(&format!(
            "gap.eaf: line {line}, <TIME_SLOT ts3>: no TIME_VALUE"
        )),
        "{e}"
    );
    assert!(e.contains("a1") && e.contains("Infant gaze"), "{e}");

    let text = DEPENDENT.replace("TIME_SLOT_REF2=\"ts10\"", "TIME_SLOT_REF2=\"ts99\"");
    let e = read(&text, Path::new("ref.eaf")).unwrap_err().to_string();
    assert!(
        e.contains("<ALIGNABLE_ANNOTATION a2>: TIME_SLOT_REF2 \"ts99\" names no TIME_SLOT"),
        "{e}"
    );

    let text = DEPENDENT.replace("ANNOTATION_REF=\"a3\"", "ANNOTATION_REF=\"a77\"");
    let e = read(&text, Path::new("dangling.eaf"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("<REF_ANNOTATION a5>: ANNOTATION_REF \"a77\""),
        "{e}"
    );
}

#[test]
fn ten_thousand_annotations_read_quickly() {
    let mut a = sample();
    let template = a.spans[0].clone();
    a.spans = (0..10_000u64)
        .map(|i| Span {
            start: TimePoint::Ms(i * 100),
            end: TimePoint::Ms(i * 100 + 60),
            coder: Some(["Anna", "Ben"][(i % 2) as usize].into()),
            caption: if i % 3 == 0 {
                format!("caption {i}")
            } else {
                String::new()
            },
            ..template.clone()
        })
        .collect();
    let text = write(&a, &options(true));
    let started = Instant::now();
    let back = read(&text, Path::new("big.eaf")).unwrap();
    let took = started.elapsed();
    println!(
        "read 10,000 ELAN annotations ({} KiB, with captions and notes) in {:.1} ms",
        text.len() / 1024,
        took.as_secs_f64() * 1000.0
    );
    assert_eq!(back.spans.len(), 10_000);
}

#[test]
fn empty_annotations_and_a_byte_order_mark_are_fine() {
    let text = write(&Annotations::default(), &options(false));
    structure(&text);
    assert_eq!(
        read(&text, Path::new("empty.eaf")).unwrap(),
        Annotations::default()
    );
    let with_bom = format!("\u{FEFF}{}", OLD_CV);
    assert_eq!(
        read(&with_bom, Path::new("bom.eaf")).unwrap().spans.len(),
        2
    );
}

// ---- A structural reading of an exported document, for the checks ----

#[derive(Debug)]
struct TierInfo {
    id: String,
    linguistic_type: String,
    parent: Option<String>,
}

struct Aligned {
    id: String,
    tier: String,
    ts1: String,
    ts2: String,
    value: String,
}

#[derive(Default)]
struct Structure {
    root: HashMap<String, String>,
    children: Vec<String>,
    header: (String, String),
    media: Vec<(String, String, String)>,
    urn: String,
    last_used_id: String,
    slot_ids: Vec<String>,
    slot_values: HashMap<String, u64>,
    tiers: Vec<TierInfo>,
    aligned: Vec<Aligned>,
    annotation_ids: Vec<String>,
    refs: Vec<String>,
    types: Vec<(String, Option<String>)>,
    cv_refs: Vec<String>,
    languages: Vec<String>,
    lang_refs: Vec<String>,
    constraints: Vec<String>,
    cvs: Vec<String>,
}

fn time_slots(text: &str) -> HashMap<String, u64> {
    structure(text).slot_values
}

/// Parses `text` with a plain XML reader (well-formedness is checked by
/// it) and collects what the schema checks need.
fn structure(text: &str) -> Structure {
    let mut r = Reader::from_str(text);
    let mut s = Structure::default();
    let mut depth = 0;
    let mut property = String::new();
    let mut in_value = false;
    let mut value = String::new();
    let mut tier = String::new();
    loop {
        let ev = r.read_event().expect("well-formed XML");
        let (e, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(e) => {
                depth -= 1;
                property.clear();
                if e.name().as_ref() == b"ANNOTATION_VALUE" {
                    in_value = false;
                    if let Some(a) = s.aligned.last_mut()
                        && a.value.is_empty()
                    {
                        a.value = std::mem::take(&mut value);
                    }
                    value.clear();
                }
                continue;
            }
            Event::Text(t) => {
                let t = t.xml10_content().unwrap().into_owned();
                if in_value {
                    value.push_str(&t);
                }
                match property.as_str() {
                    "URN" => s.urn.push_str(&t),
                    "lastUsedAnnotationId" => s.last_used_id.push_str(&t),
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let e = e.unwrap();
        let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        let attrs: HashMap<String, String> = e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect();
        let get = |k: &str| attrs.get(k).cloned().unwrap_or_default();
        if depth == 0 {
            assert_eq!(name, "ANNOTATION_DOCUMENT");
            s.root = attrs.clone();
        } else if depth == 1 {
            s.children.push(name.clone());
        }
        property.clear();
        match name.as_str() {
            "HEADER" => s.header = (get("MEDIA_FILE"), get("TIME_UNITS")),
            "MEDIA_DESCRIPTOR" => s.media.push((
                get("MEDIA_URL"),
                get("RELATIVE_MEDIA_URL"),
                get("MIME_TYPE"),
            )),
            "PROPERTY" => property = get("NAME"),
            "TIME_SLOT" => {
                s.slot_ids.push(get("TIME_SLOT_ID"));
                s.slot_values
                    .insert(get("TIME_SLOT_ID"), get("TIME_VALUE").parse().unwrap());
            }
            "TIER" => {
                tier = get("TIER_ID");
                s.tiers.push(TierInfo {
                    id: get("TIER_ID"),
                    linguistic_type: get("LINGUISTIC_TYPE_REF"),
                    parent: attrs.get("PARENT_REF").cloned(),
                });
            }
            "ALIGNABLE_ANNOTATION" => {
                s.annotation_ids.push(get("ANNOTATION_ID"));
                s.aligned.push(Aligned {
                    id: get("ANNOTATION_ID"),
                    tier: tier.clone(),
                    ts1: get("TIME_SLOT_REF1"),
                    ts2: get("TIME_SLOT_REF2"),
                    value: String::new(),
                });
            }
            "REF_ANNOTATION" => {
                s.annotation_ids.push(get("ANNOTATION_ID"));
                s.refs.push(get("ANNOTATION_REF"));
            }
            "ANNOTATION_VALUE" => in_value = !empty,
            "LINGUISTIC_TYPE" => {
                s.types
                    .push((get("LINGUISTIC_TYPE_ID"), attrs.get("CONSTRAINTS").cloned()));
                if let Some(c) = attrs.get("CONTROLLED_VOCABULARY_REF") {
                    s.cv_refs.push(c.clone());
                }
            }
            "LANGUAGE" => s.languages.push(get("LANG_ID")),
            "CONSTRAINT" => s.constraints.push(get("STEREOTYPE")),
            "CONTROLLED_VOCABULARY" => s.cvs.push(get("CV_ID")),
            _ => {}
        }
        if let Some(l) = attrs.get("LANG_REF") {
            s.lang_refs.push(l.clone());
        }
        if !empty {
            depth += 1;
        }
    }
    s
}
