//! Who may read what Attune writes: a saved project keeps its mode (it used
//! to become 0644), new files are private (0600) whatever the umask, and a
//! symlinked project stays a link.
//!
//! The command-line checks run the child with umask 0, so a file created
//! with the default 0666 would show as such; the library checks use several
//! starting modes, which a writer ignoring the old mode could not all keep.

#![cfg(unix)]

use crate::support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// This process's umask as the kernel reports it, for messages.
fn umask_note() -> String {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Umask:"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "Umask: unknown".into())
}

/// Runs `attune ARGS` with umask 0 and its own ledger.
fn attune_umask0(state: &Path, args: &[&OsStr]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_attune"));
    command
        .args(args)
        .env("XDG_STATE_HOME", state)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: umask is async-signal-safe and touches only the child.
    unsafe {
        command.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    let out = command.output().expect("run attune");
    assert_eq!(
        out.status.code(),
        Some(0),
        "attune {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn os<'a>(args: &[&'a str]) -> Vec<&'a OsStr> {
    args.iter().map(|s| OsStr::new(*s)).collect()
}

fn retitled(project_path: &Path, title: &str) -> attune::model::Project {
    let mut project = attune::store::load(project_path).unwrap().project;
    project.title = title.into();
    project
}

#[test]
fn saving_keeps_the_project_files_mode_and_the_backup_no_wider() {
    // 0600 used to become 0644; the others show the mode is kept, not made.
    for start in [0o600, 0o640, 0o604, 0o660] {
        let (_dir, path, _) = support::sample_copy();
        chmod(&path, start);
        let old = fs::read(&path).unwrap();
        let project = retitled(&path, &format!("Saved at {start:o}"));
        attune::store::save(&path, &project).unwrap();
        assert_eq!(
            mode(&path),
            start,
            "a {start:o} project after a save ({})",
            umask_note()
        );
        let loaded = attune::store::load(&path).unwrap().project;
        assert_eq!(loaded.title, format!("Saved at {start:o}"));
        let bak = attune::store::backup_path(&path);
        assert_eq!(
            fs::read(&bak).unwrap(),
            old,
            ".bak holds the previous version"
        );
        let bak_mode = mode(&bak);
        assert_eq!(
            bak_mode & !start,
            0,
            ".bak is {bak_mode:o}, wider than the project's {start:o}"
        );
        // A second save: the .bak now comes from the file the first wrote.
        let again = retitled(&path, "Saved twice");
        attune::store::save(&path, &again).unwrap();
        assert_eq!(mode(&path), start, "a {start:o} project after two saves");
        let bak_mode = mode(&bak);
        assert_eq!(bak_mode & !start, 0, ".bak {bak_mode:o} after two saves");
        if start == 0o600 {
            assert_eq!(bak_mode, 0o600);
        }
    }
}

#[test]
fn a_first_save_and_a_recovery_file_are_private() {
    let (dir, path, project) = support::sample_copy();
    // The project is readable by the group; its recovery file still is not.
    chmod(&path, 0o644);
    attune::store::write_recovery(&path, &project).unwrap();
    let recovery = attune::store::recovery_path(&path);
    assert_eq!(mode(&recovery), 0o600, "{}", umask_note());
    assert_eq!(mode(&path), 0o644, "the project file is untouched");
    let text = fs::read_to_string(&recovery).unwrap();
    assert!(
        text.contains(&project.title),
        "the recovery holds the project"
    );
    // Written again over itself: stays private.
    attune::store::write_recovery(&path, &project).unwrap();
    assert_eq!(mode(&recovery), 0o600);

    let fresh = dir.path().join("new.attune.json");
    attune::store::save(&fresh, &project).unwrap();
    assert_eq!(mode(&fresh), 0o600, "a new project file ({})", umask_note());
    assert!(
        !attune::store::backup_path(&fresh).exists(),
        "no .bak on a first save"
    );
}

#[test]
fn saving_through_a_symlink_keeps_the_link_and_writes_its_target() {
    let (dir, path, _) = support::sample_copy();
    let real_dir = dir.path().join("real");
    fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("family.attune.json");
    fs::rename(&path, &target).unwrap();
    chmod(&target, 0o640);
    let old = fs::read(&target).unwrap();
    let link = dir.path().join("family.attune.json");
    std::os::unix::fs::symlink("real/family.attune.json", &link).unwrap();
    let before: Vec<_> = names(dir.path());

    let project = retitled(&link, "Saved through the link");
    attune::store::save(&link, &project).unwrap();

    let meta = fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is still a link");
    assert_eq!(
        fs::read_link(&link).unwrap(),
        Path::new("real/family.attune.json")
    );
    let saved = attune::store::load(&target).unwrap().project;
    assert_eq!(
        saved.title, "Saved through the link",
        "the target was written"
    );
    assert_eq!(
        attune::store::load(&link).unwrap().project.title,
        "Saved through the link"
    );
    assert_eq!(mode(&target), 0o640, "the target keeps its mode");
    // The backup sits beside the file it backs up, not beside the link.
    let bak = attune::store::backup_path(&target);
    assert_eq!(fs::read(&bak).unwrap(), old);
    assert_eq!(names(dir.path()), before, "nothing new beside the link");
    let mut in_real = names(&real_dir);
    in_real.sort();
    assert_eq!(
        in_real,
        vec!["family.attune.json", "family.attune.json.bak"],
        "no temporary file left"
    );
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_lock_file_is_private() {
    let (_dir, path, _) = support::sample_copy();
    chmod(&path, 0o644);
    let lock = match attune::store::ProjectLock::acquire(&path).unwrap() {
        attune::store::LockOutcome::Acquired(lock) => lock,
        attune::store::LockOutcome::ReadOnly(holder) => panic!("held by {holder}"),
    };
    let lock_path = attune::store::lock_path(&path);
    assert_eq!(lock.path(), lock_path);
    assert_eq!(mode(&lock_path), 0o600, "{}", umask_note());
    let text = fs::read_to_string(&lock_path).unwrap();
    assert!(text.contains(&std::process::id().to_string()), "{text}");
    drop(lock);
    assert!(!lock_path.exists(), "released on drop");
}

#[test]
fn export_outputs_are_private() {
    let (dir, path, _) = support::sample_copy();
    let state = tempfile::tempdir().unwrap();
    let out = dir.path().join("reel.mp4");
    attune_umask0(
        state.path(),
        &[
            OsStr::new("export"),
            path.as_os_str(),
            OsStr::new("--reel"),
            OsStr::new("1"),
            OsStr::new("-o"),
            out.as_os_str(),
        ],
    );
    for file in [
        out.clone(),
        dir.path().join("reel.vtt"),
        dir.path().join("reel.chapters.vtt"),
    ] {
        assert!(fs::metadata(&file).unwrap().len() > 0, "{}", file.display());
        assert_eq!(mode(&file), 0o600, "{} (child umask 0)", file.display());
    }
    // The ledger names which files Attune wrote: private too.
    let written = state.path().join("attune/written");
    assert_eq!(mode(&written) & 0o077, 0, "the ledger folder");
    for entry in fs::read_dir(&written).unwrap() {
        let entry = entry.unwrap().path();
        assert_eq!(mode(&entry), 0o600, "ledger entry {}", entry.display());
    }
}

#[test]
fn stills_and_handout_are_private() {
    let (dir, path, _) = support::sample_copy();
    let state = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("stills");
    attune_umask0(
        state.path(),
        &[
            OsStr::new("stills"),
            path.as_os_str(),
            OsStr::new("--reel"),
            OsStr::new("1"),
            OsStr::new("-o"),
            out_dir.as_os_str(),
        ],
    );
    assert_eq!(mode(&out_dir), 0o700, "the folder it created");
    let files = names(&out_dir);
    assert!(files.contains(&"handout.html".to_string()), "{files:?}");
    assert!(files.iter().any(|n| n.ends_with(".png")), "{files:?}");
    for name in &files {
        assert_eq!(mode(&out_dir.join(name)), 0o600, "{name} (child umask 0)");
    }
}

#[test]
fn a_frame_png_is_private_and_a_replaced_one_keeps_its_mode() {
    let (dir, _path, _) = support::sample_copy();
    let state = tempfile::tempdir().unwrap();
    let clip: PathBuf = dir.path().join("bath-no-audio.mp4");
    let png = dir.path().join("frame.png");
    let mut args: Vec<&OsStr> = vec![OsStr::new("frame"), clip.as_os_str()];
    args.extend(os(&["--frame", "3", "-o"]));
    args.push(png.as_os_str());
    attune_umask0(state.path(), &args);
    assert_eq!(mode(&png), 0o600, "child umask 0");
    assert!(image::open(&png).is_ok(), "a PNG was written");

    // Replacing someone's file (with --force) keeps the mode they chose.
    let theirs = dir.path().join("theirs.png");
    fs::write(&theirs, b"junk").unwrap();
    chmod(&theirs, 0o640);
    let mut args: Vec<&OsStr> = vec![OsStr::new("frame"), clip.as_os_str()];
    args.extend(os(&["--frame", "3", "--force", "-o"]));
    args.push(theirs.as_os_str());
    attune_umask0(state.path(), &args);
    assert_eq!(mode(&theirs), 0o640);
    assert!(image::open(&theirs).is_ok(), "replaced by the PNG");
}
