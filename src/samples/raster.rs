//! Minimal filled shapes on an `RgbaImage`, drawn a row span at a time.
//!
//! The 1080p benchmark clip draws 1800 frames, so shapes fill row slices
//! directly (no per-pixel `put_pixel` calls or bounds checks); only the two
//! edge pixels of each span are blended, for cheap horizontal anti-aliasing.

use image::RgbaImage;

pub(super) type Color = [u8; 4];

pub(super) const fn rgb(r: u8, g: u8, b: u8) -> Color {
    [r, g, b, 255]
}

/// Blends `c` over `px` with coverage `a` (0..=1) times the colour's alpha.
#[inline]
fn blend(px: &mut [u8], c: Color, a: f32) {
    let a = a * f32::from(c[3]) / 255.0;
    // Coverage also makes the pixel opaque (shapes on a fresh image).
    px[3] = px[3].max((a * 255.0).round() as u8);
    if a >= 0.999 {
        px[..3].copy_from_slice(&c[..3]);
        return;
    }
    for i in 0..3 {
        let v = f32::from(px[i]) + (f32::from(c[i]) - f32::from(px[i])) * a;
        px[i] = v.round() as u8;
    }
}

/// Fills the horizontal span `[x0, x1)` (in pixels, fractional) of row `y`.
fn span(row: &mut [u8], width: u32, x0: f32, x1: f32, c: Color) {
    let x0 = x0.max(0.0);
    let x1 = x1.min(width as f32);
    if x1 <= x0 {
        return;
    }
    let first = x0.floor() as usize;
    let last = (x1.ceil() as usize).min(width as usize);
    if last <= first + 1 {
        blend(&mut row[first * 4..first * 4 + 4], c, x1 - x0);
        return;
    }
    // Partial coverage at both ends, solid in between.
    blend(
        &mut row[first * 4..first * 4 + 4],
        c,
        (first + 1) as f32 - x0,
    );
    let solid = &mut row[(first + 1) * 4..(last - 1) * 4];
    if c[3] == 255 {
        for px in solid.chunks_exact_mut(4) {
            px.copy_from_slice(&c);
        }
    } else {
        for px in solid.chunks_exact_mut(4) {
            blend(px, c, 1.0);
        }
    }
    blend(
        &mut row[(last - 1) * 4..last * 4],
        c,
        x1 - (last - 1) as f32,
    );
}

/// Calls `f(row, y_centre)` for every row whose centre lies in `[y0, y1)`.
fn rows(img: &mut RgbaImage, y0: f32, y1: f32, mut f: impl FnMut(&mut [u8], u32, f32)) {
    let (w, h) = img.dimensions();
    let first = (y0 - 0.5).ceil().max(0.0) as u32;
    let last = ((y1 - 0.5).ceil().max(0.0) as u32).min(h);
    if first >= last {
        return;
    }
    let stride = w as usize * 4;
    let buf: &mut [u8] = img;
    for (i, row) in buf
        .chunks_exact_mut(stride)
        .skip(first as usize)
        .take((last - first) as usize)
        .enumerate()
    {
        f(row, w, (first + i as u32) as f32 + 0.5);
    }
}

pub(super) fn fill_rect(img: &mut RgbaImage, x0: f32, y0: f32, x1: f32, y1: f32, c: Color) {
    rows(img, y0, y1, |row, w, _| span(row, w, x0, x1, c));
}

pub(super) fn fill_ellipse(img: &mut RgbaImage, cx: f32, cy: f32, rx: f32, ry: f32, c: Color) {
    if rx <= 0.0 || ry <= 0.0 {
        return;
    }
    rows(img, cy - ry, cy + ry, |row, w, y| {
        let dy = (y - cy) / ry;
        let half = rx * (1.0 - dy * dy).max(0.0).sqrt();
        span(row, w, cx - half, cx + half, c);
    });
}

pub(super) fn fill_circle(img: &mut RgbaImage, cx: f32, cy: f32, r: f32, c: Color) {
    fill_ellipse(img, cx, cy, r, r, c);
}

/// A rectangle with corners rounded by radius `r`.
pub(super) fn fill_round_rect(
    img: &mut RgbaImage,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    r: f32,
    c: Color,
) {
    let r = r.min((x1 - x0) / 2.0).min((y1 - y0) / 2.0).max(0.0);
    rows(img, y0, y1, |row, w, y| {
        let d = if y < y0 + r {
            y0 + r - y
        } else if y > y1 - r {
            y - (y1 - r)
        } else {
            0.0
        };
        let inset = r - (r * r - d * d).max(0.0).sqrt();
        span(row, w, x0 + inset, x1 - inset, c);
    });
}

/// A thick curve through `points`, stamped with discs of radius `r`.
pub(super) fn stroke(img: &mut RgbaImage, points: &[(f32, f32)], r: f32, c: Color) {
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        // Bounded: one disc per half radius of length (at most a few dozen).
        let steps = ((len / (r * 0.5).max(0.5)).ceil() as usize).clamp(1, 256);
        for s in 0..=steps {
            let k = s as f32 / steps as f32;
            fill_circle(img, a.0 + (b.0 - a.0) * k, a.1 + (b.1 - a.1) * k, r, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_clip_to_the_image() {
        let mut img = RgbaImage::new(20, 10);
        fill_rect(&mut img, -5.0, -5.0, 50.0, 50.0, rgb(9, 9, 9));
        assert!(img.pixels().all(|p| p.0[..3] == [9, 9, 9]));
        fill_circle(&mut img, 19.0, 9.0, 30.0, rgb(1, 2, 3));
        fill_round_rect(&mut img, -3.0, 2.0, 30.0, 40.0, 4.0, rgb(4, 5, 6));
        stroke(&mut img, &[(-10.0, -10.0), (40.0, 30.0)], 2.0, rgb(7, 7, 7));
    }

    #[test]
    fn ellipse_covers_its_centre_not_its_corner() {
        let mut img = RgbaImage::new(40, 40);
        fill_ellipse(&mut img, 20.0, 20.0, 10.0, 5.0, rgb(200, 0, 0));
        assert_eq!(img.get_pixel(20, 20).0[0], 200);
        assert_eq!(img.get_pixel(29, 24).0[0], 0);
    }
}
