//! Pointer and wheel on the timeline: what was hit, scrubbing, trimming a
//! moment's edges, zooming and panning. Emits actions; changes nothing else.

use egui::{CursorIcon, Pos2, Response, Ui};

use super::gesture::{Edge, Gesture};
use super::index::{Span, TimelineIndex};
use super::layout::TimelineLayout;
use super::view::{TimelineView, boundary_at, frame_at, frame_to_x};
use super::{TimelineAction, TimelineInput};

/// How close (points) the pointer must be to a span's edge to grab it.
const EDGE_GRAB: f32 = 4.0;
/// Spans narrower than this are too small to trim; grabbing one selects it.
const MIN_TRIM_WIDTH: f32 = 6.0;
/// Half the width of the diamond a point moment is drawn as.
pub(super) const POINT_HALF: f32 = 5.0;

/// What is under the pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Hit {
    Nothing,
    Moment(Span),
    Edge(Span, Edge),
}

/// Hit testing against what is drawn: edges beat bodies, and among equals
/// the later span wins because it is drawn on top.
pub(super) fn hit(
    view: &TimelineView,
    layout: &TimelineLayout,
    index: &TimelineIndex,
    frames: u32,
    pos: Pos2,
) -> Hit {
    if pos.x < layout.track.left() || !layout.rect.contains(pos) {
        return Hit::Nothing;
    }
    let Some(lane) = layout.lane_at(pos.y).and_then(|i| index.lanes().get(i)) else {
        return Hit::Nothing;
    };
    let track = layout.track;
    let first = frame_at(view, track, pos.x - EDGE_GRAB - POINT_HALF, frames);
    let last = frame_at(view, track, pos.x + EDGE_GRAB + POINT_HALF, frames);
    let mut best = Hit::Nothing;
    for span in lane.visible(first, last) {
        let x0 = frame_to_x(view, track, f64::from(span.start));
        let x1 = frame_to_x(view, track, f64::from(span.end) + 1.0);
        if span.is_point() {
            let centre = (x0 + x1) / 2.0;
            if (pos.x - centre).abs() <= POINT_HALF.max((x1 - x0) / 2.0)
                && !matches!(best, Hit::Edge(..))
            {
                best = Hit::Moment(*span);
            }
            continue;
        }
        let middle = (x0 + x1) / 2.0;
        if x1 - x0 >= MIN_TRIM_WIDTH {
            if pos.x >= middle && (pos.x - x1).abs() <= EDGE_GRAB {
                best = Hit::Edge(*span, Edge::End);
                continue;
            }
            if pos.x < middle && (pos.x - x0).abs() <= EDGE_GRAB {
                best = Hit::Edge(*span, Edge::Start);
                continue;
            }
        }
        // Narrow spans get a point's width so they can still be picked.
        let reach = if x1 - x0 < 2.0 * POINT_HALF {
            POINT_HALF - (x1 - x0) / 2.0
        } else {
            0.0
        };
        if pos.x >= x0 - reach && pos.x <= x1 + reach && !matches!(best, Hit::Edge(..)) {
            best = Hit::Moment(*span);
        }
    }
    best
}

/// Ctrl+wheel or the plain wheel zooms around the pointer; Shift+wheel or
/// a sideways wheel pans. Only while the pointer is over the timeline.
pub(super) fn wheel(
    ui: &Ui,
    response: &Response,
    view: &mut TimelineView,
    layout: &TimelineLayout,
    frames: u32,
) {
    let Some(pointer) = response.hover_pos() else {
        return;
    };
    let (zoom, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta));
    let factor = f64::from(zoom) * (f64::from(scroll.y) / 200.0).exp();
    let anchor = pointer.x.max(layout.track.left());
    view.zoom_around(factor, anchor, layout.track, frames);
    if scroll.x != 0.0 {
        view.pan(-scroll.x, frames, layout.track.width());
    }
    if scroll != egui::Vec2::ZERO {
        // The timeline used it; a scroll area around it must not scroll too.
        ui.ctx()
            .input_mut(|i| i.smooth_scroll_delta = egui::Vec2::ZERO);
    }
}

/// Clicks and drags, turned into actions.
pub(super) fn pointer(
    ui: &Ui,
    response: &Response,
    view: &mut TimelineView,
    layout: &TimelineLayout,
    input: &TimelineInput<'_>,
    actions: &mut Vec<TimelineAction>,
) {
    let frames = input.frames;
    let hit_at = |view: &TimelineView, pos| hit(view, layout, input.index, frames, pos);

    if response.drag_started() {
        let origin = ui
            .input(|i| i.pointer.press_origin())
            .or(response.interact_pointer_pos());
        view.gesture = match origin.map(|p| hit_at(view, p)) {
            Some(Hit::Edge(span, edge)) => Gesture::Trim {
                moment: span.moment,
                edge,
                original: (span.start, span.end),
                start: span.start,
                end: span.end,
            },
            _ => Gesture::Scrub { last: None },
        };
    }

    if response.dragged()
        && let Some(pos) = response.interact_pointer_pos()
    {
        let boundary = boundary_at(view, layout.track, pos.x, frames);
        let under = frame_at(view, layout.track, pos.x, frames);
        match &mut view.gesture {
            Gesture::Scrub { last } => {
                if *last != Some(under) {
                    *last = Some(under);
                    actions.push(TimelineAction::Scrub(under));
                }
            }
            Gesture::Trim {
                edge, start, end, ..
            } => {
                let shown = match edge {
                    Edge::Start => {
                        let new = boundary.min(*end);
                        let moved = new != *start;
                        *start = new;
                        moved.then_some(new)
                    }
                    Edge::End => {
                        let new = boundary
                            .saturating_sub(1)
                            .clamp(*start, frames.saturating_sub(1).max(*start));
                        let moved = new != *end;
                        *end = new;
                        moved.then_some(new)
                    }
                };
                // The viewer follows the edge so the clinician sees the frame.
                if let Some(frame) = shown {
                    actions.push(TimelineAction::Scrub(frame));
                }
            }
            Gesture::None => {}
        }
    }

    if response.drag_stopped() {
        match std::mem::take(&mut view.gesture) {
            Gesture::Trim {
                moment,
                original,
                start,
                end,
                ..
            } => {
                if (start, end) != original {
                    actions.push(TimelineAction::Trim { moment, start, end });
                }
                actions.push(TimelineAction::ScrubEnd);
            }
            Gesture::Scrub { .. } => actions.push(TimelineAction::ScrubEnd),
            Gesture::None => {}
        }
    }

    if response.clicked()
        && let Some(pos) = response.interact_pointer_pos()
    {
        match hit_at(view, pos) {
            Hit::Moment(span) | Hit::Edge(span, _) => {
                actions.push(TimelineAction::Select(span.moment));
                actions.push(TimelineAction::Seek(span.start));
            }
            Hit::Nothing if pos.x >= layout.track.left() => {
                actions.push(TimelineAction::Seek(frame_at(
                    view,
                    layout.track,
                    pos.x,
                    frames,
                )));
            }
            Hit::Nothing => {}
        }
    }

    let resizing = matches!(view.gesture, Gesture::Trim { .. })
        || (view.gesture == Gesture::None
            && response
                .hover_pos()
                .is_some_and(|p| matches!(hit_at(view, p), Hit::Edge(..))));
    if resizing {
        ui.ctx().set_cursor_icon(CursorIcon::ResizeHorizontal);
    }
}
