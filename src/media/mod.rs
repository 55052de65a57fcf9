//! Media: the playback engine (GStreamer, own threads), its frame cache and
//! the command-line tools that drive it (`frame`, `bench`).

pub mod bench;
pub mod engine;
pub mod frame_cmd;
