//! An MP4 writer over ffmpeg-next: H.264 (libx264, yuv420p) plus optional AAC.
//!
//! Used by the sample-clip generator and the reel renderer, so it is
//! general: any size, rational frame rate, GOP, CRF, preset and thread count.
//!
//! Guarantees the callers rely on:
//! - the output is written to a private temporary file beside the target
//!   (`files::AtomicFile`) and renamed over it only by [`Mp4Writer::finish`];
//!   a writer dropped early (cancel, error, signal) removes its temporary
//!   file, so no half file ever carries the final name;
//! - the index (moov) is at the front (`+faststart`), so players and browsers
//!   can start before reading the whole file;
//! - bit-exact flags on the codecs and the container: no encoder version
//!   string from libavformat, no creation time, no metadata beyond what
//!   playback needs. With `threads = 1` the bytes are reproducible;
//! - video timestamps are frame indices in a `1/fps` time base, audio
//!   timestamps sample counts, both rescaled exactly to the stream time base.

use std::path::{Path, PathBuf};

use crate::files::AtomicFile;

use ffmpeg::format::{self, Pixel, Sample, sample};
use ffmpeg::software::scaling;
use ffmpeg::{ChannelLayout, Packet, Rational, encoder, frame};
use ffmpeg_next as ffmpeg;
use image::RgbaImage;

use super::MediaError;

mod open;
mod settings;

use settings::validate;
pub use settings::{AudioSettings, VideoSettings};

/// Why writing failed; every variant names the output file. The layer's
/// one error type, under the name writers know it by.
pub type WriterError = MediaError;

struct VideoStream {
    encoder: encoder::Video,
    index: usize,
    time_base: Rational,
    scaler: scaling::Context,
    rgba: frame::Video,
    yuv: frame::Video,
    next_pts: i64,
}

struct AudioStream {
    encoder: encoder::Audio,
    index: usize,
    time_base: Rational,
    channels: u16,
    layout: ChannelLayout,
    rate: u32,
    frame_size: usize,
    /// Whether the encoder accepts a shorter final frame (else it is padded).
    small_last_frame: bool,
    /// Samples waiting for a full encoder frame, one Vec per channel.
    pending: Vec<Vec<f32>>,
    next_pts: i64,
}

/// Writes an MP4 file frame by frame. See the module docs for guarantees.
pub struct Mp4Writer {
    path: PathBuf,
    /// The temporary file FFmpeg writes; `None` once handed on by `finish`.
    file: Option<AtomicFile>,
    /// `None` once finished (or while being torn down).
    octx: Option<format::context::Output>,
    video: VideoStream,
    audio: Option<AudioStream>,
}

impl Mp4Writer {
    /// Opens a writer for `path` (written as `path` only on `finish`).
    pub fn create(
        path: &Path,
        video: VideoSettings,
        audio: Option<AudioSettings>,
    ) -> Result<Self, WriterError> {
        validate(path, &video, audio.as_ref())?;
        // Private from the start, removed on any failure, drop or signal.
        let file = AtomicFile::create(path)?;
        Self::open(path.to_path_buf(), file, video, audio)
    }

    /// Opens a writer on a temporary file the caller has already created
    /// (so it can report an unwritable folder in its own terms).
    pub fn create_in(
        file: AtomicFile,
        shown: &Path,
        video: VideoSettings,
        audio: Option<AudioSettings>,
    ) -> Result<Self, WriterError> {
        validate(shown, &video, audio.as_ref())?;
        Self::open(shown.to_path_buf(), file, video, audio)
    }

    /// The final output path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of video frames pushed so far.
    pub fn video_frames(&self) -> u64 {
        self.video.next_pts as u64
    }

    /// Encodes one picture; it must have the stream's size.
    pub fn push_video(&mut self, img: &RgbaImage) -> Result<(), WriterError> {
        let v = &mut self.video;
        let (w, h) = (v.rgba.width(), v.rgba.height());
        if img.dimensions() != (w, h) {
            return Err(WriterError::FrameSize {
                path: self.path.clone(),
                got_w: img.width(),
                got_h: img.height(),
                want_w: w,
                want_h: h,
            });
        }
        let row_bytes = w as usize * 4;
        let stride = v.rgba.stride(0);
        let dst = v.rgba.data_mut(0);
        for (src_row, dst_row) in img
            .as_raw()
            .chunks_exact(row_bytes)
            .zip(dst.chunks_mut(stride))
        {
            dst_row[..row_bytes].copy_from_slice(src_row);
        }
        // The encoder may still hold a reference to the previous YUV buffer;
        // make sure we write into one nobody else reads.
        // SAFETY: `yuv` is a valid, allocated AVFrame owned by us.
        let ret = unsafe { ffmpeg::ffi::av_frame_make_writable(v.yuv.as_mut_ptr()) };
        if ret < 0 {
            return Err(self.ff_err("preparing a video frame", ffmpeg::Error::from(ret)));
        }
        if let Err(e) = v.scaler.run(&v.rgba, &mut v.yuv) {
            return Err(self.ff_err("converting RGBA to YUV", e));
        }
        v.yuv.set_pts(Some(v.next_pts));
        v.next_pts += 1;
        if let Err(e) = v.encoder.send_frame(&v.yuv) {
            return Err(self.ff_err("encoding video", e));
        }
        self.drain_video()
    }

    /// Encodes one picture that is already YUV 4:2:0 (BT.601 limited range,
    /// as the stream declares) at the stream's size. The reel renderer uses
    /// this to skip two RGBA conversions per frame.
    pub fn push_video_yuv(&mut self, yuv: &frame::Video) -> Result<(), WriterError> {
        let v = &mut self.video;
        let (w, h) = (v.yuv.width(), v.yuv.height());
        if yuv.format() != Pixel::YUV420P || (yuv.width(), yuv.height()) != (w, h) {
            return Err(WriterError::FrameSize {
                path: self.path.clone(),
                got_w: yuv.width(),
                got_h: yuv.height(),
                want_w: w,
                want_h: h,
            });
        }
        // SAFETY: `yuv` is a valid, allocated AVFrame owned by us.
        let ret = unsafe { ffmpeg::ffi::av_frame_make_writable(v.yuv.as_mut_ptr()) };
        if ret < 0 {
            return Err(self.ff_err("preparing a video frame", ffmpeg::Error::from(ret)));
        }
        for plane in 0..3 {
            let rows = if plane == 0 { h } else { h.div_ceil(2) } as usize;
            let row_bytes = if plane == 0 { w } else { w.div_ceil(2) } as usize;
            let (src_stride, dst_stride) = (yuv.stride(plane), v.yuv.stride(plane));
            let src = yuv.data(plane);
            let dst = v.yuv.data_mut(plane);
            for r in 0..rows {
                dst[r * dst_stride..r * dst_stride + row_bytes]
                    .copy_from_slice(&src[r * src_stride..r * src_stride + row_bytes]);
            }
        }
        v.yuv.set_pts(Some(v.next_pts));
        v.next_pts += 1;
        if let Err(e) = v.encoder.send_frame(&v.yuv) {
            return Err(self.ff_err("encoding video", e));
        }
        self.drain_video()
    }

    /// Queues interleaved audio samples (`channels` values per sample
    /// frame, -1.0..=1.0). Push audio alongside each video frame so the
    /// muxer can interleave without buffering the whole file.
    pub fn push_audio(&mut self, samples: &[f32]) -> Result<(), WriterError> {
        let Some(a) = self.audio.as_mut() else {
            return Err(WriterError::NoAudioStream {
                path: self.path.clone(),
            });
        };
        let ch = usize::from(a.channels);
        if !samples.len().is_multiple_of(ch) {
            return Err(WriterError::AudioLength {
                path: self.path.clone(),
                len: samples.len(),
                channels: a.channels,
            });
        }
        for frame in samples.chunks_exact(ch) {
            for (plane, &s) in a.pending.iter_mut().zip(frame) {
                plane.push(s);
            }
        }
        while self
            .audio
            .as_ref()
            .is_some_and(|a| a.pending[0].len() >= a.frame_size)
        {
            self.encode_audio_chunk(false)?;
        }
        Ok(())
    }

    /// Flushes the encoders, writes the trailer (moving the index to the
    /// front) and renames the temporary file to the final path.
    pub fn finish(self) -> Result<PathBuf, WriterError> {
        Ok(self.finish_unrenamed()?.commit()?)
    }

    /// Like [`finish`](Self::finish), but hands back the complete file still
    /// under its temporary name, for renaming together with its sidecars.
    pub fn finish_unrenamed(mut self) -> Result<AtomicFile, WriterError> {
        if self
            .audio
            .as_ref()
            .is_some_and(|a| !a.pending[0].is_empty())
        {
            self.encode_audio_chunk(true)?;
        }
        if let Err(e) = self.video.encoder.send_eof() {
            return Err(self.ff_err("flushing the video encoder", e));
        }
        self.drain_video()?;
        if let Some(a) = self.audio.as_mut() {
            if let Err(e) = a.encoder.send_eof() {
                return Err(self.ff_err("flushing the audio encoder", e));
            }
            self.drain_audio()?;
        }
        let Some(mut octx) = self.octx.take() else {
            return Err(self.ff_err("finishing", ffmpeg::Error::Bug));
        };
        if let Err(e) = octx.write_trailer() {
            return Err(self.ff_err("writing the MP4 index", e));
        }
        // Close the file before it is synced and renamed.
        drop(octx);
        self.file
            .take()
            .ok_or_else(|| self.ff_err("finishing", ffmpeg::Error::Bug))
    }

    fn ff_err(&self, what: &'static str, source: ffmpeg::Error) -> WriterError {
        WriterError::Ffmpeg {
            path: self.path.clone(),
            what,
            source,
        }
    }

    /// Sends one encoder frame of pending audio (`last`: whatever is left,
    /// padded with silence if the encoder needs full frames).
    fn encode_audio_chunk(&mut self, last: bool) -> Result<(), WriterError> {
        let Some(a) = self.audio.as_mut() else {
            return Ok(());
        };
        let available = a.pending[0].len();
        let take = available.min(a.frame_size);
        let n = if last && !a.small_last_frame {
            a.frame_size
        } else {
            take
        };
        let mut frame = frame::Audio::new(Sample::F32(sample::Type::Planar), n, a.layout);
        frame.set_rate(a.rate);
        for (ch, plane) in a.pending.iter_mut().enumerate() {
            let dst = frame.plane_mut::<f32>(ch);
            dst[..take].copy_from_slice(&plane[..take]);
            dst[take..n].fill(0.0);
            plane.drain(..take);
        }
        frame.set_pts(Some(a.next_pts));
        a.next_pts += n as i64;
        if let Err(e) = a.encoder.send_frame(&frame) {
            return Err(self.ff_err("encoding audio", e));
        }
        self.drain_audio()
    }

    fn drain_video(&mut self) -> Result<(), WriterError> {
        let enc_tb = self.video.encoder.time_base();
        let mut packet = Packet::empty();
        while self.video.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(self.video.index);
            packet.rescale_ts(enc_tb, self.video.time_base);
            self.write_packet(&packet)?;
        }
        Ok(())
    }

    fn drain_audio(&mut self) -> Result<(), WriterError> {
        let Some(a) = self.audio.as_mut() else {
            return Ok(());
        };
        let enc_tb = a.encoder.time_base();
        let (index, tb) = (a.index, a.time_base);
        let mut packets = Vec::new();
        let mut packet = Packet::empty();
        while a.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(index);
            packet.rescale_ts(enc_tb, tb);
            packets.push(std::mem::replace(&mut packet, Packet::empty()));
        }
        for p in &packets {
            self.write_packet(p)?;
        }
        Ok(())
    }

    fn write_packet(&mut self, packet: &Packet) -> Result<(), WriterError> {
        let result = match self.octx.as_mut() {
            Some(octx) => packet.write_interleaved(octx),
            None => Err(ffmpeg::Error::Bug),
        };
        result.map_err(|e| self.ff_err("writing a packet", e))
    }
}

impl Drop for Mp4Writer {
    fn drop(&mut self) {
        // Close before removing so no handle keeps the half file alive.
        self.octx.take();
        self.file.take();
    }
}
