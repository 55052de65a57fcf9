//! Opening and recovering, driven through egui_kittest and AccessKit as a
//! person would: find the clips and moments, restore autosaved work after a
//! crash and save it, and refuse a broken project without touching it.

use std::path::PathBuf;

use attune::ui::{AppOptions, AttuneApp};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::ui_workspace::{copy_samples, step_until};

fn harness(path: PathBuf) -> Harness<'static, AttuneApp> {
    crate::support::one_app_window_at_a_time();
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .wgpu()
        .build_eframe(move |cc| {
            let cache = std::env::temp_dir().join("attune-test-overview-cache");
            let options = AppOptions {
                cache_dir: Some(cache),
                ..Default::default()
            };
            AttuneApp::new(&cc.egui_ctx, Some(path), options)
        })
}

#[test]
fn opens_the_sample_project_and_lists_clips_and_moments() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(copy_samples(dir.path()));
    step_until(&mut h, "the project", |h| h.state().project().is_some());
    for clip in [
        "Play on the mat, week 1",
        "Feeding in the armchair (phone)",
        "Bath time (no sound)",
    ] {
        assert!(
            h.query_all_by_label_contains(clip).next().is_some(),
            "clip {clip} is listed"
        );
    }
    // The moment list shows every moment with its codes and caption.
    let listed = |h: &Harness<'_, AttuneApp>, text: &str| {
        h.query_all_by_label_contains(text).next().is_some()
    };
    assert!(listed(&h, "Giving and taking short turns"));
    assert!(listed(&h, "You took turns"));
    let project = h.state().project().unwrap();
    let feeding = &project.clips[1];
    let first = project.moments_of(feeding.id)[0].caption.clone();
    assert!(
        listed(&h, &first[..20]),
        "the feeding clip's first caption is listed"
    );
}

#[test]
fn offers_autosaved_work_after_a_crash_and_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let on_disk = attune::store::load(&path).unwrap().project;
    let mut autosaved = on_disk.clone();
    autosaved.title = "Sam and Jo — edited before the crash".into();
    attune::store::write_recovery(&path, &autosaved).unwrap();

    let mut h = harness(path.clone());
    step_until(&mut h, "the recovery offer", |h| {
        h.query_by_label("Restore unsaved work").is_some()
    });
    assert_eq!(
        h.state().project(),
        Some(&on_disk),
        "nothing restored unasked"
    );
    h.get_by_label("Restore unsaved work").click();
    step_until(&mut h, "the restored project", |h| {
        h.state()
            .project()
            .is_some_and(|p| p.title == autosaved.title)
    });
    assert!(h.state().is_dirty(), "restored work is not saved yet");

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    step_until(&mut h, "the save", |h| !h.state().is_dirty());
    let saved = attune::store::load(&path).unwrap().project;
    assert_eq!(saved.title, autosaved.title);
    assert!(
        !attune::store::recovery_path(&path).exists(),
        "the recovery file is gone once its work is saved"
    );
}

#[test]
fn a_project_that_fails_to_load_says_why_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.attune.json");
    std::fs::write(&path, "{ \"schema_version\": 2, \"title\": ").unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut h = harness(path.clone());
    step_until(&mut h, "the error", |h| {
        h.query_by_label("This could not be opened").is_some()
    });
    // The message names the file and where the JSON breaks off.
    let message = h.get_by_label_contains("broken.attune.json:1:");
    assert!(
        format!("{message:?}").contains("not valid JSON"),
        "{message:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn the_could_not_open_screen_offers_a_way_on() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.attune.json");
    std::fs::write(&broken, "{ \"schema_version\": 2, \"title\": ").unwrap();
    let good = copy_samples(dir.path());
    let cache = dir.path().join("cache");
    let mut h = crate::ui_workspace::harness_with(
        broken,
        attune::ui::Dialogs::scripted([vec![good.clone()]]),
        &cache,
    );
    step_until(&mut h, "the error", |h| {
        h.query_by_label("This could not be opened").is_some()
    });
    // The menu bar stays, and so do Quit and Open another….
    assert!(h.query_by_label("File").is_some(), "the menu bar is there");
    assert!(h.query_by_label("Quit").is_some());
    h.get_by_label("Open another…").click();
    step_until(&mut h, "the other project", |h| {
        h.state().project().is_some()
    });
    assert_eq!(
        h.state().project().map(|p| p.title.clone()),
        Some(attune::store::load(&good).unwrap().project.title)
    );
}

#[test]
fn a_long_status_message_never_covers_the_menus() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(copy_samples(dir.path()));
    step_until(&mut h, "the project", |h| h.state().project().is_some());
    let long = format!("Not saved: {}", "a very long reason ".repeat(40));
    h.state_mut().workspace_mut().unwrap().set_status(&long);
    h.run_steps(3);
    let status = h.get_by_label_contains("a very long reason").rect();
    let mut menus = 0;
    for menu in ["File", "Edit", "View", "Help"] {
        for node in h.query_all_by_label(menu) {
            menus += 1;
            let menu = node.rect();
            assert!(
                !status.intersects(menu),
                "the status {status:?} overlaps the {menu:?} menu"
            );
        }
    }
    assert!(menus >= 4, "the menus were found");
    assert!(status.height() < 40.0, "one line: {status:?}");
}

#[test]
fn being_stopped_keeps_unsaved_work_and_releases_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let mut h = harness(path.clone());
    step_until(&mut h, "the project", |h| h.state().project().is_some());
    let lock = attune::store::lock_path(&path);
    assert!(lock.exists(), "the open project is locked");
    let before = h.state().project().unwrap().moments.len();
    // M marks a one-frame moment at the playhead: unsaved work.
    h.key_press(egui::Key::M);
    step_until(&mut h, "the new moment", |h| {
        h.state()
            .project()
            .is_some_and(|p| p.moments.len() == before + 1)
    });
    assert!(h.state().is_dirty());
    h.state_mut().workspace_mut().unwrap().stop_for_signal();
    let recovery = attune::store::recovery_path(&path);
    let kept = attune::store::load(&recovery).unwrap().project;
    assert_eq!(
        kept.moments.len(),
        before + 1,
        "the new moment is in the recovery file"
    );
    assert!(!lock.exists(), "the lock is released");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&recovery).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the recovery file is private");
    }
}
