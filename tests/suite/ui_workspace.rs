//! The annotation workspace driven through egui_kittest and AccessKit as a
//! specialist would: keys to step and mark, a number key to code, typing a
//! caption, undo/redo, saving and reloading; filtering, switching
//! codebooks, relinking a moved clip; and snapshots of the window.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use attune::model::MomentId;
use attune::ui::{AppOptions, AttuneApp, Dialogs, Workspace};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_clips")
}

/// A private copy of the sample clips and project, so tests may save.
pub fn copy_samples(dir: &Path) -> PathBuf {
    for entry in std::fs::read_dir(sample_dir()).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".mp4") || name == "sample.attune.json" {
            std::fs::copy(entry.path(), dir.join(&*name)).unwrap();
        }
    }
    dir.join("sample.attune.json")
}

pub fn harness_with(path: PathBuf, dialogs: Dialogs, cache: &Path) -> Harness<'static, AttuneApp> {
    harness_sized(path, dialogs, cache, egui::vec2(1440.0, 900.0))
}

/// A taller window shows a whole two-item reel without scrolling.
pub fn harness_sized(
    path: PathBuf,
    dialogs: Dialogs,
    cache: &Path,
    size: egui::Vec2,
) -> Harness<'static, AttuneApp> {
    let options = AppOptions {
        cache_dir: Some(cache.to_path_buf()),
        dialogs,
        fixed_clock: Some("10:30".into()),
        ..Default::default()
    };
    crate::support::one_app_window_at_a_time();
    Harness::builder()
        .with_size(size)
        .wgpu()
        .build_eframe(move |cc| AttuneApp::new(&cc.egui_ctx, Some(path), options))
}

/// Steps the app until `done` holds: opening, decoding and saving happen on
/// other threads, so the UI is polled like a real event loop would.
pub fn step_until(
    h: &mut Harness<'_, AttuneApp>,
    what: &str,
    done: impl Fn(&Harness<'_, AttuneApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(h) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.step();
}

/// Presses or releases the primary button at `pos`, as a mouse would.
fn button(h: &Harness<'_, AttuneApp>, pos: egui::Pos2, pressed: bool) {
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    })
}

pub fn ws<'a>(h: &'a Harness<'_, AttuneApp>) -> &'a Workspace {
    h.state().workspace().expect("a project is open")
}

/// Open, first frame shown, engine idle.
pub fn wait_ready(h: &mut Harness<'_, AttuneApp>) {
    step_until(h, "the project", |h| h.state().workspace().is_some());
    step_until(h, "the first frame", |h| {
        h.query_by_label_contains("Frame 0 of the clip").is_some() && !ws(h).engine_busy()
    });
}

fn press_until_frame(h: &mut Harness<'_, AttuneApp>, mods: Modifiers, key: Key, frame: u32) {
    h.key_press_modifiers(mods, key);
    step_until(h, &format!("frame {frame}"), |h| {
        ws(h).frame() == frame && !ws(h).engine_busy()
    });
}

#[test]
fn a_moment_is_marked_coded_captioned_undone_saved_and_found_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let mut h = harness_with(path.clone(), Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);

    // Arrow keys step one frame; Shift steps ten. The label follows the engine.
    for f in 1..=3 {
        press_until_frame(&mut h, Modifiers::NONE, Key::ArrowRight, f);
    }
    assert!(h.query_by_label_contains("Frame 3 / 719").is_some());
    press_until_frame(&mut h, Modifiers::SHIFT, Key::ArrowRight, 13);
    press_until_frame(&mut h, Modifiers::NONE, Key::ArrowLeft, 12);
    assert!(h.query_by_label_contains("Frame 12 / 719").is_some());

    // I at 12, O at 42, Enter: a span moment, selected.
    h.key_press(Key::I);
    for f in [22, 32, 42] {
        press_until_frame(&mut h, Modifiers::SHIFT, Key::ArrowRight, f);
    }
    h.key_press(Key::O);
    h.key_press(Key::Enter);
    step_until(&mut h, "the new moment", |h| {
        ws(h).selected_moment().is_some()
    });
    let id = ws(&h).selected_moment().unwrap();
    assert_eq!(id, MomentId(12));
    let m = ws(&h).project().moment(id).unwrap().clone();
    assert_eq!((m.start, m.end), (12, 42));
    assert!(m.codes.is_empty());

    // 1 applies the active codebook's item on key 1 (VIG: turning towards).
    h.key_press(Key::Num1);
    step_until(&mut h, "the code", |h| {
        !ws(h).project().moment(id).unwrap().codes.is_empty()
    });
    let m = ws(&h).project().moment(id).unwrap().clone();
    assert_eq!(m.codes[0].codebook, "vig");
    assert_eq!(m.codes[0].item, "turning-towards");

    // A caption typed in the inspector becomes one edit when the field is left.
    h.get_by_label("Caption for the parent").click();
    h.step();
    h.get_by_label("Caption for the parent")
        .type_text("You turned to her");
    h.step();
    h.key_press(Key::Escape);
    step_until(&mut h, "the caption", |h| {
        ws(h).project().moment(id).unwrap().caption == "You turned to her"
    });

    // Undo takes the caption back off; redo puts it back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    step_until(&mut h, "undo", |h| {
        ws(h).project().moment(id).unwrap().caption.is_empty()
    });
    assert_eq!(ws(&h).project().moment(id).unwrap().codes.len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    step_until(&mut h, "redo", |h| {
        ws(h).project().moment(id).unwrap().caption == "You turned to her"
    });

    // Save, then read the file afresh: the moment is there as made.
    assert!(ws(&h).is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    step_until(&mut h, "the save", |h| !ws(h).is_dirty());
    let saved = attune::store::load(&path).unwrap().project;
    let found = saved.moment(id).expect("the moment was saved");
    assert_eq!((found.start, found.end), (12, 42));
    assert_eq!(found.caption, "You turned to her");
    assert_eq!(found.codes.len(), 1);

    // And a new window on the saved file lists it.
    drop(h);
    let mut h = harness_with(path, Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    assert!(h.query_by_label_contains("You turned to her").is_some());
}

#[test]
fn the_moment_list_filters_and_jumps_to_a_moment() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(copy_samples(dir.path()), Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    assert!(h.query_by_label_contains("11 moment(s)").is_some());
    h.get_by_label("Filter").click();
    h.step();
    h.get_by_label("Filter").type_text("rattle");
    step_until(&mut h, "the filter", |h| {
        h.query_by_label_contains("1 moment(s)").is_some()
    });
    // The one left is on the first clip at 570; clicking it lands there.
    h.get_by_label_contains("You both looked at the rattle")
        .click();
    step_until(&mut h, "the jump", |h| {
        ws(h).frame() == 570 && !ws(h).engine_busy()
    });
    assert_eq!(ws(&h).selected_moment(), Some(MomentId(5)));
}

#[test]
fn switching_codebooks_changes_what_number_keys_apply() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(copy_samples(dir.path()), Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    assert_eq!(ws(&h).active_codebook(), Some("vig"));
    h.get_by_label("Active codebook").click();
    step_until(&mut h, "the codebook choices", |h| {
        h.query_by_label("Watch, Wait and Wonder observations")
            .is_some()
    });
    h.get_by_label("Watch, Wait and Wonder observations")
        .click();
    step_until(&mut h, "the switch", |h| {
        ws(h).active_codebook() == Some("www")
    });

    // With nothing selected, a number key marks a point moment with that code.
    h.key_press(Key::Num1);
    step_until(&mut h, "the coded point", |h| {
        ws(h).selected_moment().is_some()
    });
    let id = ws(&h).selected_moment().unwrap();
    let m = ws(&h).project().moment(id).unwrap();
    assert!(m.is_point());
    assert_eq!(m.codes[0].codebook, "www");
}

#[test]
fn a_moved_clip_is_offline_until_relinked_by_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let moved = dir.path().join("footage").join("bath");
    std::fs::create_dir_all(&moved).unwrap();
    std::fs::rename(
        dir.path().join("bath-no-audio.mp4"),
        moved.join("renamed-bath.mp4"),
    )
    .unwrap();
    let dialogs = Dialogs::scripted([vec![dir.path().join("footage")]]);
    let mut h = harness_with(path, dialogs, dir.path());
    wait_ready(&mut h);
    step_until(&mut h, "the offline clip", |h| {
        h.query_by_label("Relink Bath time (no sound)…").is_some()
    });
    let bath = ws(&h).project().clips[2].id;
    assert!(ws(&h).offline_clips().contains(&bath));

    h.get_by_label("Relink Bath time (no sound)…").click();
    step_until(&mut h, "the relink", |h| ws(h).offline_clips().is_empty());
    let clip = &ws(&h).project().clips[2];
    assert_eq!(clip.path, "footage/bath/renamed-bath.mp4");
    assert!(ws(&h).is_dirty(), "the new path is a change to save");
}

#[test]
fn closing_with_unsaved_changes_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(copy_samples(dir.path()), Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    h.key_press(Key::M);
    step_until(&mut h, "a change", |h| ws(h).is_dirty());
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    step_until(&mut h, "the question", |h| {
        h.query_by_label("Save changes before closing?").is_some()
    });
    h.get_by_label("Cancel").click();
    step_until(&mut h, "the question to go", |h| {
        h.query_by_label("Save changes before closing?").is_none()
    });
    assert!(ws(&h).is_dirty(), "nothing was lost or saved unasked");
}

/// Waits until everything drawn asynchronously has arrived, so a snapshot
/// shows the same picture every run.
fn settle(h: &mut Harness<'_, AttuneApp>) {
    wait_ready(h);
    step_until(h, "the clip thumbnails", |h| {
        h.query_all_by_label_contains("Thumbnail of").count() == 3
    });
    step_until(h, "the filmstrip and waveform", |h| ws(h).overview_ready());
    h.remove_cursor();
    for _ in 0..5 {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    h.step();
}

#[test]
fn snapshots_of_the_workspace_light_dark_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(copy_samples(dir.path()), Dialogs::scripted([]), dir.path());
    h.ctx.set_theme(egui::Theme::Light);
    settle(&mut h);
    h.snapshot("workspace_light");

    h.ctx.set_theme(egui::Theme::Dark);
    settle(&mut h);
    h.snapshot("workspace_dark");

    h.key_press(Key::F1);
    step_until(&mut h, "the help", |h| {
        h.query_by_label("Keyboard shortcuts").is_some()
    });
    h.snapshot("help_overlay");
    h.key_press(Key::Escape);
    step_until(&mut h, "the help to close", |h| {
        h.query_by_label("Keyboard shortcuts").is_none()
    });
}

#[test]
fn codebooks_are_imported_and_exported_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    // A service's own codebook, sharing its id with a bundled one.
    let mut own: attune::model::Codebook = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/codebooks/www.json"),
        )
        .unwrap(),
    )
    .unwrap();
    own.name = "Our WWW adaptation".into();
    let import = dir.path().join("ours.json");
    std::fs::write(&import, serde_json::to_string(&own).unwrap()).unwrap();
    let export = dir.path().join("exported.json");
    let dialogs = Dialogs::scripted([vec![import], vec![export.clone()]]);
    let mut h = harness_with(path, dialogs, dir.path());
    wait_ready(&mut h);

    h.get_by_label("Codebooks").click();
    step_until(&mut h, "the menu", |h| {
        h.query_by_label("Import codebook…").is_some()
    });
    h.get_by_label("Import codebook…").click();
    step_until(&mut h, "the import", |h| {
        ws(h).project().codebook("www-2").is_some()
    });
    // Imported under a new id: moments coded with the bundled one keep theirs.
    assert_eq!(ws(&h).project().codebook("www-2").unwrap().name, own.name);
    assert_eq!(ws(&h).active_codebook(), Some("www-2"));

    // Export the active one from the editor and read it back.
    h.get_by_label("Codebooks").click();
    step_until(&mut h, "the menu", |h| {
        h.query_by_label("Edit codebooks…").is_some()
    });
    h.get_by_label("Edit codebooks…").click();
    step_until(&mut h, "the editor", |h| {
        h.query_by_label("Export…").is_some()
    });
    h.get_by_label("Export…").click();
    step_until(&mut h, "the export", |h| {
        let _ = h;
        export.exists()
    });
    let written: attune::model::Codebook =
        serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    assert_eq!(&written, ws(&h).project().codebook("www-2").unwrap());
}

/// A file dropped on the window, as the windowing layer hands it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_video_file_adds_it_as_a_clip_without_consent() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let extra = dir.path().join("second-bath.mp4");
    std::fs::copy(dir.path().join("bath-no-audio.mp4"), &extra).unwrap();
    let mut h = harness_with(path, Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(extra)));
    step_until(&mut h, "the new clip", |h| ws(h).project().clips.len() == 4);
    let clip = &ws(&h).project().clips[3];
    assert_eq!(clip.name, "second-bath");
    assert_eq!(
        clip.path, "second-bath.mp4",
        "stored relative to the project"
    );
    assert_eq!(clip.media.frames, 180);
    assert!(
        !clip.consent.allows(attune::model::ConsentUse::Therapy),
        "no consent is assumed for new footage"
    );
    step_until(&mut h, "its entry in the clip list", |h| {
        h.query_all_by_label_contains("second-bath")
            .next()
            .is_some()
    });
}

#[test]
fn a_reel_is_built_from_moments_previewed_and_rendered_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_samples(dir.path());
    let out = dir.path().join("made-in-the-app.mp4");
    let still = dir.path().join("frame.png");
    let dialogs = Dialogs::scripted([vec![still.clone()], vec![out.clone()]]);
    let mut h = harness_sized(path, dialogs, dir.path(), egui::vec2(1440.0, 1500.0));
    wait_ready(&mut h);

    // A still of the frame on screen, at full size.
    press_until_frame(&mut h, Modifiers::SHIFT, Key::ArrowRight, 10);
    h.get_by_label("Save still…").click();
    step_until(&mut h, "the still", |h| {
        !ws(h).job_running() && still.exists()
    });
    let img = image::open(&still).unwrap().to_rgba8();
    assert_eq!((img.width(), img.height()), (640, 360));
    assert_eq!(attune::frame_code::read(&img), Some(10));

    // Select two moments and add them to a new reel.
    h.get_by_label("Reels").click();
    step_until(&mut h, "the reel tab", |h| {
        h.query_by_label("New reel").is_some()
    });
    h.get_by_label("New reel").click();
    step_until(&mut h, "the new reel", |h| ws(h).project().reels.len() == 2);
    for (n, caption) in ["You smiled and nodded", "You took turns"]
        .iter()
        .enumerate()
    {
        h.get_by_label_contains(caption).click();
        step_until(&mut h, "the selection", |h| {
            ws(h).selected_moment().is_some()
        });
        h.get_by_label("Add selected moment").click();
        // The reel grows, which moves the list below it: wait for the layout.
        step_until(&mut h, "the item", |h| {
            ws(h).project().reels[1].items.len() == n + 1
        });
        h.run_steps(2);
    }
    step_until(&mut h, "two items", |h| {
        ws(h).project().reels[1].items.len() == 2
    });
    let reel = ws(&h).project().reels[1].clone();
    assert_eq!(reel.items[0].moment, MomentId(2));
    assert_eq!(reel.items[1].moment, MomentId(3));

    // Reorder with the buttons (dragging the number does the same).
    // The second item's "Move up" (the first item's is disabled).
    h.get_all_by_label("Move up").nth(1).unwrap().click();
    step_until(&mut h, "the reorder", |h| {
        ws(h).project().reels[1].items[0].moment == MomentId(3)
    });
    // Dragging item 2's number onto item 1 swaps them back.
    let from = h.get_by_label("2.").rect().center();
    let to = h.get_by_label("1.").rect().center();
    h.hover_at(from);
    h.step();
    button(&h, from, true);
    h.step();
    for t in [0.2, 0.4, 0.6, 0.8, 1.0] {
        h.hover_at(from + (to - from) * t);
        h.step();
    }
    button(&h, to, false);
    step_until(&mut h, "the drag reorder", |h| {
        ws(h).project().reels[1].items[0].moment == MomentId(2)
    });
    h.get_all_by_label("Move up").nth(1).unwrap().click();
    step_until(&mut h, "the order for the rest of the test", |h| {
        ws(h).project().reels[1].items[0].moment == MomentId(3)
    });

    // A caption written for this reel replaces the moment's own in it.
    h.get_by_label("Caption for item 1").click();
    h.step();
    h.get_by_label("Caption for item 1")
        .type_text("Turn after turn");
    h.step();
    h.key_press(Key::Escape);
    step_until(&mut h, "the caption override", |h| {
        ws(h).project().reels[1].items[0].caption.as_deref() == Some("Turn after turn")
    });

    // Preview plays both items from the source clips and ends by itself.
    h.get_by_label("Preview reel").click();
    step_until(&mut h, "the preview to start", |h| ws(h).previewing());
    assert!(
        h.query_by_label_contains("Previewing item 1 of 2")
            .is_some()
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while ws(&h).previewing() {
        assert!(Instant::now() < deadline, "the preview never ended");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        ws(&h).frame(),
        191,
        "the preview ends on the last item's last frame"
    );

    // Render: progress, then a file that decodes.
    h.get_by_label("Render reel…").click();
    step_until(&mut h, "the render to start", |h| ws(h).job_running());
    let deadline = Instant::now() + Duration::from_secs(120);
    while ws(&h).job_running() {
        assert!(Instant::now() < deadline, "the render never ended");
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        ws(&h)
            .status()
            .is_some_and(|s| s.starts_with("Reel written")),
        "{:?}",
        ws(&h).status()
    );
    let captions = std::fs::read_to_string(out.with_extension("vtt")).unwrap();
    assert!(captions.contains("Turn after turn"), "{captions}");
    assert!(
        !captions.contains("You took turns"),
        "the override replaces it"
    );
    let probed = attune::media::probe::probe(&out).unwrap();
    // 192 + 60 source frames at 30 fps, rendered at 25 fps.
    assert_eq!(probed.frames, 210);
}

#[test]
fn dragging_a_moments_edge_on_the_timeline_trims_it_as_one_undo_step() {
    use attune::testing::timeline::{
        self, TimelineIndex, TimelineLayout, TimelineView, frame_to_x,
    };
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_with(copy_samples(dir.path()), Dialogs::scripted([]), dir.path());
    wait_ready(&mut h);
    let project = ws(&h).project().clone();
    let index = TimelineIndex::build(&project, project.clips[0].id, project.codebook("vig"));
    let lane = index
        .lanes()
        .iter()
        .position(|l| l.spans().iter().any(|s| s.moment == MomentId(1)))
        .unwrap();
    let layout = TimelineLayout::new(h.get_by_label(timeline::LABEL).rect(), index.lanes().len());
    let view = TimelineView::default();
    let y = layout.lanes[lane].center().y;
    // Moment 1 covers frames 0..=134: its right edge is the boundary at 135.
    let edge = egui::pos2(frame_to_x(&view, layout.track, 135.0), y);
    let target = egui::pos2(frame_to_x(&view, layout.track, 165.0), y);
    h.hover_at(edge);
    h.step();
    button(&h, edge, true);
    h.step();
    for t in [0.25, 0.5, 0.75, 1.0] {
        h.hover_at(egui::pos2(edge.x + (target.x - edge.x) * t, y));
        h.step();
    }
    button(&h, target, false);
    step_until(&mut h, "the trim", |h| {
        ws(h).project().moment(MomentId(1)).unwrap().end != 134
    });
    // At whole-clip zoom a point is about a frame and the drag starts past
    // egui's drag threshold, so the pointer lands within a few frames; the
    // widget test pins exact snapping when zoomed in.
    let trimmed = ws(&h).project().moment(MomentId(1)).unwrap().clone();
    assert!((161..=168).contains(&trimmed.end), "end {}", trimmed.end);
    assert_eq!(trimmed.start, 0);
    // The viewer followed the edge while dragging and shows where it ended.
    step_until(&mut h, "the viewer on the edge", |h| {
        ws(h).frame() == trimmed.end && !ws(h).engine_busy()
    });
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    step_until(&mut h, "undo", |h| {
        ws(h).project().moment(MomentId(1)).unwrap().end == 134
    });
}
