//! The GStreamer side of the engine: [`GstBackend`] implements the
//! framework-neutral [`Backend`] trait with a real-time playbin
//! (`playback`), a pull-mode decoder (`decoder`) that reads at open where
//! GStreamer's timestamps put each frame, and the pieces they share
//! (`pipeline`). Positioning itself (seeks, steps, prefetch) decodes with
//! FFmpeg (`super::ffmpeg_decoder`), which can skip the frames nothing
//! refers to; the GStreamer decoder stands in when FFmpeg cannot open a
//! clip. Nothing else in the engine imports GStreamer.

mod decoder;
mod pipeline;
mod playback;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::media::engine::backend::{Backend, ClipSpec, PlaybackOutput};
use crate::media::engine::cache::CachedFrame;
use crate::media::engine::error::EngineError;
use crate::media::engine::ffmpeg_decoder::FfmpegDecoder;
use crate::media::engine::index::{ClipIndex, index_clip_with_clock};
use crate::media::engine::stepper::FrameDecoder;
use crate::media::engine::timeline::Timeline;
use crate::media::ffmpeg::{Threads, Timing};

use decoder::GstDecoder;
use playback::Playback;

pub(super) use pipeline::init;

/// GStreamer for playback, FFmpeg for the index and for positioning.
#[derive(Default)]
pub(super) struct GstBackend {
    /// FFmpeg's clock of the clips indexed last, so that decoders opened
    /// later on the same clip map its timestamps without reading it again.
    clocks: Mutex<Vec<(PathBuf, Timing)>>,
}

/// Clips whose clocks are kept (the open one and a few before it).
const CLOCKS_KEPT: usize = 4;

/// Set to `gstreamer` to position with the GStreamer decoder, as before
/// FFmpeg did it: for measuring one beside the other in the same run.
const POSITIONING_ENV: &str = "ATTUNE_POSITIONING";

fn gstreamer_positioning() -> bool {
    std::env::var(POSITIONING_ENV).is_ok_and(|v| v == "gstreamer")
}

impl GstBackend {
    fn clock(&self, path: &Path) -> Option<Timing> {
        let clocks = self.clocks.lock().unwrap_or_else(PoisonError::into_inner);
        clocks
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c.clone())
    }

    fn remember(&self, path: &Path, clock: Timing) {
        let mut clocks = self.clocks.lock().unwrap_or_else(PoisonError::into_inner);
        clocks.retain(|(p, _)| p != path);
        clocks.insert(0, (path.to_path_buf(), clock));
        clocks.truncate(CLOCKS_KEPT);
    }

    /// The FFmpeg positioning decoder, or why not.
    fn ffmpeg_decoder(
        &self,
        spec: &ClipSpec,
        threads: Threads,
    ) -> Result<(FfmpegDecoder, CachedFrame), EngineError> {
        let clock = match self.clock(&spec.path) {
            Some(c) => c,
            None => {
                let (_, clock) = index_clip_with_clock(&spec.path)?;
                self.remember(&spec.path, clock.clone());
                clock
            }
        };
        FfmpegDecoder::open(spec, clock, threads)
    }

    fn positioning(
        &self,
        spec: &ClipSpec,
        threads: Threads,
        fallback: impl FnOnce() -> Result<(GstDecoder, CachedFrame), EngineError>,
    ) -> Result<(Positioning, CachedFrame), EngineError> {
        if !gstreamer_positioning() {
            match self.ffmpeg_decoder(spec, threads) {
                Ok((dec, first)) => return Ok((Positioning::Ffmpeg(Box::new(dec)), first)),
                Err(e) => log::warn!(
                    "positioning falls back to GStreamer: {}",
                    crate::files::log::kind_of(&e)
                ),
            }
        }
        let (dec, first) = fallback()?;
        Ok((Positioning::Gst(dec), first))
    }
}

/// The decoder that positions: FFmpeg's, or GStreamer's where FFmpeg
/// cannot open the clip.
pub(super) enum Positioning {
    Ffmpeg(Box<FfmpegDecoder>),
    Gst(GstDecoder),
}

impl FrameDecoder for Positioning {
    fn seek(&mut self, frame: u32) -> Result<(), EngineError> {
        match self {
            Positioning::Ffmpeg(d) => d.seek(frame),
            Positioning::Gst(d) => d.seek(frame),
        }
    }

    fn next_frame(&mut self) -> Result<Option<CachedFrame>, EngineError> {
        match self {
            Positioning::Ffmpeg(d) => d.next_frame(),
            Positioning::Gst(d) => d.next_frame(),
        }
    }
}

impl Backend for GstBackend {
    type Decoder = Positioning;
    type Playback = Playback;

    fn index(&self, path: &Path) -> Result<ClipIndex, EngineError> {
        check_file(path)?;
        let (index, clock) = index_clip_with_clock(path)?;
        self.remember(path, clock);
        Ok(index)
    }

    fn open_decoder(
        &self,
        spec: &ClipSpec,
        calibrate: bool,
    ) -> Result<(Positioning, CachedFrame, Arc<Timeline>), EngineError> {
        // Reopened by name (after a pause, for prefetch): check again.
        check_file(&spec.path)?;
        let open_gst = |calibrate| {
            GstDecoder::open(
                &spec.path,
                spec.width,
                spec.height,
                spec.rotation,
                (*spec.timeline).clone(),
                calibrate,
                None,
            )
        };
        if !calibrate {
            let (dec, first) = self.positioning(spec, Threads::Frames(0), || open_gst(false))?;
            return Ok((dec, first, spec.timeline.clone()));
        }
        // Playback knows frames by GStreamer's timestamps: its decoder
        // measures, once, where they put the table's frames. It runs beside
        // the FFmpeg decoder's opening, so opening takes the longer of the
        // two, not their sum.
        if gstreamer_positioning() {
            let (gst, first) = open_gst(true)?;
            let timeline = gst.timeline();
            return Ok((Positioning::Gst(gst), first, timeline));
        }
        let (measured, positioning) = std::thread::scope(|scope| {
            let measuring = std::thread::Builder::new()
                .name("attune-calibrate".into())
                .spawn_scoped(scope, || open_gst(true));
            let positioning = self.ffmpeg_decoder(spec, Threads::Frames(0));
            let measured = match measuring {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    Err(EngineError::Pipeline {
                        path: spec.path.clone(),
                        reason: "measuring the clip's timestamps failed".into(),
                    })
                }),
                // No thread to spare: measure after.
                Err(_) => open_gst(true),
            };
            (measured, positioning)
        });
        let (gst, gst_first) = measured?;
        let timeline = gst.timeline();
        match positioning {
            Ok((mut dec, mut first)) => {
                dec.set_timeline(timeline.clone());
                first.pts_ns = timeline.pts(first.frame).unwrap_or(first.pts_ns);
                Ok((Positioning::Ffmpeg(Box::new(dec)), first, timeline))
            }
            Err(e) => {
                log::warn!(
                    "positioning falls back to GStreamer: {}",
                    crate::files::log::kind_of(&e)
                );
                Ok((Positioning::Gst(gst), gst_first, timeline))
            }
        }
    }

    fn open_background_decoder(
        &self,
        spec: &ClipSpec,
    ) -> Result<(Positioning, CachedFrame), EngineError> {
        check_file(&spec.path)?;
        self.positioning(spec, Threads::One, || {
            GstDecoder::open_light(
                &spec.path,
                spec.width,
                spec.height,
                spec.rotation,
                (*spec.timeline).clone(),
            )
        })
    }

    fn open_playback(
        &self,
        spec: &ClipSpec,
        audio: bool,
        output: PlaybackOutput,
    ) -> Result<Playback, EngineError> {
        check_file(&spec.path)?;
        Playback::new(spec, audio, output)
    }
}

/// Cheap checks that give clear messages before GStreamer is involved; a
/// FIFO or device is refused here, since GStreamer would block on it.
fn check_file(path: &Path) -> Result<(), EngineError> {
    use crate::files::InputError;
    crate::files::open_regular(path).map_err(|e| match e {
        InputError::Missing { .. } => EngineError::NotFound {
            path: path.to_path_buf(),
        },
        InputError::Folder { .. } => EngineError::Unreadable {
            path: path.to_path_buf(),
            reason: "it is a folder".into(),
        },
        other => EngineError::Unreadable {
            path: path.to_path_buf(),
            reason: other.reason(),
        },
    })?;
    Ok(())
}
