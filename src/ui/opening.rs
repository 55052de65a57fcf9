//! Opening a project or a single clip, off the UI thread.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::model::{Clip, ClipId, Consent, MediaFacts, Project};
use crate::store::{self, LockOutcome, ProjectLock};

/// What the app works on once opening succeeded.
pub struct Opened {
    pub project: Project,
    /// None for a clip opened on its own (not yet saved as a project).
    pub project_path: Option<PathBuf>,
    /// Held while the project is open; None when read-only or unsaved.
    pub lock: Option<ProjectLock>,
    /// Who holds the project when we could only open it read-only.
    pub read_only_because: Option<String>,
    /// Set when the file was written by an older Attune and was upgraded.
    pub migrated_from: Option<u32>,
    /// Unsaved work autosaved before a crash, newer than the project file.
    pub recovery: Option<Project>,
}

impl Opened {
    /// A project that has no file yet (a lone clip, or File > New).
    fn not_yet_saved(project: Project) -> Self {
        Self {
            project,
            project_path: None,
            lock: None,
            read_only_because: None,
            migrated_from: None,
            recovery: None,
        }
    }
}

/// Opens a project file (`*.json`) or, for anything else, a clip as a new
/// unsaved project with that one clip.
pub(super) fn open_path(path: &Path) -> anyhow::Result<Opened> {
    let is_project = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_project {
        open_project(path)
    } else {
        open_clip(path)
    }
}

fn open_project(path: &Path) -> anyhow::Result<Opened> {
    let loaded = store::load(path)?;
    let (lock, read_only_because) = match ProjectLock::acquire(path) {
        Ok(LockOutcome::Acquired(lock)) => {
            // Only the lock holder may tidy what a crashed save left behind.
            store::remove_stale_temporaries(path);
            (Some(lock), None)
        }
        Ok(LockOutcome::ReadOnly(holder)) => (None, Some(format!("open by {holder}"))),
        // A folder we cannot write to: still show the work, read-only.
        Err(e) => (None, Some(e.to_string())),
    };
    // A recovery file that does not load is not offered: the project file
    // is intact, and the broken recovery stays on disk for inspection.
    let recovery = lock
        .as_ref()
        .and_then(|_| store::recovery_if_newer(path))
        .and_then(|recovery| store::load(&recovery).ok())
        .map(|loaded| loaded.project)
        .filter(|recovered| *recovered != loaded.project);
    Ok(Opened {
        project: loaded.project,
        project_path: Some(path.to_path_buf()),
        lock,
        read_only_because,
        migrated_from: loaded.migrated_from,
        recovery,
    })
}

fn open_clip(path: &Path) -> anyhow::Result<Opened> {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let clip = clip_from_file(
        path,
        ClipId(1),
        absolute.to_string_lossy().replace('\\', "/"),
    )?;
    let name = clip.name.clone();
    let mut project = Project::new(name, chrono::Utc::now());
    project.clips.push(clip);
    project.codebooks = crate::model::codebook::bundled()?;
    Ok(Opened::not_yet_saved(project))
}

/// Probes and fingerprints a file so it can join a project as a clip with
/// no consent recorded yet. `stored_path` is how the project refers to it.
pub(crate) fn clip_from_file(path: &Path, id: ClipId, stored_path: String) -> anyhow::Result<Clip> {
    let report = crate::media::probe::probe(path)?;
    let fingerprint =
        store::fingerprint(path).with_context(|| format!("{}: cannot read", path.display()))?;
    // A very long file name must not make a project that cannot be saved
    // and opened again (names are bounded by `model::limits`).
    let name = path
        .file_stem()
        .map(|s| {
            crate::model::limits::shortened(
                &s.to_string_lossy(),
                crate::model::limits::MAX_NAME_CHARS,
            )
        })
        .unwrap_or_else(|| "Clip".into());
    let media = MediaFacts::try_from(&report)
        .with_context(|| format!("{}: frame rate is zero", path.display()))?;
    Ok(Clip {
        id,
        name,
        path: stored_path,
        fingerprint,
        media,
        consent: Consent::default(),
    })
}

/// A new, empty project with the bundled codebooks, not yet saved anywhere.
pub(super) fn new_project() -> anyhow::Result<Opened> {
    let mut project = Project::new("New project", chrono::Utc::now());
    project.codebooks = crate::model::codebook::bundled()?;
    Ok(Opened::not_yet_saved(project))
}
