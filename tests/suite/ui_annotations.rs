//! Participants and annotations in and out, driven through the real app:
//! setting who a moment is about in the inspector (and by key), undoing it,
//! saving it; File → Import annotations… with its preview and one undo
//! step; File → Export annotations… writing a CSV.

use attune::model::{MomentId, Participant};
use attune::ui::Dialogs;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

use crate::ui_workspace::{copy_samples, harness_with, step_until, wait_ready, ws};

fn participant(
    h: &egui_kittest::Harness<'_, attune::ui::AttuneApp>,
    id: MomentId,
) -> Option<Participant> {
    ws(h).project().moment(id).unwrap().participant.clone()
}

#[test]
fn a_participant_is_set_in_the_inspector_undone_cycled_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let mut h = harness_with(path.clone(), Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);

    h.key_press(Key::ArrowDown);
    step_until(&mut h, "a selected moment", |h| {
        ws(h).selected_moment().is_some()
    });
    let id = ws(&h).selected_moment().unwrap();
    assert_eq!(participant(&h, id), None);

    h.get_by_label("Infant").click();
    step_until(&mut h, "the participant", |h| {
        participant(h, id) == Some(Participant::Infant)
    });

    // Ctrl+Z takes it back; Ctrl+Shift+Z brings it again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    step_until(&mut h, "the undo", |h| participant(h, id).is_none());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    step_until(&mut h, "the redo", |h| {
        participant(h, id) == Some(Participant::Infant)
    });

    // A new name joins the project's people in the same step.
    h.get_by_label("New person").click();
    h.step();
    h.get_by_label("New person").type_text("Nan");
    h.step();
    h.get_by_label("Add person").click();
    step_until(&mut h, "the new person", |h| {
        participant(h, id) == Some(Participant::Person("Nan".into()))
    });
    assert_eq!(ws(&h).project().people, vec!["Nan".to_owned()]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    step_until(&mut h, "the undo", |h| {
        participant(h, id) == Some(Participant::Infant)
    });
    assert!(ws(&h).project().people.is_empty());

    // W cycles: infant → other.
    h.key_press(Key::W);
    step_until(&mut h, "the cycle", |h| {
        participant(h, id) == Some(Participant::Other)
    });

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    step_until(&mut h, "the save", |h| !ws(h).is_dirty());
    let saved = attune::store::load(&path).unwrap().project;
    assert_eq!(
        saved.moment(id).unwrap().participant,
        Some(Participant::Other)
    );
}

fn open_file_menu_item(h: &mut egui_kittest::Harness<'_, attune::ui::AttuneApp>, item: &str) {
    h.get_by_label("File").click();
    step_until(h, "the File menu", |h| h.query_by_label(item).is_some());
    h.get_by_label(item).click();
    h.step();
}

#[test]
fn an_imported_csv_is_previewed_and_added_as_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let csv = dir.path().join("coded.csv");
    std::fs::write(
        &csv,
        "file,code,start_frame,end_frame,caption\n\
         play-mat-landscape.mp4,reach,10,20,You reached\n\
         play-mat-landscape.mp4,smile,30,40,She smiled\n\
         play-mat-landscape.mp4,reach,50,50,\n",
    )
    .unwrap();
    let mut h = harness_with(path, Dialogs::scripted([vec![csv]]), dir.path());
    wait_ready(&mut h);
    let before = ws(&h).project().clone();

    open_file_menu_item(&mut h, "Import annotations…");
    step_until(&mut h, "the preview", |h| {
        h.query_by_label("Moments to add: 3").is_some()
    });
    assert!(h.query_by_label("New codebooks: 1").is_some());
    assert!(
        h.query_by_label_contains("3 moment(s) on clip \"Play on the mat, week 1\"")
            .is_some()
    );
    // Nothing changes until Import.
    assert_eq!(ws(&h).project(), &before);

    h.get_by_label("Import").click();
    step_until(&mut h, "the import", |h| {
        ws(h).project().moments.len() == before.moments.len() + 3
    });
    let added: Vec<_> = ws(&h).project().moments[before.moments.len()..]
        .iter()
        .map(|m| (m.start, m.end, m.caption.clone()))
        .collect();
    assert_eq!(
        added,
        vec![
            (10, 20, "You reached".to_owned()),
            (30, 40, "She smiled".to_owned()),
            (50, 50, String::new()),
        ]
    );
    assert_eq!(ws(&h).project().codebooks.len(), before.codebooks.len() + 1);

    // One undo takes all of it away.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    step_until(&mut h, "the undo", |h| {
        ws(h).project().moments.len() == before.moments.len()
    });
    assert_eq!(ws(&h).project().moments, before.moments);
    assert_eq!(ws(&h).project().codebooks, before.codebooks);
}

#[test]
fn a_bad_file_is_one_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let csv = dir.path().join("number.csv");
    std::fs::write(
        &csv,
        "file,start_frame,end_frame\nplay-mat-landscape.mp4,1,2\nplay-mat-landscape.mp4,3,four\n",
    )
    .unwrap();
    let mut h = harness_with(path, Dialogs::scripted([vec![csv]]), dir.path());
    wait_ready(&mut h);
    let before = ws(&h).project().clone();
    open_file_menu_item(&mut h, "Import annotations…");
    step_until(&mut h, "the error", |h| {
        ws(h).status().is_some_and(|s| s.contains("number.csv:3:"))
    });
    assert!(h.query_by_label_contains("Moments to add").is_none());
    assert_eq!(ws(&h).project(), &before);
    assert!(!ws(&h).is_dirty());
}

#[test]
fn export_writes_a_csv_of_the_moments_without_notes() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let out = dir.path().join("moments.csv");
    let mut h = harness_with(path, Dialogs::scripted([vec![out.clone()]]), dir.path());
    wait_ready(&mut h);

    open_file_menu_item(&mut h, "Export annotations…");
    step_until(&mut h, "the export dialog", |h| {
        h.query_by_label("Include clinical notes").is_some()
    });
    h.get_by_label("Export…").click();
    step_until(&mut h, "the export", |h| {
        ws(h).status().is_some_and(|s| s.contains("exported"))
    });
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "clip,file,coder,participant,codebook,category,code,code_name,start_frame,end_frame,start_ms,end_ms,duration_ms,caption"
        )
    );
    let project = ws(&h).project();
    let rows: usize = project.moments.iter().map(|m| m.codes.len().max(1)).sum();
    assert_eq!(lines.count(), rows, "{text}");
    let moment = &project.moments[0];
    assert!(text.contains(&format!(",{},{},", moment.start, moment.end)));
    for m in &project.moments {
        if !m.note.is_empty() {
            assert!(
                !text.contains(&m.note),
                "a note left the project: {}",
                m.note
            );
        }
    }
    assert!(
        !text.contains(dir.path().to_str().unwrap()),
        "an absolute path"
    );
}

/// Export dialog → `format` → Export…, waiting for the file.
fn export_as(h: &mut egui_kittest::Harness<'_, attune::ui::AttuneApp>, format: &str) {
    open_file_menu_item(h, "Export annotations…");
    step_until(h, "the export dialog", |h| {
        h.query_by_label("Include clinical notes").is_some()
    });
    h.get_by_label(format).click();
    h.step();
    h.get_by_label("Export…").click();
    step_until(h, "the export", |h| {
        ws(h).status().is_some_and(|s| s.contains("exported"))
    });
}

/// The moments of one clip as (start, end, codes, caption), in order.
fn coded(
    project: &attune::model::Project,
    clip: attune::model::ClipId,
) -> Vec<(u32, u32, Vec<attune::model::CodeRef>, String)> {
    let mut v: Vec<_> = project
        .moments
        .iter()
        .filter(|m| m.clip == clip)
        .map(|m| (m.start, m.end, m.codes.clone(), m.caption.clone()))
        .collect();
    v.sort_by_key(|m| (m.0, m.1, format!("{:?}", m.2), m.3.clone()));
    v
}

#[test]
fn elan_out_and_back_in_through_the_app_keeps_every_moment_of_the_clip() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let eaf = dir.path().join("clip.eaf");
    let mut h = harness_with(
        path,
        Dialogs::scripted([vec![eaf.clone()], vec![eaf.clone()]]),
        dir.path(),
    );
    wait_ready(&mut h);
    let before = ws(&h).project().clone();
    let clip = before.clips[0].id;
    let on_clip = coded(&before, clip);
    assert!(!on_clip.is_empty());

    export_as(&mut h, "ELAN (.eaf)");
    let text = std::fs::read_to_string(&eaf).unwrap();
    assert!(text.contains("<ANNOTATION_DOCUMENT"), "{text}");

    open_file_menu_item(&mut h, "Import annotations…");
    let expected = format!("Moments to add: {}", on_clip.len());
    step_until(&mut h, "the ELAN preview", |h| {
        h.query_by_label(&expected).is_some()
    });
    assert!(
        h.query_by_label("New codebooks: 0").is_some(),
        "the codebook is found, not copied"
    );
    h.get_by_label("Import").click();
    step_until(&mut h, "the import", |h| {
        ws(h).project().moments.len() == before.moments.len() + on_clip.len()
    });
    // Every moment of the clip is there twice now: the same frames and codes.
    let after = coded(ws(&h).project(), clip);
    let mut doubled: Vec<_> = on_clip.iter().chain(&on_clip).cloned().collect();
    doubled.sort_by_key(|m| (m.0, m.1, format!("{:?}", m.2), m.3.clone()));
    assert_eq!(after, doubled);
}

#[test]
fn a_boris_import_can_be_credited_to_another_coder() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let boris = dir.path().join("clip.boris");
    let mut h = harness_with(
        path,
        Dialogs::scripted([vec![boris.clone()], vec![boris.clone()]]),
        dir.path(),
    );
    wait_ready(&mut h);
    let before = ws(&h).project().clone();
    let clip = before.clips[0].id;
    let on_clip = coded(&before, clip);

    export_as(&mut h, "BORIS (.boris)");
    open_file_menu_item(&mut h, "Import annotations…");
    let expected = format!("Moments to add: {}", on_clip.len());
    step_until(&mut h, "the BORIS preview", |h| {
        h.query_by_label(&expected).is_some()
    });
    h.get_by_label("Coder").click();
    h.step();
    h.get_by_label("Coder").type_text("Supervisor Ada");
    h.step();
    h.get_by_label("Import").click();
    step_until(&mut h, "the import", |h| {
        ws(h).project().moments.len() == before.moments.len() + on_clip.len()
    });
    let added = &ws(&h).project().moments[before.moments.len()..];
    assert!(
        added.iter().all(|m| m.author == "Supervisor Ada"),
        "{:?}",
        added.iter().map(|m| &m.author).collect::<Vec<_>>()
    );
    let mut frames: Vec<_> = added.iter().map(|m| (m.start, m.end)).collect();
    frames.sort();
    let wanted: Vec<_> = on_clip.iter().map(|m| (m.0, m.1)).collect();
    assert_eq!(frames, wanted);
}
