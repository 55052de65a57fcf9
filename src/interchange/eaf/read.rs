//! One EAF document (3.0, or 2.x) → the shared form.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

mod media;
mod slots;
mod xml;

use media::{media_path, primary_media};
use slots::resolve_times;
use xml::{attributes, element, reference, required, time_value};

use super::{CAPTION_TYPE, FRAME_PROPERTY, NOTE_TYPE};
use crate::interchange::error::FormatError;
use crate::interchange::{Annotations, Entry, Media, Span, TimePoint, Vocabulary};

struct Slot {
    id: String,
    value: Option<u64>,
    pos: usize,
}

struct Tier {
    id: String,
    linguistic_type: String,
    parent: Option<String>,
    annotator: String,
    participant: String,
    annotations: Vec<usize>,
}

enum Kind {
    /// Indices into the slot list.
    Aligned(usize, usize),
    /// The annotation it refers to (resolved after reading).
    Ref(String),
}

struct Annotation {
    id: String,
    kind: Kind,
    value: String,
    pos: usize,
}

struct LinguisticType {
    constraint: String,
    cv: Option<String>,
}

struct Cv {
    id: String,
    description: String,
    external: bool,
    entries: Vec<Entry>,
}

struct MediaDescriptor {
    media: Media,
    extracted: bool,
}

/// Elements whose end matters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Tier,
    Annotation,
    Value,
    Property,
    Cv,
    CvDescription,
    Entry,
    EntryValue,
    /// An ELAN 2.x `CV_ENTRY`: entry and value in one element.
    OldEntry,
    Other,
}

#[derive(Default)]
struct Doc {
    media: Vec<MediaDescriptor>,
    slots: Vec<Slot>,
    slot_index: HashMap<String, usize>,
    tiers: Vec<Tier>,
    annotations: Vec<Annotation>,
    types: HashMap<String, LinguisticType>,
    cvs: Vec<Cv>,
    added_ms: u64,
}

/// Reads an ELAN document. `file` only names it in errors.
pub fn read(text: &str, file: &Path) -> Result<Annotations, FormatError> {
    // Editors on Windows may have saved the file with a byte-order mark.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let doc = parse(text, file)?;
    build(doc, text, file)
}

fn parse(text: &str, file: &Path) -> Result<Doc, FormatError> {
    let mut reader = Reader::from_str(text);
    let mut doc = Doc::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut seen_root = false;
    let mut capture: Option<String> = None;
    let mut property: Option<String> = None;
    let mut tier: Option<usize> = None;
    let mut annotation: Option<usize> = None;
    let mut entry_description = String::new();
    let syntax = |reader: &Reader<&[u8]>, e: &dyn std::fmt::Display| {
        FormatError::at_offset(
            file,
            text,
            reader.error_position() as usize,
            format!("malformed XML: {e}"),
        )
    };
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| syntax(&reader, &e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.name();
                let name = name.as_ref();
                if !seen_root {
                    if name != b"ANNOTATION_DOCUMENT" {
                        return Err(FormatError::in_element(
                            file,
                            text,
                            pos,
                            format!("<{}>", String::from_utf8_lossy(name)),
                            "not an ELAN file: the root element must be <ANNOTATION_DOCUMENT>",
                        ));
                    }
                    seen_root = true;
                }
                let el = |what: &str| element(name, what);
                let open = match name {
                    b"MEDIA_DESCRIPTOR" => {
                        let [url, relative, mime, extracted] = attributes(
                            e,
                            [
                                b"MEDIA_URL",
                                b"RELATIVE_MEDIA_URL",
                                b"MIME_TYPE",
                                b"EXTRACTED_FROM",
                            ],
                            file,
                            text,
                            pos,
                        )?;
                        doc.media.push(MediaDescriptor {
                            media: Media {
                                relative_path: media_path(relative.as_deref(), url.as_deref()),
                                mime: mime.filter(|m| !m.is_empty() && m != "unknown"),
                                rate: None,
                                duration_ms: None,
                            },
                            extracted: extracted.is_some_and(|x| !x.is_empty()),
                        });
                        Open::Other
                    }
                    b"PROPERTY" => {
                        let [n] = attributes(e, [b"NAME"], file, text, pos)?;
                        property = n;
                        capture = Some(String::new());
                        Open::Property
                    }
                    b"TIME_SLOT" => {
                        let [id, value] =
                            attributes(e, [b"TIME_SLOT_ID", b"TIME_VALUE"], file, text, pos)?;
                        let id = required(id, "TIME_SLOT_ID", &el(""), file, text, pos)?;
                        let value = match value {
                            None => None,
                            Some(v) => Some(time_value(&v).ok_or_else(|| {
                                FormatError::in_element(
                                    file,
                                    text,
                                    pos,
                                    format!("<TIME_SLOT {id}>"),
                                    format!(
                                        "TIME_VALUE \"{v}\" is not a whole number of milliseconds"
                                    ),
                                )
                            })?),
                        };
                        if doc.slot_index.insert(id.clone(), doc.slots.len()).is_some() {
                            return Err(FormatError::in_element(
                                file,
                                text,
                                pos,
                                format!("<TIME_SLOT {id}>"),
                                "a second TIME_SLOT with this id",
                            ));
                        }
                        doc.slots.push(Slot { id, value, pos });
                        Open::Other
                    }
                    b"TIER" => {
                        let [id, lt, parent, annotator, participant] = attributes(
                            e,
                            [
                                b"TIER_ID",
                                b"LINGUISTIC_TYPE_REF",
                                b"PARENT_REF",
                                b"ANNOTATOR",
                                b"PARTICIPANT",
                            ],
                            file,
                            text,
                            pos,
                        )?;
                        let id = required(id, "TIER_ID", &el(""), file, text, pos)?;
                        doc.tiers.push(Tier {
                            id,
                            linguistic_type: lt.unwrap_or_default(),
                            parent: parent.filter(|p| !p.is_empty()),
                            annotator: annotator.unwrap_or_default(),
                            participant: participant.unwrap_or_default(),
                            annotations: Vec::new(),
                        });
                        tier = (!empty).then_some(doc.tiers.len() - 1);
                        Open::Tier
                    }
                    b"ALIGNABLE_ANNOTATION" | b"REF_ANNOTATION" => {
                        let Some(t) = tier else {
                            return Err(FormatError::in_element(
                                file,
                                text,
                                pos,
                                el(""),
                                "an annotation outside any <TIER>",
                            ));
                        };
                        let aligned = name == b"ALIGNABLE_ANNOTATION";
                        let [id, ts1, ts2, target] = attributes(
                            e,
                            [
                                b"ANNOTATION_ID",
                                b"TIME_SLOT_REF1",
                                b"TIME_SLOT_REF2",
                                b"ANNOTATION_REF",
                            ],
                            file,
                            text,
                            pos,
                        )?;
                        let id = required(id, "ANNOTATION_ID", &el(""), file, text, pos)?;
                        let here = element(name, &id);
                        let kind = if aligned {
                            let slot = |r: Option<String>, attr: &str| {
                                let r = required(r, attr, &here, file, text, pos)?;
                                doc.slot_index.get(&r).copied().ok_or_else(|| {
                                    FormatError::in_element(
                                        file,
                                        text,
                                        pos,
                                        here.clone(),
                                        format!("{attr} \"{r}\" names no TIME_SLOT in TIME_ORDER"),
                                    )
                                })
                            };
                            Kind::Aligned(
                                slot(ts1, "TIME_SLOT_REF1")?,
                                slot(ts2, "TIME_SLOT_REF2")?,
                            )
                        } else {
                            Kind::Ref(required(target, "ANNOTATION_REF", &here, file, text, pos)?)
                        };
                        doc.annotations.push(Annotation {
                            id,
                            kind,
                            value: String::new(),
                            pos,
                        });
                        doc.tiers[t].annotations.push(doc.annotations.len() - 1);
                        annotation = (!empty).then_some(doc.annotations.len() - 1);
                        Open::Annotation
                    }
                    b"ANNOTATION_VALUE" if annotation.is_some() => {
                        capture = Some(String::new());
                        Open::Value
                    }
                    b"LINGUISTIC_TYPE" => {
                        let [id, constraint, cv] = attributes(
                            e,
                            [
                                b"LINGUISTIC_TYPE_ID",
                                b"CONSTRAINTS",
                                b"CONTROLLED_VOCABULARY_REF",
                            ],
                            file,
                            text,
                            pos,
                        )?;
                        let id = required(id, "LINGUISTIC_TYPE_ID", &el(""), file, text, pos)?;
                        doc.types.insert(
                            id,
                            LinguisticType {
                                constraint: constraint.unwrap_or_default(),
                                cv: cv.filter(|c| !c.is_empty()),
                            },
                        );
                        Open::Other
                    }
                    b"CONTROLLED_VOCABULARY" => {
                        let [id, description, ext] =
                            attributes(e, [b"CV_ID", b"DESCRIPTION", b"EXT_REF"], file, text, pos)?;
                        let id = required(id, "CV_ID", &el(""), file, text, pos)?;
                        doc.cvs.push(Cv {
                            id,
                            description: description.unwrap_or_default(),
                            external: ext.is_some_and(|x| !x.is_empty()),
                            entries: Vec::new(),
                        });
                        Open::Cv
                    }
                    b"DESCRIPTION" if stack.last() == Some(&Open::Cv) => {
                        capture = Some(String::new());
                        Open::CvDescription
                    }
                    b"CV_ENTRY_ML" | b"CV_ENTRY" if stack.last() == Some(&Open::Cv) => {
                        let [id, description] =
                            attributes(e, [b"CVE_ID", b"DESCRIPTION"], file, text, pos)?;
                        let cv = doc.cvs.last_mut().expect("inside a CV");
                        cv.entries.push(Entry {
                            id: id.filter(|i| !i.is_empty()).unwrap_or_default(),
                            value: String::new(),
                            description: description.unwrap_or_default(),
                            category: String::new(),
                            colour: None,
                            hotkey: None,
                            point: false,
                        });
                        if name == b"CV_ENTRY" {
                            capture = Some(String::new());
                            Open::OldEntry
                        } else {
                            Open::Entry
                        }
                    }
                    b"CVE_VALUE" if stack.last() == Some(&Open::Entry) => {
                        let [description] = attributes(e, [b"DESCRIPTION"], file, text, pos)?;
                        entry_description = description.unwrap_or_default();
                        capture = Some(String::new());
                        Open::EntryValue
                    }
                    _ => Open::Other,
                };
                if empty {
                    if open == Open::Annotation {
                        annotation = None;
                    }
                    finish(
                        open,
                        &mut doc,
                        annotation,
                        &mut capture,
                        &mut property,
                        &mut entry_description,
                    );
                } else {
                    stack.push(open);
                }
            }
            Event::End(_) => {
                let open = stack.pop().unwrap_or(Open::Other);
                match open {
                    Open::Tier => tier = None,
                    Open::Annotation => annotation = None,
                    _ => {}
                }
                finish(
                    open,
                    &mut doc,
                    annotation,
                    &mut capture,
                    &mut property,
                    &mut entry_description,
                );
            }
            Event::Text(t) => {
                if let Some(c) = capture.as_mut() {
                    let s = t.xml10_content().map_err(|e| syntax(&reader, &e))?;
                    c.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(c) = capture.as_mut() {
                    let s = t.xml10_content().map_err(|e| syntax(&reader, &e))?;
                    c.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let c = reference(&r).ok_or_else(|| {
                    FormatError::at_offset(
                        file,
                        text,
                        pos,
                        format!(
                            "malformed XML: unknown entity &{};",
                            String::from_utf8_lossy(&r)
                        ),
                    )
                })?;
                if let Some(s) = capture.as_mut() {
                    s.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(FormatError::new(
            file,
            None,
            "not an ELAN file: no <ANNOTATION_DOCUMENT> element",
        ));
    }
    if !stack.is_empty() {
        return Err(FormatError::at_offset(
            file,
            text,
            text.len(),
            "malformed XML: the file ends before its elements are closed",
        ));
    }
    Ok(doc)
}

/// What an element's end (or an empty element) completes.
fn finish(
    open: Open,
    doc: &mut Doc,
    annotation: Option<usize>,
    capture: &mut Option<String>,
    property: &mut Option<String>,
    entry_description: &mut String,
) {
    match open {
        Open::Value => {
            if let (Some(a), Some(v)) = (annotation, capture.take()) {
                doc.annotations[a].value = v;
            }
        }
        Open::Property => {
            let value = capture.take().unwrap_or_default();
            if property.take().as_deref() == Some(FRAME_PROPERTY) {
                doc.added_ms = value.trim().parse().unwrap_or(0);
            }
        }
        Open::CvDescription => {
            let value = capture.take().unwrap_or_default();
            if let Some(cv) = doc.cvs.last_mut()
                && cv.description.is_empty()
            {
                cv.description = value;
            }
        }
        Open::EntryValue | Open::OldEntry => {
            let value = capture.take().unwrap_or_default();
            if let Some(entry) = doc.cvs.last_mut().and_then(|cv| cv.entries.last_mut()) {
                // Of several languages' values, the first one.
                if entry.value.is_empty() {
                    entry.value = value;
                    if open == Open::EntryValue {
                        entry.description = std::mem::take(entry_description);
                    }
                }
            }
        }
        Open::Tier | Open::Annotation | Open::Cv | Open::Entry | Open::Other => {}
    }
}

fn build(doc: Doc, text: &str, file: &Path) -> Result<Annotations, FormatError> {
    let times = resolve_times(&doc, text, file)?;
    let added = doc.added_ms;
    let primary = primary_media(&doc.media);
    let tier_ids: HashSet<&str> = doc.tiers.iter().map(|t| t.id.as_str()).collect();
    let cv_ids: HashMap<&str, &Cv> = doc
        .cvs
        .iter()
        .filter(|cv| !(cv.external && cv.entries.is_empty()))
        .map(|cv| (cv.id.as_str(), cv))
        .collect();

    let mut out = Annotations {
        media: doc.media.iter().map(|m| m.media.clone()).collect(),
        ..Annotations::default()
    };
    let mut span_of: HashMap<&str, usize> = HashMap::new();
    let mut ref_target: HashMap<&str, &str> = HashMap::new();
    for tier in &doc.tiers {
        if !tier.participant.is_empty() && !out.participants.contains(&tier.participant) {
            out.participants.push(tier.participant.clone());
        }
        let vocabulary = doc
            .types
            .get(&tier.linguistic_type)
            .and_then(|lt| lt.cv.as_deref())
            .filter(|cv| cv_ids.contains_key(cv))
            .map(str::to_owned);
        let name = base_name(tier, &tier_ids);
        for &a in &tier.annotations {
            let ann = &doc.annotations[a];
            match ann.kind {
                Kind::Aligned(s1, s2) => {
                    let start = times[s1].expect("resolved");
                    let end = times[s2].expect("resolved");
                    // Attune's own points were written one frame long.
                    let end = if added > 0 && end.saturating_sub(start) == added {
                        start
                    } else {
                        end
                    };
                    span_of.insert(&ann.id, out.spans.len());
                    out.spans.push(Span {
                        media: primary.clone(),
                        tier: name.clone(),
                        coder: Some(tier.annotator.clone()).filter(|c| !c.is_empty()),
                        participant: Some(tier.participant.clone()).filter(|p| !p.is_empty()),
                        value: ann.value.clone(),
                        vocabulary: vocabulary.clone(),
                        start: TimePoint::Ms(start),
                        end: TimePoint::Ms(end),
                        caption: String::new(),
                        note: String::new(),
                    });
                }
                Kind::Ref(ref target) => {
                    ref_target.insert(&ann.id, target);
                }
            }
        }
    }

    // Dependent symbolic tiers: their text joins the span they hang from.
    for tier in &doc.tiers {
        let lt = doc.types.get(&tier.linguistic_type);
        let symbolic_association = lt.is_some_and(|lt| lt.constraint == "Symbolic_Association");
        let caption = symbolic_association
            && (tier.linguistic_type == CAPTION_TYPE
                || tier.linguistic_type.to_lowercase().contains("caption")
                || tier.id.to_lowercase().contains("caption"));
        let own_note = symbolic_association && tier.linguistic_type == NOTE_TYPE;
        for &a in &tier.annotations {
            let ann = &doc.annotations[a];
            let Kind::Ref(_) = ann.kind else { continue };
            let mut at: &str = &ann.id;
            let mut hops = 0;
            let span = loop {
                if let Some(&s) = span_of.get(at) {
                    break Some(s);
                }
                match ref_target.get(at) {
                    Some(next) if hops < 64 => {
                        at = next;
                        hops += 1;
                    }
                    _ => break None,
                }
            };
            let Some(span) = span else {
                let Kind::Ref(ref target) = ann.kind else {
                    unreachable!()
                };
                return Err(FormatError::in_element(
                    file,
                    text,
                    ann.pos,
                    format!("<REF_ANNOTATION {}>", ann.id),
                    format!("ANNOTATION_REF \"{target}\" leads to no time-aligned annotation"),
                ));
            };
            if ann.value.is_empty() {
                continue;
            }
            let span = &mut out.spans[span];
            let (field, addition) = if caption {
                (&mut span.caption, ann.value.clone())
            } else if own_note {
                (&mut span.note, ann.value.clone())
            } else {
                (&mut span.note, format!("{}: {}", tier.id, ann.value))
            };
            if !field.is_empty() {
                field.push('\n');
            }
            field.push_str(&addition);
        }
    }

    for cv in &doc.cvs {
        if !cv_ids.contains_key(cv.id.as_str()) {
            continue;
        }
        let mut entries = cv.entries.clone();
        for (n, e) in entries.iter_mut().enumerate() {
            if e.id.is_empty() {
                e.id = if e.value.is_empty() {
                    format!("{}-{}", cv.id, n + 1)
                } else {
                    e.value.clone()
                };
            }
            // ELAN has no categories: the tier an entry is used on is one.
            if let Some(s) = out
                .spans
                .iter()
                .find(|s| s.vocabulary.as_deref() == Some(&cv.id) && s.value == e.value)
            {
                e.category = s.tier.clone();
            }
        }
        out.vocabularies.push(Vocabulary {
            id: cv.id.clone(),
            name: cv.id.clone(),
            description: cv.description.clone(),
            entries,
        });
    }
    Ok(out)
}

/// The tier a span belongs to: the tier id without the ` (participant,
/// coder)` or ` #n` an export added to keep ids apart.
fn base_name(tier: &Tier, all: &HashSet<&str>) -> String {
    let mut name = tier.id.as_str();
    if let Some((base, n)) = name.rsplit_once(" #")
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
        && all.contains(base)
    {
        name = base;
    }
    let parts: Vec<&str> = [tier.participant.as_str(), tier.annotator.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    if !parts.is_empty()
        && let Some(base) = name.strip_suffix(&format!(" ({})", parts.join(", ")))
        && !base.is_empty()
    {
        name = base;
    }
    name.to_owned()
}
