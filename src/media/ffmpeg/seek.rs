//! Seeking. FFmpeg lands on the keyframe at or before the time asked for;
//! exact positioning is then decoding forward, frame by frame, comparing
//! indices from [`super::time`].

use ffmpeg_next as ffmpeg;

use super::{Input, Timing};

impl Input {
    /// Seeks to the keyframe at or before `us` (microseconds on the
    /// container's clock); fails when there is none.
    pub(crate) fn seek_key_before(&mut self, us: i64) -> Result<(), ffmpeg::Error> {
        self.ctx.seek(us, ..us)
    }

    /// Seeks to the keyframe at or before `us`, or to the very start when
    /// the container cannot: decoding forward from there still arrives.
    pub(crate) fn seek_key_before_or_start(&mut self, us: i64) -> Result<(), ffmpeg::Error> {
        self.seek_key_before(us).or_else(|_| self.seek_start())
    }

    /// Seeks `stream` to the keyframe at or before `ts` (its own time base).
    pub(crate) fn seek_stream_key(&mut self, stream: usize, ts: i64) -> Result<(), ffmpeg::Error> {
        let index = i32::try_from(stream).map_err(|_| ffmpeg::Error::StreamNotFound)?;
        // SAFETY: the context is open and owned by `self`; ffmpeg-next's
        // own `seek` takes container time only, not a stream's ticks.
        let r = unsafe {
            ffmpeg::ffi::avformat_seek_file(self.ctx.as_mut_ptr(), index, i64::MIN, ts, ts, 0)
        };
        if r < 0 {
            return Err(ffmpeg::Error::from(r));
        }
        Ok(())
    }

    /// Seeks back to the start of the file.
    pub(crate) fn seek_start(&mut self) -> Result<(), ffmpeg::Error> {
        self.ctx.seek(0, ..)
    }

    /// Seeks to the keyframe at or before frame `index` (or the start).
    pub(crate) fn seek_to_frame(
        &mut self,
        timing: &Timing,
        index: u32,
    ) -> Result<(), ffmpeg::Error> {
        self.seek_key_before_or_start(timing.seek_target_us(index))
    }
}
