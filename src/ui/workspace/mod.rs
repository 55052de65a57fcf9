//! The annotation workspace: media bin, viewer and transport, timeline,
//! inspector and moment list around one open project. Every change goes
//! through the `Document` as an `Edit`; every media request goes to the
//! engine as a command.

mod actions;
mod annotations;
mod clip_bin;
mod clips;
mod codebooks;
mod coding;
mod inspect;
mod layout;
mod menu_bar;
mod moment_list;
mod moment_panel;
mod outputs;
mod overview;
mod preview;
mod questions;
mod reels;
mod review;
mod review_log;
mod review_notes;
mod review_view;
mod selection;
mod session;
mod supervision;
mod transport;

use std::collections::HashSet;
use std::path::PathBuf;

use super::codebook_editor::CodebookEditor;
use super::opening::Opened;
use super::saving::Saver;
use crate::model::{ClipId, Document, MomentId, Project};
use clip_bin::ClipBin;
use moment_panel::MomentPanel;
use questions::Questions;
use reels::ReelPanel;
use review::ReviewMode;
use session::Session;
use transport::Transport;

/// What the workspace asks of the app around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Open(PathBuf),
    New,
    /// The project now lives at this path (after Save as).
    Saved(PathBuf),
    Quit,
}

/// The open project and the panels around it. Each part owns its state;
/// the workspace carries what one part asks of another.
pub struct Workspace {
    session: Session,
    bin: ClipBin,
    transport: Transport,
    moments: MomentPanel,
    reels: ReelPanel,
    review: ReviewMode,
    questions: Questions,
    codebook_editor: Option<CodebookEditor>,
    /// Annotations coming in from, or going out to, other tools.
    io: annotations::AnnotationsIo,
    /// Who is coding, and whether blind.
    coding: coding::Coding,
    /// Agreement between two coders, and the timeline's compare mode.
    supervision: supervision::Supervision,
    show_help: bool,
    /// What the top of the right-hand panel shows.
    side_tab: SideTab,
    /// Plain-language outcome of the last action worth reporting.
    status: Option<String>,
    requests: Vec<Request>,
    ctx: egui::Context,
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
        let coding = coding::Coding::start(doc.project());
        let thumb_jobs =
            clip_bin::spawn_thumbnails(ctx, &doc.project().clips, opened.project_path.as_deref())
                .map_err(|e| log::warn!("no thumbnails: {e}"))
                .into_iter()
                .collect();
        let media_check = opened.project_path.clone().and_then(|path| {
            clip_bin::spawn_media_check(ctx, path, doc.project().clone())
                .map_err(|e| log::warn!("clips not checked: {e}"))
                .ok()
        });
        let mut ws = Self {
            session: Session {
                doc,
                project_path: opened.project_path,
                lock: opened.lock,
                banner,
                saver,
                recovery_offer: opened.recovery,
                autosave_interval: options.autosave_interval,
                quit_after_save: false,
                discard_on_quit: false,
                asking_to_close: false,
                recent: Vec::new(),
            },
            bin: ClipBin {
                thumb_jobs,
                media_check,
                ..ClipBin::default()
            },
            transport: Transport::new(ctx, options.cache_dir.clone()),
            moments: MomentPanel::new(active_codebook),
            reels: ReelPanel::default(),
            review: ReviewMode {
                fixed_clock: options.fixed_clock.clone(),
                ..ReviewMode::default()
            },
            questions: Questions {
                dialogs: options.dialogs.clone(),
                pending: None,
            },
            codebook_editor: None,
            io: annotations::AnnotationsIo::default(),
            coding,
            supervision: supervision::Supervision::default(),
            show_help: false,
            side_tab: SideTab::Moment,
            status: None,
            requests: Vec::new(),
            ctx: ctx.clone(),
        };
        if let Some(first) = ws.session.doc.project().clips.first().map(|c| c.id) {
            ws.show_clip(first);
        }
        ws
    }

    pub fn project(&self) -> &Project {
        self.session.doc.project()
    }

    pub fn project_path(&self) -> Option<&std::path::Path> {
        self.session.project_path.as_deref()
    }

    pub fn is_dirty(&self) -> bool {
        self.session.doc.is_dirty()
    }

    /// The frame the engine shows, for tests and the window title.
    pub fn frame(&self) -> u32 {
        self.transport.viewer.frame()
    }

    pub fn selected_moment(&self) -> Option<MomentId> {
        self.moments.selected
    }

    pub fn current_clip(&self) -> Option<ClipId> {
        self.transport.current
    }

    /// True once the current clip's filmstrip (and waveform, if it has
    /// sound) have arrived and nothing is still computing.
    pub fn overview_ready(&self) -> bool {
        let Some(clip) = self
            .transport
            .current
            .and_then(|c| self.session.doc.project().clip(c))
        else {
            return false;
        };
        self.transport.overviews.get(clip).is_some_and(|o| {
            o.progress.is_none()
                && !o.filmstrip.is_empty()
                && (clip.media.audio_codec.is_none() || o.waveform.is_some())
        })
    }

    /// True while a reel plays in the viewer as a preview.
    pub fn previewing(&self) -> bool {
        self.reels.preview.is_some()
    }

    /// True while a reel renders or a still is written.
    pub fn job_running(&self) -> bool {
        self.reels.output.is_some()
    }

    /// The engine's latest snapshot (tests and diagnostics).
    pub fn player_state(&self) -> &crate::media::engine::PlayerState {
        self.transport.viewer.state()
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// The coder new moments are credited to.
    pub fn coder(&self) -> &str {
        &self.coding.coder
    }

    /// True while blind coding hides the other coders' moments.
    pub fn blind(&self) -> bool {
        self.coding.blind
    }

    /// The timeline's lanes as last drawn: each lane's name and moments.
    pub fn timeline_lanes(&self) -> Vec<(String, Vec<MomentId>)> {
        self.transport.timeline_lanes()
    }

    pub fn active_codebook(&self) -> Option<&str> {
        self.moments.active_codebook.as_deref()
    }

    pub fn offline_clips(&self) -> &HashSet<ClipId> {
        &self.bin.offline
    }

    /// True while the engine still has commands to carry out, counting a
    /// display-size change still settling (it re-decodes the frame shown).
    pub fn engine_busy(&self) -> bool {
        self.transport.viewer.is_busy() || self.transport.viewer.resize_pending()
    }

    pub fn set_status(&mut self, status: &str) {
        self.status = Some(status.to_owned());
    }

    pub fn set_recent(&mut self, recent: Vec<PathBuf>) {
        self.session.recent = recent;
    }

    /// What the app should do next (open another project, quit, …).
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    /// Work that arrives from other threads: frames, thumbnails, saves.
    pub fn poll(&mut self, ctx: &egui::Context) {
        self.transport.viewer.poll(ctx);
        self.poll_clips(ctx);
        self.transport.overviews.poll(ctx);
        self.poll_preview(ctx);
        self.poll_review(ctx);
        self.poll_job(ctx);
        self.poll_annotations();
        self.poll_merge();
        self.poll_agreement();
        self.session.saver.poll(&mut self.session.doc);
        if self.session.quit_after_save && !self.session.saver.is_saving() {
            self.session.quit_after_save = false;
            if !self.session.doc.is_dirty() {
                self.requests.push(Request::Quit);
            }
        }
        if self.session.saver.is_saving() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        } else if self.session.doc.is_dirty()
            && let Some(interval) = self.session.saver.autosave_interval()
        {
            // Wake up for the next autosave even if nobody touches the window.
            ctx.request_repaint_after(interval);
        }
    }

    fn title(&self) -> String {
        let name = &self.session.doc.project().title;
        let dirty = if self.session.doc.is_dirty() {
            " •"
        } else {
            ""
        };
        // The file name is enough to tell projects apart; the full path is
        // in the hover text, and screenshots shared for support stay short.
        match self
            .session
            .project_path
            .as_deref()
            .and_then(|p| p.file_name())
        {
            Some(file) => format!(
                "{name}{dirty} — {} — {}",
                file.to_string_lossy(),
                self.coding.title()
            ),
            None => format!("{name}{dirty} — not saved yet — {}", self.coding.title()),
        }
    }

    /// The process is being stopped: unsaved work goes to the recovery file
    /// (offered when the project is next opened) and the lock is released.
    pub fn stop_for_signal(&mut self) {
        self.commit_draft();
        if let Err(e) = self.session.saver.write_recovery_now(&self.session.doc) {
            eprintln!("attune: {e}");
        }
        self.session.lock = None;
    }

    /// Whether closing now would lose work; shows the question if so.
    pub fn confirm_close(&mut self) -> bool {
        self.commit_draft();
        if self.session.discard_on_quit {
            // The person chose to drop the changes: the recovery file goes too.
            if let Some(path) = &self.session.project_path
                && let Err(e) = crate::store::discard_recovery(path)
            {
                // Closing goes on: a recovery file left behind is offered
                // again next time, which loses nothing.
                log::warn!("recovery file not removed on quit: {}", e.kind());
            }
            true
        } else if self.session.doc.is_dirty() {
            self.session.asking_to_close = true;
            false
        } else {
            true
        }
    }
}
