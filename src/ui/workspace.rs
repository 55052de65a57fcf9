//! An open project: its clips and moments, the first frame of the selected
//! clip, saving, and the offer to restore autosaved work after a crash.

use std::collections::HashMap;
use std::path::PathBuf;

use crossbeam_channel::{Receiver, unbounded};

use super::opening::Opened;
use super::saving::Saver;
use super::style;
use crate::model::{ClipId, ConsentUse, Document, Project};

/// Long side of the preview picture decoded for the viewer.
const PREVIEW_SIDE: u32 = 960;

pub struct Workspace {
    doc: Document,
    project_path: Option<PathBuf>,
    _lock: Option<crate::store::ProjectLock>,
    banner: Option<String>,
    saver: Saver,
    /// Autosaved work found on opening, waiting for the user's answer.
    recovery_offer: Option<Project>,
    selected: Option<ClipId>,
    previews: HashMap<ClipId, Preview>,
    preview_rx: Receiver<(ClipId, Result<image::RgbaImage, String>)>,
}

enum Preview {
    Pending,
    Ready(egui::TextureHandle),
    Failed(String),
}

impl Workspace {
    pub fn new(ctx: &egui::Context, opened: Opened, options: super::AppOptions) -> Self {
        let banner = match (&opened.read_only_because, opened.migrated_from) {
            (Some(why), _) => Some(format!("Read-only: {why}")),
            (None, Some(v)) => Some(format!(
                "This project was written by an older Attune (schema {v}); saving upgrades it."
            )),
            _ => None,
        };
        let selected = opened.project.clips.first().map(|c| c.id);
        let preview_rx = spawn_previews(ctx, &opened);
        let previews = opened
            .project
            .clips
            .iter()
            .map(|c| (c.id, Preview::Pending))
            .collect();
        let saver = Saver::new(
            opened.project_path.as_deref(),
            opened.lock.is_some(),
            options.autosave_interval,
        );
        // A migrated project differs from its file until it is saved.
        let doc = if opened.migrated_from.is_some() {
            Document::unsaved(opened.project)
        } else {
            Document::new(opened.project)
        };
        Self {
            doc,
            project_path: opened.project_path,
            _lock: opened.lock,
            banner,
            saver,
            recovery_offer: opened.recovery,
            selected,
            previews,
            preview_rx,
        }
    }

    pub fn project(&self) -> &Project {
        self.doc.project()
    }

    pub fn is_dirty(&self) -> bool {
        self.doc.is_dirty()
    }

    /// Work that arrives from other threads: previews, saves, autosaves.
    pub fn poll(&mut self, ctx: &egui::Context) {
        while let Ok((id, result)) = self.preview_rx.try_recv() {
            let preview = match result {
                Ok(img) => {
                    let size = [img.width() as usize, img.height() as usize];
                    let color = egui::ColorImage::from_rgba_unmultiplied(size, img.as_raw());
                    Preview::Ready(ctx.load_texture(
                        format!("preview-{id}"),
                        color,
                        egui::TextureOptions::LINEAR,
                    ))
                }
                Err(message) => Preview::Failed(message),
            };
            self.previews.insert(id, preview);
        }
        self.saver.poll(&mut self.doc);
        if self.saver.is_saving() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        } else if self.doc.is_dirty()
            && let Some(interval) = self.saver.autosave_interval()
        {
            // Wake up for the next autosave even if nobody touches the window.
            ctx.request_repaint_after(interval);
        }
    }

    fn title(&self) -> String {
        let name = &self.doc.project().title;
        let dirty = if self.doc.is_dirty() { " •" } else { "" };
        // The file name is enough to tell projects apart; the full path is
        // in the hover text, and screenshots shared for support stay short.
        match self.project_path.as_deref().and_then(|p| p.file_name()) {
            Some(file) => format!("{name}{dirty} — {}", file.to_string_lossy()),
            None => format!("{name}{dirty} — not saved yet"),
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let save_shortcut = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::S);
        if ui.input_mut(|i| i.consume_shortcut(&save_shortcut)) {
            self.saver.save(&self.doc);
        }
        self.recovery_dialog(ui.ctx());
        egui::Panel::top("project-bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                let title = ui.heading(self.title());
                if let Some(path) = &self.project_path {
                    title.on_hover_text(path.display().to_string());
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let can = self.saver.can_save() && self.doc.is_dirty();
                    if ui
                        .add_enabled(can, egui::Button::new("Save"))
                        .on_hover_text("Ctrl+S")
                        .clicked()
                    {
                        self.saver.save(&self.doc);
                    }
                    if let Some(status) = &self.saver.status {
                        ui.label(egui::RichText::new(status).weak());
                    }
                });
            });
            if let Some(banner) = &self.banner {
                ui.colored_label(ui.visuals().warn_fg_color, banner);
            }
        });
        egui::Panel::left("clips-and-moments")
            .default_size(360.0)
            .resizable(true)
            .show(ui, |ui| self.side_lists(ui));
        egui::CentralPanel::default().show(ui, |ui| self.viewer(ui));
    }

    fn recovery_dialog(&mut self, ctx: &egui::Context) {
        if self.recovery_offer.is_none() {
            return;
        }
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("recovery-offer")).show(ctx, |ui| {
            ui.heading("Restore unsaved work?");
            ui.label(
                "Attune closed before this project was saved. The work autosaved \
                 since the last save can be restored; the project file itself is unchanged.",
            );
            ui.horizontal(|ui| {
                if ui.button("Restore unsaved work").clicked() {
                    answer = Some(true);
                }
                if ui.button("Discard it").clicked() {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(true) => {
                if let Some(recovered) = self.recovery_offer.take() {
                    // Restored work is not in the project file until saved.
                    self.doc = Document::unsaved(recovered);
                    self.saver.status = Some("Unsaved work restored".into());
                }
            }
            Some(false) => {
                self.recovery_offer = None;
                if let Some(path) = self.project_path.clone() {
                    let _ = std::thread::Builder::new()
                        .name("discard-recovery".into())
                        .spawn(move || crate::store::discard_recovery(&path));
                }
            }
            None => {}
        }
    }

    fn side_lists(&mut self, ui: &mut egui::Ui) {
        let project = self.doc.project();
        ui.heading("Clips");
        for clip in &project.clips {
            let selected = self.selected == Some(clip.id);
            let seconds = clip.media.duration_us as f64 / 1e6;
            let label = format!("{}  ·  {seconds:.1} s", clip.name);
            ui.horizontal(|ui| {
                if ui.selectable_label(selected, label).clicked() {
                    self.selected = Some(clip.id);
                }
                for (use_, text, colour) in [
                    (ConsentUse::Therapy, "therapy", style::THERAPY),
                    (ConsentUse::Supervision, "supervision", style::SUPERVISION),
                    (ConsentUse::Teaching, "teaching", style::TEACHING),
                ] {
                    if clip.consent.allows(use_) {
                        ui.label(egui::RichText::new(text).small().color(colour));
                    }
                }
            });
        }
        ui.separator();
        ui.heading("Moments");
        let Some(clip_id) = self.selected else {
            ui.label("Select a clip to see its moments.");
            return;
        };
        let Some(clip) = project.clip(clip_id) else {
            return;
        };
        let moments = project.moments_of(clip_id);
        if moments.is_empty() {
            ui.label("No moments tagged in this clip yet.");
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            for moment in moments {
                let rate = clip.media.frame_rate;
                let span = if moment.is_point() {
                    rate.timecode(u64::from(moment.start))
                } else {
                    format!(
                        "{} – {}",
                        rate.timecode(u64::from(moment.start)),
                        rate.timecode(u64::from(moment.end))
                    )
                };
                let codes: Vec<&str> = moment
                    .codes
                    .iter()
                    .filter_map(|c| {
                        project
                            .codebook(&c.codebook)
                            .and_then(|b| b.item(&c.item))
                            .map(|(_, item)| item.name.as_str())
                    })
                    .collect();
                ui.group(|ui| {
                    ui.label(egui::RichText::new(span).monospace());
                    if !codes.is_empty() {
                        ui.label(egui::RichText::new(codes.join(", ")).strong());
                    }
                    if !moment.caption.is_empty() {
                        ui.label(format!("Caption: {}", moment.caption));
                    }
                    if !moment.note.is_empty() {
                        ui.label(egui::RichText::new(format!("Note: {}", moment.note)).weak());
                    }
                });
            }
        });
    }

    fn viewer(&mut self, ui: &mut egui::Ui) {
        let Some(id) = self.selected else {
            ui.centered_and_justified(|ui| ui.label("This project has no clips yet."));
            return;
        };
        match self.previews.get(&id) {
            Some(Preview::Ready(texture)) => {
                let available = ui.available_size();
                let size = texture.size_vec2();
                let scale = (available.x / size.x).min(available.y / size.y).max(0.01);
                ui.centered_and_justified(|ui| {
                    ui.add(
                        egui::Image::new((texture.id(), size * scale))
                            .alt_text("First frame of the selected clip"),
                    );
                });
            }
            Some(Preview::Failed(message)) => {
                ui.centered_and_justified(|ui| {
                    ui.colored_label(ui.visuals().error_fg_color, message);
                });
            }
            Some(Preview::Pending) | None => {
                ui.centered_and_justified(|ui| ui.spinner());
            }
        }
    }
}

/// One worker decodes the previews in turn: the UI thread never waits on a decoder.
fn spawn_previews(
    ctx: &egui::Context,
    opened: &Opened,
) -> Receiver<(ClipId, Result<image::RgbaImage, String>)> {
    let (tx, rx) = unbounded();
    let jobs: Vec<_> = opened
        .project
        .clips
        .iter()
        .map(|clip| {
            let path = match &opened.project_path {
                Some(p) => crate::store::clip_path(p, clip),
                None => PathBuf::from(&clip.path),
            };
            (clip.id, path, clip.media.rotation)
        })
        .collect();
    let ctx = ctx.clone();
    let _ = std::thread::Builder::new()
        .name("previews".into())
        .spawn(move || {
            for (id, path, rotation) in jobs {
                let result = crate::media::still::first_frame(&path, PREVIEW_SIDE, rotation)
                    .map_err(|e| e.to_string());
                if tx.send((id, result)).is_err() {
                    return;
                }
                ctx.request_repaint();
            }
        });
    rx
}
