//! The timeline under the viewer: ruler, filmstrip, waveform and one lane
//! per codebook category with the clip's moments in it.
//!
//! Pure drawing and interaction: it reads a `TimelineIndex` and a few
//! numbers and answers with `TimelineAction`s. The workspace turns those
//! into engine commands and edits, so the timeline never touches either.

mod gesture;
mod index;
mod interact;
mod lanes;
mod layout;
mod overview;
mod paint;
mod ruler;
mod view;

pub use index::{COMPARE_LETTERS, CompareLens, CompareMarks, TimelineIndex, TimelineLens, Verdict};
pub use layout::TimelineLayout;
pub(crate) use layout::{NAME_WIDTH, desired_height};
pub(crate) use view::MAX_POINTS_PER_FRAME;
pub use view::{TimelineView, frame_to_x};

use crate::model::{FrameRate, MomentId};

/// The AccessKit label the timeline carries; tests find it by this.
pub const LABEL: &str = "Timeline";

/// A filmstrip picture, already uploaded as a texture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FilmstripThumb {
    pub frame: u32,
    pub texture: egui::TextureId,
    pub size: egui::Vec2,
}

/// Everything a timeline frame is drawn from.
pub struct TimelineInput<'a> {
    pub index: &'a TimelineIndex,
    /// The clip's length in frames.
    pub frames: u32,
    pub rate: FrameRate,
    pub playhead: u32,
    pub selected: Option<MomentId>,
    pub mark_in: Option<u32>,
    pub mark_out: Option<u32>,
    /// Sorted by frame; empty while still being computed.
    pub filmstrip: &'a [FilmstripThumb],
    /// (min, max) peaks in -127..=127 and how many per second; `None` when
    /// the clip has no sound or it is not ready.
    pub waveform: Option<(&'a [(i8, i8)], u32)>,
    /// `Some(0..=1)` while pictures and sound are computed.
    pub overview_progress: Option<f32>,
    /// During playback: keep the playhead in view by turning the page.
    pub follow_playhead: bool,
}

/// What the person did, for the workspace to carry out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineAction {
    /// A plain click: go to this frame.
    Seek(u32),
    /// Dragging: show this frame now; more will follow.
    Scrub(u32),
    /// The drag ended; a scrub may settle (e.g. resume what was playing).
    ScrubEnd,
    Select(MomentId),
    /// A moment's edge was dragged and let go: one edit, one undo step.
    Trim {
        moment: MomentId,
        start: u32,
        end: u32,
    },
}

/// Draws the timeline across the available width and returns what the
/// pointer and wheel did this frame.
pub fn show(
    ui: &mut egui::Ui,
    view: &mut TimelineView,
    input: &TimelineInput<'_>,
) -> Vec<TimelineAction> {
    let lanes = input.index.lanes().len();
    let size = egui::vec2(ui.available_width(), desired_height(lanes));
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click_and_drag());
    let layout = TimelineLayout::new(rect, lanes);
    let width = layout.track.width();
    view.clamp(input.frames, width);

    let mut actions = Vec::new();
    interact::wheel(ui, &response, view, &layout, input.frames);
    if input.follow_playhead && view.gesture == gesture::Gesture::None {
        view.follow(input.playhead, input.frames, width);
    }
    interact::pointer(ui, &response, view, &layout, input, &mut actions);
    response.widget_info(|| egui::WidgetInfo {
        value: Some(f64::from(input.playhead)),
        ..egui::WidgetInfo::labeled(egui::Role::Slider, true, LABEL)
    });

    if ui.is_rect_visible(rect) {
        paint::paint(&ui.painter_at(rect), ui.visuals(), view, &layout, input);
    }
    actions
}
