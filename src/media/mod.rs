//! Everything that touches media files: probing and still frames through
//! ffmpeg-next, and (on its own threads) the GStreamer playback engine.

pub mod probe;
pub mod still;
