//! Where each row of the timeline sits. Public so tests (and the workspace)
//! can compute where a lane or a frame is without reading pixels.

use egui::{Rect, pos2};

/// Width of the lane names at the left.
pub(crate) const NAME_WIDTH: f32 = 128.0;
pub(super) const RULER_HEIGHT: f32 = 24.0;
pub(super) const FILMSTRIP_HEIGHT: f32 = 44.0;
pub(super) const WAVEFORM_HEIGHT: f32 = 32.0;
pub(super) const LANE_HEIGHT: f32 = 22.0;

/// The rows, top to bottom, of a timeline drawn in `rect`.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineLayout {
    pub rect: Rect,
    /// Where frames are drawn: right of the names, full height. Pass this to
    /// `frame_to_x`.
    pub track: Rect,
    pub names: Rect,
    pub ruler: Rect,
    pub filmstrip: Rect,
    pub waveform: Rect,
    /// One per lane, spanning the names and the track.
    pub lanes: Vec<Rect>,
}

/// How tall a timeline with `lanes` lanes is.
pub(crate) fn desired_height(lanes: usize) -> f32 {
    RULER_HEIGHT + FILMSTRIP_HEIGHT + WAVEFORM_HEIGHT + LANE_HEIGHT * lanes as f32
}

impl TimelineLayout {
    pub fn new(rect: Rect, lanes: usize) -> Self {
        let names_right = (rect.left() + NAME_WIDTH).min(rect.right() - 1.0);
        let row = |top: f32, height: f32| {
            Rect::from_min_max(pos2(rect.left(), top), pos2(rect.right(), top + height))
        };
        let ruler = row(rect.top(), RULER_HEIGHT);
        let filmstrip = row(ruler.bottom(), FILMSTRIP_HEIGHT);
        let waveform = row(filmstrip.bottom(), WAVEFORM_HEIGHT);
        let lanes = (0..lanes)
            .map(|i| row(waveform.bottom() + LANE_HEIGHT * i as f32, LANE_HEIGHT))
            .collect();
        Self {
            rect,
            track: Rect::from_min_max(pos2(names_right, rect.top()), rect.max),
            names: Rect::from_min_max(rect.min, pos2(names_right, rect.bottom())),
            ruler,
            filmstrip,
            waveform,
            lanes,
        }
    }

    /// The lane under a height on screen.
    pub fn lane_at(&self, y: f32) -> Option<usize> {
        let first = self.lanes.first()?.top();
        if y < first {
            return None;
        }
        let i = ((y - first) / LANE_HEIGHT) as usize;
        (i < self.lanes.len()).then_some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::vec2;

    #[test]
    fn rows_stack_and_lanes_are_found_by_height() {
        let rect = Rect::from_min_size(pos2(10.0, 20.0), vec2(800.0, desired_height(3)));
        let l = TimelineLayout::new(rect, 3);
        assert_eq!(l.track.left(), 10.0 + NAME_WIDTH);
        assert_eq!(l.filmstrip.top(), l.ruler.bottom());
        assert_eq!(l.lanes[0].top(), l.waveform.bottom());
        assert_eq!(l.lanes[2].bottom(), rect.bottom());
        assert_eq!(l.lane_at(l.lanes[1].center().y), Some(1));
        assert_eq!(l.lane_at(l.ruler.center().y), None);
        assert_eq!(l.lane_at(rect.bottom() + 1.0), None);
    }
}
