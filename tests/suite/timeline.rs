//! The timeline widget alone, driven through egui_kittest as a person
//! would: found by its AccessKit label, then clicked and dragged at the
//! places its public geometry says moments and frames are.

use attune::model::{
    Clip, ClipId, CodeRef, Consent, Fingerprint, FrameRate, MediaFacts, Moment, MomentId, Project,
    SCHEMA_VERSION, bundled,
};
use attune::testing::timeline::{
    self, TimelineAction, TimelineIndex, TimelineInput, TimelineLayout, TimelineView, frame_to_x,
};
use chrono::DateTime;
use egui::{Event, Modifiers, PointerButton, Pos2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const FRAMES: u32 = 900;

struct State {
    index: TimelineIndex,
    view: TimelineView,
    actions: Vec<TimelineAction>,
}

/// One 30-second clip: a span coded "waiting", a point coded "turning
/// towards", an uncoded span.
fn project() -> Project {
    let created = DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default();
    let rate = FrameRate::new(30, 1).unwrap();
    let clip = Clip {
        id: ClipId(1),
        name: "Play on the mat".into(),
        path: "mat.mp4".into(),
        fingerprint: Fingerprint {
            size: 1,
            hash: "00".repeat(32),
        },
        media: MediaFacts {
            frame_rate: rate,
            frames: FRAMES,
            duration_us: 30_000_000,
            width: 640,
            height: 360,
            display_width: 0,
            rotation: 0,
            video_codec: "h264".into(),
            audio_codec: None,
            variable_frame_rate: false,
        },
        consent: Consent::default(),
    };
    let moment = |id, start, end, codes: &[&str]| Moment {
        id: MomentId(id),
        clip: ClipId(1),
        start,
        end,
        codes: codes.iter().map(|c| CodeRef::new("vig", *c)).collect(),
        note: String::new(),
        caption: String::new(),
        participant: None,
        author: "Kit Moreno".into(),
        created,
        modified: created,
    };
    let project = Project {
        schema_version: SCHEMA_VERSION,
        title: "Timeline test".into(),
        created,
        clips: vec![clip],
        codebooks: vec![bundled().unwrap().remove(0)],
        moments: vec![
            moment(1, 30, 120, &["waiting"]),
            moment(2, 200, 200, &["turning-towards"]),
            moment(3, 400, 500, &[]),
        ],
        reels: Vec::new(),
        reviews: Vec::new(),
        people: Vec::new(),
        coders: Vec::new(),
    };
    project.validate().unwrap();
    project
}

fn harness() -> Harness<'static, State> {
    let project = project();
    let index = TimelineIndex::build(&project, ClipId(1), project.codebooks.first());
    let state = State {
        index,
        view: TimelineView::default(),
        actions: Vec::new(),
    };
    Harness::builder()
        .with_size(egui::vec2(1000.0, 400.0))
        .build_ui_state(
            |ui, s: &mut State| {
                let input = TimelineInput {
                    index: &s.index,
                    frames: FRAMES,
                    rate: FrameRate::new(30, 1).unwrap(),
                    playhead: 0,
                    selected: None,
                    mark_in: None,
                    mark_out: None,
                    filmstrip: &[],
                    waveform: None,
                    overview_progress: None,
                    follow_playhead: false,
                };
                let actions = timeline::show(ui, &mut s.view, &input);
                s.actions.extend(actions);
            },
            state,
        )
}

/// The widget's rows, from where AccessKit says the timeline is.
fn layout(h: &Harness<'_, State>) -> TimelineLayout {
    let rect = h.get_by_label(timeline::LABEL).rect();
    TimelineLayout::new(rect, h.state().index.lanes().len())
}

fn lane_of(h: &Harness<'_, State>, name: &str) -> usize {
    h.state()
        .index
        .lanes()
        .iter()
        .position(|l| l.name == name)
        .unwrap()
}

/// Zooms to the first 240 frames (over 3 points a frame) so single frames
/// can be pointed at.
fn zoomed() -> (Harness<'static, State>, TimelineLayout) {
    let mut h = harness();
    h.run();
    let l = layout(&h);
    h.state_mut()
        .view
        .show_range(0.0, 240.0, FRAMES, l.track.width());
    h.run();
    h.state_mut().actions.clear();
    (h, l)
}

fn x_of(h: &Harness<'_, State>, l: &TimelineLayout, frame: f64) -> f32 {
    frame_to_x(&h.state().view, l.track, frame)
}

fn button(h: &Harness<'_, State>, pos: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

fn click(h: &mut Harness<'_, State>, pos: Pos2) {
    h.hover_at(pos);
    h.step();
    button(h, pos, true);
    h.step();
    button(h, pos, false);
    h.step();
}

#[test]
fn the_timeline_is_labelled_and_fits_the_whole_clip() {
    let mut h = harness();
    h.run();
    let l = layout(&h);
    assert!(l.track.width() > 500.0, "{l:?}");
    assert!(h.state().view.is_fitted());
    let end = x_of(&h, &l, f64::from(FRAMES));
    assert!(
        (end - l.track.right()).abs() < 0.5,
        "{end} vs {:?}",
        l.track
    );
}

#[test]
fn dragging_a_spans_right_edge_trims_it_once_snapped_to_a_frame() {
    let (mut h, l) = zoomed();
    let points_per_frame = 1.0 / h.state().view.frames_per_point() as f32;
    assert!(points_per_frame > 3.0);
    let lane = lane_of(&h, "Encouraging initiatives");
    let y = l.lanes[lane].center().y;
    // Moment 1 ends with frame 120, so its right edge is at 121.
    let edge = pos2(x_of(&h, &l, 121.0) - 1.0, y);
    // Seven frames later and a little: snapping lands on the boundary 128.
    let target = pos2(edge.x + 1.0 + 7.3 * points_per_frame, y);

    h.hover_at(edge);
    h.step();
    button(&h, edge, true);
    h.step();
    for i in 1..=6 {
        let t = i as f32 / 6.0;
        h.hover_at(pos2(edge.x + (target.x - edge.x) * t, y));
        h.step();
    }
    button(&h, target, false);
    h.step();

    let actions = std::mem::take(&mut h.state_mut().actions);
    let trims: Vec<_> = actions
        .iter()
        .filter(|a| matches!(a, TimelineAction::Trim { .. }))
        .collect();
    assert_eq!(
        trims,
        [&TimelineAction::Trim {
            moment: MomentId(1),
            start: 30,
            end: 127
        }],
        "{actions:?}"
    );
    // The viewer was shown the edge while dragging, and the drag ended.
    assert!(actions.contains(&TimelineAction::Scrub(127)), "{actions:?}");
    assert_eq!(actions.last(), Some(&TimelineAction::ScrubEnd));
    assert!(
        !actions
            .iter()
            .any(|a| matches!(a, TimelineAction::Select(_))),
        "{actions:?}"
    );
}

#[test]
fn clicking_empty_timeline_seeks_to_the_frame_under_the_pointer() {
    let (mut h, l) = zoomed();
    let lane = lane_of(&h, "Receiving initiatives");
    let pos = pos2(x_of(&h, &l, 150.5), l.lanes[lane].center().y);
    click(&mut h, pos);
    assert_eq!(h.state().actions, [TimelineAction::Seek(150)]);

    // The ruler seeks too.
    h.state_mut().actions.clear();
    let ruler = pos2(x_of(&h, &l, 42.5), l.ruler.center().y);
    click(&mut h, ruler);
    assert_eq!(h.state().actions, [TimelineAction::Seek(42)]);
}

#[test]
fn clicking_a_moment_selects_it_and_goes_to_its_start() {
    let (mut h, l) = zoomed();
    let lane = lane_of(&h, "Being attentive");
    let point = pos2(x_of(&h, &l, 200.5), l.lanes[lane].center().y);
    click(&mut h, point);
    assert_eq!(
        h.state().actions,
        [
            TimelineAction::Select(MomentId(2)),
            TimelineAction::Seek(200)
        ]
    );

    h.state_mut().actions.clear();
    let lane = lane_of(&h, "Encouraging initiatives");
    let body = pos2(x_of(&h, &l, 75.0), l.lanes[lane].center().y);
    click(&mut h, body);
    assert_eq!(
        h.state().actions,
        [
            TimelineAction::Select(MomentId(1)),
            TimelineAction::Seek(30)
        ]
    );
}

#[test]
fn dragging_empty_timeline_scrubs_and_ends() {
    let (mut h, l) = zoomed();
    let y = l.ruler.center().y;
    let from = pos2(x_of(&h, &l, 10.5), y);
    h.hover_at(from);
    h.step();
    button(&h, from, true);
    h.step();
    for frame in [20.5, 30.5, 60.5] {
        h.hover_at(pos2(x_of(&h, &l, frame), y));
        h.step();
    }
    button(&h, pos2(x_of(&h, &l, 60.5), y), false);
    h.step();
    let actions = &h.state().actions;
    assert_eq!(
        actions.first(),
        Some(&TimelineAction::Scrub(20)),
        "{actions:?}"
    );
    assert!(actions.contains(&TimelineAction::Scrub(60)), "{actions:?}");
    assert_eq!(actions.last(), Some(&TimelineAction::ScrubEnd));
    assert!(!actions.iter().any(|a| matches!(a, TimelineAction::Seek(_))));
}

#[test]
fn ctrl_wheel_zooms_in_around_the_pointer() {
    let mut h = harness();
    h.run();
    let l = layout(&h);
    let before = h.state().view.frames_per_point();
    let pos = pos2(l.track.center().x, l.lanes[0].center().y);
    h.hover_at(pos);
    h.step();
    h.event_modifiers(
        Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, 3.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::COMMAND,
        },
        Modifiers::COMMAND,
    );
    h.run();
    let after = h.state().view.frames_per_point();
    assert!(after < before * 0.9, "{before} -> {after}");
    assert!(!h.state().view.is_fitted());
}
