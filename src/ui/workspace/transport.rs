//! What the viewer shows and where the specialist is in it: the engine's
//! viewer, the clip on screen, the in/out marks, and the timeline's view,
//! index and overviews.

use crate::model::ClipId;
use crate::ui::timeline::{TimelineIndex, TimelineView};
use crate::ui::viewer::Viewer;

use super::overview::Overviews;

pub(super) struct Transport {
    pub viewer: Viewer,
    /// The clip in the viewer and timeline.
    pub current: Option<ClipId>,
    pub mark_in: Option<u32>,
    pub mark_out: Option<u32>,
    pub timeline_view: TimelineView,
    /// Lanes of the current clip, rebuilt when the project or the codebook changes.
    pub timeline_index: Option<(u64, ClipId, Option<String>, TimelineIndex)>,
    pub overviews: Overviews,
}

impl Transport {
    pub fn new(ctx: &egui::Context, cache_dir: Option<std::path::PathBuf>) -> Self {
        Self {
            viewer: Viewer::new(ctx),
            current: None,
            mark_in: None,
            mark_out: None,
            timeline_view: TimelineView::default(),
            timeline_index: None,
            overviews: Overviews::new(ctx, cache_dir),
        }
    }
}
