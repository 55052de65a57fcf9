//! The viewer: the engine's current frame at the right aspect ratio, and the
//! frame number and timecode under it. It only sends commands and reads the
//! engine's snapshot; nothing here waits on the engine.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::media::engine::{Player, PlayerCommand, PlayerConfig, PlayerState};
use crate::model::ClipId;

/// Boxes the engine scales frames into. Changing box reopens the clip, so
/// the viewer moves between a few sizes rather than following every pixel
/// of a window resize.
const DISPLAY_BOXES: [(u32, u32); 4] = [(640, 360), (960, 540), (1280, 720), (1920, 1080)];
/// How long the viewer must keep a new size before the engine is told.
const RESIZE_SETTLE: Duration = Duration::from_millis(500);
/// Show a spinner only when the engine is slower than this: brief waits
/// flicker otherwise.
const SPINNER_AFTER: Duration = Duration::from_millis(300);

pub(super) struct Viewer {
    player: Option<Player>,
    /// Why there is no engine (GStreamer failed to start).
    engine_error: Option<String>,
    state: PlayerState,
    texture: Option<egui::TextureHandle>,
    shown_generation: u64,
    clip: Option<ClipId>,
    display_box: (u32, u32),
    resize_to: Option<((u32, u32), Instant)>,
    commands_sent: u64,
    busy_since: Option<Instant>,
}

impl Viewer {
    pub(super) fn new(ctx: &egui::Context) -> Self {
        let (player, engine_error) = match Player::new(PlayerConfig::default()) {
            Ok(player) => {
                let ctx = ctx.clone();
                player.set_repaint_callback(Box::new(move || ctx.request_repaint()));
                (Some(player), None)
            }
            Err(e) => (None, Some(format!("The video engine could not start: {e}"))),
        };
        Self {
            player,
            engine_error,
            state: PlayerState::default(),
            texture: None,
            shown_generation: 0,
            clip: None,
            display_box: DISPLAY_BOXES[1],
            resize_to: None,
            commands_sent: 0,
            busy_since: None,
        }
    }

    pub(super) fn state(&self) -> &PlayerState {
        &self.state
    }

    /// The frame on screen (the engine's, not a guess).
    pub(super) fn frame(&self) -> u32 {
        self.state.frame
    }

    /// True while commands are queued or a clip is opening.
    pub(super) fn is_busy(&self) -> bool {
        self.state.loading || self.state.commands_done < self.commands_sent
    }

    /// True while a new display size waits to settle before it is sent:
    /// the frame on screen will be decoded again at the new size.
    pub(super) fn resize_pending(&self) -> bool {
        self.resize_to.is_some()
    }

    pub(super) fn open(&mut self, clip: ClipId, path: PathBuf) {
        self.clip = Some(clip);
        self.texture = None;
        self.send(PlayerCommand::Open {
            path,
            display_size: Some(self.display_box),
        });
    }

    /// Opens a file that is not one of the project's clips (a rendered reel).
    pub(super) fn open_file(&mut self, path: PathBuf) {
        self.clip = None;
        self.texture = None;
        self.send(PlayerCommand::Open {
            path,
            display_size: Some(self.display_box),
        });
    }

    pub(super) fn close(&mut self) {
        self.clip = None;
        self.texture = None;
        self.send(PlayerCommand::Close);
    }

    pub(super) fn send(&mut self, cmd: PlayerCommand) {
        if let Some(player) = &self.player {
            player.send(cmd);
            self.commands_sent += 1;
        }
    }

    /// Takes the engine's snapshot and newest frame; call once per UI frame.
    pub(super) fn poll(&mut self, ctx: &egui::Context) {
        let Some(player) = &self.player else {
            return;
        };
        self.state = player.state();
        let generation = player.frame_generation();
        if generation != self.shown_generation
            && let Some(frame) = player.latest_frame()
        {
            self.shown_generation = generation;
            let size = [frame.width as usize, frame.height as usize];
            if frame.rgba.len() == size[0] * size[1] * 4 {
                let image = egui::ColorImage::from_rgba_unmultiplied(size, &frame.rgba);
                match &mut self.texture {
                    Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                    None => {
                        self.texture = Some(ctx.load_texture(
                            "viewer-frame",
                            image,
                            egui::TextureOptions::LINEAR,
                        ))
                    }
                }
            }
        }
        if self.is_busy() {
            let since = *self.busy_since.get_or_insert_with(Instant::now);
            // Wake up to show the spinner even if the engine stays silent.
            ctx.request_repaint_after(SPINNER_AFTER.saturating_sub(since.elapsed()));
        } else {
            self.busy_since = None;
        }
        if let Some((size, since)) = self.resize_to {
            // Changing size reopens the clip; never in the middle of playback.
            if self.state.playing {
                ctx.request_repaint_after(RESIZE_SETTLE);
            } else if since.elapsed() >= RESIZE_SETTLE {
                self.resize_to = None;
                self.display_box = size;
                self.send(PlayerCommand::SetDisplaySize(Some(size)));
            } else {
                ctx.request_repaint_after(RESIZE_SETTLE);
            }
        }
    }

    /// Draws the picture into the space given; returns where the picture is.
    pub(super) fn show(&mut self, ui: &mut egui::Ui) -> egui::Rect {
        let rect = ui.available_rect_before_wrap();
        let (rect, _) = ui.allocate_exact_size(rect.size(), egui::Sense::hover());
        ui.painter()
            .rect_filled(rect, 4.0, egui::Color32::from_gray(16));
        self.want_box(rect.size() * ui.ctx().pixels_per_point());

        if let Some(message) = self.engine_error.clone().or(self.state.error.clone()) {
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect.shrink(24.0)));
            child.centered_and_justified(|ui| {
                ui.colored_label(ui.visuals().error_fg_color, message);
            });
            return rect;
        }
        let mut shown = rect;
        if let Some(texture) = &self.texture {
            let size = texture.size_vec2();
            let scale = (rect.width() / size.x)
                .min(rect.height() / size.y)
                .max(0.01);
            let picture = egui::Rect::from_center_size(rect.center(), size * scale);
            shown = picture;
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(picture));
            child.add(
                egui::Image::new((texture.id(), picture.size()))
                    .alt_text(format!("Frame {} of the clip", self.state.frame)),
            );
        }
        let slow = self
            .busy_since
            .is_some_and(|since| since.elapsed() >= SPINNER_AFTER);
        if slow || (self.texture.is_none() && self.clip.is_some()) {
            let spinner = egui::Rect::from_center_size(rect.center(), egui::vec2(32.0, 32.0));
            ui.put(spinner, egui::Spinner::new().size(32.0));
        }
        shown
    }

    /// Frame number and timecode, e.g. "Frame 123 / 720 · 00:00:04:03".
    pub(super) fn position_label(&self) -> String {
        let s = &self.state;
        if s.frame_count == 0 {
            return "No clip open".into();
        }
        let timecode = crate::model::FrameRate::new(s.fps_num, s.fps_den)
            .map(|r| r.timecode(u64::from(s.frame)))
            .unwrap_or_default();
        format!(
            "Frame {} / {} · {timecode}",
            s.frame,
            s.frame_count.saturating_sub(1)
        )
    }

    fn want_box(&mut self, physical: egui::Vec2) {
        let fits = |b: &(u32, u32)| b.0 as f32 >= physical.x && b.1 as f32 >= physical.y;
        let wanted = DISPLAY_BOXES
            .iter()
            .copied()
            .find(|b| fits(b))
            .unwrap_or(DISPLAY_BOXES[DISPLAY_BOXES.len() - 1]);
        if wanted == self.display_box {
            self.resize_to = None;
        } else if self.resize_to.is_none_or(|(size, _)| size != wanted) {
            self.resize_to = Some((wanted, Instant::now()));
        }
    }
}
