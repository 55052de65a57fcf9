//! The one FFmpeg layer: everything Attune does with ffmpeg-next goes
//! through here, so a fix to opening, seeking or timestamp mapping is made
//! once and reaches probe, stills, the engine's index, the overview and the
//! reel source alike.
//!
//! - [`init`]: FFmpeg is initialised in exactly one place.
//! - `input`: opening a clip (after the regular-file check) and choosing
//!   its video and audio streams.
//! - `packets`: reading packets, one fresh packet per read.
//! - `seek`: seeking to the keyframe before a time.
//! - `decode`: decoders and the timestamps of decoded frames.
//! - `frames`: the presented frames, read from the packets.
//! - `time`: the one mapping between timestamps and frame indices.
//! - `positioner`: exact frames on demand for the engine (keyframe seek,
//!   non-reference frames before the target not decoded).
//! - `picture`: pixel aspect ratio, colour matrix and range, deinterlacing.
//! - `rotation`: the display matrix, read the same for probe and playback.
//! - `writer`: the MP4 writer (H.264 + AAC), beside the reading side so
//!   both share one initialisation and one error type.
//! - `error`: the layer's one error type, [`MediaError`].

pub(crate) mod decode;
pub(crate) mod error;
pub(crate) mod frames;
pub(crate) mod init;
pub(crate) mod input;
pub(crate) mod packets;
pub(crate) mod picture;
pub(crate) mod positioner;
pub(crate) mod rotation;
pub(crate) mod seek;
pub(crate) mod time;
pub(crate) mod writer;

pub(crate) use decode::{Threads, frame_timestamp, with_channel_layout};
pub use error::MediaError;
pub(crate) use frames::{FrameTable, TABLE_BUDGET, nearest};
pub use init::init;
pub(crate) use input::{Input, StreamInfo};
pub use picture::{Colour, Matrix, PixelAspect};
pub(crate) use time::{Timing, ts_to_ns, ts_to_us};
pub use writer::{AudioSettings, Mp4Writer, VideoSettings, WriterError};
