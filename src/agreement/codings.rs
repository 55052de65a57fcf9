//! A project's moments as the two [`Coding`]s agreement compares: one
//! annotation per code of each moment of the two coders on the clip, timed
//! as the ELAN and BORIS exports time them (the same `ClipTimes`), so the
//! figures agree with those tools' on the exported files.

use std::collections::{BTreeMap, HashMap};

use super::{Annotation, Coding};
use crate::interchange::ClipTimes;
use crate::model::{Clip, ClipId, CodeRef, Moment, Project};

/// Why the project's moments cannot be compared as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodingsError {
    #[error("there is no clip {0} in the project")]
    NoClip(ClipId),
    #[error("there is no codebook \"{0}\" in the project")]
    NoCodebook(String),
    #[error(
        "agreement needs two coders on clip \"{clip}\"; it has {}",
        if found.is_empty() { "none".to_owned() } else { found.join(", ") }
    )]
    TooFewCoders { clip: String, found: Vec<String> },
    #[error("{coder} has no coded moments on clip \"{clip}\"{}", in_book(.codebook))]
    NoMoments {
        coder: String,
        clip: String,
        codebook: Option<String>,
    },
    #[error("both codings are by {0}; choose two different coders")]
    SameCoder(String),
}

fn in_book(codebook: &Option<String>) -> String {
    codebook
        .as_ref()
        .map(|b| format!(" in codebook \"{b}\""))
        .unwrap_or_default()
}

/// The two codings, and how each compared value is named for people.
#[derive(Debug, Clone)]
pub struct Codings {
    pub a: Coding,
    pub b: Coding,
    /// Value → the code's name (for the report and the app's table).
    pub code_names: BTreeMap<String, String>,
    /// Value → the code it stands for.
    pub codes: HashMap<String, CodeRef>,
    /// Moments of the two coders that carry no code (left out).
    pub uncoded: usize,
}

/// The moments of `coders` on `clip`, one annotation per code (of
/// `codebook` only, when given). A code's value is its item id when one
/// codebook is in play, else `codebook/item`.
pub fn codings(
    project: &Project,
    clip: ClipId,
    coders: [&str; 2],
    codebook: Option<&str>,
    times: &dyn ClipTimes,
) -> Result<Codings, CodingsError> {
    let the_clip = project.clip(clip).ok_or(CodingsError::NoClip(clip))?;
    if let Some(id) = codebook
        && project.codebook(id).is_none()
    {
        return Err(CodingsError::NoCodebook(id.to_owned()));
    }
    let [first, second] = coders.map(str::trim);
    if first == second {
        return Err(CodingsError::SameCoder(first.to_owned()));
    }
    let on_clip = project.coders_on(clip);
    for coder in [first, second] {
        if !on_clip.contains(&coder) {
            return Err(CodingsError::TooFewCoders {
                clip: the_clip.name.clone(),
                found: on_clip.iter().map(|c| (*c).to_owned()).collect(),
            });
        }
    }
    let moments: Vec<&Moment> = project
        .moments
        .iter()
        .filter(|m| m.clip == clip && (m.author == first || m.author == second))
        .collect();
    let wanted = |code: &CodeRef| codebook.is_none_or(|b| code.codebook == b);
    let books: Vec<&str> = {
        let mut books: Vec<&str> = Vec::new();
        for code in moments.iter().flat_map(|m| &m.codes).filter(|c| wanted(c)) {
            if !books.contains(&code.codebook.as_str()) {
                books.push(&code.codebook);
            }
        }
        books
    };
    let value_of = |code: &CodeRef| {
        if books.len() <= 1 {
            code.item.clone()
        } else {
            format!("{}/{}", code.codebook, code.item)
        }
    };
    // As the BORIS export decides: a code is a point event when every
    // moment carrying it (of either coder here) is one frame.
    let mut all_points: HashMap<&CodeRef, bool> = HashMap::new();
    for m in &moments {
        for code in m.codes.iter().filter(|c| wanted(c)) {
            let point = all_points.entry(code).or_insert(true);
            *point &= m.start == m.end;
        }
    }
    let mut out = Codings {
        a: Coding {
            coder: first.to_owned(),
            annotations: Vec::new(),
        },
        b: Coding {
            coder: second.to_owned(),
            annotations: Vec::new(),
        },
        code_names: BTreeMap::new(),
        codes: HashMap::new(),
        uncoded: 0,
    };
    for m in &moments {
        let codes: Vec<&CodeRef> = m.codes.iter().filter(|c| wanted(c)).collect();
        if codes.is_empty() {
            out.uncoded += 1;
            continue;
        }
        let coding = if m.author == first {
            &mut out.a
        } else {
            &mut out.b
        };
        for code in codes {
            let value = value_of(code);
            out.code_names
                .entry(value.clone())
                .or_insert_with(|| code_name(project, code));
            out.codes
                .entry(value.clone())
                .or_insert_with(|| code.clone());
            coding
                .annotations
                .push(annotation(the_clip, m, value, times, all_points[code]));
        }
    }
    for coding in [&out.a, &out.b] {
        if coding.annotations.is_empty() {
            return Err(CodingsError::NoMoments {
                coder: coding.coder.clone(),
                clip: the_clip.name.clone(),
                codebook: codebook.map(str::to_owned),
            });
        }
    }
    Ok(out)
}

fn annotation(
    clip: &Clip,
    m: &Moment,
    value: String,
    times: &dyn ClipTimes,
    point_code: bool,
) -> Annotation {
    let start_ms = times.ms_of(clip, m.start);
    // The end of the last frame: the next frame's start, or for the clip's
    // last frame, one frame period on (the exports do the same).
    let stop_ms = times.ms_of(clip, m.end.saturating_add(1)).max(start_ms + 1);
    Annotation {
        moment: u64::from(m.id.0),
        value,
        participant: m.participant.as_ref().map(|p| p.label().to_owned()),
        start_frame: m.start,
        end_frame: m.end,
        start_ms: start_ms as f64,
        stop_ms: stop_ms as f64,
        point: point_code && m.start == m.end,
    }
}

fn code_name(project: &Project, code: &CodeRef) -> String {
    project
        .codebook(&code.codebook)
        .and_then(|b| b.item(&code.item))
        .map_or_else(|| code.item.clone(), |(_, item)| item.name.clone())
}
