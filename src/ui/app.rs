//! The app around the workspace: opening projects off the UI thread, the
//! recent-projects list, and not closing over unsaved work.

use std::path::PathBuf;

use super::dialogs::{Dialogs, Question};
use super::jobs::{self, Job, JobError, Worker};
use super::opening::{Opened, open_path};
use super::workspace::{Request, Workspace};
use crate::model::Project;

/// Settings the app is started with.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// How often unsaved work goes to the recovery file.
    pub autosave_interval: std::time::Duration,
    /// Where filmstrips and waveforms are cached; None = the user's cache folder.
    pub cache_dir: Option<PathBuf>,
    /// Native dialogs, or scripted answers in tests.
    pub dialogs: Dialogs,
    /// Shown instead of the time of day in the presenter view (snapshots).
    pub fixed_clock: Option<String>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            autosave_interval: crate::store::DEFAULT_AUTOSAVE_INTERVAL,
            cache_dir: None,
            dialogs: Dialogs::Native,
            fixed_clock: None,
        }
    }
}

/// How many recent projects the File menu remembers.
const RECENT_MAX: usize = 8;
const RECENT_KEY: &str = "attune-recent-projects";

pub struct AttuneApp {
    state: State,
    options: AppOptions,
    recent: Vec<PathBuf>,
    /// Set once the person has agreed to close; the next close goes through.
    closing: bool,
    /// The Open dialog of the start (or could-not-open) screen.
    open_dialog: Option<Job<Vec<PathBuf>>>,
    /// A signal asked us to stop and the recovery file has been written.
    stopped: bool,
}

enum State {
    Empty,
    Opening {
        path: PathBuf,
        job: Job<anyhow::Result<Opened>>,
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
        Self {
            state,
            options,
            recent: Vec::new(),
            closing: false,
            open_dialog: None,
            stopped: false,
        }
    }

    /// Restores the recent-projects list saved by an earlier run.
    pub fn with_storage(mut self, storage: Option<&dyn eframe::Storage>) -> Self {
        if let Some(recent) = storage.and_then(|s| eframe::get_value::<Vec<PathBuf>>(s, RECENT_KEY))
        {
            self.recent = recent;
        }
        self
    }

    /// The workspace, when a project is open (tests drive it).
    pub fn workspace(&self) -> Option<&Workspace> {
        match &self.state {
            State::Ready(ws) => Some(ws),
            _ => None,
        }
    }

    pub fn workspace_mut(&mut self) -> Option<&mut Workspace> {
        match &mut self.state {
            State::Ready(ws) => Some(ws),
            _ => None,
        }
    }

    pub fn recent(&self) -> &[PathBuf] {
        &self.recent
    }

    fn remember(&mut self, path: &std::path::Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT_MAX);
        if let State::Ready(ws) = &mut self.state {
            ws.set_recent(self.recent.clone());
        }
    }

    fn handle_requests(&mut self, ctx: &egui::Context) {
        let State::Ready(ws) = &mut self.state else {
            return;
        };
        let dirty = ws.is_dirty();
        for request in ws.take_requests() {
            match request {
                Request::Saved(path) => self.remember(&path),
                Request::Quit => {
                    self.closing = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
                Request::Open(_) | Request::New if dirty => {
                    if let State::Ready(ws) = &mut self.state {
                        ws.set_status("Save your changes (Ctrl+S) before opening another project.");
                    }
                }
                Request::Open(path) => {
                    self.state = start_opening(ctx, path);
                    return;
                }
                Request::New => {
                    match super::opening::new_project() {
                        Ok(opened) => self.show(Workspace::new(ctx, opened, &self.options)),
                        Err(e) => {
                            self.state = State::Failed {
                                path: PathBuf::from("new project"),
                                message: format!("{e:#}"),
                            }
                        }
                    }
                    return;
                }
            }
        }
    }

    /// Shows a workspace, with the recent list its File menu offers.
    fn show(&mut self, mut ws: Workspace) {
        ws.set_recent(self.recent.clone());
        self.state = State::Ready(Box::new(ws));
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
        if let Some(job) = &mut self.open_dialog
            && let Some(answer) = job.poll_result()
        {
            self.open_dialog = None;
            match answer {
                Ok(paths) => {
                    if let Some(path) = paths.into_iter().next() {
                        self.state = start_opening(ctx, path);
                    }
                }
                Err(e) => log::warn!("{e}"),
            }
        }
        if let State::Opening { path, job } = &mut self.state
            && let Some(outcome) = job.poll_result()
        {
            match outcome {
                Ok(Ok(opened)) => {
                    if let Some(path) = &opened.project_path {
                        self.remember(&path.clone());
                    }
                    let ws = Workspace::new(ctx, opened, &self.options);
                    self.show(ws);
                }
                Ok(Err(err)) => {
                    self.state = State::Failed {
                        path: path.clone(),
                        message: format!("{err:#}"),
                    }
                }
                Err(JobError::Lost { .. }) => {
                    self.state = State::Failed {
                        path: path.clone(),
                        message: "opening stopped unexpectedly".into(),
                    }
                }
                Err(e) => {
                    self.state = State::Failed {
                        path: path.clone(),
                        message: e.to_string(),
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
    let worker_path = path.clone();
    match jobs::spawn(ctx, "open-project", move |_: &Worker<()>| {
        open_path(&worker_path)
    }) {
        Ok(job) => State::Opening { path, job },
        Err(e) => State::Failed {
            path,
            message: e.to_string(),
        },
    }
}

impl eframe::App for AttuneApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, RECENT_KEY, &self.recent);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let State::Ready(ws) = &mut self.state
            && ws.wants_screens()
        {
            let (screens, here) = screens(frame);
            ws.place_review(&ctx, &screens, here);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.closing {
            let may_close = match &mut self.state {
                State::Ready(ws) => ws.confirm_close(),
                _ => true,
            };
            if !may_close {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            }
        }
        self.poll(&ctx);
        self.handle_requests(&ctx);
        if crate::files::interrupt::pending().is_some() {
            self.stop_for_signal(&ctx);
            return;
        }
        match &mut self.state {
            State::Empty => self.start_screen(ui, None),
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
                let failed = (path.display().to_string(), message.clone());
                self.start_screen(ui, Some(failed));
            }
            State::Ready(ws) => ws.ui(ui),
        }
    }
}

impl AttuneApp {
    /// SIGTERM (logout, shutdown, `kill`): keep unsaved work in the recovery
    /// file, give up the lock and close the window; `main` then exits with
    /// 128 + the signal (the handler does, should the window not close).
    fn stop_for_signal(&mut self, ctx: &egui::Context) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        if let State::Ready(ws) = &mut self.state {
            ws.stop_for_signal();
        }
        self.closing = true;
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// What the window shows with no project: the way on (open another,
    /// a recent project, quit), and why the last one could not be opened.
    fn start_screen(&mut self, ui: &mut egui::Ui, failed: Option<(String, String)>) {
        let ctx = ui.ctx().clone();
        let mut open: Option<PathBuf> = None;
        let mut ask = false;
        let mut quit = false;
        egui::Panel::top("menu-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    ask |= ui.button("Open project…").clicked();
                    ui.menu_button("Open recent", |ui| {
                        if self.recent.is_empty() {
                            ui.label("Nothing yet");
                        }
                        for path in &self.recent {
                            if ui.button(path.display().to_string()).clicked() {
                                open = Some(path.clone());
                            }
                        }
                    });
                    ui.separator();
                    quit |= ui.button("Quit").clicked();
                });
            });
        });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.add_space(24.0);
            match &failed {
                Some((path, message)) => {
                    ui.heading("This could not be opened");
                    ui.label(path);
                    ui.colored_label(ui.visuals().error_fg_color, message);
                }
                None => {
                    ui.heading("Attune");
                    ui.label("Open a project (.attune.json) or a clip to begin.");
                }
            }
            ui.add_space(16.0);
            ui.horizontal(|ui| {
                let label = if failed.is_some() {
                    "Open another…"
                } else {
                    "Open…"
                };
                ask |= ui.button(label).clicked();
                quit |= ui.button("Quit").clicked();
            });
            if !self.recent.is_empty() {
                ui.add_space(16.0);
                ui.label("Recent projects");
                for path in &self.recent {
                    if ui.link(path.display().to_string()).clicked() {
                        open = Some(path.clone());
                    }
                }
            }
        });
        if ask && self.open_dialog.is_none() {
            match self.options.dialogs.ask(Question::OpenProject, &ctx) {
                Ok(job) => self.open_dialog = Some(job),
                Err(e) => log::warn!("{e}"),
            }
        }
        if let Some(path) = open {
            self.state = start_opening(&ctx, path);
        }
        if quit {
            self.closing = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// The screens the window system reports, in points, and the one the
/// window is on. Empty without a real window (tests), which means one screen.
fn screens(frame: &eframe::Frame) -> (Vec<egui::Rect>, Option<egui::Rect>) {
    let Some(window) = frame.winit_window() else {
        return (Vec::new(), None);
    };
    let in_points = |position: (i32, i32), size: (u32, u32), scale: f64| {
        let scale = scale.max(0.5) as f32;
        egui::Rect::from_min_size(
            egui::pos2(position.0 as f32 / scale, position.1 as f32 / scale),
            egui::vec2(size.0 as f32 / scale, size.1 as f32 / scale),
        )
    };
    let screens = window
        .available_monitors()
        .map(|m| {
            let (p, s) = (m.position(), m.size());
            in_points((p.x, p.y), (s.width, s.height), m.scale_factor())
        })
        .collect();
    let here = window.current_monitor().map(|m| {
        let (p, s) = (m.position(), m.size());
        in_points((p.x, p.y), (s.width, s.height), m.scale_factor())
    });
    (screens, here)
}
