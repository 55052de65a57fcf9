//! STUB until the timeline branch lands.
use crate::model::{ClipId, Codebook, FrameRate, MomentId, Project};
#[derive(Default)]
pub struct TimelineView {
    _zoom: f64,
}
pub struct TimelineIndex;
impl TimelineIndex {
    pub fn build(_p: &Project, _c: ClipId, _b: Option<&Codebook>) -> Self {
        TimelineIndex
    }
}
pub struct FilmstripThumb {
    pub frame: u32,
    pub texture: egui::TextureId,
    pub size: egui::Vec2,
}
pub struct TimelineInput<'a> {
    pub index: &'a TimelineIndex,
    pub frames: u32,
    pub rate: FrameRate,
    pub playhead: u32,
    pub selected: Option<MomentId>,
    pub mark_in: Option<u32>,
    pub mark_out: Option<u32>,
    pub filmstrip: &'a [FilmstripThumb],
    pub waveform: Option<(&'a [(i8, i8)], u32)>,
    pub overview_progress: Option<f32>,
    pub follow_playhead: bool,
}
pub enum TimelineAction {
    Seek(u32),
    Scrub(u32),
    ScrubEnd,
    Select(MomentId),
    Trim {
        moment: MomentId,
        start: u32,
        end: u32,
    },
}
pub fn show(_ui: &mut egui::Ui, _v: &mut TimelineView, _i: &TimelineInput) -> Vec<TimelineAction> {
    Vec::new()
}
