//! Supervision through the real app: who is coding and blind coding (the
//! moment list, the timeline and the app's exports hide the other coder),
//! the Agreement window with its walk through the disagreements and the
//! timeline's compare mode, the report, and merging a colleague's coding.
//! The sample `supervision.attune.json` holds R. Patel's coding of the mat
//! clip and M. Okafor's second pass over it.

use std::path::{Path, PathBuf};

use attune::ui::Dialogs;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

use crate::ui_workspace::{harness_with, sample_dir, step_until, wait_ready, ws};

const PATEL: &str = "R. Patel (health visitor)";
const OKAFOR: &str = "M. Okafor (supervisor)";

fn copy_supervision(dir: &Path) -> PathBuf {
    for entry in std::fs::read_dir(sample_dir()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".mp4") || name.ends_with(".attune.json") {
            std::fs::copy(entry.path(), dir.join(&*name)).unwrap();
        }
    }
    dir.join("supervision.attune.json")
}

type H = egui_kittest::Harness<'static, attune::ui::AttuneApp>;

fn menu_item(h: &mut H, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    step_until(h, menu, |h| h.query_by_label(item).is_some());
    h.get_by_label(item).click();
    h.step();
}

/// Answers "Who is coding?".
fn start_coding(h: &mut H, coder: &str, blind: bool) {
    step_until(h, "who is coding", |h| {
        h.query_by_label("Who is coding?").is_some()
    });
    h.get_by_label(coder).click();
    h.step();
    if blind {
        h.get_by_label("Blind coding").click();
        h.step();
    }
    h.get_by_label("Start coding").click();
    step_until(h, "the coder", |h| ws(h).coder() == coder);
    wait_ready(h);
}

fn authors_on_timeline(h: &egui_kittest::Harness<'_, attune::ui::AttuneApp>) -> Vec<String> {
    let project = ws(h).project();
    let mut authors: Vec<String> = ws(h)
        .timeline_lanes()
        .into_iter()
        .flat_map(|(_, ids)| ids)
        .map(|id| project.moment(id).unwrap().author.clone())
        .collect();
    authors.sort();
    authors.dedup();
    authors
}

#[test]
fn blind_coding_hides_the_other_coder_until_turned_off_on_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_supervision(dir.path());
    let csv = dir.path().join("mine.csv");
    let mut h = harness_with(path, Dialogs::scripted([vec![csv.clone()]]), dir.path());
    // Behind "Who is coding?" nobody's moments show yet.
    step_until(&mut h, "who is coding", |h| {
        h.query_by_label("Who is coding?").is_some()
    });
    step_until(&mut h, "an empty list", |h| {
        h.query_by_label("0 moment(s)").is_some()
    });
    assert!(authors_on_timeline(&h).is_empty());
    start_coding(&mut h, PATEL, true);
    assert!(ws(&h).blind());
    let project = ws(&h).project().clone();
    let mine = project.moments.iter().filter(|m| m.author == PATEL).count();
    assert!(mine < project.moments.len());

    // The list, the timeline and the title.
    let shown = format!("{mine} moment(s)");
    step_until(&mut h, "the list", |h| h.query_by_label(&shown).is_some());
    step_until(&mut h, "the timeline", |h| {
        !ws(h).timeline_lanes().is_empty()
    });
    assert_eq!(authors_on_timeline(&h), [PATEL]);
    assert!(
        h.query_by_label_contains(&format!("coding as {PATEL}, blind"))
            .is_some()
    );
    // Down walks only my moments.
    for _ in 0..mine + 2 {
        h.key_press(Key::ArrowDown);
        h.step();
        if let Some(id) = ws(&h).selected_moment() {
            assert_eq!(project.moment(id).unwrap().author, PATEL);
        }
    }

    // What leaves the app is my coding only.
    menu_item(&mut h, "File", "Export annotations…");
    step_until(&mut h, "the export dialog", |h| {
        h.query_by_label_contains("(blind coding)").is_some()
    });
    h.get_by_label("Export…").click();
    step_until(&mut h, "the export", |h| {
        ws(h).status().is_some_and(|s| s.contains("exported"))
    });
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains(PATEL) && !text.contains(OKAFOR), "{text}");

    // Agreement would show the other coder: refused while blind.
    h.get_by_label("Coding").click();
    step_until(&mut h, "the menu", |h| {
        h.query_by_label("Agreement…").is_some()
    });
    h.get_by_label("Agreement…").click();
    h.step();
    assert!(h.query_by_label("Disagreements").is_none());

    // Turning it off asks first; "Stay blind" keeps it.
    h.key_press(Key::Escape);
    h.step();
    menu_item(&mut h, "Coding", "Blind coding");
    step_until(&mut h, "the question", |h| {
        h.query_by_label("Show the other coders' moments?")
            .is_some()
    });
    h.get_by_label("Stay blind").click();
    h.step();
    assert!(ws(&h).blind());
    menu_item(&mut h, "Coding", "Blind coding");
    step_until(&mut h, "the question", |h| {
        h.query_by_label("Show them").is_some()
    });
    h.get_by_label("Show them").click();
    step_until(&mut h, "everyone's moments", |h| !ws(h).blind());
    let all = format!("{} moment(s)", project.moments.len());
    step_until(&mut h, "the whole list", |h| {
        h.query_by_label(&all).is_some()
    });
    step_until(&mut h, "both coders on the timeline", |h| {
        authors_on_timeline(h).len() == 2
    });
}

#[test]
fn the_agreement_window_walks_the_disagreements_and_compares_on_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_supervision(dir.path());
    let report = dir.path().join("agreement.html");
    let mut h = harness_with(path, Dialogs::scripted([vec![report.clone()]]), dir.path());
    start_coding(&mut h, OKAFOR, false);
    menu_item(&mut h, "Coding", "Agreement…");
    step_until(&mut h, "the figures", |h| {
        h.query_by_label("Disagreements (3)").is_some()
    });
    // The figures `attune agreement` gives for this clip.
    assert!(h.query_by_label("0.5249").is_some(), "kappa with unmatched");
    assert!(
        h.query_by_label_contains("kappa 0.399").is_some(),
        "time slices"
    );

    // A click lands on the first disagreement; Alt+Right and Alt+Left walk.
    h.get_by_label_contains("00:00:06:18:").click();
    step_until(&mut h, "frame 198", |h| {
        ws(h).frame() == 198 && !ws(h).engine_busy()
    });
    let project = ws(&h).project().clone();
    let selected = ws(&h).selected_moment().unwrap();
    assert_eq!(project.moment(selected).unwrap().start, 198);
    for (key, frame) in [
        (Key::ArrowRight, 570),
        (Key::ArrowRight, 600),
        (Key::ArrowLeft, 570),
    ] {
        h.key_press_modifiers(Modifiers::ALT, key);
        step_until(&mut h, &format!("frame {frame}"), |h| {
            ws(h).frame() == frame && !ws(h).engine_busy()
        });
    }

    // Compare mode: each lane twice, the two coders one above the other.
    h.get_by_label("Compare on the timeline").click();
    step_until(&mut h, "the compared lanes", |h| {
        ws(h)
            .timeline_lanes()
            .iter()
            .any(|(name, _)| name.starts_with("B · "))
    });
    assert!(
        h.query_by_label(&format!("Comparing A {PATEL} with B {OKAFOR}"))
            .is_some()
    );
    let lanes = ws(&h).timeline_lanes();
    assert_eq!(lanes.len() % 2, 0);
    for pair in lanes.chunks(2) {
        assert!(pair[0].0.starts_with("A · "), "{}", pair[0].0);
        assert!(pair[1].0.starts_with("B · "), "{}", pair[1].0);
        for id in &pair[0].1 {
            assert_eq!(project.moment(*id).unwrap().author, PATEL);
        }
        for id in &pair[1].1 {
            assert_eq!(project.moment(*id).unwrap().author, OKAFOR);
        }
    }

    // The report: the figures, no notes, no paths.
    h.get_by_label("Export agreement report…").click();
    step_until(&mut h, "the report", |h| {
        ws(h).status().is_some_and(|s| s.contains("report written"))
    });
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("0.5249"), "{html}");
    for m in project.moments.iter().filter(|m| !m.note.is_empty()) {
        assert!(!html.contains(&m.note), "a note in the report: {}", m.note);
    }
    assert!(!html.contains(dir.path().to_str().unwrap()));
}

#[test]
fn a_colleagues_coding_is_merged_once_as_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let other = copy_supervision(dir.path());
    let path = dir.path().join("sample.attune.json");
    let mut h = harness_with(
        path,
        Dialogs::scripted([vec![other.clone()], vec![other]]),
        dir.path(),
    );
    wait_ready(&mut h);
    let before = ws(&h).project().clone();
    menu_item(&mut h, "Coding", "Merge coding from another project…");
    step_until(&mut h, "the merge", |h| {
        ws(h)
            .status()
            .is_some_and(|s| s.starts_with("Merged 5 moment(s)"))
    });
    let after = ws(&h).project().clone();
    assert_eq!(after.moments.len(), before.moments.len() + 5);
    assert!(after.coders.iter().any(|c| c == OKAFOR));

    menu_item(&mut h, "Coding", "Merge coding from another project…");
    step_until(&mut h, "the second merge", |h| {
        ws(h)
            .status()
            .is_some_and(|s| s.starts_with("Nothing new to merge"))
    });
    assert_eq!(ws(&h).project(), &after);

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    step_until(&mut h, "the undo", |h| ws(h).project() == &before);
}
