//! Which files a project's commands must never write over: the project,
//! its backup, recovery and lock files, and every clip.

use std::path::Path;

use super::lock::lock_path;
use super::media_check::clip_path;
use super::save::{backup_path, recovery_path};
use crate::files::{OutputGuard, Overwrite, resolve_target};
use crate::model::Project;

/// The output guard for commands that read `project` from `project_path`.
pub fn output_guard(project_path: &Path, project: &Project, overwrite: Overwrite) -> OutputGuard {
    let mut guard = OutputGuard::new(overwrite);
    // Saving through a symlink keeps `.bak` beside the link's target.
    let target = resolve_target(project_path);
    guard
        .protect(project_path, "the project file")
        .protect(&backup_path(project_path), "the project's backup (.bak)")
        .protect(&backup_path(&target), "the project's backup (.bak)")
        .protect(&recovery_path(project_path), "the project's recovery file")
        .protect(&recovery_path(&target), "the project's recovery file")
        .protect(&lock_path(project_path), "the project's lock file")
        .protect(&lock_path(&target), "the project's lock file");
    for clip in &project.clips {
        guard.protect(
            &clip_path(project_path, clip),
            format!("clip {} of the project", clip.id),
        );
    }
    guard
}
