//! One decoded picture from a clip, through ffmpeg-next: the foundation
//! viewer's first frame and, later, filmstrip thumbnails. Playback and
//! stepping go through the GStreamer engine instead.

use std::path::Path;

use ffmpeg_next as ffmpeg;
use image::RgbaImage;

use super::ffmpeg::picture::{self, Colour};
use super::ffmpeg::{Input, Threads};
use super::probe::ProbeError;

/// Decodes the first presented frame, scaled so that its longer side is at
/// most `max_side` pixels (aspect kept), and turned as the clip's rotation
/// metadata says.
pub fn first_frame(path: &Path, max_side: u32, rotation: u16) -> Result<RgbaImage, ProbeError> {
    let undecodable = |e: ffmpeg::Error| ProbeError::Undecodable {
        path: path.into(),
        reason: e.to_string(),
    };
    let media = |e| ProbeError::media(path, e);
    let mut input = Input::open(path).map_err(media)?;
    let stream = input.require_video().map_err(media)?;
    let mut decoder = input
        .video_decoder(&stream, Threads::Default)
        .map_err(undecodable)?;
    // Fitted from the display size: anamorphic SD is shown wider.
    let shown_w = stream.pixel_aspect.display_width(decoder.width());
    let (w, h) = fit(shown_w, decoder.height(), max_side);

    let mut decoded = ffmpeg::frame::Video::empty();
    let mut packets = input.packets();
    // A decoder may need a few packets (B-frame reordering) before it gives
    // the first picture; a file that yields none within this many is broken.
    for _ in 0..512 {
        let sent = match packets.next() {
            Some((s, packet)) if s == stream.index => decoder.send_packet(&packet),
            Some(_) => continue,
            None => decoder.send_eof(),
        };
        sent.map_err(undecodable)?;
        if decoder.receive_frame(&mut decoded).is_ok() {
            // Built from the decoded picture: its format and colour tags
            // are the ones that count.
            let colour = Colour::of_frame(&decoded);
            let mut scaler = picture::scaler(
                (decoded.format(), decoded.width(), decoded.height()),
                colour,
                (ffmpeg::format::Pixel::RGBA, w, h),
                colour,
                ffmpeg::software::scaling::Flags::BILINEAR,
            )
            .map_err(undecodable)?;
            let mut progressive = ffmpeg::frame::Video::empty();
            let shown = if picture::deinterlace_into(&decoded, &mut progressive) {
                &progressive
            } else {
                &decoded
            };
            let mut rgba = ffmpeg::frame::Video::empty();
            scaler.run(shown, &mut rgba).map_err(undecodable)?;
            return Ok(rotate(to_image(&rgba, w, h), rotation));
        }
    }
    Err(ProbeError::Undecodable {
        path: path.into(),
        reason: "no picture could be decoded".into(),
    })
}

fn fit(w: u32, h: u32, max_side: u32) -> (u32, u32) {
    let long = w.max(h).max(1);
    if long <= max_side {
        return (w, h);
    }
    // Even sizes keep swscale's chroma handling simple.
    let sw = ((u64::from(w) * u64::from(max_side) / u64::from(long)) as u32).max(2) & !1;
    let sh = ((u64::from(h) * u64::from(max_side) / u64::from(long)) as u32).max(2) & !1;
    (sw, sh)
}

/// Copies out of FFmpeg's padded rows into a tight image.
fn to_image(frame: &ffmpeg::frame::Video, w: u32, h: u32) -> RgbaImage {
    let stride = frame.stride(0);
    let data = frame.data(0);
    let row = w as usize * 4;
    let mut out = Vec::with_capacity(row * h as usize);
    for y in 0..h as usize {
        out.extend_from_slice(&data[y * stride..y * stride + row]);
    }
    RgbaImage::from_raw(w, h, out).unwrap_or_else(|| RgbaImage::new(w, h))
}

fn rotate(img: RgbaImage, rotation: u16) -> RgbaImage {
    match rotation {
        90 => image::imageops::rotate90(&img),
        180 => image::imageops::rotate180(&img),
        270 => image::imageops::rotate270(&img),
        _ => img,
    }
}
