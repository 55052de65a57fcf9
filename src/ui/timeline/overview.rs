//! The filmstrip and the waveform rows: pictures and sound computed
//! elsewhere, drawn here at the current zoom.

use egui::{Align2, Color32, FontId, Mesh, Painter, Rect, Shape, pos2, vec2};

use super::FilmstripThumb;
use super::layout::TimelineLayout;
use super::view::{TimelineView, frame_to_x, x_to_frame};
use crate::model::FrameRate;

/// Thumbnails are laid end to end at a fixed frame spacing, so they slide
/// with the clip when it scrolls. Each shows the computed thumbnail nearest
/// its middle; `thumbs` must be sorted by frame.
pub(super) fn paint_filmstrip(
    painter: &Painter,
    view: &TimelineView,
    layout: &TimelineLayout,
    thumbs: &[FilmstripThumb],
    frames: u32,
    hint: Option<(&str, Color32)>,
) {
    let row = layout
        .filmstrip
        .intersect(layout.track)
        .shrink2(vec2(0.0, 2.0));
    let Some(first) = thumbs.first() else {
        if let Some((text, colour)) = hint {
            painter.text(
                row.left_center() + vec2(6.0, 0.0),
                Align2::LEFT_CENTER,
                text,
                FontId::proportional(11.0),
                colour,
            );
        }
        return;
    };
    let aspect = if first.size.y > 0.0 {
        first.size.x / first.size.y
    } else {
        16.0 / 9.0
    };
    let tile_width = (row.height() * aspect).max(8.0);
    let tile_frames = f64::from(tile_width) * view.frames_per_point();
    let left = x_to_frame(view, layout.track, row.left()).max(0.0);
    let right = x_to_frame(view, layout.track, row.right()).min(f64::from(frames));
    let mut k = (left / tile_frames).floor();
    while k * tile_frames < right {
        let start = k * tile_frames;
        let middle = (start + tile_frames / 2.0).min(f64::from(frames.saturating_sub(1)));
        let Some(thumb) = nearest(thumbs, middle) else {
            break;
        };
        let x = frame_to_x(view, layout.track, start);
        let tile = Rect::from_min_size(pos2(x, row.top()), vec2(tile_width - 1.0, row.height()));
        painter.image(
            thumb.texture,
            tile,
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
            Color32::WHITE,
        );
        k += 1.0;
    }
}

fn nearest(thumbs: &[FilmstripThumb], frame: f64) -> Option<&FilmstripThumb> {
    let after = thumbs.partition_point(|t| f64::from(t.frame) <= frame);
    match (
        after.checked_sub(1).and_then(|i| thumbs.get(i)),
        thumbs.get(after),
    ) {
        (Some(a), Some(b)) if f64::from(b.frame) - frame < frame - f64::from(a.frame) => Some(b),
        (Some(a), _) => Some(a),
        (None, b) => b,
    }
}

/// Sound as a min/max envelope, one column per point, built as one mesh
/// so a long clip costs one shape.
#[allow(clippy::too_many_arguments)]
pub(super) fn paint_waveform(
    painter: &Painter,
    view: &TimelineView,
    layout: &TimelineLayout,
    peaks: &[(i8, i8)],
    per_second: u32,
    rate: FrameRate,
    frames: u32,
    colour: Color32,
) {
    let row = layout
        .waveform
        .intersect(layout.track)
        .shrink2(vec2(0.0, 2.0));
    if peaks.is_empty() || per_second == 0 {
        return;
    }
    let buckets_per_frame = f64::from(per_second) / rate.fps_f64();
    let middle = row.center().y;
    let scale = row.height() / 2.0 / 127.0;
    let end_x = frame_to_x(view, layout.track, f64::from(frames)).min(row.right());
    let mut mesh = Mesh::default();
    let mut x = row.left();
    while x < end_x {
        let f0 = x_to_frame(view, layout.track, x).max(0.0);
        let f1 = x_to_frame(view, layout.track, x + 1.0);
        let b0 = (f0 * buckets_per_frame).floor() as usize;
        let b1 = ((f1 * buckets_per_frame).ceil() as usize)
            .max(b0 + 1)
            .min(peaks.len());
        if let Some(slice) = peaks.get(b0..b1) {
            let low = slice.iter().map(|p| p.0).min().unwrap_or(0);
            let high = slice.iter().map(|p| p.1).max().unwrap_or(0);
            let top = middle - f32::from(high) * scale;
            let bottom = (middle - f32::from(low) * scale).max(top + 1.0);
            mesh.add_colored_rect(
                Rect::from_min_max(pos2(x, top), pos2(x + 1.0, bottom)),
                colour,
            );
        }
        x += 1.0;
    }
    painter.add(Shape::mesh(mesh));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_thumbnail_is_chosen() {
        let thumb = |frame| FilmstripThumb {
            frame,
            texture: egui::TextureId::default(),
            size: vec2(16.0, 9.0),
        };
        let thumbs = [thumb(0), thumb(100), thumb(200)];
        assert_eq!(nearest(&thumbs, 40.0).unwrap().frame, 0);
        assert_eq!(nearest(&thumbs, 60.0).unwrap().frame, 100);
        assert_eq!(nearest(&thumbs, 150.5).unwrap().frame, 200);
        assert_eq!(nearest(&thumbs, 5000.0).unwrap().frame, 200);
        assert_eq!(nearest(&thumbs[..1], 5000.0).unwrap().frame, 0);
        assert!(nearest(&[], 1.0).is_none());
    }
}
