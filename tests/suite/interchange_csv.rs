//! CSV in and out without the binary: any project's moments survive
//! project → CSV → project (clip, frames, codes, participant, coder,
//! caption, and notes when asked for), with times in frames or in ms only;
//! bad rows are refused naming the line; 10,000 rows are timed.

use std::path::Path;

use attune::interchange::{
    ByRate, ExportScope, ImportTarget, csv, export_rows, plan_import, portable_path,
};
use attune::model::*;
use proptest::prelude::*;

use super::model_props::{project, time};

/// What a CSV row can say about a moment, for comparing as a multiset.
type RowFacts = (
    u32,
    u32,
    u32,
    Option<(String, String)>,
    String,
    String,
    String,
    String,
);

fn row_facts(project: &Project, with_notes: bool) -> Vec<RowFacts> {
    let mut facts = Vec::new();
    for m in &project.moments {
        let note = if with_notes {
            m.note.clone()
        } else {
            String::new()
        };
        let each = |code: Option<&CodeRef>| {
            (
                m.clip.0,
                m.start,
                m.end,
                code.map(|c| (c.codebook.clone(), c.item.clone())),
                format!("{:?}", m.participant),
                m.author.clone(),
                m.caption.clone(),
                note.clone(),
            )
        };
        if m.codes.is_empty() {
            facts.push(each(None));
        }
        for code in &m.codes {
            facts.push(each(Some(code)));
        }
    }
    facts.sort();
    facts
}

/// Distinct files per clip, as real clips have.
fn with_distinct_files(mut p: Project) -> Project {
    for clip in &mut p.clips {
        clip.path = format!("clips/clip-{}.mp4", clip.id.0);
    }
    p
}

/// The same project without moments (and so without reels), to import into.
fn emptied(p: &Project) -> Project {
    let mut empty = p.clone();
    empty.moments.clear();
    empty.reels.clear();
    empty
}

fn import_into(target: &Project, text: &str) -> Result<Project, String> {
    let annotations = csv::read(text, Path::new("codes.csv")).map_err(|e| e.to_string())?;
    let import = ImportTarget {
        clip: None,
        coder: None,
        now: time(1_800_000_000, 0),
    };
    let plan = plan_import(target, &annotations, &import, &ByRate).map_err(|e| e.to_string())?;
    let mut project = target.clone();
    match plan.into_edit(target) {
        Ok(edit) => {
            apply(&mut project, edit).map_err(|e| e.to_string())?;
        }
        Err(Refusal::NothingToImport) => {}
        Err(e) => return Err(e.to_string()),
    }
    Ok(project)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn moments_survive_a_csv_round_trip(
        original in project().prop_map(with_distinct_files),
        with_notes in any::<bool>(),
        excel in any::<bool>(),
        ms_only in any::<bool>(),
    ) {
        let scope = ExportScope { with_notes, ..Default::default() };
        let rows = export_rows(&original, &scope, &ByRate, &portable_path);
        let bytes = csv::write(&rows, &csv::CsvOptions { with_notes, excel });
        let mut text = String::from_utf8(bytes).unwrap();
        if ms_only {
            // Frame columns renamed become extra columns, which are ignored:
            // the times then come from the milliseconds alone.
            let (header, body) = text.split_once('\n').unwrap();
            let header = header.replace("start_frame", "x_start").replace("end_frame", "x_end");
            text = format!("{header}\n{body}");
        }
        let target = emptied(&original);
        let imported = import_into(&target, &text).map_err(TestCaseError::fail)?;
        prop_assert_eq!(imported.codebooks.len(), original.codebooks.len(), "no codebook added");
        prop_assert_eq!(row_facts(&imported, with_notes), row_facts(&original, with_notes));
    }
}

#[test]
fn a_moment_with_several_codes_comes_back_as_one_moment() {
    let mut p = sample();
    let codes = vec![
        CodeRef::new("vig", "waiting"),
        CodeRef::new("vig", "turning-towards"),
    ];
    p.moments[0].codes = codes.clone();
    p.moments[0].participant = Some(Participant::Infant);
    let rows = export_rows(&p, &ExportScope::default(), &ByRate, &portable_path);
    let text = String::from_utf8(csv::write(&rows, &csv::CsvOptions::default())).unwrap();
    let imported = import_into(&emptied(&p), &text).unwrap();
    assert_eq!(imported.moments.len(), p.moments.len());
    assert_eq!(imported.moments[0].codes, codes);
    assert_eq!(imported.moments[0].participant, Some(Participant::Infant));
    let a = csv::read(&text, Path::new("codes.csv")).unwrap();
    let target = ImportTarget {
        clip: None,
        coder: None,
        now: time(1_800_000_000, 0),
    };
    let plan = plan_import(&emptied(&p), &a, &target, &ByRate).unwrap();
    assert_eq!(
        plan.clips[0].moments,
        p.moments.len(),
        "the preview counts moments, not rows"
    );
}

#[test]
fn codes_from_elsewhere_become_a_codebook_and_tiers_become_codes() {
    let p = emptied(&sample());
    let text = "codebook,category,code,code_name,start_ms,end_ms,participant\n\
                Gaze study,Gaze,look,Looks at parent,0,1000,Nan\n\
                Gaze study,Gaze,away,Looks away,1000,2000,infant\n\
                ,,,,2000,2500,\n";
    let imported = import_into(&p, text).unwrap();
    let book = imported.codebooks.last().unwrap();
    assert_eq!(book.name, "Gaze study");
    assert_eq!(book.categories[0].name, "Gaze");
    let names: Vec<_> = book.items().map(|(_, i)| i.name.as_str()).collect();
    assert_eq!(names, ["Looks at parent", "Looks away"]);
    assert_eq!(imported.people, ["Nan"]);
    assert_eq!(imported.moments.len(), 3);
    assert!(imported.moments[2].codes.is_empty(), "an uncoded row");
    // Stopping at 1000 ms at 30000/1001: frame 30 starts nearest to it
    // (1001 ms), so the last frame is 29; the next row starts on frame 30.
    assert_eq!(imported.moments[0].end, 29);
    assert_eq!(imported.moments[1].start, 30);

    // A plan says what it adds before anything changes.
    let a = csv::read(text, Path::new("g.csv")).unwrap();
    let target = ImportTarget {
        clip: None,
        coder: Some("Second coder".into()),
        now: time(1_800_000_000, 0),
    };
    let plan = plan_import(&p, &a, &target, &ByRate).unwrap();
    assert_eq!(plan.moment_count(), 3);
    assert_eq!(plan.new_codes.len(), 2);
    assert_eq!(plan.clips[0].moments, 3);
    assert!(plan.work.moments.iter().all(|m| m.author == "Second coder"));
    let summary = plan.summary().join("\n");
    assert!(
        summary.contains("new codebook \"Gaze study\" with 2 code(s)"),
        "{summary}"
    );
    assert!(summary.contains("new person \"Nan\""), "{summary}");
}

#[test]
fn rows_past_the_clip_or_on_unknown_media_are_refused_naming_the_row() {
    let p = emptied(&sample());
    let err = import_into(&p, "code,start_frame,end_frame\na,10,900\n").unwrap_err();
    assert_eq!(
        err,
        "annotation 1: the end at frame 900 is past the end of clip \"Bath time\" (900 frames)"
    );
    let err = import_into(&p, "file,start_frame,end_frame\nother.mp4,1,2\n").unwrap_err();
    assert!(err.contains("refers to media \"other.mp4\""), "{err}");
    let err = import_into(&p, "start_frame,end_frame\n5,2\n").unwrap_err();
    assert!(
        err.contains("ends (frame 2) before it starts (frame 5)"),
        "{err}"
    );
    let long = "x".repeat(501);
    let err = import_into(&p, &format!("start_frame,end_frame,caption\n1,2,{long}\n")).unwrap_err();
    assert!(err.contains("the caption is 501 characters long"), "{err}");
}

fn sample() -> Project {
    // One clip of 900 frames at 30000/1001 with the VIG codebook.
    let text = include_str!("../../sample_clips/sample.attune.json");
    let mut p: Project = serde_json::from_str(text).unwrap();
    p.clips.truncate(1);
    p.clips[0].name = "Bath time".into();
    p.clips[0].media.frames = 900;
    p.clips[0].media.frame_rate = FrameRate::new(30000, 1001).unwrap();
    let clip = p.clips[0].id;
    p.moments.retain(|m| m.clip == clip && m.end < 900);
    p.reels.clear();
    p.reviews.clear();
    p.validate().unwrap();
    p
}

#[test]
fn ten_thousand_rows_import_quickly() {
    let mut p = emptied(&sample());
    p.clips[0].media.frames = 200_000;
    let clip = p.clips[0].id;
    let codes: Vec<CodeRef> = p.codebooks[0]
        .items()
        .map(|(_, i)| CodeRef::new(p.codebooks[0].id.clone(), i.id.clone()))
        .collect();
    let mut full = p.clone();
    for n in 0..10_000u32 {
        full.moments.push(Moment {
            id: MomentId(n + 1),
            clip,
            start: n * 15,
            end: n * 15 + 10,
            codes: vec![codes[n as usize % codes.len()].clone()],
            note: String::new(),
            caption: format!("moment {n}"),
            participant: Some(Participant::Infant),
            author: "Coder A".into(),
            created: time(1_800_000_000, 0),
            modified: time(1_800_000_000, 0),
        });
    }
    let rows = export_rows(&full, &ExportScope::default(), &ByRate, &portable_path);
    let text = String::from_utf8(csv::write(&rows, &csv::CsvOptions::default())).unwrap();
    let started = std::time::Instant::now();
    let a = csv::read(&text, Path::new("big.csv")).unwrap();
    let read = started.elapsed();
    let target = ImportTarget {
        clip: None,
        coder: None,
        now: time(1_800_000_000, 0),
    };
    let plan = plan_import(&p, &a, &target, &ByRate).unwrap();
    let planned = started.elapsed();
    let edit = plan.into_edit(&p).unwrap();
    let mut doc = Document::new(p);
    doc.apply(edit).unwrap();
    let applied = started.elapsed();
    assert_eq!(doc.project().moments.len(), 10_000);
    println!(
        "10,000 CSV rows: read {:.0} ms, planned {:.0} ms, applied as one edit {:.0} ms (test profile)",
        read.as_secs_f64() * 1000.0,
        (planned - read).as_secs_f64() * 1000.0,
        (applied - planned).as_secs_f64() * 1000.0
    );
}
