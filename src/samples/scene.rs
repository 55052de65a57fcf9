//! Drawing the sample scene: a parent and an infant as simple, soft figures
//! in a warm room, posed by the script.
//!
//! Everything is placed in "stage" units: a square of side
//! `min(width, height)` standing on the bottom of the picture (landscape) or
//! a little below the middle (portrait), so the same scene renders at any
//! size. The static room is drawn once per clip; each frame copies it and
//! draws the figures (and any foreground props) on top.

use image::RgbaImage;

use super::raster::{Color, fill_ellipse, fill_rect, fill_round_rect, rgb, stroke};
use super::script::{FigurePose, Pose};

/// Which room the scene is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    PlayMat,
    Feeding,
    Bath,
}

const PARENT_SKIN: Color = rgb(224, 176, 144);
const PARENT_HAIR: Color = rgb(92, 60, 44);
const PARENT_TOP: Color = rgb(121, 152, 172);
const PARENT_SLEEVE: Color = rgb(106, 137, 158);
const INFANT_SKIN: Color = rgb(241, 200, 172);
const INFANT_HAIR: Color = rgb(160, 118, 84);
const INFANT_SUIT: Color = rgb(246, 214, 122);
const INFANT_SUIT_SHADE: Color = rgb(232, 196, 104);
const EYE_WHITE: Color = rgb(250, 248, 244);
const PUPIL: Color = rgb(52, 40, 40);
const LIPS: Color = rgb(152, 74, 74);
const MOUTH_INSIDE: Color = rgb(122, 48, 58);
const BLUSH: Color = [236, 128, 128, 70];

/// Where the figures and props sit, in stage units.
struct Layout {
    parent_head: (f32, f32, f32),
    parent_body: (f32, f32, f32, f32),
    infant_head: (f32, f32, f32),
    infant_body: (f32, f32, f32, f32),
}

fn layout(setting: Setting) -> Layout {
    match setting {
        Setting::PlayMat => Layout {
            parent_head: (0.27, 0.40, 0.105),
            parent_body: (0.26, 0.88, 0.19, 0.32),
            infant_head: (0.72, 0.60, 0.085),
            infant_body: (0.72, 0.86, 0.12, 0.17),
        },
        Setting::Feeding => Layout {
            parent_head: (0.33, 0.30, 0.105),
            parent_body: (0.30, 0.82, 0.22, 0.38),
            infant_head: (0.66, 0.58, 0.08),
            infant_body: (0.47, 0.645, 0.16, 0.075),
        },
        Setting::Bath => Layout {
            parent_head: (0.24, 0.42, 0.105),
            parent_body: (0.22, 0.90, 0.19, 0.32),
            infant_head: (0.71, 0.55, 0.085),
            infant_body: (0.71, 0.78, 0.11, 0.15),
        },
    }
}

/// A scene at one picture size, with its room pre-drawn.
pub(crate) struct Scene {
    setting: Setting,
    layout: Layout,
    /// Stage side and origin in pixels.
    s: f32,
    ox: f32,
    oy: f32,
    background: RgbaImage,
}

impl Scene {
    pub(crate) fn new(setting: Setting, width: u32, height: u32) -> Self {
        let s = width.min(height) as f32;
        let ox = (width as f32 - s) / 2.0;
        let oy = (height as f32 - s) * 0.7;
        let mut scene = Scene {
            setting,
            layout: layout(setting),
            s,
            ox,
            oy,
            background: RgbaImage::new(width, height),
        };
        let mut bg = RgbaImage::new(width, height);
        scene.draw_room(&mut bg);
        scene.background = bg;
        scene
    }

    /// Draws the scene for `pose` into `out` (which must be the scene's size;
    /// a different size is replaced).
    pub(crate) fn render(&self, pose: &Pose, out: &mut RgbaImage) {
        if out.dimensions() != self.background.dimensions() {
            *out = self.background.clone();
        } else {
            out.copy_from_slice(&self.background);
        }
        if self.setting == Setting::Feeding {
            // In arms: the parent is behind the infant.
            self.draw_parent(out, &pose.parent);
            self.draw_infant(out, &pose.infant);
            self.draw_cradling_arm(out);
        } else {
            self.draw_infant(out, &pose.infant);
            self.draw_parent(out, &pose.parent);
        }
        if self.setting == Setting::Bath {
            self.draw_tub_front(out);
        }
    }

    /// Stage point to pixels.
    fn p(&self, u: f32, v: f32) -> (f32, f32) {
        (self.ox + u * self.s, self.oy + v * self.s)
    }

    /// Stage length to pixels.
    fn d(&self, l: f32) -> f32 {
        l * self.s
    }

    fn ellipse(&self, img: &mut RgbaImage, u: f32, v: f32, ru: f32, rv: f32, c: Color) {
        let (x, y) = self.p(u, v);
        fill_ellipse(img, x, y, self.d(ru), self.d(rv), c);
    }

    #[allow(clippy::too_many_arguments)] // a rectangle, its radius and colour
    fn round_rect(
        &self,
        img: &mut RgbaImage,
        u0: f32,
        v0: f32,
        u1: f32,
        v1: f32,
        r: f32,
        c: Color,
    ) {
        let (x0, y0) = self.p(u0, v0);
        let (x1, y1) = self.p(u1, v1);
        fill_round_rect(img, x0, y0, x1, y1, self.d(r), c);
    }

    fn draw_room(&self, img: &mut RgbaImage) {
        let (w, h) = (img.width() as f32, img.height() as f32);
        match self.setting {
            Setting::PlayMat => {
                let floor_y = self.p(0.0, 0.66).1;
                fill_rect(img, 0.0, 0.0, w, floor_y, rgb(247, 228, 206));
                fill_rect(img, 0.0, floor_y, w, h, rgb(216, 192, 162));
                fill_rect(
                    img,
                    0.0,
                    floor_y - self.d(0.015),
                    w,
                    floor_y,
                    rgb(236, 214, 190),
                );
                // A window with a soft sky, high on the wall.
                self.round_rect(img, 0.80, 0.10, 1.12, 0.46, 0.02, rgb(255, 250, 244));
                self.round_rect(img, 0.82, 0.12, 1.10, 0.44, 0.01, rgb(198, 224, 240));
                self.ellipse(img, 0.93, 0.22, 0.07, 0.03, rgb(244, 248, 252));
                // The play mat: pastel squares in a soft frame.
                self.round_rect(img, 0.02, 0.74, 0.98, 1.08, 0.04, rgb(188, 214, 190));
                let tiles = [rgb(238, 206, 196), rgb(206, 222, 236), rgb(240, 228, 180)];
                for i in 0..6 {
                    let u = 0.06 + i as f32 * 0.15;
                    self.round_rect(img, u, 0.78, u + 0.13, 1.02, 0.02, tiles[i % 3]);
                }
                // The rattle they will look at together.
                self.ellipse(img, 0.50, 0.90, 0.045, 0.045, rgb(226, 96, 88));
                self.ellipse(img, 0.50, 0.90, 0.022, 0.022, rgb(250, 236, 150));
                self.round_rect(img, 0.535, 0.895, 0.62, 0.91, 0.007, rgb(120, 170, 200));
            }
            Setting::Feeding => {
                fill_rect(img, 0.0, 0.0, w, h, rgb(240, 222, 214));
                let floor_y = self.p(0.0, 0.92).1;
                fill_rect(img, 0.0, floor_y, w, h, rgb(196, 170, 152));
                // A framed picture and a warm lamp glow on the wall.
                self.round_rect(img, 0.62, 0.04, 0.92, 0.24, 0.01, rgb(250, 244, 236));
                self.round_rect(img, 0.64, 0.06, 0.90, 0.22, 0.005, rgb(214, 226, 200));
                self.ellipse(img, 0.77, 0.16, 0.06, 0.04, rgb(236, 200, 150));
                self.ellipse(img, 0.10, 0.10, 0.16, 0.16, rgb(248, 230, 208));
                self.ellipse(img, 0.10, 0.10, 0.07, 0.07, rgb(252, 240, 214));
                // The armchair behind the parent.
                self.round_rect(img, 0.02, 0.14, 0.66, 1.0, 0.08, rgb(150, 180, 168));
                self.round_rect(img, 0.0, 0.60, 0.12, 1.0, 0.05, rgb(136, 166, 154));
                self.round_rect(img, 0.56, 0.60, 0.70, 1.0, 0.05, rgb(136, 166, 154));
            }
            Setting::Bath => {
                fill_rect(img, 0.0, 0.0, w, h, rgb(206, 228, 236));
                // Tile grout lines, spaced in stage units.
                let step = self.d(0.09);
                let line = self.d(0.004).max(1.0);
                let mut x = 0.0;
                // Bounded by the picture width over a positive step.
                while x < w {
                    fill_rect(img, x, 0.0, x + line, h, rgb(190, 214, 224));
                    x += step;
                }
                let mut y = 0.0;
                while y < h {
                    fill_rect(img, 0.0, y, w, y + line, rgb(190, 214, 224));
                    y += step;
                }
                let floor_y = self.p(0.0, 0.80).1;
                fill_rect(img, 0.0, floor_y, w, h, rgb(226, 216, 204));
                // The water behind the infant.
                self.round_rect(img, 0.44, 0.66, 1.04, 0.80, 0.03, rgb(176, 212, 232));
            }
        }
    }

    fn draw_parent(&self, img: &mut RgbaImage, pose: &FigurePose) {
        let (hx, hy, r) = self.layout.parent_head;
        let (bx, by, brx, bry) = self.layout.parent_body;
        // Towards the infant is to the right.
        let dir = 1.0;
        self.ellipse(img, bx, by, brx, bry, PARENT_TOP);
        // Neck.
        self.round_rect(
            img,
            hx - 0.035,
            hy + 0.06,
            hx + 0.035,
            by - bry + 0.05,
            0.01,
            PARENT_SKIN,
        );
        if self.setting != Setting::Feeding {
            // The arm nearer the infant, reaching gently forward (when
            // feeding, the cradling arm is drawn over the infant instead).
            self.ellipse(img, bx + 0.15, by - 0.05, 0.055, 0.19, PARENT_SLEEVE);
            self.ellipse(img, bx + 0.18, by + 0.12, 0.035, 0.03, PARENT_SKIN);
        }
        let hy = hy + pose.nod * r;
        // Hair behind the face, with a bun at the back of the head.
        self.ellipse(
            img,
            hx - dir * 0.9 * r,
            hy - 0.45 * r,
            0.38 * r,
            0.38 * r,
            PARENT_HAIR,
        );
        self.ellipse(img, hx, hy - 0.08 * r, 1.06 * r, 1.06 * r, PARENT_HAIR);
        self.draw_face(img, hx, hy, r, dir, pose, PARENT_SKIN, false);
    }

    fn draw_infant(&self, img: &mut RgbaImage, pose: &FigurePose) {
        let (hx, hy, r) = self.layout.infant_head;
        let (bx, by, brx, bry) = self.layout.infant_body;
        // Towards the parent is to the left.
        let dir = -1.0;
        self.ellipse(img, bx, by, brx, bry, INFANT_SUIT);
        if self.setting != Setting::Feeding {
            // Little arms that lift a touch with a smile.
            let lift = 0.03 * pose.smile;
            self.ellipse(
                img,
                bx - brx * 0.9,
                by - bry * 0.3 - lift,
                0.03,
                0.07,
                INFANT_SUIT_SHADE,
            );
            self.ellipse(
                img,
                bx + brx * 0.9,
                by - bry * 0.3 - lift,
                0.03,
                0.07,
                INFANT_SUIT_SHADE,
            );
            self.ellipse(
                img,
                bx - brx * 0.9,
                by - bry * 0.3 - lift - 0.07,
                0.024,
                0.024,
                INFANT_SKIN,
            );
            self.ellipse(
                img,
                bx + brx * 0.9,
                by - bry * 0.3 - lift - 0.07,
                0.024,
                0.024,
                INFANT_SKIN,
            );
        }
        self.draw_face(img, hx, hy, r, dir, pose, INFANT_SKIN, true);
        // A small curl on top.
        self.ellipse(
            img,
            hx + 0.1 * r,
            hy - 0.95 * r,
            0.2 * r,
            0.14 * r,
            INFANT_HAIR,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn draw_face(
        &self,
        img: &mut RgbaImage,
        hx: f32,
        hy: f32,
        r: f32,
        dir: f32,
        pose: &FigurePose,
        skin: Color,
        infant: bool,
    ) {
        let (gx, gy) = pose.gaze;
        // Turning the head: the face and its features shift towards the gaze.
        let fx = hx + dir * gx * 0.08 * r;
        self.ellipse(img, fx, hy + 0.06 * r, 0.92 * r, 0.94 * r, skin);
        let sx = fx + dir * gx * 0.16 * r;
        let sy = hy + gy * 0.1 * r;
        let (eye_dx, eye_rx, eye_ry) = if infant {
            (0.36, 0.19, 0.21)
        } else {
            (0.36, 0.17, 0.17)
        };
        for side in [-1.0, 1.0] {
            let ex = sx + side * eye_dx * r;
            let ey = sy - 0.1 * r;
            self.ellipse(img, ex, ey, eye_rx * r, eye_ry * r, EYE_WHITE);
            let px = ex + dir * gx * 0.07 * r;
            let py = ey + gy * 0.08 * r;
            self.ellipse(img, px, py, 0.1 * r, 0.11 * r, PUPIL);
            // Cheeks warm up with a smile.
            if pose.smile > 0.05 {
                let blush = [
                    BLUSH[0],
                    BLUSH[1],
                    BLUSH[2],
                    (f32::from(BLUSH[3]) * pose.smile) as u8,
                ];
                self.ellipse(
                    img,
                    sx + side * 0.56 * r,
                    sy + 0.26 * r,
                    0.15 * r,
                    0.1 * r,
                    blush,
                );
            }
        }
        let mx = sx;
        let my = sy + 0.45 * r;
        let hw = 0.26 * r * (1.0 + 0.35 * pose.smile);
        if pose.mouth_open > 0.08 {
            let ry = 0.05 * r + 0.2 * r * pose.mouth_open;
            self.ellipse(img, mx, my + 0.02 * r, hw * 0.7, ry, MOUTH_INSIDE);
        } else {
            // A curve whose middle dips below its corners as the smile grows;
            // even "neutral" is a soft, content line in this gentle scene.
            let bend = (0.02 + 0.15 * pose.smile) * r;
            let pts: Vec<(f32, f32)> = (0..=8)
                .map(|i| {
                    let k = i as f32 / 4.0 - 1.0;
                    self.p(mx + k * hw, my + bend * (1.0 - k * k))
                })
                .collect();
            stroke(img, &pts, self.d(0.045 * r).max(0.8), LIPS);
        }
    }

    fn draw_cradling_arm(&self, img: &mut RgbaImage) {
        self.ellipse(img, 0.46, 0.70, 0.19, 0.045, PARENT_SLEEVE);
        self.ellipse(img, 0.64, 0.68, 0.035, 0.03, PARENT_SKIN);
    }

    fn draw_tub_front(&self, img: &mut RgbaImage) {
        self.round_rect(img, 0.42, 0.74, 1.06, 1.08, 0.05, rgb(250, 250, 252));
        self.round_rect(img, 0.42, 0.74, 1.06, 0.77, 0.015, rgb(228, 234, 240));
        for (u, rr) in [
            (0.50, 0.025),
            (0.55, 0.018),
            (0.86, 0.022),
            (0.91, 0.03),
            (0.96, 0.02),
        ] {
            self.ellipse(img, u, 0.73, rr, rr, rgb(246, 250, 255));
        }
        // The duck, bobbing on the rim.
        self.ellipse(img, 0.56, 0.70, 0.045, 0.03, rgb(250, 210, 64));
        self.ellipse(img, 0.535, 0.665, 0.022, 0.022, rgb(250, 210, 64));
        self.ellipse(img, 0.512, 0.67, 0.012, 0.006, rgb(240, 140, 60));
        self.ellipse(img, 0.532, 0.66, 0.004, 0.004, PUPIL);
    }
}

/// Convenience for tests and previews: one rendered frame.
#[cfg(test)]
pub(crate) fn render_once(setting: Setting, width: u32, height: u32, pose: &Pose) -> RgbaImage {
    let scene = Scene::new(setting, width, height);
    let mut out = RgbaImage::new(width, height);
    scene.render(pose, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pose() -> Pose {
        let f = FigurePose {
            gaze: (1.0, 0.0),
            smile: 1.0,
            mouth_open: 0.0,
            nod: 0.0,
        };
        Pose {
            parent: f,
            infant: FigurePose {
                mouth_open: 1.0,
                ..f
            },
        }
    }

    #[test]
    fn renders_at_every_size_and_setting() {
        for setting in [Setting::PlayMat, Setting::Feeding, Setting::Bath] {
            for (w, h) in [(640, 360), (360, 640), (480, 270), (64, 36)] {
                let img = render_once(setting, w, h, &pose());
                assert_eq!(img.dimensions(), (w, h));
                // Opaque everywhere: the room covers the whole picture.
                assert!(img.pixels().all(|p| p.0[3] == 255));
            }
        }
    }

    #[test]
    fn gaze_changes_the_picture() {
        let a = render_once(Setting::PlayMat, 320, 180, &pose());
        let mut away = pose();
        away.infant.gaze = (-0.9, -0.25);
        let b = render_once(Setting::PlayMat, 320, 180, &away);
        assert_ne!(a, b);
    }
}
