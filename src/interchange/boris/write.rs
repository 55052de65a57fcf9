//! The shared form → a BORIS project (format 7).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::{CODER_VARIABLE, NOTE_PREFIX, UNCATEGORISED, WriteOptions};
use crate::interchange::{Annotations, Media, Span, TimePoint};

/// The number of media players a BORIS observation has ("1" to "8").
const PLAYERS: usize = 8;

struct Behaviour {
    code: String,
    point: bool,
    key: String,
    description: String,
    colour: String,
    category: String,
}

/// `annotations` as a BORIS project (pretty-printed JSON).
pub fn write(a: &Annotations, opts: &WriteOptions) -> String {
    let (behaviours, code_of) = ethogram(a);
    let date = opts.date.format("%Y-%m-%dT%H:%M:%S").to_string();

    let mut subjects: Vec<String> = Vec::new();
    for p in a
        .participants
        .iter()
        .chain(a.spans.iter().filter_map(|s| s.participant.as_ref()))
    {
        if !p.is_empty() && !subjects.contains(p) {
            subjects.push(p.clone());
        }
    }
    let mut categories: Vec<String> = Vec::new();
    for b in &behaviours {
        if !b.category.is_empty() && !categories.contains(&b.category) {
            categories.push(b.category.clone());
        }
    }

    let mut project = Map::new();
    project.insert("project_name".into(), json!(opts.project_name));
    project.insert("project_date".into(), json!(date));
    project.insert(
        "project_description".into(),
        json!(opts.project_description),
    );
    project.insert("project_format_version".into(), json!("7.0"));
    project.insert("time_format".into(), json!("hh:mm:ss"));
    project.insert(
        "behaviors_conf".into(),
        numbered(behaviours.iter().map(|b| {
            json!({
                "type": if b.point { "Point event" } else { "State event" },
                "key": b.key,
                "code": b.code,
                "description": b.description,
                "color": b.colour,
                "category": b.category,
                "modifiers": {},
                "excluded": "",
                "coding map": "",
            })
        })),
    );
    project.insert(
        "subjects_conf".into(),
        numbered(
            subjects
                .iter()
                .map(|s| json!({"key": "", "name": s, "description": ""})),
        ),
    );
    project.insert("behavioral_categories".into(), json!(categories));
    project.insert(
        "independent_variables".into(),
        json!({"0": {
            "label": CODER_VARIABLE,
            "description": "Who coded this observation (written by Attune)",
            "type": "text",
            "default value": "",
            "possible values": "",
        }}),
    );
    project.insert("coding_map".into(), json!({}));
    project.insert("behaviors_coding_map".into(), json!([]));
    project.insert("converters".into(), json!({}));
    project.insert(
        "observations".into(),
        Value::Object(observations(a, opts, &behaviours, &code_of, &date)),
    );
    let mut out =
        serde_json::to_string_pretty(&Value::Object(project)).expect("JSON of JSON values");
    out.push('\n');
    out
}

/// The behaviours and, for each span, its code (index into behaviours).
fn ethogram(a: &Annotations) -> (Vec<Behaviour>, Vec<usize>) {
    let mut behaviours: Vec<Behaviour> = Vec::new();
    let mut by_entry: HashMap<(String, String), usize> = HashMap::new();
    for v in &a.vocabularies {
        for e in &v.entries {
            let value = if e.value.is_empty() { &e.id } else { &e.value };
            let mut code = value.clone();
            if behaviours.iter().any(|b| b.code == code) {
                code = format!(
                    "{value} ({})",
                    if v.name.is_empty() { &v.id } else { &v.name }
                );
            }
            let base = code.clone();
            let mut n = 1;
            while behaviours.iter().any(|b| b.code == code) {
                n += 1;
                code = format!("{base} {n}");
            }
            let i = behaviours.len();
            behaviours.push(Behaviour {
                code,
                point: e.point,
                key: e.hotkey.map(String::from).unwrap_or_default(),
                description: e.description.clone(),
                colour: e.colour.clone().unwrap_or_default(),
                category: e.category.clone(),
            });
            by_entry.entry((v.id.clone(), e.value.clone())).or_insert(i);
            by_entry.entry((v.id.clone(), e.id.clone())).or_insert(i);
        }
    }
    let mut code_of = Vec::with_capacity(a.spans.len());
    for s in &a.spans {
        let found = a
            .vocabulary_id_of(s)
            .and_then(|v| by_entry.get(&(v, s.value.clone())).copied());
        let i = found.unwrap_or_else(|| {
            let code = if s.value.is_empty() {
                &s.tier
            } else {
                &s.value
            };
            let code = if code.is_empty() { UNCATEGORISED } else { code };
            match behaviours.iter().position(|b| b.code == code) {
                Some(i) => i,
                None => {
                    behaviours.push(Behaviour {
                        code: code.to_owned(),
                        point: true,
                        key: String::new(),
                        description: String::new(),
                        colour: String::new(),
                        category: s.tier.clone(),
                    });
                    behaviours.len() - 1
                }
            }
        });
        code_of.push(i);
    }
    // A point code only when every span coded with it is a point.
    for (s, &i) in a.spans.iter().zip(&code_of) {
        if s.start != s.end {
            behaviours[i].point = false;
        }
    }
    (behaviours, code_of)
}

fn observations(
    a: &Annotations,
    opts: &WriteOptions,
    behaviours: &[Behaviour],
    code_of: &[usize],
    date: &str,
) -> Map<String, Value> {
    type Key = (String, Option<String>);
    let default_media = a
        .media
        .first()
        .map(|m| m.relative_path.clone())
        .unwrap_or_default();
    let mut order: Vec<Key> = Vec::new();
    let mut members: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, s) in a.spans.iter().enumerate() {
        let media = s.media.clone().unwrap_or_else(|| default_media.clone());
        let key = (media, s.coder.clone().filter(|c| !c.is_empty()));
        members
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key.clone());
                Vec::new()
            })
            .push(i);
    }
    for m in &a.media {
        if !order.iter().any(|(media, _)| *media == m.relative_path) {
            order.push((m.relative_path.clone(), None));
        }
    }

    let mut out = Map::new();
    for key in &order {
        let (path, coder) = key;
        let media = a.media.iter().find(|m| m.relative_path == *path);
        let clip = match (&opts.clip_name, a.media.len() <= 1) {
            (Some(name), true) if !name.is_empty() => name.clone(),
            _ => stem(path),
        };
        let base = match coder {
            Some(c) => format!("{clip} — {c}"),
            None => clip,
        };
        let spans = members.get(key).map(Vec::as_slice).unwrap_or(&[]);
        for (lane, spans) in lanes(a, spans, behaviours, code_of).iter().enumerate() {
            let lane_base = if lane == 0 {
                base.clone()
            } else {
                format!("{base} #{}", lane + 1)
            };
            let mut id = lane_base.clone();
            let mut n = 1;
            while out.contains_key(&id) {
                n += 1;
                id = format!("{lane_base} ({n})");
            }
            let obs = observation(
                a,
                opts,
                media,
                path,
                coder.as_deref(),
                spans,
                behaviours,
                code_of,
                date,
            );
            out.insert(id, obs);
        }
    }
    out
}

/// One coder's spans of one clip, split so that no observation holds two
/// overlapping spans of one state code for one subject: BORIS pairs a
/// state code's events in time order, so an overlap would come back as
/// different spans. The first lane is the observation; others follow as
/// `<id> #2`…, always at least one (possibly empty).
fn lanes(
    a: &Annotations,
    spans: &[usize],
    behaviours: &[Behaviour],
    code_of: &[usize],
) -> Vec<Vec<usize>> {
    let ms = |t: TimePoint| match t {
        TimePoint::Ms(ms) => ms,
        TimePoint::Frame(f) => u64::from(f),
    };
    let mut sorted = spans.to_vec();
    sorted.sort_by_key(|&s| (ms(a.spans[s].start), ms(a.spans[s].end)));
    let mut lanes: Vec<Vec<usize>> = vec![Vec::new()];
    for s in sorted {
        let span = &a.spans[s];
        let clashes = |other: &usize| {
            let o = &a.spans[*other];
            !behaviours[code_of[s]].point
                && code_of[*other] == code_of[s]
                && o.participant == span.participant
                && ms(o.start) < ms(span.end)
                && ms(span.start) < ms(o.end)
        };
        match lanes.iter_mut().find(|lane| !lane.iter().any(clashes)) {
            Some(lane) => lane.push(s),
            None => lanes.push(vec![s]),
        }
    }
    lanes
}

#[allow(clippy::too_many_arguments)]
fn observation(
    a: &Annotations,
    opts: &WriteOptions,
    media: Option<&Media>,
    path: &str,
    coder: Option<&str>,
    spans: &[usize],
    behaviours: &[Behaviour],
    code_of: &[usize],
    date: &str,
) -> Value {
    let rate = media.and_then(|m| m.rate).filter(|&(n, d)| n > 0 && d > 0);
    let fps = rate.map_or(25.0, |(n, d)| f64::from(n) / f64::from(d));
    let ms = |t: TimePoint| match t {
        TimePoint::Ms(ms) => ms,
        TimePoint::Frame(f) => (f64::from(f) * 1000.0 / fps).round() as u64,
    };
    let frame = |t: TimePoint| -> Value {
        match (t, rate) {
            (TimePoint::Frame(f), _) => json!(f),
            (TimePoint::Ms(ms), Some((n, d))) => {
                json!((ms as f64 * f64::from(n) / (f64::from(d) * 1000.0)).round() as u64)
            }
            (TimePoint::Ms(_), None) => json!("NA"),
        }
    };

    // (time, rank, event): at one time, STOPs close before STARTs open.
    let mut events: Vec<(u64, u8, Value)> = Vec::new();
    let mut sorted: Vec<usize> = spans.to_vec();
    sorted.sort_by_key(|&s| (ms(a.spans[s].start), ms(a.spans[s].end)));
    let mut last_end = 0u64;
    for s in sorted {
        let span: &Span = &a.spans[s];
        let b = &behaviours[code_of[s]];
        let subject = span.participant.clone().unwrap_or_default();
        let note = if opts.with_notes {
            span.note.as_str()
        } else {
            ""
        };
        let (start, end) = (ms(span.start), ms(span.end).max(ms(span.start)));
        last_end = last_end.max(end);
        let event = |t: u64, at: TimePoint, comment: String| {
            json!([t as f64 / 1000.0, subject, b.code, "", comment, frame(at)])
        };
        if b.point {
            let comment = match (span.caption.is_empty(), note.is_empty()) {
                (_, true) => span.caption.clone(),
                (true, false) => format!("{NOTE_PREFIX}{note}"),
                (false, false) => format!("{}\n\n{NOTE_PREFIX}{note}", span.caption),
            };
            events.push((start, 1, event(start, span.start, comment)));
        } else {
            let stop_comment = if note.is_empty() {
                String::new()
            } else {
                format!("{NOTE_PREFIX}{note}")
            };
            events.push((start, 1, event(start, span.start, span.caption.clone())));
            // A zero-length state stays START-then-STOP at its one time.
            let rank = if end == start { 1 } else { 0 };
            events.push((end, rank, event(end, span.end, stop_comment)));
        }
    }
    events.sort_by_key(|&(t, rank, _)| (t, rank));
    let events: Vec<Value> = events.into_iter().map(|(_, _, e)| e).collect();

    let mut file = Map::new();
    for player in 1..=PLAYERS {
        let files = if player == 1 && !path.is_empty() {
            json!([path])
        } else {
            json!([])
        };
        file.insert(player.to_string(), files);
    }
    let length = media.and_then(|m| m.duration_ms).unwrap_or(last_end) as f64 / 1000.0;
    let media_info = if path.is_empty() {
        json!({"length": {}, "fps": {}, "hasVideo": {}, "hasAudio": {}, "offset": {"1": 0.0}})
    } else {
        json!({
            "length": {path: length},
            "fps": {path: fps},
            "hasVideo": {path: true},
            "hasAudio": {path: true},
            "offset": {"1": 0.0},
        })
    };
    let description = match coder {
        Some(c) => format!("Exported from Attune: coded by {c}"),
        None => "Exported from Attune".to_owned(),
    };
    json!({
        "file": file,
        "type": "MEDIA",
        "date": date,
        "description": description,
        "time offset": 0.0,
        "events": events,
        "observation time interval": [0, 0],
        "independent_variables": {CODER_VARIABLE: coder.unwrap_or("")},
        "visualize_spectrogram": false,
        "visualize_waveform": false,
        "media_creation_date_as_offset": false,
        "media_scan_sampling_duration": 0,
        "image_display_duration": 1,
        "close_behaviors_between_videos": false,
        "media_info": media_info,
    })
}

/// `{"0": …, "1": …}` as BORIS keys its configuration tables.
fn numbered(items: impl Iterator<Item = Value>) -> Value {
    Value::Object(items.enumerate().map(|(i, v)| (i.to_string(), v)).collect())
}

/// A path's file name without its extension.
fn stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ if name.is_empty() => "Attune".to_owned(),
        _ => name.to_owned(),
    }
}
