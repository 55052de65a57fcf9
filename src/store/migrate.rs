//! Older project files are upgraded step by step on the JSON value, before
//! typed deserialisation, so each step only knows two adjacent formats.
//! A later schema adds one function to `STEPS`.

use crate::model::SCHEMA_VERSION;
use serde_json::{Map, Value, json};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot migrate from schema {from}: {problem}")]
pub struct MigrationError {
    pub from: u32,
    pub problem: String,
}

type Step = fn(Value) -> Result<Value, MigrationError>;

/// `STEPS[i]` turns schema `i + 1` into schema `i + 2`.
const STEPS: [Step; (SCHEMA_VERSION - 1) as usize] = [v1_to_v2, v2_to_v3, v3_to_v4, v4_to_v5];

/// Brings a project value of schema `from` up to `SCHEMA_VERSION`.
pub(crate) fn migrate(mut value: Value, from: u32) -> Result<Value, MigrationError> {
    if from == 0 {
        return Err(MigrationError {
            from,
            problem: "there has never been a schema 0".into(),
        });
    }
    for (index, step) in STEPS.iter().enumerate().skip(from as usize - 1) {
        value = step(value)?;
        let reached = index as u32 + 2;
        if let Some(object) = value.as_object_mut() {
            object.insert("schema_version".into(), json!(reached));
        }
    }
    Ok(value)
}

/// Schema 5 made coders first-class: the project lists them. A schema 4
/// project's coders are its moments' authors, in the order they first
/// appear; a name that could not be listed (blank, or with spaces at its
/// ends, from a hand-edited file) stays on its moments unlisted.
fn v4_to_v5(mut value: Value) -> Result<Value, MigrationError> {
    let object = value.as_object_mut().ok_or_else(|| MigrationError {
        from: 4,
        problem: "the project is not a JSON object".into(),
    })?;
    let mut coders: Vec<String> = Vec::new();
    if let Some(moments) = object.get("moments").and_then(Value::as_array) {
        for author in moments
            .iter()
            .filter_map(|m| m.get("author").and_then(Value::as_str))
        {
            let listable = !author.trim().is_empty() && author.trim() == author;
            if listable && !coders.iter().any(|c| c == author) {
                coders.push(author.to_owned());
            }
        }
    }
    if !coders.is_empty() {
        object.insert("coders".into(), json!(coders));
    }
    Ok(value)
}

/// Schema 4 added participants on moments and the project's list of
/// people; both are optional, so a schema 3 project is already one: no
/// moment says who it is about and the list is empty. Checked, not
/// assumed: a value that is not an object stops here rather than later.
fn v3_to_v4(value: Value) -> Result<Value, MigrationError> {
    if !value.is_object() {
        return Err(MigrationError {
            from: 3,
            problem: "the project is not a JSON object".into(),
        });
    }
    Ok(value)
}

/// Schema 3 added the review log; a schema 2 project has held no reviews.
fn v2_to_v3(mut value: Value) -> Result<Value, MigrationError> {
    let object = value.as_object_mut().ok_or_else(|| MigrationError {
        from: 2,
        problem: "the project is not a JSON object".into(),
    })?;
    object.entry("reviews").or_insert_with(|| json!([]));
    Ok(value)
}

/// Schema 1 (the draft before reels) had one consent flag for teaching.
/// Other uses were never recorded, so no therapy or supervision grant is
/// invented: the clinician must record them.
fn v1_to_v2(mut value: Value) -> Result<Value, MigrationError> {
    let problem = |p: &str| MigrationError {
        from: 1,
        problem: p.to_owned(),
    };
    let object = value
        .as_object_mut()
        .ok_or_else(|| problem("the project is not a JSON object"))?;
    let created_on = object
        .get("created")
        .and_then(Value::as_str)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.date_naive().to_string())
        .ok_or_else(|| problem("'created' is missing or not a date-time"))?;
    if let Some(clips) = object.get_mut("clips") {
        let clips = clips
            .as_array_mut()
            .ok_or_else(|| problem("'clips' is not a list"))?;
        for (index, clip) in clips.iter_mut().enumerate() {
            let clip = clip
                .as_object_mut()
                .ok_or_else(|| problem(&format!("clips[{index}] is not an object")))?;
            let teaching = match clip.remove("consent_teaching") {
                None | Some(Value::Null) | Some(Value::Bool(false)) => false,
                Some(Value::Bool(true)) => true,
                Some(other) => {
                    return Err(problem(&format!(
                        "clips[{index}].consent_teaching should be true or false, not {other}"
                    )));
                }
            };
            let mut consent = Map::new();
            if teaching {
                consent.insert(
                    "teaching".into(),
                    json!({
                        "given_on": created_on,
                        "recorded_by": "(migrated from schema 1)",
                        "withdrawn_on": null,
                    }),
                );
            }
            clip.insert("consent".into(), Value::Object(consent));
        }
    }
    object.entry("reels").or_insert_with(|| json!([]));
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teaching_flags_become_grants_dated_at_project_creation() {
        let v1 = json!({
            "schema_version": 1,
            "title": "t",
            "created": "2025-04-03T10:00:00Z",
            "clips": [
                {"id": 1, "consent_teaching": true},
                {"id": 2, "consent_teaching": false}
            ]
        });
        let v2 = v1_to_v2(v1).unwrap();
        assert_eq!(v2["reels"], json!([]));
        assert_eq!(
            v2["clips"][0]["consent"]["teaching"]["given_on"],
            "2025-04-03"
        );
        assert!(v2["clips"][0]["consent"].get("therapy").is_none());
        assert_eq!(v2["clips"][1]["consent"], json!({}));
        assert!(v2["clips"][0].get("consent_teaching").is_none());
    }

    #[test]
    fn the_chain_runs_to_the_current_schema_and_adds_an_empty_review_log() {
        let v1 = json!({"schema_version": 1, "title": "t", "created": "2025-04-03T10:00:00Z"});
        let now = migrate(v1, 1).unwrap();
        assert_eq!(now["schema_version"], SCHEMA_VERSION);
        assert_eq!(now["reviews"], json!([]));
        let v2 = json!({"schema_version": 2, "title": "t", "reviews": "kept as found"});
        // A value already there is left for typed loading to judge.
        assert_eq!(migrate(v2, 2).unwrap()["reviews"], "kept as found");
    }

    #[test]
    fn nonsense_is_an_error_not_a_guess() {
        let v1 = json!({"schema_version": 1, "created": "2025-04-03T10:00:00Z",
                        "clips": [{"consent_teaching": "yes"}]});
        let err = migrate(v1, 1).unwrap_err();
        assert!(err.to_string().contains("consent_teaching"), "{err}");
        assert!(migrate(json!({"schema_version": 1}), 1).is_err());
        assert!(migrate(json!({}), 0).is_err());
        assert!(migrate(json!([]), 3).is_err());
    }

    #[test]
    fn a_schema_3_project_comes_up_unchanged_but_for_its_version() {
        let v3 = json!({"schema_version": 3, "title": "t", "reviews": [],
                        "moments": [{"id": 1, "note": "kept"}]});
        let now = migrate(v3.clone(), 3).unwrap();
        assert_eq!(now["schema_version"], SCHEMA_VERSION);
        let mut expected = v3;
        expected["schema_version"] = json!(SCHEMA_VERSION);
        assert_eq!(now, expected, "no author: no coders listed");
    }

    #[test]
    fn a_schema_4_projects_coders_are_its_authors_in_order() {
        let v4 = json!({"schema_version": 4, "title": "t", "moments": [
            {"id": 1, "author": "Trainee Bo"},
            {"id": 2, "author": "Dr Ada"},
            {"id": 3, "author": "Trainee Bo"},
            {"id": 4, "author": ""},
            {"id": 5, "author": " padded "},
            {"id": 6}
        ]});
        let v5 = migrate(v4, 4).unwrap();
        assert_eq!(v5["schema_version"], 5);
        assert_eq!(v5["coders"], json!(["Trainee Bo", "Dr Ada"]));
        assert_eq!(
            v5["moments"][4]["author"], " padded ",
            "moments are untouched"
        );
    }
}
