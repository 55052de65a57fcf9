//! What a decoded picture's samples mean, decided once for every FFmpeg
//! path (stills, thumbnails, reels) and matching the engine's reading:
//! the pixel aspect ratio (SD camcorder footage is anamorphic), the colour
//! matrix and range (tags honoured, BT.601 for SD and BT.709 for HD when
//! they are missing or nonsense, as players do), and interlacing (a frame
//! flagged interlaced is deinterlaced in place, one picture per frame).

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg::{color, frame};
use ffmpeg_next as ffmpeg;

/// A pixel aspect ratio (width of a stored pixel over its height), reduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelAspect {
    pub num: u32,
    pub den: u32,
}

impl PixelAspect {
    pub const SQUARE: Self = Self { num: 1, den: 1 };

    /// A ratio from FFmpeg's fields: unknown (0), negative or nonsense
    /// (wider than 4:1 either way) is square.
    pub fn sanitised(num: i64, den: i64) -> Self {
        if num <= 0 || den <= 0 || num > 4 * den || den > 4 * num {
            return Self::SQUARE;
        }
        let g = gcd(num, den);
        let (num, den) = (num / g, den / g);
        match (u32::try_from(num), u32::try_from(den)) {
            (Ok(num), Ok(den)) => Self { num, den },
            _ => Self::SQUARE,
        }
    }

    pub fn is_square(self) -> bool {
        self.num == self.den
    }

    /// The width a picture `coded` stored pixels wide is shown at: the
    /// stored width times the ratio, rounded to even (4:2:0 chroma).
    pub fn display_width(self, coded: u32) -> u32 {
        if self.is_square() || coded == 0 {
            return coded;
        }
        // The nearest even width to coded x num / den.
        let (num, den) = (u64::from(self.num), u64::from(self.den));
        let even = ((u64::from(coded) * num + den) / (2 * den) * 2).max(2);
        u32::try_from(even).unwrap_or(coded)
    }
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// The YUV -> RGB matrices Attune tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matrix {
    Bt601,
    Bt709,
}

/// How a picture's YUV samples map to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour {
    pub matrix: Matrix,
    /// Full range (0-255, JPEG) rather than limited (16-235).
    pub full_range: bool,
}

/// Pictures this tall or taller are HD: untagged, they are BT.709.
pub const HD_HEIGHT: u32 = 720;

impl Colour {
    /// What reels are written in: BT.601 limited range, tagged so.
    pub const REEL: Self = Self {
        matrix: Matrix::Bt601,
        full_range: false,
    };

    /// What an untagged picture of this (stored) height is taken to be.
    pub fn default_for(height: u32) -> Self {
        Self {
            matrix: if height >= HD_HEIGHT {
                Matrix::Bt709
            } else {
                Matrix::Bt601
            },
            full_range: false,
        }
    }

    /// The tags' reading, falling back to the default for the height for
    /// anything missing or not a YUV matrix Attune knows.
    pub fn from_tags(space: color::Space, range: color::Range, pixel: Pixel, height: u32) -> Self {
        let default = Self::default_for(height);
        let matrix = match space {
            color::Space::BT709 => Matrix::Bt709,
            color::Space::BT470BG | color::Space::SMPTE170M | color::Space::FCC => Matrix::Bt601,
            _ => default.matrix,
        };
        let full_range = match range {
            color::Range::JPEG => true,
            color::Range::MPEG => false,
            _ => matches!(
                pixel,
                Pixel::YUVJ420P
                    | Pixel::YUVJ422P
                    | Pixel::YUVJ444P
                    | Pixel::YUVJ440P
                    | Pixel::YUVJ411P
            ),
        };
        Self { matrix, full_range }
    }

    /// A decoded frame's colour.
    pub fn of_frame(f: &frame::Video) -> Self {
        Self::from_tags(f.color_space(), f.color_range(), f.format(), f.height())
    }

    fn sws_space(self) -> i32 {
        match self.matrix {
            Matrix::Bt601 => ffmpeg::ffi::SWS_CS_ITU601,
            Matrix::Bt709 => ffmpeg::ffi::SWS_CS_ITU709,
        }
    }

    pub fn space(self) -> color::Space {
        match self.matrix {
            Matrix::Bt601 => color::Space::SMPTE170M,
            Matrix::Bt709 => color::Space::BT709,
        }
    }

    pub fn range(self) -> color::Range {
        if self.full_range {
            color::Range::JPEG
        } else {
            color::Range::MPEG
        }
    }
}

/// Tells a scaler what its source's samples mean and what its output's
/// should (for RGB output only the source side matters). Without this,
/// swscale takes every YUV picture for BT.601 and its range from the pixel
/// format alone.
pub(crate) fn set_colour(
    ctx: &mut scaling::Context,
    from: Colour,
    to: Colour,
) -> Result<(), ffmpeg::Error> {
    // SAFETY: the context is valid for `ctx`'s lifetime; the coefficient
    // tables swscale returns are static.
    let r = unsafe {
        let src = ffmpeg::ffi::sws_getCoefficients(from.sws_space());
        let dst = ffmpeg::ffi::sws_getCoefficients(to.sws_space());
        ffmpeg::ffi::sws_setColorspaceDetails(
            ctx.as_mut_ptr(),
            src,
            i32::from(from.full_range),
            dst,
            i32::from(to.full_range),
            0,
            1 << 16,
            1 << 16,
        )
    };
    if r < 0 {
        return Err(ffmpeg::Error::from(r));
    }
    Ok(())
}

/// A scaler from `from` (format, width, height, colour) to `to_format` at
/// `to_w`x`to_h` in `to_colour`.
pub(crate) fn scaler(
    from: (Pixel, u32, u32),
    colour: Colour,
    to: (Pixel, u32, u32),
    to_colour: Colour,
    flags: scaling::Flags,
) -> Result<scaling::Context, ffmpeg::Error> {
    let mut ctx = scaling::Context::get(from.0, from.1, from.2, to.0, to.1, to.2, flags)?;
    // RGB output is always full range.
    let to_colour = if matches!(to.0, Pixel::RGBA | Pixel::RGB24 | Pixel::BGRA) {
        Colour {
            full_range: true,
            ..to_colour
        }
    } else {
        to_colour
    };
    set_colour(&mut ctx, colour, to_colour)?;
    Ok(ctx)
}

/// Re-expresses a limited-range YUV 4:2:0 picture made with matrix `from`
/// in matrix `to`, in place. swscale's own YUV -> YUV matrix conversion
/// (through sws_setColorspaceDetails) came out further from the footage
/// than no conversion at all, so it is done here: with the same primaries
/// the new chroma depends only on the old chroma, and the new luma is the
/// old plus a share of the chroma.
pub(crate) fn convert_matrix(f: &mut frame::Video, from: Matrix, to: Matrix) {
    // (luma from Cb, luma from Cr, Cb from Cb, Cb from Cr, Cr from Cb, Cr from Cr)
    let m: [f32; 6] = match (from, to) {
        (Matrix::Bt709, Matrix::Bt601) => [0.0993, 0.1917, 0.9899, -0.1107, -0.0725, 0.9834],
        (Matrix::Bt601, Matrix::Bt709) => [-0.1155, -0.2079, 1.0186, 0.1147, 0.0751, 1.0253],
        _ => return,
    };
    if !matches!(f.format(), Pixel::YUV420P | Pixel::YUVJ420P) {
        return;
    }
    let (w, h) = (f.width() as usize, f.height() as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let (ys, us, vs) = (f.stride(0), f.stride(1), f.stride(2));
    // Chroma first, keeping the old values for the luma pass.
    let mut old = vec![(0f32, 0f32); cw * ch];
    for cy in 0..ch {
        for cx in 0..cw {
            let u = f32::from(f.data(1)[cy * us + cx]) - 128.0;
            let v = f32::from(f.data(2)[cy * vs + cx]) - 128.0;
            old[cy * cw + cx] = (u, v);
            let nu = m[2] * u + m[3] * v + 128.0;
            let nv = m[4] * u + m[5] * v + 128.0;
            f.data_mut(1)[cy * us + cx] = nu.round().clamp(0.0, 255.0) as u8;
            f.data_mut(2)[cy * vs + cx] = nv.round().clamp(0.0, 255.0) as u8;
        }
    }
    let luma = f.data_mut(0);
    for y in 0..h {
        for x in 0..w {
            let (u, v) = old[(y / 2) * cw + x / 2];
            let p = &mut luma[y * ys + x];
            *p = (f32::from(*p) + m[0] * u + m[1] * v)
                .round()
                .clamp(0.0, 255.0) as u8;
        }
    }
}

/// Chroma subsampling (horizontal, vertical shifts) of the planar 8-bit
/// YUV formats the deinterlacer handles.
fn planar_shifts(format: Pixel) -> Option<(u32, u32)> {
    match format {
        Pixel::YUV420P | Pixel::YUVJ420P => Some((1, 1)),
        Pixel::YUV422P | Pixel::YUVJ422P => Some((1, 0)),
        Pixel::YUV444P | Pixel::YUVJ444P => Some((0, 0)),
        _ => None,
    }
}

/// When `src` is flagged interlaced, writes into `dst` (reallocated when
/// its format or size differ) the picture rebuilt from its top field alone:
/// even lines kept, odd lines the mean of the lines above and below, in
/// every plane. The same as the viewer's GStreamer `deinterlace`
/// (method linear, top fields), so both show the same picture, one per
/// coded frame. Returns false, leaving `dst` alone, for a progressive frame
/// or a format it does not handle.
pub(crate) fn deinterlace_into(src: &frame::Video, dst: &mut frame::Video) -> bool {
    if !src.is_interlaced() {
        return false;
    }
    let Some((sx, sy)) = planar_shifts(src.format()) else {
        return false;
    };
    let (w, h) = (src.width(), src.height());
    if w == 0 || h < 2 {
        return false;
    }
    if dst.format() != src.format() || dst.width() != w || dst.height() != h {
        *dst = frame::Video::new(src.format(), w, h);
    }
    for plane in 0..3 {
        let (pw, ph) = if plane == 0 {
            (w as usize, h as usize)
        } else {
            (
                (w.div_ceil(1 << sx)) as usize,
                (h.div_ceil(1 << sy)) as usize,
            )
        };
        let (ss, ds) = (src.stride(plane), dst.stride(plane));
        let from = src.data(plane);
        let to = dst.data_mut(plane);
        for y in 0..ph {
            let out = &mut to[y * ds..y * ds + pw];
            if y % 2 == 0 || ph < 2 {
                out.copy_from_slice(&from[y * ss..y * ss + pw]);
            } else if y + 1 < ph {
                let above = &from[(y - 1) * ss..(y - 1) * ss + pw];
                let below = &from[(y + 1) * ss..(y + 1) * ss + pw];
                for ((o, &a), &b) in out.iter_mut().zip(above).zip(below) {
                    *o = (u16::from(a) + u16::from(b)).div_ceil(2) as u8;
                }
            } else {
                out.copy_from_slice(&from[(y - 1) * ss..(y - 1) * ss + pw]);
            }
        }
    }
    // SAFETY: both frames are valid; only properties (timestamps, colour
    // tags, aspect) are copied, then the interlaced flag cleared.
    unsafe {
        ffmpeg::ffi::av_frame_copy_props(dst.as_mut_ptr(), src.as_ptr());
        set_interlaced(dst, false);
    }
    true
}

/// Sets a frame's interlaced flag.
///
/// # Safety
/// `f` must wrap a valid frame.
unsafe fn set_interlaced(f: &mut frame::Video, on: bool) {
    // SAFETY: the caller's frame is valid; a plain integer field.
    unsafe {
        (*f.as_mut_ptr()).interlaced_frame = i32::from(on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixel_aspect_widens_and_falls_back_to_square() {
        let pal_wide = PixelAspect::sanitised(64, 45);
        assert_eq!(pal_wide.display_width(720), 1024);
        assert_eq!(PixelAspect::sanitised(16, 15).display_width(720), 768);
        // NTSC 4:3 (10:11): 654.5 rounds to even.
        assert_eq!(PixelAspect::sanitised(10, 11).display_width(720), 654);
        assert_eq!(PixelAspect::sanitised(128, 90), pal_wide);
        for (n, d) in [(0, 1), (1, 0), (0, 0), (-4, 3), (100, 1), (1, 100)] {
            assert_eq!(PixelAspect::sanitised(n, d), PixelAspect::SQUARE, "{n}/{d}");
        }
        assert_eq!(PixelAspect::SQUARE.display_width(721), 721);
    }

    #[test]
    fn colour_tags_are_honoured_and_nonsense_falls_back_by_size() {
        use color::{Range, Space};
        let sd = Colour::from_tags(Space::Unspecified, Range::Unspecified, Pixel::YUV420P, 576);
        assert_eq!(sd, Colour::default_for(576));
        assert_eq!(sd.matrix, Matrix::Bt601);
        let hd = Colour::from_tags(Space::Reserved, Range::Unspecified, Pixel::YUV420P, 1080);
        assert_eq!(hd.matrix, Matrix::Bt709);
        assert!(!hd.full_range);
        let tagged = Colour::from_tags(Space::BT470BG, Range::JPEG, Pixel::YUV420P, 1080);
        assert_eq!((tagged.matrix, tagged.full_range), (Matrix::Bt601, true));
        let jpeg = Colour::from_tags(Space::Unspecified, Range::Unspecified, Pixel::YUVJ420P, 480);
        assert!(jpeg.full_range);
        let rgb_on_yuv = Colour::from_tags(Space::RGB, Range::MPEG, Pixel::YUV420P, 720);
        assert_eq!(rgb_on_yuv.matrix, Matrix::Bt709);
    }

    #[test]
    fn deinterlacing_rebuilds_odd_lines_from_the_top_field() {
        let mut src = frame::Video::new(Pixel::YUV420P, 4, 4);
        for plane in 0..3 {
            let stride = src.stride(plane);
            let rows = if plane == 0 { 4 } else { 2 };
            for y in 0..rows {
                // Top field lines are 100, bottom field lines 200: combed.
                let v = if y % 2 == 0 { 100 } else { 200 };
                src.data_mut(plane)[y * stride..y * stride + 4].fill(v);
            }
        }
        let mut dst = frame::Video::empty();
        assert!(!deinterlace_into(&src, &mut dst), "progressive: untouched");
        // SAFETY: `src` is a valid frame.
        unsafe { set_interlaced(&mut src, true) };
        assert!(deinterlace_into(&src, &mut dst));
        let stride = dst.stride(0);
        for y in 0..4 {
            assert_eq!(dst.data(0)[y * stride], 100, "luma row {y}");
        }
        assert!(!dst.is_interlaced());
    }
}
