//! The reel renderer: follows a [`ReelPlan`] frame by frame, decoding each
//! item's exact source range, fitting it into the output, drawing captions
//! and the title card, and encoding through [`Mp4Writer`]. Consent is checked
//! and every source is found before anything is decoded or written.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ffmpeg_next::frame;

use super::picture::Fitter;
use super::plan::{AUDIO_RATE, OutputSettings, PlannedItem, ReelPlan, plan_reel};
use super::source::{Flow, Source, SourceError, read_audio};
use super::text::{caption_overlay, title_card};
use super::yuv::{self, YuvOverlay};
use super::{ExportError, check_consent, vtt};
use crate::files::{AtomicFile, GuardError, Overwrite, WriteError, commit_all};
use crate::media::ffmpeg::writer::{AudioSettings, Mp4Writer, VideoSettings};
use crate::model::{ClipId, Project, Reel};

/// What to render and where.
#[derive(Debug, Clone, Copy)]
pub struct RenderJob<'a> {
    /// The project file (clip paths are relative to its folder).
    pub project_path: &'a Path,
    pub project: &'a Project,
    pub reel: &'a Reel,
    pub settings: OutputSettings,
    /// The MP4 to write; `OUT.vtt` and `OUT.chapters.vtt` go beside it.
    pub output: &'a Path,
    /// Whether an existing file Attune did not write may be replaced: the
    /// MP4 (a save dialog asks about it) ...
    pub overwrite: Overwrite,
    /// ... and its captions and chapters beside it (nobody was asked about
    /// those in the app; `--force` covers all three on the command line).
    pub sidecars: Overwrite,
}

/// Reported after every output frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub done: u32,
    pub total: u32,
    pub elapsed: Duration,
    /// Remaining time at the rate so far; `None` before the first frame.
    pub eta: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct RenderSummary {
    pub plan: ReelPlan,
    pub output: PathBuf,
    pub captions: PathBuf,
    pub chapters: PathBuf,
    /// Wall time of the render.
    pub seconds: f64,
}

/// Checks consent, plans, and renders the reel. `cancel` is read before
/// every output frame; a cancelled or failed render leaves no file under the
/// output's name (nor a temporary one).
pub fn render_reel(
    job: &RenderJob<'_>,
    progress: &mut dyn FnMut(&Progress),
    cancel: &AtomicBool,
) -> Result<RenderSummary, ExportError> {
    let started = Instant::now();
    // Quiets libx264's banner and FFmpeg's chatter on the terminal. A
    // failure shows again, typed, when the writer or a source opens.
    if let Err(e) = crate::media::ffmpeg::init() {
        log::warn!("reel export: {e}");
    }
    check_consent(job.project, job.reel)?;
    let plan = plan_reel(job.project, job.reel, job.settings)?;
    let sources = find_sources(job, &plan)?;
    // Never onto the project, its own files or a clip; never the reel and
    // its captions onto one another (`-o out.vtt`).
    let (captions, chapters) = vtt::sidecar_paths(job.output);
    let guard = crate::store::output_guard(job.project_path, job.project, job.overwrite);
    guard
        .check_all(&[job.output, &captions, &chapters])
        .and_then(|()| {
            guard
                .with_overwrite(job.sidecars)
                .check_all(&[&captions, &chapters])
        })
        .map_err(|e| match e {
            GuardError::NoFolder { path } => folder_error(&path, "no such folder".into()),
            GuardError::Collision { .. } => ExportError::SidecarClash {
                path: job.output.to_path_buf(),
            },
            other => other.into(),
        })?;
    // Created before any decoding: an unwritable folder fails at once.
    let file = AtomicFile::create(job.output).map_err(|e| match e {
        WriteError::Folder { path, source } => {
            folder_error(&path, format!("cannot create files there ({source})"))
        }
        other => other.into(),
    })?;

    let s = plan.settings;
    let (width, height) = (s.width(), s.height);
    let fps = i32::try_from(s.fps).unwrap_or(25);
    let mut writer = Mp4Writer::create_in(
        file,
        job.output,
        VideoSettings {
            width,
            height,
            frame_rate: (fps, 1),
            gop: s.fps * 2,
            crf: 21,
            preset: "veryfast".into(),
            threads: 0,
        },
        Some(AudioSettings {
            sample_rate: AUDIO_RATE,
            channels: 2,
        }),
    )?;
    let mut out = Output {
        writer: &mut writer,
        silence: vec![0.0; s.samples_per_frame() as usize * 2],
        done: 0,
        total: plan.total_frames,
        started,
        progress,
        cancel,
    };
    if let Some(title) = &plan.title {
        let card = title_card(&title.title, &title.subtitle, width, height)?;
        let card = yuv::from_rgba(&card).map_err(|e| ExportError::Picture {
            clip: "the title card".into(),
            reason: e.to_string(),
        })?;
        for _ in 0..title.frames {
            out.push(&card, None)?;
        }
    }
    let mut open: HashMap<ClipId, Source> = HashMap::new();
    for item in &plan.items {
        let Some((name, path, rotation)) = sources.get(&item.clip) else {
            continue;
        };
        // Opened only when first needed, so a clip that vanished during the
        // render is reported by name.
        let source = match open.entry(item.clip) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(Source::open(name, path, item.source_rate, 0)?),
        };
        render_item(item, source, *rotation, (width, height), &mut out)?;
    }
    drop(out);
    let video = writer.finish_unrenamed()?;
    let mut files = vec![video];
    for (path, text) in [
        (&captions, vtt::captions(&plan)),
        (&chapters, vtt::chapters(&plan)),
    ] {
        let mut file = AtomicFile::create(path)?;
        file.write_all(text.as_bytes())?;
        files.push(file);
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(ExportError::Cancelled);
    }
    // The reel and its captions appear together or not at all.
    commit_all(files)?;
    Ok(RenderSummary {
        plan,
        output: job.output.to_path_buf(),
        captions,
        chapters,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The writer plus the bookkeeping every output frame needs.
struct Output<'a, 'p> {
    writer: &'a mut Mp4Writer,
    silence: Vec<f32>,
    done: u32,
    total: u32,
    started: Instant,
    progress: &'a mut (dyn FnMut(&Progress) + 'p),
    cancel: &'a AtomicBool,
}

impl Output<'_, '_> {
    /// One output frame with its audio (`None`: silence).
    fn push(&mut self, picture: &frame::Video, audio: Option<&[f32]>) -> Result<(), ExportError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(ExportError::Cancelled);
        }
        self.writer.push_video_yuv(picture)?;
        self.writer.push_audio(audio.unwrap_or(&self.silence))?;
        self.done += 1;
        let elapsed = self.started.elapsed();
        let eta = (self.done > 0).then(|| {
            elapsed
                .mul_f64(f64::from(self.total - self.done.min(self.total)) / f64::from(self.done))
        });
        (self.progress)(&Progress {
            done: self.done,
            total: self.total,
            elapsed,
            eta,
        });
        Ok(())
    }
}

/// Output pictures in flight between the decoding and encoding threads.
const PICTURES_IN_FLIGHT: usize = 4;

/// Renders one item. Decoding, fitting and captioning run on a second
/// thread while this one encodes, so the decoder and the encoder overlap
/// instead of taking turns (both also use their own threads inside).
fn render_item(
    item: &PlannedItem,
    source: &mut Source,
    rotation: u16,
    (width, height): (u32, u32),
    out: &mut Output<'_, '_>,
) -> Result<(), ExportError> {
    let overlay = caption_overlay(&item.caption, width, height)?.map(|o| YuvOverlay::new(&o));
    let spf = out.silence.len();
    let play_frames = item.frames.iter().filter(|f| !f.hold).count();
    let audio = if item.plays_audio() {
        read_audio(source, item.source_start, play_frames * spf / 2)?
    } else {
        None
    };
    let frames = &item.frames;
    // Finished pictures go to the encoder; spent ones come back for reuse.
    let (full_tx, full_rx) = crossbeam_channel::bounded::<(u32, frame::Video)>(PICTURES_IN_FLIGHT);
    let (empty_tx, empty_rx) = crossbeam_channel::unbounded::<frame::Video>();
    for _ in 0..=PICTURES_IN_FLIGHT {
        // Cannot fail: `empty_rx` is alive and the channel unbounded.
        if empty_tx.send(yuv::black_frame(width, height)).is_err() {
            log::debug!("reel export: the picture pool closed before it was filled");
        }
    }
    let clip = source.clip.clone();
    let path = source.path.clone();
    let (decoded, encoded) = std::thread::scope(|scope| {
        // `move`: the decoder owns the sending end, so the encoder's loop
        // ends when the decoder finishes.
        let decoder = scope.spawn(move || {
            let mut fitter = Fitter::new(rotation, source.pixel_aspect, width, height);
            let mut next = 0usize;
            source.decode_range(item.source_start, item.source_end, |index, decoded| {
                if frames.get(next).is_none_or(|f| f.source > index) {
                    // Dropped by rate conversion (or before the range): not shown.
                    return Ok(if next >= frames.len() {
                        Flow::Stop
                    } else {
                        Flow::Continue
                    });
                }
                // The encoder has stopped (cancel or error): so do we.
                let Ok(mut canvas) = empty_rx.recv() else {
                    return Ok(Flow::Stop);
                };
                if let Some(o) = &overlay {
                    // Bars under the band may carry an earlier caption: clear them.
                    yuv::fill_rows(&mut canvas, o.y, height);
                }
                fitter
                    .fit(decoded, &mut canvas)
                    .map_err(|e| ExportError::Picture {
                        clip: source_name(item),
                        reason: e.to_string(),
                    })?;
                if let Some(o) = &overlay {
                    o.blend_onto(&mut canvas);
                }
                while frames.get(next).is_some_and(|f| f.source <= index) {
                    next += 1;
                }
                if full_tx.send((index, canvas)).is_err() {
                    return Ok(Flow::Stop);
                }
                Ok(if next >= frames.len() {
                    Flow::Stop
                } else {
                    Flow::Continue
                })
            })
            // `full_tx` drops here, which ends the encoder's loop.
        });
        let mut next = 0usize;
        let mut played = 0usize;
        let mut encode = || -> Result<(), ExportError> {
            for (index, canvas) in full_rx.iter() {
                while let Some(f) = frames.get(next).filter(|f| f.source <= index) {
                    let sound = if f.hold {
                        None
                    } else {
                        let from = played * spf;
                        played += 1;
                        audio.as_deref().and_then(|a| a.get(from..from + spf))
                    };
                    out.push(&canvas, sound)?;
                    next += 1;
                }
                // The decoder may have finished and dropped its end: the
                // picture is then simply not reused.
                if empty_tx.send(canvas).is_err() {
                    log::debug!("reel export: a spent picture was not returned to the pool");
                }
            }
            Ok(())
        };
        let encoded = encode();
        // On an early stop, let a decoder waiting for a picture or a slot go.
        drop(empty_tx);
        drop(full_rx);
        let decoded = decoder.join().unwrap_or_else(|_| {
            Err(ExportError::Picture {
                clip: source_name(item),
                reason: "the decoding thread stopped unexpectedly".into(),
            })
        });
        (decoded, encoded.map(|()| next))
    });
    let next = encoded?;
    decoded?;
    if next < frames.len() {
        return Err(SourceError::EndedEarly {
            clip,
            path,
            frame: frames[next].source,
        }
        .into());
    }
    Ok(())
}

fn source_name(item: &PlannedItem) -> String {
    format!("reel item {}", item.position)
}

type Sources = HashMap<ClipId, (String, PathBuf, u16)>;

/// Every clip the plan uses, found on disk before rendering starts.
fn find_sources(job: &RenderJob<'_>, plan: &ReelPlan) -> Result<Sources, ExportError> {
    let mut sources = HashMap::new();
    for item in &plan.items {
        if sources.contains_key(&item.clip) {
            continue;
        }
        let Some(clip) = job.project.clip(item.clip) else {
            continue;
        };
        let path = crate::store::clip_path(job.project_path, clip);
        if !path.is_file() {
            return Err(SourceError::Missing {
                clip: clip.name.clone(),
                path,
            }
            .into());
        }
        sources.insert(clip.id, (clip.name.clone(), path, clip.media.rotation));
    }
    Ok(sources)
}

/// The output's folder is missing or refuses new files.
pub(crate) fn folder_error(output: &Path, reason: String) -> ExportError {
    let folder = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    ExportError::OutputFolder {
        path: folder,
        reason,
    }
}
