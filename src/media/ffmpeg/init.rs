//! FFmpeg is initialised here and nowhere else.
//!
//! Every entry point of the layer calls [`init`]; the work is done once per
//! process and its outcome remembered, so a failure is reported to every
//! caller instead of being dropped by whichever one happened to run first.

use std::sync::OnceLock;

use ffmpeg_next as ffmpeg;

use super::MediaError;

static INIT: OnceLock<Result<(), ffmpeg::Error>> = OnceLock::new();

/// Initialises FFmpeg (once) and quiets its console chatter: errors come
/// back typed, and libx264's banner or a demuxer's warnings on the terminal
/// are noise to the people using Attune.
pub fn init() -> Result<(), MediaError> {
    let outcome = INIT.get_or_init(|| {
        let registered = ffmpeg::init();
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Fatal);
        registered
    });
    (*outcome).map_err(|source| MediaError::Init { source })
}
