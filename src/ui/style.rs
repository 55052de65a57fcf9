//! A calm look: generous spacing and soft accents, because the same screens
//! are shared with parents.

pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}

/// Badge colours for the three consent uses.
pub const THERAPY: egui::Color32 = egui::Color32::from_rgb(0x4f, 0x8a, 0x6e);
pub const SUPERVISION: egui::Color32 = egui::Color32::from_rgb(0x5b, 0x74, 0xa8);
pub const TEACHING: egui::Color32 = egui::Color32::from_rgb(0xa8, 0x7b, 0x4f);

/// A codebook colour as egui draws it.
pub fn colour(c: crate::model::Colour) -> egui::Color32 {
    egui::Color32::from_rgb(c.r, c.g, c.b)
}

/// A parent-facing caption in large type on a soft band across the bottom
/// of the picture, readable on any footage.
pub fn caption_band(ui: &egui::Ui, picture: egui::Rect, caption: &str) {
    if caption.is_empty() {
        return;
    }
    let size = (picture.height() / 18.0).clamp(16.0, 40.0);
    let font = egui::FontId::proportional(size);
    let wrap = picture.width() * 0.9;
    let galley = ui
        .painter()
        .layout(caption.to_owned(), font, egui::Color32::WHITE, wrap);
    let pad = size * 0.5;
    let band = egui::Rect::from_min_max(
        egui::pos2(
            picture.left(),
            picture.bottom() - galley.size().y - 2.0 * pad,
        ),
        picture.right_bottom(),
    );
    ui.painter()
        .rect_filled(band, 0.0, egui::Color32::from_black_alpha(150));
    let pos = egui::pos2(band.center().x - galley.size().x / 2.0, band.top() + pad);
    ui.painter().galley(pos, galley, egui::Color32::WHITE);
}
