//! `attune annotations export|import` and `attune new` through the real
//! binary: what they write, what they print, and that bad input leaves the
//! project exactly as it was.

use std::path::Path;
use std::process::{Command, Output};

use crate::support;

fn attune(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attune"))
        .args(args)
        .output()
        .expect("run attune")
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(s: &S) -> &std::ffi::OsStr {
    s.as_ref()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn export_csv(project: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        os("annotations"),
        os("export"),
        project.as_os_str(),
        os("--format"),
        os("csv"),
        os("-o"),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(os));
    attune(&args)
}

fn import(project: &Path, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        os("annotations"),
        os("import"),
        project.as_os_str(),
        file.as_os_str(),
    ];
    args.extend(extra.iter().map(os));
    attune(&args)
}

/// (clip, start, end, codes, caption, author) of every moment, sorted.
fn moment_facts(p: &attune::model::Project) -> Vec<(u32, u32, u32, Vec<String>, String, String)> {
    let mut facts: Vec<_> = p
        .moments
        .iter()
        .map(|m| {
            let mut codes: Vec<String> = m
                .codes
                .iter()
                .map(|c| format!("{}/{}", c.codebook, c.item))
                .collect();
            codes.sort();
            (
                m.clip.0,
                m.start,
                m.end,
                codes,
                m.caption.clone(),
                m.author.clone(),
            )
        })
        .collect();
    facts.sort();
    facts
}

#[test]
fn csv_export_has_the_columns_no_notes_and_no_absolute_paths() {
    let (dir, project, loaded) = support::sample_copy();
    let out = dir.path().join("codes.csv");
    let run = export_csv(&project, &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = std::fs::read_to_string(&out).unwrap();
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "clip,file,coder,participant,codebook,category,code,code_name,start_frame,end_frame,start_ms,end_ms,duration_ms,caption"
    );
    let rows: usize = loaded.moments.iter().map(|m| m.codes.len().max(1)).sum();
    assert_eq!(text.lines().count(), rows + 1);
    assert!(
        !text.contains(&*dir.path().to_string_lossy()),
        "no absolute path"
    );
    for m in &loaded.moments {
        assert!(
            !m.note.is_empty() && !text.contains(&m.note),
            "no note without --with-notes"
        );
    }
    // Again, with notes and for Excel: the same file is replaced (Attune wrote it).
    let run = export_csv(&project, &out, &["--with-notes", "--excel"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with("\u{feff}clip,".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.split('\n')
            .next()
            .unwrap()
            .ends_with(",caption,note\r"),
        "CRLF"
    );
    assert!(text.contains(&loaded.moments[0].note));
    // The format may come from the file name alone.
    let plain = dir.path().join("plain.csv");
    let run = attune(&[
        os("annotations"),
        os("export"),
        project.as_os_str(),
        os("-o"),
        plain.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        std::fs::read_to_string(&plain)
            .unwrap()
            .starts_with("clip,file,")
    );
    // Never over the project itself.
    let run = export_csv(&project, &project, &["--force"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("refusing to write over the project file"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn a_csv_export_imports_back_into_the_same_clips_and_codes() {
    let (dir, project, loaded) = support::sample_copy();
    let out = dir.path().join("codes.csv");
    let run = export_csv(&project, &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    // The same clips and codebooks, no moments yet.
    let mut empty = loaded.clone();
    empty.moments.clear();
    empty.reels.clear();
    empty.reviews.clear();
    let fresh = dir.path().join("fresh.attune.json");
    attune::store::save(&fresh, &empty).unwrap();

    let before = std::fs::read(&fresh).unwrap();
    let dry = import(&fresh, &out, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("dry run: nothing was written"),
        "{}",
        stdout(&dry)
    );
    assert!(
        stdout(&dry).contains("moment(s) on clip \"Play on the mat, week 1\""),
        "{}",
        stdout(&dry)
    );
    assert_eq!(
        std::fs::read(&fresh).unwrap(),
        before,
        "a dry run writes nothing"
    );

    let run = import(&fresh, &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let added = format!(
        "added {} moment(s), 0 new code(s), 0 new codebook(s)",
        loaded.moments.len()
    );
    assert!(stdout(&run).contains(&added), "{}", stdout(&run));
    let imported = attune::store::load(&fresh).unwrap();
    assert_eq!(imported.migrated_from, None);
    assert_eq!(moment_facts(&imported.project), moment_facts(&loaded));
    assert!(imported.project.moments.iter().all(|m| m.note.is_empty()));
}

#[test]
fn bad_input_is_one_line_naming_file_and_line_and_the_project_is_untouched() {
    let (dir, project, _) = support::sample_copy();
    let before = std::fs::read(&project).unwrap();
    let cases = [
        (
            "missing.csv",
            "clip,code,start_frame\nx,y,1\n",
            "missing.csv:1: no column \"end_frame\" or \"end_ms\"",
        ),
        (
            "number.csv",
            "file,start_frame,end_frame\nplay-mat-landscape.mp4,1,2\nplay-mat-landscape.mp4,3,four\n",
            "number.csv:3: column \"end_frame\": \"four\" is not a whole number",
        ),
        (
            "past.csv",
            "file,start_frame,end_frame\nplay-mat-landscape.mp4,1,2\nplay-mat-landscape.mp4,3,999999\n",
            "past.csv:3: annotation 2: the end at frame 999999 is past the end of clip",
        ),
        (
            "unknown.csv",
            "file,start_ms,end_ms\nsomewhere-else.mp4,0,1000\n",
            "unknown.csv:2: annotation 1: refers to media \"somewhere-else.mp4\"",
        ),
        (
            "cues.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nYou smiled\n",
            "cues.vtt:3: annotation 1: does not say which clip",
        ),
        (
            "bad.srt",
            "1\n00:00:01,000 -> 00:00:02,000\nHi\n",
            "bad.srt:1: a cue without a time line",
        ),
    ];
    for (name, text, expected) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let run = import(&project, &file, &[]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one line: {err}");
        assert!(
            err.contains(expected),
            "{name}: expected {expected:?} in {err}"
        );
        assert_eq!(
            std::fs::read(&project).unwrap(),
            before,
            "{name}: project untouched"
        );
    }
    assert!(
        !attune::store::backup_path(&project).exists(),
        "no save happened"
    );
    let odd = dir.path().join("codes.txt");
    std::fs::write(&odd, "x").unwrap();
    let run = import(&project, &odd, &[]);
    assert!(
        stderr(&run).contains("cannot tell the format"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn subtitle_cues_become_captioned_moments_on_the_chosen_clip() {
    let (dir, project, loaded) = support::sample_copy();
    let cues = dir.path().join("draft.srt");
    std::fs::write(
        &cues,
        "1\n00:00:01,000 --> 00:00:02,000\nYou waited for her\n\n2\n00:00:03,000 --> 00:00:03,000\nShe smiled\n",
    )
    .unwrap();
    let run = import(
        &project,
        &cues,
        &["--clip", "Play on the mat, week 1", "--coder", "Supervisor"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let after = attune::store::load(&project).unwrap().project;
    assert_eq!(after.moments.len(), loaded.moments.len() + 2);
    let new: Vec<_> = after.moments[loaded.moments.len()..].iter().collect();
    assert_eq!(new[0].caption, "You waited for her");
    assert!(new[0].codes.is_empty());
    assert_eq!(new[0].author, "Supervisor");
    let clip = after
        .clips
        .iter()
        .find(|c| c.name == "Play on the mat, week 1")
        .unwrap();
    use attune::interchange::ClipTimes as _;
    let one_second = attune::interchange::ByRate.frame_of(clip, 1000);
    assert_eq!(u64::from(new[0].start), one_second);
    assert!(new[1].is_point());
    assert!(
        attune::store::backup_path(&project).exists(),
        "saved the app's way, with a backup"
    );
}

#[test]
fn new_makes_a_project_over_clips_and_never_replaces_one() {
    let dir = tempfile::tempdir().unwrap();
    let clips = ["play-mat-landscape.mp4", "bath-no-audio.mp4"];
    for clip in clips {
        std::fs::copy(support::sample_clips().join(clip), dir.path().join(clip)).unwrap();
    }
    let project = dir.path().join("Family B.attune.json");
    let mut args = vec![os("new"), project.as_os_str()];
    let paths: Vec<_> = clips.iter().map(|c| dir.path().join(c)).collect();
    args.extend(paths.iter().map(|p| p.as_os_str()));
    let run = attune(&args);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let p = attune::store::load(&project).unwrap().project;
    assert_eq!(p.title, "Family B");
    assert_eq!(p.clips.len(), 2);
    assert_eq!(
        p.clips[0].path, "play-mat-landscape.mp4",
        "stored relative to the project"
    );
    assert_eq!(
        p.clips[0].fingerprint,
        attune::store::fingerprint(&paths[0]).unwrap()
    );
    assert!(p.clips[1].media.frames > 0);
    assert_eq!(
        p.clips[0].consent,
        attune::model::Consent::default(),
        "no consent assumed"
    );
    assert!(
        !p.codebooks.is_empty(),
        "the bundled codebooks, as in the app"
    );

    let before = std::fs::read(&project).unwrap();
    let again = attune(&[
        os("new"),
        project.as_os_str(),
        paths[0].as_os_str(),
        os("--title"),
        os("Other"),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&project).unwrap(), before);

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a clip").unwrap();
    let other = dir.path().join("other.attune.json");
    let bad = attune(&[os("new"), other.as_os_str(), text.as_os_str()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(!other.exists(), "nothing written");
}

#[test]
fn a_project_open_in_the_app_is_not_imported_into() {
    let (dir, project, _) = support::sample_copy();
    let cues = dir.path().join("draft.vtt");
    std::fs::write(&cues, "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n").unwrap();
    let before = std::fs::read(&project).unwrap();
    // This process holds the lock, as an open app window does.
    let held = attune::store::ProjectLock::acquire(&project).unwrap();
    assert!(matches!(held, attune::store::LockOutcome::Acquired(_)));
    let run = import(&project, &cues, &["--clip", "1"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("is open in Attune by"),
        "{}",
        stderr(&run)
    );
    assert_eq!(std::fs::read(&project).unwrap(), before);
    // A dry run only reads, so it may look while the app has it open.
    let dry = import(&project, &cues, &["--clip", "1", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    drop(held);
    let run = import(&project, &cues, &["--clip", "1"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
}

/// (clip, start, end, codes, caption, author) of one moment.
type Facts = (u32, u32, u32, Vec<String>, String, String);

/// Exports the sample project in `format` (with `extra` arguments), imports
/// the file into a copy with no moments (with `import_extra`), and returns
/// the moments of `clip` before and after.
fn round_trip(
    format: &str,
    extra: &[&str],
    import_extra: &[&str],
    clip: &str,
) -> (Vec<Facts>, Vec<Facts>) {
    let (dir, project, loaded) = support::sample_copy();
    let out = dir.path().join(format!("codes.{format}"));
    let mut args = vec![
        os("annotations"),
        os("export"),
        project.as_os_str(),
        os("--format"),
        os(format),
        os("-o"),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(os));
    let run = attune(&args);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let mut empty = loaded.clone();
    empty.moments.clear();
    empty.reels.clear();
    empty.reviews.clear();
    let fresh = dir.path().join("fresh.attune.json");
    attune::store::save(&fresh, &empty).unwrap();
    let run = import(&fresh, &out, import_extra);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let id = loaded.clips.iter().find(|c| c.name == clip).unwrap().id.0;
    let of_clip = |p: &attune::model::Project| {
        moment_facts(p)
            .into_iter()
            .filter(|f| f.0 == id)
            .collect::<Vec<_>>()
    };
    let imported = attune::store::load(&fresh).unwrap().project;
    (of_clip(&loaded), of_clip(&imported))
}

#[test]
fn an_elan_export_of_one_clip_imports_back_to_the_same_moments() {
    let clip = "Play on the mat, week 1";
    let (before, after) = round_trip("eaf", &["--clip", clip], &["--clip", clip], clip);
    assert!(!before.is_empty());
    assert_eq!(after, before);
}

#[test]
fn a_boris_observation_imports_back_to_the_same_moments() {
    let clip = "Play on the mat, week 1";
    let (before, after) = round_trip(
        "boris",
        &[],
        &[
            "--observation",
            "play-mat-landscape — R. Patel (health visitor)",
            "--clip",
            clip,
        ],
        clip,
    );
    assert!(!before.is_empty());
    assert_eq!(after, before);
}

#[test]
fn an_elan_export_of_a_project_with_several_clips_asks_which() {
    let (dir, project, _) = support::sample_copy();
    let out = dir.path().join("all.eaf");
    let run = attune(&[
        os("annotations"),
        os("export"),
        project.as_os_str(),
        os("-o"),
        out.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("--clip"), "{}", stderr(&run));
    assert!(!out.exists());
}
