//! Opening a writer, one step per function: FFmpeg, the container on the
//! temporary file, the video stream, the optional audio stream, the header
//! (bit-exact, index at the front), then the per-stream state frames go
//! through. The order is FFmpeg's: streams before the header.

use std::path::{Path, PathBuf};

use ffmpeg::codec::{self, threading};
use ffmpeg::format::{self, Pixel, Sample, sample};
use ffmpeg::software::scaling;
use ffmpeg::{ChannelLayout, Dictionary, Rational, color, encoder, frame};
use ffmpeg_next as ffmpeg;

use super::{AudioSettings, AudioStream, Mp4Writer, VideoSettings, VideoStream, WriterError};
use crate::files::{AtomicFile, WriteError};
use crate::media::ffmpeg::MediaError;

/// The audio encoder and its stream, between adding the stream and
/// writing the header.
struct AudioParts {
    encoder: encoder::Audio,
    index: usize,
    layout: ChannelLayout,
    settings: AudioSettings,
    frame_size: usize,
    small_last_frame: bool,
}

impl Mp4Writer {
    pub(super) fn open(
        path: PathBuf,
        file: AtomicFile,
        video: VideoSettings,
        audio: Option<AudioSettings>,
    ) -> Result<Self, WriterError> {
        init_ffmpeg(&path)?;
        let mut octx = open_container(&path, file.temp_path())?;
        let flags = codec_flags(&octx);
        let (venc, video_index) = add_video(&path, &mut octx, &video, flags)?;
        let audio_parts = match audio {
            Some(a) => Some(add_audio(&path, &mut octx, a, flags)?),
            None => None,
        };
        write_header(&path, &mut octx)?;
        // A stream's time base as the muxer settled it in the header.
        let enc_tb = encoder_time_base(&video);
        let stream_tb = |i: usize| octx.stream(i).map(|s| s.time_base()).unwrap_or(enc_tb);
        let video_stream = VideoStream {
            encoder: venc,
            index: video_index,
            time_base: stream_tb(video_index),
            scaler: rgba_to_yuv(&path, &video)?,
            rgba: frame::Video::new(Pixel::RGBA, video.width, video.height),
            yuv: frame::Video::new(Pixel::YUV420P, video.width, video.height),
            next_pts: 0,
        };
        let audio_stream = audio_parts.map(|p| AudioStream {
            time_base: stream_tb(p.index),
            encoder: p.encoder,
            index: p.index,
            channels: p.settings.channels,
            layout: p.layout,
            rate: p.settings.sample_rate,
            frame_size: p.frame_size,
            small_last_frame: p.small_last_frame,
            pending: vec![Vec::with_capacity(p.frame_size * 2); usize::from(p.settings.channels)],
            next_pts: 0,
        });
        Ok(Self {
            path,
            file: Some(file),
            octx: Some(octx),
            video: video_stream,
            audio: audio_stream,
        })
    }
}

/// Maps an FFmpeg failure during step `what` to an error naming the output.
fn fferr(path: &Path, what: &'static str) -> impl FnOnce(ffmpeg::Error) -> WriterError {
    let path = path.to_path_buf();
    move |source| WriterError::Ffmpeg { path, what, source }
}

fn init_ffmpeg(path: &Path) -> Result<(), WriterError> {
    crate::media::ffmpeg::init().map_err(|e| match e {
        MediaError::Init { source } => fferr(path, "initialising FFmpeg")(source),
        other => other,
    })
}

/// The MP4 container on the temporary file. FFmpeg opens the temporary file
/// again by name (creating it if it is gone); not while a signal's clean-up
/// runs, or it would outlive it.
fn open_container(path: &Path, tmp_path: &Path) -> Result<format::context::Output, WriterError> {
    crate::files::interrupt::while_not_interrupted(|| Ok(format::output_as(tmp_path, "mp4")))
        .map_err(|_| {
            WriterError::Write(WriteError::Interrupted {
                path: path.to_path_buf(),
            })
        })?
        .map_err(fferr(path, "creating the MP4 container"))
}

/// Bit-exact codecs, with global headers when the container wants them.
fn codec_flags(octx: &format::context::Output) -> codec::Flags {
    let mut flags = codec::Flags::BITEXACT;
    if octx
        .format()
        .flags()
        .contains(format::flag::Flags::GLOBAL_HEADER)
    {
        flags |= codec::Flags::GLOBAL_HEADER;
    }
    flags
}

/// Video timestamps are frame indices: the time base is one frame.
fn encoder_time_base(video: &VideoSettings) -> Rational {
    let (num, den) = video.frame_rate;
    Rational(den, num)
}

/// Opens libx264 as `video` says and adds its stream; returns the encoder
/// and the stream's index.
fn add_video(
    path: &Path,
    octx: &mut format::context::Output,
    video: &VideoSettings,
    flags: codec::Flags,
) -> Result<(encoder::Video, usize), WriterError> {
    let h264 = encoder::find_by_name("libx264").ok_or_else(|| WriterError::NoEncoder {
        path: path.to_path_buf(),
        codec: "libx264 (H.264)",
    })?;
    let (num, den) = video.frame_rate;
    let enc_tb = encoder_time_base(video);
    let mut venc = codec::context::Context::new_with_codec(h264)
        .encoder()
        .video()
        .map_err(fferr(path, "creating the H.264 encoder"))?;
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
    let venc = venc
        .open_as_with(h264, x264_options(video))
        .map_err(fferr(path, "opening the H.264 encoder"))?;
    let mut ost = octx
        .add_stream(h264)
        .map_err(fferr(path, "adding the video stream"))?;
    ost.set_parameters(&venc);
    ost.set_time_base(enc_tb);
    ost.set_avg_frame_rate(Rational(num, den));
    ost.set_rate(Rational(num, den));
    Ok((venc, ost.index()))
}

/// Preset, quality and fixed GOPs: a keyframe exactly every `gop` frames and
/// never elsewhere, closed GOPs so every keyframe is a clean entry point.
fn x264_options(video: &VideoSettings) -> Dictionary<'static> {
    let mut opts = Dictionary::new();
    opts.set("preset", &video.preset);
    opts.set("crf", &video.crf.to_string());
    opts.set(
        "x264-params",
        &format!(
            "keyint={g}:min-keyint={g}:scenecut=0:open-gop=0",
            g = video.gop
        ),
    );
    opts
}

/// Opens the AAC encoder as `a` says and adds its stream.
fn add_audio(
    path: &Path,
    octx: &mut format::context::Output,
    a: AudioSettings,
    flags: codec::Flags,
) -> Result<AudioParts, WriterError> {
    let aac = encoder::find_by_name("aac").ok_or_else(|| WriterError::NoEncoder {
        path: path.to_path_buf(),
        codec: "aac",
    })?;
    let layout = ChannelLayout::default(i32::from(a.channels));
    let mut aenc = codec::context::Context::new_with_codec(aac)
        .encoder()
        .audio()
        .map_err(fferr(path, "creating the AAC encoder"))?;
    aenc.set_rate(a.sample_rate as i32);
    aenc.set_channel_layout(layout);
    aenc.set_channels(i32::from(a.channels));
    aenc.set_format(Sample::F32(sample::Type::Planar));
    aenc.set_bit_rate(64_000 * usize::from(a.channels));
    aenc.set_time_base(Rational(1, a.sample_rate as i32));
    aenc.set_flags(flags);
    let aenc = aenc
        .open_as(aac)
        .map_err(fferr(path, "opening the AAC encoder"))?;
    let small_last_frame = aac
        .capabilities()
        .contains(codec::capabilities::Capabilities::SMALL_LAST_FRAME);
    let frame_size = aenc.frame_size() as usize;
    let mut ost = octx
        .add_stream(aac)
        .map_err(fferr(path, "adding the audio stream"))?;
    ost.set_parameters(&aenc);
    ost.set_time_base(Rational(1, a.sample_rate as i32));
    Ok(AudioParts {
        index: ost.index(),
        encoder: aenc,
        layout,
        settings: a,
        frame_size: frame_size.max(1),
        small_last_frame,
    })
}

/// Bit-exact container (no "Lavf" encoder tag, no creation time) with the
/// index at the front (`+faststart`).
fn write_header(path: &Path, octx: &mut format::context::Output) -> Result<(), WriterError> {
    let mut mux_opts = Dictionary::new();
    mux_opts.set("fflags", "+bitexact");
    mux_opts.set("movflags", "+faststart");
    octx.write_header_with(mux_opts)
        // Gives back the options the muxer did not use: there are none.
        .map(|_unused| ())
        .map_err(fferr(path, "writing the MP4 header"))
}

/// The RGBA -> YUV 4:2:0 converter `push_video` uses.
fn rgba_to_yuv(path: &Path, video: &VideoSettings) -> Result<scaling::Context, WriterError> {
    scaling::Context::get(
        Pixel::RGBA,
        video.width,
        video.height,
        Pixel::YUV420P,
        video.width,
        video.height,
        scaling::Flags::BILINEAR,
    )
    .map_err(fferr(path, "creating the RGBA to YUV converter"))
}
