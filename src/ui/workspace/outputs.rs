//! Files the workspace writes from a snapshot of the project: a rendered
//! reel (with progress, ETA and cancel) and the viewer's frame as a still.
//! Both run as `ui::jobs`; the panel only polls.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::export::{ExportError, OutputSettings, Progress, RenderJob, render_reel};
use crate::files::{GuardError, OutputGuard, Overwrite, WriteError};
use crate::model::{Clip, Project, ReelId};
use crate::ui::jobs::{self, Job, JobError, Worker};

/// What a finished output job made.
#[derive(Debug)]
pub(super) enum Written {
    Reel { output: PathBuf, seconds: f64 },
    Still { frame: u32, output: PathBuf },
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Written::Reel { output, seconds } => write!(
                f,
                "Reel written to {} ({seconds:.1} s of video).",
                output.display()
            ),
            Written::Still { frame, output } => {
                write!(f, "Frame {frame} saved as {}.", output.display())
            }
        }
    }
}

/// Why an output was not written.
#[derive(Debug, thiserror::Error)]
pub(super) enum OutputError {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Guard(#[from] GuardError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("Cannot write {}: {source}", path.display())]
    Encode {
        path: PathBuf,
        source: image::ImageError,
    },
    #[error(transparent)]
    Job(#[from] JobError),
    #[error("there is no reel {0}")]
    NoReel(ReelId),
}

/// A render or still in flight.
pub(super) struct Output {
    what: String,
    job: Job<Result<Written, OutputError>, Progress>,
    pub progress: Option<Progress>,
}

impl Output {
    pub(super) fn cancel(&self) {
        self.job.cancel();
    }

    /// Takes what arrived; returns the outcome once the job has ended.
    pub(super) fn poll(&mut self) -> Option<Result<Written, OutputError>> {
        let progress = &mut self.progress;
        let outcome = self.job.poll(|p| *progress = Some(p))?;
        Some(
            outcome
                .map_err(OutputError::from)
                .and_then(|written| written),
        )
    }

    /// "Rendering 'First review': 40% · about 12 s left".
    pub(super) fn status(&self) -> String {
        match &self.progress {
            Some(p) if p.total > 0 => {
                let percent = u64::from(p.done) * 100 / u64::from(p.total);
                let left = p
                    .eta
                    .map(|eta| format!(" · about {} left", seconds(eta)))
                    .unwrap_or_default();
                format!("{}: {percent}%{left}", self.what)
            }
            _ => format!("{}…", self.what),
        }
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

/// Renders a reel to `output` on a worker thread.
pub(super) fn start_render(
    ctx: &egui::Context,
    project_path: PathBuf,
    project: Project,
    reel: ReelId,
    settings: OutputSettings,
    output: PathBuf,
) -> Result<Output, JobError> {
    let name = project
        .reel(reel)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let job = jobs::spawn(ctx, "render-reel", move |worker: &Worker<Progress>| {
        let reel = project.reel(reel).ok_or(OutputError::NoReel(reel))?;
        let job = RenderJob {
            project_path: &project_path,
            project: &project,
            reel,
            settings,
            output: &output,
            // The save dialog asked before replacing the MP4 (never the
            // project, its files or the clips); nobody asked about the
            // captions beside it.
            overwrite: Overwrite::Confirmed,
            sidecars: Overwrite::OnlyOurs,
        };
        let mut last_percent = u64::MAX;
        let mut report = |p: &Progress| {
            // An update per percent is plenty for a progress bar.
            let percent = u64::from(p.done) * 100 / u64::from(p.total.max(1));
            if percent != last_percent {
                last_percent = percent;
                worker.report(*p);
            }
        };
        log::info!(
            "app render of reel {} started: {} item(s)",
            reel.id,
            reel.items.len()
        );
        let summary = render_reel(&job, &mut report, worker.cancel_flag()).inspect_err(|e| {
            log::error!(
                "app render of reel {} failed: {}",
                reel.id,
                crate::files::log::kind_of(e)
            );
        })?;
        log::info!(
            "app render of reel {} finished: {} frame(s), {:.1} s of video in {:.1} s",
            reel.id,
            summary.plan.total_frames,
            summary.plan.duration_s(),
            summary.seconds
        );
        Ok(Written::Reel {
            output: summary.output,
            seconds: summary.plan.duration_s(),
        })
    })?;
    Ok(Output {
        what: format!("Rendering '{name}'"),
        job,
        progress: None,
    })
}

/// Writes one source frame at full resolution as PNG or JPEG (by the
/// file's extension), with no metadata, through a temporary file.
pub(super) fn start_still(
    ctx: &egui::Context,
    guard: OutputGuard,
    clip: Clip,
    path: PathBuf,
    frame: u32,
    output: PathBuf,
) -> Result<Output, JobError> {
    let job = jobs::spawn(ctx, "save-still", move |_: &Worker<Progress>| {
        save_still(&guard, &clip, &path, frame, &output).inspect_err(|e| {
            log::error!(
                "still of clip {} frame {frame} not saved: {}",
                clip.id,
                crate::files::log::kind_of(e)
            );
        })?;
        log::info!("still of clip {} frame {frame} saved", clip.id);
        Ok(Written::Still { frame, output })
    })?;
    Ok(Output {
        what: "Saving the still".into(),
        job,
        progress: None,
    })
}

fn save_still(
    guard: &OutputGuard,
    clip: &Clip,
    path: &Path,
    frame: u32,
    output: &Path,
) -> Result<(), OutputError> {
    guard.check(output)?;
    let rate = (clip.media.frame_rate.num, clip.media.frame_rate.den);
    let mut source = crate::export::source::Source::open(&clip.name, path, rate, 0)
        .map_err(ExportError::from)?;
    let image = crate::export::stills::decode_still(&mut source, frame, clip.media.rotation)?;
    let jpeg = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"));
    let mut encoded = std::io::Cursor::new(Vec::new());
    if jpeg {
        // JPEG has no alpha channel.
        image::DynamicImage::ImageRgba8(image)
            .to_rgb8()
            .write_to(&mut encoded, image::ImageFormat::Jpeg)
    } else {
        image.write_to(&mut encoded, image::ImageFormat::Png)
    }
    .map_err(|source| OutputError::Encode {
        path: output.to_path_buf(),
        source,
    })?;
    // The image crate writes no metadata; the atomic writer means a failed
    // save never leaves half a picture.
    crate::files::write_file(output, encoded.get_ref())?;
    Ok(())
}
