//! Zoom and scroll: which frames the timeline shows and where they land.
//!
//! Frame `f` covers the half-open stretch `[f, f + 1)` of "frame space", so
//! a frame has a width when zoomed in and its boundaries are whole numbers.

use egui::Rect;

use super::gesture::Gesture;

/// Closest zoom: this many points per frame, enough to grab one frame.
pub(crate) const MAX_POINTS_PER_FRAME: f64 = 16.0;

/// What part of the clip is on screen. The caller keeps one per clip and
/// replaces it with `Default` (whole clip) on switching clips.
#[derive(Clone, Debug)]
pub struct TimelineView {
    /// Frame-space position at the left edge of the lanes.
    left: f64,
    frames_per_point: f64,
    /// Until someone zooms, the whole clip fits whatever the width is.
    fit: bool,
    /// The drag in progress, kept here so a view reset also ends it.
    pub(super) gesture: Gesture,
}

impl Default for TimelineView {
    fn default() -> Self {
        Self {
            left: 0.0,
            frames_per_point: 1.0,
            fit: true,
            gesture: Gesture::None,
        }
    }
}

impl TimelineView {
    /// Frame-space position at the left edge.
    pub fn left(&self) -> f64 {
        self.left
    }

    pub fn frames_per_point(&self) -> f64 {
        self.frames_per_point
    }

    /// Whether the whole clip is shown (and stays so as the width changes).
    pub fn is_fitted(&self) -> bool {
        self.fit
    }

    /// Frames shown across `width` points.
    pub fn visible_frames(&self, width: f32) -> f64 {
        f64::from(width) * self.frames_per_point
    }

    /// Shows the frames `[first, first + count)` across `width` points,
    /// within the zoom and scroll limits.
    pub fn show_range(&mut self, first: f64, count: f64, frames: u32, width: f32) {
        self.fit = false;
        self.frames_per_point = count / f64::from(width.max(1.0));
        self.left = first;
        self.clamp(frames, width);
    }

    /// Keeps the zoom between one frame per `MAX_POINTS_PER_FRAME` points
    /// and the whole clip, and the view inside the clip.
    pub fn clamp(&mut self, frames: u32, width: f32) {
        let width = f64::from(width.max(1.0));
        let frames = f64::from(frames.max(1));
        let whole = frames / width;
        let closest = (1.0 / MAX_POINTS_PER_FRAME).min(whole);
        if self.fit || self.frames_per_point >= whole {
            self.fit = true;
            self.frames_per_point = whole;
        }
        self.frames_per_point = self.frames_per_point.clamp(closest, whole);
        let max_left = (frames - width * self.frames_per_point).max(0.0);
        self.left = if self.left.is_finite() {
            self.left.clamp(0.0, max_left)
        } else {
            0.0
        };
    }

    /// Zooms by `factor` (> 1 zooms in) keeping the frame under `anchor_x`
    /// where it is.
    pub fn zoom_around(&mut self, factor: f64, anchor_x: f32, track: Rect, frames: u32) {
        if !(factor.is_finite() && factor > 0.0) || (factor - 1.0).abs() < 1e-9 {
            return;
        }
        let anchor = x_to_frame(self, track, anchor_x);
        self.fit = false;
        self.frames_per_point /= factor;
        self.left = anchor - f64::from(anchor_x - track.left()) * self.frames_per_point;
        self.clamp(frames, track.width());
    }

    /// Scrolls by `points` (positive moves later in the clip).
    pub fn pan(&mut self, points: f32, frames: u32, width: f32) {
        self.left += f64::from(points) * self.frames_per_point;
        self.clamp(frames, width);
    }

    /// During playback: when the playhead leaves the view, turn the page so
    /// it is near the left edge again.
    pub fn follow(&mut self, playhead: u32, frames: u32, width: f32) {
        let shown = self.visible_frames(width);
        let at = f64::from(playhead);
        if at < self.left || at + 1.0 > self.left + shown {
            self.left = at - shown * 0.05;
            self.clamp(frames, width);
        }
    }
}

/// Where a frame-space position lands on screen.
pub fn frame_to_x(view: &TimelineView, track: Rect, frame: f64) -> f32 {
    (f64::from(track.left()) + (frame - view.left) / view.frames_per_point) as f32
}

/// The frame-space position under `x` (fractional).
pub(super) fn x_to_frame(view: &TimelineView, track: Rect, x: f32) -> f64 {
    view.left + f64::from(x - track.left()) * view.frames_per_point
}

/// The whole frame under `x`, within the clip.
pub(super) fn frame_at(view: &TimelineView, track: Rect, x: f32, frames: u32) -> u32 {
    clamp_frame(x_to_frame(view, track, x).floor(), frames)
}

/// The frame boundary nearest `x`: where a dragged edge snaps to.
pub(super) fn boundary_at(view: &TimelineView, track: Rect, x: f32, frames: u32) -> u32 {
    let b = x_to_frame(view, track, x).round();
    if b <= 0.0 {
        0
    } else {
        b.min(f64::from(frames)) as u32
    }
}

fn clamp_frame(f: f64, frames: u32) -> u32 {
    let last = frames.saturating_sub(1);
    if f.is_nan() || f <= 0.0 {
        0
    } else if f >= f64::from(last) {
        last
    } else {
        f as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{pos2, vec2};

    fn track() -> Rect {
        Rect::from_min_size(pos2(100.0, 0.0), vec2(1000.0, 50.0))
    }

    fn fitted(frames: u32) -> TimelineView {
        let mut v = TimelineView::default();
        v.clamp(frames, track().width());
        v
    }

    #[test]
    fn the_default_view_fits_the_whole_clip() {
        let v = fitted(108_000);
        assert!(v.is_fitted());
        assert!((v.frames_per_point() - 108.0).abs() < 1e-9);
        assert_eq!(frame_to_x(&v, track(), 0.0), 100.0);
        assert_eq!(frame_to_x(&v, track(), 108_000.0), 1100.0);
    }

    #[test]
    fn x_and_frame_round_trip() {
        let mut v = fitted(9000);
        v.show_range(1234.0, 300.0, 9000, 1000.0);
        for frame in [1234.0, 1300.5, 1533.0] {
            let x = frame_to_x(&v, track(), frame);
            assert!((x_to_frame(&v, track(), x) - frame).abs() < 1e-3, "{frame}");
        }
        // 300 frames over 1000 points: frame 1300 starts at 100 + 66/0.3.
        let x = frame_to_x(&v, track(), 1300.0);
        assert_eq!(frame_at(&v, track(), x + 1.0, 9000), 1300);
        assert_eq!(frame_at(&v, track(), x - 1.0, 9000), 1299);
    }

    #[test]
    fn zoom_stops_at_single_frames_and_at_the_whole_clip() {
        let mut v = fitted(9000);
        for _ in 0..100 {
            v.zoom_around(2.0, 600.0, track(), 9000);
        }
        assert!((v.frames_per_point() - 1.0 / MAX_POINTS_PER_FRAME).abs() < 1e-12);
        assert!(!v.is_fitted());
        for _ in 0..100 {
            v.zoom_around(0.5, 600.0, track(), 9000);
        }
        assert!(v.is_fitted());
        assert_eq!(v.left(), 0.0);
        assert!((v.frames_per_point() - 9.0).abs() < 1e-9);
    }

    #[test]
    fn zooming_keeps_the_frame_under_the_pointer() {
        let mut v = fitted(9000);
        let before = x_to_frame(&v, track(), 350.0);
        v.zoom_around(4.0, 350.0, track(), 9000);
        assert!((x_to_frame(&v, track(), 350.0) - before).abs() < 1e-6);
        assert!((v.frames_per_point() - 9.0 / 4.0).abs() < 1e-9);
    }

    #[test]
    fn panning_stays_inside_the_clip() {
        let mut v = fitted(9000);
        v.show_range(0.0, 1000.0, 9000, 1000.0);
        v.pan(-500.0, 9000, 1000.0);
        assert_eq!(v.left(), 0.0);
        v.pan(1e9, 9000, 1000.0);
        assert!((v.left() - 8000.0).abs() < 1e-9);
    }

    #[test]
    fn a_short_clip_never_zooms_past_one_frame_per_16_points() {
        // 10 frames across 1000 points would be 100 points a frame: the
        // whole clip is then also the closest zoom.
        let v = fitted(10);
        assert!((v.frames_per_point() - 0.01).abs() < 1e-12);
    }

    #[test]
    fn edges_snap_to_the_nearest_frame_boundary_within_the_clip() {
        let mut v = fitted(9000);
        v.show_range(100.0, 100.0, 9000, 1000.0); // 10 points a frame
        assert_eq!(
            boundary_at(&v, track(), 100.0 + 10.0 * 5.0 + 4.0, 9000),
            105
        );
        assert_eq!(
            boundary_at(&v, track(), 100.0 + 10.0 * 5.0 + 6.0, 9000),
            106
        );
        assert_eq!(boundary_at(&v, track(), -1e6, 9000), 0);
        assert_eq!(boundary_at(&v, track(), 1e9, 9000), 9000);
        assert_eq!(frame_at(&v, track(), 1e9, 9000), 8999);
    }

    #[test]
    fn following_the_playhead_turns_the_page() {
        let mut v = fitted(9000);
        v.show_range(0.0, 1000.0, 9000, 1000.0);
        v.follow(500, 9000, 1000.0);
        assert_eq!(v.left(), 0.0, "in view: nothing moves");
        v.follow(1500, 9000, 1000.0);
        assert!(v.left() <= 1500.0 && v.left() + 1000.0 > 1501.0);
    }
}
