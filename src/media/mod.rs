//! Everything that touches media files: the one FFmpeg layer (`ffmpeg`:
//! opening, streams, packets, seeking, decoding, timestamps, the MP4
//! writer) and what is built on it (probing, still frames, the timeline's
//! overview), and the GStreamer playback engine on its own threads with its
//! frame cache, plus the command-line tools that drive it (`frame`, `bench`).

pub mod engine;
pub mod ffmpeg;
pub mod frame_clock;
pub(crate) mod overview;
pub mod probe;
pub mod still;
