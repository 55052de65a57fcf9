//! The foundation window: the project's clips and moments, and the first
//! frame of the selected clip. The full workspace grows from here.

use std::collections::HashMap;
use std::path::PathBuf;

use crossbeam_channel::{Receiver, TryRecvError, bounded, unbounded};

use super::opening::{Opened, open_path};
use super::style;
use crate::model::{ClipId, ConsentUse, Document, Project};

/// Long side of the preview picture decoded for the viewer.
const PREVIEW_SIDE: u32 = 960;

pub struct AttuneApp {
    state: State,
}

enum State {
    Empty,
    Opening {
        path: PathBuf,
        rx: Receiver<anyhow::Result<Opened>>,
    },
    Failed {
        path: PathBuf,
        message: String,
    },
    Ready(Box<Workspace>),
}

struct Workspace {
    doc: Document,
    project_path: Option<PathBuf>,
    _lock: Option<crate::store::ProjectLock>,
    banner: Option<String>,
    selected: Option<ClipId>,
    previews: HashMap<ClipId, Preview>,
    preview_rx: Receiver<(ClipId, Result<image::RgbaImage, String>)>,
}

enum Preview {
    Pending,
    Ready(egui::TextureHandle),
    Failed(String),
}

impl AttuneApp {
    pub fn new(ctx: &egui::Context, path: Option<PathBuf>) -> Self {
        let state = match path {
            Some(path) => start_opening(ctx, path),
            None => State::Empty,
        };
        Self { state }
    }

    /// The project on screen, if one is open (tests read it).
    pub fn project(&self) -> Option<&Project> {
        match &self.state {
            State::Ready(ws) => Some(ws.doc.project()),
            _ => None,
        }
    }

    pub fn is_opening(&self) -> bool {
        matches!(self.state, State::Opening { .. })
    }

    fn poll(&mut self, ctx: &egui::Context) {
        if let State::Opening { path, rx } = &self.state {
            match rx.try_recv() {
                Ok(Ok(opened)) => self.state = State::Ready(Box::new(Workspace::new(ctx, opened))),
                Ok(Err(err)) => {
                    self.state = State::Failed {
                        path: path.clone(),
                        message: format!("{err:#}"),
                    }
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.state = State::Failed {
                        path: path.clone(),
                        message: "opening stopped unexpectedly".into(),
                    }
                }
            }
        }
        if let State::Ready(ws) = &mut self.state {
            ws.receive_previews(ctx);
        }
    }
}

fn start_opening(ctx: &egui::Context, path: PathBuf) -> State {
    let (tx, rx) = bounded(1);
    let ctx = ctx.clone();
    let worker_path = path.clone();
    let spawned = std::thread::Builder::new()
        .name("open-project".into())
        .spawn(move || {
            // The receiver may be gone if the window closed; nothing to do then.
            let _ = tx.send(open_path(&worker_path));
            ctx.request_repaint();
        });
    match spawned {
        Ok(_) => State::Opening { path, rx },
        Err(e) => State::Failed {
            path,
            message: format!("cannot start a thread: {e}"),
        },
    }
}

impl Workspace {
    fn new(ctx: &egui::Context, opened: Opened) -> Self {
        let banner = match (&opened.read_only_because, opened.migrated_from) {
            (Some(why), _) => Some(format!("Read-only: {why}")),
            (None, Some(v)) => Some(format!(
                "This project was written by an older Attune (schema {v}); it will be saved in the current format."
            )),
            _ => None,
        };
        let selected = opened.project.clips.first().map(|c| c.id);
        let (tx, preview_rx) = unbounded();
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
        let previews = jobs
            .iter()
            .map(|(id, _, _)| (*id, Preview::Pending))
            .collect();
        let ctx = ctx.clone();
        // One worker decodes the previews in turn: the UI thread never waits on a decoder.
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
        Self {
            doc: Document::new(opened.project),
            project_path: opened.project_path,
            _lock: opened.lock,
            banner,
            selected,
            previews,
            preview_rx,
        }
    }

    fn receive_previews(&mut self, ctx: &egui::Context) {
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
    }

    fn title(&self) -> String {
        let name = &self.doc.project().title;
        match &self.project_path {
            Some(p) => format!("{name} — {}", p.display()),
            None => format!("{name} — not saved yet"),
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("project-bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(self.title());
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

impl eframe::App for AttuneApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll(ui.ctx());
        match &mut self.state {
            State::Empty => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.centered_and_justified(|ui| {
                        ui.label("Open a project or a clip: attune PROJECT.attune.json | CLIP");
                    });
                });
            }
            State::Opening { path, .. } => {
                let text = format!("Opening {}…", path.display());
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(text);
                    });
                });
            }
            State::Failed { path, message } => {
                let (path, message) = (path.display().to_string(), message.clone());
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.heading("This could not be opened");
                    ui.label(path);
                    ui.colored_label(ui.visuals().error_fg_color, message);
                });
            }
            State::Ready(ws) => ws.ui(ui),
        }
    }
}
