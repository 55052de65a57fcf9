//! The menu bar: File, Edit, Codebooks, View, Help, and on the right the
//! project's title and the latest status line. It draws what it is given
//! and returns what was chosen.

use std::path::{Path, PathBuf};

use super::Request;
use super::clips::Pending;
use crate::ui::dialogs::Question;
use crate::ui::keys::Action;

/// What the menu shows.
pub(super) struct MenuFacts<'a> {
    pub undo: Option<&'static str>,
    pub redo: Option<&'static str>,
    pub can_delete: bool,
    pub recent: &'a [PathBuf],
    pub status: Option<&'a str>,
    pub title: String,
    pub project_path: Option<&'a Path>,
    /// Blind coding is on.
    pub blind: bool,
}

/// What was chosen from the menu.
pub(super) enum MenuAsk {
    Request(Request),
    /// The same as the key that does it.
    Key(Action),
    Question(Question, Pending),
    Save,
    SaveAs,
    ReelsTab,
    EditCodebooks,
    /// The export dialog (format, clip, notes), then a save dialog.
    ExportAnnotations,
    /// "Who is coding?"
    ChooseCoder,
    /// Blind coding on (at once) or off (asked first).
    ToggleBlind,
    /// The Agreement window.
    Agreement,
    Help,
}

/// Draws the menu bar with the project's title and the latest status;
/// returns what was chosen.
pub(super) fn show(ui: &mut egui::Ui, facts: &MenuFacts<'_>) -> Vec<MenuAsk> {
    let mut asked = Vec::new();
    let ctx = ui.ctx().clone();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.button("New project").clicked() {
                asked.push(MenuAsk::Request(Request::New));
            }
            if ui.button("Open project…").clicked() {
                asked.push(MenuAsk::Question(
                    Question::OpenProject,
                    Pending::OpenProject,
                ));
            }
            ui.menu_button("Open recent", |ui| {
                if facts.recent.is_empty() {
                    ui.label("Nothing yet");
                }
                for path in facts.recent {
                    if ui.button(path.display().to_string()).clicked() {
                        asked.push(MenuAsk::Request(Request::Open(path.clone())));
                    }
                }
            });
            ui.separator();
            if ui.button("Save").clicked() {
                asked.push(MenuAsk::Save);
            }
            if ui.button("Save as…").clicked() {
                asked.push(MenuAsk::SaveAs);
            }
            ui.separator();
            if ui.button("Add clips…").clicked() {
                asked.push(MenuAsk::Question(Question::AddClips, Pending::AddClips));
            }
            if ui.button("Import annotations…").clicked() {
                asked.push(MenuAsk::Question(
                    Question::ImportAnnotations,
                    Pending::ImportAnnotations,
                ));
            }
            if ui.button("Export annotations…").clicked() {
                asked.push(MenuAsk::ExportAnnotations);
            }
            if ui.button("Export a reel…").clicked() {
                // Reels are built, previewed and rendered in the Reels tab.
                asked.push(MenuAsk::ReelsTab);
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                asked.push(MenuAsk::Request(Request::Quit));
            }
        });
        ui.menu_button("Edit", |ui| {
            let undo = facts.undo.map(|l| format!("Undo {l}"));
            if ui
                .add_enabled(
                    undo.is_some(),
                    egui::Button::new(undo.unwrap_or("Undo".into())),
                )
                .clicked()
            {
                asked.push(MenuAsk::Key(Action::Undo));
            }
            let redo = facts.redo.map(|l| format!("Redo {l}"));
            if ui
                .add_enabled(
                    redo.is_some(),
                    egui::Button::new(redo.unwrap_or("Redo".into())),
                )
                .clicked()
            {
                asked.push(MenuAsk::Key(Action::Redo));
            }
            ui.separator();
            if ui
                .add_enabled(facts.can_delete, egui::Button::new("Delete moment"))
                .clicked()
            {
                asked.push(MenuAsk::Key(Action::Delete));
            }
        });
        ui.menu_button("Codebooks", |ui| {
            if ui.button("Edit codebooks…").clicked() {
                asked.push(MenuAsk::EditCodebooks);
            }
            if ui.button("Import codebook…").clicked() {
                asked.push(MenuAsk::Question(
                    Question::ImportCodebook,
                    Pending::ImportCodebook,
                ));
            }
        });
        ui.menu_button("Coding", |ui| {
            if ui.button("Who is coding…").clicked() {
                asked.push(MenuAsk::ChooseCoder);
            }
            let mut blind = facts.blind;
            if ui
                .checkbox(&mut blind, "Blind coding")
                .on_hover_text("Hide the other coders' moments")
                .clicked()
            {
                asked.push(MenuAsk::ToggleBlind);
            }
            ui.separator();
            if ui
                .add_enabled(!facts.blind, egui::Button::new("Agreement…"))
                .on_disabled_hover_text("Shows the other coders' work: turn blind coding off first")
                .clicked()
            {
                asked.push(MenuAsk::Agreement);
            }
            if ui.button("Merge coding from another project…").clicked() {
                asked.push(MenuAsk::Question(
                    Question::MergeCoding,
                    Pending::MergeCoding,
                ));
            }
        });
        ui.menu_button("View", |ui| {
            let mut theme = ctx.options(|o| o.theme_preference);
            for (pref, text) in [
                (egui::ThemePreference::System, "Follow the system"),
                (egui::ThemePreference::Light, "Light"),
                (egui::ThemePreference::Dark, "Dark"),
            ] {
                if ui.radio_value(&mut theme, pref, text).clicked() {
                    ctx.set_theme(pref);
                }
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Keyboard shortcuts (F1)").clicked() {
                asked.push(MenuAsk::Help);
            }
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let title_text = facts.title.clone();
            if let Some(status) = facts.status {
                // One line, cut to the room the menus and the title leave
                // (the whole text on hover): never drawn over the menus.
                let font = egui::TextStyle::Body.resolve(ui.style());
                let title_width = ui
                    .painter()
                    .layout_no_wrap(title_text.clone(), font, egui::Color32::WHITE)
                    .size()
                    .x;
                let room = (ui.available_width() - title_width - 16.0).max(0.0);
                ui.scope(|ui| {
                    ui.set_max_width(room);
                    ui.add(egui::Label::new(egui::RichText::new(status).weak()).truncate());
                });
            }
            let title = ui.strong(title_text);
            if let Some(path) = facts.project_path {
                title.on_hover_text(path.display().to_string());
            }
        });
    });
    asked
}
