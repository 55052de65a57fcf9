//! A calm look: generous spacing and soft accents, because the same screens
//! are shared with parents.

pub(super) fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}

/// Badge colours for the three consent uses.
pub(super) const THERAPY: egui::Color32 = egui::Color32::from_rgb(0x4f, 0x8a, 0x6e);
pub(super) const SUPERVISION: egui::Color32 = egui::Color32::from_rgb(0x5b, 0x74, 0xa8);
pub(super) const TEACHING: egui::Color32 = egui::Color32::from_rgb(0xa8, 0x7b, 0x4f);

/// A codebook colour as egui draws it.
pub(super) fn colour(c: crate::model::Colour) -> egui::Color32 {
    egui::Color32::from_rgb(c.r, c.g, c.b)
}

/// The caption in large type on a soft band across the bottom of the
/// screen, centred and wrapped, as a real label so screen readers (and
/// tests) see exactly what the parent sees.
pub(super) fn caption_band(ui: &mut egui::Ui, area: egui::Rect, caption: &str) {
    let size = (area.height() / 16.0).clamp(22.0, 44.0);
    let text_width = area.width() * 0.8;
    let font = egui::FontId::proportional(size);
    let galley = ui
        .painter()
        .layout(caption.to_owned(), font, egui::Color32::WHITE, text_width);
    let pad = size * 0.5;
    let band = egui::Rect::from_min_max(
        egui::pos2(area.left(), area.bottom() - galley.size().y - 2.0 * pad),
        area.right_bottom(),
    );
    ui.painter()
        .rect_filled(band, 0.0, egui::Color32::from_black_alpha(170));
    let text_rect =
        egui::Rect::from_center_size(band.center(), egui::vec2(text_width, galley.size().y + 2.0));
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(text_rect)
            .layout(egui::Layout::top_down(egui::Align::Center)),
    );
    child.add(
        egui::Label::new(
            egui::RichText::new(caption)
                .size(size)
                .color(egui::Color32::WHITE),
        )
        .halign(egui::Align::Center)
        .wrap(),
    );
}
