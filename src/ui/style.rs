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
