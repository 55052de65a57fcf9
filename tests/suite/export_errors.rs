//! Export refuses or stops cleanly: consent gating before any decoding,
//! cancel, a source that disappears mid-render, an unwritable folder. None
//! of them leaves a file (final or temporary) behind.

use crate::support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use attune::export::{ExportError, OutputSettings, RenderJob, SourceError, render_reel};
use attune::model::{MomentId, Project, Reel, ReelId, ReelItem, ReelPurpose};

fn reel(purpose: ReelPurpose, moments: &[u32]) -> Reel {
    Reel {
        id: ReelId(9),
        name: "Test reel".into(),
        purpose,
        title_card: None,
        items: moments
            .iter()
            .map(|&m| ReelItem::for_moment(MomentId(m)))
            .collect(),
        rendered: None,
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn run(
    project_path: &Path,
    project: &Project,
    reel: &Reel,
    out: &Path,
    mut on_frame: impl FnMut(u32),
    cancel: &AtomicBool,
) -> Result<(), ExportError> {
    let job = RenderJob {
        project_path,
        project,
        reel,
        settings: OutputSettings {
            height: 720,
            fps: 25,
        },
        output: out,
        overwrite: attune::files::Overwrite::Confirmed,
        sidecars: attune::files::Overwrite::Confirmed,
    };
    render_reel(&job, &mut |p| on_frame(p.done), cancel).map(|_| ())
}

#[test]
fn consent_gating_names_each_clip_and_the_missing_consent() {
    let (dir, project_path, project) = support::sample_copy();
    let before = names_in(dir.path());
    let out = dir.path().join("out.mp4");
    let never = AtomicBool::new(false);
    let mut frames = 0;

    let teaching = reel(ReelPurpose::Teaching, &[1, 6]);
    let err = run(
        &project_path,
        &project,
        &teaching,
        &out,
        |_| frames += 1,
        &never,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ExportError::Consent(_)), "{err:?}");
    assert!(msg.contains("Feeding in the armchair (phone)"), "{msg}");
    assert!(msg.contains("teaching"), "{msg}");
    assert!(msg.contains("withdrawn"), "{msg}");

    let supervision = reel(ReelPurpose::Supervision, &[10, 6, 11]);
    let err = run(
        &project_path,
        &project,
        &supervision,
        &out,
        |_| frames += 1,
        &never,
    )
    .unwrap_err();
    let ExportError::Consent(consent) = &err else {
        panic!("{err:?}");
    };
    let msg = err.to_string();
    assert!(msg.contains("Bath time (no sound)"), "{msg}");
    assert!(msg.contains("supervision"), "{msg}");
    // Each offending clip once, whatever else lacks consent.
    let bath = consent
        .missing
        .iter()
        .filter(|m| m.clip_name == "Bath time (no sound)")
        .count();
    assert_eq!(bath, 1);

    assert_eq!(frames, 0, "nothing was rendered");
    assert_eq!(names_in(dir.path()), before, "nothing was written");
}

#[test]
fn cancel_leaves_no_file() {
    let (dir, project_path, project) = support::sample_copy();
    let before = names_in(dir.path());
    let out = dir.path().join("out.mp4");
    let cancel = AtomicBool::new(false);
    let err = run(
        &project_path,
        &project,
        &project.reels[0],
        &out,
        |done| {
            if done == 40 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(err, ExportError::Cancelled), "{err:?}");
    assert_eq!(
        names_in(dir.path()),
        before,
        "no output, temp or sidecar left"
    );
}

#[test]
fn a_source_deleted_mid_render_is_named_and_nothing_is_left() {
    let (dir, project_path, project) = support::sample_copy();
    let feeding = dir.path().join("feeding-portrait.mp4");
    let out = dir.path().join("out.mp4");
    let never = AtomicBool::new(false);
    // The reel's last item is from the feeding clip; delete it while the
    // first item renders.
    let err = run(
        &project_path,
        &project,
        &project.reels[0],
        &out,
        |done| {
            if done == 100 {
                std::fs::remove_file(&feeding).unwrap();
            }
        },
        &never,
    )
    .unwrap_err();
    match &err {
        ExportError::Source(SourceError::Missing { clip, path }) => {
            assert_eq!(clip, "Feeding in the armchair (phone)");
            assert_eq!(path, &feeding);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("Feeding in the armchair (phone)"));
    let left = names_in(dir.path());
    assert!(
        left.iter().all(|n| !n.contains("out.")),
        "partial output left: {left:?}"
    );
}

#[test]
fn an_unwritable_output_folder_is_a_clear_error() {
    let (dir, project_path, project) = support::sample_copy();
    let never = AtomicBool::new(false);
    let missing = dir.path().join("no-such-folder").join("out.mp4");
    let err = run(
        &project_path,
        &project,
        &project.reels[0],
        &missing,
        |_| {},
        &never,
    )
    .unwrap_err();
    assert!(matches!(err, ExportError::OutputFolder { .. }), "{err:?}");
    assert!(err.to_string().contains("no-such-folder"), "{err}");

    // A read-only folder; root ignores permissions, so fall back to /proc,
    // where nobody can create files.
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let folder = if std::fs::write(locked.join("probe"), b"").is_ok() {
        PathBuf::from("/proc")
    } else {
        locked.clone()
    };
    let err = run(
        &project_path,
        &project,
        &project.reels[0],
        &folder.join("out.mp4"),
        |_| {},
        &never,
    )
    .unwrap_err();
    assert!(matches!(err, ExportError::OutputFolder { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&*folder.to_string_lossy()),
        "{err}"
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
}
