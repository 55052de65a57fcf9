//! Who a moment is about. Codes in this field describe who did what (the
//! infant's initiative, the parent's reception of it), so a moment may say
//! whose behaviour it records: the parent, the infant, someone else, or a
//! person named in the project's list of people in the clip.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Participant {
    Parent,
    Infant,
    Other,
    /// A name from `Project::people` (a sibling, a grandparent, a second
    /// parent), so two people of the same role can be told apart.
    Person(String),
}

/// The three roles, as they are written in files and shown.
pub const ROLES: [(&str, Participant); 3] = [
    ("parent", Participant::Parent),
    ("infant", Participant::Infant),
    ("other", Participant::Other),
];

impl Participant {
    /// How files and the inspector name it: the role word, or the person's
    /// name.
    pub fn label(&self) -> &str {
        match self {
            Participant::Parent => "parent",
            Participant::Infant => "infant",
            Participant::Other => "other",
            Participant::Person(name) => name,
        }
    }

    /// The role a word names (any case), else the person of that name;
    /// `None` for a blank label. The inverse of [`label`](Self::label),
    /// since no person may be called by a role's word (see
    /// [`is_role_word`]).
    pub fn from_label(label: &str) -> Option<Self> {
        let label = label.trim();
        if label.is_empty() {
            return None;
        }
        Some(
            ROLES
                .iter()
                .find(|(word, _)| word.eq_ignore_ascii_case(label))
                .map(|(_, role)| role.clone())
                .unwrap_or_else(|| Participant::Person(label.to_owned())),
        )
    }
}

/// A person called "Parent" would read back as the role, so such names are
/// refused for people.
pub fn is_role_word(name: &str) -> bool {
    ROLES
        .iter()
        .any(|(word, _)| word.eq_ignore_ascii_case(name.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_back_as_the_same_participant() {
        for p in [
            Participant::Parent,
            Participant::Infant,
            Participant::Other,
            Participant::Person("Grandma Rose".into()),
        ] {
            assert_eq!(Participant::from_label(p.label()), Some(p));
        }
        assert_eq!(
            Participant::from_label(" INFANT "),
            Some(Participant::Infant)
        );
        assert_eq!(Participant::from_label("  "), None);
    }

    #[test]
    fn a_project_names_its_people_once_and_moments_only_name_them() {
        use crate::model::ValidationError;
        let mut p = crate::model::testing::sample_project();
        p.people = vec!["Nan".into()];
        p.moments[0].participant = Some(Participant::Person("Nan".into()));
        assert_eq!(p.validate(), Ok(()));
        p.moments[0].participant = Some(Participant::Person("Grandad".into()));
        assert!(matches!(
            p.validate(),
            Err(ValidationError::UnknownPerson { .. })
        ));
        p.moments[0].participant = None;
        for bad in ["", " Nan", "infant", "OTHER"] {
            p.people = vec![bad.into()];
            assert!(
                matches!(p.validate(), Err(ValidationError::BadPersonName(_))),
                "{bad:?}"
            );
        }
        p.people = vec!["Nan".into(), "Nan".into()];
        assert_eq!(
            p.validate(),
            Err(ValidationError::DuplicatePerson("Nan".into()))
        );
    }

    #[test]
    fn roles_are_words_and_people_are_named_in_json() {
        let json = serde_json::to_string(&[Participant::Infant, Participant::Person("Sam".into())])
            .unwrap();
        assert_eq!(json, r#"["infant",{"person":"Sam"}]"#);
        let back: Vec<Participant> = serde_json::from_str(&json).unwrap();
        assert_eq!(back[1], Participant::Person("Sam".into()));
    }
}
