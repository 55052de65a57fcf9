//! `attune stills`: each reel item's hold frame (or middle frame) at full
//! source resolution as PNG, plus a printable handout for the parent.
//! Consent is checked as for the reel: the stills show the same footage.

use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::frame;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;
use image::RgbaImage;

use super::plan::{OutputSettings, plan_reel};
use super::source::{Flow, Source, SourceError};
use super::{ExportError, check_consent, handout};
use crate::files::Overwrite;
use crate::media::ffmpeg::picture::{self, Colour, PixelAspect};
use crate::model::{Project, Reel};

#[derive(Debug, Clone, Copy)]
pub struct StillsJob<'a> {
    pub project_path: &'a Path,
    pub project: &'a Project,
    pub reel: &'a Reel,
    /// Created if missing (its parent must exist).
    pub out_dir: &'a Path,
    /// Whether existing files Attune did not write may be replaced.
    pub overwrite: Overwrite,
}

#[derive(Debug, Clone)]
pub struct StillsSummary {
    /// One PNG per reel item, in reel order, with the source frame shown.
    pub stills: Vec<(PathBuf, u32)>,
    pub handout: PathBuf,
}

/// Writes `still-01.png`, ... and `handout.html` into the folder.
pub fn export_stills(job: &StillsJob<'_>) -> Result<StillsSummary, ExportError> {
    let started = std::time::Instant::now();
    let reel = job.reel.id.0;
    log::info!(
        "stills of reel {reel} started: {} item(s)",
        job.reel.items.len()
    );
    let written = write_stills(job);
    match &written {
        Ok(summary) => log::info!(
            "stills of reel {reel} finished: {} still(s) and a handout in {:.1} s",
            summary.stills.len(),
            started.elapsed().as_secs_f64()
        ),
        Err(e) => log::error!(
            "stills of reel {reel} failed: {}",
            crate::files::log::kind_of(e)
        ),
    }
    written
}

fn write_stills(job: &StillsJob<'_>) -> Result<StillsSummary, ExportError> {
    // Quiets FFmpeg's chatter; a failure shows again, typed, when a source
    // opens.
    if let Err(e) = crate::media::ffmpeg::init() {
        log::warn!("stills export: {e}");
    }
    check_consent(job.project, job.reel)?;
    // The plan gives the spans and captions; its output settings are moot.
    let plan = plan_reel(job.project, job.reel, OutputSettings::default())?;
    let handout = job.out_dir.join("handout.html");
    let png_path = |position: usize| job.out_dir.join(format!("still-{position:02}.png"));
    let mut outputs: Vec<PathBuf> = plan.items.iter().map(|i| png_path(i.position)).collect();
    outputs.push(handout.clone());
    if !job.out_dir.is_dir() {
        create_private_dir(job.out_dir).map_err(|e| ExportError::OutputFolder {
            path: job.out_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
    }
    let guard = crate::store::output_guard(job.project_path, job.project, job.overwrite);
    guard.check_all(&outputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    let mut stills = Vec::new();
    let mut entries = Vec::new();
    // One open source per clip: opening reads the clip's whole frame table.
    let mut sources = std::collections::HashMap::new();
    for item in &plan.items {
        let Some(clip) = job.project.clip(item.clip) else {
            continue;
        };
        let source = match sources.entry(clip.id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let path = crate::store::clip_path(job.project_path, clip);
                e.insert(Source::open(&clip.name, &path, item.source_rate, 0)?)
            }
        };
        let frame = item.still_frame();
        log::debug!(
            "still {} of reel {}: moment {}, clip {}, frame {frame}",
            item.position,
            job.reel.id.0,
            item.moment.0,
            clip.id.0
        );
        let img = decode_still(source, frame, clip.media.rotation)?;
        let png_path = png_path(item.position);
        let png = encode_png(&img).map_err(|reason| ExportError::Still {
            path: png_path.clone(),
            reason,
        })?;
        crate::files::write_file(&png_path, &png)?;
        entries.push(handout::Entry {
            png,
            caption: item.caption.clone(),
        });
        stills.push((png_path, frame));
    }
    let title = job
        .reel
        .title_card
        .as_ref()
        .map(|c| c.title.clone())
        .filter(|t| !t.trim().is_empty());
    let html = handout::html(
        title.as_deref(),
        chrono::Local::now().date_naive(),
        &entries,
    );
    crate::files::write_file(&handout, html.as_bytes())?;
    Ok(StillsSummary { stills, handout })
}

/// A folder only the user may open: it will hold stills of a family.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Decodes exactly source frame `frame` at full resolution, turned upright.
pub(crate) fn decode_still(
    source: &mut Source,
    frame: u32,
    rotation: u16,
) -> Result<RgbaImage, ExportError> {
    let mut picture = None;
    let clip = source.clip.clone();
    let aspect = source.pixel_aspect;
    source.decode_range(frame, frame, |_, decoded| {
        picture = Some(to_rgba(decoded, aspect).map_err(|e| ExportError::Picture {
            clip: clip.clone(),
            reason: e.to_string(),
        })?);
        Ok(Flow::Stop)
    })?;
    let img = picture.ok_or_else(|| SourceError::EndedEarly {
        clip: source.clip.clone(),
        path: source.path.clone(),
        frame,
    })?;
    Ok(match rotation {
        90 => image::imageops::rotate90(&img),
        180 => image::imageops::rotate180(&img),
        270 => image::imageops::rotate270(&img),
        _ => img,
    })
}

/// The picture at its display size (stored width times the pixel aspect
/// ratio), its colours read as the stream declares (or the default for its
/// size), as the viewer shows it.
fn to_rgba(decoded: &frame::Video, aspect: PixelAspect) -> Result<RgbaImage, ffmpeg::Error> {
    let colour = Colour::of_frame(decoded);
    let (w, h) = (aspect.display_width(decoded.width()), decoded.height());
    let mut scaler = picture::scaler(
        (decoded.format(), decoded.width(), decoded.height()),
        colour,
        (Pixel::RGBA, w, h),
        colour,
        scaling::Flags::BILINEAR | scaling::Flags::ACCURATE_RND,
    )?;
    let mut rgba = frame::Video::empty();
    scaler.run(decoded, &mut rgba)?;
    let stride = rgba.stride(0);
    let row = w as usize * 4;
    let mut out = Vec::with_capacity(row * h as usize);
    for y in 0..h as usize {
        out.extend_from_slice(&rgba.data(0)[y * stride..y * stride + row]);
    }
    RgbaImage::from_raw(w, h, out).ok_or(ffmpeg::Error::Bug)
}

/// PNG bytes with no text chunks: nothing but the picture.
fn encode_png(img: &RgbaImage) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(
            img,
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgba8,
        )
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

use image::ImageEncoder as _;
