//! `attune annotations export|import`: moments to and from ELAN, BORIS,
//! spreadsheets (CSV) and subtitles (WebVTT, SRT). The mapping is
//! `interchange`'s; this file reads and writes the files, and says what
//! was done.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::export::ProjectTimes;
use crate::files::{AtomicFile, MAX_PROJECT_BYTES};
use crate::interchange::{self, Annotations, ExportScope, ImportError, ImportTarget, subtitles};
use crate::model::{Clip, ClipId, Document, Project};
use crate::store::{self, LockOutcome, ProjectLock};

#[derive(Debug, clap::Subcommand)]
pub enum AnnotationsCommand {
    /// Write the project's moments as ELAN (.eaf), BORIS (.boris) or CSV.
    Export(ExportArgs),
    /// Add moments from an ELAN, BORIS, CSV, WebVTT or SRT file to the project.
    Import(ImportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Eaf,
    Boris,
    Csv,
    Vtt,
    Srt,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Eaf => "eaf",
            Format::Boris => "boris",
            Format::Csv => "csv",
            Format::Vtt => "vtt",
            Format::Srt => "srt",
        }
    }

    /// The format a file's extension says.
    fn of_file(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "eaf" => Format::Eaf,
            "boris" => Format::Boris,
            "csv" => Format::Csv,
            "vtt" => Format::Vtt,
            "srt" => Format::Srt,
            _ => return None,
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The project file (.attune.json).
    pub project: PathBuf,
    /// eaf, boris or csv; by default the output's extension says.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The file to write.
    #[arg(short = 'o', long = "out")]
    pub out: PathBuf,
    /// Only this clip's moments (its name or number).
    #[arg(long)]
    pub clip: Option<String>,
    /// Only this coder's moments (as the moment's author says).
    #[arg(long)]
    pub coder: Option<String>,
    /// Include clinical notes. They are private: only for someone who may
    /// read the clinical record.
    #[arg(long)]
    pub with_notes: bool,
    /// CSV for Excel: a byte-order mark and CRLF line ends.
    #[arg(long)]
    pub excel: bool,
    /// Replace an existing file that Attune did not write.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The project file (.attune.json) to add the moments to.
    pub project: PathBuf,
    /// The annotation file.
    pub file: PathBuf,
    /// The file's format; by default its extension says.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Put every moment on this clip (its name or number), whatever media
    /// the file names.
    #[arg(long)]
    pub clip: Option<String>,
    /// Credit every moment to this coder instead of the file's.
    #[arg(long)]
    pub coder: Option<String>,
    /// BORIS: the observation to import (its id).
    #[arg(long)]
    pub observation: Option<String>,
    /// Only print what would be added; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub(super) fn run(command: &AnnotationsCommand) -> anyhow::Result<i32> {
    match command {
        AnnotationsCommand::Export(args) => export(args),
        AnnotationsCommand::Import(args) => import(args),
    }
}

/// A clip by exact name, then by number.
pub(super) fn find_clip(project: &Project, wanted: &str) -> anyhow::Result<ClipId> {
    project
        .clips
        .iter()
        .find(|c| c.name == wanted)
        .or_else(|| {
            let id: u32 = wanted.trim().parse().ok()?;
            project.clips.iter().find(|c| c.id.0 == id)
        })
        .map(|c| c.id)
        .with_context(|| {
            let names: Vec<String> = project
                .clips
                .iter()
                .map(|c| format!("{} \"{}\"", c.id.0, c.name))
                .collect();
            format!(
                "no clip named or numbered \"{wanted}\" (clips: {})",
                if names.is_empty() {
                    "none".into()
                } else {
                    names.join(", ")
                }
            )
        })
}

fn export(args: &ExportArgs) -> anyhow::Result<i32> {
    let format = match args.format {
        Some(format) => format,
        None => Format::of_file(&args.out).with_context(|| {
            format!(
                "{}: cannot tell the format from the file name; say it with --format eaf|boris|csv",
                args.out.display()
            )
        })?,
    };
    if !matches!(format, Format::Eaf | Format::Boris | Format::Csv) {
        bail!(
            "--format {} is for import only; export writes eaf, boris or csv",
            format.name()
        );
    }
    if args.excel && format != Format::Csv {
        bail!("--excel is for --format csv only");
    }
    let loaded = store::load(&args.project)?;
    let project = &loaded.project;
    let scope = ExportScope {
        clip: args
            .clip
            .as_deref()
            .map(|c| find_clip(project, c))
            .transpose()?,
        coder: args.coder.clone(),
        with_notes: args.with_notes,
    };
    let guard = store::output_guard(&args.project, project, super::overwrite(args.force));
    guard.check(&args.out)?;
    let times = ProjectTimes::open(&args.project, project, scope.clip);
    warn_timed_by_rate(project, &times);
    let out_dir = output_folder(&args.out);
    let media_path = |clip: &Clip| media_path(&args.project, clip, out_dir.as_deref());
    let (bytes, count) = write_format(format, args, project, &scope, &times, &media_path)?;
    let mut file = AtomicFile::create(&args.out)?;
    file.write_all(&bytes)?;
    file.commit()?;
    log::info!(
        "annotations exported as {}: {count} moment(s), {} byte(s), notes {}",
        format.name(),
        bytes.len(),
        if args.with_notes {
            "included"
        } else {
            "left out"
        }
    );
    eprintln!(
        "{}: {count} moment(s) as {}{}",
        args.out.display(),
        format.name(),
        if args.with_notes {
            ", with clinical notes"
        } else {
            ""
        }
    );
    Ok(0)
}

/// The bytes of the export and how many moments they hold. ELAN and BORIS
/// are written by their own modules (`interchange::eaf`, `interchange::boris`),
/// joined here when they are built.
fn write_format(
    format: Format,
    args: &ExportArgs,
    project: &Project,
    scope: &ExportScope,
    times: &ProjectTimes,
    media_path: &dyn Fn(&Clip) -> String,
) -> anyhow::Result<(Vec<u8>, usize)> {
    use interchange::formats::Format as Shared;
    let shared = match format {
        Format::Eaf => Shared::Eaf,
        Format::Boris => Shared::Boris,
        Format::Csv => Shared::Csv,
        Format::Vtt => Shared::Vtt,
        Format::Srt => Shared::Srt,
    };
    interchange::formats::write(
        shared,
        project,
        scope,
        times,
        media_path,
        interchange::formats::WriteOptions { excel: args.excel },
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", args.project.display()))
}

/// The folder the export goes into, resolved, for paths relative to it.
fn output_folder(out: &Path) -> Option<PathBuf> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
    std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()
}

/// How an export names a clip: relative to the exported file when the clip
/// lies in its folder or below (so ELAN and BORIS find it), else as the
/// project stores it when that is relative, else its file name only. Never
/// an absolute path, and no `..` climbing into the user's other folders.
fn media_path(project_path: &Path, clip: &Clip, out_dir: Option<&Path>) -> String {
    let file = store::clip_path(project_path, clip);
    let resolved = std::fs::canonicalize(&file).ok().or_else(|| {
        let folder = std::fs::canonicalize(project_path.parent()?).ok()?;
        Some(folder.join(file.strip_prefix(project_path.parent()?).ok()?))
    });
    if let (Some(dir), Some(file)) = (out_dir, resolved)
        && let Some(relative) = interchange::relative_to(dir, &file)
        && !relative.starts_with("..")
    {
        return relative;
    }
    interchange::portable_path(clip)
}

/// Says which variable-rate clips could not be timed by their frames.
pub(super) fn warn_timed_by_rate(project: &Project, times: &ProjectTimes) {
    for (id, why) in times.timed_by_rate() {
        let name = project.clip(*id).map_or("?", |c| c.name.as_str());
        eprintln!(
            "attune: clip \"{name}\" varies its frame rate but its file cannot be read ({why}); its times follow the average rate and may be a frame off"
        );
    }
}

/// The most an annotation file may hold: as much as a project.
const MAX_ANNOTATION_BYTES: u64 = MAX_PROJECT_BYTES;

fn import(args: &ImportArgs) -> anyhow::Result<i32> {
    let format = match args.format {
        Some(format) => format,
        None => Format::of_file(&args.file).with_context(|| {
            format!(
                "{}: cannot tell the format from the file name; say it with --format eaf|boris|csv|vtt|srt",
                args.file.display()
            )
        })?,
    };
    if args.observation.is_some() && format != Format::Boris {
        bail!("--observation is for BORIS files only");
    }
    // Locked before reading, so nobody saves the project between our
    // reading it and writing it back; a dry run writes nothing and needs none.
    let _lock = if args.dry_run {
        None
    } else {
        lock(&args.project)?
    };
    let loaded = store::load(&args.project)?;
    let project = loaded.project;
    let text = read_text(&args.file)?;
    let (annotations, lines) = read_format(format, &text, &args.file, args.observation.as_deref())?;
    let target = ImportTarget {
        clip: args
            .clip
            .as_deref()
            .map(|c| find_clip(&project, c))
            .transpose()?,
        coder: args.coder.clone(),
        now: chrono::Utc::now(),
    };
    let times = ProjectTimes::open(&args.project, &project, target.clip);
    warn_timed_by_rate(&project, &times);
    let started = std::time::Instant::now();
    let plan = interchange::plan_import(&project, &annotations, &target, &times)
        .map_err(|e| located(e, &args.file, lines.as_deref()))?;
    log::info!(
        "annotations import from {}: {} span(s) planned as {} moment(s) in {} ms",
        format.name(),
        annotations.spans.len(),
        plan.moment_count(),
        started.elapsed().as_millis()
    );
    for line in plan.summary() {
        println!("{line}");
    }
    if args.dry_run {
        println!("dry run: nothing was written");
        return Ok(0);
    }
    let (moments, codes, books) = (
        plan.moment_count(),
        plan.new_codes.len(),
        plan.work.codebooks.len(),
    );
    let edit = plan
        .into_edit(&project)
        .with_context(|| format!("{}: cannot be added to the project", args.file.display()))?;
    let mut doc = Document::new(project);
    doc.apply(edit)?;
    store::remove_stale_temporaries(&args.project);
    store::save(&args.project, doc.project())?;
    log::info!(
        "annotations imported: {moments} moment(s), {codes} new code(s), {books} new codebook(s)"
    );
    println!(
        "added {moments} moment(s), {codes} new code(s), {books} new codebook(s) to {}",
        args.project.display()
    );
    Ok(0)
}

/// The project's lock, as the app takes it; refused while someone has the
/// project open. `None` for a project file that is not there (loading then
/// says so).
pub(super) fn lock(project: &Path) -> anyhow::Result<Option<ProjectLock>> {
    if !project.exists() {
        return Ok(None);
    }
    match ProjectLock::acquire(project)? {
        LockOutcome::Acquired(lock) => Ok(Some(lock)),
        LockOutcome::ReadOnly(holder) => bail!(
            "{}: is open in Attune by {holder}; close it there first",
            project.display()
        ),
    }
}

/// The file as text: a regular file within the size limit, UTF-8.
fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = crate::files::read_capped(path, MAX_ANNOTATION_BYTES)?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: is not UTF-8 text (byte {} is not)",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The shared form of a file, with the line of each span where the format
/// knows lines.
fn read_format(
    format: Format,
    text: &str,
    file: &Path,
    observation: Option<&str>,
) -> anyhow::Result<(Annotations, Option<Vec<u64>>)> {
    match format {
        Format::Csv => {
            let (a, lines) = interchange::csv::read_with_lines(text, file)?;
            Ok((a, Some(lines)))
        }
        Format::Vtt | Format::Srt => {
            let kind = if format == Format::Vtt {
                subtitles::Kind::Vtt
            } else {
                subtitles::Kind::Srt
            };
            let (a, lines) = subtitles::read_with_lines(text, kind, file)?;
            Ok((a, Some(lines)))
        }
        Format::Eaf => Ok((interchange::eaf::read(text, file)?, None)),
        // The reader picks the observation (the only one, or the one asked
        // for) and names its coder.
        Format::Boris => Ok((interchange::boris::read(text, file, observation)?, None)),
    }
}

/// The planner's error at the file's line when the format knows it, all
/// on one line: "codes.csv:12: annotation 11 (tier "Gaze"): …".
fn located(error: ImportError, file: &Path, lines: Option<&[u64]>) -> anyhow::Error {
    let line = error
        .span()
        .and_then(|span| lines.and_then(|l| l.get(span)).copied())
        .map(|l| format!(":{l}"))
        .unwrap_or_default();
    let message = format!("{}{line}: {error}", file.display());
    anyhow::Error::new(error).context(message)
}
