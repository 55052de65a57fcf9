use super::*;
use crate::model::{Hold, ReelItem};
use proptest::prelude::*;
use std::path::Path;

fn sample() -> Project {
    crate::store::load::from_text(
        Path::new("sample.attune.json"),
        include_str!("../../sample_clips/sample.attune.json"),
    )
    .unwrap()
    .project
}

fn settings(fps: u32) -> OutputSettings {
    OutputSettings { height: 720, fps }
}

#[test]
fn the_sample_reel_plans_items_back_to_back() {
    let project = sample();
    let reel = &project.reels[0];
    let plan = plan_reel(&project, reel, settings(25)).unwrap();
    assert_eq!(plan.title_frames(), 75, "3 s title card at 25 fps");
    let mut next = 75;
    for item in &plan.items {
        assert_eq!(item.out_start, next);
        assert_eq!(item.out_end - item.out_start, item.frames.len() as u32);
        next = item.out_end;
    }
    assert_eq!(plan.total_frames, next);
    // Item 1: frames 0..=134 at 30 fps shown at 25 fps = 4.5 s = 113 frames
    // (ceil(135 * 25 / 30)), plus a 2 s hold of frame 67.
    let first = &plan.items[0];
    assert_eq!(first.frames.iter().filter(|s| s.hold).count(), 50);
    assert_eq!(first.frames.len(), 113 + 50);
    // Item 2 at 50%: 60 source frames at 30 fps last 4 s = 100 frames.
    assert_eq!(plan.items[1].frames.len(), 100);
    assert_eq!(
        plan.items[0].caption,
        "You gave her time to play, and she looked up and called to you"
    );
}

#[test]
fn captions_never_come_from_the_note() {
    let mut project = sample();
    project.reels[0].items[1].caption = Some("Your smile".into());
    let plan = plan_reel(&project, &project.reels[0], settings(30)).unwrap();
    assert_eq!(plan.items[1].caption, "Your smile");
    for (item, planned) in project.reels[0].items.iter().zip(&plan.items) {
        let note = &project.moment(item.moment).unwrap().note;
        assert_ne!(&planned.caption, note);
    }
}

#[test]
fn same_rate_full_speed_maps_one_to_one_and_half_speed_repeats_twice() {
    let frames = item_frames(10, 19, (30, 1), 100, 30, None);
    let sources: Vec<u32> = frames.iter().map(|s| s.source).collect();
    assert_eq!(sources, (10..=19).collect::<Vec<_>>());
    let slow = item_frames(10, 12, (30, 1), 50, 30, None);
    let sources: Vec<u32> = slow.iter().map(|s| s.source).collect();
    assert_eq!(sources, vec![10, 10, 11, 11, 12, 12]);
}

#[test]
fn expected_reports_title_items_and_the_end() {
    let project = sample();
    let plan = plan_reel(&project, &project.reels[0], settings(30)).unwrap();
    assert_eq!(plan.expected(0), Some(Expected::Title));
    match plan.expected(plan.title_frames()) {
        Some(Expected::Item { item, shown }) => {
            assert_eq!(item.position, 1);
            assert_eq!(shown.source, item.source_start);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(plan.expected(plan.total_frames), None);
}

#[test]
fn bad_settings_and_holds_are_refused() {
    let project = sample();
    let reel = &project.reels[0];
    assert_eq!(
        plan_reel(
            &project,
            reel,
            OutputSettings {
                height: 480,
                fps: 25
            }
        ),
        Err(PlanError::Height(480))
    );
    assert_eq!(
        plan_reel(
            &project,
            reel,
            OutputSettings {
                height: 720,
                fps: 24
            }
        ),
        Err(PlanError::FrameRate(24))
    );
    let mut reel = reel.clone();
    reel.items[0].hold = Some(Hold {
        frame: 500,
        duration_ms: 1000,
    });
    assert!(matches!(
        plan_reel(&project, &reel, settings(25)),
        Err(PlanError::HoldOutside { position: 1, .. })
    ));
    reel.items = vec![ReelItem::for_moment(crate::model::MomentId(99))];
    assert!(matches!(
        plan_reel(&project, &reel, settings(25)),
        Err(PlanError::MomentMissing { moment: 99, .. })
    ));
}

proptest! {
    #[test]
    fn item_frames_are_monotone_complete_and_hold_where_asked(
        start in 0u32..500,
        len in 1u32..200,
        num in prop::sample::select(vec![24u32, 25, 30, 60, 30000]),
        speed in 25u8..=100,
        fps in prop::sample::select(vec![25u32, 30]),
        hold_at in prop::option::of(0u32..200),
        hold_frames in 0u32..80,
    ) {
        let den = if num == 30000 { 1001 } else { 1 };
        let end = start + len - 1;
        let hold = hold_at.map(|h| (start + h % len, hold_frames));
        let frames = item_frames(start, end, (num, den), speed, fps, hold);
        let play: Vec<&Shown> = frames.iter().filter(|s| !s.hold).collect();
        // Total = playing part + hold.
        prop_assert_eq!(frames.len(), play.len() + hold.map_or(0, |h| h.1 as usize));
        // Starts on the first frame, ends on the last, never goes back.
        prop_assert_eq!(play[0].source, start);
        prop_assert!(frames.windows(2).all(|w| w[0].source <= w[1].source));
        prop_assert!(frames.iter().all(|s| (start..=end).contains(&s.source)));
        // The playing part lasts the slowed source duration, to one frame.
        let want = f64::from(len) * f64::from(den) * 100.0 * f64::from(fps)
            / (f64::from(num) * f64::from(speed));
        prop_assert!((play.len() as f64 - want).abs() < 1.0);
        // When source and output rates allow, the last frame is shown.
        if u64::from(num) * u64::from(speed) <= 100 * u64::from(fps) * u64::from(den) {
            prop_assert_eq!(play[play.len() - 1].source, end);
        }
        if let Some((frame, count)) = hold {
            let held: Vec<usize> = frames
                .iter()
                .enumerate()
                .filter(|(_, s)| s.hold)
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(held.len(), count as usize);
            prop_assert!(frames.iter().filter(|s| s.hold).all(|s| s.source == frame));
            // Contiguous.
            prop_assert!(held.windows(2).all(|w| w[1] == w[0] + 1));
        }
    }
}
