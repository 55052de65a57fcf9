//! GStreamer pieces shared by the decoder and playback pipelines: playbin
//! with a video sink bin that converts, scales and rotates to the display
//! size in I420, sample -> [`CachedFrame`], and error mapping.

use std::path::Path;
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video as gst_video;
use gstreamer_video::prelude::*;

use crate::media::engine::cache::CachedFrame;
use crate::media::engine::error::EngineError;
use crate::media::engine::timeline::Timeline;

/// Bound on any wait for a pipeline state change or a frame.
pub(super) const WAIT: Duration = Duration::from_secs(5);

pub(crate) fn init() -> Result<(), EngineError> {
    gst::init().map_err(|e| EngineError::Pipeline {
        path: Default::default(),
        reason: format!("GStreamer failed to initialise: {e}"),
    })
}

/// Debian package that ships a GStreamer element, for error messages.
pub(super) fn package_for_element(name: &str) -> &'static str {
    match name {
        "playbin" | "videoconvert" | "videoscale" | "appsink" | "audioconvert"
        | "audioresample" | "scaletempo" => "gstreamer1.0-plugins-base",
        "videoflip" | "deinterlace" | "autoaudiosink" | "qtdemux" | "matroskademux" => {
            "gstreamer1.0-plugins-good"
        }
        _ => "gstreamer1.0-plugins-base",
    }
}

/// Human name and Debian package for a missing decoder/demuxer, from the
/// missing-plugin message's caps.
pub(super) fn describe_missing(detail: &str) -> (String, &'static str) {
    let d = detail.to_ascii_lowercase();
    let table: &[(&str, &str, &str)] = &[
        ("h265", "H.265/HEVC", "gstreamer1.0-libav"),
        ("h264", "H.264", "gstreamer1.0-libav"),
        ("av1", "AV1", "gstreamer1.0-plugins-bad"),
        ("vp9", "VP9", "gstreamer1.0-plugins-good"),
        ("vp8", "VP8", "gstreamer1.0-plugins-good"),
        (
            "mpeg, mpegversion=(int)2",
            "MPEG-2 video",
            "gstreamer1.0-libav",
        ),
        ("mpeg", "MPEG audio/video", "gstreamer1.0-plugins-ugly"),
        ("jpeg", "Motion JPEG", "gstreamer1.0-plugins-good"),
        ("prores", "ProRes", "gstreamer1.0-libav"),
        ("aac", "AAC audio", "gstreamer1.0-libav"),
        ("quicktime", "MP4/QuickTime", "gstreamer1.0-plugins-good"),
        ("matroska", "Matroska/WebM", "gstreamer1.0-plugins-good"),
    ];
    for (key, name, pkg) in table {
        if d.contains(key) {
            return (format!("no decoder for {name}"), pkg);
        }
    }
    (
        format!("no GStreamer plugin for {detail}"),
        "gstreamer1.0-plugins-bad and gstreamer1.0-libav",
    )
}

pub(super) fn make(path: &Path, factory: &str) -> Result<gst::Element, EngineError> {
    gst::ElementFactory::make(factory)
        .build()
        .map_err(|_| EngineError::MissingElement {
            path: path.to_path_buf(),
            element: factory.to_string(),
            package: package_for_element(factory).to_string(),
        })
}

fn pipeline_err(path: &Path, reason: impl std::fmt::Display) -> EngineError {
    EngineError::Pipeline {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Video sink bin: convert, scale and rotate (from the orientation tag) to
/// `width`x`height` I420, into an appsink. For a turned clip (`rotation`
/// from the index) the turn comes before scaling: the tag arrives after the
/// first caps are agreed, and the turned picture must still be scaled to the
/// (already turned) size the appsink accepts. Otherwise scaling comes first,
/// so the full-size picture is touched once less on every seek.
fn video_bin(
    path: &Path,
    width: u32,
    height: u32,
    rotation: u32,
    appsink: &gst_app::AppSink,
) -> Result<gst::Bin, EngineError> {
    let bin = gst::Bin::new();
    // Interlaced camcorder footage (1080i) is rebuilt from its top fields:
    // one picture per coded frame, so the frame rate and indices stay the
    // clip's; progressive footage passes through untouched. Linear, as the
    // FFmpeg paths do it (`media::ffmpeg::picture::deinterlace_into`).
    let deinterlace = make(path, "deinterlace")?;
    deinterlace.set_property_from_str("mode", "auto");
    deinterlace.set_property_from_str("fields", "top");
    deinterlace.set_property_from_str("method", "linear");
    let convert = make(path, "videoconvert")?;
    let scale = make(path, "videoscale")?;
    // The size asked for is the clip's display size (stored width times its
    // pixel aspect ratio), so an anamorphic picture fills it: no bars.
    scale.set_property("add-borders", false);
    let flip = make(path, "videoflip")?;
    flip.set_property_from_str("video-direction", "auto");
    let caps = gst::Caps::builder("video/x-raw")
        .field("format", "I420")
        .field("width", width as i32)
        .field("height", height as i32)
        .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
        .build();
    appsink.set_caps(Some(&caps));
    let sink: &gst::Element = appsink.upcast_ref();
    bin.add_many([&deinterlace, &convert, &flip, &scale, sink])
        .map_err(|e| pipeline_err(path, e))?;
    let chain = if rotation.is_multiple_of(360) {
        [&deinterlace, &convert, &scale, &flip, sink]
    } else {
        [&deinterlace, &convert, &flip, &scale, sink]
    };
    gst::Element::link_many(chain).map_err(|e| pipeline_err(path, e))?;
    let pad = deinterlace
        .static_pad("sink")
        .ok_or_else(|| pipeline_err(path, "deinterlace has no sink pad"))?;
    // Decided here, at the decoder's size, so the size the picture is
    // scaled to cannot change what an untagged clip's colours mean.
    let _probe = pad.add_probe(gst::PadProbeType::EVENT_DOWNSTREAM, |_, info| {
        let settled = match &info.data {
            Some(gst::PadProbeData::Event(event)) => match event.view() {
                gst::EventView::Caps(c) => settled_colorimetry(c.caps()),
                _ => None,
            },
            _ => None,
        };
        if let Some(caps) = settled {
            info.data = Some(gst::PadProbeData::Event(gst::event::Caps::new(&caps)));
        }
        gst::PadProbeReturn::Ok
    });
    let ghost = gst::GhostPad::with_target(&pad).map_err(|e| pipeline_err(path, e))?;
    bin.add_pad(&ghost).map_err(|e| pipeline_err(path, e))?;
    Ok(bin)
}

/// Pictures this tall or taller are HD: untagged, they are BT.709 (as in
/// the FFmpeg paths, `media::ffmpeg::picture`).
const HD_HEIGHT: i32 = 720;

/// The decoder's caps with a colorimetry the frames can be read by: the
/// declared matrix and range when they are BT.601/BT.709 and limited/full,
/// else the default for the size (BT.601 for SD, BT.709 for HD, limited
/// range), as players do. `None` when the caps already say so.
fn settled_colorimetry(caps: &gst::CapsRef) -> Option<gst::Caps> {
    use gst_video::{VideoColorMatrix as M, VideoColorRange as R};
    let s = caps.structure(0)?;
    if s.name() != "video/x-raw" {
        return None;
    }
    let height = s.get::<i32>("height").ok()?;
    let declared = s
        .get::<&str>("colorimetry")
        .ok()
        .and_then(|c| c.parse::<gst_video::VideoColorimetry>().ok());
    let default_matrix = if height >= HD_HEIGHT {
        M::Bt709
    } else {
        M::Bt601
    };
    let (range, matrix, transfer, primaries) = match &declared {
        Some(c) => (c.range(), c.matrix(), c.transfer(), c.primaries()),
        None => (
            R::Unknown,
            M::Unknown,
            gst_video::VideoTransferFunction::Unknown,
            gst_video::VideoColorPrimaries::Unknown,
        ),
    };
    let settled_matrix = match matrix {
        M::Bt709 | M::Bt601 => matrix,
        _ => default_matrix,
    };
    let settled_range = match range {
        R::Range0_255 | R::Range16_235 => range,
        _ => R::Range16_235,
    };
    if declared.is_some() && settled_matrix == matrix && settled_range == range {
        return None;
    }
    let settled =
        gst_video::VideoColorimetry::new(settled_range, settled_matrix, transfer, primaries);
    let mut out = caps.to_owned();
    out.make_mut()
        .structure_mut(0)?
        .set("colorimetry", settled.to_string());
    Some(out)
}

/// Audio sink bin: scaletempo keeps speech pitch when the rate changes;
/// the system sink, or a silent fakesink when there is no sound device.
fn audio_bin(path: &Path) -> Result<gst::Bin, EngineError> {
    let bin = gst::Bin::new();
    let tempo = make(path, "scaletempo")?;
    let convert = make(path, "audioconvert")?;
    let resample = make(path, "audioresample")?;
    let sink = system_audio_sink().unwrap_or(make(path, "fakesink")?);
    sink.set_property("sync", true);
    bin.add_many([&tempo, &convert, &resample, &sink])
        .map_err(|e| pipeline_err(path, e))?;
    gst::Element::link_many([&tempo, &convert, &resample, &sink])
        .map_err(|e| pipeline_err(path, e))?;
    let pad = tempo
        .static_pad("sink")
        .ok_or_else(|| pipeline_err(path, "scaletempo has no sink pad"))?;
    let ghost = gst::GhostPad::with_target(&pad).map_err(|e| pipeline_err(path, e))?;
    bin.add_pad(&ghost).map_err(|e| pipeline_err(path, e))?;
    Ok(bin)
}

/// The system audio sink if one can open a device right now (checked by
/// going to READY, which is bounded: it only connects to the sound server).
fn system_audio_sink() -> Option<gst::Element> {
    let sink = gst::ElementFactory::make("autoaudiosink").build().ok()?;
    if sink.set_state(gst::State::Ready).is_err() {
        log::debug!("no sound device: audio goes to a silent sink");
        if let Err(e) = sink.set_state(gst::State::Null) {
            log::debug!("the refused audio sink would not reset ({e})");
        }
        return None;
    }
    // autoaudiosink falls back to a fake sink by itself; either way it works.
    // Back to NULL so playbin brings it up with the rest of the pipeline.
    if let Err(e) = sink.set_state(gst::State::Null) {
        log::debug!("the audio sink would not reset after probing ({e})");
    }
    Some(sink)
}

/// A playbin for `path` with our video bin (and audio bin when `audio`).
pub(super) fn build_playbin(
    path: &Path,
    width: u32,
    height: u32,
    rotation: u32,
    audio: bool,
    appsink: &gst_app::AppSink,
) -> Result<gst::Element, EngineError> {
    let playbin = make(path, "playbin")?;
    let abs = std::fs::canonicalize(path).map_err(|e| EngineError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let uri = gst::glib::filename_to_uri(&abs, None).map_err(|e| pipeline_err(path, e))?;
    playbin.set_property("uri", uri.as_str());
    // Native formats: playsink adds no converters of its own; ours suffice.
    let flags = if audio {
        "video+audio+native-video+soft-volume"
    } else {
        "video+native-video"
    };
    playbin.set_property_from_str("flags", flags);
    playbin.set_property(
        "video-sink",
        video_bin(path, width, height, rotation, appsink)?,
    );
    if audio {
        playbin.set_property("audio-sink", audio_bin(path)?);
    } else {
        // Even with the audio flag off, playbin's autoplugging tries the
        // system sinks (pulse, jack, ALSA), which on a machine without sound
        // spill errors onto stderr; an explicit silent sink keeps it quiet.
        playbin.set_property("audio-sink", make(path, "fakesink")?);
    }
    Ok(playbin)
}

/// Caps the libav decoder playbin plugs in at `n` threads (0 is one per
/// core), set as the element is made, before it opens.
pub(super) fn limit_decoder_threads(playbin: &gst::Element, n: u32) {
    let n = i32::try_from(n).unwrap_or(0);
    playbin.connect("element-setup", false, move |args| {
        let element = args.get(1).and_then(|v| v.get::<gst::Element>().ok());
        if let Some(e) = element
            && e.factory().is_some_and(|f| f.name().starts_with("avdec_"))
            && e.has_property("max-threads")
        {
            e.set_property("max-threads", n);
        }
        None
    });
}

/// Maps an error or missing-plugin message to an engine error.
pub(super) fn message_error(path: &Path, msg: &gst::Message) -> Option<EngineError> {
    match msg.view() {
        gst::MessageView::Element(e) => {
            let s = e.structure()?;
            if s.name() != "missing-plugin" {
                return None;
            }
            let detail = s
                .get::<gst::Caps>("detail")
                .map(|c| c.to_string())
                .or_else(|_| s.get::<String>("detail"))
                .or_else(|_| s.get::<String>("name"))
                .unwrap_or_else(|_| "an unknown format".into());
            let (what, package) = describe_missing(&detail);
            Some(EngineError::MissingPlugin {
                path: path.to_path_buf(),
                what,
                package: package.to_string(),
            })
        }
        gst::MessageView::Error(e) => {
            let text = e.error().to_string();
            let lower = text.to_ascii_lowercase();
            if lower.contains("missing a plug-in") || lower.contains("no suitable plugins") {
                return Some(EngineError::MissingPlugin {
                    path: path.to_path_buf(),
                    what: "no decoder for this format".into(),
                    package: "gstreamer1.0-libav".into(),
                });
            }
            let debug = e.debug().map(|d| d.to_string()).unwrap_or_default();
            let reason = if lower.contains("stream") || lower.contains("type") {
                text
            } else {
                format!("{text} ({})", debug.lines().next().unwrap_or(""))
            };
            Some(EngineError::NotMedia {
                path: path.to_path_buf(),
                reason,
            })
        }
        _ => None,
    }
}

/// Drains the bus looking for an error (missing plugins first: they are
/// posted before the generic error and are the more useful message).
pub(super) fn bus_error(path: &Path, bus: &gst::Bus) -> Option<EngineError> {
    let mut found: Option<EngineError> = None;
    while let Some(msg) = bus.pop() {
        if let Some(err) = message_error(path, &msg) {
            match (&found, &err) {
                (Some(EngineError::MissingPlugin { .. }), _) => {}
                _ => found = Some(err),
            }
        }
    }
    found
}

/// Sets a state and waits (bounded) for it, watching the bus for errors.
pub(super) fn set_state_bounded(
    path: &Path,
    element: &gst::Element,
    bus: &gst::Bus,
    state: gst::State,
) -> Result<(), EngineError> {
    let res = element.set_state(state);
    let deadline = Instant::now() + WAIT;
    if res.is_err() {
        let err = bus_error(path, bus);
        return Err(err.unwrap_or_else(|| pipeline_err(path, format!("could not go to {state:?}"))));
    }
    loop {
        let (r, current, _) = element.state(gst::ClockTime::from_mseconds(20));
        if let Some(err) = bus_error(path, bus) {
            return Err(err);
        }
        match r {
            Ok(_) if current == state => return Ok(()),
            Ok(gst::StateChangeSuccess::NoPreroll) => return Ok(()),
            Err(_) => {
                return Err(bus_error(path, bus)
                    .unwrap_or_else(|| pipeline_err(path, format!("could not go to {state:?}"))));
            }
            _ => {}
        }
        if Instant::now() > deadline {
            return Err(EngineError::Timeout {
                path: path.to_path_buf(),
                doing: format!("starting the pipeline ({state:?})"),
                ms: WAIT.as_millis() as u64,
            });
        }
    }
}

/// Copies a sample into a packed I420 [`CachedFrame`], indexing it by its
/// stream time (segment-relative, so edit lists do not shift indices).
pub(super) fn sample_to_frame(sample: &gst::Sample, tl: &Timeline) -> Option<CachedFrame> {
    let buffer = sample.buffer()?;
    let caps = sample.caps()?;
    let info = gst_video::VideoInfo::from_caps(caps).ok()?;
    // Frames are known by their buffer timestamps, which stay put across
    // seeks; stream time does not (see `Timeline::set_seek_origin`).
    let pts = buffer.pts()?;
    let index = tl.index_at(pts.nseconds())?;
    let frame = gst_video::VideoFrameRef::from_buffer_ref_readable(buffer, &info).ok()?;
    let (w, h) = (info.width() as usize, info.height() as usize);
    let mut out =
        crate::media::engine::cache::frame_buffer(CachedFrame::i420_len(w as u32, h as u32));
    for plane in 0..3u32 {
        let (pw, ph) = if plane == 0 {
            (w, h)
        } else {
            (w.div_ceil(2), h.div_ceil(2))
        };
        let stride = *frame.info().stride().get(plane as usize)? as usize;
        let data = frame.plane_data(plane).ok()?;
        for row in 0..ph {
            let start = row * stride;
            out.extend_from_slice(data.get(start..start + pw)?);
        }
    }
    // Settled by the video bin (see `settled_colorimetry`).
    let colorimetry = info.colorimetry();
    let bt709 = colorimetry.matrix() == gst_video::VideoColorMatrix::Bt709;
    let full_range = colorimetry.range() == gst_video::VideoColorRange::Range0_255;
    Some(CachedFrame {
        frame: index,
        // The table's time: the decoder reports a clipped time for the
        // first frame after an accurate seek.
        pts_ns: tl.pts(index).unwrap_or(pts.nseconds()),
        width: w as u32,
        height: h as u32,
        bt709,
        full_range,
        i420: out,
    })
}

/// A sample's buffer timestamp, and where its segment puts stream time 0
/// in buffer timestamps (`start - time`).
pub(super) fn sample_clock(sample: &gst::Sample) -> Option<(u64, i64)> {
    let pts = sample.buffer()?.pts()?;
    let origin = sample
        .segment()
        .and_then(|s| s.downcast_ref::<gst::ClockTime>())
        .and_then(|s| Some(s.start()?.nseconds() as i64 - s.time()?.nseconds() as i64))
        .unwrap_or(0);
    Some((pts.nseconds(), origin))
}
