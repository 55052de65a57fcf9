//! `attune agreement` and `attune merge` through the real binary, on the
//! issue's worked example: two coders' moments on one 50 fps clip, where
//! every time of the example falls on a frame (20 ms each).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use attune::model::*;

fn attune(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attune"))
        .args(args)
        .output()
        .expect("run attune")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The example: coder 1 "Trainee Bo", coder 2 "Supervisor Ada",
/// codes A ("waiting") and B ("looking") of VIG, times in ms.
pub fn worked_example() -> Project {
    let created = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let mut project = Project::new("Agreement example", created);
    project.codebooks = bundled().unwrap();
    let vig = &project.codebooks[0];
    // The matrix lists codes in sorted order: A must sort before B.
    let mut ids: Vec<String> = vig.items().map(|(_, i)| i.id.clone()).collect();
    ids.sort();
    let (a, b) = (ids[0].clone(), ids[1].clone());
    project.clips.push(Clip {
        id: ClipId(1),
        name: "Play on the mat".into(),
        path: "mat.mp4".into(),
        fingerprint: Fingerprint {
            size: 4321,
            hash: "5a".repeat(32),
        },
        media: MediaFacts {
            frame_rate: FrameRate::new(50, 1).unwrap(),
            frames: 1000,
            duration_us: 20_000_000,
            width: 640,
            height: 360,
            display_width: 0,
            rotation: 0,
            video_codec: "h264".into(),
            audio_codec: None,
            variable_frame_rate: false,
        },
        consent: Consent::default(),
    });
    let coder1 = [
        (&a, 0, 1000),
        (&b, 2000, 3000),
        (&a, 4000, 5000),
        (&b, 6000, 7000),
        (&a, 8000, 9000),
    ];
    let coder2 = [
        (&a, 100, 1000),
        (&b, 2000, 2500),
        (&b, 4000, 5000),
        (&b, 6000, 7000),
        (&a, 10000, 11000),
    ];
    let mut id = 0;
    for (author, moments) in [("Trainee Bo", &coder1), ("Supervisor Ada", &coder2)] {
        for (code, from, to) in moments {
            id += 1;
            project.moments.push(Moment {
                id: MomentId(id),
                clip: ClipId(1),
                // 20 ms a frame; the moment stops where frame `to / 20` starts.
                start: from / 20,
                end: to / 20 - 1,
                codes: vec![CodeRef::new("vig", (*code).clone())],
                note: "SECRET-NOTE-TEXT".into(),
                caption: String::new(),
                participant: Some(Participant::Parent),
                author: author.into(),
                created,
                modified: created,
            });
        }
    }
    project.coders = vec!["Trainee Bo".into(), "Supervisor Ada".into()];
    project.validate().unwrap();
    project
}

fn saved(dir: &Path, name: &str, project: &Project) -> PathBuf {
    let path = dir.join(name);
    attune::store::save(&path, project).unwrap();
    path
}

#[test]
fn agreement_gives_the_worked_examples_figures() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved(dir.path(), "example.attune.json", &worked_example());
    let p = path.to_str().unwrap();
    let out = attune(&[
        "agreement",
        p,
        "--coders",
        "Trainee Bo,Supervisor Ada",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &json["modified_kappa"];
    let close = |v: &serde_json::Value, want: f64| {
        let got = v.as_f64().unwrap();
        assert!((got - want).abs() < 5e-5, "{got} vs {want}");
    };
    close(&m["raw_agreement"], 0.4);
    close(&m["kappa_ipf"], 0.1652);
    close(&m["kappa_max"], 0.6970);
    close(&m["excluding_unmatched"]["raw_agreement"], 0.6667);
    close(&m["excluding_unmatched"]["kappa"], 0.4);
    close(&m["excluding_unmatched"]["kappa_max"], 0.4);
    assert_eq!(
        m["matrix"]["rows"],
        serde_json::json!([[2, 2, 1], [0, 2, 1], [1, 1, 0]])
    );
    assert_eq!(m["pairs"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["coders"],
        serde_json::json!(["Trainee Bo", "Supervisor Ada"])
    );
    assert!(json["time_slice"]["kappa"].as_f64().unwrap().is_finite());

    // The text form, and the report: figures, no notes, no paths.
    let report = dir.path().join("agreement.html");
    let out = attune(&["agreement", p, "--report", report.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("kappa 0.1652"), "{shown}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("0.1652"), "{html}");
    assert!(!html.contains("SECRET-NOTE-TEXT"));
    assert!(!html.contains(dir.path().to_str().unwrap()));
}

#[test]
fn bad_agreement_requests_are_one_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved(dir.path(), "example.attune.json", &worked_example());
    let p = path.to_str().unwrap();
    let mut one_coder = worked_example();
    one_coder.moments.retain(|m| m.author == "Trainee Bo");
    let lone = saved(dir.path(), "lone.attune.json", &one_coder);
    for (args, says) in [
        (vec!["agreement", p, "--overlap", "0.5"], "51 %"),
        (vec!["agreement", p, "--overlap", "101"], "51 %"),
        (
            vec!["agreement", p, "--interval", "0"],
            "more than 0 seconds",
        ),
        (
            vec!["agreement", p, "--interval", "-1"],
            "more than 0 seconds",
        ),
        (
            vec!["agreement", p, "--coders", "Trainee Bo,Nobody"],
            "Nobody has no moments",
        ),
        (vec!["agreement", p, "--coders", "Trainee Bo"], "two names"),
        (
            vec!["agreement", p, "--method", "vibes"],
            "Unknown agreement method",
        ),
        (vec!["agreement", p, "--codebook", "nope"], "no codebook"),
        (
            vec!["agreement", lone.to_str().unwrap()],
            "needs two coders",
        ),
    ] {
        let out = attune(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: one line: {err}");
        assert!(!err.contains("NaN") && !text(&out.stdout).contains("NaN"));
    }
}

#[test]
fn merge_takes_a_colleagues_pass_once() {
    let dir = tempfile::tempdir().unwrap();
    let example = worked_example();
    let mut mine = example.clone();
    mine.moments.retain(|m| m.author == "Trainee Bo");
    mine.coders = vec!["Trainee Bo".into()];
    // The colleague's copy of the clip has another name, path and id.
    let mut theirs = example.clone();
    theirs.moments.retain(|m| m.author == "Supervisor Ada");
    theirs.clips[0].id = ClipId(4);
    theirs.clips[0].name = "mat (Ada's copy)".into();
    theirs.clips[0].path = "footage/ada/mat-final.mp4".into();
    for m in &mut theirs.moments {
        m.clip = ClipId(4);
    }
    let mine_path = saved(dir.path(), "mine.attune.json", &mine);
    let theirs_path = saved(dir.path(), "theirs.attune.json", &theirs);
    let (m, t) = (mine_path.to_str().unwrap(), theirs_path.to_str().unwrap());

    let dry = attune(&["merge", m, t, "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(
        text(&dry.stdout).contains("5 moment(s) to add by Supervisor Ada"),
        "{}",
        text(&dry.stdout)
    );
    assert_eq!(attune::store::load(&mine_path).unwrap().project, mine);

    let out = attune(&["merge", m, t]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let merged = attune::store::load(&mine_path).unwrap().project;
    assert_eq!(merged.moments.len(), 10);
    assert_eq!(merged.coders, ["Trainee Bo", "Supervisor Ada"]);
    assert!(merged.moments.iter().all(|m| m.clip == ClipId(1)));

    let again = attune(&["merge", m, t]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("nothing new"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(
        attune::store::load(&mine_path)
            .unwrap()
            .project
            .moments
            .len(),
        10
    );

    // And now the two passes can be compared.
    let out = attune(&["agreement", m, "--method", "modified-kappa"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("kappa 0.1652"),
        "{}",
        text(&out.stdout)
    );

    // Footage the project does not hold is refused, the project untouched.
    let mut stranger = theirs.clone();
    stranger.clips[0].fingerprint.hash = "77".repeat(32);
    let stranger_path = saved(dir.path(), "stranger.attune.json", &stranger);
    let out = attune(&["merge", m, stranger_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("none of this project's clips"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        attune::store::load(&mine_path)
            .unwrap()
            .project
            .moments
            .len(),
        10
    );
}
