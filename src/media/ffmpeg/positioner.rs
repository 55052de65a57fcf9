//! Exact frames on demand, as fast as FFmpeg decodes: what the engine's
//! positioning decoder is built on.
//!
//! A seek lands on the keyframe at or before the target (from the frame
//! table, not the demuxer's guess) and decodes forward. Until the target,
//! non-reference frames are not decoded at all (`skip_frame` NONREF, set
//! packet by packet: nothing refers to them, so the frames from the target
//! on are the same) and the frames that are decoded are not converted, so
//! the cost of a seek is decoding the reference frames between keyframe and
//! target. This is what mpv does for `seek … exact`; GStreamer's libav
//! decoder could only drop output, not decoding.

use std::path::{Path, PathBuf};

use ffmpeg::software::scaling;
use ffmpeg::{Discard, Packet, decoder, format::Pixel, frame};
use ffmpeg_next as ffmpeg;

use super::picture::{self, Colour};
use super::{Input, MediaError, Threads, Timing, frame_timestamp};

/// Packets a single frame may take beyond its distance from the keyframe
/// (interleaved audio, reordering, a damaged stretch) before the file is
/// called broken: every wait has a bound.
const PACKET_SLACK: u32 = 4096;

/// How many times a seek that landed past its target backs off to an
/// earlier keyframe before starting from the beginning.
const BACK_OFFS: u32 = 3;

/// One decoded picture, packed I420 (Y, then U, then V, no padding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Delivered {
    pub index: u32,
    pub colour: Colour,
}

pub(crate) struct Positioner {
    path: PathBuf,
    input: Input,
    decoder: decoder::Video,
    stream: usize,
    timing: Timing,
    decoded: frame::Video,
    progressive: frame::Video,
    scaled: frame::Video,
    /// Built for one source shape and size; rebuilt when either changes.
    scaler: Option<(ScalerKey, Scaler)>,
    /// Frames before this index are decoded only as references.
    skip_before: Option<u32>,
    /// The frame a seek asked for, until a frame at or past it comes out.
    seeking_to: Option<u32>,
    /// The keyframe a seek asked for, until the first video packet shows
    /// where the demuxer landed.
    landing: Option<u32>,
    back_offs: u32,
    /// The last index handed out: timestamps that repeat or jump back are
    /// not handed out again, so stepping stays monotonic.
    last: Option<u32>,
    eof_sent: bool,
    /// Packets read since the last frame came out.
    packets_since_frame: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ScalerKey {
    format: Pixel,
    width: u32,
    height: u32,
    colour: Colour,
    out: (u32, u32),
}

impl Positioner {
    /// Opens `path`'s video for positioning; `timing` is the clip's clock,
    /// read once by whoever indexed the clip (a second scan of a long file
    /// would double the time it takes to open).
    pub(crate) fn open(path: &Path, timing: Timing, threads: Threads) -> Result<Self, MediaError> {
        let mut input = Input::open(path)?;
        let stream = input.require_video()?;
        let decoder =
            input
                .video_decoder(&stream, threads)
                .map_err(|source| MediaError::Ffmpeg {
                    path: path.into(),
                    what: "opening the video decoder",
                    source,
                })?;
        // Streams other than the video are not read at all.
        input.only_stream(stream.index);
        Ok(Self {
            path: path.into(),
            input,
            decoder,
            stream: stream.index,
            timing,
            decoded: frame::Video::empty(),
            progressive: frame::Video::empty(),
            scaled: frame::Video::empty(),
            scaler: None,
            skip_before: None,
            seeking_to: None,
            landing: None,
            back_offs: 0,
            last: None,
            eof_sent: false,
            packets_since_frame: 0,
        })
    }

    fn error(&self, what: &'static str, source: ffmpeg::Error) -> MediaError {
        MediaError::Ffmpeg {
            path: self.path.clone(),
            what,
            source,
        }
    }

    /// Positions so that the next frame handed out is `index` (or, if the
    /// stream lacks it, the first after it).
    pub(crate) fn seek(&mut self, index: u32) -> Result<(), MediaError> {
        self.back_offs = 0;
        let key = self.keyframe_at_or_before(index);
        let landed = match self.timing.table().and_then(|t| t.pts_of(key)) {
            // On the keyframe itself, in the stream's own ticks: a time a
            // rounding early would land a Matroska seek a whole GOP back.
            Some(pts) => self.input.seek_stream_key(self.stream, pts),
            None => self.input.seek_to_frame(&self.timing, key),
        };
        if let Err(e) = landed {
            log::debug!("positioner: seek refused ({e}); decoding from the start");
            self.input
                .seek_start()
                .map_err(|e| self.error("seeking to the start", e))?;
        }
        self.restart(key, index);
        Ok(())
    }

    fn restart(&mut self, key: u32, index: u32) {
        self.decoder.flush();
        self.skip_before = Some(index);
        self.landing = Some(key);
        self.seeking_to = Some(index);
        self.last = None;
        self.eof_sent = false;
        self.packets_since_frame = 0;
    }

    fn keyframe_at_or_before(&self, index: u32) -> u32 {
        self.timing
            .table()
            .map(|t| {
                let keys = t.keyframes();
                let i = keys.partition_point(|&k| k <= index);
                if i == 0 { 0 } else { keys[i - 1] }
            })
            .unwrap_or(index)
    }

    /// Decodes up to the next frame to hand out and writes it into `out` as
    /// packed I420 of `size` (width, height): scaled, deinterlaced, in the
    /// picture's own colour (which the result names). `Ok(None)` at the end.
    pub(crate) fn next_into(
        &mut self,
        size: (u32, u32),
        out: &mut Vec<u8>,
    ) -> Result<Option<Delivered>, MediaError> {
        loop {
            match self.decoder.receive_frame(&mut self.decoded) {
                Ok(()) => {
                    if let Some(index) = self.accept()? {
                        let colour = self.convert(size, out)?;
                        return Ok(Some(Delivered { index, colour }));
                    }
                }
                Err(ffmpeg::Error::Eof) => return Ok(None),
                Err(ffmpeg::Error::Other { errno }) if errno == libc::EAGAIN => self.feed()?,
                Err(e) => {
                    // A damaged frame: the indices of the next ones say
                    // what is missing.
                    log::debug!("positioner: a frame could not be decoded: {e}");
                    self.feed()?;
                }
            }
        }
    }

    /// Whether the frame just decoded is handed out, and as which index.
    fn accept(&mut self) -> Result<Option<u32>, MediaError> {
        self.packets_since_frame = 0;
        let Some(ts) = frame_timestamp(&self.decoded) else {
            return Ok(None);
        };
        let Ok(index) = u32::try_from(self.timing.index_of(ts)) else {
            return Ok(None);
        };
        if let Some(target) = self.seeking_to.take()
            && index > target
        {
            // The demuxer's keyframe came after the target (an index that
            // lies): back off to an earlier one, at last the very start.
            return self.back_off(target).map(|()| None);
        }
        if self.skip_before.is_some_and(|t| index < t) {
            return Ok(None);
        }
        self.skip_before = None;
        if self.last.is_some_and(|l| index <= l) {
            return Ok(None);
        }
        self.last = Some(index);
        Ok(Some(index))
    }

    /// The seek landed past frame `target` (a demuxer without an index,
    /// like MPEG-TS, can miss the keyframe's first packet; an index can
    /// lie): seek a second earlier each time, at last to the very start.
    fn back_off(&mut self, target: u32) -> Result<(), MediaError> {
        self.back_offs += 1;
        log::debug!("positioner: seek landed past frame {target}; backing off");
        let key = self.keyframe_at_or_before(target);
        if self.back_offs > BACK_OFFS {
            self.input
                .seek_start()
                .map_err(|e| self.error("seeking to the start", e))?;
            self.restart(key, target);
            // From the start there is nothing earlier to back off to.
            self.landing = None;
            self.seeking_to = None;
            return Ok(());
        }
        let earlier = self.timing.frame_us(key) - i64::from(self.back_offs) * 1_000_000;
        self.input
            .seek_key_before_or_start(earlier)
            .map_err(|e| self.error("seeking", e))?;
        // Anything up to the keyframe is a fine place to start from.
        self.restart(key, target);
        Ok(())
    }

    /// Checks where the first video packet after a seek is: past the
    /// keyframe that was asked for, the frames up to the target cannot be
    /// decoded from it.
    fn check_landing(&mut self, packet: &Packet) -> Result<bool, MediaError> {
        let Some(key) = self.landing.take() else {
            return Ok(true);
        };
        let Some(pts) = packet.pts() else {
            return Ok(true);
        };
        let index = self.timing.index_of(pts);
        let target = self.skip_before.unwrap_or(key);
        let usable = index <= i64::from(key) || (packet.is_key() && index <= i64::from(target));
        if !usable {
            self.back_off(target)?;
        }
        Ok(usable)
    }

    /// Sends the next video packet (or the end) to the decoder.
    fn feed(&mut self) -> Result<(), MediaError> {
        if self.eof_sent {
            // Draining: the decoder answers Eof once it is empty.
            return Ok(());
        }
        self.packets_since_frame += 1;
        let bound = self.timing.table().map_or(600, max_gop) + PACKET_SLACK;
        if self.packets_since_frame > bound {
            return Err(self.error(
                "no frame within the packets a keyframe interval can take",
                ffmpeg::Error::InvalidData,
            ));
        }
        match self.input.read_packet() {
            Ok(Some(packet)) if packet.stream() == self.stream => {
                if !self.check_landing(&packet)? {
                    return Ok(());
                }
                let discard = self.discard_for(&packet);
                self.decoder.skip_frame(discard);
                if let Err(e) = self.decoder.send_packet(&packet) {
                    log::debug!("positioner: a video packet was refused: {e}");
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                self.eof_sent = true;
                if let Err(e) = self.decoder.send_eof() {
                    log::debug!("positioner: the decoder would not drain: {e}");
                }
            }
            Err(e) => return Err(self.error("reading", e)),
        }
        Ok(())
    }

    /// Before the target nothing needs the frames no other frame refers to.
    fn discard_for(&self, packet: &Packet) -> Discard {
        match (self.skip_before, packet.pts()) {
            (Some(target), Some(pts)) if self.timing.index_of(pts) < i64::from(target) => {
                Discard::NonReference
            }
            _ => Discard::Default,
        }
    }

    fn convert(&mut self, size: (u32, u32), out: &mut Vec<u8>) -> Result<Colour, MediaError> {
        let colour = Colour::of_frame(&self.decoded);
        let source = if picture::deinterlace_into(&self.decoded, &mut self.progressive) {
            &self.progressive
        } else {
            &self.decoded
        };
        let (w, h) = size;
        out.clear();
        // Already what the cache holds: copied, not scaled.
        if matches!(source.format(), Pixel::YUV420P | Pixel::YUVJ420P)
            && (source.width(), source.height()) == size
        {
            pack_i420(source, w, h, out);
            return Ok(colour);
        }
        let key = ScalerKey {
            format: source.format(),
            width: source.width(),
            height: source.height(),
            colour,
            out: size,
        };
        if self.scaler.as_ref().is_none_or(|(k, _)| *k != key) {
            let ctx = picture::scaler(
                (key.format, key.width, key.height),
                colour,
                (Pixel::YUV420P, w, h),
                colour,
                scaling::Flags::BILINEAR,
            )
            .map_err(|e| self.error("building the scaler", e))?;
            self.scaler = Some((key, Scaler(ctx)));
        }
        if let Some((_, ctx)) = self.scaler.as_mut() {
            ctx.0
                .run(source, &mut self.scaled)
                .map_err(|source| MediaError::Ffmpeg {
                    path: self.path.clone(),
                    what: "scaling a frame",
                    source,
                })?;
        }
        pack_i420(&self.scaled, w, h, out);
        Ok(colour)
    }
}

/// A swscale context owned by one decoder.
struct Scaler(scaling::Context);

// SAFETY: an SwsContext has no thread affinity; it is only unsafe to use
// from two threads at once, and `Scaler` is owned (never shared) by the
// positioner, which moves to the engine's thread once and stays there.
unsafe impl Send for Scaler {}

fn max_gop(table: &super::FrameTable) -> u32 {
    let keys = table.keyframes();
    let mut gap = keys.first().copied().unwrap_or(table.len());
    for w in keys.windows(2) {
        gap = gap.max(w[1] - w[0]);
    }
    gap.max(
        table
            .len()
            .saturating_sub(keys.last().copied().unwrap_or(0)),
    )
}

/// Copies a planar 4:2:0 picture's rows out of FFmpeg's padded planes.
fn pack_i420(f: &frame::Video, w: u32, h: u32, out: &mut Vec<u8>) {
    let (w, h) = (w as usize, h as usize);
    for plane in 0..3 {
        let (pw, ph) = if plane == 0 {
            (w, h)
        } else {
            (w.div_ceil(2), h.div_ceil(2))
        };
        let stride = f.stride(plane);
        let data = f.data(plane);
        for row in 0..ph {
            let start = row * stride;
            match data.get(start..start + pw) {
                Some(line) => out.extend_from_slice(line),
                None => out.resize(out.len() + pw, if plane == 0 { 16 } else { 128 }),
            }
        }
    }
}
