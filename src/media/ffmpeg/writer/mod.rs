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

use crate::files::{AtomicFile, WriteError};

use ffmpeg::codec::{self, threading};
use ffmpeg::format::{self, Pixel, Sample, sample};
use ffmpeg::software::scaling;
use ffmpeg::{ChannelLayout, Dictionary, Packet, Rational, color, encoder, frame};
use ffmpeg_next as ffmpeg;
use image::RgbaImage;

use super::MediaError;

/// Video stream settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoSettings {
    pub width: u32,
    pub height: u32,
    /// Frames per second as a rational `(num, den)`, e.g. `(30000, 1001)`.
    pub frame_rate: (i32, i32),
    /// Keyframe interval in frames; keyframes fall exactly every `gop`
    /// frames (scene-cut keyframes are disabled so GOPs are predictable).
    pub gop: u32,
    /// libx264 constant rate factor (lower is better quality, bigger file).
    pub crf: u8,
    /// libx264 preset name ("veryfast", "medium", ...).
    pub preset: String,
    /// Encoder threads; 0 lets libx264 use every core. Use 1 for
    /// byte-reproducible output.
    pub threads: u32,
}

/// Audio stream settings (AAC, planar float input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioSettings {
    pub sample_rate: u32,
    pub channels: u16,
}

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

    fn open(
        path: PathBuf,
        file: AtomicFile,
        video: VideoSettings,
        audio: Option<AudioSettings>,
    ) -> Result<Self, WriterError> {
        let tmp_path = file.temp_path().to_path_buf();
        let fferr = |what: &'static str| {
            let path = path.clone();
            move |source| WriterError::Ffmpeg { path, what, source }
        };
        super::init().map_err(|e| match e {
            MediaError::Init { source } => fferr("initialising FFmpeg")(source),
            other => other,
        })?;

        // FFmpeg opens the temporary file again by name (creating it if it is
        // gone); not while a signal's clean-up runs, or it would outlive it.
        let mut octx = crate::files::interrupt::while_not_interrupted(|| {
            Ok(format::output_as(&tmp_path, "mp4"))
        })
        .map_err(|_| WriterError::Write(WriteError::Interrupted { path: path.clone() }))?
        .map_err(fferr("creating the MP4 container"))?;
        let global_header = octx
            .format()
            .flags()
            .contains(format::flag::Flags::GLOBAL_HEADER);
        let mut flags = codec::Flags::BITEXACT;
        if global_header {
            flags |= codec::Flags::GLOBAL_HEADER;
        }

        // Video encoder.
        let h264 = encoder::find_by_name("libx264").ok_or_else(|| WriterError::NoEncoder {
            path: path.clone(),
            codec: "libx264 (H.264)",
        })?;
        let (num, den) = video.frame_rate;
        let enc_tb = Rational(den, num);
        let mut venc = codec::context::Context::new_with_codec(h264)
            .encoder()
            .video()
            .map_err(fferr("creating the H.264 encoder"))?;
        venc.set_width(video.width);
        venc.set_height(video.height);
        venc.set_format(Pixel::YUV420P);
        venc.set_time_base(enc_tb);
        venc.set_frame_rate(Some(Rational(num, den)));
        venc.set_gop(video.gop);
        // swscale's default RGB->YUV matrix is BT.601 limited range: say so,
        // so players do not guess BT.709 for HD sizes and shift colours.
        venc.set_colorspace(color::Space::SMPTE170M);
        venc.set_color_range(color::Range::MPEG);
        venc.set_flags(flags);
        venc.set_threading(threading::Config::count(video.threads as usize));
        let mut opts = Dictionary::new();
        opts.set("preset", &video.preset);
        opts.set("crf", &video.crf.to_string());
        // Fixed GOPs: a keyframe exactly every `gop` frames and never
        // elsewhere, closed GOPs so every keyframe is a clean entry point.
        opts.set(
            "x264-params",
            &format!(
                "keyint={g}:min-keyint={g}:scenecut=0:open-gop=0",
                g = video.gop
            ),
        );
        let venc = venc
            .open_as_with(h264, opts)
            .map_err(fferr("opening the H.264 encoder"))?;
        let video_index = {
            let mut ost = octx
                .add_stream(h264)
                .map_err(fferr("adding the video stream"))?;
            ost.set_parameters(&venc);
            ost.set_time_base(enc_tb);
            ost.set_avg_frame_rate(Rational(num, den));
            ost.set_rate(Rational(num, den));
            ost.index()
        };

        // Audio encoder (optional).
        let mut audio_parts = None;
        if let Some(a) = audio {
            let aac = encoder::find_by_name("aac").ok_or_else(|| WriterError::NoEncoder {
                path: path.clone(),
                codec: "aac",
            })?;
            let layout = ChannelLayout::default(i32::from(a.channels));
            let mut aenc = codec::context::Context::new_with_codec(aac)
                .encoder()
                .audio()
                .map_err(fferr("creating the AAC encoder"))?;
            aenc.set_rate(a.sample_rate as i32);
            aenc.set_channel_layout(layout);
            aenc.set_channels(i32::from(a.channels));
            aenc.set_format(Sample::F32(sample::Type::Planar));
            aenc.set_bit_rate(64_000 * usize::from(a.channels));
            aenc.set_time_base(Rational(1, a.sample_rate as i32));
            aenc.set_flags(flags);
            let aenc = aenc
                .open_as(aac)
                .map_err(fferr("opening the AAC encoder"))?;
            let small_last_frame = aac
                .capabilities()
                .contains(codec::capabilities::Capabilities::SMALL_LAST_FRAME);
            let frame_size = aenc.frame_size() as usize;
            let index = {
                let mut ost = octx
                    .add_stream(aac)
                    .map_err(fferr("adding the audio stream"))?;
                ost.set_parameters(&aenc);
                ost.set_time_base(Rational(1, a.sample_rate as i32));
                ost.index()
            };
            audio_parts = Some((aenc, index, layout, a, frame_size.max(1), small_last_frame));
        }

        // Bit-exact container (no "Lavf" encoder tag, no creation time) with
        // the index at the front.
        let mut mux_opts = Dictionary::new();
        mux_opts.set("fflags", "+bitexact");
        mux_opts.set("movflags", "+faststart");
        octx.write_header_with(mux_opts)
            .map_err(fferr("writing the MP4 header"))?;

        let stream_tb = |octx: &format::context::Output, i: usize| {
            octx.stream(i).map(|s| s.time_base()).unwrap_or(enc_tb)
        };
        let scaler = scaling::Context::get(
            Pixel::RGBA,
            video.width,
            video.height,
            Pixel::YUV420P,
            video.width,
            video.height,
            scaling::Flags::BILINEAR,
        )
        .map_err(fferr("creating the RGBA to YUV converter"))?;
        let video_stream = VideoStream {
            encoder: venc,
            index: video_index,
            time_base: stream_tb(&octx, video_index),
            scaler,
            rgba: frame::Video::new(Pixel::RGBA, video.width, video.height),
            yuv: frame::Video::new(Pixel::YUV420P, video.width, video.height),
            next_pts: 0,
        };
        let audio_stream = audio_parts.map(
            |(encoder, index, layout, a, frame_size, small_last_frame)| AudioStream {
                encoder,
                index,
                time_base: stream_tb(&octx, index),
                channels: a.channels,
                layout,
                rate: a.sample_rate,
                frame_size,
                small_last_frame,
                pending: vec![Vec::with_capacity(frame_size * 2); usize::from(a.channels)],
                next_pts: 0,
            },
        );
        Ok(Self {
            path,
            file: Some(file),
            octx: Some(octx),
            video: video_stream,
            audio: audio_stream,
        })
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

fn validate(path: &Path, v: &VideoSettings, a: Option<&AudioSettings>) -> Result<(), WriterError> {
    let bad = |reason: String| {
        Err(WriterError::Settings {
            path: path.to_path_buf(),
            reason,
        })
    };
    if v.width == 0 || v.height == 0 || !v.width.is_multiple_of(2) || !v.height.is_multiple_of(2) {
        return bad(format!(
            "{}x{} is not a positive even size (yuv420p needs even sizes)",
            v.width, v.height
        ));
    }
    if v.frame_rate.0 <= 0 || v.frame_rate.1 <= 0 {
        return bad(format!(
            "frame rate {}/{} is not positive",
            v.frame_rate.0, v.frame_rate.1
        ));
    }
    if v.gop == 0 {
        return bad("the GOP must be at least one frame".into());
    }
    if v.crf > 51 {
        return bad(format!("CRF {} is outside 0..=51", v.crf));
    }
    if let Some(a) = a
        && (a.sample_rate == 0 || a.sample_rate > 192_000 || a.channels == 0 || a.channels > 2)
    {
        return bad(format!(
            "audio {} Hz with {} channels is not supported (1 or 2 channels)",
            a.sample_rate, a.channels
        ));
    }
    Ok(())
}
