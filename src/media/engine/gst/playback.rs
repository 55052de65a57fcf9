//! Real-time playback: playbin with audio (scaletempo) and a clock-synced
//! appsink whose callback caches each frame and publishes it. Playback
//! fills the cache as it goes; the engine thread only steers it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_channel::Sender;
use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use super::pipeline;
use crate::media::engine::backend::{ClipSpec, Event, PlaybackOutput, PlaybackPipeline};
use crate::media::engine::cache::FrameCache;
use crate::media::engine::error::EngineError;
use crate::media::engine::present::show_playing;
use crate::media::engine::state::{Shared, lock};
use crate::media::engine::timeline::Timeline;

pub(crate) struct Playback {
    clip_id: u64,
    path: PathBuf,
    playbin: gst::Element,
    timeline: Arc<Timeline>,
    /// Frames are published only while live (cleared before pausing).
    live: Arc<AtomicBool>,
    /// Held by the callback while publishing, so pausing can wait it out.
    presenting: Arc<Mutex<()>>,
    /// Parked in READY: the decoder and its buffers are freed; the next
    /// start prerolls again first.
    parked: AtomicBool,
}

struct CallbackCtx {
    clip_id: u64,
    timeline: Arc<Timeline>,
    shared: Arc<Shared>,
    cache: Arc<Mutex<FrameCache>>,
    live: Arc<AtomicBool>,
    presenting: Arc<Mutex<()>>,
    /// Where each frame shown is reported ([`Event::Shown`]).
    events: Sender<Event>,
}

impl Playback {
    pub(crate) fn new(
        spec: &ClipSpec,
        audio: bool,
        output: PlaybackOutput,
    ) -> Result<Self, EngineError> {
        let PlaybackOutput {
            shared,
            cache,
            events,
        } = output;
        let (path, timeline, clip_id) = (spec.path.as_path(), spec.timeline.clone(), spec.id);
        let appsink = gst_app::AppSink::builder()
            .sync(true)
            .max_buffers(2)
            .drop(false)
            .enable_last_sample(false)
            .build();
        let live = Arc::new(AtomicBool::new(false));
        let presenting = Arc::new(Mutex::new(()));
        let ctx = CallbackCtx {
            clip_id,
            timeline: timeline.clone(),
            shared,
            cache,
            live: live.clone(),
            presenting: presenting.clone(),
            events: events.clone(),
        };
        appsink.set_callbacks(
            gst_app::AppSinkCallbacks::builder()
                .new_sample(move |sink| {
                    let sample = sink.pull_sample().map_err(|_| gst::FlowError::Flushing)?;
                    on_sample(&ctx, sink, &sample);
                    Ok(gst::FlowSuccess::Ok)
                })
                .build(),
        );
        let playbin = pipeline::build_playbin(
            path,
            spec.width,
            spec.height,
            spec.rotation,
            audio,
            &appsink,
        )?;
        let bus = playbin.bus().ok_or_else(|| EngineError::Pipeline {
            path: path.to_path_buf(),
            reason: "pipeline has no bus".into(),
        })?;
        let p = path.to_path_buf();
        bus.set_sync_handler(move |_, msg| {
            let ev = match msg.view() {
                gst::MessageView::Eos(_) => Some(Event::Eos(clip_id)),
                gst::MessageView::SegmentDone(_) => Some(Event::SegmentDone(clip_id)),
                _ => pipeline::message_error(&p, msg).map(|e| Event::Failed(clip_id, e)),
            };
            if let Some(ev) = ev
                && events.send(ev).is_err()
            {
                log::debug!("clip {clip_id}: pipeline message after the engine stopped");
            }
            gst::BusSyncReply::Drop
        });
        let pb = Playback {
            clip_id,
            path: path.to_path_buf(),
            playbin,
            timeline,
            live,
            presenting,
            parked: AtomicBool::new(false),
        };
        pb.preroll()?;
        Ok(pb)
    }

    /// Goes to PAUSED and waits (bounded) until a frame is ready, so a start
    /// can seek at once. The bus messages go to the engine through the sync
    /// handler.
    fn preroll(&self) -> Result<(), EngineError> {
        if let Err(e) = self.playbin.set_state(gst::State::Paused) {
            // The bounded wait below reports it, with the bus error if any.
            log::debug!("clip {}: playback refused PAUSED ({e})", self.clip_id);
        }
        let (res, _, _) = self.playbin.state(gst::ClockTime::from_mseconds(
            pipeline::WAIT.as_millis() as u64,
        ));
        if res.is_err() {
            return Err(EngineError::Pipeline {
                path: self.path.clone(),
                reason: "the playback pipeline would not start".into(),
            });
        }
        self.parked.store(false, Ordering::Release);
        Ok(())
    }

    fn seek(
        &self,
        rate: f64,
        flags: gst::SeekFlags,
        from: u32,
        to: Option<u32>,
    ) -> Result<(), EngineError> {
        let start = self.timeline.seek_target_ns(from).unwrap_or(0);
        // Stop in the middle of the last frame: it is kept, the next is not.
        let stop = to.and_then(|t| self.timeline.seek_target_ns(t));
        self.playbin
            .seek(
                rate,
                flags,
                gst::SeekType::Set,
                gst::ClockTime::from_nseconds(start),
                if stop.is_some() {
                    gst::SeekType::Set
                } else {
                    gst::SeekType::None
                },
                stop.map(gst::ClockTime::from_nseconds),
            )
            .map_err(|_| EngineError::Pipeline {
                path: self.path.clone(),
                reason: format!("playback seek to frame {from} was refused"),
            })
    }

    pub(crate) fn set_mute(&self, rate: f64) {
        self.playbin.set_property(
            "mute",
            rate < crate::media::engine::commands::MUTE_BELOW_RATE,
        );
    }
}

impl PlaybackPipeline for Playback {
    fn start(
        &self,
        from: u32,
        to: Option<u32>,
        rate: f64,
        looping: bool,
    ) -> Result<(), EngineError> {
        if self.parked.load(Ordering::Acquire) {
            self.preroll()?;
        }
        self.set_mute(rate);
        let mut flags = gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE;
        if looping {
            flags |= gst::SeekFlags::SEGMENT;
        }
        self.seek(rate, flags, from, to)?;
        self.live.store(true, Ordering::Release);
        self.playbin
            .set_state(gst::State::Playing)
            .map_err(|_| EngineError::Pipeline {
                path: self.path.clone(),
                reason: "playback would not start".into(),
            })?;
        Ok(())
    }

    /// Seamless loop restart (non-flushing segment seek).
    fn restart_loop(&self, from: u32, to: u32, rate: f64) -> Result<(), EngineError> {
        self.seek(
            rate,
            gst::SeekFlags::SEGMENT | gst::SeekFlags::ACCURATE,
            from,
            Some(to),
        )
    }

    /// Stops publishing and parks the pipeline in READY; returns once no
    /// frame is mid-publish. Paused, the stepping decoder serves every
    /// frame; keeping this pipeline's decoder, queues and buffers alive
    /// beside it would cost ~60 MB at 1080p for the ~30 ms a start saves.
    fn pause(&self) {
        self.live.store(false, Ordering::Release);
        drop(lock(&self.presenting));
        if let Err(e) = self.playbin.set_state(gst::State::Ready) {
            // Still parked: the next start prerolls from scratch anyway.
            log::warn!(
                "clip {}: playback would not park in READY ({e})",
                self.clip_id
            );
        }
        self.parked.store(true, Ordering::Release);
    }
}

impl Drop for Playback {
    fn drop(&mut self) {
        self.live.store(false, Ordering::Release);
        if let Err(e) = self.playbin.set_state(gst::State::Null) {
            log::warn!(
                "clip {}: playback pipeline would not stop ({e})",
                self.clip_id
            );
        }
    }
}

fn on_sample(ctx: &CallbackCtx, sink: &gst_app::AppSink, sample: &gst::Sample) {
    let _guard = lock(&ctx.presenting);
    if !ctx.live.load(Ordering::Acquire) {
        return;
    }
    let Some(frame) = pipeline::sample_to_frame(sample, &ctx.timeline) else {
        return;
    };
    let index = frame.frame;
    let late = is_late(sink, sample, ctx.timeline.frame_duration(index));
    show_playing(&ctx.shared, &ctx.cache, frame, late);
    // Still under `presenting`: once `pause` returns, every frame shown
    // has been reported.
    let shown = Event::Shown {
        clip: ctx.clip_id,
        frame: index,
    };
    if ctx.events.send(shown).is_err() {
        log::debug!(
            "clip {}: frame {index} shown after the engine stopped",
            ctx.clip_id
        );
    }
}

/// Whether the sample reached us more than half a frame after its due time.
fn is_late(sink: &gst_app::AppSink, sample: &gst::Sample, frame_ns: u64) -> bool {
    let (Some(clock), Some(base), Some(pts)) = (
        sink.clock(),
        sink.base_time(),
        sample.buffer().and_then(|b| b.pts()),
    ) else {
        return false;
    };
    let Some(rt) = sample
        .segment()
        .and_then(|s| s.downcast_ref::<gst::ClockTime>())
        .and_then(|s| s.to_running_time(pts))
    else {
        return false;
    };
    let (now, due) = (clock.time(), base + rt);
    now.nseconds().saturating_sub(due.nseconds()) > frame_ns / 2
}
