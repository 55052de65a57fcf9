//! The codebook editor window. It edits a working copy and reports what the
//! person asked for; the workspace turns that into edits.

use crate::model::{Category, CodeItem, Codebook, Colour, Project};

pub(super) enum Outcome {
    None,
    Pick(String),
    Apply(Codebook),
    New,
    MakeActive(String),
    Export(String),
    Import,
}

pub(super) struct CodebookEditor {
    working: Option<Codebook>,
    /// The working copy is not in the project yet.
    is_new: bool,
    changed: bool,
    pub error: Option<String>,
}

impl CodebookEditor {
    pub(super) fn new(working: Option<Codebook>) -> Self {
        Self {
            working,
            is_new: false,
            changed: false,
            error: None,
        }
    }

    pub(super) fn mark_new(&mut self) {
        self.is_new = true;
        self.changed = true;
    }

    pub(super) fn saved(&mut self) {
        self.is_new = false;
        self.changed = false;
        self.error = None;
    }

    pub(super) fn show(
        &mut self,
        ctx: &egui::Context,
        open: &mut bool,
        project: &Project,
    ) -> Outcome {
        let mut outcome = Outcome::None;
        egui::Window::new("Codebooks")
            .open(open)
            .default_size([720.0, 520.0])
            .vscroll(true)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    for book in &project.codebooks {
                        let on = self.working.as_ref().is_some_and(|w| w.id == book.id);
                        if ui.selectable_label(on, &book.name).clicked() && !on {
                            outcome = Outcome::Pick(book.id.clone());
                        }
                    }
                    if ui.button("New codebook").clicked() {
                        outcome = Outcome::New;
                    }
                    if ui.button("Import…").clicked() {
                        outcome = Outcome::Import;
                    }
                });
                ui.separator();
                let Some(book) = &mut self.working else {
                    ui.label("This project has no codebooks yet.");
                    return;
                };
                ui.horizontal(|ui| {
                    let save = if self.is_new {
                        "Add to project"
                    } else {
                        "Apply changes"
                    };
                    if ui
                        .add_enabled(self.changed, egui::Button::new(save))
                        .clicked()
                    {
                        outcome = Outcome::Apply(book.clone());
                    }
                    if !self.is_new {
                        if ui.button("Use for coding").clicked() {
                            outcome = Outcome::MakeActive(book.id.clone());
                        }
                        if ui.button("Export…").clicked() {
                            outcome = Outcome::Export(book.id.clone());
                        }
                    }
                });
                ui.separator();
                let mut changed = false;
                egui::Grid::new("codebook-fields")
                    .num_columns(2)
                    .show(ui, |ui| {
                        for (text, value) in [
                            ("Name", &mut book.name),
                            ("Method", &mut book.method),
                            ("Description", &mut book.description),
                        ] {
                            let label = ui.label(text);
                            changed |= ui
                                .add(
                                    egui::TextEdit::singleline(value)
                                        .char_limit(crate::model::limits::MAX_NOTE_CHARS)
                                        .desired_width(420.0),
                                )
                                .labelled_by(label.id)
                                .changed();
                            ui.end_row();
                        }
                    });
                let mut remove_category = None;
                for (ci, category) in book.categories.iter_mut().enumerate() {
                    ui.separator();
                    ui.horizontal(|ui| {
                        let mut rgb = [category.colour.r, category.colour.g, category.colour.b];
                        let name = format!("Colour of {}", category.name);
                        if ui
                            .color_edit_button_srgb(&mut rgb)
                            .accessible_name(name)
                            .changed()
                        {
                            category.colour = Colour::new(rgb[0], rgb[1], rgb[2]);
                            changed = true;
                        }
                        let label = ui.label("Category");
                        changed |= ui
                            .add(
                                egui::TextEdit::singleline(&mut category.name)
                                    .char_limit(crate::model::limits::MAX_NAME_CHARS)
                                    .desired_width(260.0),
                            )
                            .labelled_by(label.id)
                            .changed();
                        if ui.small_button("Remove category").clicked() {
                            remove_category = Some(ci);
                        }
                    });
                    let mut remove_item = None;
                    for (ii, item) in category.items.iter_mut().enumerate() {
                        ui.horizontal(|ui| {
                            ui.add_space(24.0);
                            let mut key = item.hotkey.map(String::from).unwrap_or_default();
                            let label = ui.label("Key");
                            if ui
                                .add(
                                    egui::TextEdit::singleline(&mut key)
                                        .desired_width(18.0)
                                        .char_limit(1),
                                )
                                .labelled_by(label.id)
                                .changed()
                            {
                                item.hotkey = key.chars().next();
                                changed = true;
                            }
                            let label = ui.label("Item");
                            changed |= ui
                                .add(
                                    egui::TextEdit::singleline(&mut item.name)
                                        .char_limit(crate::model::limits::MAX_NAME_CHARS)
                                        .desired_width(220.0),
                                )
                                .labelled_by(label.id)
                                .changed();
                            let name = format!("What to look for: {}", item.name);
                            changed |= ui
                                .add(
                                    egui::TextEdit::singleline(&mut item.description)
                                        .char_limit(crate::model::limits::MAX_NOTE_CHARS)
                                        .hint_text("what to look for")
                                        .desired_width(220.0),
                                )
                                .accessible_name(name)
                                .changed();
                            if ui.small_button("Remove").clicked() {
                                remove_item = Some(ii);
                            }
                        });
                    }
                    if let Some(ii) = remove_item {
                        category.items.remove(ii);
                        changed = true;
                    }
                    if ui.small_button("Add item").clicked() {
                        let id = unique_id("item", category.items.iter().map(|i| i.id.as_str()));
                        category.items.push(CodeItem {
                            name: "New item".into(),
                            id,
                            description: String::new(),
                            colour: None,
                            hotkey: None,
                        });
                        changed = true;
                    }
                }
                if let Some(ci) = remove_category {
                    book.categories.remove(ci);
                    changed = true;
                }
                ui.separator();
                if ui.button("Add category").clicked() {
                    let id = unique_id("category", book.categories.iter().map(|c| c.id.as_str()));
                    book.categories.push(Category {
                        id,
                        name: "New category".into(),
                        colour: Colour::new(0xb5, 0x9e, 0xd6),
                        items: Vec::new(),
                    });
                    changed = true;
                }
                self.changed |= changed;
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
            });
        outcome
    }
}

/// Ids must stay unique inside a codebook; new ones are numbered.
fn unique_id<'a>(stem: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
    (1..)
        .map(|n| format!("{stem}-{n}"))
        .find(|id| !taken.clone().any(|t| t == id))
        .unwrap_or_else(|| stem.to_owned())
}
