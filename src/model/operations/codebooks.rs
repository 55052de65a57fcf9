//! Codebooks in the project: a new one to adapt, one saved from the
//! codebook editor, one imported from a file.

use super::refusal::Refusal;
use super::trial::checked;
use crate::model::codebook::{Category, CodeItem, Codebook, Colour};
use crate::model::edit::Edit;
use crate::model::project::Project;

/// A one-item starting point for a service's own codebook, with an id no
/// codebook in the project has ("my-codebook", "my-codebook-2"…). Not yet
/// in the project: `save_codebook` puts it there.
pub fn blank_codebook(project: &Project) -> Codebook {
    let mut n = 1;
    let mut id = "my-codebook".to_owned();
    while project.codebook(&id).is_some() {
        n += 1;
        id = format!("my-codebook-{n}");
    }
    Codebook {
        id,
        name: if n == 1 {
            "My codebook".into()
        } else {
            format!("My codebook {n}")
        },
        method: String::new(),
        description: String::new(),
        categories: vec![Category {
            id: "category-1".into(),
            name: "Category 1".into(),
            colour: Colour::new(0x7f, 0xa7, 0xc9),
            items: vec![CodeItem {
                id: "item-1".into(),
                name: "Item 1".into(),
                description: String::new(),
                colour: None,
                hotkey: Some('1'),
            }],
        }],
    }
}

/// The codebook editor's working copy into the project: it replaces the
/// codebook with its id, or is added at the end. Refused (with the rule's
/// words) if it would leave a moment coded with an item it no longer has.
pub fn save_codebook(project: &Project, codebook: Codebook) -> Result<Edit, Refusal> {
    let edit = if project.codebook(&codebook.id).is_some() {
        Edit::UpdateCodebook(codebook)
    } else {
        Edit::InsertCodebook {
            index: project.codebooks.len(),
            codebook,
        }
    };
    checked(project, edit)
}

/// `wanted` if no codebook has it, else "wanted-2", "wanted-3"…
pub fn free_codebook_id(project: &Project, wanted: &str) -> String {
    let mut id = wanted.to_owned();
    let mut n = 2;
    while project.codebook(&id).is_some() {
        id = format!("{wanted}-{n}");
        n += 1;
    }
    id
}

/// Adds a codebook read from a file at the end. A clash of ids gets a new
/// id (`free_codebook_id`), so importing never replaces the codebook
/// moments are coded with.
pub fn import_codebook(project: &Project, mut codebook: Codebook) -> Result<Edit, Refusal> {
    codebook.id = free_codebook_id(project, &codebook.id);
    let index = project.codebooks.len();
    checked(project, Edit::InsertCodebook { index, codebook })
}
