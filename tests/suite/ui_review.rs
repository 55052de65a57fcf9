//! Shared-review mode driven as a specialist with a presentation clicker
//! would, and the privacy promise: nothing clinical reaches the parent's
//! view, while the presenter view has it.

use std::path::Path;
use std::time::Duration;

use attune::ui::{AttuneApp, Dialogs};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::ui_workspace::{copy_samples, harness_with, step_until, wait_ready, ws};

fn enter_review(h: &mut Harness<'_, AttuneApp>) {
    h.get_by_label("Reels").click();
    step_until(h, "the reel tab", |h| {
        h.query_by_label("Start shared review").is_some()
    });
    h.get_by_label("Start shared review").click();
    step_until(h, "review mode", |h| ws(h).in_review());
    step_until(h, "the first item playing", |h| {
        !ws(h).engine_busy() && h.query_by_label_contains("1 of 4").is_some()
    });
}

fn press(h: &mut Harness<'_, AttuneApp>, key: Key) {
    h.key_press(key);
    h.step();
}

#[test]
fn a_review_is_walked_with_the_clicker_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(copy_samples(dir.path()), Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    enter_review(&mut h);
    // Nothing of the workspace is on the parent's screen.
    assert!(h.query_by_label("All moments").is_none());
    assert!(h.query_by_label("File").is_none());

    press(&mut h, Key::PageDown);
    step_until(&mut h, "item 2", |h| ws(h).review_item() == Some(1));
    assert!(h.query_by_label_contains("2 of 4").is_some());
    press(&mut h, Key::PageUp);
    step_until(&mut h, "item 1 again", |h| ws(h).review_item() == Some(0));
    for n in 1..=3 {
        press(&mut h, Key::PageDown);
        step_until(&mut h, "the next item", |h| ws(h).review_item() == Some(n));
    }
    press(&mut h, Key::PageDown);
    assert_eq!(ws(&h).review_item(), Some(3), "the last item stays put");

    // Pause, step a frame, slow down.
    press(&mut h, Key::Space);
    step_until(&mut h, "the pause", |h| {
        !ws(h).engine_busy() && !ws(h).player_state().playing
    });
    let here = ws(&h).frame();
    press(&mut h, Key::ArrowRight);
    step_until(&mut h, "one frame on", |h| {
        ws(h).frame() == here + 1 && !ws(h).engine_busy()
    });
    press(&mut h, Key::S);
    step_until(&mut h, "half speed", |h| {
        !ws(h).engine_busy() && (ws(h).player_state().rate - 0.5).abs() < 1e-6
    });

    // Blank the screen and bring the picture back.
    assert!(h.query_by_label_contains("Frame").is_some());
    press(&mut h, Key::B);
    step_until(&mut h, "the blank screen", |h| ws(h).review_blanked());
    assert!(
        h.query_by_label_contains("Frame").is_none(),
        "no picture while blank"
    );
    assert!(h.query_by_label_contains("of 4").is_none());
    press(&mut h, Key::B);
    step_until(&mut h, "the picture again", |h| !ws(h).review_blanked());

    // Esc leaves and logs the session; notes written afterwards are kept.
    std::thread::sleep(Duration::from_millis(50));
    press(&mut h, Key::Escape);
    step_until(&mut h, "the workspace", |h| !ws(h).in_review());
    let log = ws(&h).project().reviews.clone();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].reel_name, "First review with Jo");
    let positions: Vec<usize> = log[0].viewed.iter().map(|v| v.position).collect();
    assert_eq!(positions, [1, 2, 3, 4]);
    assert!(log[0].total_ms() > 0);
    step_until(&mut h, "the notes", |h| {
        h.query_by_label("Notes for supervision").is_some()
    });
    h.get_by_label("Notes for supervision").click();
    h.step();
    h.get_by_label("Notes for supervision")
        .type_text("Jo noticed the turn-taking herself");
    h.step();
    h.get_by_label("Save notes").click();
    step_until(&mut h, "the notes saved", |h| {
        ws(h).project().reviews[0].notes == "Jo noticed the turn-taking herself"
    });
}

/// A copy of the sample project in which every clinical note and every
/// code name is a marker that must never reach the parent's view.
fn marked_project(dir: &Path) -> std::path::PathBuf {
    let path = copy_samples(dir);
    let mut project = attune::store::load(&path).unwrap().project;
    for m in &mut project.moments {
        m.note = format!("SECRETNOTE {}", m.id);
    }
    for book in &mut project.codebooks {
        for category in &mut book.categories {
            category.name = format!("SECRETCATEGORY {}", category.id);
            for item in &mut category.items {
                item.name = format!("SECRETCODE {}", item.id);
            }
        }
    }
    attune::store::save(&path, &project).unwrap();
    path
}

#[test]
fn the_parent_view_never_shows_notes_or_codes_but_the_presenter_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = marked_project(dir.path());
    let mut h = harness_with(path, Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    assert!(
        h.query_all_by_label_contains("SECRETCODE").next().is_some(),
        "the workspace does show codes (so the check below can fail)"
    );
    enter_review(&mut h);
    for n in 0..4 {
        if n > 0 {
            press(&mut h, Key::PageDown);
            step_until(&mut h, "the next item", |h| ws(h).review_item() == Some(n));
        }
        h.run_steps(3);
        for marker in [
            "SECRETNOTE",
            "SECRETCODE",
            "SECRETCATEGORY",
            ".mp4",
            "Play on the mat",
        ] {
            assert!(
                h.query_all_by_label_contains(marker).next().is_none(),
                "item {}: the parent's view shows {marker:?}",
                n + 1
            );
        }
        assert!(
            h.query_by_label_contains(&format!("{} of 4", n + 1))
                .is_some()
        );
    }
    // The sample reel's last item has a caption the parent should see.
    let project = ws(&h).project().clone();
    let last = &project.reels[0].items[3];
    let caption = last
        .shown_caption(project.moment(last.moment).unwrap())
        .to_owned();
    assert!(h.query_by_label_contains(&caption[..20]).is_some());
    // Pause on the item's freeze frame so the picture is the same every run.
    press(&mut h, Key::Space);
    press(&mut h, Key::F);
    step_until(&mut h, "the freeze frame", |h| {
        !ws(h).engine_busy() && !ws(h).player_state().playing
    });
    h.remove_cursor();
    h.run_steps(3);
    h.snapshot("review_parent_view");

    // Holding H shows the presenter view, with the note and the codes.
    h.key_down(Key::H);
    h.run_steps(2);
    let note = format!("SECRETNOTE {}", last.moment);
    step_until(&mut h, "the presenter view", |h| {
        h.query_by_label_contains(&note).is_some()
    });
    assert!(h.query_all_by_label_contains("SECRETCODE").next().is_some());
    h.remove_cursor();
    h.run_steps(2);
    h.snapshot("review_presenter_view");
    h.key_up(Key::H);
    step_until(&mut h, "the presenter view to go", |h| {
        h.query_by_label_contains(&note).is_none()
    });
}

#[test]
fn with_its_clips_offline_a_reel_is_reviewed_from_its_rendered_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let out = dir.path().join("first-review.mp4");

    // Render the sample reel in the app; the project remembers the file.
    let mut h = harness_with(
        path.clone(),
        Dialogs::scripted([vec![out.clone()]]),
        dir.path(),
    );
    wait_ready(&mut h);
    h.get_by_label("Reels").click();
    step_until(&mut h, "the reel tab", |h| {
        h.query_by_label("Render reel…").is_some()
    });
    h.get_by_label("Render reel…").click();
    step_until(&mut h, "the render to start", |h| ws(h).job_running());
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    while ws(&h).job_running() {
        assert!(
            std::time::Instant::now() < deadline,
            "the render never ended"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    let rendered = ws(&h).project().reels[0]
        .rendered
        .clone()
        .expect("render recorded");
    assert_eq!(rendered.path, "first-review.mp4");
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    step_until(&mut h, "the save", |h| !ws(h).is_dirty());
    drop(h);

    // The feeding clip moves away: the reel cannot play from its clips.
    std::fs::rename(
        dir.path().join("feeding-portrait.mp4"),
        dir.path().join("moved-away.mp4"),
    )
    .unwrap();
    let mut h = harness_with(path, Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    step_until(&mut h, "the offline clip", |h| {
        !ws(h).offline_clips().is_empty()
    });
    h.get_by_label("Reels").click();
    step_until(&mut h, "the offer", |h| {
        h.query_by_label("Review from the rendered reel instead")
            .is_some()
    });
    // The reason names the clip that moved.
    assert!(
        h.query_all_by_label_contains("moved: Feeding in the armchair")
            .next()
            .is_some()
    );
    h.get_by_label("Review from the rendered reel instead")
        .click();
    step_until(&mut h, "review from the file", |h| {
        ws(h).in_review() && !ws(h).engine_busy() && h.query_by_label_contains("Frame").is_some()
    });
    assert_eq!(ws(&h).player_state().path.as_deref(), Some(out.as_path()));
    assert!(h.query_by_label_contains("of 4").is_none());
    press(&mut h, Key::Escape);
    step_until(&mut h, "the workspace", |h| !ws(h).in_review());
    assert!(
        ws(&h).project().reviews[0]
            .notes
            .contains("rendered reel file")
    );
}

#[test]
fn with_a_second_screen_the_presenter_view_gets_its_own_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(copy_samples(dir.path()), Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    enter_review(&mut h);
    assert!(
        h.query_by_label("Clinical note").is_none(),
        "one screen: hidden"
    );
    // As the app does when the window system reports a laptop and a TV.
    let laptop = egui::Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(1440.0, 900.0));
    let tv = egui::Rect::from_min_size(egui::pos2(1440.0, 0.0), egui::vec2(1920.0, 1080.0));
    let ctx = h.ctx.clone();
    h.state_mut()
        .workspace_mut()
        .unwrap()
        .place_review(&ctx, &[laptop, tv], Some(laptop));
    step_until(&mut h, "the presenter window", |h| {
        h.query_by_label("Clinical note").is_some()
    });
    assert!(ws(&h).in_review());
}
