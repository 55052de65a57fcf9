//! Does each clip's file still exist and hold the same footage? Also finds a
//! moved file again by its fingerprint.

use crate::model::{Clip, ClipId, Fingerprint, Project};
use std::fmt;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Hashing head and tail is enough to tell clips apart and to notice a
/// re-encode or a truncation, without reading gigabytes of footage.
const SAMPLE_BYTES: u64 = 1024 * 1024;

pub fn fingerprint(path: &Path) -> io::Result<Fingerprint> {
    // Never blocks on a FIFO, never reads a device.
    let mut file = crate::files::open_regular(path).map_err(|e| match e {
        crate::files::InputError::Missing { .. } => io::Error::from(io::ErrorKind::NotFound),
        other => io::Error::other(other.reason()),
    })?;
    let size = file.metadata()?.len();
    let mut hasher = blake3::Hasher::new();
    let mut buffer = Vec::with_capacity(SAMPLE_BYTES as usize);
    (&mut file).take(SAMPLE_BYTES).read_to_end(&mut buffer)?;
    hasher.update(&buffer);
    buffer.clear();
    file.seek(SeekFrom::Start(size.saturating_sub(SAMPLE_BYTES)))?;
    file.take(SAMPLE_BYTES).read_to_end(&mut buffer)?;
    hasher.update(&buffer);
    Ok(Fingerprint {
        size,
        hash: hasher.finalize().to_hex().to_string(),
    })
}

/// Where a clip's file is: its stored path is relative to the project's
/// folder with '/' separators, or absolute for footage kept elsewhere.
pub fn clip_path(project_path: &Path, clip: &Clip) -> PathBuf {
    if Path::new(&clip.path).is_absolute() {
        return PathBuf::from(&clip.path);
    }
    let base = project_path.parent().unwrap_or(Path::new(""));
    clip.path
        .split('/')
        .filter(|part| !part.is_empty())
        .fold(base.to_path_buf(), |path, part| path.join(part))
}

/// How a project stores the path of `file`: relative with '/' separators
/// when it lies under the project's folder (so the two can move together),
/// absolute otherwise.
pub fn stored_clip_path(project_path: &Path, file: &Path) -> String {
    let absolute = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let file = absolute(file);
    let base = absolute(project_path.parent().unwrap_or(Path::new(".")));
    match file.strip_prefix(&base) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => file.to_string_lossy().into_owned(),
    }
}

#[derive(Debug)]
pub enum MediaProblem {
    Missing {
        clip: ClipId,
        name: String,
        path: PathBuf,
    },
    /// Different size or content: re-encoded, edited or a different file.
    Changed {
        clip: ClipId,
        name: String,
        path: PathBuf,
    },
    Unreadable {
        clip: ClipId,
        name: String,
        path: PathBuf,
        reason: io::Error,
    },
}

impl MediaProblem {
    pub fn clip(&self) -> ClipId {
        match self {
            MediaProblem::Missing { clip, .. }
            | MediaProblem::Changed { clip, .. }
            | MediaProblem::Unreadable { clip, .. } => *clip,
        }
    }
}

impl fmt::Display for MediaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaProblem::Missing { name, path, .. } => {
                write!(f, "clip '{name}': the file {} is missing", path.display())
            }
            MediaProblem::Changed { name, path, .. } => write!(
                f,
                "clip '{name}': the file {} has changed since it was added",
                path.display()
            ),
            MediaProblem::Unreadable {
                name, path, reason, ..
            } => write!(f, "clip '{name}': cannot read {}: {reason}", path.display()),
        }
    }
}

pub fn check_media(project_path: &Path, project: &Project) -> Vec<MediaProblem> {
    let started = std::time::Instant::now();
    let problems: Vec<MediaProblem> = project
        .clips
        .iter()
        .filter_map(|clip| check_clip(project_path, clip))
        .collect();
    // Clips by id only: the problems' text names clips and their files.
    for problem in &problems {
        let kind = match problem {
            MediaProblem::Missing { .. } => "missing".to_owned(),
            MediaProblem::Changed { .. } => "changed".to_owned(),
            MediaProblem::Unreadable { reason, .. } => format!("unreadable ({:?})", reason.kind()),
        };
        log::warn!("clip {}: media {kind}", problem.clip().0);
    }
    log::info!(
        "media of {} clip(s) checked in {} ms: {} problem(s)",
        project.clips.len(),
        started.elapsed().as_millis(),
        problems.len()
    );
    problems
}

fn check_clip(project_path: &Path, clip: &Clip) -> Option<MediaProblem> {
    let path = clip_path(project_path, clip);
    let (id, name) = (clip.id, clip.name.clone());
    let size = match fs::metadata(&path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) if !m.is_dir() => {
            return Some(MediaProblem::Unreadable {
                clip: id,
                name,
                path,
                reason: io::Error::other("not a regular file (a pipe, device or socket)"),
            });
        }
        Ok(_) => {
            return Some(MediaProblem::Missing {
                clip: id,
                name,
                path,
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Some(MediaProblem::Missing {
                clip: id,
                name,
                path,
            });
        }
        Err(reason) => {
            return Some(MediaProblem::Unreadable {
                clip: id,
                name,
                path,
                reason,
            });
        }
    };
    if size != clip.fingerprint.size {
        return Some(MediaProblem::Changed {
            clip: id,
            name,
            path,
        });
    }
    match fingerprint(&path) {
        Ok(found) if found == clip.fingerprint => None,
        Ok(_) => Some(MediaProblem::Changed {
            clip: id,
            name,
            path,
        }),
        Err(reason) => Some(MediaProblem::Unreadable {
            clip: id,
            name,
            path,
            reason,
        }),
    }
}

/// Looks under `dir` (at most `max_depth` folders down) for the file with
/// this fingerprint. Only files of the right size are hashed, so searching a
/// large folder is cheap. Symbolic links are not followed.
pub fn find_by_fingerprint(dir: &Path, wanted: &Fingerprint, max_depth: usize) -> Option<PathBuf> {
    let mut entries: Vec<_> = fs::read_dir(dir).ok()?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    let mut folders = Vec::new();
    for entry in entries {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            folders.push(path);
        } else if kind.is_file()
            && entry.metadata().is_ok_and(|m| m.len() == wanted.size)
            && fingerprint(&path).is_ok_and(|f| f == *wanted)
        {
            return Some(path);
        }
    }
    if max_depth == 0 {
        return None;
    }
    folders
        .iter()
        .find_map(|folder| find_by_fingerprint(folder, wanted, max_depth - 1))
}
