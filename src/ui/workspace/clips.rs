//! The project's footage: thumbnails for the media bin, which clips are
//! offline (moved or changed), relinking by fingerprint, adding clips and
//! saving the project somewhere else. Disk and decoder work runs on
//! short-lived threads; results come back over channels.

use std::path::PathBuf;

use super::Workspace;
use super::clip_bin::resolve;
use crate::files::{OutputGuard, Overwrite};
use crate::model::operations::{self, Refusal};
use crate::model::{Clip, ClipId};
use crate::ui::dialogs::{Question, is_video};
use crate::ui::jobs::{self, Worker};

/// How deep a relink search looks under the chosen folder.
const RELINK_DEPTH: usize = 4;

/// A dialog whose answer has not come back yet, and what it was for.
pub(super) enum Pending {
    Relink(ClipId),
    AddClips,
    SaveAs,
    OpenProject,
    ImportCodebook,
    ExportCodebook(String),
    RenderReel(crate::model::ReelId),
    SaveStill { clip: ClipId, frame: u32 },
    ImportAnnotations,
    ExportAnnotations,
    MergeCoding,
    AgreementReport,
}

impl Workspace {
    pub(super) fn clip_path(&self, clip: &Clip) -> PathBuf {
        resolve(self.session.project_path.as_deref(), clip)
    }

    pub(super) fn poll_clips(&mut self, ctx: &egui::Context) {
        self.bin.take_thumbnails(ctx);
        if let Some(job) = &mut self.bin.media_check
            && let Some(outcome) = job.poll_result()
        {
            self.bin.media_check = None;
            match outcome {
                Ok(offline) => self.bin.offline = offline,
                Err(e) => self.status = Some(format!("Could not check the clips: {e}")),
            }
            if self
                .transport
                .current
                .is_some_and(|c| self.bin.offline.contains(&c))
            {
                self.transport.viewer.close();
            }
        }
        self.poll_relink();
        self.poll_added_clips();
        self.poll_dialog();
    }

    /// Opens a dialog; its answer is handled in `poll_dialog`.
    pub(super) fn ask(&mut self, question: Question, why: Pending, ctx: &egui::Context) {
        if self.questions.pending.is_some() {
            return;
        }
        match self.questions.dialogs.ask(question, ctx) {
            Ok(job) => self.questions.pending = Some((why, job)),
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    fn poll_dialog(&mut self) {
        let Some((_, job)) = &mut self.questions.pending else {
            return;
        };
        let Some(answer) = job.poll_result() else {
            return;
        };
        let Some((why, _)) = self.questions.pending.take() else {
            return;
        };
        let paths = match answer {
            Ok(paths) => paths,
            Err(e) => {
                self.status = Some(e.to_string());
                return;
            }
        };
        let Some(first) = paths.first().cloned() else {
            return; // cancelled
        };
        match why {
            Pending::Relink(clip) => self.search_for_clip(clip, first),
            Pending::AddClips => self.add_clips(paths),
            Pending::SaveAs => self.save_to(first),
            Pending::OpenProject => self.requests.push(super::Request::Open(first)),
            Pending::ImportCodebook => self.import_codebook(&first),
            Pending::ExportCodebook(id) => self.export_codebook(&id, &first),
            Pending::RenderReel(reel) => self.render_to(reel, first),
            Pending::SaveStill { clip, frame } => self.save_still_to(clip, frame, first),
            Pending::ImportAnnotations => self.import_annotations_from(first),
            Pending::ExportAnnotations => self.export_annotations_to(first),
            Pending::MergeCoding => self.merge_coding_from(first),
            Pending::AgreementReport => self.agreement_report_to(first),
        }
    }

    /// Looks for a moved clip's file under `folder`, by fingerprint.
    fn search_for_clip(&mut self, clip: ClipId, folder: PathBuf) {
        let Some(wanted) = self
            .session
            .doc
            .project()
            .clip(clip)
            .map(|c| c.fingerprint.clone())
        else {
            return;
        };
        let searched = folder.clone();
        let job = jobs::spawn(&self.ctx, "relink", move |_: &Worker<()>| {
            crate::store::find_by_fingerprint(&searched, &wanted, RELINK_DEPTH)
        });
        match job {
            Ok(job) => {
                self.bin.relinking = Some((clip, folder, job));
                self.status = Some("Looking for the clip…".into());
            }
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    fn poll_relink(&mut self) {
        let Some((clip_id, folder, job)) = &mut self.bin.relinking else {
            return;
        };
        let Some(result) = job.poll_result() else {
            return;
        };
        let (clip_id, folder) = (*clip_id, folder.clone());
        self.bin.relinking = None;
        let found = match result {
            Ok(Some(found)) => found,
            Ok(None) => {
                self.status = Some(format!(
                    "The clip's file is not in {} or the folders under it.",
                    folder.display()
                ));
                return;
            }
            Err(e) => {
                self.status = Some(e.to_string());
                return;
            }
        };
        let project = self.session.doc.project();
        let Some(name) = project.clip(clip_id).map(|c| c.name.clone()) else {
            return;
        };
        let stored = match &self.session.project_path {
            Some(p) => crate::store::stored_clip_path(p, &found),
            None => found.to_string_lossy().into_owned(),
        };
        let made = operations::relink_clip(project, clip_id, stored);
        if self.apply(made) {
            self.bin.offline.remove(&clip_id);
            self.status = Some(format!("Found '{name}' at {}", found.display()));
            if self.transport.current == Some(clip_id) {
                self.transport.viewer.open(clip_id, found);
            }
        }
    }

    fn save_still_to(&mut self, clip: ClipId, frame: u32, output: PathBuf) {
        let Some(clip) = self.session.doc.project().clip(clip).cloned() else {
            return;
        };
        let path = self.clip_path(&clip);
        let guard = self.output_guard();
        match super::outputs::start_still(&self.ctx, guard, clip, path, frame, output) {
            Ok(job) => self.reels.output = Some(job),
            Err(e) => self.status = Some(format!("Not saved: {e}")),
        }
    }

    /// The guard for files written from the workspace: a save dialog has
    /// confirmed replacing an existing file, but the project, its own files
    /// and its clips are never written over.
    pub(super) fn output_guard(&self) -> OutputGuard {
        let project = self.session.doc.project();
        match &self.session.project_path {
            Some(path) => crate::store::output_guard(path, project, Overwrite::Confirmed),
            None => {
                let mut guard = OutputGuard::new(Overwrite::Confirmed);
                for clip in &project.clips {
                    guard.protect(
                        &self.clip_path(clip),
                        format!("clip {} of the project", clip.id),
                    );
                }
                guard
            }
        }
    }

    /// Relinks without a dialog (tests, and the "Relink…" button's answer).
    pub fn relink_from(&mut self, clip: ClipId, folder: PathBuf) {
        self.search_for_clip(clip, folder);
    }

    /// Probes dropped or chosen files off the UI thread, then adds them
    /// in one edit (one undo step).
    pub(super) fn add_clips(&mut self, paths: Vec<PathBuf>) {
        let (videos, others): (Vec<_>, Vec<_>) = paths.into_iter().partition(|p| is_video(p));
        if let Some(other) = others.first() {
            self.status = Some(format!(
                "{} is not a video file Attune can add.",
                other.display()
            ));
        }
        if videos.is_empty() {
            return;
        }
        let first_id = self.session.doc.project().next_clip_id().0;
        let project_path = self.session.project_path.clone();
        let job = jobs::spawn(&self.ctx, "add-clips", move |_: &Worker<()>| {
            videos
                .iter()
                .enumerate()
                .map(|(i, path)| {
                    let stored = match &project_path {
                        Some(p) => crate::store::stored_clip_path(p, path),
                        None => std::fs::canonicalize(path)
                            .unwrap_or_else(|_| path.clone())
                            .to_string_lossy()
                            .into_owned(),
                    };
                    let id = ClipId(first_id + i as u32);
                    crate::ui::opening::clip_from_file(path, id, stored)
                })
                .collect()
        });
        match job {
            Ok(job) => {
                self.bin.adding = Some(job);
                self.status = Some("Adding clips…".into());
            }
            Err(e) => self.status = Some(format!("Not added: {e}")),
        }
    }

    fn poll_added_clips(&mut self) {
        let Some(job) = &mut self.bin.adding else {
            return;
        };
        let Some(outcome) = job.poll_result() else {
            return;
        };
        self.bin.adding = None;
        let results = match outcome {
            Ok(results) => results,
            Err(e) => {
                self.status = Some(format!("Not added: {e}"));
                return;
            }
        };
        let mut clips = Vec::new();
        let mut problems = Vec::new();
        for result in results {
            match result {
                Ok(clip) => clips.push(clip),
                Err(e) => problems.push(format!("{e:#}")),
            }
        }
        let added = clips.len();
        let first_new = self.session.doc.project().clips.len();
        if added > 0 && self.apply(operations::add_clips(self.session.doc.project(), clips)) {
            // Only the new clips: the others' thumbnails are already here.
            match super::clip_bin::spawn_thumbnails(
                &self.ctx,
                &self.session.doc.project().clips[first_new..],
                self.session.project_path.as_deref(),
            ) {
                Ok(job) => self.bin.thumb_jobs.push(job),
                Err(e) => log::warn!("no thumbnails for the added clips: {e}"),
            }
            self.status = Some(format!("Added {added} clip(s)."));
        }
        if let Some(problem) = problems.first() {
            self.status = Some(format!("Not added: {problem}"));
        }
    }

    /// Files dropped on the window: footage is added, a project is opened.
    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        let (projects, clips): (Vec<_>, Vec<_>) = dropped.into_iter().partition(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        });
        if let Some(project) = projects.into_iter().next() {
            self.requests.push(super::Request::Open(project));
        }
        self.add_clips(clips);
    }

    pub(super) fn save_as(&mut self) {
        let ctx = self.ctx.clone();
        self.ask(Question::SaveProjectAs, Pending::SaveAs, &ctx);
    }

    /// Saves to a new file: takes its lock, rewrites clip paths relative to
    /// the new folder, and from then on saves and autosaves go there.
    pub fn save_to(&mut self, path: PathBuf) {
        self.commit_draft();
        if self.session.project_path.as_deref() != Some(path.as_path())
            && let Err(e) = self.output_guard().check(&path)
        {
            self.status = Some(format!("Not saved: {e}"));
            return;
        }
        let lock = match crate::store::ProjectLock::acquire(&path) {
            Ok(crate::store::LockOutcome::Acquired(lock)) => lock,
            Ok(crate::store::LockOutcome::ReadOnly(holder)) => {
                self.status = Some(format!("Not saved: {} is open by {holder}", path.display()));
                return;
            }
            Err(e) => {
                self.status = Some(format!("Not saved: {e}"));
                return;
            }
        };
        let project = self.session.doc.project();
        let paths: Vec<_> = project
            .clips
            .iter()
            .map(|clip| {
                let file = self.clip_path(clip);
                (clip.id, crate::store::stored_clip_path(&path, &file))
            })
            .collect();
        match operations::relocate_clips(project, &paths) {
            // No clip path changes: nothing to undo, go on saving.
            Err(Refusal::Unchanged) => {}
            made => {
                if !self.apply(made) {
                    return;
                }
            }
        }
        self.session.project_path = Some(path.clone());
        self.session.lock = Some(lock);
        self.session.banner = None;
        self.session.saver =
            crate::ui::saving::Saver::new(Some(&path), true, self.session.autosave_interval);
        self.session.saver.save(&self.session.doc, &self.ctx);
        self.requests.push(super::Request::Saved(path));
    }
}
