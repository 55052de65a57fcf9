//! Bad files produce an error state naming the file, never a panic or a
//! hang, and the same engine then opens a good file.

use crate::engine_support;

use std::path::Path;
use std::time::Duration;

use attune::media::engine::PlayerCommand;
use engine_support::*;

fn open_expecting_error(p: &attune::media::engine::Player, path: &Path) -> String {
    let done = p.state().commands_done;
    p.send(PlayerCommand::Open {
        path: path.to_path_buf(),
        display_size: Some((320, 180)),
    });
    assert!(
        p.wait_commands_done(done + 1, Duration::from_secs(20)),
        "{}: open hung",
        path.display()
    );
    let st = p.state();
    assert!(!st.loading);
    let err = st.error.unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    assert!(err.contains(&name), "error should name the file: {err:?}");
    err
}

#[test]
fn each_bad_file_then_a_good_one_in_the_same_engine() {
    let Some(good) = sample("play-mat-landscape.mp4") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let text = dir.path().join("notes-renamed.mp4");
    std::fs::write(&text, "session notes, not a video\n").unwrap_or_else(|e| panic!("{e}"));
    let truncated = dir.path().join("cut-short.mp4");
    let bytes = std::fs::read(&good).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap_or_else(|e| panic!("{e}"));
    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap_or_else(|e| panic!("{e}"));
    let missing = dir.path().join("never-recorded.mp4");
    let audio_only = dir.path().join("voice-only.m4a");
    let made_audio = std::process::Command::new("gst-launch-1.0")
        .args([
            "-q",
            "audiotestsrc",
            "num-buffers=50",
            "!",
            "voaacenc",
            "!",
            "mp4mux",
            "!",
            "filesink",
        ])
        .arg(format!("location={}", audio_only.display()))
        .status()
        .is_ok_and(|s| s.success());

    let p = player(None);
    let mut cases = vec![
        (missing.clone(), "not found"),
        (text.clone(), "not a video"),
        (empty.clone(), "not a video"),
        (dir.path().to_path_buf(), "folder"),
    ];
    if made_audio {
        cases.push((audio_only.clone(), "no video stream"));
    }
    for (bad, expect) in &cases {
        let err = open_expecting_error(&p, bad);
        assert!(err.contains(expect), "{}: {err}", bad.display());
        let f = open(&p, &good, Some((320, 180)));
        assert_code(&f, 0, "good file after a bad one");
        let f = show(&p, PlayerCommand::SeekToFrame(200), 200);
        assert_code(&f, 200, "good file works");
    }
    // A truncated MP4 either fails to open with a message naming it, or
    // opens and fails (bounded) at the frames that are missing.
    let done = p.state().commands_done;
    p.send(PlayerCommand::Open {
        path: truncated.clone(),
        display_size: Some((320, 180)),
    });
    assert!(p.wait_commands_done(done + 1, Duration::from_secs(20)));
    if p.state().error.is_none() {
        p.send(PlayerCommand::SeekToFrame(700));
        assert!(
            p.wait_commands_done(done + 2, Duration::from_secs(30)),
            "hung on a truncated file"
        );
    }
    let f = open(&p, &good, None);
    assert_code(&f, 0, "good file after a truncated one");
}
