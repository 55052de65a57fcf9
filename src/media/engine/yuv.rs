//! I420 -> RGBA for the one frame being presented (the cache keeps I420):
//! BT.601/BT.709, limited or full range, through yuvutils-rs, whose SIMD paths make
//! this a fraction of a step's time.

use yuvutils_rs::{YuvPlanarImage, YuvRange, YuvStandardMatrix, yuv420_to_rgba};

use super::cache::CachedFrame;

/// Converts a packed I420 frame to tightly packed RGBA (alpha 255).
#[cfg(test)]
pub(crate) fn i420_to_rgba(f: &CachedFrame) -> Vec<u8> {
    let mut out = Vec::new();
    i420_to_rgba_into(f, &mut out);
    out
}

/// As [`i420_to_rgba`], reusing `out`'s allocation (a recycled frame
/// buffer: a fresh 8 MB buffer per 1080p frame costs page faults). A frame
/// whose planes are short comes out black rather than half-drawn.
pub(crate) fn i420_to_rgba_into(f: &CachedFrame, out: &mut Vec<u8>) {
    let (w, h) = (f.width as usize, f.height as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    out.clear();
    out.resize(w * h * 4, 255);
    let converted = f.i420.len() >= CachedFrame::i420_len(f.width, f.height) && {
        let (y_plane, rest) = f.i420.split_at(w * h);
        let (u_plane, v_plane) = rest.split_at(cw * ch);
        let image = YuvPlanarImage {
            y_plane,
            y_stride: f.width,
            u_plane,
            u_stride: cw as u32,
            v_plane: &v_plane[..cw * ch],
            v_stride: cw as u32,
            width: f.width,
            height: f.height,
        };
        let matrix = if f.bt709 {
            YuvStandardMatrix::Bt709
        } else {
            YuvStandardMatrix::Bt601
        };
        let range = if f.full_range {
            YuvRange::Full
        } else {
            YuvRange::Limited
        };
        yuv420_to_rgba(&image, out, f.width * 4, range, matrix).is_ok()
    };
    if !converted {
        for px in out.chunks_exact_mut(4) {
            px[..3].fill(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Coefficients scaled by 2^16 for (R from V, G from U, G from V, B from U).
    fn coefficients(bt709: bool) -> (i32, i32, i32, i32) {
        if bt709 {
            (117_489, 13_975, 34_925, 138_438)
        } else {
            (104_597, 25_675, 53_279, 132_201)
        }
    }

    fn clamp(v: i32) -> u8 {
        (v >> 16).clamp(0, 255) as u8
    }

    /// The textbook per-pixel formula, in fixed point.
    fn reference(f: &CachedFrame) -> Vec<u8> {
        let (w, h) = (f.width as usize, f.height as usize);
        let cw = w.div_ceil(2);
        let ch = h.div_ceil(2);
        let (y_plane, rest) = f.i420.split_at(w * h);
        let (u_plane, v_plane) = rest.split_at(cw * ch);
        let (rv, gu, gv, bu) = coefficients(f.bt709);
        let mut out = vec![255u8; w * h * 4];
        for row in 0..h {
            for x in 0..w {
                let y = (y_plane[row * w + x] as i32 - 16) * 76_309;
                let u = u_plane[(row / 2) * cw + x / 2] as i32 - 128;
                let v = v_plane[(row / 2) * cw + x / 2] as i32 - 128;
                let px = &mut out[(row * w + x) * 4..][..4];
                px[0] = clamp(y + rv * v);
                px[1] = clamp(y - gu * u - gv * v);
                px[2] = clamp(y + bu * u);
            }
        }
        out
    }

    #[test]
    fn conversion_matches_the_textbook_formula_at_odd_sizes() {
        let mut seed = 0x2545_f491_u32;
        for (w, h) in [
            (1, 1),
            (3, 3),
            (5, 2),
            (2, 7),
            (64, 36),
            (33, 17),
            (960, 540),
        ] {
            for bt709 in [false, true] {
                let len = CachedFrame::i420_len(w, h);
                let luma = (w * h) as usize;
                // Legal limited-range samples (luma 16-235, chroma 16-240):
                // below black the two roundings part ways, invisibly.
                let i420 = (0..len)
                    .map(|i| {
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        let span = if i < luma { 220 } else { 225 };
                        16 + (seed >> 8) % span
                    })
                    .map(|s| s as u8)
                    .collect();
                let f = CachedFrame {
                    frame: 0,
                    pts_ns: 0,
                    width: w,
                    height: h,
                    bt709,
                    full_range: false,
                    i420,
                };
                let (got, want) = (i420_to_rgba(&f), reference(&f));
                assert_eq!(got.len(), want.len());
                let worst = got.iter().zip(&want).map(|(a, b)| a.abs_diff(*b)).max();
                // The SIMD paths round in 8-bit-friendly precision: 3 in 255 at most.
                assert!(worst <= Some(3), "{w}x{h} bt709={bt709}: off by {worst:?}");
                assert!(got.chunks_exact(4).all(|p| p[3] == 255));
            }
        }
    }

    #[test]
    fn short_planes_come_out_black() {
        let f = CachedFrame {
            frame: 0,
            pts_ns: 0,
            width: 4,
            height: 4,
            bt709: false,
            full_range: false,
            i420: vec![200; 10],
        };
        let rgba = i420_to_rgba(&f);
        assert_eq!(rgba.len(), 64);
        assert!(rgba.chunks_exact(4).all(|p| p == [0, 0, 0, 255]));
    }

    #[test]
    fn black_white_grey() {
        for (luma, expect) in [(16u8, 0u8), (235, 255), (126, 128)] {
            let f = CachedFrame {
                frame: 0,
                pts_ns: 0,
                width: 3,
                height: 3,
                bt709: true,
                full_range: false,
                i420: {
                    let mut v = vec![luma; 9];
                    v.extend(vec![128u8; 8]);
                    v
                },
            };
            let rgba = i420_to_rgba(&f);
            assert_eq!(rgba.len(), 36);
            for px in rgba.chunks_exact(4) {
                for c in &px[..3] {
                    assert!(c.abs_diff(expect) <= 1, "{luma} -> {c}");
                }
                assert_eq!(px[3], 255);
            }
        }
    }

    #[test]
    fn full_range_keeps_the_ends_of_the_scale() {
        // Full range: 0 is black, 255 white and 16 a dark grey, where
        // limited range would crush 16 to black.
        for (luma, full, limited) in [(0u8, 0u8, 0u8), (16, 16, 0), (255, 255, 255)] {
            for (full_range, expect) in [(true, full), (false, limited)] {
                let f = CachedFrame {
                    frame: 0,
                    pts_ns: 0,
                    width: 2,
                    height: 2,
                    bt709: false,
                    full_range,
                    i420: vec![luma, luma, luma, luma, 128, 128],
                };
                for px in i420_to_rgba(&f).chunks_exact(4) {
                    for c in &px[..3] {
                        assert!(
                            c.abs_diff(expect) <= 1,
                            "luma {luma} full={full_range}: {c}, want {expect}"
                        );
                    }
                }
            }
        }
    }
}
