//! Reading exact frame ranges (and the audio under them) from a source clip
//! with ffmpeg-next.
//!
//! A frame's index comes from its timestamp through the FFmpeg layer's one
//! mapping (`media::ffmpeg::time`), so index 0 is the first presented frame
//! exactly as `media::probe` counts them. We seek to the keyframe at or
//! before the first wanted frame and decode forward.

use std::path::{Path, PathBuf};

use ffmpeg::format::{Sample, sample};
use ffmpeg::software::resampling;
use ffmpeg::{ChannelLayout, frame};
use ffmpeg_next as ffmpeg;

use crate::files::InputError;
use crate::media::ffmpeg::{
    Input, MediaError, PixelAspect, Threads, Timing, frame_timestamp, ts_to_us, with_channel_layout,
};

use crate::media::ffmpeg::picture::deinterlace_into;

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
pub(crate) struct Source {
    pub clip: String,
    pub path: PathBuf,
    input: Input,
    decoder: ffmpeg::decoder::Video,
    stream: usize,
    timing: Timing,
    decoded: frame::Video,
    /// The latest interlaced picture, deinterlaced (reused between frames).
    progressive: frame::Video,
    /// Shape of the clip's stored pixels: pictures are shown this much wider.
    pub pixel_aspect: PixelAspect,
}

/// What the per-frame callback asks for next.
pub(crate) enum Flow {
    Continue,
    Stop,
}

impl Source {
    /// Opens a clip for decoding with `threads` decoder threads (0 = auto).
    pub(crate) fn open(
        clip: &str,
        path: &Path,
        rate: (u32, u32),
        threads: usize,
    ) -> Result<Self, SourceError> {
        let unreadable = |reason: String| SourceError::Unreadable {
            clip: clip.to_owned(),
            path: path.to_owned(),
            reason,
        };
        let mut input = Input::open(path).map_err(|e| match e {
            MediaError::Refused(InputError::Missing { .. }) => SourceError::Missing {
                clip: clip.to_owned(),
                path: path.to_owned(),
            },
            // A FIFO or device would block FFmpeg for ever.
            MediaError::Refused(e) => unreadable(e.reason()),
            MediaError::Init { source } | MediaError::Open { source, .. } => {
                unreadable(source.to_string())
            }
            other => unreadable(other.to_string()),
        })?;
        let stream = input
            .video()
            .ok_or_else(|| unreadable(ffmpeg::Error::StreamNotFound.to_string()))?;
        let decoder = input
            .video_decoder(&stream, Threads::Frames(threads))
            .map_err(|e| unreadable(e.to_string()))?;
        let timing = input.timing(&stream, rate);
        Ok(Self {
            clip: clip.to_owned(),
            path: path.to_owned(),
            input,
            decoder,
            stream: stream.index,
            timing,
            decoded: frame::Video::empty(),
            progressive: frame::Video::empty(),
            pixel_aspect: stream.pixel_aspect,
        })
    }

    fn unreadable(&self, reason: impl ToString) -> SourceError {
        SourceError::Unreadable {
            clip: self.clip.clone(),
            path: self.path.clone(),
            reason: reason.to_string(),
        }
    }

    /// Decodes frames `first..=last`, calling `each(index, frame)` for each
    /// in order. Frames before `first` are decoded (from the keyframe) but
    /// not passed on.
    pub(crate) fn decode_range(
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
        // Half a frame early so rounding never lands us past the frame.
        self.input
            .seek_to_frame(&self.timing, first)
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
        let mut first_seen: Option<i64> = None;
        loop {
            // Drain every frame the decoder has ready.
            while self.decoder.receive_frame(&mut self.decoded).is_ok() {
                let Some(pts) = frame_timestamp(&self.decoded) else {
                    continue;
                };
                let index = self.timing.index_of(pts);
                if first_seen.is_none() {
                    first_seen = Some(index);
                    if index > i64::from(first) {
                        if may_restart {
                            self.input.seek_start().map_err(|e| self.unreadable(e))?;
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
                // Interlaced camcorder footage is shown deinterlaced, one
                // picture per coded frame, as the viewer shows it.
                let picture = if deinterlace_into(&self.decoded, &mut self.progressive) {
                    &self.progressive
                } else {
                    &self.decoded
                };
                if let Flow::Stop = each(index, picture)? {
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
            match self.input.read_packet() {
                Ok(Some(packet)) => {
                    if packet.stream() == self.stream
                        && let Err(e) = self.decoder.send_packet(&packet)
                    {
                        // A corrupt packet is skipped; missing frames are
                        // caught by the frame indices.
                        log::debug!("reel source: a video packet was refused: {e}");
                    }
                }
                Ok(None) => {
                    if let Err(e) = self.decoder.send_eof() {
                        log::debug!("reel source: the video decoder would not drain: {e}");
                    }
                    eof = true;
                }
                Err(e) => return Err(self.unreadable(e).into()),
            }
        }
    }
}

/// Reads `samples` stereo samples at [`AUDIO_RATE`] from the clip's audio,
/// starting at video frame `first`'s time. `None` when the clip has no audio.
pub(crate) fn read_audio(
    source: &Source,
    first: u32,
    samples: usize,
) -> Result<Option<Vec<f32>>, SourceError> {
    let unreadable = |e: ffmpeg::Error| source.unreadable(e);
    // Opened again by name: it must still be a regular file.
    let mut input = Input::open(&source.path).map_err(|e| match e {
        MediaError::Refused(e) => source.unreadable(e.reason()),
        MediaError::Init { source: e } | MediaError::Open { source: e, .. } => unreadable(e),
        other => source.unreadable(other),
    })?;
    let Some(stream) = input.audio() else {
        return Ok(None);
    };
    let index = stream.index;
    let tb = stream.time_base;
    let mut decoder = input
        .audio_decoder(&stream, Threads::Default)
        .map_err(unreadable)?;
    let start_us = source.timing.frame_us(first);
    // Video time zero (first frame) in microseconds on the container clock.
    let zero_us = source.timing.frame_us(0);
    let want_from = (i128::from(start_us - zero_us) * i128::from(AUDIO_RATE) / 1_000_000) as i64;
    let want_to = want_from + samples as i64;
    let target = start_us - 500_000;
    input.seek_key_before_or_start(target).map_err(unreadable)?;

    let mut out = vec![0f32; samples * 2];
    let mut resampler: Option<resampling::Context> = None;
    let mut decoded = frame::Audio::empty();
    let budget = (samples as u64 / 256) + PACKET_SLACK;
    let mut eof = false;
    for _ in 0..budget {
        if !eof {
            match input.read_packet() {
                Ok(Some(packet)) if packet.stream() == index => {
                    if let Err(e) = decoder.send_packet(&packet) {
                        log::debug!("reel source: an audio packet was refused: {e}");
                    }
                }
                Ok(Some(_)) => continue,
                Ok(None) => {
                    if let Err(e) = decoder.send_eof() {
                        log::debug!("reel source: the audio decoder would not drain: {e}");
                    }
                    eof = true;
                }
                Err(e) => return Err(unreadable(e)),
            }
        }
        let mut got_any = false;
        while decoder.receive_frame(&mut decoded).is_ok() {
            got_any = true;
            let Some(pts) = frame_timestamp(&decoded) else {
                continue;
            };
            let t_us = i128::from(ts_to_us(pts, tb));
            let pos = ((t_us - i128::from(zero_us)) * i128::from(AUDIO_RATE) / 1_000_000) as i64;
            if pos >= want_to {
                return Ok(Some(out));
            }
            let layout = with_channel_layout(&mut decoded);
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
