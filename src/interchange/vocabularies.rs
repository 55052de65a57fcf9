//! Another tool's vocabularies as Attune codebooks: one that an existing
//! codebook already holds (every entry found there by id or name) maps onto
//! it; any other becomes a new codebook. So importing one's own export, or
//! a colleague's coding with the same codebook, adds no codebook at all.

use std::collections::{HashMap, HashSet};

use super::{Entry, Vocabulary};
use crate::model::limits::{MAX_NAME_CHARS, shortened};
use crate::model::{Category, CodeItem, CodeRef, Codebook, Colour, Project};

/// Where each entry of one vocabulary lands.
#[derive(Debug, Clone)]
pub(super) struct Mapped {
    /// Entry id → the code it becomes.
    pub codes: HashMap<String, CodeRef>,
    /// Set when the vocabulary became a new codebook.
    pub new_book: Option<Codebook>,
    /// The codebook's name, for the preview.
    pub book_name: String,
}

/// Maps `vocabulary` onto a codebook of `project`, or makes a new one whose
/// id neither the project nor `taken` (codebooks planned already) has.
pub(super) fn map_vocabulary(
    project: &Project,
    vocabulary: &Vocabulary,
    taken: &HashSet<String>,
) -> Mapped {
    if let Some((book, codes)) = existing(project, vocabulary) {
        return Mapped {
            codes,
            new_book: None,
            book_name: book.name.clone(),
        };
    }
    let (book, codes) = new_codebook(project, vocabulary, taken);
    Mapped {
        codes,
        book_name: book.name.clone(),
        new_book: Some(book),
    }
}

/// The existing codebook holding every entry: the one of the same id or
/// name first, else any.
fn existing<'p>(
    project: &'p Project,
    vocabulary: &Vocabulary,
) -> Option<(&'p Codebook, HashMap<String, CodeRef>)> {
    if vocabulary.entries.is_empty() {
        return project
            .codebooks
            .iter()
            .find(|b| b.id == vocabulary.id || b.name == vocabulary.name)
            .map(|b| (b, HashMap::new()));
    }
    let mut candidates: Vec<&Codebook> = project.codebooks.iter().collect();
    candidates.sort_by_key(|b| (b.id != vocabulary.id, b.name != vocabulary.name));
    candidates.into_iter().find_map(|book| {
        let codes: Option<HashMap<_, _>> = vocabulary
            .entries
            .iter()
            .map(|e| item_for(book, e).map(|item| (e.id.clone(), CodeRef::new(&book.id, item))))
            .collect();
        codes.map(|c| (book, c))
    })
}

fn item_for(book: &Codebook, entry: &Entry) -> Option<String> {
    let found = book
        .items()
        .find(|(_, i)| i.id == entry.id)
        .or_else(|| book.items().find(|(_, i)| i.name == entry.value))
        .or_else(|| {
            book.items()
                .find(|(_, i)| i.name.trim().eq_ignore_ascii_case(entry.value.trim()))
        });
    found.map(|(_, i)| i.id.clone())
}

/// A muted colour per new category, so the timeline's lanes differ.
const PALETTE: [Colour; 6] = [
    Colour::new(0x7f, 0xa7, 0xc9),
    Colour::new(0xc9, 0x8f, 0x7f),
    Colour::new(0x8f, 0xc9, 0x7f),
    Colour::new(0xb8, 0x9f, 0xd0),
    Colour::new(0xd0, 0xc0, 0x7a),
    Colour::new(0x7a, 0xc4, 0xbd),
];

/// One category per entry category, items in the vocabulary's order, ids
/// and hotkeys kept where they are usable and unique; with the code each
/// entry (by id) became.
fn new_codebook(
    project: &Project,
    vocabulary: &Vocabulary,
    taken: &HashSet<String>,
) -> (Codebook, HashMap<String, CodeRef>) {
    let wanted = first_nonblank(&[&vocabulary.id, &vocabulary.name], "imported");
    let mut id = wanted.clone();
    let mut n = 2;
    while project.codebook(&id).is_some() || taken.contains(&id) {
        id = format!("{wanted}-{n}");
        n += 1;
    }
    let mut categories: Vec<Category> = Vec::new();
    let mut codes = HashMap::new();
    let mut item_ids = HashSet::new();
    let mut hotkeys = HashSet::new();
    for (index, entry) in vocabulary.entries.iter().enumerate() {
        let category_name = first_nonblank(&[&entry.category], "Codes");
        let at = match categories.iter().position(|c| c.name == category_name) {
            Some(at) => at,
            None => {
                let n = categories.len();
                categories.push(Category {
                    id: format!("category-{}", n + 1),
                    name: category_name,
                    colour: entry
                        .colour
                        .clone()
                        .and_then(|c| Colour::try_from(c).ok())
                        .unwrap_or(PALETTE[n % PALETTE.len()]),
                    items: Vec::new(),
                });
                n
            }
        };
        let mut item_id = first_nonblank(&[&entry.id, &entry.value], "");
        if item_id.is_empty() || !item_ids.insert(item_id.clone()) {
            item_id = format!("item-{}", index + 1);
            while !item_ids.insert(item_id.clone()) {
                item_id.push('x');
            }
        }
        let hotkey = entry.hotkey.filter(|k| hotkeys.insert(*k));
        codes
            .entry(entry.id.clone())
            .or_insert_with(|| CodeRef::new(id.clone(), item_id.clone()));
        categories[at].items.push(CodeItem {
            id: item_id,
            name: shortened(
                first_nonblank(&[&entry.value, &entry.id], "Code").as_str(),
                MAX_NAME_CHARS,
            ),
            description: entry.description.clone(),
            colour: entry.colour.clone().and_then(|c| Colour::try_from(c).ok()),
            hotkey,
        });
    }
    let book = Codebook {
        id,
        name: shortened(
            &first_nonblank(&[&vocabulary.name, &vocabulary.id], "Imported codes"),
            MAX_NAME_CHARS,
        ),
        method: String::new(),
        description: vocabulary.description.clone(),
        categories,
    };
    (book, codes)
}

fn first_nonblank(candidates: &[&str], fallback: &str) -> String {
    candidates
        .iter()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .map(|s| shortened(s, MAX_NAME_CHARS))
        .unwrap_or_else(|| fallback.to_owned())
}
