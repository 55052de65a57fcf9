//! Regression tests for the output guard: no spelling of an output path may
//! write over the project, its own files or a clip; an output may not
//! collide with its own sidecar; an existing file Attune did not write is
//! replaced only with `--force`; a file Attune wrote may be written again.

use crate::support;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use attune::files::Overwrite;
use proptest::prelude::*;

const CLIPS: [&str; 3] = [
    "play-mat-landscape.mp4",
    "feeding-portrait.mp4",
    "bath-no-audio.mp4",
];
const PROJECT: &str = "sample.attune.json";

/// Runs `attune ARGS` in `cwd` with its own ledger (`XDG_STATE_HOME`),
/// failing if it has not ended within two minutes.
fn attune_in(cwd: &Path, state: &Path, args: &[&OsStr]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_attune"))
        .args(args)
        .current_dir(cwd)
        .env("XDG_STATE_HOME", state)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run attune");
    crate::support::output_within(child, Duration::from_secs(120), &format!("attune {args:?}"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit status 1 with exactly one `attune: ` line on stderr; returns it.
fn assert_refused(out: &Output, what: &str) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{what}: stderr: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: one line on stderr: {err}");
    assert!(lines[0].starts_with("attune: "), "{what}: {err}");
    lines[0].to_string()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `attune probe FILE --json`'s frame count.
fn probed_frames(cwd: &Path, state: &Path, file: &Path) -> u64 {
    let out = attune_in(
        cwd,
        state,
        &[OsStr::new("probe"), file.as_os_str(), OsStr::new("--json")],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "probe {}: {}",
        file.display(),
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["frames"].as_u64().expect("probe reports frames")
}

/// A copy of the sample project, its ledger, and the bytes of every file
/// that must never change.
struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    project: PathBuf,
    state: tempfile::TempDir,
    originals: Vec<(PathBuf, Vec<u8>)>,
}

impl Fixture {
    fn new() -> Self {
        let (dir, project, _) = support::sample_copy();
        let path = dir.path().to_path_buf();
        let originals = CLIPS
            .iter()
            .chain([&PROJECT])
            .map(|name| {
                let p = path.join(name);
                let bytes = fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect();
        Self {
            _dir: dir,
            dir: path,
            project,
            state: tempfile::tempdir().unwrap(),
            originals,
        }
    }

    fn clip(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Runs `attune` in the project folder with this fixture's ledger.
    fn run(&self, args: &[&str]) -> Output {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        attune_in(&self.dir, self.state.path(), &args)
    }

    fn export_to(&self, out: &str, force: bool) -> Output {
        let mut args = vec!["export", PROJECT, "--reel", "1", "-o", out];
        if force {
            args.push("--force");
        }
        self.run(&args)
    }

    /// Every clip and the project file are byte-identical to the start, and
    /// the project still loads.
    fn assert_untouched(&self, what: &str) {
        for (path, bytes) in &self.originals {
            let now = fs::read(path).unwrap_or_else(|e| panic!("{what}: {}: {e}", path.display()));
            assert!(
                now == *bytes,
                "{what}: {} was changed ({} bytes, was {})",
                path.display(),
                now.len(),
                bytes.len()
            );
        }
        let loaded = attune::store::load(&self.project)
            .unwrap_or_else(|e| panic!("{what}: the project no longer loads: {e}"));
        assert_eq!(loaded.project.clips.len(), 3, "{what}");
    }
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn export_refuses_to_write_over_a_clip_by_any_spelling() {
    let fx = Fixture::new();
    fs::create_dir(fx.dir.join("sub")).unwrap();
    fs::hard_link(fx.clip(CLIPS[0]), fx.dir.join("hard.mp4")).unwrap();
    let mut spellings = vec![
        CLIPS[0].to_string(),
        format!("./sub/../{}", CLIPS[0]),
        fx.clip(CLIPS[0]).display().to_string(),
        "hard.mp4".to_string(),
    ];
    #[cfg(unix)]
    {
        symlink(CLIPS[0], fx.dir.join("link.mp4"));
        spellings.push("link.mp4".into());
    }
    let before = names_in(&fx.dir);
    for spelling in &spellings {
        for force in [false, true] {
            let what = format!("-o {spelling} (force: {force})");
            let out = fx.export_to(spelling, force);
            let line = assert_refused(&out, &what);
            assert!(
                line.contains(&format!("{spelling}: refusing")),
                "{what}: {line}"
            );
            assert!(line.contains("clip 1 of the project"), "{what}: {line}");
            fx.assert_untouched(&what);
            assert_eq!(names_in(&fx.dir), before, "{what}: nothing was written");
        }
    }
    // The links are still links to the clip.
    assert_eq!(
        fs::read(fx.dir.join("hard.mp4")).unwrap(),
        fs::read(fx.clip(CLIPS[0])).unwrap()
    );
    #[cfg(unix)]
    assert_eq!(
        fs::read_link(fx.dir.join("link.mp4")).unwrap(),
        Path::new(CLIPS[0])
    );
}

#[test]
fn export_refuses_the_project_and_its_own_files() {
    let fx = Fixture::new();
    let spellings = [
        (PROJECT.to_string(), "the project file"),
        (format!("{PROJECT}.bak"), "backup"),
        (format!("{PROJECT}.recovery"), "recovery"),
        (format!("{PROJECT}.lock"), "lock"),
        (format!("./{PROJECT}"), "the project file"),
    ];
    let before = names_in(&fx.dir);
    for (spelling, what_it_is) in &spellings {
        let out = fx.export_to(spelling, true);
        let line = assert_refused(&out, spelling);
        assert!(
            line.contains(&format!("{spelling}: refusing")),
            "{spelling}: {line}"
        );
        assert!(line.contains(what_it_is), "{spelling}: {line}");
        fx.assert_untouched(spelling);
        assert_eq!(names_in(&fx.dir), before, "{spelling}: nothing was written");
    }
    // Also when the backup exists (a saved project), and through a link.
    let bak = fx.dir.join(format!("{PROJECT}.bak"));
    let bak_bytes = b"{\"an\": \"earlier version\"}\n".to_vec();
    fs::write(&bak, &bak_bytes).unwrap();
    #[cfg(unix)]
    symlink(PROJECT, fx.dir.join("project-link.json"));
    let mut more = vec![format!("{PROJECT}.bak")];
    #[cfg(unix)]
    more.push("project-link.json".into());
    for spelling in &more {
        for force in [false, true] {
            let what = format!("-o {spelling} (force: {force})");
            let out = fx.export_to(spelling, force);
            let line = assert_refused(&out, &what);
            assert!(line.contains("refusing"), "{what}: {line}");
            assert_eq!(fs::read(&bak).unwrap(), bak_bytes, "{what}: .bak unchanged");
            fx.assert_untouched(&what);
        }
    }
}

#[test]
fn frame_refuses_to_write_over_the_clip_it_reads() {
    let fx = Fixture::new();
    let before = names_in(&fx.dir);
    for (input, output) in [
        (CLIPS[1].to_string(), CLIPS[1].to_string()),
        (CLIPS[1].to_string(), format!("./{}", CLIPS[1])),
        (
            fx.clip(CLIPS[1]).display().to_string(),
            CLIPS[1].to_string(),
        ),
    ] {
        for force in [false, true] {
            let what = format!("frame {input} -o {output} (force: {force})");
            let mut args = vec!["frame", &input, "--frame", "5", "-o", &output];
            if force {
                args.push("--force");
            }
            let line = assert_refused(&fx.run(&args), &what);
            assert!(
                line.contains(&format!("{output}: refusing")),
                "{what}: {line}"
            );
            fx.assert_untouched(&what);
            assert_eq!(names_in(&fx.dir), before, "{what}");
        }
    }
}

#[test]
fn an_output_may_not_be_its_own_captions() {
    let fx = Fixture::new();
    let before = names_in(&fx.dir);
    for force in [false, true] {
        let out = fx.export_to("out.vtt", force);
        let line = assert_refused(&out, "-o out.vtt");
        assert!(line.contains("out.vtt"), "{line}");
        // Said as a collision with the sidecars, whatever the wording.
        assert!(
            line.contains("twice") || line.contains("captions"),
            "{line}"
        );
        assert!(!fx.dir.join("out.vtt").exists(), "out.vtt was not written");
        assert!(!fx.dir.join("out.chapters.vtt").exists());
        assert_eq!(names_in(&fx.dir), before);
        fx.assert_untouched("-o out.vtt");
    }
}

#[test]
fn a_file_attune_did_not_write_needs_force() {
    let fx = Fixture::new();
    let notes = fx.dir.join("notes.mp4");
    let theirs = b"a colleague's notes, not a video".to_vec();
    fs::write(&notes, &theirs).unwrap();
    let before = names_in(&fx.dir);

    let out = fx.export_to("notes.mp4", false);
    let line = assert_refused(&out, "-o notes.mp4");
    assert!(line.contains("notes.mp4: already exists"), "{line}");
    assert!(line.contains("--force"), "{line}");
    assert_eq!(fs::read(&notes).unwrap(), theirs, "notes.mp4 is unchanged");
    assert_eq!(names_in(&fx.dir), before, "no sidecar was written");

    // A sidecar that exists is protected the same way.
    fs::write(fx.dir.join("other.vtt"), b"someone's captions").unwrap();
    let line = assert_refused(&fx.export_to("other.mp4", false), "-o other.mp4");
    assert!(line.contains("other.vtt: already exists"), "{line}");
    assert!(!fx.dir.join("other.mp4").exists());
    assert_eq!(
        fs::read(fx.dir.join("other.vtt")).unwrap(),
        b"someone's captions"
    );

    let out = fx.export_to("notes.mp4", true);
    assert_eq!(out.status.code(), Some(0), "--force: {}", stderr(&out));
    assert_ne!(fs::read(&notes).unwrap(), theirs);
    assert!(probed_frames(&fx.dir, fx.state.path(), &notes) > 0);
    let captions = fs::read_to_string(fx.dir.join("notes.vtt")).unwrap();
    assert!(captions.starts_with("WEBVTT"), "{captions}");
    let chapters = fs::read_to_string(fx.dir.join("notes.chapters.vtt")).unwrap();
    assert!(chapters.starts_with("WEBVTT"), "{chapters}");
    fx.assert_untouched("--force over notes.mp4");
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    fs::metadata(path).unwrap().ino()
}

#[cfg(unix)]
#[test]
fn exporting_again_to_the_same_output_needs_no_force() {
    let fx = Fixture::new();
    let out_dir = tempfile::tempdir().unwrap();
    let mp4 = out_dir.path().join("reel.mp4");
    let vtt = out_dir.path().join("reel.vtt");
    let mp4_arg = mp4.display().to_string();

    let first = fx.export_to(&mp4_arg, false);
    assert_eq!(first.status.code(), Some(0), "first: {}", stderr(&first));
    let first_inodes = (inode(&mp4), inode(&vtt));
    let second = fx.export_to(&mp4_arg, false);
    assert_eq!(second.status.code(), Some(0), "second: {}", stderr(&second));
    let second_inodes = (inode(&mp4), inode(&vtt));
    assert_ne!(
        first_inodes.0, second_inodes.0,
        "the reel was written again"
    );
    assert_ne!(
        first_inodes.1, second_inodes.1,
        "its captions were written again"
    );
    assert!(probed_frames(&fx.dir, fx.state.path(), &mp4) > 0);

    // It was the ledger that allowed it: with an empty one the same files
    // are someone else's.
    let other_state = tempfile::tempdir().unwrap();
    let arg_strs = ["export", PROJECT, "--reel", "1", "-o", &mp4_arg];
    let args: Vec<&OsStr> = arg_strs.iter().map(OsStr::new).collect();
    let out = attune_in(&fx.dir, other_state.path(), &args);
    let line = assert_refused(&out, "another ledger");
    assert!(line.contains("already exists"), "{line}");
    assert_eq!(
        (inode(&mp4), inode(&vtt)),
        second_inodes,
        "nothing replaced"
    );

    // A file changed by something else since no longer counts as ours.
    let mut edited = fs::read(&vtt).unwrap();
    edited.extend_from_slice(b"\nNOTE edited by hand\n");
    fs::write(&vtt, &edited).unwrap();
    let line = assert_refused(&fx.export_to(&mp4_arg, false), "an edited sidecar");
    assert!(line.contains("reel.vtt: already exists"), "{line}");
    assert_eq!(fs::read(&vtt).unwrap(), edited);
    assert_eq!(inode(&mp4), second_inodes.0);
    fx.assert_untouched("exporting twice");
}

fn stills_in(dir: &Path) -> Vec<String> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.starts_with("still-") && n.ends_with(".png"))
        .collect()
}

#[test]
fn stills_into_the_project_folder_write_only_new_files() {
    let fx = Fixture::new();
    let dir = fx.dir.display().to_string();
    let before = names_in(&fx.dir);
    let out = fx.run(&["stills", PROJECT, "--reel", "1", "-o", &dir]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fx.assert_untouched("stills into the project folder");
    let stills = stills_in(&fx.dir);
    assert!(!stills.is_empty(), "stills were written");
    for name in &stills {
        let img = image::open(fx.dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(img.width() > 0 && img.height() > 0);
    }
    let mut expected = before.clone();
    expected.extend(stills.iter().cloned());
    expected.push("handout.html".into());
    expected.sort();
    assert_eq!(
        names_in(&fx.dir),
        expected,
        "only the stills and handout are new"
    );

    // Again: they are Attune's now.
    let out = fx.run(&["stills", PROJECT, "--reel", "1", "-o", &dir]);
    assert_eq!(out.status.code(), Some(0), "again: {}", stderr(&out));
    assert_eq!(names_in(&fx.dir), expected);
}

#[test]
fn stills_refuse_to_replace_a_file_attune_did_not_write() {
    let fx = Fixture::new();
    let dir = fx.dir.display().to_string();
    let junk = b"not a picture: someone's file".to_vec();
    let still = fx.dir.join("still-01.png");
    fs::write(&still, &junk).unwrap();
    let before = names_in(&fx.dir);

    let out = fx.run(&["stills", PROJECT, "--reel", "1", "-o", &dir]);
    let line = assert_refused(&out, "stills over still-01.png");
    assert!(line.contains("still-01.png: already exists"), "{line}");
    assert_eq!(fs::read(&still).unwrap(), junk);
    assert_eq!(
        names_in(&fx.dir),
        before,
        "no other still was written first"
    );
    fx.assert_untouched("stills refused");

    let out = fx.run(&["stills", PROJECT, "--reel", "1", "-o", &dir, "--force"]);
    assert_eq!(out.status.code(), Some(0), "--force: {}", stderr(&out));
    let img = image::open(&still).expect("still-01.png is a picture now");
    assert!(img.width() > 0);
    fx.assert_untouched("stills --force");
}

// ---------------------------------------------------------------------------
// Random output paths through the library guard and writer.

/// Path segments the property combines. Links are made by [`PropFolder`].
const SEGMENTS: &[&str] = &[
    "play-mat-landscape.mp4",
    "feeding-portrait.mp4",
    "bath-no-audio.mp4",
    "sample.attune.json",
    "sample.attune.json.bak",
    "sample.attune.json.recovery",
    "sample.attune.json.lock",
    ".",
    "..",
    "sub",
    "new.mp4",
    "x.vtt",
    "hard.mp4",
    "clip-link.mp4",
    "abs-link.mp4",
    "chain-link.mp4",
    "tricky-link.mp4",
    "project-link.json",
    "lock-link",
    "recovery-link",
    "inner.mp4",
    "lock-up",
    "sub-link",
    "up",
    // The project folder's own name, for `../l6/CLIP`.
    "l6",
];
/// Folders between the temporary root and the project: more than the most
/// `..` a path can hold, so no write lands outside the root.
const DEPTH: usize = 7;
const MAX_SEGMENTS: usize = 6;

/// A project folder with links of every kind to the protected files.
struct PropFolder {
    _root: tempfile::TempDir,
    dir: PathBuf,
    project_path: PathBuf,
    project: attune::model::Project,
    originals: Vec<(PathBuf, Vec<u8>)>,
    links: Vec<(PathBuf, PathBuf)>,
}

impl PropFolder {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let mut dir = root.path().to_path_buf();
        for i in 0..DEPTH {
            dir.push(format!("l{i}"));
        }
        fs::create_dir_all(dir.join("sub")).unwrap();
        for name in CLIPS.iter().chain([&PROJECT]) {
            fs::copy(support::sample_clips().join(name), dir.join(name)).unwrap();
        }
        let bak = dir.join(format!("{PROJECT}.bak"));
        fs::copy(dir.join(PROJECT), &bak).unwrap();
        fs::hard_link(dir.join(CLIPS[2]), dir.join("hard.mp4")).unwrap();
        let mut links = Vec::new();
        #[cfg(unix)]
        {
            let mut link = |name: &str, target: PathBuf| {
                symlink(&target, dir.join(name));
                links.push((dir.join(name), target));
            };
            link("clip-link.mp4", CLIPS[0].into());
            link("abs-link.mp4", dir.join(CLIPS[1]));
            link("chain-link.mp4", "clip-link.mp4".into());
            link("tricky-link.mp4", format!("sub/../{}", CLIPS[0]).into());
            link("project-link.json", PROJECT.into());
            link("lock-link", format!("{PROJECT}.lock").into());
            link(
                "recovery-link",
                format!("./sub/../{PROJECT}.recovery").into(),
            );
            link("sub/inner.mp4", format!("../{}", CLIPS[1]).into());
            link("sub/lock-up", format!("../{PROJECT}.lock").into());
            link("sub-link", "sub".into());
            link("up", "..".into());
        }
        let project_path = dir.join(PROJECT);
        let project = attune::store::load(&project_path).unwrap().project;
        let originals = CLIPS
            .iter()
            .chain([&PROJECT])
            .map(|name| dir.join(name))
            .chain([bak])
            .map(|p| {
                let bytes = fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect();
        Self {
            _root: root,
            dir,
            project_path,
            project,
            originals,
            links,
        }
    }

    /// `dir` joined with the segments, each maybe behind `./` or `//` and
    /// in upper case; maybe with a trailing slash.
    fn path(&self, segments: &[(usize, u8)], trailing_slash: bool) -> PathBuf {
        let mut text = self.dir.display().to_string();
        for &(index, style) in segments {
            let name = SEGMENTS[index];
            text.push('/');
            if style & 1 != 0 {
                text.push_str("./");
            }
            if style & 2 != 0 {
                text.push('/');
            }
            if style & 4 != 0 {
                text.push_str(&name.to_uppercase());
            } else {
                text.push_str(name);
            }
        }
        if trailing_slash {
            text.push('/');
        }
        PathBuf::from(text)
    }

    fn assert_intact(&self, written: &[PathBuf]) {
        for (path, bytes) in &self.originals {
            let now = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                now == *bytes,
                "{} changed after writing {written:?}",
                path.display()
            );
        }
        for suffix in [".recovery", ".lock"] {
            let p = self.dir.join(format!("{PROJECT}{suffix}"));
            assert!(!p.exists(), "{} was created by {written:?}", p.display());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let hard = fs::metadata(self.dir.join("hard.mp4")).unwrap().ino();
            let clip = fs::metadata(self.dir.join(CLIPS[2])).unwrap().ino();
            assert_eq!(hard, clip, "hard.mp4 replaced by {written:?}");
        }
        for (link, target) in &self.links {
            let now = fs::read_link(link).unwrap_or_else(|e| {
                panic!(
                    "{} is no longer a link ({e}) after {written:?}",
                    link.display()
                )
            });
            assert_eq!(&now, target, "{} after {written:?}", link.display());
        }
    }
}

fn segments() -> impl Strategy<Value = (Vec<(usize, u8)>, bool)> {
    (
        prop::collection::vec((0..SEGMENTS.len(), 0u8..8), 1..=MAX_SEGMENTS),
        prop::bool::weighted(0.1),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_output_paths_never_touch_the_project_or_a_clip(
        paths in prop::collection::vec(segments(), 1..6)
    ) {
        let folder = PropFolder::new();
        let mut written = Vec::new();
        for (segments, trailing_slash) in &paths {
            let path = folder.path(segments, *trailing_slash);
            // Built per write: the files it protects may have been created.
            let guard = attune::store::output_guard(
                &folder.project_path,
                &folder.project,
                Overwrite::Confirmed,
            );
            if guard.check(&path).is_ok() {
                let _ = attune::files::write_file(&path, b"x");
                written.push(path);
            }
            folder.assert_intact(&written);
        }
        // The harness is not vacuous: an ordinary new name is written.
        let fresh = folder.dir.join("sub/fresh.mp4");
        let guard = attune::store::output_guard(
            &folder.project_path,
            &folder.project,
            Overwrite::Confirmed,
        );
        prop_assert!(guard.check(&fresh).is_ok());
        attune::files::write_file(&fresh, b"x").unwrap();
        prop_assert_eq!(fs::read(&fresh).unwrap(), b"x".to_vec());
        folder.assert_intact(&written);
    }
}
