//! The log never says what a family's project says: a project whose every
//! text field (and every file name) carries a marked string is opened,
//! checked, exported, turned into stills, edited and saved by the real
//! binary at the most detailed level, and no marked string reaches the log.

use crate::support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use attune::model::{ConsentGrant, Project, ReelId, ReviewId, ReviewLog, TitleCard, ViewedItem};

/// Every planted string starts with this, so even part of one is found.
const MARK: &str = "QzLeak";

/// Runs `attune ARGS` with the log at `trace` in `state`.
fn attune(state: &Path, args: &[&OsStr]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_attune"))
        .args(args)
        .env("XDG_STATE_HOME", state)
        .env("ATTUNE_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run attune");
    support::output_within(child, Duration::from_secs(300), &format!("attune {args:?}"))
}

fn ok(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Plants a marked string in every text field, numbering them so a leak
/// says which field it came from; returns what was planted.
fn plant(project: &mut Project) -> Vec<String> {
    let mut planted = Vec::new();
    let mut mark = |field: &str| {
        let text = format!("{MARK}-{field}-{} Sam & Jo", planted.len());
        planted.push(text.clone());
        text
    };
    project.title = mark("title");
    for clip in &mut project.clips {
        clip.name = mark("clip-name");
        for grant in [
            &mut clip.consent.therapy,
            &mut clip.consent.supervision,
            &mut clip.consent.teaching,
        ]
        .into_iter()
        .flatten()
        {
            let ConsentGrant {
                recorded_by,
                withdrawn_recorded_by,
                ..
            } = grant;
            *recorded_by = mark("consent-by");
            if let Some(by) = withdrawn_recorded_by {
                *by = mark("consent-withdrawn-by");
            }
        }
    }
    for codebook in &mut project.codebooks {
        codebook.name = mark("codebook");
        codebook.method = mark("method");
        codebook.description = mark("codebook-description");
        for category in &mut codebook.categories {
            category.name = mark("category");
            for item in &mut category.items {
                item.name = mark("item");
                item.description = mark("item-description");
            }
        }
    }
    for moment in &mut project.moments {
        moment.note = mark("note");
        moment.caption = mark("caption");
        moment.author = mark("author");
    }
    for reel in &mut project.reels {
        reel.name = mark("reel");
        reel.title_card = Some(TitleCard {
            title: mark("reel-title"),
            subtitle: mark("reel-subtitle"),
            duration_ms: 1000,
        });
        for item in &mut reel.items {
            item.caption = Some(mark("item-caption"));
            item.prompt = mark("prompt");
        }
    }
    let reel = &project.reels[0];
    let review = ReviewLog {
        id: ReviewId(1),
        started: project.created,
        reel: reel.id,
        reel_name: mark("review-reel"),
        viewed: vec![ViewedItem {
            position: 1,
            moment: reel.items[0].moment,
            shown_ms: 4000,
        }],
        notes: mark("review-notes"),
        parent_words: mark("parent-words"),
    };
    project.reviews = vec![review];
    planted
}

/// The sample project with marked text, its clips renamed to marked file
/// names, saved under a marked name.
fn marked_project() -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let (dir, sample_path, mut project) = support::sample_copy();
    let mut planted = plant(&mut project);
    for clip in &mut project.clips {
        let name = format!("{MARK}-file-{} Sam.mp4", clip.id.0);
        std::fs::rename(dir.path().join(&clip.path), dir.path().join(&name)).unwrap();
        clip.path = name.clone();
        planted.push(name);
    }
    let name = format!("{MARK}-project Sam.attune.json");
    let path = dir.path().join(&name);
    planted.push(name);
    attune::store::save(&path, &project).unwrap();
    std::fs::remove_file(sample_path).unwrap();
    (dir, path, planted)
}

#[test]
fn no_text_or_file_name_of_a_project_reaches_the_log() {
    let (dir, project, mut planted) = marked_project();
    let state = tempfile::tempdir().unwrap();
    let reel = ReelId(1).0.to_string();
    let p = project.as_os_str();
    let o = OsStr::new;

    ok(&attune(state.path(), &[o("check"), p]), "check");
    let clip = dir.path().join(format!("{MARK}-file-3 Sam.mp4"));
    ok(
        &attune(state.path(), &[o("probe"), clip.as_os_str()]),
        "probe",
    );
    let out = dir.path().join(format!("{MARK}-reel Sam.mp4"));
    let export = [
        o("export"),
        p,
        o("--reel"),
        o(&reel),
        o("-o"),
        out.as_os_str(),
    ];
    ok(&attune(state.path(), &export), "export");
    let stills = dir.path().join(format!("{MARK}-stills Sam"));
    let still = [
        o("stills"),
        p,
        o("--reel"),
        o(&reel),
        o("-o"),
        stills.as_os_str(),
    ];
    ok(&attune(state.path(), &still), "stills");
    let note = format!("{MARK}-edited-note Sam");
    let edit = [o("dev"), o("edit-save"), p, o("--note"), o(&note)];
    ok(&attune(state.path(), &edit), "edit and save");
    let saved = attune::store::load(&project).unwrap().project;
    assert_eq!(saved.moments[0].note, note, "the edit was saved");
    planted.push(note.clone());
    ok(&attune(state.path(), &[o("check"), p]), "check after save");
    // Annotations out (notes included) and back in, and a bad file.
    let csv = dir.path().join(format!("{MARK}-codes Sam.csv"));
    let out_csv = [
        o("annotations"),
        o("export"),
        p,
        o("--format"),
        o("csv"),
        o("--with-notes"),
        o("-o"),
        csv.as_os_str(),
    ];
    ok(&attune(state.path(), &out_csv), "annotations export");
    planted.push(format!("{MARK}-codes Sam.csv"));
    let in_csv = [o("annotations"), o("import"), p, csv.as_os_str()];
    ok(&attune(state.path(), &in_csv), "annotations import");
    let bad = dir.path().join(format!("{MARK}-bad Sam.csv"));
    std::fs::write(
        &bad,
        format!("caption,start_frame,end_frame\n{MARK}-bad-caption Sam,1,{MARK}x\n"),
    )
    .unwrap();
    let failed = attune(
        state.path(),
        &[o("annotations"), o("import"), p, bad.as_os_str()],
    );
    assert_eq!(failed.status.code(), Some(1), "a bad CSV");
    // Errors too: their messages name the file and the reel.
    let missing = dir.path().join(format!("{MARK}-missing Sam.attune.json"));
    let failed = attune(state.path(), &[o("check"), missing.as_os_str()]);
    assert_eq!(failed.status.code(), Some(1), "a missing project");
    let wrong = format!("{MARK}-no-such-reel");
    let no_reel = [
        o("stills"),
        p,
        o("--reel"),
        o(&wrong),
        o("-o"),
        stills.as_os_str(),
    ];
    let failed = attune(state.path(), &no_reel);
    assert_eq!(failed.status.code(), Some(1), "an unknown reel");
    planted.push(wrong.clone());

    let log_path = state.path().join("attune/attune.log");
    let log = std::fs::read_to_string(&log_path).expect("a log file");
    // It did log: each step left its lines.
    for expected in [
        "INFO attune::cli: command check started",
        "INFO attune::cli: command probe started",
        "INFO attune::cli: command export ended with exit code 0",
        "export of reel 1 finished: ",
        "stills of reel 1 finished: 4 still(s)",
        "INFO attune::cli: command dev started",
        "DEBUG attune::store::save: recovery file of project ",
        "INFO attune::store::save: project ",
        "not opened: Read",
        "ERROR attune::cli: command stills failed",
        "annotations exported as csv: ",
        "annotations imported: ",
        "command annotations failed",
    ] {
        assert!(log.contains(expected), "no {expected:?} in the log:\n{log}");
    }
    for text in &planted {
        assert!(
            !log.contains(text.as_str()),
            "{text:?} leaked into the log:\n{log}"
        );
    }
    assert!(
        !log.contains(MARK),
        "part of a planted string leaked:\n{log}"
    );
    let home = dir.path().to_string_lossy();
    assert!(!log.contains(home.as_ref()), "a path leaked:\n{log}");
}
