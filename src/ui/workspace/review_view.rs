//! What review mode draws. The parent's view holds the picture, the item's
//! parent-facing caption in large type and a gentle "2 of 4", and nothing
//! else. The presenter view (clinical note, codes, the item list, a clock)
//! is drawn only in its own window or while the specialist holds H.

use super::Workspace;
use super::review::ReviewSession;
use crate::model::Project;
use crate::ui::style;

/// The parent's view, in a calm dark frame.
const PARENT_BACKGROUND: egui::Color32 = egui::Color32::from_rgb(18, 18, 20);

impl Workspace {
    pub(super) fn review_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.review_keys(&ctx);
        let Some(session) = &self.review.session else {
            return;
        };
        let fixed_clock = self.review.fixed_clock.as_deref();
        let (blank, caption_on, held, window, presenter_at) = (
            session.blank,
            session.caption_on,
            session.presenter_held,
            session.presenter_window,
            session.presenter_at,
        );
        let count = self.review_item_count();
        let item = session.player.item;
        let from_file = session.rendered.is_some();
        let caption = self.review_caption();
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(PARENT_BACKGROUND))
            .show(ui, |ui| {
                if blank {
                    return;
                }
                let full = ui.available_rect_before_wrap();
                let progress_height = 36.0;
                let picture_box = egui::Rect::from_min_max(
                    full.min,
                    egui::pos2(full.max.x, full.max.y - progress_height),
                );
                let mut child = ui.new_child(egui::UiBuilder::new().max_rect(picture_box));
                self.transport.viewer.show(&mut child);
                if from_file {
                    return;
                }
                if caption_on && !caption.is_empty() {
                    style::caption_band(ui, picture_box, &caption);
                }
                let progress = egui::Rect::from_min_max(
                    egui::pos2(full.min.x, full.max.y - progress_height),
                    full.max,
                );
                ui.put(
                    progress,
                    egui::Label::new(
                        egui::RichText::new(format!("{} of {count}", item + 1))
                            .size(16.0)
                            .color(egui::Color32::from_gray(140)),
                    ),
                );
            });
        if held {
            egui::Window::new("Presenter")
                .anchor(egui::Align2::RIGHT_TOP, [-16.0, 16.0])
                .collapsible(false)
                .resizable(false)
                .show(&ctx, |ui| {
                    presenter(ui, self.session.doc.project(), session, fixed_clock)
                });
        }
        if window {
            let viewport = egui::ViewportId::from_hash_of("attune-presenter");
            let mut builder = egui::ViewportBuilder::default()
                .with_title("Attune — presenter")
                .with_inner_size([520.0, 640.0]);
            if let Some(at) = presenter_at {
                builder = builder.with_position(at);
            }
            let mut closed = false;
            ctx.show_viewport_immediate(viewport, builder, |ui, _class| {
                egui::CentralPanel::default().show(ui, |ui| {
                    presenter(ui, self.session.doc.project(), session, fixed_clock)
                });
                closed = ui.ctx().input(|i| i.viewport().close_requested());
            });
            if closed && let Some(s) = &mut self.review.session {
                s.presenter_window = false;
            }
        }
    }

    /// The current item's parent-facing caption (never the clinical note).
    fn review_caption(&self) -> String {
        self.review
            .session
            .as_ref()
            .and_then(|s| {
                crate::ui::played::played_item(
                    self.session.doc.project(),
                    s.player.reel,
                    s.player.item,
                )
            })
            .map(|item| item.caption)
            .unwrap_or_default()
    }
}

/// For the specialist only: where we are, what the moment was coded
/// as and noted, and the time.
fn presenter(ui: &mut egui::Ui, project: &Project, s: &ReviewSession, fixed_clock: Option<&str>) {
    let Some(reel) = project.reel(s.player.reel) else {
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(&reel.name);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let clock = fixed_clock
                .map(str::to_owned)
                .unwrap_or_else(|| chrono::Local::now().format("%H:%M").to_string());
            ui.label(clock);
            let minutes = (chrono::Utc::now() - s.started).num_minutes();
            ui.label(egui::RichText::new(format!("{minutes} min in")).weak());
        });
    });
    for (i, item) in reel.items.iter().enumerate() {
        let Some(moment) = project.moment(item.moment) else {
            continue;
        };
        let text = format!("{}. {}", i + 1, item.shown_caption(moment));
        // A list to read, not to click: the specialist moves with the keys.
        let _ = ui.selectable_label(i == s.player.item, text);
    }
    ui.separator();
    if let Some(moment) = reel
        .items
        .get(s.player.item)
        .and_then(|item| project.moment(item.moment))
    {
        let codes: Vec<String> = moment
            .codes
            .iter()
            .map(|c| {
                project
                    .codebook(&c.codebook)
                    .and_then(|b| b.item(&c.item))
                    .map(|(_, i)| i.name.clone())
                    .unwrap_or_else(|| c.item.clone())
            })
            .collect();
        ui.label(egui::RichText::new("Codes").strong());
        ui.label(codes.join(", "));
        ui.label(egui::RichText::new("Clinical note").strong());
        ui.label(&moment.note);
        if let Some(prompt) = reel
            .items
            .get(s.player.item)
            .map(|i| i.prompt.as_str())
            .filter(|p| !p.is_empty())
        {
            ui.label(egui::RichText::new("Ask").strong());
            ui.label(egui::RichText::new(prompt).size(18.0));
        }
    }
    ui.separator();
    let state = |on: bool| if on { "on" } else { "off" };
    ui.label(format!(
        "Speed ×{:.2} · caption {} · pause at freeze frame {} · screen {}",
        s.player.slow,
        state(s.caption_on),
        state(s.player.pause_at_hold),
        if s.blank { "blank" } else { "showing" }
    ));
    ui.label(
        egui::RichText::new(crate::ui::keys::review_reminder())
            .small()
            .weak(),
    );
}
