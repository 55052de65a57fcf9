//! The open project as a file: the document with its undo history, where
//! it lives, its lock, saving and autosave, the recovery offer, and the
//! questions asked before closing.

use std::path::PathBuf;

use crate::model::{Document, Project};
use crate::store::ProjectLock;
use crate::ui::saving::Saver;

pub(super) struct Session {
    pub doc: Document,
    pub project_path: Option<PathBuf>,
    pub lock: Option<ProjectLock>,
    /// Why the project is read-only or was upgraded, over the viewer.
    pub banner: Option<String>,
    pub saver: Saver,
    /// Autosaved work found on opening, waiting for the user's answer.
    pub recovery_offer: Option<Project>,
    pub autosave_interval: std::time::Duration,
    pub quit_after_save: bool,
    pub discard_on_quit: bool,
    pub asking_to_close: bool,
    /// Recently opened projects, newest first (kept by the app).
    pub recent: Vec<PathBuf>,
}
