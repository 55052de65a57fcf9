//! Everything that touches media files: probing and still frames through
//! ffmpeg-next, and the GStreamer playback engine on its own threads with
//! its frame cache, plus the command-line tools that drive it (`frame`,
//! `bench`).

pub mod engine;
pub mod overview;
pub mod probe;
pub mod still;
