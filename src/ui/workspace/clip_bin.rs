//! The media bin: each clip with its thumbnail, length and consent, which
//! clips are offline, and the clip jobs in flight (thumbnails, the media
//! check, relinking, adding). It draws what it is given and hands back what
//! the person asked for.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::model::{Clip, ClipId, ConsentUse, Project};
use crate::ui::jobs::{self, Job, JobError, Worker};
use crate::ui::style;

/// Long side of the media bin's thumbnails.
const THUMB_SIDE: u32 = 320;

/// Where a clip's file is, for a saved project or a clip opened on its own.
pub(super) fn resolve(project_path: Option<&Path>, clip: &Clip) -> PathBuf {
    match project_path {
        Some(p) => crate::store::clip_path(p, clip),
        None => PathBuf::from(&clip.path),
    }
}

/// What the person asked of the media bin.
pub(super) enum BinAsk {
    Show(ClipId),
    Relink(ClipId),
    AddClips,
}

pub(super) enum Thumb {
    Ready(egui::TextureHandle),
    Failed(String),
}

/// The media bin: thumbnails, which clips are offline, and the clip jobs
/// in flight.
#[derive(Default)]
pub(super) struct ClipBin {
    pub thumbs: std::collections::HashMap<ClipId, Thumb>,
    /// Thumbnail workers still running (one more per batch of added clips).
    pub thumb_jobs: Vec<Job<(), ThumbResult>>,
    pub offline: HashSet<ClipId>,
    pub media_check: Option<Job<HashSet<ClipId>>>,
    /// The clip being looked for, in which folder.
    pub relinking: Option<(ClipId, PathBuf, Job<Option<PathBuf>>)>,
    pub adding: Option<Job<Vec<anyhow::Result<Clip>>>>,
}

impl ClipBin {
    /// Turns the thumbnails that arrived into textures.
    pub(super) fn take_thumbnails(&mut self, ctx: &egui::Context) {
        let mut arrived = Vec::new();
        self.thumb_jobs
            .retain_mut(|job| job.poll(|thumb| arrived.push(thumb)).is_none());
        for (id, result) in arrived {
            let thumb = match result {
                Ok(img) => {
                    let size = [img.width() as usize, img.height() as usize];
                    let color = egui::ColorImage::from_rgba_unmultiplied(size, img.as_raw());
                    Thumb::Ready(ctx.load_texture(
                        format!("clip-thumb-{id}"),
                        color,
                        egui::TextureOptions::LINEAR,
                    ))
                }
                Err(e) => Thumb::Failed(e.to_string()),
            };
            self.thumbs.insert(id, thumb);
        }
    }

    /// The media bin; returns what the person asked for.
    pub(super) fn show(
        &self,
        ui: &mut egui::Ui,
        project: &Project,
        current: Option<ClipId>,
    ) -> Option<BinAsk> {
        ui.heading("Clips");
        let mut asked = None;
        egui::ScrollArea::vertical()
            .id_salt("media-bin")
            .show(ui, |ui| {
                for clip in &project.clips {
                    let current = current == Some(clip.id);
                    let offline = self.offline.contains(&clip.id);
                    let frame = egui::Frame::group(ui.style()).fill(if current {
                        ui.visuals().selection.bg_fill.gamma_multiply(0.35)
                    } else {
                        egui::Color32::TRANSPARENT
                    });
                    frame.show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        match self.thumbs.get(&clip.id) {
                            Some(Thumb::Ready(t)) if !offline => {
                                // Portrait phone footage would otherwise fill the list.
                                let size = t.size_vec2();
                                let scale =
                                    (ui.available_width() / size.x).min(120.0 / size.y).min(1.0);
                                ui.add(
                                    egui::Image::new((t.id(), size * scale))
                                        .alt_text(format!("Thumbnail of {}", clip.name)),
                                );
                            }
                            Some(Thumb::Failed(why)) if !offline => {
                                ui.colored_label(ui.visuals().error_fg_color, why);
                            }
                            _ => {}
                        }
                        let seconds = clip.media.duration_us as f64 / 1e6;
                        let label = format!("{}  ·  {}", clip.name, duration_text(seconds));
                        if ui.selectable_label(current, label).clicked() {
                            asked = Some(BinAsk::Show(clip.id));
                        }
                        ui.horizontal_wrapped(|ui| {
                            for (use_, text, colour) in [
                                (ConsentUse::Therapy, "therapy", style::THERAPY),
                                (ConsentUse::Supervision, "supervision", style::SUPERVISION),
                                (ConsentUse::Teaching, "teaching", style::TEACHING),
                            ] {
                                if clip.consent.allows(use_) {
                                    ui.label(egui::RichText::new(text).small().color(colour));
                                } else {
                                    ui.label(
                                        egui::RichText::new(format!("no {text}"))
                                            .small()
                                            .weak()
                                            .strikethrough(),
                                    );
                                }
                            }
                        });
                        if offline {
                            ui.colored_label(
                                ui.visuals().warn_fg_color,
                                "Offline: file moved or changed",
                            );
                            if ui.button(format!("Relink {}…", clip.name)).clicked() {
                                asked = Some(BinAsk::Relink(clip.id));
                            }
                        }
                    });
                }
                if ui.button("Add clips…").clicked() {
                    asked = Some(BinAsk::AddClips);
                }
                ui.label(
                    egui::RichText::new("or drop video files on the window")
                        .weak()
                        .small(),
                );
            });
        asked
    }
}

/// One clip's media-bin thumbnail, as it arrives from the worker.
pub(super) type ThumbResult = (
    ClipId,
    Result<image::RgbaImage, crate::media::probe::ProbeError>,
);

/// One worker decodes the given clips' thumbnails in turn, handing each to
/// the media bin as it is ready: the UI never waits on a decoder.
pub(super) fn spawn_thumbnails<'a>(
    ctx: &egui::Context,
    clips: impl IntoIterator<Item = &'a Clip>,
    project_path: Option<&Path>,
) -> Result<Job<(), ThumbResult>, JobError> {
    let work: Vec<_> = clips
        .into_iter()
        .map(|clip| (clip.id, resolve(project_path, clip), clip.media.rotation))
        .collect();
    jobs::spawn(ctx, "thumbnails", move |worker: &Worker<ThumbResult>| {
        for (id, path, rotation) in work {
            let result = crate::media::still::first_frame(&path, THUMB_SIDE, rotation);
            if !worker.report((id, result)) {
                return;
            }
        }
    })
}

/// Finds the clips whose files are missing or no longer the same footage.
pub(super) fn spawn_media_check(
    ctx: &egui::Context,
    project_path: PathBuf,
    project: Project,
) -> Result<Job<HashSet<ClipId>>, JobError> {
    jobs::spawn(ctx, "media-check", move |_: &Worker<()>| {
        crate::store::check_media(&project_path, &project)
            .iter()
            .map(|p| p.clip())
            .collect()
    })
}

fn duration_text(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    if whole >= 60 {
        format!("{}:{:02}", whole / 60, whole % 60)
    } else {
        format!("{seconds:.1} s")
    }
}
