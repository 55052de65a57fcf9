//! Autosave to the recovery file, media checks and relinking, and migrating
//! a real schema 1 file.

use attune::model::{ConsentUse, Document, Edit, Project};
use attune::store::{
    Autosaver, MediaProblem, check_media, clip_path, find_by_fingerprint, fingerprint, load,
    recovery_if_newer, recovery_path, save,
};
use attune::testing::crash_state;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// Waits for the autosave thread, without sleeping longer than needed.
fn wait_for_write(autosaver: &mut Autosaver, revision: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while autosaver.last_written_revision() != Some(revision) {
        assert!(
            Instant::now() < deadline,
            "autosave never wrote revision {revision}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn autosave_writes_dirty_work_once_per_interval_off_the_caller_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("family.attune.json");
    save(&path, &crash_state(2)).unwrap();
    let interval = Duration::from_millis(40);
    let mut autosaver = Autosaver::with_interval(&path, interval).unwrap();
    let mut doc = Document::new(crash_state(2));
    let start = Instant::now();

    // Clean: nothing to autosave, however long we wait.
    autosaver.tick(&doc, start + interval * 10);
    assert_eq!(autosaver.last_written_revision(), None);

    doc.apply(Edit::SetTitle("first change".into())).unwrap();
    // Dirty but the interval since creation has not passed.
    autosaver.tick(&doc, start);
    assert_eq!(autosaver.last_written_revision(), None);
    let t1 = start + interval;
    autosaver.tick(&doc, t1);
    wait_for_write(&mut autosaver, doc.revision());
    assert_eq!(load(&recovery_path(&path)).unwrap().project, *doc.project());
    assert_eq!(recovery_if_newer(&path), Some(recovery_path(&path)));
    assert_eq!(
        load(&path).unwrap().project,
        crash_state(2),
        "the project is untouched"
    );

    // Same revision: not written again even after the interval.
    fs::remove_file(recovery_path(&path)).unwrap();
    autosaver.tick(&doc, t1 + interval * 3);
    // A new edit, but too soon after the last autosave.
    doc.apply(Edit::SetTitle("second change".into())).unwrap();
    autosaver.tick(&doc, t1 + interval / 2);
    std::thread::sleep(Duration::from_millis(20));
    assert!(
        !recovery_path(&path).exists(),
        "nothing written too early or twice"
    );
    autosaver.tick(&doc, t1 + interval);
    wait_for_write(&mut autosaver, doc.revision());
    assert_eq!(
        load(&recovery_path(&path)).unwrap().project.title,
        "second change"
    );
    assert!(autosaver.drain_errors().is_empty());

    // Undo back to the saved state: clean again, so no autosave.
    doc.undo();
    doc.undo();
    assert!(!doc.is_dirty());
    let before = doc.revision();
    autosaver.tick(&doc, t1 + interval * 20);
    std::thread::sleep(Duration::from_millis(20));
    assert_ne!(autosaver.last_written_revision(), Some(before));

    let stopping = Instant::now();
    drop(autosaver);
    assert!(
        stopping.elapsed() < Duration::from_secs(2),
        "drop stops the thread promptly"
    );
}

#[test]
fn autosave_failures_are_reported_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no such folder").join("family.attune.json");
    let mut autosaver = Autosaver::with_interval(&path, Duration::ZERO).unwrap();
    let mut doc = Document::new(crash_state(1));
    doc.apply(Edit::SetTitle("change".into())).unwrap();
    autosaver.tick(&doc, Instant::now());
    let deadline = Instant::now() + Duration::from_secs(10);
    while autosaver.last_error().is_none() {
        assert!(Instant::now() < deadline, "the failure was never reported");
        std::thread::sleep(Duration::from_millis(2));
    }
    let errors = autosaver.drain_errors();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .to_string()
            .contains("family.attune.json.recovery"),
        "{}",
        errors[0]
    );
    assert!(autosaver.last_error().is_none());
}

// ---- media ----

fn write_clip(path: &Path, len: usize, seed: u8) {
    let bytes: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn project_with_clip(dir: &Path) -> (std::path::PathBuf, Project) {
    let project_path = dir.join("family.attune.json");
    let mut project = crash_state(0);
    project.clips[0].path = "clips/floor play.mp4".into();
    let clip_file = clip_path(&project_path, &project.clips[0]);
    assert_eq!(clip_file, dir.join("clips").join("floor play.mp4"));
    // Larger than head + tail so the middle is not hashed.
    write_clip(&clip_file, 2 * 1024 * 1024 + 4096, 7);
    project.clips[0].fingerprint = fingerprint(&clip_file).unwrap();
    (project_path, project)
}

#[test]
fn missing_and_changed_media_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (project_path, project) = project_with_clip(dir.path());
    assert!(check_media(&project_path, &project).is_empty());
    let clip_file = clip_path(&project_path, &project.clips[0]);

    // Same size, different head: changed.
    let mut bytes = fs::read(&clip_file).unwrap();
    bytes[10] ^= 0xff;
    fs::write(&clip_file, &bytes).unwrap();
    let problems = check_media(&project_path, &project);
    assert!(matches!(
        problems.as_slice(),
        [MediaProblem::Changed { .. }]
    ));
    let text = problems[0].to_string();
    assert!(
        text.contains("'Floor play'") && text.contains("floor play.mp4"),
        "{text}"
    );

    fs::remove_file(&clip_file).unwrap();
    let problems = check_media(&project_path, &project);
    assert!(matches!(
        problems.as_slice(),
        [MediaProblem::Missing { .. }]
    ));
    assert!(
        problems[0].to_string().contains("is missing"),
        "{}",
        problems[0]
    );
}

#[test]
fn a_moved_clip_is_found_by_its_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let (project_path, project) = project_with_clip(dir.path());
    let original = clip_path(&project_path, &project.clips[0]);
    let moved = dir.path().join("archive").join("2026").join("renamed.mp4");
    fs::create_dir_all(moved.parent().unwrap()).unwrap();
    fs::rename(&original, &moved).unwrap();
    // Decoys: same size different content, and different size.
    write_clip(
        &dir.path().join("archive").join("a-decoy.mp4"),
        2 * 1024 * 1024 + 4096,
        9,
    );
    write_clip(&dir.path().join("archive").join("b-small.mp4"), 100, 7);

    let wanted = &project.clips[0].fingerprint;
    assert_eq!(
        find_by_fingerprint(dir.path(), wanted, 2),
        Some(moved.clone())
    );
    assert_eq!(find_by_fingerprint(dir.path(), wanted, 1), None, "too deep");
    assert_eq!(fingerprint(&moved).unwrap(), *wanted);
}

#[test]
fn fingerprints_of_small_files_cover_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    write_clip(&a, 1000, 1);
    let fa = fingerprint(&a).unwrap();
    assert_eq!(fa.size, 1000);
    assert_eq!(fa.hash.len(), 64);
    write_clip(&a, 1000, 2);
    assert_ne!(fingerprint(&a).unwrap(), fa);
    assert!(fingerprint(&dir.path().join("gone")).is_err());
}

// ---- migration ----

#[test]
fn a_schema_1_file_migrates_with_teaching_consent_and_no_reels() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1_project.attune.json");
    let before = fs::read(&path).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.migrated_from, Some(1));
    let p = &loaded.project;
    assert_eq!(p.schema_version, attune::model::SCHEMA_VERSION);
    assert!(p.reels.is_empty());
    assert!(p.reviews.is_empty());
    let teaching = p.clips[0].consent.get(ConsentUse::Teaching).unwrap();
    assert_eq!(teaching.given_on.to_string(), "2025-09-14");
    assert_eq!(teaching.recorded_by, "(migrated from schema 1)");
    assert!(p.clips[0].consent.allows(ConsentUse::Teaching));
    assert!(
        !p.clips[0].consent.allows(ConsentUse::Therapy),
        "no consent is invented"
    );
    assert!(!p.clips[1].consent.allows(ConsentUse::Teaching));
    assert_eq!(p.moments[0].codes[0].item, "waiting");
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "loading never rewrites the file"
    );
    // The migrated project was valid and a Document for it starts dirty.
    assert!(Document::unsaved(p.clone()).is_dirty());

    // Saved again it is a current file that loads without migration.
    let dir = tempfile::tempdir().unwrap();
    let again = dir.path().join("migrated.attune.json");
    save(&again, p).unwrap();
    let reloaded = load(&again).unwrap();
    assert_eq!(reloaded.migrated_from, None);
    assert_eq!(reloaded.project, *p);
}

#[test]
fn a_broken_schema_1_file_names_the_migration_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.attune.json");
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1_project.attune.json"),
    )
    .unwrap()
    .replace(
        "\"consent_teaching\": true",
        "\"consent_teaching\": \"yes\"",
    );
    fs::write(&path, &text).unwrap();
    let message = load(&path).unwrap_err().to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(
        message.contains("schema 1") && message.contains("clips[0].consent_teaching"),
        "{message}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
}
