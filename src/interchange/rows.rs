//! A project's moments as flat rows, one per moment and code: the one
//! mapping every export starts from. The CSV is these rows as they are;
//! `from_project` turns them into the shared form for ELAN and BORIS.

use std::collections::HashMap;
use std::path::{Component, Path};

use super::times::ClipTimes;
use crate::model::{Clip, ClipId, Codebook, Moment, Project};

/// Which moments leave the project, and whether notes go with them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportScope {
    /// Only this clip's moments.
    pub clip: Option<ClipId>,
    /// Only this coder's moments (the moment's author, exactly).
    pub coder: Option<String>,
    /// Clinical notes are private: they leave only when asked for.
    pub with_notes: bool,
}

/// One moment with one of its codes (or none), with every time both ways.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub clip: ClipId,
    pub clip_name: String,
    /// Relative path with '/' separators; never an absolute path.
    pub file: String,
    pub coder: String,
    /// The participant's label (`parent`, `infant`, `other`, a name), or empty.
    pub participant: String,
    /// Codebook id, category name, item id and item name; all empty for an
    /// uncoded moment.
    pub codebook: String,
    pub category: String,
    pub code: String,
    pub code_name: String,
    pub start_frame: u32,
    /// Inclusive: the moment's last frame.
    pub end_frame: u32,
    pub start_ms: u64,
    /// When the moment stops: the end of its last frame, so a single-frame
    /// moment lasts one frame.
    pub end_ms: u64,
    /// `end_ms - start_ms`.
    pub duration_ms: u64,
    pub caption: String,
    /// Empty unless the scope says `with_notes`.
    pub note: String,
}

/// The rows of every moment in scope, by clip in the project's order, then
/// by time; a moment with several codes gives consecutive rows. `file`
/// names each clip as `media_path` says (see [`portable_path`]).
pub fn export_rows(
    project: &Project,
    scope: &ExportScope,
    times: &dyn ClipTimes,
    media_path: &dyn Fn(&Clip) -> String,
) -> Vec<ExportRow> {
    let books: HashMap<&str, &Codebook> = project
        .codebooks
        .iter()
        .map(|b| (b.id.as_str(), b))
        .collect();
    let mut rows = Vec::new();
    for clip in &project.clips {
        if scope.clip.is_some_and(|id| id != clip.id) {
            continue;
        }
        let file = media_path(clip);
        for moment in project.moments_of(clip.id) {
            if scope.coder.as_ref().is_some_and(|c| *c != moment.author) {
                continue;
            }
            let base = base_row(clip, &file, moment, scope, times);
            if moment.codes.is_empty() {
                rows.push(base);
                continue;
            }
            for code in &moment.codes {
                let mut row = base.clone();
                row.codebook = code.codebook.clone();
                row.code = code.item.clone();
                // Validation keeps every code's codebook and item present.
                if let Some((category, item)) = books
                    .get(code.codebook.as_str())
                    .and_then(|b| b.item(&code.item))
                {
                    row.category = category.name.clone();
                    row.code_name = item.name.clone();
                }
                rows.push(row);
            }
        }
    }
    rows
}

fn base_row(
    clip: &Clip,
    file: &str,
    moment: &Moment,
    scope: &ExportScope,
    times: &dyn ClipTimes,
) -> ExportRow {
    let start_ms = times.ms_of(clip, moment.start);
    let end_ms = times.ms_of(clip, moment.end.saturating_add(1));
    ExportRow {
        clip: clip.id,
        clip_name: clip.name.clone(),
        file: file.to_owned(),
        coder: moment.author.clone(),
        participant: moment
            .participant
            .as_ref()
            .map(|p| p.label().to_owned())
            .unwrap_or_default(),
        codebook: String::new(),
        category: String::new(),
        code: String::new(),
        code_name: String::new(),
        start_frame: moment.start,
        end_frame: moment.end,
        start_ms,
        end_ms,
        duration_ms: end_ms.saturating_sub(start_ms),
        caption: moment.caption.clone(),
        note: if scope.with_notes {
            moment.note.clone()
        } else {
            String::new()
        },
    }
}

/// A clip's path fit to leave the machine: the project's relative path as
/// it is, and for footage kept elsewhere (an absolute path) the file name
/// alone, so no export reveals the folders of the user's disk.
pub fn portable_path(clip: &Clip) -> String {
    let path = Path::new(&clip.path);
    if !path.is_absolute() && !clip.path.starts_with('/') {
        return clip.path.clone();
    }
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| clip.name.clone())
}

/// `file` relative to the folder `base` ('/' separators, `..` where it lies
/// outside), as ELAN's RELATIVE_MEDIA_URL and BORIS want it. Both must be
/// absolute and already resolved; `None` otherwise (different roots).
pub fn relative_to(base: &Path, file: &Path) -> Option<String> {
    if !base.is_absolute() || !file.is_absolute() {
        return None;
    }
    let from: Vec<Component> = base.components().collect();
    let to: Vec<Component> = file.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::ByRate;
    use crate::model::testing::sample_project;
    use crate::model::{CodeRef, Participant};

    #[test]
    fn one_row_per_code_with_times_both_ways_and_no_notes_unless_asked() {
        let mut p = sample_project();
        p.moments[0]
            .codes
            .push(CodeRef::new("vig", "turning-towards"));
        p.moments[0].participant = Some(Participant::Infant);
        let rows = export_rows(&p, &ExportScope::default(), &ByRate, &portable_path);
        let first = p.moments_of(p.clips[0].id)[0].clone();
        let of_first: Vec<_> = rows
            .iter()
            .filter(|r| r.start_frame == first.start && r.caption == first.caption)
            .collect();
        assert_eq!(of_first.len(), first.codes.len());
        assert!(rows.iter().all(|r| r.note.is_empty()));
        let r = of_first[0];
        assert_eq!(r.participant, "infant");
        assert_eq!(
            r.duration_ms,
            ByRate.ms_of(&p.clips[0], first.end + 1) - r.start_ms
        );
        let with = ExportScope {
            with_notes: true,
            ..Default::default()
        };
        let rows = export_rows(&p, &with, &ByRate, &portable_path);
        assert!(
            rows.iter()
                .any(|r| r.note == first.note && !r.note.is_empty())
        );
        let nobody = ExportScope {
            coder: Some("nobody".into()),
            ..Default::default()
        };
        assert!(export_rows(&p, &nobody, &ByRate, &portable_path).is_empty());
    }

    #[test]
    fn paths_never_leave_as_absolute_ones() {
        let mut clip = sample_project().clips.remove(0);
        clip.path = "/home/jo/Family A/play.mp4".into();
        assert_eq!(portable_path(&clip), "play.mp4");
        clip.path = "clips/play.mp4".into();
        assert_eq!(portable_path(&clip), "clips/play.mp4");
        assert_eq!(
            relative_to(Path::new("/home/jo/out"), Path::new("/home/jo/clips/a.mp4")).as_deref(),
            Some("../clips/a.mp4")
        );
        assert_eq!(
            relative_to(Path::new("/home/jo"), Path::new("/home/jo/a.mp4")).as_deref(),
            Some("a.mp4")
        );
        assert_eq!(relative_to(Path::new("out"), Path::new("/a.mp4")), None);
    }
}
