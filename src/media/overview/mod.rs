//! STUB until the overview branch lands.
use std::path::PathBuf;
use std::sync::Arc;
pub struct Thumbnail {
    pub frame: u32,
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}
pub struct Filmstrip {
    pub thumbs: Vec<Thumbnail>,
}
pub struct Waveform {
    pub buckets_per_second: u32,
    pub peaks: Vec<(i8, i8)>,
}
pub struct OverviewJob {
    pub path: PathBuf,
    pub fingerprint: crate::model::Fingerprint,
    pub rotation: u16,
    pub frames: u32,
    pub frame_rate: crate::model::FrameRate,
}
pub enum OverviewEvent {
    Progress {
        fingerprint_hash: String,
        fraction: f32,
    },
    Filmstrip {
        fingerprint_hash: String,
        filmstrip: Arc<Filmstrip>,
    },
    Waveform {
        fingerprint_hash: String,
        waveform: Arc<Waveform>,
    },
    Failed {
        fingerprint_hash: String,
        message: String,
    },
}
pub struct OverviewWorker;
impl OverviewWorker {
    pub fn new(_c: Option<PathBuf>, _e: Box<dyn Fn() + Send + Sync>) -> Self {
        OverviewWorker
    }
    pub fn request(&self, _j: OverviewJob) {}
    pub fn try_recv(&self) -> Option<OverviewEvent> {
        None
    }
}
