//! Reading exact frame ranges (and the audio under them) from a source clip
//! with ffmpeg-next.
//!
//! A frame's index comes from its timestamp: `(pts - start) * time_base *
//! rate`, rounded, where `start` is the stream's start time after the MP4
//! edit list, so index 0 is the first presented frame exactly as
//! `media::probe` counts them. We seek to the keyframe at or before the first
//! wanted frame and decode forward.

use std::path::{Path, PathBuf};

use ffmpeg::codec::threading;
use ffmpeg::format::{Sample, sample};
use ffmpeg::software::resampling;
use ffmpeg::{ChannelLayout, Rational, codec, frame, media};
use ffmpeg_next as ffmpeg;

use super::plan::AUDIO_RATE;

/// Extra packets we tolerate beyond the wanted range (reordering, the GOP
/// before the first frame, interleaved audio) before calling a file broken.
const PACKET_SLACK: u64 = 4096;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("the source clip \"{clip}\" is missing: {path} (moved or deleted?)")]
    Missing { clip: String, path: PathBuf },
    #[error("the source clip \"{clip}\" ({path}) cannot be read: {reason}")]
    Unreadable {
        clip: String,
        path: PathBuf,
        reason: String,
    },
    #[error("the source clip \"{clip}\" ({path}) ended before frame {frame}")]
    EndedEarly {
        clip: String,
        path: PathBuf,
        frame: u32,
    },
}

/// An open clip: container, video decoder and the facts to index frames.
pub struct Source {
    pub clip: String,
    pub path: PathBuf,
    input: ffmpeg::format::context::Input,
    decoder: ffmpeg::decoder::Video,
    stream: usize,
    time_base: Rational,
    start: i64,
    rate: (u32, u32),
    decoded: frame::Video,
}

/// What the per-frame callback asks for next.
pub enum Flow {
    Continue,
    Stop,
}

impl Source {
    /// Opens a clip for decoding with `threads` decoder threads (0 = auto).
    pub fn open(
        clip: &str,
        path: &Path,
        rate: (u32, u32),
        threads: usize,
    ) -> Result<Self, SourceError> {
        crate::media::probe::init();
        match crate::files::require_regular(path) {
            Ok(_) => {}
            Err(crate::files::InputError::Missing { .. }) => {
                return Err(SourceError::Missing {
                    clip: clip.to_owned(),
                    path: path.to_owned(),
                });
            }
            // A FIFO or device would block FFmpeg for ever.
            Err(e) => {
                return Err(SourceError::Unreadable {
                    clip: clip.to_owned(),
                    path: path.to_owned(),
                    reason: e.reason(),
                });
            }
        }
        let unreadable = |e: ffmpeg::Error| SourceError::Unreadable {
            clip: clip.to_owned(),
            path: path.to_owned(),
            reason: e.to_string(),
        };
        let input = ffmpeg::format::input(path).map_err(unreadable)?;
        let stream = input
            .streams()
            .best(media::Type::Video)
            .ok_or(ffmpeg::Error::StreamNotFound)
            .map_err(unreadable)?;
        let index = stream.index();
        let time_base = stream.time_base();
        let start = match stream.start_time() {
            ffmpeg::ffi::AV_NOPTS_VALUE => 0,
            s => s,
        };
        let mut ctx =
            codec::context::Context::from_parameters(stream.parameters()).map_err(unreadable)?;
        ctx.set_threading(threading::Config {
            count: threads,
            ..threading::Config::kind(threading::Type::Frame)
        });
        let decoder = ctx.decoder().video().map_err(unreadable)?;
        Ok(Self {
            clip: clip.to_owned(),
            path: path.to_owned(),
            input,
            decoder,
            stream: index,
            time_base,
            start,
            rate,
            decoded: frame::Video::empty(),
        })
    }

    fn unreadable(&self, reason: impl ToString) -> SourceError {
        SourceError::Unreadable {
            clip: self.clip.clone(),
            path: self.path.clone(),
            reason: reason.to_string(),
        }
    }

    /// Frame index of a timestamp in the stream's time base.
    fn index_of(&self, pts: i64) -> i64 {
        let num = i128::from(pts - self.start)
            * i128::from(self.time_base.numerator())
            * i128::from(self.rate.0);
        let den = i128::from(self.time_base.denominator()) * i128::from(self.rate.1);
        if den == 0 {
            return 0;
        }
        // Round to nearest: timestamps may be a tick off the exact frame time.
        ((2 * num + den).div_euclid(2 * den)) as i64
    }

    /// Start of frame `index` in microseconds on the container's clock.
    fn frame_us(&self, index: u32) -> i64 {
        let start_us = i128::from(self.start) * 1_000_000 * i128::from(self.time_base.numerator())
            / i128::from(self.time_base.denominator().max(1));
        let t = i128::from(index) * 1_000_000 * i128::from(self.rate.1)
            / i128::from(self.rate.0.max(1));
        (start_us + t) as i64
    }

    /// Decodes frames `first..=last`, calling `each(index, frame)` for each
    /// in order. Frames before `first` are decoded (from the keyframe) but
    /// not passed on.
    pub fn decode_range(
        &mut self,
        first: u32,
        last: u32,
        mut each: impl FnMut(u32, &frame::Video) -> Result<Flow, super::ExportError>,
    ) -> Result<(), super::ExportError> {
        if !self.seek_before(first)? {
            return Ok(());
        }
        // A keyframe index that lies: the seek landed after the first wanted
        // frame. Decode from the very start instead.
        self.run(first, last, &mut each, true)
    }

    /// Seeks to the keyframe at or before `first`; `Ok(true)` when decoding
    /// should continue.
    fn seek_before(&mut self, first: u32) -> Result<bool, SourceError> {
        // Aim half a frame early so rounding never lands us past the frame.
        let target =
            self.frame_us(first) - 500_000 * i64::from(self.rate.1) / i64::from(self.rate.0.max(1));
        let target = target.max(i64::MIN / 2);
        self.input
            .seek(target, ..target)
            .or_else(|_| self.input.seek(0, ..))
            .map_err(|e| self.unreadable(e))?;
        self.decoder.flush();
        Ok(true)
    }

    fn run(
        &mut self,
        first: u32,
        last: u32,
        each: &mut impl FnMut(u32, &frame::Video) -> Result<Flow, super::ExportError>,
        may_restart: bool,
    ) -> Result<(), super::ExportError> {
        let budget = u64::from(last - first) + PACKET_SLACK;
        let mut packets = 0u64;
        let mut eof = false;
        // A fresh packet per read: av_read_frame does not release what a
        // reused packet held, so reusing one leaks every packet's data.
        let mut packet;
        let mut first_seen: Option<i64> = None;
        loop {
            // Drain every frame the decoder has ready.
            while self.decoder.receive_frame(&mut self.decoded).is_ok() {
                let Some(pts) = self.decoded.timestamp().or(self.decoded.pts()) else {
                    continue;
                };
                let index = self.index_of(pts);
                if first_seen.is_none() {
                    first_seen = Some(index);
                    if index > i64::from(first) {
                        if may_restart {
                            self.input.seek(0, ..).map_err(|e| self.unreadable(e))?;
                            self.decoder.flush();
                            return self.run(first, last, each, false);
                        }
                        return Err(self
                            .unreadable(format!(
                                "frame {first} cannot be reached (decoding starts at {index})"
                            ))
                            .into());
                    }
                }
                if index < i64::from(first) {
                    continue;
                }
                if index > i64::from(last) {
                    return Ok(());
                }
                let index = index as u32;
                if let Flow::Stop = each(index, &self.decoded)? {
                    return Ok(());
                }
                if index == last {
                    return Ok(());
                }
            }
            if eof {
                return Err(SourceError::EndedEarly {
                    clip: self.clip.clone(),
                    path: self.path.clone(),
                    frame: last,
                }
                .into());
            }
            packets += 1;
            if packets > budget {
                return Err(self
                    .unreadable(format!("no frame {last} within {budget} packets"))
                    .into());
            }
            packet = ffmpeg::Packet::empty();
            match packet.read(&mut self.input) {
                Ok(()) => {
                    if packet.stream() == self.stream {
                        // A corrupt packet is skipped; missing frames are
                        // caught by the frame indices.
                        let _ = self.decoder.send_packet(&packet);
                    }
                }
                Err(ffmpeg::Error::Eof) => {
                    let _ = self.decoder.send_eof();
                    eof = true;
                }
                Err(e) => return Err(self.unreadable(e).into()),
            }
        }
    }
}

/// Reads `samples` stereo samples at [`AUDIO_RATE`] from the clip's audio,
/// starting at video frame `first`'s time. `None` when the clip has no audio.
pub fn read_audio(
    source: &Source,
    first: u32,
    samples: usize,
) -> Result<Option<Vec<f32>>, SourceError> {
    let path = &source.path;
    let unreadable = |e: ffmpeg::Error| source.unreadable(e);
    // Opened again by name: it must still be a regular file.
    crate::files::require_regular(path).map_err(|e| SourceError::Unreadable {
        clip: source.clip.clone(),
        path: path.clone(),
        reason: e.reason(),
    })?;
    let mut input = ffmpeg::format::input(path).map_err(unreadable)?;
    let Some(stream) = input.streams().best(media::Type::Audio) else {
        return Ok(None);
    };
    let index = stream.index();
    let tb = stream.time_base();
    let mut decoder = codec::context::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().audio())
        .map_err(unreadable)?;
    let start_us = source.frame_us(first);
    // Video time zero (first frame) in microseconds on the container clock.
    let zero_us = source.frame_us(0);
    let want_from = (i128::from(start_us - zero_us) * i128::from(AUDIO_RATE) / 1_000_000) as i64;
    let want_to = want_from + samples as i64;
    let target = start_us - 500_000;
    input
        .seek(target, ..target)
        .or_else(|_| input.seek(0, ..))
        .map_err(unreadable)?;

    let mut out = vec![0f32; samples * 2];
    let mut resampler: Option<resampling::Context> = None;
    let mut decoded = frame::Audio::empty();
    let budget = (samples as u64 / 256) + PACKET_SLACK;
    // A fresh packet per read: av_read_frame does not release what a
    // reused packet held, so reusing one leaks every packet's data.
    let mut packet;
    let mut eof = false;
    for _ in 0..budget {
        if !eof {
            packet = ffmpeg::Packet::empty();
            match packet.read(&mut input) {
                Ok(()) if packet.stream() == index => {
                    let _ = decoder.send_packet(&packet);
                }
                Ok(()) => continue,
                Err(ffmpeg::Error::Eof) => {
                    let _ = decoder.send_eof();
                    eof = true;
                }
                Err(e) => return Err(unreadable(e)),
            }
        }
        let mut got_any = false;
        while decoder.receive_frame(&mut decoded).is_ok() {
            got_any = true;
            let Some(pts) = decoded.timestamp().or(decoded.pts()) else {
                continue;
            };
            let t_us = i128::from(pts) * 1_000_000 * i128::from(tb.numerator())
                / i128::from(tb.denominator().max(1));
            let pos = ((t_us - i128::from(zero_us)) * i128::from(AUDIO_RATE) / 1_000_000) as i64;
            if pos >= want_to {
                return Ok(Some(out));
            }
            let layout = if decoded.channel_layout().is_empty() {
                ChannelLayout::default(i32::from(decoded.channels()))
            } else {
                decoded.channel_layout()
            };
            decoded.set_channel_layout(layout);
            let rs = match resampler.as_mut() {
                Some(rs) => rs,
                None => resampler.insert(
                    resampling::Context::get(
                        decoded.format(),
                        layout,
                        decoded.rate(),
                        Sample::F32(sample::Type::Packed),
                        ChannelLayout::STEREO,
                        AUDIO_RATE,
                    )
                    .map_err(unreadable)?,
                ),
            };
            let cap = decoded.samples() * AUDIO_RATE as usize / decoded.rate().max(1) as usize + 64;
            let mut converted = frame::Audio::new(
                Sample::F32(sample::Type::Packed),
                cap,
                ChannelLayout::STEREO,
            );
            rs.run(&decoded, &mut converted).map_err(unreadable)?;
            let n = converted.samples();
            let data = converted.plane::<(f32, f32)>(0);
            for (k, &(l, r)) in data.iter().take(n).enumerate() {
                let p = pos + k as i64;
                if p >= want_from && p < want_to {
                    let i = (p - want_from) as usize * 2;
                    out[i] = l;
                    out[i + 1] = r;
                }
            }
        }
        if eof && !got_any {
            break;
        }
    }
    Ok(Some(out))
}
