//! One dispatch over the annotation formats, for every front (the app's
//! File menu; the CLI can call the same): which format a file name says,
//! text → the shared form (with each span's line where the format knows
//! lines), the shared form → bytes, and the planner's errors at the file's
//! line. Adding ELAN or BORIS is one match arm in [`read`] and one in
//! [`write`]. Pure, like the rest of `interchange`: the caller reads and
//! writes the files.

use std::path::Path;

use super::csv::CsvOptions;
use super::{Annotations, ClipTimes, ExportScope, ImportError, subtitles};
use crate::model::{Clip, Project};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Eaf,
    Boris,
    Csv,
    Vtt,
    Srt,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 5] = [
        Format::Eaf,
        Format::Boris,
        Format::Csv,
        Format::Vtt,
        Format::Srt,
    ];

    /// The formats an export can write.
    pub const WRITABLE: [Format; 3] = [Format::Eaf, Format::Boris, Format::Csv];

    /// The word files and the CLI use, which is also the extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Eaf => "eaf",
            Format::Boris => "boris",
            Format::Csv => "csv",
            Format::Vtt => "vtt",
            Format::Srt => "srt",
        }
    }

    /// What a person calls it.
    pub fn title(self) -> &'static str {
        match self {
            Format::Eaf => "ELAN (.eaf)",
            Format::Boris => "BORIS (.boris)",
            Format::Csv => "Spreadsheet (.csv)",
            Format::Vtt => "WebVTT subtitles (.vtt)",
            Format::Srt => "SRT subtitles (.srt)",
        }
    }

    /// The format a file's extension says (any case).
    pub fn of_file(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.name() == ext)
    }

    /// True for the one format whose files hold several observations
    /// (passes) to choose from.
    pub fn has_observations(self) -> bool {
        self == Format::Boris
    }
}

/// What a file holds, in the shared form, with the line of each span when
/// the format knows lines.
#[derive(Debug, Clone)]
pub struct Read {
    pub annotations: Annotations,
    pub lines: Option<Vec<u64>>,
}

/// Text of `file` (only named in messages) → the shared form. The error is
/// one line naming the file, the line and the problem.
pub fn read(format: Format, text: &str, file: &Path) -> Result<Read, String> {
    match format {
        Format::Csv => {
            let (annotations, lines) =
                super::csv::read_with_lines(text, file).map_err(|e| e.to_string())?;
            Ok(Read {
                annotations,
                lines: Some(lines),
            })
        }
        Format::Vtt | Format::Srt => {
            let kind = if format == Format::Vtt {
                subtitles::Kind::Vtt
            } else {
                subtitles::Kind::Srt
            };
            let (annotations, lines) =
                subtitles::read_with_lines(text, kind, file).map_err(|e| e.to_string())?;
            Ok(Read {
                annotations,
                lines: Some(lines),
            })
        }
        Format::Eaf => Ok(Read {
            annotations: super::eaf::read(text, file).map_err(|e| e.to_string())?,
            lines: None,
        }),
        Format::Boris => Ok(Read {
            annotations: read_boris(text, file)?,
            lines: None,
        }),
    }
}

/// Every media observation of a BORIS project, one after another (each
/// span's coder names its observation's coder), so the app can offer them.
fn read_boris(text: &str, file: &Path) -> Result<Annotations, String> {
    let listed = super::boris::observations(text, file).map_err(|e| e.to_string())?;
    let mut all: Option<Annotations> = None;
    for o in listed.iter().filter(|o| !o.is_live) {
        let one = super::boris::read(text, file, Some(&o.id)).map_err(|e| e.to_string())?;
        match all.as_mut() {
            None => all = Some(one),
            Some(a) => {
                for m in one.media {
                    if !a.media.contains(&m) {
                        a.media.push(m);
                    }
                }
                for p in one.participants {
                    if !a.participants.contains(&p) {
                        a.participants.push(p);
                    }
                }
                a.spans.extend(one.spans);
            }
        }
    }
    all.ok_or_else(|| {
        format!(
            "{}: has no observation of a media file (LIVE observations cannot be imported)",
            file.display()
        )
    })
}

/// The observations (passes) a file holds, by id, in the file's order.
/// BORIS's reader credits each observation's events to a coder named by
/// its id; other formats hold one pass and list none.
pub fn observations(format: Format, annotations: &Annotations) -> Vec<String> {
    if !format.has_observations() {
        return Vec::new();
    }
    let mut ids: Vec<String> = Vec::new();
    for coder in annotations.spans.iter().filter_map(|s| s.coder.as_ref()) {
        if !ids.contains(coder) {
            ids.push(coder.clone());
        }
    }
    ids
}

/// Only the spans of one observation.
pub fn only_observation(annotations: &Annotations, id: &str) -> Annotations {
    let mut one = annotations.clone();
    one.spans.retain(|s| s.coder.as_deref() == Some(id));
    one
}

/// The planner's error at the file's line when the format knows it, on one
/// line: "codes.csv:12: annotation 11 (tier "Gaze"): …".
pub fn located(error: &ImportError, file: &Path, lines: Option<&[u64]>) -> String {
    let line = error
        .span()
        .and_then(|span| lines.and_then(|l| l.get(span)).copied())
        .map(|l| format!(":{l}"))
        .unwrap_or_default();
    format!("{}{line}: {error}", file.display())
}

/// How a CSV export is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// CSV for Excel: a byte-order mark and CRLF line ends.
    pub excel: bool,
}

/// The bytes of an export and how many moments they hold. `media_path`
/// names each clip's file as the export should (never an absolute path).
pub fn write(
    format: Format,
    project: &Project,
    scope: &ExportScope,
    times: &dyn ClipTimes,
    media_path: &dyn Fn(&Clip) -> String,
    options: WriteOptions,
) -> Result<(Vec<u8>, usize), String> {
    let count = project
        .moments
        .iter()
        .filter(|m| scope.clip.is_none_or(|c| c == m.clip))
        .filter(|m| scope.coder.as_ref().is_none_or(|c| *c == m.author))
        .count();
    match format {
        Format::Csv => {
            let rows = super::export_rows(project, scope, times, media_path);
            let csv = CsvOptions {
                with_notes: scope.with_notes,
                excel: options.excel,
            };
            Ok((super::csv::write(&rows, &csv), count))
        }
        Format::Eaf => {
            // An ELAN document describes one clip.
            let clip = match scope.clip {
                Some(id) => project.clips.iter().find(|c| c.id == id),
                None if project.clips.len() == 1 => project.clips.first(),
                None => {
                    return Err(format!(
                        "an ELAN file holds one clip and the project has {}: choose one (--clip NAME)",
                        project.clips.len()
                    ));
                }
            };
            let clip = clip.ok_or("the project has no clips to export")?;
            let scope = ExportScope {
                clip: Some(clip.id),
                ..scope.clone()
            };
            let annotations = super::from_project(project, &scope, times, media_path);
            let rate = clip.media.frame_rate;
            let eaf = super::eaf::WriteOptions {
                author: scope.coder.clone().unwrap_or_default(),
                document_seed: format!("{}/{}", project.title, clip.id),
                with_notes: scope.with_notes,
                frame_ms: (rate.num > 0)
                    .then(|| 1000.0 * f64::from(rate.den) / f64::from(rate.num)),
                ..Default::default()
            };
            let count = project
                .moments
                .iter()
                .filter(|m| m.clip == clip.id)
                .filter(|m| scope.coder.as_ref().is_none_or(|c| *c == m.author))
                .count();
            Ok((super::eaf::write(&annotations, &eaf).into_bytes(), count))
        }
        Format::Boris => {
            let annotations = super::from_project(project, scope, times, media_path);
            let boris = super::boris::WriteOptions {
                project_name: project.title.clone(),
                clip_name: scope
                    .clip
                    .and_then(|id| project.clips.iter().find(|c| c.id == id))
                    .map(|c| c.name.clone()),
                with_notes: scope.with_notes,
                ..Default::default()
            };
            Ok((
                super::boris::write(&annotations, &boris).into_bytes(),
                count,
            ))
        }
        Format::Vtt | Format::Srt => Err(format!(
            "{} is for import only; export writes ELAN, BORIS or CSV",
            format.title()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_formats_in_any_case() {
        assert_eq!(Format::of_file(Path::new("a/b.EAF")), Some(Format::Eaf));
        assert_eq!(Format::of_file(Path::new("x.boris")), Some(Format::Boris));
        assert_eq!(Format::of_file(Path::new("x.srt")), Some(Format::Srt));
        assert_eq!(Format::of_file(Path::new("x.txt")), None);
        assert_eq!(Format::of_file(Path::new("csv")), None);
    }

    #[test]
    fn a_bad_csv_is_one_line_with_its_line_number() {
        let err = read(
            Format::Csv,
            "clip,code,start_frame\nx,y,1\n",
            Path::new("m.csv"),
        )
        .unwrap_err();
        assert!(
            err.starts_with("m.csv:1: no column \"end_frame\" or \"end_ms\""),
            "{err}"
        );
        assert!(!err.contains('\n'));
    }
}
