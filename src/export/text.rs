//! Captions and title cards drawn with the font shipped in `assets/fonts`
//! (DejaVu Sans), so a reel looks the same on every machine.
//!
//! A caption is rendered once per item into a premultiplied RGBA overlay the
//! width of the picture and only as tall as its band at the bottom; each frame
//! then blends just those rows. The band is a soft dark veil so white text
//! reads on any picture, and it stays at the bottom so the top of the picture
//! (where sample clips carry their frame code) is never covered.

use ab_glyph::{Font, FontRef, Glyph, PxScale, ScaleFont, point};
use image::{Rgba, RgbaImage};

static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// How opaque the caption band is at its fullest.
const BAND_ALPHA: f32 = 0.62;
/// Captions longer than this many lines are cut with an ellipsis.
const MAX_LINES: usize = 3;
const TITLE_BG: Rgba<u8> = Rgba([46, 38, 34, 255]);
const TITLE_FG: [u8; 3] = [250, 240, 226];
const SUBTITLE_FG: [u8; 3] = [226, 200, 170];

#[derive(Debug, thiserror::Error)]
#[error("the shipped caption font cannot be read")]
pub struct FontError;

fn font() -> Result<FontRef<'static>, FontError> {
    FontRef::try_from_slice(FONT_BYTES).map_err(|_| FontError)
}

/// A premultiplied RGBA patch placed at `(0, y)`, full output width.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// Premultiplied RGBA, row-major, `width * height * 4` bytes.
    pub pixels: Vec<u8>,
}

impl Overlay {
    /// Blends the overlay over `img` (which must be at least as wide).
    pub fn blend_onto(&self, img: &mut RgbaImage) {
        let img_w = img.width() as usize;
        let row = self.width as usize * 4;
        let raw: &mut [u8] = img;
        for (r, src) in self.pixels.chunks_exact(row).enumerate() {
            let start = (self.y as usize + r) * img_w * 4;
            let Some(dst) = raw.get_mut(start..start + row) else {
                return;
            };
            for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                let keep = 255 - u16::from(s[3]);
                for c in 0..3 {
                    d[c] = s[c].saturating_add(((u16::from(d[c]) * keep + 127) / 255) as u8);
                }
            }
        }
    }
}

/// The caption band for `text` on a `width` x `height` output, or `None`
/// when there is no caption to show.
pub fn caption_overlay(text: &str, width: u32, height: u32) -> Result<Option<Overlay>, FontError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let font = font()?;
    let px = (height as f32 / 20.0).round();
    let scaled = font.as_scaled(PxScale::from(px));
    let lines = wrap(&scaled, text, width as f32 * 0.86);
    let line_h = (scaled.height() + scaled.line_gap()).ceil() * 1.1;
    let pad = (px * 0.6).round();
    let band_h = (line_h * lines.len() as f32 + 2.0 * pad).ceil() as u32;
    // Even, so the band covers whole chroma rows of 4:2:0 video.
    let band_h = band_h.min(height / 3).next_multiple_of(2);
    let mut coverage = vec![0f32; (width * band_h) as usize];
    for (i, line) in lines.iter().enumerate() {
        let line_w = line_width(&scaled, line);
        let x0 = (width as f32 - line_w) / 2.0;
        let baseline = pad + scaled.ascent() + line_h * i as f32;
        draw_line(&font, px, line, x0, baseline, width, band_h, &mut coverage);
    }
    let fade = (pad * 0.8).max(1.0);
    let mut pixels = Vec::with_capacity(coverage.len() * 4);
    for (i, &c) in coverage.iter().enumerate() {
        let y = (i as u32 / width) as f32;
        // The veil fades in over its top rows so it does not cut the picture.
        let veil = BAND_ALPHA * ((y + 0.5) / fade).min(1.0);
        let c = c.clamp(0.0, 1.0);
        let alpha = c + (1.0 - c) * veil;
        let white = (255.0 * c).round() as u8;
        pixels.extend_from_slice(&[white, white, white, (255.0 * alpha).round() as u8]);
    }
    Ok(Some(Overlay {
        y: height - band_h,
        width,
        height: band_h,
        pixels,
    }))
}

/// A full-frame title card: the title large, the subtitle below it, both
/// above the caption band's area.
pub(crate) fn title_card(
    title: &str,
    subtitle: &str,
    width: u32,
    height: u32,
) -> Result<RgbaImage, FontError> {
    let font = font()?;
    let mut img = RgbaImage::from_pixel(width, height, TITLE_BG);
    let mut y = height as f32 * 0.36;
    for (text, px, colour) in [
        (title, height as f32 / 11.0, TITLE_FG),
        (subtitle, height as f32 / 20.0, SUBTITLE_FG),
    ] {
        let scaled = font.as_scaled(PxScale::from(px));
        for line in wrap(&scaled, text.trim(), width as f32 * 0.8)
            .iter()
            .take(2)
        {
            let x0 = (width as f32 - line_width(&scaled, line)) / 2.0;
            let baseline = y + scaled.ascent();
            let mut coverage = vec![0f32; (width * height) as usize];
            draw_line(&font, px, line, x0, baseline, width, height, &mut coverage);
            for (p, &c) in img.pixels_mut().zip(&coverage) {
                if c > 0.0 {
                    let c = c.min(1.0);
                    for (channel, &fg) in p.0.iter_mut().zip(&colour) {
                        let v = f32::from(*channel) * (1.0 - c) + f32::from(fg) * c;
                        *channel = v.round() as u8;
                    }
                }
            }
            y += (scaled.height() + scaled.line_gap()) * 1.15;
        }
        y += height as f32 * 0.03;
    }
    Ok(img)
}

fn line_width<F: Font>(font: &impl ScaleFont<F>, line: &str) -> f32 {
    let mut w = 0.0;
    let mut prev = None;
    for ch in line.chars() {
        let id = font.glyph_id(ch);
        if let Some(p) = prev {
            w += font.kern(p, id);
        }
        w += font.h_advance(id);
        prev = Some(id);
    }
    w
}

/// Greedy word wrap; words longer than a line are left to overflow rather
/// than split mid-word (captions are short, kind sentences).
fn wrap<F: Font>(font: &impl ScaleFont<F>, text: &str, max_w: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || line_width(font, &candidate) <= max_w {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

/// Rasterises one line into a coverage buffer of `w` x `h`.
#[allow(clippy::too_many_arguments)]
fn draw_line(
    font: &FontRef<'_>,
    px: f32,
    line: &str,
    x0: f32,
    baseline: f32,
    w: u32,
    h: u32,
    coverage: &mut [f32],
) {
    let scale = PxScale::from(px);
    let scaled = font.as_scaled(scale);
    let mut x = x0;
    let mut prev = None;
    for ch in line.chars() {
        let id = scaled.glyph_id(ch);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        let glyph: Glyph = id.with_scale_and_position(scale, point(x, baseline));
        x += scaled.h_advance(id);
        prev = Some(id);
        let Some(outlined) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outlined.px_bounds();
        outlined.draw(|gx, gy, c| {
            let px_x = bounds.min.x as i64 + i64::from(gx);
            let px_y = bounds.min.y as i64 + i64::from(gy);
            if (0..i64::from(w)).contains(&px_x) && (0..i64::from(h)).contains(&px_y) {
                let i = (px_y as usize) * w as usize + px_x as usize;
                coverage[i] = (coverage[i] + c).min(1.0);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caption_band_sits_at_the_bottom_and_has_white_text() {
        let o = caption_overlay("You waited for her, and she came back", 1280, 720)
            .unwrap()
            .unwrap();
        assert_eq!(o.y + o.height, 720);
        assert!(o.height < 720 / 3);
        let white = o.pixels.chunks_exact(4).filter(|p| p[0] > 200).count();
        assert!(white > 500, "{white} text pixels");
        assert!(caption_overlay("  ", 1280, 720).unwrap().is_none());
    }

    #[test]
    fn long_captions_wrap_to_at_most_three_lines() {
        let font = font().unwrap();
        let scaled = font.as_scaled(PxScale::from(36.0));
        let lines = wrap(&scaled, &"gentle words ".repeat(60), 1000.0);
        assert_eq!(lines.len(), MAX_LINES);
        assert!(
            lines
                .iter()
                .all(|l| line_width(&scaled, l) <= 1000.0 + 40.0)
        );
    }

    #[test]
    fn blending_darkens_the_band_and_leaves_the_rest() {
        let mut img = RgbaImage::from_pixel(64, 48, Rgba([200, 100, 50, 255]));
        let o = Overlay {
            y: 40,
            width: 64,
            height: 8,
            pixels: [0, 0, 0, 128].repeat(64 * 8),
        };
        o.blend_onto(&mut img);
        assert_eq!(img.get_pixel(0, 39).0, [200, 100, 50, 255]);
        assert_eq!(img.get_pixel(0, 40).0[0], 100);
    }

    #[test]
    fn title_cards_have_text() {
        let img = title_card("Jo and Sam", "Moments that went well", 1280, 720).unwrap();
        let bright = img.pixels().filter(|p| p.0[0] > 200).count();
        assert!(bright > 1000);
    }
}
