//! What a project or media file may say, and what Attune does with files
//! that are not ordinary files: each is refused quickly, with one line that
//! names the file and the problem, and nothing is written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_clips")
}

/// Runs `attune ARGS`, killing it (and failing) if it has not ended within
/// `limit`: a hang is the bug these tests look for.
fn attune_within(limit: Duration, args: &[&std::ffi::OsStr], dir: &Path) -> Output {
    let state = dir.join(".state");
    let child = Command::new(env!("CARGO_BIN_EXE_attune"))
        .args(args)
        .env("XDG_STATE_HOME", &state)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run attune");
    crate::support::output_within(child, limit, &format!("attune {args:?}"))
}

fn attune(args: &[&str], dir: &Path) -> Output {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    attune_within(Duration::from_secs(30), &args, dir)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The sample project and clips in a fresh folder, and its JSON.
fn project_copy() -> (tempfile::TempDir, PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(samples()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let project = dir.path().join("sample.attune.json");
    let json = serde_json::from_slice(&std::fs::read(&project).unwrap()).unwrap();
    (dir, project, json)
}

/// Writes `json` as the project, then asserts that `check` refuses it with
/// a message containing every one of `words`, and that the file is left as
/// written.
fn assert_refused(json: &Value, words: &[&str]) {
    let (dir, project, _) = project_copy();
    let text = serde_json::to_string_pretty(json).unwrap();
    std::fs::write(&project, &text).unwrap();
    let p = project.to_str().unwrap();
    for args in [
        vec!["check", p],
        vec!["export", p, "--reel", "1", "-o", "out.mp4"],
    ] {
        let out = attune(&args, dir.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        for word in words {
            assert!(err.contains(word), "{args:?}: '{word}' not in: {err}");
        }
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains("sample.attune.json"), "names the file: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(&project).unwrap(),
        text,
        "untouched"
    );
    assert!(!dir.path().join("out.mp4").exists());
}

#[test]
fn an_endless_hold_or_title_card_is_refused_by_check_and_export() {
    let (_dir, _, mut json) = project_copy();
    json["reels"][0]["items"][0]["hold"]["duration_ms"] = Value::from(4_294_967_295u32);
    assert_refused(&json, &["freeze frame", "4294967295", "60000"]);
    let (_dir, _, mut json) = project_copy();
    json["reels"][0]["title_card"]["duration_ms"] = Value::from(4_294_967_295u32);
    assert_refused(&json, &["title card", "60000"]);
}

#[test]
fn texts_past_their_limits_are_refused_quickly() {
    let (_dir, _, mut json) = project_copy();
    // 50 MB froze the window for 40 s at 11 GB; now it is a load error.
    json["moments"][0]["caption"] = Value::from("a".repeat(50 * 1024 * 1024));
    let started = Instant::now();
    assert_refused(&json, &["moment 1 caption", "500"]);
    assert!(started.elapsed() < Duration::from_secs(25));
    let (_dir, _, mut json) = project_copy();
    json["moments"][0]["note"] = Value::from("n".repeat(20_001));
    assert_refused(&json, &["moment 1 note", "20000"]);
}

#[test]
fn an_impossible_rotation_or_a_future_consent_date_is_refused() {
    let (_dir, _, mut json) = project_copy();
    json["clips"][0]["media"]["rotation"] = Value::from(45);
    assert_refused(&json, &["rotation 45", "0, 90, 180 or 270"]);
    let (_dir, _, mut json) = project_copy();
    let next_year = chrono::Local::now().date_naive() + chrono::Days::new(400);
    json["clips"][0]["consent"]["teaching"]["given_on"] = Value::from(next_year.to_string());
    assert_refused(&json, &["teaching consent given", "after today"]);
}

#[test]
fn a_moment_past_its_clip_is_refused() {
    let (_dir, _, mut json) = project_copy();
    json["moments"][0]["end"] = Value::from(100_000);
    assert_refused(&json, &["moment 1", "frame 100000"]);
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let (dir, project, _) = project_copy();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(std::fs::read(&project).unwrap());
    std::fs::write(&project, &bytes).unwrap();
    let out = attune(&["check", project.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(attune::store::load(&project).is_ok());
}

#[test]
fn a_missing_file_is_named_once_and_its_cause_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = attune(&["check", "no-such.attune.json"], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(err.matches("no-such.attune.json").count(), 1, "{err}");
    assert!(!err.contains("os error 2): No such"), "said twice: {err}");
    let out = attune(&["probe", "no-such.mp4"], dir.path());
    let err = stderr(&out);
    assert_eq!(err.matches("no-such.mp4").count(), 1, "{err}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_by_every_command_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo_project = dir.path().join("fifo.attune.json");
    let fifo_clip = dir.path().join("fifo.mp4");
    mkfifo(&fifo_project);
    mkfifo(&fifo_clip);
    let zero = dir.path().join("zero.attune.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let zero_clip = dir.path().join("zero.mp4");
    std::os::unix::fs::symlink("/dev/zero", &zero_clip).unwrap();
    let p = |p: &Path| p.to_str().unwrap().to_owned();
    let runs: Vec<Vec<String>> = vec![
        vec!["check".into(), p(&fifo_project)],
        vec!["check".into(), p(&zero)],
        vec![
            "export".into(),
            p(&fifo_project),
            "--reel".into(),
            "1".into(),
            "-o".into(),
            "o.mp4".into(),
        ],
        vec!["probe".into(), p(&fifo_clip)],
        vec!["probe".into(), p(&zero_clip)],
        vec![
            "frame".into(),
            p(&fifo_clip),
            "--frame".into(),
            "1".into(),
            "-o".into(),
            "f.png".into(),
        ],
        vec![
            "frame".into(),
            p(&zero_clip),
            "--frame".into(),
            "1".into(),
            "-o".into(),
            "f.png".into(),
        ],
        vec!["bench".into(), "step".into(), p(&fifo_clip)],
        vec!["bench".into(), "overview".into(), p(&fifo_clip)],
    ];
    for args in runs {
        let os: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
        let started = Instant::now();
        let out = attune_within(Duration::from_secs(20), &os, dir.path());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("pipe") || err.contains("device") || err.contains("regular file"),
            "{args:?}: {err}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
    assert!(!dir.path().join("f.png").exists());
}

#[test]
fn a_project_file_past_the_size_cap_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.attune.json");
    let file = std::fs::File::create(&big).unwrap();
    // Sparse: no disk is used.
    file.set_len(attune::files::MAX_PROJECT_BYTES + 1).unwrap();
    let out = attune(&["check", big.to_str().unwrap()], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("more than"), "{err}");
}

#[test]
fn a_truncated_mp4_is_called_truncated() {
    let dir = tempfile::tempdir().unwrap();
    // A camera writes its index (moov) last: cut before it, the file cannot
    // be opened at all.
    let moov_last = dir.path().join("moov-last.mp4");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(samples().join("bath-no-audio.mp4"))
        .args(["-c", "copy", "-movflags", "-faststart"])
        .arg(&moov_last)
        .status()
        .expect("ffmpeg (installed by scripts/install-deps)");
    assert!(status.success());
    let bytes = std::fs::read(&moov_last).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = attune(&["probe", cut.to_str().unwrap()], dir.path());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("truncated"), "{err}");
    assert!(!err.contains("not a media file"), "{err}");
    // Text that is no video stays "not a media file".
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "just some notes").unwrap();
    let err = stderr(&attune(&["probe", text.to_str().unwrap()], dir.path()));
    assert!(err.contains("not a media file"), "{err}");
}

#[test]
fn bench_step_counts_no_wrong_frame_on_a_late_starting_mpeg_ts_clip() {
    let dir = tempfile::tempdir().unwrap();
    // Camcorders' MPEG-TS streams start their clocks late (here at 10 s).
    let ts = dir.path().join("camcorder.ts");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(samples().join("bath-no-audio.mp4"))
        .args([
            "-c",
            "copy",
            "-bsf:v",
            "h264_mp4toannexb",
            "-output_ts_offset",
            "10",
        ])
        .arg(&ts)
        .status()
        .expect("ffmpeg (installed by scripts/install-deps)");
    assert!(status.success());
    let out = attune_within(
        Duration::from_secs(240),
        &[
            "bench".as_ref(),
            "step".as_ref(),
            ts.as_os_str(),
            "--json".as_ref(),
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["frames_checked"].as_u64().unwrap() > 100, "{report}");
    assert_eq!(report["wrong_frames"], 0, "{report}");
}
