//! Writing video: the MP4 writer shared by the sample generator and the reel
//! renderer.

pub mod writer;

pub use writer::{AudioSettings, Mp4Writer, VideoSettings, WriterError};
