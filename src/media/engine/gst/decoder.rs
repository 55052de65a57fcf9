//! A pull-mode decoding pipeline (no audio, not synchronised to a clock):
//! seeks land exactly, frames come out as fast as they decode, and the
//! appsink's small queue (3 frames, so a flush discards little work) blocks the decoder when nobody pulls, so a paused
//! player costs no CPU. Opened once per clip to learn where GStreamer's
//! timestamps put the frames (playback knows frames by them), and used for
//! positioning only where FFmpeg's positioner cannot open the clip.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use super::pipeline::{self, WAIT};
use crate::media::engine::cache::CachedFrame;
use crate::media::engine::error::EngineError;
use crate::media::engine::stepper::FrameDecoder;
use crate::media::engine::timeline::Timeline;

pub(crate) struct GstDecoder {
    path: PathBuf,
    playbin: gst::Element,
    appsink: gst_app::AppSink,
    bus: gst::Bus,
    timeline: Arc<Timeline>,
    /// Hurried seeks are on until one lands past its target (a stream that
    /// reorders more than its index showed); see [`GstDecoder::seek`].
    hurry: bool,
    /// The target of the hurried seek whose first frame is still to come.
    hurried_to: Option<u32>,
}

/// A hurried seek is only worth its setup when it skips at least this many
/// frames.
const HURRY_MIN_SKIP: u32 = 8;

impl GstDecoder {
    /// Builds and starts the pipeline; returns it with the first frame.
    /// When `calibrate`, the first frame's stream time is compared with the
    /// indexer's first timestamp and the timeline is shifted to agree (the
    /// two demuxers can disagree by a constant on edit-listed files).
    /// A decoder with a single decoding thread, for background fills: it
    /// leaves the other core to the positioning decoder, and holds fewer
    /// pictures in flight.
    pub(crate) fn open_light(
        path: &Path,
        width: u32,
        height: u32,
        rotation: u32,
        timeline: Timeline,
    ) -> Result<(Self, CachedFrame), EngineError> {
        Self::open(path, width, height, rotation, timeline, false, Some(1))
    }

    pub(crate) fn open(
        path: &Path,
        width: u32,
        height: u32,
        rotation: u32,
        mut timeline: Timeline,
        calibrate: bool,
        decoder_threads: Option<u32>,
    ) -> Result<(Self, CachedFrame), EngineError> {
        let appsink = gst_app::AppSink::builder()
            .sync(false)
            .max_buffers(3)
            .drop(false)
            .enable_last_sample(false)
            .build();
        let playbin = pipeline::build_playbin(path, width, height, rotation, false, &appsink)?;
        if let Some(n) = decoder_threads {
            pipeline::limit_decoder_threads(&playbin, n);
        }
        let bus = playbin.bus().ok_or_else(|| EngineError::Pipeline {
            path: path.to_path_buf(),
            reason: "pipeline has no bus".into(),
        })?;
        let mut dec = GstDecoder {
            path: path.to_path_buf(),
            playbin,
            appsink,
            bus,
            timeline: Arc::new(timeline.clone()),
            hurry: true,
            hurried_to: None,
        };
        pipeline::set_state_bounded(path, &dec.playbin, &dec.bus, gst::State::Playing)?;
        let no_frame = || EngineError::NotMedia {
            path: path.to_path_buf(),
            reason: "no video frame could be decoded".into(),
        };
        let mut sample = dec.pull_sample()?.ok_or_else(no_frame)?;
        if calibrate {
            if let Some((pts, origin)) = pipeline::sample_clock(&sample) {
                timeline.calibrate(pts);
                timeline.set_seek_origin(origin);
            }
            // The first segment need not say where seeks land (Matroska's
            // does not): seek to frame 0 once and learn it from the seek's.
            dec.timeline = Arc::new(timeline.clone());
            if let Some(pos) = timeline.seek_target_ns(0) {
                dec.seek_to_ns(pos, 0)?;
                sample = dec.pull_sample()?.ok_or_else(no_frame)?;
                if let Some((_, origin)) = pipeline::sample_clock(&sample) {
                    timeline.set_seek_origin(origin);
                }
            }
            dec.timeline = Arc::new(timeline);
        }
        let frame = pipeline::sample_to_frame(&sample, &dec.timeline).ok_or_else(|| {
            EngineError::NotMedia {
                path: path.to_path_buf(),
                reason: "the first frame could not be read".into(),
            }
        })?;
        Ok((dec, frame))
    }

    pub(crate) fn timeline(&self) -> Arc<Timeline> {
        self.timeline.clone()
    }

    /// One sample, waiting at most [`WAIT`]; `None` at end of stream.
    fn pull_sample(&self) -> Result<Option<gst::Sample>, EngineError> {
        if let Some(s) = self.appsink.try_pull_sample(gst::ClockTime::ZERO) {
            return Ok(Some(s));
        }
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Some(s) = self
                .appsink
                .try_pull_sample(gst::ClockTime::from_mseconds(50))
            {
                return Ok(Some(s));
            }
            if self.appsink.is_eos() {
                return Ok(None);
            }
            if let Some(err) = pipeline::bus_error(&self.path, &self.bus) {
                return Err(err);
            }
            if std::time::Instant::now() > deadline {
                return Err(EngineError::Timeout {
                    path: self.path.clone(),
                    doing: "decoding a frame".into(),
                    ms: WAIT.as_millis() as u64,
                });
            }
        }
    }
}

impl GstDecoder {
    fn seek_to_ns(&self, pos: u64, frame: u32) -> Result<(), EngineError> {
        self.playbin
            .seek(
                1.0,
                gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE,
                gst::SeekType::Set,
                gst::ClockTime::from_nseconds(pos),
                gst::SeekType::None,
                gst::ClockTime::NONE,
            )
            .map_err(|_| {
                pipeline::bus_error(&self.path, &self.bus).unwrap_or(EngineError::Pipeline {
                    path: self.path.clone(),
                    reason: format!("seek to frame {frame} was refused"),
                })
            })
    }

    /// The frames between the keyframe and the target only serve as
    /// references. Seeking to the keyframe and telling the decoder, through
    /// a QoS event, that everything before `first_out` is already late makes
    /// libav skip the non-reference ones (AVDISCARD_NONREF) and drop the
    /// others' output (on the x264 bench clip, skipping non-reference frames
    /// saves 29% of the decoding time).
    /// libav applies a QoS decision from one packet to the next, so the
    /// timeline's decode lead of frames before the target decode normally.
    /// Returns false when the jump is too short to gain anything.
    fn hurried_seek(&mut self, frame: u32) -> Result<bool, EngineError> {
        let tl = &self.timeline;
        let key = tl.keyframe_at_or_before(frame);
        let first_out = frame.saturating_sub(tl.decode_lead());
        if !self.hurry || first_out < key + HURRY_MIN_SKIP {
            return Ok(false);
        }
        let (Some(key_pts), Some(out_pts), Some(key_pos)) =
            (tl.pts(key), tl.pts(first_out), tl.seek_position_ns(key))
        else {
            return Ok(false);
        };
        // Running time restarts at the keyframe after the flushing seek; half
        // a frame of slack absorbs the demuxers' nanosecond rounding.
        let half = tl.frame_duration(first_out.saturating_sub(1)) / 2;
        let Some(earliest) = (out_pts - key_pts).checked_sub(half) else {
            return Ok(false);
        };
        self.seek_to_ns(key_pos, frame)?;
        let qos = gst::event::Qos::new(
            gst::QOSType::Underflow,
            1.0,
            0,
            gst::ClockTime::from_nseconds(earliest),
        );
        if let Some(pad) = self.appsink.static_pad("sink") {
            pad.push_event(qos);
        }
        self.hurried_to = Some(frame);
        Ok(true)
    }
}

impl FrameDecoder for GstDecoder {
    fn seek(&mut self, frame: u32) -> Result<(), EngineError> {
        let Some(pos) = self.timeline.seek_target_ns(frame) else {
            return Err(EngineError::FrameOutOfRange {
                path: self.path.clone(),
                frame,
                count: self.timeline.frame_count(),
            });
        };
        // Messages (QoS reports of the frames a hurried seek dropped) pile
        // up on a bus nobody watches; clear them, keeping real errors.
        if let Some(err) = pipeline::bus_error(&self.path, &self.bus) {
            return Err(err);
        }
        self.hurried_to = None;
        let t0 = std::time::Instant::now();
        let hurried = self.hurried_seek(frame)?;
        if !hurried {
            self.seek_to_ns(pos, frame)?;
        }
        log::debug!(
            "seek {frame} (hurried {hurried}): flushed in {} us",
            t0.elapsed().as_micros()
        );
        Ok(())
    }

    fn next_frame(&mut self) -> Result<Option<CachedFrame>, EngineError> {
        // A sample that cannot be mapped to a frame is skipped, a few times.
        for _ in 0..4 {
            let Some(sample) = self.pull_sample()? else {
                return Ok(None);
            };
            if let Some(f) = pipeline::sample_to_frame(&sample, &self.timeline) {
                if let Some(target) = self.hurried_to
                    && f.frame >= target
                {
                    self.hurried_to = None;
                    // Past the target: it was skipped, this stream reorders
                    // more than its index showed. The stepper re-seeks from
                    // the keyframe; this decoder stops hurrying.
                    self.hurry &= f.frame == target;
                }
                return Ok(Some(f));
            }
        }
        Err(EngineError::Pipeline {
            path: self.path.clone(),
            reason: "decoded frames carry no usable timestamps".into(),
        })
    }
}

impl Drop for GstDecoder {
    fn drop(&mut self) {
        // Going to NULL is synchronous and bounded for file playback.
        if let Err(e) = self.playbin.set_state(gst::State::Null) {
            log::warn!("decoder pipeline would not stop ({e})");
        }
    }
}
