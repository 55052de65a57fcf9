//! Moments in their lanes: spans as rounded bars, point moments as
//! diamonds. Only what is on screen is drawn, and spans thinner than a
//! point are merged so an hour-long clip stays a few hundred shapes.

use egui::{
    Color32, CornerRadius, FontId, Painter, Pos2, Rect, Shape, Stroke, StrokeKind, pos2, vec2,
};

use super::index::{Lane, Span, TimelineIndex, Verdict};
use super::interact::POINT_HALF;
use super::layout::TimelineLayout;
use super::view::{TimelineView, frame_at, frame_to_x};
use crate::model::MomentId;

/// What to draw over the moments.
pub(super) struct Emphasis {
    pub selected: Option<MomentId>,
    /// The moment being trimmed and its previewed span, drawn instead of
    /// where it is now.
    pub trimming: Option<(MomentId, u32, u32)>,
    pub outline: Color32,
}

pub(super) fn paint_names(
    painter: &Painter,
    layout: &TimelineLayout,
    lanes: &[Lane],
    text: Color32,
) {
    for (lane, row) in lanes.iter().zip(&layout.lanes) {
        let name_rect = Rect::from_min_max(row.min, pos2(layout.names.right(), row.bottom()));
        let swatch = Rect::from_center_size(
            pos2(name_rect.left() + 8.0, name_rect.center().y),
            vec2(6.0, 12.0),
        );
        painter.rect_filled(swatch, 2.0, lane.colour);
        let mut job = egui::text::LayoutJob::simple_singleline(
            lane.name.clone(),
            FontId::proportional(12.0),
            text,
        );
        job.wrap = egui::text::TextWrapping::truncate_at_width(name_rect.width() - 20.0);
        let galley = painter.layout_job(job);
        let at = pos2(
            name_rect.left() + 16.0,
            name_rect.center().y - galley.size().y / 2.0,
        );
        painter.galley(at, galley, text);
    }
}

pub(super) fn paint_moments(
    painter: &Painter,
    view: &TimelineView,
    layout: &TimelineLayout,
    lanes: &[Lane],
    frames: u32,
    emphasis: &Emphasis,
) {
    let track = layout.track;
    let first = frame_at(view, track, track.left() - POINT_HALF, frames);
    let last = frame_at(view, track, track.right() + POINT_HALF, frames);
    let trimmed = emphasis.trimming.map(|(id, ..)| id);
    for (lane, row) in lanes.iter().zip(&layout.lanes) {
        let band = row.shrink2(vec2(0.0, 3.0));
        let mut run = Run::default();
        for span in lane.visible(first, last) {
            if Some(span.moment) == trimmed {
                continue;
            }
            run.add(painter, band, span_rect(view, track, band, span), span);
        }
        run.flush(painter);
        if emphasis.selected.is_none() && trimmed.is_none() {
            continue;
        }
        for span in lane.visible(first, last) {
            let wanted = Some(span.moment) == emphasis.selected || Some(span.moment) == trimmed;
            if !wanted {
                continue;
            }
            let mut shown = *span;
            if let Some((_, start, end)) = emphasis.trimming.filter(|t| t.0 == span.moment) {
                shown.start = start;
                shown.end = end;
                draw_span(painter, band, span_rect(view, track, band, &shown), &shown);
            }
            outline(
                painter,
                band,
                span_rect(view, track, band, &shown),
                &shown,
                emphasis.outline,
            );
        }
    }
}

fn span_rect(view: &TimelineView, track: Rect, band: Rect, span: &Span) -> Rect {
    let x0 = frame_to_x(view, track, f64::from(span.start));
    let x1 = frame_to_x(view, track, f64::from(span.end) + 1.0);
    Rect::from_x_y_ranges(x0..=x1, band.y_range())
}

/// Neighbouring spans of one colour that touch on screen become one bar,
/// and a sliver thinner than a point joins whatever it touches.
#[derive(Default)]
struct Run {
    bar: Option<(Rect, Color32)>,
    /// Centre and colour of the last diamond, to skip ones drawn on it.
    last_point: Option<(f32, Color32)>,
}

impl Run {
    fn add(&mut self, painter: &Painter, band: Rect, rect: Rect, span: &Span) {
        if span.is_point() && rect.width() < 2.0 * POINT_HALF {
            let x = rect.center().x;
            if self
                .last_point
                .is_some_and(|(at, colour)| colour == span.colour && (x - at).abs() < 1.0)
            {
                return;
            }
            self.last_point = Some((x, span.colour));
            diamond(painter, band, x, span.colour, Stroke::NONE);
            return;
        }
        let rect = rect.expand2(vec2(((1.0 - rect.width()) / 2.0).max(0.0), 0.0));
        match &mut self.bar {
            Some((bar, colour))
                if rect.left() <= bar.right() + 0.5
                    && (*colour == span.colour || rect.width() <= 1.0) =>
            {
                bar.max.x = bar.max.x.max(rect.right());
            }
            _ => {
                self.flush(painter);
                self.bar = Some((rect, span.colour));
            }
        }
    }

    fn flush(&mut self, painter: &Painter) {
        if let Some((rect, colour)) = self.bar.take() {
            painter.rect_filled(rect, radius(rect), colour);
        }
    }
}

fn radius(rect: Rect) -> CornerRadius {
    if rect.width() >= 6.0 {
        CornerRadius::same(3)
    } else {
        CornerRadius::ZERO
    }
}

fn draw_span(painter: &Painter, band: Rect, rect: Rect, span: &Span) {
    if span.is_point() && rect.width() < 2.0 * POINT_HALF {
        diamond(painter, band, rect.center().x, span.colour, Stroke::NONE);
    } else {
        painter.rect_filled(rect, radius(rect), span.colour);
    }
}

fn outline(painter: &Painter, band: Rect, rect: Rect, span: &Span, colour: Color32) {
    let stroke = Stroke::new(2.0, colour);
    if span.is_point() && rect.width() < 2.0 * POINT_HALF {
        diamond(painter, band, rect.center().x, span.colour, stroke);
    } else {
        let rect = rect.expand2(vec2(((3.0 - rect.width()) / 2.0).max(0.0), 0.0));
        painter.rect_stroke(rect, radius(rect), stroke, StrokeKind::Outside);
    }
}

fn diamond(painter: &Painter, band: Rect, x: f32, fill: Color32, stroke: Stroke) {
    let y = band.center().y;
    let h = POINT_HALF.min(band.height() / 2.0);
    let points: Vec<Pos2> = vec![
        pos2(x, y - h),
        pos2(x + h, y),
        pos2(x, y + h),
        pos2(x - h, y),
    ];
    painter.add(Shape::convex_polygon(points, fill, stroke));
}

/// Compare mode's colours: pairs with the same code, other codes, and
/// moments only one coder has.
pub(super) struct VerdictColours {
    pub agrees: Color32,
    pub differs: Color32,
    pub one_coder: Color32,
}

/// Compare mode over the moments: paired moments joined by a line between
/// the two coders' lanes, moments coded differently or seen by one coder
/// outlined in their colour.
pub(super) fn paint_comparison(
    painter: &Painter,
    view: &TimelineView,
    layout: &TimelineLayout,
    index: &TimelineIndex,
    frames: u32,
    colours: &VerdictColours,
) {
    let track = layout.track;
    let first = frame_at(view, track, track.left() - POINT_HALF, frames);
    let last = frame_at(view, track, track.right() + POINT_HALF, frames);
    let band = |row: &Rect| row.shrink2(vec2(0.0, 3.0));
    for link in index.links() {
        let starts = link.a.start.min(link.b.start);
        let ends = link.a.end.max(link.b.end);
        if ends < first || starts > last {
            continue;
        }
        let (Some(upper), Some(lower)) = (
            layout.lanes.get(link.upper),
            layout.lanes.get(link.upper + 1),
        ) else {
            continue;
        };
        let (ba, bb) = (band(upper), band(lower));
        let xa = span_rect(view, track, ba, &link.a).center().x;
        let xb = span_rect(view, track, bb, &link.b).center().x;
        let colour = if link.same_code {
            colours.agrees
        } else {
            colours.differs
        };
        painter.line_segment(
            [pos2(xa, ba.bottom()), pos2(xb, bb.top())],
            Stroke::new(1.5, colour),
        );
    }
    for (lane, row) in index.lanes().iter().zip(&layout.lanes) {
        let b = band(row);
        for span in lane.visible(first, last) {
            let colour = match span.verdict {
                Verdict::Differs => colours.differs,
                Verdict::OneCoder => colours.one_coder,
                Verdict::None | Verdict::Agrees => continue,
            };
            outline(painter, b, span_rect(view, track, b, span), span, colour);
        }
    }
}
