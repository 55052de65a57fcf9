//! The foundation window: the project's clips and moments, and the first
//! frame of the selected clip. The full workspace grows from here.

use std::path::PathBuf;

use crossbeam_channel::{Receiver, TryRecvError, bounded};

use super::opening::{Opened, open_path};
use super::workspace::Workspace;
use crate::model::Project;

/// Settings the app is started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppOptions {
    /// How often unsaved work goes to the recovery file.
    pub autosave_interval: std::time::Duration,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            autosave_interval: crate::store::DEFAULT_AUTOSAVE_INTERVAL,
        }
    }
}

pub struct AttuneApp {
    state: State,
    options: AppOptions,
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

impl AttuneApp {
    pub fn new(ctx: &egui::Context, path: Option<PathBuf>, options: AppOptions) -> Self {
        let state = match path {
            Some(path) => start_opening(ctx, path),
            None => State::Empty,
        };
        Self { state, options }
    }

    /// The project on screen, if one is open (tests read it).
    pub fn project(&self) -> Option<&Project> {
        match &self.state {
            State::Ready(ws) => Some(ws.project()),
            _ => None,
        }
    }

    pub fn is_opening(&self) -> bool {
        matches!(self.state, State::Opening { .. })
    }

    /// True when the open project has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        matches!(&self.state, State::Ready(ws) if ws.is_dirty())
    }

    fn poll(&mut self, ctx: &egui::Context) {
        if let State::Opening { path, rx } = &self.state {
            match rx.try_recv() {
                Ok(Ok(opened)) => {
                    self.state = State::Ready(Box::new(Workspace::new(ctx, opened, self.options)))
                }
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
            ws.poll(ctx);
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
