//! The annotation workspace: media bin, viewer and transport, timeline,
//! inspector and moment list around one open project. Every change goes
//! through the `Document` as an `Edit`; every media request goes to the
//! engine as a command.

mod actions;
mod clips;
mod codebooks;
mod inspect;
mod layout;
mod moment_list;
mod outputs;
mod overview;
mod played;
mod preview;
mod reels;
mod review;
mod review_log;
mod review_view;
mod selection;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::codebook_editor::CodebookEditor;
use super::dialogs::Dialogs;
use super::opening::Opened;
use super::saving::Saver;
use super::timeline::{TimelineIndex, TimelineView};
use super::viewer::Viewer;
use crate::model::{ClipId, Document, MomentFilter, MomentId, Project};
use inspect::Draft;

/// What the workspace asks of the app around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Open(PathBuf),
    New,
    /// The project now lives at this path (after Save as).
    Saved(PathBuf),
    Quit,
}

pub struct Workspace {
    doc: Document,
    project_path: Option<PathBuf>,
    lock: Option<crate::store::ProjectLock>,
    banner: Option<String>,
    saver: Saver,
    /// Autosaved work found on opening, waiting for the user's answer.
    recovery_offer: Option<Project>,
    viewer: Viewer,
    /// The clip in the viewer and timeline.
    current: Option<ClipId>,
    selected: Option<MomentId>,
    mark_in: Option<u32>,
    mark_out: Option<u32>,
    /// Id of the codebook whose hotkeys 1–9 apply.
    active_codebook: Option<String>,
    /// Text being typed into the inspector, committed as one edit.
    draft: Option<Draft>,
    filter: MomentFilter,
    /// Filter results, recomputed when the filter or the project changes.
    filtered: Option<(u64, MomentFilter, Vec<MomentId>)>,
    timeline_view: TimelineView,
    timeline_index: Option<(u64, ClipId, Option<String>, TimelineIndex)>,
    thumbs: HashMap<ClipId, clips::Thumb>,
    /// Thumbnail workers still running (one more per batch of added clips).
    thumb_jobs: Vec<crate::ui::jobs::Job<(), clips::ThumbResult>>,
    offline: HashSet<ClipId>,
    media_check: Option<crate::ui::jobs::Job<HashSet<ClipId>>>,
    /// The clip being looked for, in which folder.
    relinking: Option<(ClipId, PathBuf, crate::ui::jobs::Job<Option<PathBuf>>)>,
    overviews: overview::Overviews,
    dialogs: Dialogs,
    codebook_editor: Option<CodebookEditor>,
    show_help: bool,
    asking_to_close: bool,
    /// Plain-language outcome of the last action worth reporting.
    status: Option<String>,
    requests: Vec<Request>,
    /// Written on new moments; the person can change it in the inspector.
    author: String,
    ctx: egui::Context,
    autosave_interval: std::time::Duration,
    /// A dialog waiting for its answer.
    dialog: Option<(clips::Pending, crate::ui::jobs::Job<Vec<PathBuf>>)>,
    adding: Option<crate::ui::jobs::Job<Vec<anyhow::Result<crate::model::Clip>>>>,
    /// Recently opened projects, newest first (kept by the app).
    recent: Vec<PathBuf>,
    quit_after_save: bool,
    discard_on_quit: bool,
    /// What the top of the right-hand panel shows.
    side_tab: SideTab,
    current_reel: Option<crate::model::ReelId>,
    reel_text: Option<reels::ReelText>,
    preview: Option<preview::ReelPreview>,
    job: Option<outputs::Output>,
    render_settings: crate::export::OutputSettings,
    /// Shared-review mode, when on.
    review: Option<review::ReviewSession>,
    /// Notes being written for a review log entry.
    review_notes: Option<review_log::NotesDraft>,
    fixed_clock: Option<String>,
    /// The reel being rendered, where to, and what it showed.
    rendering: Option<(crate::model::ReelId, PathBuf, String)>,
    /// A review has started and waits to be placed on the screens.
    placing_review: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SideTab {
    Moment,
    Reels,
}

impl Workspace {
    pub fn new(ctx: &egui::Context, opened: Opened, options: &super::AppOptions) -> Self {
        let banner = match (&opened.read_only_because, opened.migrated_from) {
            (Some(why), _) => Some(format!("Read-only: {why}")),
            (None, Some(v)) => Some(format!(
                "This project was written by an older Attune (schema {v}); saving upgrades it."
            )),
            _ => None,
        };
        let saver = Saver::new(
            opened.project_path.as_deref(),
            opened.lock.is_some(),
            options.autosave_interval,
        );
        // A migrated or new project differs from its file until it is saved.
        let doc = if opened.migrated_from.is_some() || opened.project_path.is_none() {
            Document::unsaved(opened.project)
        } else {
            Document::new(opened.project)
        };
        let active_codebook = doc.project().codebooks.first().map(|b| b.id.clone());
        let thumb_jobs =
            clips::spawn_thumbnails(ctx, &doc.project().clips, opened.project_path.as_deref())
                .map_err(|e| log::warn!("no thumbnails: {e}"))
                .into_iter()
                .collect();
        let media_check = opened.project_path.clone().and_then(|path| {
            clips::spawn_media_check(ctx, path, doc.project().clone())
                .map_err(|e| log::warn!("clips not checked: {e}"))
                .ok()
        });
        let mut ws = Self {
            doc,
            project_path: opened.project_path,
            lock: opened.lock,
            banner,
            saver,
            recovery_offer: opened.recovery,
            viewer: Viewer::new(ctx),
            current: None,
            selected: None,
            mark_in: None,
            mark_out: None,
            active_codebook,
            draft: None,
            filter: MomentFilter::default(),
            filtered: None,
            timeline_view: TimelineView::default(),
            timeline_index: None,
            thumbs: HashMap::new(),
            thumb_jobs,
            offline: HashSet::new(),
            media_check,
            relinking: None,
            overviews: overview::Overviews::new(ctx, options.cache_dir.clone()),
            dialogs: options.dialogs.clone(),
            codebook_editor: None,
            show_help: false,
            asking_to_close: false,
            status: None,
            requests: Vec::new(),
            author: std::env::var("USER")
                .or_else(|_| std::env::var("LOGNAME"))
                .unwrap_or_default(),
            ctx: ctx.clone(),
            autosave_interval: options.autosave_interval,
            dialog: None,
            adding: None,
            recent: Vec::new(),
            quit_after_save: false,
            discard_on_quit: false,
            side_tab: SideTab::Moment,
            current_reel: None,
            reel_text: None,
            preview: None,
            job: None,
            render_settings: reels::default_settings(),
            review: None,
            review_notes: None,
            fixed_clock: options.fixed_clock.clone(),
            rendering: None,
            placing_review: false,
        };
        if let Some(first) = ws.doc.project().clips.first().map(|c| c.id) {
            ws.show_clip(first);
        }
        ws
    }

    pub fn project(&self) -> &Project {
        self.doc.project()
    }

    pub fn project_path(&self) -> Option<&std::path::Path> {
        self.project_path.as_deref()
    }

    pub fn is_dirty(&self) -> bool {
        self.doc.is_dirty()
    }

    /// The frame the engine shows, for tests and the window title.
    pub fn frame(&self) -> u32 {
        self.viewer.frame()
    }

    pub fn selected_moment(&self) -> Option<MomentId> {
        self.selected
    }

    pub fn current_clip(&self) -> Option<ClipId> {
        self.current
    }

    /// True once the current clip's filmstrip (and waveform, if it has
    /// sound) have arrived and nothing is still computing.
    pub fn overview_ready(&self) -> bool {
        let Some(clip) = self.current.and_then(|c| self.doc.project().clip(c)) else {
            return false;
        };
        self.overviews.get(clip).is_some_and(|o| {
            o.progress.is_none()
                && !o.filmstrip.is_empty()
                && (clip.media.audio_codec.is_none() || o.waveform.is_some())
        })
    }

    /// True while a reel plays in the viewer as a preview.
    pub fn previewing(&self) -> bool {
        self.preview.is_some()
    }

    /// True while a reel renders or a still is written.
    pub fn job_running(&self) -> bool {
        self.job.is_some()
    }

    /// The engine's latest snapshot (tests and diagnostics).
    pub fn player_state(&self) -> &crate::media::engine::PlayerState {
        self.viewer.state()
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    pub fn active_codebook(&self) -> Option<&str> {
        self.active_codebook.as_deref()
    }

    pub fn offline_clips(&self) -> &HashSet<ClipId> {
        &self.offline
    }

    /// True while the engine still has commands to carry out.
    pub fn engine_busy(&self) -> bool {
        self.viewer.is_busy()
    }

    pub fn set_status(&mut self, status: &str) {
        self.status = Some(status.to_owned());
    }

    pub fn set_recent(&mut self, recent: Vec<PathBuf>) {
        self.recent = recent;
    }

    /// What the app should do next (open another project, quit, …).
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    /// Work that arrives from other threads: frames, thumbnails, saves.
    pub fn poll(&mut self, ctx: &egui::Context) {
        self.viewer.poll(ctx);
        self.poll_clips(ctx);
        self.overviews.poll(ctx);
        self.poll_preview(ctx);
        self.poll_review(ctx);
        self.poll_job(ctx);
        self.saver.poll(&mut self.doc);
        if self.quit_after_save && !self.saver.is_saving() {
            self.quit_after_save = false;
            if !self.doc.is_dirty() {
                self.requests.push(Request::Quit);
            }
        }
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

    /// The process is being stopped: unsaved work goes to the recovery file
    /// (offered when the project is next opened) and the lock is released.
    pub fn stop_for_signal(&mut self) {
        self.commit_draft();
        if let Err(e) = self.saver.write_recovery_now(&self.doc) {
            eprintln!("attune: {e}");
        }
        self.lock = None;
    }

    /// Whether closing now would lose work; shows the question if so.
    pub fn confirm_close(&mut self) -> bool {
        self.commit_draft();
        if self.discard_on_quit {
            // The person chose to drop the changes: the recovery file goes too.
            if let Some(path) = &self.project_path
                && let Err(e) = crate::store::discard_recovery(path)
            {
                // Closing goes on: a recovery file left behind is offered
                // again next time, which loses nothing.
                log::warn!("recovery file not removed on quit: {}", e.kind());
            }
            true
        } else if self.doc.is_dirty() {
            self.asking_to_close = true;
            false
        } else {
            true
        }
    }
}
