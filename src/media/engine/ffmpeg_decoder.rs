//! The positioning decoder over FFmpeg ([`Positioner`]): exact seeks that
//! decode only the reference frames between keyframe and target, pictures
//! at the clip's display size in the cache's I420, turned as the clip's
//! display matrix says. Frames are known by the same frame table the
//! engine's timeline was built from, so no timestamp is translated here.

use std::path::PathBuf;
use std::sync::Arc;

use crate::media::ffmpeg::MediaError;
use crate::media::ffmpeg::positioner::{Delivered, Positioner};
use crate::media::ffmpeg::{Matrix, Threads, Timing};

use super::backend::ClipSpec;
use super::cache::{CachedFrame, frame_buffer};
use super::error::EngineError;
use super::stepper::FrameDecoder;
use super::timeline::Timeline;

pub(crate) struct FfmpegDecoder {
    path: PathBuf,
    positioner: Positioner,
    /// Size as shown (after rotation) and as decoded (before it).
    shown: (u32, u32),
    upright: (u32, u32),
    rotation: u32,
    timeline: Arc<Timeline>,
    /// The picture before it is turned (reused between frames).
    unturned: Vec<u8>,
}

impl FfmpegDecoder {
    /// Opens `spec`'s clip on `clock` (the FFmpeg reading of the table the
    /// spec's timeline came from) and decodes its first frame.
    pub(crate) fn open(
        spec: &ClipSpec,
        clock: Timing,
        threads: Threads,
    ) -> Result<(Self, CachedFrame), EngineError> {
        let positioner =
            Positioner::open(&spec.path, clock, threads).map_err(|e| media_error(spec, e))?;
        let shown = (spec.width, spec.height);
        let upright = if spec.rotation % 180 == 90 {
            (spec.height, spec.width)
        } else {
            shown
        };
        let mut dec = Self {
            path: spec.path.clone(),
            positioner,
            shown,
            upright,
            rotation: spec.rotation % 360,
            timeline: spec.timeline.clone(),
            unturned: Vec::new(),
        };
        let first = dec.next_frame()?.ok_or_else(|| EngineError::NotMedia {
            path: spec.path.clone(),
            reason: "no video frame could be decoded".into(),
        })?;
        Ok((dec, first))
    }

    /// The timeline frames are reported on (GStreamer's calibration may
    /// shift its times after this decoder opened).
    pub(crate) fn set_timeline(&mut self, timeline: Arc<Timeline>) {
        self.timeline = timeline;
    }

    fn frame_of(&mut self, got: Delivered, mut i420: Vec<u8>) -> CachedFrame {
        if self.rotation != 0 {
            std::mem::swap(&mut self.unturned, &mut i420);
            i420.clear();
            turn_i420(&self.unturned, self.upright, self.rotation, &mut i420);
        }
        CachedFrame {
            frame: got.index,
            pts_ns: self.timeline.pts(got.index).unwrap_or(0),
            width: self.shown.0,
            height: self.shown.1,
            bt709: got.colour.matrix == Matrix::Bt709,
            full_range: got.colour.full_range,
            i420,
        }
    }
}

fn media_error(spec: &ClipSpec, e: MediaError) -> EngineError {
    EngineError::NotMedia {
        path: spec.path.clone(),
        reason: e.to_string(),
    }
}

impl FrameDecoder for FfmpegDecoder {
    fn seek(&mut self, frame: u32) -> Result<(), EngineError> {
        if frame >= self.timeline.frame_count() {
            return Err(EngineError::FrameOutOfRange {
                path: self.path.clone(),
                frame,
                count: self.timeline.frame_count(),
            });
        }
        let t0 = std::time::Instant::now();
        self.positioner
            .seek(frame)
            .map_err(|e| EngineError::Pipeline {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        log::debug!("seek {frame}: {} us", t0.elapsed().as_micros());
        Ok(())
    }

    fn next_frame(&mut self) -> Result<Option<CachedFrame>, EngineError> {
        let mut i420 = frame_buffer(CachedFrame::i420_len(self.shown.0, self.shown.1));
        let got = self
            .positioner
            .next_into(self.upright, &mut i420)
            .map_err(|e| EngineError::Pipeline {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        Ok(got.map(|g| self.frame_of(g, i420)))
    }
}

/// Turns a packed I420 picture of `size` (width, height) clockwise by
/// `rotation` (90, 180 or 270 degrees) into `out`.
pub(crate) fn turn_i420(src: &[u8], size: (u32, u32), rotation: u32, out: &mut Vec<u8>) {
    let (w, h) = (size.0 as usize, size.1 as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    if src.len() < w * h + 2 * cw * ch {
        out.resize(CachedFrame::i420_len(size.0, size.1), 0);
        return;
    }
    let (y, rest) = src.split_at(w * h);
    let (u, v) = rest.split_at(cw * ch);
    turn_plane(y, w, h, rotation, out);
    turn_plane(u, cw, ch, rotation, out);
    turn_plane(&v[..cw * ch], cw, ch, rotation, out);
}

/// Appends plane `p` (`w` x `h`) turned clockwise by `rotation`.
fn turn_plane(p: &[u8], w: usize, h: usize, rotation: u32, out: &mut Vec<u8>) {
    match rotation {
        90 => {
            // Output row r is input column r read from the bottom up.
            for r in 0..w {
                out.extend((0..h).rev().map(|y| p[y * w + r]));
            }
        }
        180 => out.extend(p.iter().rev()),
        270 => {
            for r in (0..w).rev() {
                out.extend((0..h).map(|y| p[y * w + r]));
            }
        }
        _ => out.extend_from_slice(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2x2 luma with 1x1 chroma: the corners say where they went.
    fn picture() -> Vec<u8> {
        vec![1, 2, 3, 4, 50, 60]
    }

    #[test]
    fn quarter_turns_move_the_corners_clockwise() {
        let mut out = Vec::new();
        turn_i420(&picture(), (2, 2), 90, &mut out);
        // 1 2      3 1
        // 3 4  ->  4 2
        assert_eq!(out, vec![3, 1, 4, 2, 50, 60]);
        out.clear();
        turn_i420(&picture(), (2, 2), 180, &mut out);
        assert_eq!(out, vec![4, 3, 2, 1, 50, 60]);
        out.clear();
        turn_i420(&picture(), (2, 2), 270, &mut out);
        assert_eq!(out, vec![2, 4, 1, 3, 50, 60]);
    }

    #[test]
    fn a_sideways_picture_comes_out_with_width_and_height_swapped() {
        // 4 wide, 2 high; chroma 2x1.
        let src: Vec<u8> = (0..8).chain([100, 101, 200, 201]).collect();
        let mut out = Vec::new();
        turn_i420(&src, (4, 2), 90, &mut out);
        // Input rows 0 1 2 3 / 4 5 6 7 turn into 2 wide, 4 high.
        assert_eq!(&out[..8], &[4, 0, 5, 1, 6, 2, 7, 3]);
        // Chroma 2x1 -> 1x2.
        assert_eq!(&out[8..], &[100, 101, 200, 201]);
    }
}
