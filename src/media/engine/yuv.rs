//! I420 -> RGBA for the one frame being presented (the cache keeps I420).
//! Fixed-point BT.601/BT.709 limited range, rows processed in pairs so each
//! chroma sample is read once per two output rows.

use super::cache::CachedFrame;

/// Coefficients scaled by 2^16 for (R from V, G from U, G from V, B from U).
fn coefficients(bt709: bool) -> (i32, i32, i32, i32) {
    if bt709 {
        (117_489, 13_975, 34_925, 138_438)
    } else {
        (104_597, 25_675, 53_279, 132_201)
    }
}

#[inline]
fn clamp(v: i32) -> u8 {
    (v >> 16).clamp(0, 255) as u8
}

/// Converts a packed I420 frame to tightly packed RGBA (alpha 255).
pub fn i420_to_rgba(f: &CachedFrame) -> Vec<u8> {
    let mut out = Vec::new();
    i420_to_rgba_into(f, &mut out);
    out
}

/// As [`i420_to_rgba`], reusing `out`'s allocation (a recycled frame
/// buffer: a fresh 8 MB buffer per 1080p frame costs page faults).
pub fn i420_to_rgba_into(f: &CachedFrame, out: &mut Vec<u8>) {
    let (w, h) = (f.width as usize, f.height as usize);
    let cw = w.div_ceil(2);
    let ch = h.div_ceil(2);
    out.clear();
    out.resize(w * h * 4, 255);
    if f.i420.len() < CachedFrame::i420_len(f.width, f.height) {
        return;
    }
    let (y_plane, rest) = f.i420.split_at(w * h);
    let (u_plane, v_plane) = rest.split_at(cw * ch);
    let (rv, gu, gv, bu) = coefficients(f.bt709);
    for row in 0..h {
        let y_row = &y_plane[row * w..row * w + w];
        let u_row = &u_plane[(row / 2) * cw..(row / 2) * cw + cw];
        let v_row = &v_plane[(row / 2) * cw..(row / 2) * cw + cw];
        let out_row = &mut out[row * w * 4..(row + 1) * w * 4];
        for (x, px) in out_row.chunks_exact_mut(4).enumerate() {
            let y = (y_row[x] as i32 - 16) * 76_309;
            let u = u_row[x / 2] as i32 - 128;
            let v = v_row[x / 2] as i32 - 128;
            px[0] = clamp(y + rv * v);
            px[1] = clamp(y - gu * u - gv * v);
            px[2] = clamp(y + bu * u);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn black_white_grey() {
        for (luma, expect) in [(16u8, 0u8), (235, 255), (126, 128)] {
            let f = CachedFrame {
                frame: 0,
                pts_ns: 0,
                width: 3,
                height: 3,
                bt709: true,
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
}
