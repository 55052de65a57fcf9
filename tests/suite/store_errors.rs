//! Bad project files give errors naming the file and the line/column or the
//! missing thing, never a panic, and a file that failed to load stays as it
//! was. Also the lock file and the recovery file.

use attune::model::{Project, SCHEMA_VERSION};
use attune::store::{
    self, LockOutcome, ProjectLock, discard_recovery, load, lock_path, recovery_if_newer,
    recovery_path, save, write_recovery,
};
use attune::testing::crash_state;
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};

/// A valid project with a moment, a code and a reel to break in various ways.
fn good() -> Project {
    crash_state(3)
}

fn good_value() -> Value {
    serde_json::to_value(good()).unwrap()
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap() + "\n"
}

/// Writes `text`, loads it, checks the message names the file and contains
/// every `expected` piece, and that the file was left byte for byte alone.
fn assert_load_fails(name: &str, text: &str, expected: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.attune.json"));
    fs::write(&path, text).unwrap();
    let message = load_error(&path);
    eprintln!("{message}");
    for piece in expected {
        assert!(
            message.contains(piece),
            "{name}: {message:?} should contain {piece:?}"
        );
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        text,
        "{name}: file untouched"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "{name}: nothing written beside it: {leftovers:?}"
    );
    message
}

fn load_error(path: &Path) -> String {
    let err = load(path).expect_err("this file must not load");
    assert_eq!(err.path(), path);
    let message = err.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "the message starts with the file: {message}"
    );
    message
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn not_json() {
    assert_load_fails("not-json", "Family A notes\n", &[":1:1:", "not valid JSON"]);
}

#[test]
fn truncated_json() {
    let text = pretty(&good_value());
    let cut = text[..text.len() / 2].trim_end();
    let lines = cut.lines().count();
    assert_load_fails(
        "truncated",
        cut,
        &[&format!(":{lines}:"), "not valid JSON", "EOF"],
    );
}

#[test]
fn empty_file() {
    assert_load_fails("empty", "", &["the file is empty"]);
    assert_load_fails("blank", "  \n", &["the file is empty"]);
}

#[test]
fn json_that_is_not_an_object() {
    assert_load_fails("array", "[1, 2]\n", &["not an Attune project"]);
}

#[test]
fn wrong_type_for_a_field() {
    let mut v = good_value();
    v["title"] = json!(5);
    let text = pretty(&v);
    let line = line_of(&text, "\"title\": 5");
    assert_load_fails(
        "wrong-type",
        &text,
        &[&format!(":{line}:"), "title", "expected a string"],
    );
}

#[test]
fn negative_frame() {
    let mut v = good_value();
    v["moments"][1]["start"] = json!(-5);
    let text = pretty(&v);
    let line = line_of(&text, "\"start\": -5");
    assert_load_fails(
        "negative-frame",
        &text,
        &[&format!(":{line}:"), "moments[1].start", "-5"],
    );
}

#[test]
fn future_schema_version() {
    let mut v = good_value();
    v["schema_version"] = json!(99);
    assert_load_fails(
        "future",
        &pretty(&v),
        &[&format!(
            "written by a newer Attune (schema 99, this version reads up to {SCHEMA_VERSION})"
        )],
    );
}

#[test]
fn missing_or_nonsense_schema_version() {
    let mut v = good_value();
    v.as_object_mut().unwrap().remove("schema_version");
    assert_load_fails("no-version", &pretty(&v), &["has no schema_version"]);
    v["schema_version"] = json!("two");
    assert_load_fails("text-version", &pretty(&v), &["schema_version", "\"two\""]);
}

#[test]
fn moment_on_a_missing_clip() {
    let mut v = good_value();
    v["moments"][0]["clip"] = json!(42);
    assert_load_fails(
        "missing-clip",
        &pretty(&v),
        &["moment 1 is on clip 42, which is not in the project"],
    );
}

#[test]
fn code_from_a_missing_codebook() {
    let mut v = good_value();
    v["moments"][2]["codes"] = json!([{"codebook": "nbo", "item": "rooting"}]);
    assert_load_fails(
        "missing-codebook",
        &pretty(&v),
        &[
            "moment 3 uses codebook 'nbo', which is not in the project",
            "rooting",
        ],
    );
    v["moments"][2]["codes"] = json!([{"codebook": "crash", "item": "rooting"}]);
    assert_load_fails(
        "missing-item",
        &pretty(&v),
        &["moment 3 uses item 'rooting' of codebook 'crash'"],
    );
}

#[test]
fn moment_past_the_end_of_its_clip() {
    let mut v = good_value();
    v["moments"][0]["end"] = json!(100_000);
    assert_load_fails(
        "past-end",
        &pretty(&v),
        &[
            "moment 1 ends at frame 100000",
            "'Floor play' has only 100000 frames",
        ],
    );
}

#[test]
fn hold_outside_its_item() {
    let mut v = good_value();
    let start = v["moments"][0]["start"].as_u64().unwrap();
    v["reels"][0]["items"][0]["hold"] = json!({"frame": start + 500, "duration_ms": 2000});
    assert_load_fails(
        "hold",
        &pretty(&v),
        &[&format!("reel 1 item 1 holds frame {}", start + 500)],
    );
}

#[test]
fn reel_speed_out_of_range_and_dangling_moment() {
    let mut v = good_value();
    v["reels"][0]["items"][0]["speed_percent"] = json!(150);
    assert_load_fails("speed", &pretty(&v), &["reel 1 item 1 plays at 150% speed"]);
    let mut v = good_value();
    v["reels"][0]["items"][0]["moment"] = json!(77);
    assert_load_fails("dangling", &pretty(&v), &["refers to moment 77"]);
}

#[test]
fn duplicate_ids() {
    let mut v = good_value();
    v["moments"][1]["id"] = json!(1);
    assert_load_fails(
        "duplicate",
        &pretty(&v),
        &["moment id 1 is used by more than one moment"],
    );
    let mut v = good_value();
    let clip = v["clips"][0].clone();
    v["clips"].as_array_mut().unwrap().push(clip);
    assert_load_fails(
        "duplicate-clip",
        &pretty(&v),
        &["clip id 1 is used by more than one clip"],
    );
}

#[test]
fn bad_colour() {
    let mut v = good_value();
    v["codebooks"][0]["categories"][0]["colour"] = json!("teal");
    let text = pretty(&v);
    let line = line_of(&text, "\"teal\"");
    assert_load_fails(
        "colour",
        &text,
        &[
            &format!(":{line}:"),
            "codebooks[0].categories[0].colour",
            "\"#rrggbb\"",
        ],
    );
}

#[test]
fn zero_frame_rate() {
    let mut v = good_value();
    v["clips"][0]["media"]["frame_rate"]["num"] = json!(0);
    assert_load_fails(
        "zero-rate",
        &pretty(&v),
        &["clips[0].media.frame_rate", "frame rate 0/1"],
    );
}

#[test]
fn duplicate_hotkeys_in_a_codebook() {
    let mut v = good_value();
    let mut item = v["codebooks"][0]["categories"][0]["items"][0].clone();
    item["id"] = json!("other");
    v["codebooks"][0]["categories"][0]["items"]
        .as_array_mut()
        .unwrap()
        .push(item);
    assert_load_fails("hotkeys", &pretty(&v), &["codebook 'crash'", "hotkey '1'"]);
}

#[test]
fn a_folder_instead_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("folder.attune.json");
    fs::create_dir(&path).unwrap();
    assert!(load_error(&path).contains("is a folder"));
}

#[test]
fn a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.attune.json");
    assert!(load_error(&path).contains("cannot read"));
    assert!(!path.exists(), "loading never creates the file");
}

#[test]
fn a_good_file_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("good.attune.json");
    save(&path, &good()).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.project, good());
    assert_eq!(loaded.migrated_from, None);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.ends_with("}\n"), "pretty JSON with a trailing newline");
}

#[test]
fn save_keeps_the_previous_version_and_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.attune.json");
    save(&path, &crash_state(1)).unwrap();
    assert!(
        !store::backup_path(&path).exists(),
        "nothing to back up on first save"
    );
    save(&path, &crash_state(2)).unwrap();
    save(&path, &crash_state(3)).unwrap();
    assert_eq!(load(&path).unwrap().project, crash_state(3));
    assert_eq!(
        load(&store::backup_path(&path)).unwrap().project,
        crash_state(2)
    );
    let mut names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["p.attune.json", "p.attune.json.bak"]);
}

#[test]
fn a_failed_save_leaves_the_project_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.attune.json");
    save(&path, &crash_state(1)).unwrap();
    let before = fs::read(&path).unwrap();
    // A folder where the backup must go makes the save fail half-way.
    fs::create_dir(store::backup_path(&path)).unwrap();
    fs::write(store::backup_path(&path).join("x"), "x").unwrap();
    let err = save(&path, &crash_state(2)).unwrap_err();
    assert!(err.to_string().contains(".bak"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
    let temps = fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(temps, 0, "temporary files are cleaned up");
}

// ---- lock ----

fn project_in(dir: &Path) -> PathBuf {
    let path = dir.join("family.attune.json");
    save(&path, &good()).unwrap();
    path
}

fn acquired(outcome: LockOutcome) -> ProjectLock {
    match outcome {
        LockOutcome::Acquired(lock) => lock,
        LockOutcome::ReadOnly(holder) => panic!("expected the lock, but {holder} holds it"),
    }
}

#[test]
fn a_second_opener_gets_read_only_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let path = project_in(dir.path());
    let lock = acquired(ProjectLock::acquire(&path).unwrap());
    assert_eq!(lock.holder().pid, std::process::id());
    match ProjectLock::acquire(&path).unwrap() {
        LockOutcome::ReadOnly(holder) => {
            assert_eq!(&holder, lock.holder());
            let text = holder.to_string();
            assert!(
                text.contains(&format!("(process {})", std::process::id())),
                "{text}"
            );
            assert!(text.contains(" on host "), "{text}");
        }
        LockOutcome::Acquired(_) => panic!("two holders at once"),
    }
    drop(lock);
    assert!(!lock_path(&path).exists(), "released on drop");
    acquired(ProjectLock::acquire(&path).unwrap());
}

#[test]
fn a_lock_from_a_colleague_elsewhere_is_respected() {
    let dir = tempfile::tempdir().unwrap();
    let path = project_in(dir.path());
    fs::write(
        lock_path(&path),
        r#"{"user":"Dr Amani Okafor","host":"clinic-3","pid":4121,"since":"2026-11-22T09:14:00Z"}"#,
    )
    .unwrap();
    match ProjectLock::acquire(&path).unwrap() {
        LockOutcome::ReadOnly(holder) => assert_eq!(
            holder.to_string(),
            "Dr Amani Okafor on host clinic-3 (process 4121) since 2026-11-22 09:14"
        ),
        LockOutcome::Acquired(_) => panic!("took a lock held on another host"),
    }
}

#[test]
fn an_unreadable_lock_counts_as_held_by_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let path = project_in(dir.path());
    fs::write(lock_path(&path), "garbage").unwrap();
    match ProjectLock::acquire(&path).unwrap() {
        LockOutcome::ReadOnly(holder) => assert_eq!(holder.user, "unknown"),
        LockOutcome::Acquired(_) => panic!("took an unreadable lock"),
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_stale_lock_from_a_dead_process_on_this_host_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = project_in(dir.path());
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    let stale = json!({"user": "someone", "host": host, "pid": dead_pid,
                       "since": "2026-01-01T00:00:00Z"});
    fs::write(lock_path(&path), stale.to_string()).unwrap();
    let lock = acquired(ProjectLock::acquire(&path).unwrap());
    assert_eq!(lock.holder().pid, std::process::id());
}

#[test]
fn dropping_a_lock_that_was_taken_over_leaves_the_new_holders_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = project_in(dir.path());
    let ours = acquired(ProjectLock::acquire(&path).unwrap());
    let theirs =
        r#"{"user":"colleague","host":"clinic-9","pid":77,"since":"2026-11-22T10:00:00Z"}"#;
    fs::write(lock_path(&path), theirs).unwrap();
    drop(ours);
    assert_eq!(fs::read_to_string(lock_path(&path)).unwrap(), theirs);
    let again = ProjectLock::take_over(&path).unwrap();
    assert_eq!(again.holder().pid, std::process::id());
}

// ---- recovery ----

#[test]
fn recovery_is_offered_when_newer_and_gone_after_save_and_discard() {
    let dir = tempfile::tempdir().unwrap();
    let path = project_in(dir.path());
    assert_eq!(recovery_if_newer(&path), None);
    let mut unsaved = good();
    unsaved.title = "unsaved work".into();
    write_recovery(&path, &unsaved).unwrap();
    assert_eq!(recovery_if_newer(&path), Some(recovery_path(&path)));
    assert_eq!(load(&recovery_path(&path)).unwrap().project, unsaved);
    assert_eq!(
        load(&path).unwrap().project,
        good(),
        "the project is untouched"
    );
    assert!(!store::backup_path(&path).exists() || load(&store::backup_path(&path)).is_ok());

    save(&path, &unsaved).unwrap();
    assert_eq!(
        recovery_if_newer(&path),
        None,
        "the save holds the same work"
    );
    discard_recovery(&path).unwrap();
    assert!(!recovery_path(&path).exists());
    discard_recovery(&path).unwrap();
}
