//! The keyboard help overlay (F1 or ?), drawn from the same tables the key
//! handlers use, so it cannot drift from what the keys do.

use super::keys::{REVIEW, Row, WORKSPACE};

pub(super) fn show(ctx: &egui::Context, open: &mut bool) {
    let modal = egui::Modal::new(egui::Id::unique("keyboard-help")).show(ctx, |ui| {
        ui.heading("Keyboard shortcuts");
        ui.label(egui::RichText::new("A whole clip can be coded without the mouse.").weak());
        ui.add_space(6.0);
        // Side by side: both fit a laptop screen without scrolling.
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.strong("Coding a clip");
                ui.add_space(4.0);
                rows(ui, "help-keys", WORKSPACE);
            });
            ui.add_space(24.0);
            ui.vertical(|ui| {
                ui.strong("In shared review");
                ui.add_space(4.0);
                rows(ui, "help-review-keys", REVIEW);
            });
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

fn rows<A>(ui: &mut egui::Ui, id: &str, table: &[Row<A>]) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([24.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for row in table {
                ui.label(egui::RichText::new(row.keys).monospace().strong());
                ui.label(row.what);
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    /// The overlay as a person sees it lists every row of both tables.
    #[test]
    fn the_overlay_shows_every_row_of_both_key_tables() {
        let mut open = true;
        let harness = Harness::new_ui(move |ui| show(ui.ctx(), &mut open));
        let rows = WORKSPACE.iter().map(|r| (r.keys, r.what));
        for (keys, what) in rows.chain(REVIEW.iter().map(|r| (r.keys, r.what))) {
            for text in [keys, what] {
                assert!(
                    harness.query_all_by_label(text).next().is_some(),
                    "the help overlay lacks {text:?}"
                );
            }
        }
    }
}
