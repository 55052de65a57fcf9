//! Stills: one PNG per reel item at full source size showing exactly the
//! hold (or middle) frame, without text chunks; the handout carries the
//! captions and none of the clinical notes, codes or file and clip names.

use crate::support;

use attune::export::{StillsJob, export_stills, plan_reel};
use attune::frame_code;

#[test]
fn stills_are_the_planned_frames_and_the_handout_is_parent_facing() {
    let project_path = support::sample_clips().join("sample.attune.json");
    let project = attune::store::load(&project_path).unwrap().project;
    let reel = &project.reels[0];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stills");
    let summary = export_stills(&StillsJob {
        project_path: &project_path,
        project: &project,
        reel,
        out_dir: &out,
        overwrite: attune::files::Overwrite::Confirmed,
    })
    .unwrap();
    let plan = plan_reel(&project, reel, Default::default()).unwrap();
    assert_eq!(summary.stills.len(), reel.items.len());
    let pngs = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(pngs, reel.items.len());
    for ((path, frame), item) in summary.stills.iter().zip(&plan.items) {
        let clip = project.clip(item.clip).unwrap();
        let img = image::open(path).unwrap().to_rgba8();
        assert_eq!(img.dimensions(), (clip.media.width, clip.media.height));
        assert_eq!(*frame, item.still_frame());
        assert_eq!(
            frame_code::read(&img),
            Some(item.still_frame()),
            "{}",
            path.display()
        );
        // No tEXt/zTXt/iTXt/tIME/eXIf chunks.
        let bytes = std::fs::read(path).unwrap();
        for chunk in [b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"] {
            assert!(
                !bytes.windows(4).any(|w| w == chunk),
                "{chunk:?} in {}",
                path.display()
            );
        }
    }
    assert_eq!(summary.stills[0].1, 67, "the hold frame");

    let html = std::fs::read_to_string(&summary.handout).unwrap();
    assert!(html.contains("@page") && html.contains("A4"));
    assert_eq!(
        html.matches("data:image/png;base64,").count(),
        reel.items.len()
    );
    assert!(!html.contains("src=\"still"), "images are embedded");
    for item in &plan.items {
        assert!(html.contains(&item.caption), "{}", item.caption);
    }
    for moment in &project.moments {
        assert!(!html.contains(&moment.note), "a note leaked");
        for code in &moment.codes {
            assert!(!html.contains(&code.item), "a code leaked: {}", code.item);
        }
    }
    for clip in &project.clips {
        assert!(!html.contains(&clip.name), "a clip name leaked");
        assert!(!html.contains(&clip.path), "a file name leaked");
    }
    assert!(html.contains("Jo and Sam"), "the title card's title");
}
