//! Opening a project file. Every failure names the file and, where it can,
//! the line and column or the missing thing. A file that fails to load yields
//! no `Project`, so nothing can save over it.

use super::migrate::{MigrationError, migrate};
use crate::model::{Project, SCHEMA_VERSION, ValidationError};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Loaded {
    pub project: Project,
    /// The schema the file was written in when it was older than this
    /// build's; saving will write the current schema.
    pub migrated_from: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read the project file: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("{}: is a folder, not a project file", path.display())]
    IsFolder { path: PathBuf },
    /// Missing, a FIFO or device, or too large: refused before reading.
    #[error(transparent)]
    Input(crate::files::InputError),
    #[error("{}: is not text (UTF-8): {reason}", path.display())]
    NotText { path: PathBuf, reason: String },
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}:{line}:{column}: not valid JSON: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: not an Attune project (the file is JSON, but not an object)", path.display())]
    NotAProject { path: PathBuf },
    #[error("{}: has no schema_version, so it is not an Attune project file", path.display())]
    MissingSchemaVersion { path: PathBuf },
    #[error("{}: schema_version should be a whole number, not {found}", path.display())]
    BadSchemaVersion { path: PathBuf, found: String },
    #[error(
        "{}: written by a newer Attune (schema {found}, this version reads up to {supported})",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{}: {source}", path.display())]
    Migration {
        path: PathBuf,
        source: MigrationError,
    },
    #[error("{}{}: {field}: {message}", path.display(), position(*line, *column))]
    Field {
        path: PathBuf,
        /// Where in the project, e.g. `moments[3].start`.
        field: String,
        /// 0 when unknown (migrated files have no meaningful positions).
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {source}", path.display())]
    Invalid {
        path: PathBuf,
        source: ValidationError,
    },
}

fn position(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

impl LoadError {
    /// The file that failed to load.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Input(e) => e.path(),
            LoadError::Read { path, .. }
            | LoadError::NotText { path, .. }
            | LoadError::IsFolder { path }
            | LoadError::Empty { path }
            | LoadError::Syntax { path, .. }
            | LoadError::NotAProject { path }
            | LoadError::MissingSchemaVersion { path }
            | LoadError::BadSchemaVersion { path, .. }
            | LoadError::TooNew { path, .. }
            | LoadError::Migration { path, .. }
            | LoadError::Field { path, .. }
            | LoadError::Invalid { path, .. } => path,
        }
    }
}

/// Reads, migrates and validates the project at `path`.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let started = std::time::Instant::now();
    let loaded = read_and_parse(path);
    let tag = crate::files::log::path_tag(path);
    match &loaded {
        Ok(l) => log::info!(
            "project {tag} opened in {} ms: schema {}{}, {} clip(s), {} moment(s), {} reel(s), {} codebook(s), {} review(s)",
            started.elapsed().as_millis(),
            l.project.schema_version,
            l.migrated_from
                .map(|v| format!(" (migrated from {v})"))
                .unwrap_or_default(),
            l.project.clips.len(),
            l.project.moments.len(),
            l.project.reels.len(),
            l.project.codebooks.len(),
            l.project.reviews.len(),
        ),
        Err(e) => log::warn!(
            "project {tag} not opened: {}",
            crate::files::log::kind_of(e)
        ),
    }
    loaded
}

fn read_and_parse(path: &Path) -> Result<Loaded, LoadError> {
    use crate::files::{InputError, MAX_PROJECT_BYTES, read_capped};
    let owned = || path.to_path_buf();
    let bytes = read_capped(path, MAX_PROJECT_BYTES).map_err(|e| match e {
        InputError::Folder { .. } => LoadError::IsFolder { path: owned() },
        InputError::Unreadable { reason, .. } => LoadError::Read {
            path: owned(),
            reason,
        },
        InputError::Missing { .. } => LoadError::Read {
            path: owned(),
            reason: "no such file".into(),
        },
        other => LoadError::Input(other),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| LoadError::NotText {
        path: owned(),
        reason: e.utf8_error().to_string(),
    })?;
    from_text(path, &text)
}

/// Loads a project from text already read from `path` (used for recovery
/// files too).
pub(crate) fn from_text(path: &Path, text: &str) -> Result<Loaded, LoadError> {
    let owned = || path.to_path_buf();
    // Notepad and some editors start UTF-8 files with a byte-order mark.
    let bom = text.starts_with('\u{feff}');
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Positions count from the file's first character, the mark included.
    let column = |line: usize, column: usize| column + usize::from(bom && line == 1);
    if text.trim().is_empty() {
        return Err(LoadError::Empty { path: owned() });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| LoadError::Syntax {
        path: owned(),
        line: e.line(),
        column: column(e.line(), e.column()),
        message: strip_position(&e),
    })?;
    let object = value
        .as_object()
        .ok_or_else(|| LoadError::NotAProject { path: owned() })?;
    let version = match object.get("schema_version") {
        None => return Err(LoadError::MissingSchemaVersion { path: owned() }),
        Some(v) => v
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v > 0)
            .ok_or_else(|| LoadError::BadSchemaVersion {
                path: owned(),
                found: v.to_string(),
            })?,
    };
    if version > SCHEMA_VERSION {
        return Err(LoadError::TooNew {
            path: owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }

    let (project, migrated_from) = if version == SCHEMA_VERSION {
        // Parsing the text again (rather than the value) keeps line and
        // column numbers for type errors.
        let mut de = serde_json::Deserializer::from_str(text);
        let project: Project =
            serde_path_to_error::deserialize(&mut de).map_err(|e| field_error(path, e))?;
        (project, None)
    } else {
        let migrated = migrate(value, version).map_err(|source| LoadError::Migration {
            path: owned(),
            source,
        })?;
        let project: Project =
            serde_path_to_error::deserialize(migrated).map_err(|e| field_error(path, e))?;
        (project, Some(version))
    };

    project
        .validate()
        .and_then(|()| project.check_consent_dates(chrono::Local::now().date_naive()))
        .map_err(|source| LoadError::Invalid {
            path: owned(),
            source,
        })?;
    Ok(Loaded {
        project,
        migrated_from,
    })
}

fn field_error(path: &Path, e: serde_path_to_error::Error<serde_json::Error>) -> LoadError {
    let field = match e.path().to_string() {
        p if p == "." || p.is_empty() => "(top level)".to_owned(),
        p => p,
    };
    let inner = e.into_inner();
    LoadError::Field {
        path: path.to_path_buf(),
        field,
        line: inner.line(),
        column: inner.column(),
        message: strip_position(&inner),
    }
}

/// serde_json appends " at line L column C"; we show the position ourselves.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_owned(),
        _ => text,
    }
}
