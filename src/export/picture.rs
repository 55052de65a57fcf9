//! Fitting decoded pictures into the output frame: one swscale context per
//! source (rebuilt only if the decoded size, format or colour changes),
//! display aspect kept (the pixel aspect ratio widens anamorphic SD), black
//! bars for portrait or narrow footage, rotation honoured, and colours
//! converted from the source's matrix and range into the reel's.

use ffmpeg::format::Pixel;
use ffmpeg::frame;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;

use crate::media::ffmpeg::picture::{self, Colour, PixelAspect};

/// Where the picture lands inside the output frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// Fits a `src_w` x `src_h` picture (already turned for display) into the
/// output, centred, never stretched. Sizes are even for yuv420p sources.
pub fn placement(src_w: u32, src_h: u32, out_w: u32, out_h: u32) -> Placement {
    let (sw, sh) = (u64::from(src_w.max(1)), u64::from(src_h.max(1)));
    let (ow, oh) = (u64::from(out_w), u64::from(out_h));
    let (w, h) = if sw * oh >= sh * ow {
        (ow, (sh * ow / sw).max(2))
    } else {
        ((sw * oh / sh).max(2), oh)
    };
    let (w, h) = ((w as u32) & !1, (h as u32) & !1);
    // Even offsets keep the picture on whole 4:2:0 chroma samples.
    Placement {
        x: ((out_w - w) / 2) & !1,
        y: ((out_h - h) / 2) & !1,
        w,
        h,
    }
}

/// Scales decoded frames of one source into the output canvas (YUV 4:2:0).
pub(crate) struct Fitter {
    rotation: u16,
    aspect: PixelAspect,
    out_w: u32,
    out_h: u32,
    key: Option<(Pixel, u32, u32, Colour)>,
    scaler: Option<scaling::Context>,
    scaled: frame::Video,
    pub placement: Placement,
}

impl Fitter {
    pub(crate) fn new(rotation: u16, aspect: PixelAspect, out_w: u32, out_h: u32) -> Self {
        Self {
            rotation,
            aspect,
            out_w,
            out_h,
            key: None,
            scaler: None,
            scaled: frame::Video::empty(),
            placement: Placement {
                x: 0,
                y: 0,
                w: out_w,
                h: out_h,
            },
        }
    }

    fn turned(&self) -> bool {
        matches!(self.rotation, 90 | 270)
    }

    /// Draws `decoded` into `canvas` (a YUV420P frame of the output size).
    /// Only the picture area is written; the caller keeps the bars black.
    pub(crate) fn fit(
        &mut self,
        decoded: &frame::Video,
        canvas: &mut frame::Video,
    ) -> Result<(), ffmpeg::Error> {
        let colour = Colour::of_frame(decoded);
        let key = (decoded.format(), decoded.width(), decoded.height(), colour);
        if self.key != Some(key) {
            // The picture's shown size: anamorphic pixels are wider.
            let shown_w = self.aspect.display_width(key.1);
            let (dw, dh) = if self.turned() {
                (key.2, shown_w)
            } else {
                (shown_w, key.2)
            };
            self.placement = placement(dw, dh, self.out_w, self.out_h);
            // Scale before turning: the scaled picture has the turned size's
            // sides swapped.
            let (tw, th) = if self.turned() {
                (self.placement.h, self.placement.w)
            } else {
                (self.placement.w, self.placement.h)
            };
            // swscale brings the range to the reel's; the matrix is
            // converted after scaling (`picture::convert_matrix`).
            self.scaler = Some(picture::scaler(
                (key.0, key.1, key.2),
                colour,
                (Pixel::YUV420P, tw, th),
                Colour {
                    matrix: colour.matrix,
                    ..Colour::REEL
                },
                scaling::Flags::BILINEAR,
            )?);
            self.scaled = frame::Video::new(Pixel::YUV420P, tw, th);
            self.key = Some(key);
            // A new placement may leave old picture where bars now are.
            super::yuv::fill_rows(canvas, 0, self.out_h);
        }
        let Some(scaler) = self.scaler.as_mut() else {
            return Err(ffmpeg::Error::Bug);
        };
        scaler.run(decoded, &mut self.scaled)?;
        picture::convert_matrix(&mut self.scaled, colour.matrix, Colour::REEL.matrix);
        for plane in 0..3 {
            self.blit(plane, canvas);
        }
        Ok(())
    }

    /// Copies one plane of the scaled picture into place, turning it if
    /// needed.
    fn blit(&self, plane: usize, canvas: &mut frame::Video) {
        let shift = u32::from(plane > 0);
        let p = self.placement;
        let (px, py, pw, ph) = (
            (p.x >> shift) as usize,
            (p.y >> shift) as usize,
            (p.w >> shift) as usize,
            (p.h >> shift) as usize,
        );
        let (sw, sh) = (
            (self.scaled.width() >> shift) as usize,
            (self.scaled.height() >> shift) as usize,
        );
        let stride = self.scaled.stride(plane);
        let src = self.scaled.data(plane);
        let cstride = canvas.stride(plane);
        let dst = canvas.data_mut(plane);
        if !matches!(self.rotation, 90 | 180 | 270) {
            for y in 0..ph {
                let d = (py + y) * cstride + px;
                dst[d..d + pw].copy_from_slice(&src[y * stride..y * stride + pw]);
            }
            return;
        }
        for y in 0..ph {
            let row = (py + y) * cstride + px;
            for x in 0..pw {
                // Output (x, y) takes the source pixel that the clockwise
                // turn moves there.
                let (sx, sy) = match self.rotation {
                    90 => (y, sh - 1 - x),
                    180 => (sw - 1 - x, sh - 1 - y),
                    _ => (sw - 1 - y, x),
                };
                dst[row + x] = src[sy * stride + sx];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portrait_is_pillarboxed_and_landscape_fills() {
        assert_eq!(
            placement(360, 640, 1280, 720),
            Placement {
                x: 438,
                y: 0,
                w: 404,
                h: 720
            }
        );
        assert_eq!(
            placement(1920, 1080, 1280, 720),
            Placement {
                x: 0,
                y: 0,
                w: 1280,
                h: 720
            }
        );
        let p = placement(640, 200, 1280, 720);
        assert_eq!((p.w, p.h, p.x), (1280, 400, 0));
        assert_eq!(p.y, 160);
    }
}
