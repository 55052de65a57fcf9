//! `attune check PROJECT`: exit 0 only when the project loads and all its
//! media are present and unchanged; every problem named on its own line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_clips")
}

fn check(project: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attune"))
        .arg("check")
        .arg(project)
        .output()
        .expect("run attune")
}

fn copy_project_with(dir: &Path, clips: &[&str]) -> PathBuf {
    for clip in clips {
        std::fs::copy(samples().join(clip), dir.join(clip)).unwrap();
    }
    let project = dir.join("sample.attune.json");
    std::fs::copy(samples().join("sample.attune.json"), &project).unwrap();
    project
}

#[test]
fn the_sample_project_is_all_well() {
    let out = check(&samples().join("sample.attune.json"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("3 clip(s), 11 moment(s), 1 reel(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("all media present and unchanged"),
        "{stdout}"
    );
}

#[test]
fn missing_and_changed_clips_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let project = copy_project_with(
        dir.path(),
        &["play-mat-landscape.mp4", "feeding-portrait.mp4"],
    );
    // Re-encoded or edited since tagging: same name, other bytes.
    let feeding = dir.path().join("feeding-portrait.mp4");
    let mut bytes = std::fs::read(&feeding).unwrap();
    bytes.extend_from_slice(b"trailing bytes from an editor");
    std::fs::write(&feeding, bytes).unwrap();

    let out = check(&project);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let missing = stdout
        .lines()
        .find(|l| l.contains("Bath time (no sound)"))
        .unwrap_or_else(|| panic!("the bath clip is named: {stdout}"));
    assert!(missing.contains("missing") && missing.contains("bath-no-audio.mp4"));
    let changed = stdout
        .lines()
        .find(|l| l.contains("Feeding in the armchair"))
        .unwrap_or_else(|| panic!("the feeding clip is named: {stdout}"));
    assert!(changed.contains("changed"), "{changed}");
    assert!(
        !stdout.contains("Play on the mat"),
        "an intact clip is not reported: {stdout}"
    );
    assert!(stdout.contains("2 media problem(s)"), "{stdout}");
}

#[test]
fn a_malformed_project_fails_with_one_line_and_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("family.attune.json");
    let text = "{\"schema_version\": 2, \"title\": \"Family\", \"clips\": [ {\"id\": \"one\"} ]}";
    std::fs::write(&project, text).unwrap();
    let out = check(&project);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("family.attune.json"), "{stderr}");
    assert!(stderr.contains("clips[0]"), "names the field: {stderr}");
    assert_eq!(std::fs::read_to_string(&project).unwrap(), text);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing written beside it");
}
