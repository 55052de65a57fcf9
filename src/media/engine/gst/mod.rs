//! The GStreamer side of the engine: [`GstBackend`] implements the
//! framework-neutral [`Backend`] trait with a pull-mode positioning decoder
//! (`decoder`), a real-time playbin (`playback`) and the pieces they share
//! (`pipeline`). Nothing else in the engine imports GStreamer.

mod decoder;
mod pipeline;
mod playback;

use std::path::Path;
use std::sync::Arc;

use crate::media::engine::backend::{Backend, ClipSpec, PlaybackOutput};
use crate::media::engine::cache::CachedFrame;
use crate::media::engine::error::EngineError;
use crate::media::engine::index::{ClipIndex, index_clip};
use crate::media::engine::timeline::Timeline;

use decoder::GstDecoder;
use playback::Playback;

pub(super) use pipeline::init;

/// GStreamer for decoding and playback, FFmpeg's demuxer for the index.
pub(super) struct GstBackend;

impl Backend for GstBackend {
    type Decoder = GstDecoder;
    type Playback = Playback;

    fn index(&self, path: &Path) -> Result<ClipIndex, EngineError> {
        check_file(path)?;
        index_clip(path)
    }

    fn open_decoder(
        &self,
        spec: &ClipSpec,
        calibrate: bool,
    ) -> Result<(GstDecoder, CachedFrame, Arc<Timeline>), EngineError> {
        // Reopened by name (after a pause, for prefetch): check again.
        check_file(&spec.path)?;
        let (dec, first) = GstDecoder::open(
            &spec.path,
            spec.width,
            spec.height,
            spec.rotation,
            (*spec.timeline).clone(),
            calibrate,
            None,
        )?;
        let timeline = dec.timeline();
        Ok((dec, first, timeline))
    }

    fn open_background_decoder(
        &self,
        spec: &ClipSpec,
    ) -> Result<(GstDecoder, CachedFrame), EngineError> {
        check_file(&spec.path)?;
        GstDecoder::open_light(
            &spec.path,
            spec.width,
            spec.height,
            spec.rotation,
            (*spec.timeline).clone(),
        )
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
