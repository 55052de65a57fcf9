//! Machine-readable frame codes burnt into generated clips.
//!
//! Every generated frame carries its index as a row of large black and white
//! cells at the top of the picture, plus a human-readable counter. Tests (the
//! player engine's, the reel renderer's, the stills') read the code back to
//! prove that the frame shown or written is exactly the one asked for.
//!
//! Layout, in units of `c = min(width, height) / 24` so it survives any
//! uniform scaling and works in landscape and portrait alike:
//! - a grey band across the top, `BAND_CELLS` tall;
//! - 23 square cells starting at `(0.5c, 0.25c)`: a white and a black
//!   calibration cell (the reader takes its threshold from them, so
//!   compression and scaling that shift levels do not matter), 20 data bits
//!   (most significant first) and an odd-parity bit;
//! - the decimal counter in a 7-segment style, beside the strip when there is
//!   room (landscape) or below it (portrait).

use image::{Rgba, RgbaImage};

/// Number of data bits: enough for 2^20 frames (over 9 hours at 30 fps).
pub const DATA_BITS: u32 = 20;
/// The largest frame index a code can carry.
pub const MAX_FRAME: u32 = (1 << DATA_BITS) - 1;

/// White calibration, black calibration, data bits, parity.
const CELLS: usize = 2 + DATA_BITS as usize + 1;
/// The cell size is the picture's short side divided by this.
const UNITS_PER_SHORT_SIDE: f32 = 24.0;
/// Left edge of the first cell, in cells.
const STRIP_X: f32 = 0.5;
/// Top edge of the cells, in cells.
const STRIP_Y: f32 = 0.25;
/// Height of the grey band behind the strip, in cells.
const BAND_CELLS: f32 = 1.5;
/// Minimum white-minus-black luma for a code to count as present.
const MIN_CONTRAST: f32 = 60.0;
/// A cell whose luma lies within this fraction of the contrast from the
/// threshold is ambiguous: better no answer than a wrong frame number.
const AMBIGUITY: f32 = 0.2;

const WHITE: Rgba<u8> = Rgba([255, 255, 255, 255]);
const BLACK: Rgba<u8> = Rgba([0, 0, 0, 255]);
const BAND: Rgba<u8> = Rgba([110, 104, 100, 255]);
const COUNTER_BG: Rgba<u8> = Rgba([250, 246, 238, 255]);
const COUNTER_FG: Rgba<u8> = Rgba([40, 36, 34, 255]);

/// Cell size in pixels for a picture of this size.
fn cell_size(width: u32, height: u32) -> f32 {
    width.min(height) as f32 / UNITS_PER_SHORT_SIDE
}

/// Odd parity, so that an all-black strip (data 0, parity 0) is never valid.
fn parity(value: u32) -> bool {
    value.count_ones().is_multiple_of(2)
}

/// The cell values, left to right.
fn cell_bits(frame: u32) -> [bool; CELLS] {
    let mut bits = [false; CELLS];
    bits[0] = true;
    bits[1] = false;
    for i in 0..DATA_BITS {
        bits[2 + i as usize] = (frame >> (DATA_BITS - 1 - i)) & 1 == 1;
    }
    bits[CELLS - 1] = parity(frame);
    bits
}

/// Draws the frame code and counter for `frame` onto `img`.
///
/// Indices above [`MAX_FRAME`] are wrapped (only the low 20 bits fit); the
/// generators never produce clips that long.
pub fn draw(img: &mut RgbaImage, frame: u32) {
    let frame = frame & MAX_FRAME;
    let (w, h) = img.dimensions();
    let c = cell_size(w, h);
    let band_h = (BAND_CELLS * c).round() as u32;
    let strip_end = STRIP_X + CELLS as f32;
    // The counter goes beside the strip when the picture is wide enough.
    let beside = (w as f32) >= (strip_end + 0.5 + counter_width_cells(frame) + 0.5) * c;
    let band_w = if beside {
        w
    } else {
        ((strip_end + STRIP_X) * c).round() as u32
    };
    fill_rect(img, 0, 0, band_w, band_h, BAND);
    for (i, &bit) in cell_bits(frame).iter().enumerate() {
        let x0 = ((STRIP_X + i as f32) * c).round() as u32;
        let x1 = ((STRIP_X + i as f32 + 1.0) * c).round() as u32;
        let y0 = (STRIP_Y * c).round() as u32;
        let y1 = ((STRIP_Y + 1.0) * c).round() as u32;
        fill_rect(
            img,
            x0,
            y0,
            x1 - x0,
            y1 - y0,
            if bit { WHITE } else { BLACK },
        );
    }
    let (cx, cy) = if beside {
        (strip_end + 0.5, 0.0)
    } else {
        (STRIP_X, BAND_CELLS)
    };
    draw_counter(img, frame, cx * c, cy * c, c);
}

/// Reads the frame code of a picture that fills `img`.
pub fn read(img: &RgbaImage) -> Option<u32> {
    read_in(img, 0, 0, img.width(), img.height())
}

/// Reads the frame code of a picture placed at `(x, y)` with size `w`×`h`
/// inside `img` (a letterboxed or pillarboxed reel frame).
pub fn read_in(img: &RgbaImage, x: u32, y: u32, w: u32, h: u32) -> Option<u32> {
    if w == 0 || h == 0 || x.checked_add(w)? > img.width() || y.checked_add(h)? > img.height() {
        return None;
    }
    let c = cell_size(w, h);
    // Below about 3 px a cell has no clean centre left after scaling.
    if c < 3.0 {
        return None;
    }
    let mut lumas = [0f32; CELLS];
    for (i, luma) in lumas.iter_mut().enumerate() {
        let cx = x as f32 + (STRIP_X + i as f32) * c;
        let cy = y as f32 + STRIP_Y * c;
        *luma = mean_luma(
            img,
            cx + 0.25 * c,
            cy + 0.25 * c,
            cx + 0.75 * c,
            cy + 0.75 * c,
        )?;
    }
    let (white, black) = (lumas[0], lumas[1]);
    let contrast = white - black;
    if contrast < MIN_CONTRAST {
        return None;
    }
    let threshold = (white + black) / 2.0;
    let margin = AMBIGUITY * contrast;
    let mut value = 0u32;
    let mut bits = [false; CELLS];
    for (bit, &luma) in bits.iter_mut().zip(&lumas) {
        if (luma - threshold).abs() < margin {
            return None;
        }
        *bit = luma > threshold;
    }
    for &bit in &bits[2..2 + DATA_BITS as usize] {
        value = (value << 1) | u32::from(bit);
    }
    (bits[CELLS - 1] == parity(value)).then_some(value)
}

/// Mean luma (BT.601 weights, 0–255) over the pixels whose centres fall in
/// the rectangle; falls back to the nearest pixel when the rectangle is
/// thinner than one pixel.
fn mean_luma(img: &RgbaImage, x0: f32, y0: f32, x1: f32, y1: f32) -> Option<f32> {
    let span = |a: f32, b: f32, max: u32| -> Option<(u32, u32)> {
        let lo = (a - 0.5).ceil().max(0.0) as u32;
        let hi = ((b - 0.5).floor().max(0.0) as u32).min(max.checked_sub(1)?);
        if lo <= hi {
            Some((lo, hi))
        } else {
            let mid = (((a + b) / 2.0).floor().max(0.0) as u32).min(max - 1);
            Some((mid, mid))
        }
    };
    let (xa, xb) = span(x0, x1, img.width())?;
    let (ya, yb) = span(y0, y1, img.height())?;
    let mut sum = 0u64;
    for yy in ya..=yb {
        for xx in xa..=xb {
            let [r, g, b, _] = img.get_pixel(xx, yy).0;
            sum += 77 * u64::from(r) + 150 * u64::from(g) + 29 * u64::from(b);
        }
    }
    let n = u64::from(xb - xa + 1) * u64::from(yb - ya + 1);
    Some(sum as f32 / (256.0 * n as f32))
}

/// Fills a rectangle, clipped to the image, a row slice at a time (hot path
/// for the 1080p benchmark clip: no per-pixel bounds checks or calls).
pub(crate) fn fill_rect(img: &mut RgbaImage, x: u32, y: u32, w: u32, h: u32, color: Rgba<u8>) {
    let (iw, ih) = img.dimensions();
    let x1 = x.saturating_add(w).min(iw);
    let y1 = y.saturating_add(h).min(ih);
    if x >= x1 || y >= y1 {
        return;
    }
    let stride = iw as usize * 4;
    let buf: &mut [u8] = img;
    for row in buf
        .chunks_exact_mut(stride)
        .skip(y as usize)
        .take((y1 - y) as usize)
    {
        for px in row[x as usize * 4..x1 as usize * 4].chunks_exact_mut(4) {
            px.copy_from_slice(&color.0);
        }
    }
}

/// Digits shown: at least four, more for long clips.
fn counter_digits(frame: u32) -> usize {
    frame.to_string().len().max(4)
}

/// Digit cell width (0.8c) plus gap (0.3c), with padding, in cells.
fn counter_width_cells(frame: u32) -> f32 {
    counter_digits(frame) as f32 * 1.1 + 0.3
}

/// Segments a..g of each digit, in the usual 7-segment order
/// (a top, b upper right, c lower right, d bottom, e lower left, f upper
/// left, g middle).
const SEGMENTS: [u8; 10] = [
    0b0111111, 0b0000110, 0b1011011, 0b1001111, 0b1100110, 0b1101101, 0b1111101, 0b0000111,
    0b1111111, 0b1101111,
];

/// Draws the decimal counter at `(x, y)` (pixels) with cell size `c`, on a
/// light plate so it reads over any scene.
fn draw_counter(img: &mut RgbaImage, frame: u32, x: f32, y: f32, c: f32) {
    let text = format!("{frame:0width$}", width = counter_digits(frame));
    let plate_w = counter_width_cells(frame) * c;
    let plate_h = 1.5 * c;
    fill_rect(
        img,
        x.round() as u32,
        y.round() as u32,
        plate_w.round() as u32,
        plate_h.round() as u32,
        COUNTER_BG,
    );
    let dw = 0.8 * c;
    let dh = 1.2 * c;
    let t = (0.16 * c).max(1.0);
    for (i, ch) in text.bytes().enumerate() {
        let d = usize::from(ch - b'0');
        let ox = x + 0.3 * c + i as f32 * 1.1 * c;
        let oy = y + 0.15 * c;
        let seg = SEGMENTS[d];
        // (x, y, w, h) of each segment relative to the digit box.
        let rects = [
            (0.0, 0.0, dw, t),
            (dw - t, 0.0, t, dh / 2.0),
            (dw - t, dh / 2.0, t, dh / 2.0),
            (0.0, dh - t, dw, t),
            (0.0, dh / 2.0, t, dh / 2.0),
            (0.0, 0.0, t, dh / 2.0),
            (0.0, (dh - t) / 2.0, dw, t),
        ];
        for (s, &(rx, ry, rw, rh)) in rects.iter().enumerate() {
            if seg & (1 << s) != 0 {
                let x0 = (ox + rx).round() as u32;
                let y0 = (oy + ry).round() as u32;
                let x1 = (ox + rx + rw).round() as u32;
                let y1 = (oy + ry + rh).round() as u32;
                fill_rect(img, x0, y0, x1 - x0, y1 - y0, COUNTER_FG);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::imageops::{self, FilterType};
    use proptest::prelude::*;

    const SIZES: [(u32, u32); 5] = [(640, 360), (360, 640), (1920, 1080), (480, 270), (320, 180)];

    fn scene(w: u32, h: u32) -> RgbaImage {
        // A busy, warm background so the reader is not helped by a flat field.
        RgbaImage::from_fn(w, h, |x, y| {
            Rgba([
                (180 + (x * 7 + y * 3) % 60) as u8,
                (140 + (x * 3 + y * 5) % 50) as u8,
                (110 + (x + y) % 40) as u8,
                255,
            ])
        })
    }

    fn coded(w: u32, h: u32, frame: u32) -> RgbaImage {
        let mut img = scene(w, h);
        draw(&mut img, frame);
        img
    }

    #[test]
    fn round_trip_on_several_sizes() {
        for (w, h) in SIZES {
            for frame in [0, 1, 2, 59, 60, 719, 1799, 12345, MAX_FRAME] {
                assert_eq!(
                    read(&coded(w, h, frame)),
                    Some(frame),
                    "{w}x{h} frame {frame}"
                );
            }
        }
    }

    #[test]
    fn survives_half_downscale() {
        for (w, h) in [(640, 360), (360, 640), (1920, 1080), (480, 270)] {
            for frame in [0, 7, 374, 719, 1799, 654_321] {
                let img = coded(w, h, frame);
                let half = imageops::resize(&img, w / 2, h / 2, FilterType::Triangle);
                assert_eq!(read(&half), Some(frame), "{w}x{h} frame {frame}");
            }
        }
    }

    #[test]
    fn survives_blur_and_noise() {
        let mut img = coded(360, 640, 333);
        img = imageops::blur(&img, 1.2);
        let mut state = 12345u32;
        for px in img.pixels_mut() {
            for ch in &mut px.0[..3] {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (state >> 24) as i32 % 41 - 20;
                *ch = (i32::from(*ch) + noise).clamp(0, 255) as u8;
            }
        }
        assert_eq!(read(&img), Some(333));
    }

    #[test]
    fn reads_inside_a_letterbox() {
        // A portrait picture pillarboxed in a 1280x720 reel frame.
        let pic = coded(360, 640, 4321);
        let pic = imageops::resize(&pic, 405, 720, FilterType::Triangle);
        let mut reel = RgbaImage::from_pixel(1280, 720, BLACK);
        imageops::overlay(&mut reel, &pic, 437, 0);
        assert_eq!(read_in(&reel, 437, 0, 405, 720), Some(4321));
        assert_eq!(read(&reel), None);
    }

    #[test]
    fn plain_pictures_have_no_code() {
        for (w, h) in SIZES {
            assert_eq!(read(&scene(w, h)), None);
            assert_eq!(read(&RgbaImage::from_pixel(w, h, BLACK)), None);
            assert_eq!(read(&RgbaImage::from_pixel(w, h, WHITE)), None);
        }
    }

    #[test]
    fn flipped_parity_is_rejected() {
        let (w, h) = (640, 360);
        let mut img = coded(w, h, 123);
        let c = cell_size(w, h);
        let i = (CELLS - 1) as f32;
        let x0 = ((STRIP_X + i) * c).round() as u32;
        let x1 = ((STRIP_X + i + 1.0) * c).round() as u32;
        let y0 = (STRIP_Y * c).round() as u32;
        let y1 = ((STRIP_Y + 1.0) * c).round() as u32;
        let was_white = img.get_pixel(x0 + 2, y0 + 2).0[0] > 128;
        fill_rect(
            &mut img,
            x0,
            y0,
            x1 - x0,
            y1 - y0,
            if was_white { BLACK } else { WHITE },
        );
        assert_eq!(read(&img), None);
    }

    #[test]
    fn out_of_bounds_region_is_none() {
        let img = coded(640, 360, 5);
        assert_eq!(read_in(&img, 600, 0, 100, 100), None);
        assert_eq!(read_in(&img, 0, 0, 0, 0), None);
        assert_eq!(read_in(&img, u32::MAX, 0, 10, 10), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_indices_round_trip(frame in 0..=MAX_FRAME, size in 0usize..5) {
            let (w, h) = SIZES[size];
            prop_assert_eq!(read(&coded(w, h, frame)), Some(frame));
        }
    }
}
