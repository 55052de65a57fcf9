//! The renderer composes in YUV 4:2:0, the encoder's own format: decoded
//! pictures are scaled straight into it and captions blended into it, which
//! saves two RGBA conversions per frame (the bulk of the time otherwise).
//! Colours follow the stream's declared BT.601 limited range.

use ffmpeg::format::Pixel;
use ffmpeg::frame;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;
use image::RgbaImage;

use super::text::Overlay;

/// Limited-range black.
pub(crate) const BLACK: [u8; 3] = [16, 128, 128];

/// A black YUV 4:2:0 frame.
pub(crate) fn black_frame(width: u32, height: u32) -> frame::Video {
    let mut f = frame::Video::new(Pixel::YUV420P, width, height);
    fill_rows(&mut f, 0, height);
    f
}

/// Paints luma rows `from..to` (even bounds) black across the width.
pub(crate) fn fill_rows(f: &mut frame::Video, from: u32, to: u32) {
    for (plane, value) in BLACK.iter().enumerate() {
        let (a, b) = if plane == 0 {
            (from as usize, to as usize)
        } else {
            (from as usize / 2, to.div_ceil(2) as usize)
        };
        let stride = f.stride(plane);
        let data = f.data_mut(plane);
        let end = (b * stride).min(data.len());
        data[a * stride..end].fill(*value);
    }
}

/// Converts an RGBA picture (a title card) to a YUV frame, once.
pub(crate) fn from_rgba(img: &RgbaImage) -> Result<frame::Video, ffmpeg::Error> {
    let (w, h) = img.dimensions();
    let mut rgba = frame::Video::new(Pixel::RGBA, w, h);
    let stride = rgba.stride(0);
    let row = w as usize * 4;
    for (y, src) in img.as_raw().chunks_exact(row).enumerate() {
        rgba.data_mut(0)[y * stride..y * stride + row].copy_from_slice(src);
    }
    let mut out = frame::Video::new(Pixel::YUV420P, w, h);
    scaling::Context::get(
        Pixel::RGBA,
        w,
        h,
        Pixel::YUV420P,
        w,
        h,
        scaling::Flags::BILINEAR,
    )?
    .run(&rgba, &mut out)?;
    Ok(out)
}

/// A caption band ready to blend into YUV: per luma pixel the premultiplied
/// luma to add and the share of the picture to keep; per chroma pixel the
/// band's opacity (captions are grey, so chroma only fades to neutral).
pub(crate) struct YuvOverlay {
    pub y: u32,
    pub width: u32,
    pub height: u32,
    luma_add: Vec<u8>,
    luma_keep: Vec<u8>,
    chroma_alpha: Vec<u8>,
}

impl YuvOverlay {
    /// `o.y` and `o.height` must be even (caption bands are).
    pub(crate) fn new(o: &Overlay) -> Self {
        let (w, h) = (o.width as usize, o.height as usize);
        let mut luma_add = Vec::with_capacity(w * h);
        let mut luma_keep = Vec::with_capacity(w * h);
        for p in o.pixels.chunks_exact(4) {
            let (r, g, b, a) = (
                f32::from(p[0]),
                f32::from(p[1]),
                f32::from(p[2]),
                f32::from(p[3]),
            );
            // BT.601 limited range of premultiplied colour.
            let y = 16.0 * a / 255.0 + 0.2568 * r + 0.5041 * g + 0.0979 * b;
            luma_add.push(y.round().clamp(0.0, 255.0) as u8);
            luma_keep.push(255 - p[3]);
        }
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let mut chroma_alpha = Vec::with_capacity(cw * ch);
        for cy in 0..ch {
            for cx in 0..cw {
                let mut sum = 0u32;
                let mut n = 0u32;
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let (x, y) = (2 * cx + dx, 2 * cy + dy);
                    if x < w && y < h {
                        sum += u32::from(o.pixels[(y * w + x) * 4 + 3]);
                        n += 1;
                    }
                }
                chroma_alpha.push((sum / n.max(1)) as u8);
            }
        }
        Self {
            y: o.y,
            width: o.width,
            height: o.height,
            luma_add,
            luma_keep,
            chroma_alpha,
        }
    }

    pub(crate) fn blend_onto(&self, f: &mut frame::Video) {
        let w = self.width as usize;
        let stride = f.stride(0);
        let data = f.data_mut(0);
        for r in 0..self.height as usize {
            let start = (self.y as usize + r) * stride;
            let Some(row) = data.get_mut(start..start + w) else {
                return;
            };
            let add = &self.luma_add[r * w..(r + 1) * w];
            let keep = &self.luma_keep[r * w..(r + 1) * w];
            for ((d, &a), &k) in row.iter_mut().zip(add).zip(keep) {
                *d = a.saturating_add(((u16::from(*d) * u16::from(k) + 127) / 255) as u8);
            }
        }
        let cw = w.div_ceil(2);
        for plane in 1..3 {
            let stride = f.stride(plane);
            let data = f.data_mut(plane);
            for r in 0..(self.height as usize).div_ceil(2) {
                let start = (self.y as usize / 2 + r) * stride;
                let Some(row) = data.get_mut(start..start + cw) else {
                    return;
                };
                for (d, &a) in row.iter_mut().zip(&self.chroma_alpha[r * cw..(r + 1) * cw]) {
                    let a = u16::from(a);
                    *d = ((u16::from(*d) * (255 - a) + 128 * a + 127) / 255) as u8;
                }
            }
        }
    }
}
