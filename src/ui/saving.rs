//! Saving from the app: explicit saves and autosaves both run on background
//! threads, so the window never waits on the disk.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::model::Document;
use crate::store::{self, Autosaver, SaveError};
use crate::ui::jobs::{self, Job, Worker};

pub(super) struct Saver {
    project_path: Option<PathBuf>,
    autosaver: Option<Autosaver>,
    /// The revision being saved and where its outcome arrives.
    pending: Option<(u64, Job<Result<(), SaveError>>)>,
    /// The recovery file being removed after "Discard it".
    discarding: Option<Job<std::io::Result<()>>>,
    /// The last thing worth telling the user about saving.
    pub status: Option<String>,
}

impl Saver {
    /// `writable` is false for a read-only project (another holder has the
    /// lock): then neither saves nor autosaves touch its folder.
    pub(super) fn new(
        project_path: Option<&Path>,
        writable: bool,
        autosave_every: Duration,
    ) -> Self {
        let project_path = project_path.filter(|_| writable).map(Path::to_path_buf);
        let autosaver = project_path
            .as_deref()
            .map(|p| Autosaver::with_interval(p, autosave_every));
        let (autosaver, status) = match autosaver {
            Some(Ok(a)) => (Some(a), None),
            Some(Err(e)) => (None, Some(format!("Autosave is off: {e}"))),
            None => (None, None),
        };
        Self {
            project_path,
            autosaver,
            pending: None,
            discarding: None,
            status,
        }
    }

    pub(super) fn can_save(&self) -> bool {
        self.project_path.is_some()
    }

    pub(super) fn is_saving(&self) -> bool {
        self.pending.is_some()
    }

    pub(super) fn autosave_interval(&self) -> Option<Duration> {
        self.autosaver.as_ref().map(Autosaver::interval)
    }

    /// Starts saving a snapshot of the document; edits may go on meanwhile.
    pub(super) fn save(&mut self, doc: &Document, ctx: &egui::Context) {
        let Some(path) = self.project_path.clone() else {
            self.status = Some("This project is read-only here.".into());
            return;
        };
        if self.pending.is_some() {
            return;
        }
        let project = doc.project().clone();
        let job = jobs::spawn(ctx, "save-project", move |_: &Worker<()>| {
            store::save(&path, &project)?;
            // The saved file now holds everything the recovery did; a
            // recovery left behind is only offered if newer, so this may fail.
            if let Err(e) = store::discard_recovery(&path) {
                log::warn!("recovery file not removed after saving: {}", e.kind());
            }
            Ok(())
        });
        match job {
            Ok(job) => self.pending = Some((doc.revision(), job)),
            Err(e) => self.status = Some(format!("Could not start saving: {e}")),
        }
    }

    /// Removes the autosaved work the person chose not to restore, off the
    /// UI thread (the folder may be on a slow share).
    pub(super) fn discard_recovery(&mut self, ctx: &egui::Context) {
        let Some(path) = self.project_path.clone() else {
            return;
        };
        match jobs::spawn(ctx, "discard-recovery", move |_: &Worker<()>| {
            store::discard_recovery(&path)
        }) {
            Ok(job) => self.discarding = Some(job),
            Err(e) => self.status = Some(format!("Unsaved work not discarded: {e}")),
        }
    }

    /// Writes the recovery file now, on this thread, if there is unsaved
    /// work: for when the process is about to be stopped.
    pub(super) fn write_recovery_now(&mut self, doc: &Document) -> Result<(), store::SaveError> {
        // Stop the autosave thread first (it waits for a write in flight), so
        // an older autosave cannot land after this newest state.
        self.autosaver = None;
        match &self.project_path {
            Some(path) if doc.is_dirty() => store::write_recovery(path, doc.project()),
            _ => Ok(()),
        }
    }

    /// Call every frame: collects finished saves and lets autosave run.
    pub(super) fn poll(&mut self, doc: &mut Document) {
        if let Some((revision, job)) = &mut self.pending
            && let Some(outcome) = job.poll_result()
        {
            match outcome {
                Ok(Ok(())) => {
                    doc.mark_saved_at(*revision);
                    self.status = Some("Saved".into());
                }
                Ok(Err(e)) => self.status = Some(format!("Not saved: {e}")),
                Err(e) => self.status = Some(format!("Not saved: {e}")),
            }
            self.pending = None;
        }
        if let Some(job) = &mut self.discarding
            && let Some(outcome) = job.poll_result()
        {
            self.discarding = None;
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => self.status = Some(format!("Unsaved work not discarded: {e}")),
                Err(e) => self.status = Some(format!("Unsaved work not discarded: {e}")),
            }
        }
        if let Some(autosaver) = &mut self.autosaver {
            autosaver.tick(doc, Instant::now());
            if let Some(e) = autosaver.drain_errors().pop() {
                self.status = Some(format!("Autosave failed: {e}"));
            }
        }
    }
}
