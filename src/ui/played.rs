//! A reel item as the viewer plays it, resolved against the project: the
//! one reading of spans, speed and hold that preview and review share.

use std::time::Duration;

use crate::model::{ClipId, MomentId, Project, ReelId};

pub(super) struct PlayedItem {
    pub clip: ClipId,
    pub moment: MomentId,
    pub start: u32,
    pub end: u32,
    /// The item's own speed (1.0 = as filmed).
    pub speed: f64,
    /// The freeze frame, if it lies inside the span, and how long it holds.
    pub hold: Option<(u32, Duration)>,
    /// Parent-facing: the reel's caption for the item, else the moment's.
    pub caption: String,
}

/// Item `index` of `reel`; `None` when the reel, item, moment or clip is gone.
pub(super) fn played_item(project: &Project, reel: ReelId, index: usize) -> Option<PlayedItem> {
    let item = project.reel(reel)?.items.get(index)?;
    let moment = project.moment(item.moment)?;
    let clip = project.clip(moment.clip)?;
    let (start, end) = item.span(moment, clip.media.frames);
    Some(PlayedItem {
        clip: clip.id,
        moment: moment.id,
        start,
        end,
        speed: f64::from(item.speed_percent) / 100.0,
        hold: item
            .hold
            .filter(|h| (start..=end).contains(&h.frame))
            .map(|h| (h.frame, Duration::from_millis(u64::from(h.duration_ms)))),
        caption: item.shown_caption(moment).to_owned(),
    })
}

/// The next step of the specialist's slow motion: 1× → ½× → ¼× → 1×.
pub(super) fn slower(current: f64) -> f64 {
    match current {
        x if x > 0.75 => 0.5,
        x if x > 0.375 => 0.25,
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slow_motion_cycles_through_half_and_quarter() {
        assert_eq!(super::slower(1.0), 0.5);
        assert_eq!(super::slower(0.5), 0.25);
        assert_eq!(super::slower(0.25), 1.0);
    }
}
