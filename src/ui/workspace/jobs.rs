//! Long jobs started from the workspace: rendering a reel (with progress,
//! ETA and cancel) and saving the viewer's frame as a still. Both run on
//! their own thread on a snapshot of the project; the UI only polls.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, bounded, unbounded};

use crate::export::{OutputSettings, Progress, RenderJob, render_reel};
use crate::files::{OutputGuard, Overwrite};
use crate::model::{Clip, Project, ReelId};

pub enum JobEvent {
    Progress(Progress),
    Done(Result<String, String>),
}

/// A render or still in flight.
pub struct Job {
    pub what: String,
    pub events: Receiver<JobEvent>,
    pub cancel: Arc<AtomicBool>,
    pub progress: Option<Progress>,
}

impl Job {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Takes what arrived; returns the outcome once the job has ended.
    pub fn poll(&mut self) -> Option<Result<String, String>> {
        let mut outcome = None;
        while let Ok(event) = self.events.try_recv() {
            match event {
                JobEvent::Progress(p) => self.progress = Some(p),
                JobEvent::Done(result) => outcome = Some(result),
            }
        }
        outcome
    }

    /// "Rendering 'First review': 40% · about 12 s left".
    pub fn status(&self) -> String {
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
pub fn start_render(
    ctx: &egui::Context,
    project_path: PathBuf,
    project: Project,
    reel: ReelId,
    settings: OutputSettings,
    output: PathBuf,
) -> Option<Job> {
    let name = project.reel(reel)?.name.clone();
    let (tx, rx) = unbounded();
    let cancel = Arc::new(AtomicBool::new(false));
    let stop = cancel.clone();
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("render-reel".into())
        .spawn(move || {
            let Some(reel) = project.reel(reel) else {
                return;
            };
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
                // A repaint per percent is plenty for a progress bar.
                let percent = u64::from(p.done) * 100 / u64::from(p.total.max(1));
                if percent != last_percent {
                    last_percent = percent;
                    let _ = tx.send(JobEvent::Progress(*p));
                    ctx.request_repaint();
                }
            };
            let result = render_reel(&job, &mut report, &stop)
                .map(|summary| {
                    format!(
                        "Reel written to {} ({:.1} s of video).",
                        summary.output.display(),
                        summary.plan.duration_s()
                    )
                })
                .map_err(|e| e.to_string());
            let _ = tx.send(JobEvent::Done(result));
            ctx.request_repaint();
        });
    spawned.ok().map(|_| Job {
        what: format!("Rendering '{name}'"),
        events: rx,
        cancel,
        progress: None,
    })
}

/// Writes one source frame at full resolution as PNG or JPEG (by the
/// file's extension), with no metadata, through a temporary file.
pub fn start_still(
    ctx: &egui::Context,
    guard: OutputGuard,
    clip: Clip,
    path: PathBuf,
    frame: u32,
    output: PathBuf,
) -> Option<Job> {
    let (tx, rx) = bounded(1);
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("save-still".into())
        .spawn(move || {
            let result = save_still(&guard, &clip, &path, frame, &output)
                .map(|()| format!("Frame {frame} saved as {}.", output.display()));
            let _ = tx.send(JobEvent::Done(result));
            ctx.request_repaint();
        });
    spawned.ok().map(|_| Job {
        what: "Saving the still".into(),
        events: rx,
        cancel: Arc::new(AtomicBool::new(false)),
        progress: None,
    })
}

fn save_still(
    guard: &OutputGuard,
    clip: &Clip,
    path: &Path,
    frame: u32,
    output: &Path,
) -> Result<(), String> {
    guard.check(output).map_err(|e| e.to_string())?;
    let rate = (clip.media.frame_rate.num, clip.media.frame_rate.den);
    let mut source = crate::export::source::Source::open(&clip.name, path, rate, 0)
        .map_err(|e| e.to_string())?;
    let image = crate::export::stills::decode_still(&mut source, frame, clip.media.rotation)
        .map_err(|e| e.to_string())?;
    let jpeg = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"));
    let fail = |e: &dyn std::fmt::Display| format!("Cannot write {}: {e}", output.display());
    let mut encoded = std::io::Cursor::new(Vec::new());
    if jpeg {
        // JPEG has no alpha channel.
        image::DynamicImage::ImageRgba8(image)
            .to_rgb8()
            .write_to(&mut encoded, image::ImageFormat::Jpeg)
    } else {
        image.write_to(&mut encoded, image::ImageFormat::Png)
    }
    .map_err(|e| fail(&e))?;
    // The image crate writes no metadata; the atomic writer means a failed
    // save never leaves half a picture.
    crate::files::write_file(output, encoded.get_ref())
        .map(|_| ())
        .map_err(|e| e.to_string())
}
