//! The time ruler: timecodes at steps that suit the zoom, down to single
//! frames when a frame is wide enough to point at.

use egui::{Align2, Color32, FontId, Painter, Stroke, pos2};

use super::layout::TimelineLayout;
use super::view::{TimelineView, frame_to_x, x_to_frame};
use crate::model::FrameRate;

/// Labelled ticks are at least this far apart, so timecodes never overlap.
const LABEL_SPACING: f64 = 96.0;
/// Unlabelled ticks closer than this would be a grey smear.
const TICK_SPACING: f64 = 7.0;

/// Tick steps in frames, smallest first: whole frames, then whole seconds
/// and minutes of timecode.
fn steps(rate: FrameRate) -> Vec<u64> {
    let second = u64::from(rate.num.div_ceil(rate.den)).max(1);
    let mut steps: Vec<u64> = [1, 2, 5, 10].into_iter().filter(|&f| f < second).collect();
    for seconds in [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600] {
        steps.push(second * seconds);
    }
    steps
}

/// (labelled step, unlabelled step) in frames for a zoom level; the
/// unlabelled step divides the labelled one so ticks line up.
pub(super) fn tick_steps(rate: FrameRate, frames_per_point: f64) -> (u64, Option<u64>) {
    let all = steps(rate);
    let points = |step: u64| step as f64 / frames_per_point;
    let major = all
        .iter()
        .copied()
        .find(|&s| points(s) >= LABEL_SPACING)
        .unwrap_or(all[all.len() - 1]);
    let minor = all
        .iter()
        .copied()
        .find(|&s| s < major && major % s == 0 && points(s) >= TICK_SPACING);
    (major, minor)
}

pub(super) fn paint(
    painter: &Painter,
    view: &TimelineView,
    layout: &TimelineLayout,
    rate: FrameRate,
    frames: u32,
    text: Color32,
) {
    let track = layout.track;
    let ruler = layout.ruler;
    let (major, minor) = tick_steps(rate, view.frames_per_point());
    let first = x_to_frame(view, track, track.left()).max(0.0) as u64;
    let last =
        (x_to_frame(view, track, track.right()).ceil().max(0.0) as u64).min(u64::from(frames));
    let tick = Stroke::new(1.0, text.gamma_multiply(0.5));
    if let Some(step) = minor {
        for k in first / step..=last / step {
            let x = frame_to_x(view, track, (k * step) as f64);
            painter.vline(x, (ruler.bottom() - 5.0)..=ruler.bottom(), tick);
        }
    }
    let font = FontId::monospace(10.5);
    for k in first / major..=last / major {
        let frame = k * major;
        let x = frame_to_x(view, track, frame as f64);
        painter.vline(x, (ruler.top() + 2.0)..=ruler.bottom(), tick);
        painter.text(
            pos2(x + 3.0, ruler.top() + 2.0),
            Align2::LEFT_TOP,
            rate.timecode(frame),
            font.clone(),
            text,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(num: u32, den: u32) -> FrameRate {
        FrameRate::new(num, den).unwrap()
    }

    #[test]
    fn ticks_go_from_minutes_down_to_frames() {
        let r = rate(30, 1);
        // A one-hour clip over 1200 points: labels every five minutes,
        // ticks every thirty seconds.
        assert_eq!(tick_steps(r, 108_000.0 / 1200.0), (30 * 300, Some(30 * 30)));
        // 16 points a frame: labels every 10 frames, a tick on every frame.
        assert_eq!(tick_steps(r, 1.0 / 16.0), (10, Some(1)));
        // A hundred seconds over 1000 points: every 10 s, ticks every second.
        assert_eq!(tick_steps(r, 3.0), (300, Some(30)));
    }

    #[test]
    fn ntsc_seconds_count_thirty_frames() {
        assert_eq!(tick_steps(rate(30000, 1001), 0.5).0, 60);
        assert_eq!(steps(rate(25, 1))[..5], [1, 2, 5, 10, 25]);
    }
}
