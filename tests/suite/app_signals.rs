//! The app itself, stopped by SIGTERM (logout, shutdown, `kill`): it exits
//! with 143 and leaves no lock behind, so the next opening is not read-only.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(unix)]
#[test]
fn sigterm_closes_the_app_and_removes_its_lock() {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("skipped: no display (make test runs the suite under Xvfb)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let project = crate::ui_workspace::copy_samples(dir.path());
    let lock = attune::store::lock_path(&project);
    let mut app = Command::new(env!("CARGO_BIN_EXE_attune"))
        .arg(&project)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !lock.exists() {
        if let Some(status) = app.try_wait().unwrap() {
            let out = app.wait_with_output().unwrap();
            panic!(
                "the app ended early ({status}): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the app never locked the project"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: signalling our own child.
    assert_eq!(unsafe { libc::kill(app.id() as i32, libc::SIGTERM) }, 0);
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = app.try_wait().unwrap() {
            break status;
        }
        if stopped.elapsed() > Duration::from_secs(20) {
            let _ = app.kill();
            panic!("the app did not stop within 20 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(143), "{status}");
    assert!(!lock.exists(), "the lock was removed");
    assert!(
        attune::store::load(&project).is_ok(),
        "the project is intact"
    );
}
