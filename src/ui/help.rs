//! The keyboard help overlay (F1 or ?), drawn from the same table the key
//! handler uses, so it cannot drift from what the keys do.

use super::keys::HELP;

pub(super) fn show(ctx: &egui::Context, open: &mut bool) {
    let modal = egui::Modal::new(egui::Id::unique("keyboard-help")).show(ctx, |ui| {
        ui.heading("Keyboard shortcuts");
        ui.label(egui::RichText::new("A whole clip can be coded without the mouse.").weak());
        ui.add_space(6.0);
        egui::Grid::new("help-keys")
            .num_columns(2)
            .spacing([24.0, 6.0])
            .striped(true)
            .show(ui, |ui| {
                for (keys, what) in HELP {
                    ui.label(egui::RichText::new(*keys).monospace().strong());
                    ui.label(*what);
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        if ui.button("Close help").clicked() {
            *open = false;
        }
    });
    if modal.should_close() {
        *open = false;
    }
}
