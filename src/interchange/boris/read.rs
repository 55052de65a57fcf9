//! A BORIS project (BORIS 7 to 9) → the shared form, one observation at a
//! time.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{CODER_VARIABLE, NOTE_PREFIX, ObservationSummary, UNCATEGORISED};
use crate::interchange::error::FormatError;
use crate::interchange::{Annotations, Entry, Media, Span, TimePoint, Vocabulary};

/// The observations of a project, by id, so the app can offer a choice.
pub fn observations(text: &str, file: &Path) -> Result<Vec<ObservationSummary>, FormatError> {
    let project = project(text, file)?;
    let observations = table(&project, "observations", file)?;
    Ok(observations
        .iter()
        .map(|(id, obs)| ObservationSummary {
            id: id.clone(),
            media: media_files(obs).into_iter().map(|(_, f)| f).collect(),
            events: obs
                .get("events")
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
            is_live: kind(obs) == "LIVE",
        })
        .collect())
}

/// Reads one observation of a project: `observation` names it, or, when
/// `None`, the project must hold exactly one. `file` only names it in
/// errors.
pub fn read(
    text: &str,
    file: &Path,
    observation: Option<&str>,
) -> Result<Annotations, FormatError> {
    let project = project(text, file)?;
    let observations = table(&project, "observations", file)?;
    let ids = || {
        observations
            .keys()
            .map(|k| format!("\"{k}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (id, obs) = match observation {
        Some(id) => match observations.get_key_value(id) {
            Some(found) => found,
            None => {
                return Err(FormatError::in_path(
                    file,
                    format!("observation \"{id}\""),
                    format!("no such observation; the project has {}", ids()),
                ));
            }
        },
        None if observations.len() == 1 => observations.iter().next().expect("one"),
        None if observations.is_empty() => {
            return Err(FormatError::in_path(
                file,
                "observations",
                "the project has no observations",
            ));
        }
        None => {
            return Err(FormatError::in_path(
                file,
                "observations",
                format!(
                    "the project has {} observations; choose one of {}",
                    observations.len(),
                    ids()
                ),
            ));
        }
    };
    let here = format!("observation \"{id}\"");
    let obs = obs
        .as_object()
        .ok_or_else(|| FormatError::in_path(file, &here, "is not a JSON object"))?;
    match kind(&Value::Object(obs.clone())).as_str() {
        "MEDIA" | "" => {}
        "LIVE" => {
            return Err(FormatError::in_path(
                file,
                &here,
                "is a LIVE observation (no media file): Attune imports observations of a video only",
            ));
        }
        other => {
            return Err(FormatError::in_path(
                file,
                &here,
                format!("is of type \"{other}\", not a video (MEDIA) observation"),
            ));
        }
    }

    let ethogram = ethogram(&project, file)?;
    let vocabulary_id = project
        .get("project_name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("BORIS ethogram")
        .to_owned();
    let coder = match obs
        .get("independent_variables")
        .and_then(|v| v.get(CODER_VARIABLE))
        .and_then(Value::as_str)
    {
        Some(c) => Some(c.to_owned()).filter(|c| !c.is_empty()),
        None => Some(id.clone()),
    };

    // Player 1's files, end to end (BORIS times run on across them).
    let obs_value = Value::Object(obs.clone());
    let media_info = obs.get("media_info");
    let number = |table: &str, path: &str| {
        media_info
            .and_then(|m| m.get(table))
            .and_then(|t| t.get(path))
            .and_then(number_of)
    };
    let files = media_files(&obs_value);
    let mut media = Vec::new();
    let mut player_one: Vec<(String, Option<u64>)> = Vec::new();
    for (player, path) in &files {
        let length = number("length", path).map(|s| (s * 1000.0).round() as u64);
        media.push(Media {
            relative_path: path.clone(),
            mime: None,
            rate: number("fps", path).and_then(rational),
            duration_ms: length,
        });
        if player == "1" {
            player_one.push((path.clone(), length));
        }
    }
    let offset_ms = obs.get("time offset").and_then(number_of).unwrap_or(0.0) * 1000.0;

    let events = obs
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| FormatError::in_path(file, &here, "has no \"events\" list"))?;
    struct Event {
        n: usize,
        ms: u64,
        subject: String,
        code: String,
        modifier: String,
        comment: String,
    }
    let mut parsed: Vec<Event> = Vec::with_capacity(events.len());
    for (n, e) in events.iter().enumerate() {
        let at = || format!("{here}, event {}", n + 1);
        let fields = e.as_array().filter(|f| f.len() >= 5).ok_or_else(|| {
            FormatError::in_path(
                file,
                at(),
                "an event must be a list [time, subject, code, modifier, comment, …]",
            )
        })?;
        let seconds = number_of(&fields[0]).ok_or_else(|| {
            FormatError::in_path(file, at(), format!("time {} is not a number", fields[0]))
        })?;
        let ms = seconds * 1000.0 - offset_ms;
        if !ms.is_finite() || ms < -0.5 {
            return Err(FormatError::in_path(
                file,
                at(),
                format!("time {seconds} s lies before the start of the media"),
            ));
        }
        let text_of = |v: &Value| match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let code = text_of(&fields[2]);
        if !ethogram.contains_key(&code) {
            return Err(FormatError::in_path(
                file,
                at(),
                format!("behavior \"{code}\" is not in the ethogram (behaviors_conf)"),
            ));
        }
        parsed.push(Event {
            n,
            ms: ms.max(0.0).round() as u64,
            subject: text_of(&fields[1]),
            code,
            modifier: text_of(&fields[3]),
            comment: text_of(&fields[4]),
        });
    }
    parsed.sort_by_key(|e| (e.ms, e.n));

    let mut open: HashMap<(String, String), usize> = HashMap::new();
    // (start event, stop event) indices into `parsed`.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, e) in parsed.iter().enumerate() {
        if ethogram[&e.code].point {
            pairs.push((i, i));
            continue;
        }
        match open.remove(&(e.subject.clone(), e.code.clone())) {
            Some(start) => pairs.push((start, i)),
            None => {
                open.insert((e.subject.clone(), e.code.clone()), i);
            }
        }
    }
    if let Some(&first) = open.values().min() {
        let e = &parsed[first];
        let subject = if e.subject.is_empty() {
            String::new()
        } else {
            format!(" of subject \"{}\"", e.subject)
        };
        return Err(FormatError::in_path(
            file,
            format!("{here}, event {}", e.n + 1),
            format!(
                "state event \"{}\"{subject} starts at {:.3} s and never stops (unpaired START)",
                e.code,
                e.ms as f64 / 1000.0
            ),
        ));
    }
    pairs.sort_by_key(|&(s, _)| s);

    let first_file = player_one
        .first()
        .map(|(p, _)| p.clone())
        .or_else(|| files.first().map(|(_, f)| f.clone()));
    let locate = |ms: u64| -> (Option<String>, u64) {
        if player_one.len() > 1 && player_one.iter().all(|(_, l)| l.is_some()) {
            let mut from = 0u64;
            for (k, (path, length)) in player_one.iter().enumerate() {
                let length = length.expect("known");
                if ms < from + length || k + 1 == player_one.len() {
                    return (Some(path.clone()), ms.saturating_sub(from));
                }
                from += length;
            }
        }
        (first_file.clone(), ms)
    };

    let mut out = Annotations {
        media,
        ..Annotations::default()
    };
    for (s, e) in pairs {
        let (start, stop) = (&parsed[s], &parsed[e]);
        let behaviour = &ethogram[&start.code];
        let (media, start_ms) = locate(start.ms);
        let end_ms = start_ms + (stop.ms - start.ms);
        let (caption, mut note) = split_comment(&start.comment);
        if e != s && !stop.comment.is_empty() {
            let more = stop
                .comment
                .strip_prefix(NOTE_PREFIX)
                .unwrap_or(&stop.comment);
            join(&mut note, more);
        }
        let modifiers: Vec<&str> = [start.modifier.as_str(), stop.modifier.as_str()]
            .into_iter()
            .filter(|m| !m.is_empty() && *m != "None")
            .collect();
        if let Some(m) = modifiers.first() {
            join(&mut note, &format!("Modifier: {m}"));
        }
        out.spans.push(Span {
            media,
            tier: behaviour.category.clone(),
            coder: coder.clone(),
            participant: Some(start.subject.clone()).filter(|p| !p.is_empty()),
            value: start.code.clone(),
            vocabulary: Some(vocabulary_id.clone()),
            start: TimePoint::Ms(start_ms),
            end: TimePoint::Ms(end_ms),
            caption,
            note,
        });
    }

    if let Some(subjects) = project.get("subjects_conf").and_then(Value::as_object) {
        for s in sorted_rows(subjects) {
            if let Some(name) = s.get("name").and_then(Value::as_str)
                && !name.is_empty()
                && !out.participants.iter().any(|p| p == name)
            {
                out.participants.push(name.to_owned());
            }
        }
    }
    let mut entries: Vec<&Entry> = ethogram.values().map(|b| &b.entry).collect();
    entries.sort_by_key(|e| ethogram[&e.id].order);
    out.vocabularies.push(Vocabulary {
        id: vocabulary_id.clone(),
        name: vocabulary_id,
        description: project
            .get("project_description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        entries: entries.into_iter().cloned().collect(),
    });
    Ok(out)
}

struct Behaviour {
    order: usize,
    point: bool,
    category: String,
    entry: Entry,
}

fn ethogram(
    project: &Map<String, Value>,
    file: &Path,
) -> Result<HashMap<String, Behaviour>, FormatError> {
    let conf = table(project, "behaviors_conf", file)?;
    let mut out = HashMap::new();
    for (order, (key, b)) in sorted_pairs(conf).into_iter().enumerate() {
        let here = format!("behaviors_conf \"{key}\"");
        let code = b
            .get("code")
            .and_then(Value::as_str)
            .ok_or_else(|| FormatError::in_path(file, &here, "has no \"code\""))?;
        let text = |k: &str| b.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let kind = text("type");
        let point = kind.to_lowercase().starts_with("point");
        let category = Some(text("category"))
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| UNCATEGORISED.to_owned());
        let colour = Some(text("color")).filter(|c| !c.is_empty());
        out.insert(
            code.to_owned(),
            Behaviour {
                order,
                point,
                category: category.clone(),
                entry: Entry {
                    id: code.to_owned(),
                    value: code.to_owned(),
                    description: text("description"),
                    category,
                    colour,
                    hotkey: text("key")
                        .chars()
                        .next()
                        .filter(|_| text("key").chars().count() == 1),
                    point,
                },
            },
        );
    }
    Ok(out)
}

fn project(text: &str, file: &Path) -> Result<Map<String, Value>, FormatError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        FormatError::new(
            file,
            Some(crate::interchange::error::Place::At {
                line: e.line(),
                column: e.column(),
            }),
            format!("malformed JSON: {}", strip_position(&e.to_string())),
        )
    })?;
    let Value::Object(map) = value else {
        return Err(FormatError::new(
            file,
            None,
            "not a BORIS project: the file is not a JSON object",
        ));
    };
    for key in ["observations", "behaviors_conf"] {
        if !map.contains_key(key) {
            return Err(FormatError::new(
                file,
                None,
                format!("not a BORIS project: no \"{key}\""),
            ));
        }
    }
    Ok(map)
}

fn table<'a>(
    project: &'a Map<String, Value>,
    key: &str,
    file: &Path,
) -> Result<&'a Map<String, Value>, FormatError> {
    project
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| FormatError::in_path(file, key, "is not a JSON object"))
}

/// The media files of an observation as (player, path), player "1" first.
fn media_files(obs: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match obs.get("file") {
        Some(Value::Object(players)) => {
            for (player, files) in sorted_pairs(players) {
                for f in files.as_array().into_iter().flatten() {
                    if let Some(f) = f.as_str() {
                        out.push((player.clone(), f.to_owned()));
                    }
                }
            }
        }
        Some(Value::Array(files)) => {
            for f in files.iter().filter_map(Value::as_str) {
                out.push(("1".to_owned(), f.to_owned()));
            }
        }
        _ => {}
    }
    out
}

fn kind(obs: &Value) -> String {
    obs.get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_uppercase()
}

/// A BORIS table's rows in key order ("0", "1", …, "10").
fn sorted_pairs(table: &Map<String, Value>) -> Vec<(String, &Value)> {
    let mut rows: Vec<(String, &Value)> = table.iter().map(|(k, v)| (k.clone(), v)).collect();
    rows.sort_by(|a, b| match (a.0.parse::<u64>(), b.0.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.0.cmp(&b.0),
    });
    rows
}

fn sorted_rows(table: &Map<String, Value>) -> Vec<&Value> {
    sorted_pairs(table).into_iter().map(|(_, v)| v).collect()
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

/// A frame rate BORIS stores as a float, as a rational: whole rates, the
/// NTSC ones (×1000/1001), else to a thousandth.
fn rational(fps: f64) -> Option<(u32, u32)> {
    if !(fps > 0.0 && fps < 10_000.0) {
        return None;
    }
    if (fps - fps.round()).abs() < 1e-6 {
        return Some((fps.round() as u32, 1));
    }
    let ntsc = fps * 1001.0 / 1000.0;
    if (ntsc - ntsc.round()).abs() < 1e-3 {
        return Some((ntsc.round() as u32 * 1000, 1001));
    }
    Some(((fps * 1000.0).round() as u32, 1000))
}

/// A START event's comment as (caption, note): `Note: ` starts a note,
/// alone or after the caption and a blank line.
fn split_comment(comment: &str) -> (String, String) {
    if let Some(note) = comment.strip_prefix(NOTE_PREFIX) {
        return (String::new(), note.to_owned());
    }
    match comment.split_once(&format!("\n\n{NOTE_PREFIX}")) {
        Some((caption, note)) => (caption.to_owned(), note.to_owned()),
        None => (comment.to_owned(), String::new()),
    }
}

fn join(into: &mut String, more: &str) {
    if more.is_empty() {
        return;
    }
    if !into.is_empty() {
        into.push('\n');
    }
    into.push_str(more);
}

/// serde_json's message without its " at line L column C" (the error says
/// where already).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
