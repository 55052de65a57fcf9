//! Decoders for a chosen stream, and what decoded frames say about time.

use ffmpeg::codec::{self, threading};
use ffmpeg::{ChannelLayout, decoder, frame};
use ffmpeg_next as ffmpeg;

use super::{Input, StreamInfo};

/// How many threads a decoder may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Threads {
    /// FFmpeg's default.
    Default,
    /// One thread: background work leaves the other core to the UI.
    One,
    /// Frame threading with this many threads (0 = one per core).
    Frames(usize),
}

impl Input {
    /// An opened video decoder for `stream`.
    pub(crate) fn video_decoder(
        &self,
        stream: &StreamInfo,
        threads: Threads,
    ) -> Result<decoder::Video, ffmpeg::Error> {
        self.codec_context(stream, threads)?.decoder().video()
    }

    /// An opened audio decoder for `stream`.
    pub(crate) fn audio_decoder(
        &self,
        stream: &StreamInfo,
        threads: Threads,
    ) -> Result<decoder::Audio, ffmpeg::Error> {
        self.codec_context(stream, threads)?.decoder().audio()
    }

    fn codec_context(
        &self,
        stream: &StreamInfo,
        threads: Threads,
    ) -> Result<codec::context::Context, ffmpeg::Error> {
        let params = self
            .ctx
            .stream(stream.index)
            .ok_or(ffmpeg::Error::StreamNotFound)?
            .parameters();
        let mut ctx = codec::context::Context::from_parameters(params)?;
        match threads {
            Threads::Default => {}
            Threads::One => ctx.set_threading(threading::Config::count(1)),
            Threads::Frames(count) => ctx.set_threading(threading::Config {
                count,
                ..threading::Config::kind(threading::Type::Frame)
            }),
        }
        Ok(ctx)
    }
}

/// A decoded frame's presentation time in its stream's time base: the
/// decoder's best-effort timestamp, else the pts.
pub(crate) fn frame_timestamp(frame: &frame::Frame) -> Option<i64> {
    frame.timestamp().or(frame.pts())
}

/// Gives an audio frame a channel layout when the decoder left it empty
/// (the default one for its channel count), so it can be resampled.
pub(crate) fn with_channel_layout(frame: &mut frame::Audio) -> ChannelLayout {
    let layout = if frame.channel_layout().is_empty() {
        ChannelLayout::default(i32::from(frame.channels()))
    } else {
        frame.channel_layout()
    };
    frame.set_channel_layout(layout);
    layout
}
