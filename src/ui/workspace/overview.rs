//! The timeline's filmstrip and waveform per clip: requested from the
//! background overview worker, uploaded as textures when they arrive.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::media::overview::{OverviewEvent, OverviewJob, OverviewWorker, Waveform};
use crate::model::Clip;
use crate::ui::timeline::FilmstripThumb;

#[derive(Default)]
pub(super) struct ClipOverview {
    /// Some while computing.
    pub progress: Option<f32>,
    pub filmstrip: Vec<FilmstripThumb>,
    /// Keeps the textures alive as long as the thumbnails are drawn.
    textures: Vec<egui::TextureHandle>,
    pub waveform: Option<Arc<Waveform>>,
    pub failed: Option<String>,
}

pub(super) struct Overviews {
    worker: OverviewWorker,
    clips: HashMap<String, ClipOverview>,
}

impl Overviews {
    pub(super) fn new(ctx: &egui::Context, cache_dir: Option<PathBuf>) -> Self {
        let ctx = ctx.clone();
        Self {
            worker: OverviewWorker::new(cache_dir, Box::new(move || ctx.request_repaint())),
            clips: HashMap::new(),
        }
    }

    /// Asks for a clip's filmstrip and waveform once per session.
    pub(super) fn request(&mut self, clip: &Clip, path: PathBuf) {
        let hash = clip.fingerprint.hash.clone();
        if self.clips.contains_key(&hash) {
            return;
        }
        self.clips.insert(
            hash,
            ClipOverview {
                progress: Some(0.0),
                ..Default::default()
            },
        );
        self.worker.request(OverviewJob {
            path,
            fingerprint: clip.fingerprint.clone(),
            rotation: clip.media.rotation,
            frames: clip.media.frames,
            frame_rate: clip.media.frame_rate,
        });
    }

    pub(super) fn get(&self, clip: &Clip) -> Option<&ClipOverview> {
        self.clips.get(&clip.fingerprint.hash)
    }

    pub(super) fn poll(&mut self, ctx: &egui::Context) {
        while let Some(event) = self.worker.try_recv() {
            match event {
                OverviewEvent::Progress {
                    fingerprint_hash,
                    fraction,
                } => {
                    let entry = self.clips.entry(fingerprint_hash).or_default();
                    entry.progress = (fraction < 1.0).then_some(fraction);
                }
                OverviewEvent::Filmstrip {
                    fingerprint_hash,
                    filmstrip,
                } => {
                    let entry = self.clips.entry(fingerprint_hash.clone()).or_default();
                    entry.textures.clear();
                    entry.filmstrip.clear();
                    for thumb in &filmstrip.thumbs {
                        let size = [thumb.width as usize, thumb.height as usize];
                        if thumb.rgba.len() != size[0] * size[1] * 4 {
                            continue;
                        }
                        let image = egui::ColorImage::from_rgba_unmultiplied(size, &thumb.rgba);
                        let texture = ctx.load_texture(
                            format!("filmstrip-{fingerprint_hash}-{}", thumb.frame),
                            image,
                            egui::TextureOptions::LINEAR,
                        );
                        entry.filmstrip.push(FilmstripThumb {
                            frame: thumb.frame,
                            texture: texture.id(),
                            size: egui::vec2(thumb.width as f32, thumb.height as f32),
                        });
                        entry.textures.push(texture);
                    }
                    entry.progress = None;
                }
                OverviewEvent::Waveform {
                    fingerprint_hash,
                    waveform,
                } => {
                    self.clips.entry(fingerprint_hash).or_default().waveform = Some(waveform);
                }
                OverviewEvent::Failed {
                    fingerprint_hash,
                    message,
                } => {
                    let entry = self.clips.entry(fingerprint_hash).or_default();
                    entry.progress = None;
                    entry.failed = Some(message);
                }
            }
        }
    }
}
