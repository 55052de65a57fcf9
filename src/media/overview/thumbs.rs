//! Filmstrip thumbnails through ffmpeg-next.
//!
//! The work must stay gentle on a two-core laptop while the UI repaints, so:
//! one decoder thread; non-reference frames are skipped by the decoder (a
//! thumbnail a frame or two off is fine, and it saves decoding B-frames);
//! targets close ahead are reached by decoding forward, far ones by seeking
//! back to the keyframe before them and decoding forward a bounded stretch.
//! Every thumbnail records the frame actually decoded, taken from its
//! timestamp through the layer's one mapping (`media::ffmpeg::time`), as
//! the reel source indexes frames.

use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg::{codec, frame};
use ffmpeg_next as ffmpeg;

use crate::media::ffmpeg::picture::{self, Colour, PixelAspect};
use crate::media::ffmpeg::{Input, Threads, Timing, frame_timestamp};

use super::{
    Cancel, Filmstrip, OverviewError, OverviewJob, Thumbnail, cancelled, thumb_count_for,
    thumb_targets,
};

/// Thumbnails are scaled so their longer side is at most this many pixels.
pub const THUMB_LONG_SIDE: u32 = 160;

/// Decoding forward is preferred to seeking when the target is at most this
/// many seconds ahead (or one keyframe interval, when that is longer): a
/// seek lands on the keyframe before the target, which is then no closer.
const FORWARD_SECONDS: u32 = 2;
/// After a seek, decode forward at most this many seconds' worth of frames
/// before settling for the latest one (long-GOP phone footage).
const MAX_FORWARD_SECONDS: u32 = 12;

/// Decodes `thumb_count_for(job.frames, job.frame_rate)` thumbnails spread
/// evenly over the clip, calling `progress` with 0..=1 as it goes.
pub fn compute_filmstrip(
    job: &OverviewJob,
    long_side: u32,
    cancel: &Cancel,
    progress: &mut dyn FnMut(f32),
) -> Result<Filmstrip, OverviewError> {
    let strip = run(job, long_side, true, cancel, progress)?;
    if !strip.thumbs.is_empty() {
        return Ok(strip);
    }
    // Some decoders treat every frame as non-reference; without skipping
    // they give pictures again.
    let strip = run(job, long_side, false, cancel, progress)?;
    if strip.thumbs.is_empty() {
        return Err(OverviewError::video(
            &job.path,
            "no picture could be decoded",
        ));
    }
    Ok(strip)
}

fn run(
    job: &OverviewJob,
    long_side: u32,
    skip_non_reference: bool,
    cancel: &Cancel,
    progress: &mut dyn FnMut(f32),
) -> Result<Filmstrip, OverviewError> {
    let rate = (job.frame_rate.num, job.frame_rate.den);
    let mut dec = ThumbDecoder::open(&job.path, rate, skip_non_reference)?;
    let count = thumb_count_for(job.frames, job.frame_rate);
    let targets = thumb_targets(job.frames, count);
    // Accept a frame this far before the target: a tenth of the spacing
    // keeps the strip visually even.
    let tolerance = job.frames / count / 10;
    let fps = job.frame_rate.num.div_ceil(job.frame_rate.den).max(1);
    let forward = fps * FORWARD_SECONDS;
    let max_forward = fps * MAX_FORWARD_SECONDS;
    let last_frame = job.frames.saturating_sub(1);

    let mut strip = Filmstrip::default();
    for (k, &target) in targets.iter().enumerate() {
        if cancelled(cancel) {
            return Err(OverviewError::Cancelled {
                path: job.path.clone(),
            });
        }
        progress(k as f32 / targets.len() as f32);
        let ahead = match dec.last {
            Some(last) => target.saturating_sub(last),
            None => target,
        };
        // With long GOPs (10 s is x264's default) a seek would go back to a
        // keyframe we have already decoded past: keep going instead.
        if ahead > forward.max(dec.gop) {
            dec.seek(target)?;
        }
        let mut stepped = 0u32;
        let got = loop {
            if cancelled(cancel) {
                return Err(OverviewError::Cancelled {
                    path: job.path.clone(),
                });
            }
            match dec.next_frame() {
                Some(index) if index + tolerance >= target || stepped >= max_forward => {
                    break Some(index);
                }
                Some(_) => stepped += 1,
                // The end of the stream: the latest frame is the best we have.
                None => break dec.last,
            }
        };
        let Some(index) = got else { continue };
        let index = index.min(last_frame);
        if strip.thumbs.last().is_some_and(|t| t.frame >= index) {
            continue;
        }
        let thumb = dec.thumbnail(index, long_side, job.rotation)?;
        strip.thumbs.push(thumb);
        if dec.eof {
            break;
        }
    }
    progress(1.0);
    Ok(strip)
}

struct ThumbDecoder {
    path: PathBuf,
    input: Input,
    decoder: ffmpeg::decoder::Video,
    stream: usize,
    timing: Timing,
    /// The latest decoded picture; `scratch` receives the next one, because
    /// a failed receive clears the frame it was given.
    current: frame::Video,
    scratch: frame::Video,
    /// Index of `current`, if any since the last seek.
    last: Option<u32>,
    /// Index of the latest keyframe packet read since the last seek.
    last_key: Option<u32>,
    /// Longest distance seen between consecutive keyframes, in frames.
    gop: u32,
    eof: bool,
    scaler: Option<Scaler>,
    /// Shape of the stored pixels: thumbnails have the display aspect.
    pixel_aspect: PixelAspect,
}

/// One swscale context, kept while the source format and size stay the same.
struct Scaler {
    ctx: scaling::Context,
    from: (Pixel, u32, u32, Colour),
    to: (u32, u32),
}

impl ThumbDecoder {
    fn open(
        path: &Path,
        rate: (u32, u32),
        skip_non_reference: bool,
    ) -> Result<Self, OverviewError> {
        let mut input = super::open_input(path)?;
        let stream = input
            .video()
            .ok_or_else(|| OverviewError::NoVideo { path: path.into() })?;
        // One decoder thread: the other core belongs to the UI.
        let mut decoder = input
            .video_decoder(&stream, Threads::One)
            .map_err(|e| OverviewError::video(path, e))?;
        if skip_non_reference {
            decoder.skip_frame(codec::discard::Discard::NonReference);
        }
        let timing = input.timing(&stream, rate);
        Ok(Self {
            path: path.into(),
            input,
            decoder,
            stream: stream.index,
            timing,
            current: frame::Video::empty(),
            scratch: frame::Video::empty(),
            last: None,
            last_key: None,
            gop: 0,
            eof: false,
            scaler: None,
            pixel_aspect: stream.pixel_aspect,
        })
    }

    /// Frame index of a timestamp, as every reader of the clip counts them.
    fn index_of(&self, pts: i64) -> u32 {
        self.timing.index_of(pts).clamp(0, i64::from(u32::MAX)) as u32
    }

    /// Seeks to the keyframe at or before `target`.
    fn seek(&mut self, target: u32) -> Result<(), OverviewError> {
        self.input
            .seek_to_frame(&self.timing, target)
            .map_err(|e| OverviewError::video(&self.path, format!("cannot seek: {e}")))?;
        self.decoder.flush();
        self.last = None;
        self.last_key = None;
        self.eof = false;
        Ok(())
    }

    /// Decodes the next picture into `current` and returns its index, or
    /// `None` at the end of the stream. A damaged packet or a read error
    /// ends the stream early rather than failing the filmstrip: the
    /// thumbnails before it are still worth showing.
    fn next_frame(&mut self) -> Option<u32> {
        loop {
            if self.decoder.receive_frame(&mut self.scratch).is_ok() {
                std::mem::swap(&mut self.current, &mut self.scratch);
                let index = match frame_timestamp(&self.current) {
                    Some(pts) => self.index_of(pts),
                    None => self.last.map_or(0, |l| l + 1),
                };
                self.last = Some(index);
                return Some(index);
            }
            if self.eof {
                return None;
            }
            // A fresh packet per read: av_read_frame does not release what
            // a reused packet held, so reusing one leaks every payload.
            match self.input.read_packet() {
                Ok(Some(packet)) if packet.stream() == self.stream => {
                    if packet.is_key()
                        && let Some(pts) = packet.pts()
                    {
                        let key = self.index_of(pts);
                        if let Some(prev) = self.last_key
                            && key > prev
                        {
                            self.gop = self.gop.max(key - prev);
                        }
                        self.last_key = Some(key);
                    }
                    // A packet the decoder refuses is skipped; the next
                    // keyframe recovers.
                    if let Err(e) = self.decoder.send_packet(&packet) {
                        log::debug!("filmstrip: a video packet was refused: {e}");
                    }
                }
                Ok(Some(_)) => {}
                end => {
                    if let Err(e) = end {
                        log::debug!("filmstrip: reading stopped early: {e}");
                    }
                    if let Err(e) = self.decoder.send_eof() {
                        log::debug!("filmstrip: the decoder would not drain: {e}");
                    }
                    self.eof = true;
                }
            }
        }
    }

    /// Scales and turns `current` into a thumbnail.
    fn thumbnail(
        &mut self,
        index: u32,
        long_side: u32,
        rotation: u16,
    ) -> Result<Thumbnail, OverviewError> {
        let from = (
            self.current.format(),
            self.current.width(),
            self.current.height(),
            Colour::of_frame(&self.current),
        );
        if from.1 == 0 || from.2 == 0 {
            return Err(OverviewError::video(
                &self.path,
                "a decoded picture has no size",
            ));
        }
        if self.scaler.as_ref().is_none_or(|s| s.from != from) {
            // Fitted from the display size: anamorphic SD is shown wider.
            let to = fit(self.pixel_aspect.display_width(from.1), from.2, long_side);
            let ctx = picture::scaler(
                (from.0, from.1, from.2),
                from.3,
                (Pixel::RGBA, to.0, to.1),
                from.3,
                // Area averaging: 1080p down to 160 px without aliasing.
                scaling::Flags::AREA,
            )
            .map_err(|e| OverviewError::video(&self.path, e))?;
            self.scaler = Some(Scaler { ctx, from, to });
        }
        let Some(scaler) = self.scaler.as_mut() else {
            return Err(OverviewError::video(&self.path, "no scaler"));
        };
        let mut rgba = frame::Video::empty();
        scaler
            .ctx
            .run(&self.current, &mut rgba)
            .map_err(|e| OverviewError::video(&self.path, e))?;
        let (w, h) = scaler.to;
        let tight = tight_rows(&rgba, w, h);
        let (rgba, width, height) = rotate(tight, w, h, rotation);
        Ok(Thumbnail {
            frame: index,
            width,
            height,
            rgba,
        })
    }
}

/// The size with the longer side at most `long_side`, aspect kept, even.
fn fit(w: u32, h: u32, long_side: u32) -> (u32, u32) {
    let long = w.max(h).max(1);
    if long <= long_side {
        return (w, h);
    }
    // Even sizes keep swscale's chroma handling simple.
    let sw = ((u64::from(w) * u64::from(long_side) / u64::from(long)) as u32).max(2) & !1;
    let sh = ((u64::from(h) * u64::from(long_side) / u64::from(long)) as u32).max(2) & !1;
    (sw, sh)
}

/// Copies out of FFmpeg's padded rows.
fn tight_rows(frame: &frame::Video, w: u32, h: u32) -> Vec<u8> {
    let stride = frame.stride(0);
    let data = frame.data(0);
    let row = w as usize * 4;
    let mut out = Vec::with_capacity(row * h as usize);
    for y in 0..h as usize {
        let from = y * stride;
        match data.get(from..from + row) {
            Some(line) => out.extend_from_slice(line),
            // Never expected from swscale; a black row beats a panic.
            None => out.resize(out.len() + row, 0),
        }
    }
    out
}

/// Turns a tightly packed RGBA picture clockwise by `rotation` degrees.
fn rotate(src: Vec<u8>, w: u32, h: u32, rotation: u16) -> (Vec<u8>, u32, u32) {
    let (w, h) = (w as usize, h as usize);
    let px = |x: usize, y: usize| &src[(y * w + x) * 4..(y * w + x) * 4 + 4];
    match rotation {
        90 | 270 => {
            // Output is h wide and w tall.
            let mut out = Vec::with_capacity(src.len());
            for oy in 0..w {
                for ox in 0..h {
                    let (x, y) = if rotation == 90 {
                        (oy, h - 1 - ox)
                    } else {
                        (w - 1 - oy, ox)
                    };
                    out.extend_from_slice(px(x, y));
                }
            }
            (out, h as u32, w as u32)
        }
        180 => {
            let mut out = Vec::with_capacity(src.len());
            for y in (0..h).rev() {
                for x in (0..w).rev() {
                    out.extend_from_slice(px(x, y));
                }
            }
            (out, w as u32, h as u32)
        }
        _ => (src, w as u32, h as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_and_even_sizes() {
        assert_eq!(fit(1920, 1080, 160), (160, 90));
        assert_eq!(fit(360, 640, 160), (90, 160));
        assert_eq!(fit(100, 50, 160), (100, 50));
    }

    /// A 2x1 picture: red then green.
    fn two_pixels() -> Vec<u8> {
        vec![255, 0, 0, 255, 0, 255, 0, 255]
    }

    #[test]
    fn rotation_turns_clockwise() {
        let (out, w, h) = rotate(two_pixels(), 2, 1, 90);
        // Clockwise: the left pixel (red) goes to the top.
        assert_eq!((w, h), (1, 2));
        assert_eq!(&out[..4], &[255, 0, 0, 255]);
        let (out, w, h) = rotate(two_pixels(), 2, 1, 270);
        assert_eq!((w, h), (1, 2));
        assert_eq!(&out[..4], &[0, 255, 0, 255]);
        let (out, w, h) = rotate(two_pixels(), 2, 1, 180);
        assert_eq!((w, h), (2, 1));
        assert_eq!(&out[..4], &[0, 255, 0, 255]);
    }
}
