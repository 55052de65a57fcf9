//! Draws a whole timeline frame, back to front: rows, ruler, pictures,
//! sound, moments, in/out marks, playhead.

use egui::{Color32, FontId, Painter, Rect, Stroke, Visuals, pos2, vec2};

use super::TimelineInput;
use super::lanes::{self, Emphasis};
use super::layout::TimelineLayout;
use super::view::{TimelineView, frame_to_x};
use super::{overview, ruler};

pub(super) fn paint(
    painter: &Painter,
    visuals: &Visuals,
    view: &TimelineView,
    layout: &TimelineLayout,
    input: &TimelineInput<'_>,
) {
    let text = visuals.text_color();
    let weak = visuals.weak_text_color();
    painter.rect_filled(layout.rect, 0.0, visuals.extreme_bg_color);
    painter.rect_filled(layout.names, 0.0, visuals.faint_bg_color);
    for (i, row) in layout.lanes.iter().enumerate() {
        if i % 2 == 1 {
            painter.rect_filled(row.intersect(layout.track), 0.0, visuals.faint_bg_color);
        }
    }
    painter.hline(
        layout.rect.x_range(),
        layout.ruler.bottom(),
        visuals.widgets.noninteractive.bg_stroke,
    );

    // Everything positioned by frame is clipped to the track, so nothing
    // runs under the lane names.
    let track = painter.with_clip_rect(layout.track.intersect(painter.clip_rect()));
    ruler::paint(&track, view, layout, input.rate, input.frames, weak);
    let busy = input.overview_progress.is_some();
    overview::paint_filmstrip(
        &track,
        view,
        layout,
        input.filmstrip,
        input.frames,
        busy.then_some(("Pictures are being prepared…", weak)),
    );
    match input.waveform {
        Some((peaks, per_second)) => overview::paint_waveform(
            &track,
            view,
            layout,
            peaks,
            per_second,
            input.rate,
            input.frames,
            visuals.widgets.inactive.fg_stroke.color.gamma_multiply(0.8),
        ),
        None => {
            let hint = if busy {
                "Sound is being prepared…"
            } else {
                "No sound"
            };
            track.text(
                layout.waveform.intersect(layout.track).left_center() + vec2(6.0, 0.0),
                egui::Align2::LEFT_CENTER,
                hint,
                FontId::proportional(11.0),
                weak,
            );
        }
    }
    let lanes = input.index.lanes();
    let emphasis = Emphasis {
        selected: input.selected,
        trimming: view.gesture.trimming(),
        outline: visuals.strong_text_color(),
    };
    lanes::paint_moments(&track, view, layout, lanes, input.frames, &emphasis);
    let colours = lanes::VerdictColours {
        agrees: Color32::from_rgb(0x3f, 0x9b, 0x5a),
        differs: visuals.warn_fg_color,
        one_coder: visuals.error_fg_color,
    };
    lanes::paint_comparison(&track, view, layout, input.index, input.frames, &colours);
    paint_marks(&track, view, layout, input, visuals.selection.bg_fill);
    paint_playhead(&track, view, layout, input.playhead, visuals.error_fg_color);
    if let Some(progress) = input.overview_progress {
        paint_progress(painter, layout, progress, visuals.selection.bg_fill);
    }
    lanes::paint_names(painter, layout, lanes, text);
}

/// The in and out marks: the stretch between them shaded, a lone mark as
/// a line.
fn paint_marks(
    painter: &Painter,
    view: &TimelineView,
    layout: &TimelineLayout,
    input: &TimelineInput<'_>,
    colour: Color32,
) {
    let rows = layout.rect.y_range();
    let x = |frame: u32| frame_to_x(view, layout.track, f64::from(frame));
    let line = Stroke::new(1.5, colour);
    match (input.mark_in, input.mark_out) {
        (Some(a), Some(b)) => {
            let (a, b) = (a.min(b), a.max(b));
            let shade = Rect::from_x_y_ranges(x(a)..=x(b.saturating_add(1)), rows);
            painter.rect_filled(shade, 0.0, colour.gamma_multiply(0.25));
            painter.vline(shade.left(), rows, line);
            painter.vline(shade.right(), rows, line);
        }
        (Some(a), None) => {
            painter.vline(x(a), rows, line);
        }
        (None, Some(b)) => {
            painter.vline(x(b.saturating_add(1)), rows, line);
        }
        (None, None) => {}
    }
}

fn paint_playhead(
    painter: &Painter,
    view: &TimelineView,
    layout: &TimelineLayout,
    playhead: u32,
    colour: Color32,
) {
    let x0 = frame_to_x(view, layout.track, f64::from(playhead));
    let x1 = frame_to_x(view, layout.track, f64::from(playhead) + 1.0);
    if x1 - x0 >= 3.0 {
        // Zoomed in far enough to see the frame itself as a cell.
        let cell = Rect::from_x_y_ranges(x0..=x1, layout.ruler.y_range());
        painter.rect_filled(cell, 0.0, colour.gamma_multiply(0.35));
    }
    painter.vline(x0, layout.rect.y_range(), Stroke::new(1.5, colour));
    let top = layout.ruler.top();
    painter.add(egui::Shape::convex_polygon(
        vec![
            pos2(x0 - 5.0, top),
            pos2(x0 + 5.0, top),
            pos2(x0, top + 7.0),
        ],
        colour,
        Stroke::NONE,
    ));
}

/// A slim bar under the ruler while pictures and sound are computed.
fn paint_progress(painter: &Painter, layout: &TimelineLayout, progress: f32, colour: Color32) {
    let bar = Rect::from_min_max(
        pos2(layout.track.left(), layout.ruler.bottom() - 3.0),
        pos2(layout.track.right(), layout.ruler.bottom()),
    );
    painter.rect_filled(bar, 0.0, colour.gamma_multiply(0.3));
    let done = bar.left() + bar.width() * progress.clamp(0.0, 1.0);
    painter.rect_filled(
        Rect::from_x_y_ranges(bar.left()..=done, bar.y_range()),
        0.0,
        colour,
    );
}
