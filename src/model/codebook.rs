//! A method's codebook: categories of items that moments are coded with.
//! Bundled codebooks are only a starting point; services adapt them, so
//! nothing here assumes a particular method.

use super::error::ValidationError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// An sRGB colour, written "#rrggbb" so people can edit codebooks by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const fn new(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl From<Colour> for String {
    fn from(c: Colour) -> String {
        c.to_string()
    }
}

impl TryFrom<String> for Colour {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let bad = || format!("colour {text:?} is not of the form \"#rrggbb\" (e.g. \"#7fa7c9\")");
        let hex = text.strip_prefix('#').ok_or_else(bad)?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        Ok(Self::new(channel(0)?, channel(2)?, channel(4)?))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeItem {
    pub id: String,
    pub name: String,
    pub description: String,
    /// `None` uses the category's colour.
    pub colour: Option<Colour>,
    pub hotkey: Option<char>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub colour: Colour,
    pub items: Vec<CodeItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Codebook {
    pub id: String,
    pub name: String,
    pub method: String,
    pub description: String,
    pub categories: Vec<Category>,
}

/// A code on a moment: which codebook, which item in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CodeRef {
    pub codebook: String,
    pub item: String,
}

impl CodeRef {
    pub fn new(codebook: impl Into<String>, item: impl Into<String>) -> Self {
        Self {
            codebook: codebook.into(),
            item: item.into(),
        }
    }
}

impl Codebook {
    pub fn item(&self, id: &str) -> Option<(&Category, &CodeItem)> {
        self.items().find(|(_, item)| item.id == id)
    }

    /// Every item with its category, in the order the codebook lists them.
    pub fn items(&self) -> impl Iterator<Item = (&Category, &CodeItem)> {
        self.categories
            .iter()
            .flat_map(|c| c.items.iter().map(move |i| (c, i)))
    }

    pub fn hotkey_item(&self, key: char) -> Option<(&Category, &CodeItem)> {
        self.items().find(|(_, item)| item.hotkey == Some(key))
    }

    /// The colour an item is drawn in.
    pub fn colour_of(&self, id: &str) -> Option<Colour> {
        self.item(id).map(|(c, i)| i.colour.unwrap_or(c.colour))
    }

    /// Ids must be unique (codes refer to items by id alone) and a hotkey
    /// must pick exactly one item.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let in_codebook = |what: &str| ValidationError::CodebookProblem {
            codebook: self.id.clone(),
            problem: what.to_owned(),
        };
        if self.id.trim().is_empty() {
            return Err(ValidationError::EmptyCodebookId {
                name: self.name.clone(),
            });
        }
        let mut categories = HashSet::new();
        let mut items = HashSet::new();
        let mut hotkeys = HashSet::new();
        for category in &self.categories {
            if category.id.trim().is_empty() {
                return Err(in_codebook(&format!(
                    "category '{}' has an empty id",
                    category.name
                )));
            }
            if !categories.insert(category.id.as_str()) {
                return Err(in_codebook(&format!(
                    "category id '{}' is used twice",
                    category.id
                )));
            }
            for item in &category.items {
                if item.id.trim().is_empty() {
                    return Err(in_codebook(&format!(
                        "item '{}' in category '{}' has an empty id",
                        item.name, category.id
                    )));
                }
                if !items.insert(item.id.as_str()) {
                    return Err(in_codebook(&format!("item id '{}' is used twice", item.id)));
                }
                if let Some(key) = item.hotkey
                    && !hotkeys.insert(key)
                {
                    return Err(in_codebook(&format!(
                        "hotkey '{key}' is given to more than one item (again on '{}')",
                        item.id
                    )));
                }
            }
        }
        Ok(())
    }
}

/// The codebooks shipped with Attune: VIG, Watch Wait & Wonder and NBO.
pub fn bundled() -> Result<Vec<Codebook>, BundledCodebookError> {
    const FILES: [(&str, &str); 3] = [
        (
            "vig.json",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/codebooks/vig.json"
            )),
        ),
        (
            "www.json",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/codebooks/www.json"
            )),
        ),
        (
            "nbo.json",
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/codebooks/nbo.json"
            )),
        ),
    ];
    FILES
        .iter()
        .map(|(file, text)| {
            let codebook: Codebook =
                serde_json::from_str(text).map_err(|e| BundledCodebookError {
                    file,
                    problem: e.to_string(),
                })?;
            codebook.validate().map_err(|e| BundledCodebookError {
                file,
                problem: e.to_string(),
            })?;
            Ok(codebook)
        })
        .collect()
}

/// Only possible if a bundled file was edited badly; a unit test loads them
/// all, so a release never carries one.
#[derive(Debug, thiserror::Error)]
#[error("bundled codebook {file}: {problem}")]
pub struct BundledCodebookError {
    pub file: &'static str,
    pub problem: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, hotkey: Option<char>) -> CodeItem {
        CodeItem {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            colour: None,
            hotkey,
        }
    }

    fn book(items: Vec<CodeItem>) -> Codebook {
        Codebook {
            id: "test".into(),
            name: "Test".into(),
            method: "Test".into(),
            description: String::new(),
            categories: vec![Category {
                id: "c".into(),
                name: "C".into(),
                colour: Colour::new(1, 2, 3),
                items,
            }],
        }
    }

    #[test]
    fn colours_round_trip_and_bad_ones_are_named() {
        let c: Colour = serde_json::from_str("\"#7FA7c9\"").unwrap();
        assert_eq!(c, Colour::new(0x7f, 0xa7, 0xc9));
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"#7fa7c9\"");
        for bad in [
            "\"7fa7c9\"",
            "\"#7fa7c\"",
            "\"#7fa7cg\"",
            "\"#7fa7c9ff\"",
            "\"#ééé\"",
        ] {
            let err = serde_json::from_str::<Colour>(bad).unwrap_err().to_string();
            assert!(err.contains("#rrggbb"), "{bad}: {err}");
        }
    }

    #[test]
    fn validation_catches_duplicates_and_shared_hotkeys() {
        assert!(
            book(vec![item("a", Some('1')), item("b", Some('2'))])
                .validate()
                .is_ok()
        );
        let dup = book(vec![item("a", None), item("a", None)])
            .validate()
            .unwrap_err();
        assert!(
            dup.to_string().contains("item id 'a' is used twice"),
            "{dup}"
        );
        let keys = book(vec![item("a", Some('1')), item("b", Some('1'))])
            .validate()
            .unwrap_err();
        assert!(keys.to_string().contains("hotkey '1'"), "{keys}");
        let empty = book(vec![item(" ", None)]).validate().unwrap_err();
        assert!(empty.to_string().contains("empty id"), "{empty}");
    }

    #[test]
    fn lookups_by_id_and_hotkey() {
        let b = book(vec![item("a", Some('1')), item("b", Some('2'))]);
        assert_eq!(b.item("b").unwrap().1.id, "b");
        assert_eq!(b.hotkey_item('1').unwrap().1.id, "a");
        assert!(b.hotkey_item('3').is_none());
        assert_eq!(b.colour_of("a"), Some(Colour::new(1, 2, 3)));
        let ids: Vec<_> = b.items().map(|(_, i)| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn bundled_codebooks_parse_and_validate() {
        let books = bundled().unwrap();
        let ids: Vec<_> = books.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(ids, ["vig", "www", "nbo"]);
        let vig = &books[0];
        assert_eq!(vig.categories.len(), 7);
        for key in '1'..='9' {
            assert!(vig.hotkey_item(key).is_some(), "VIG hotkey {key}");
            assert!(books[1].hotkey_item(key).is_some(), "WWW hotkey {key}");
        }
        assert_eq!(vig.hotkey_item('1').unwrap().1.id, "turning-towards");
        assert!(vig.item("returning-eye-contact-smiling-nodding").is_some());
        assert!(vig.item("giving-and-taking-short-turns").is_some());
        assert!(vig.item("shared-attention").is_some());
        assert_eq!(books[2].items().count(), 18, "NBO has 18 items");
        assert!(books[2].description.contains("three-point"));
        for b in &books {
            let colours: HashSet<_> = b.categories.iter().map(|c| c.colour).collect();
            assert_eq!(
                colours.len(),
                b.categories.len(),
                "{} colours are distinct",
                b.id
            );
        }
    }
}
