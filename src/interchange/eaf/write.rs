//! The shared form → one EAF 3.0 document.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::name::QName;

use super::{
    CAPTION_TYPE, FRAME_PROPERTY, FREE_TYPE, LANG_DEF, LANG_ID, NOTE_TYPE, SCHEMA_URL, WriteOptions,
};
use crate::interchange::{Annotations, Media, Span, TimePoint, Vocabulary};

type Xml = Writer<Vec<u8>>;

/// The four constraints ELAN declares in every document.
const CONSTRAINTS: [(&str, &str); 4] = [
    (
        "Time_Subdivision",
        "Time subdivision of parent annotation's time interval, no time gaps allowed within this interval",
    ),
    (
        "Symbolic_Subdivision",
        "Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered",
    ),
    (
        "Symbolic_Association",
        "1-1 association with a parent annotation",
    ),
    (
        "Included_In",
        "Time alignable annotations within the parent annotation's time interval, gaps are allowed",
    ),
];

/// One time-alignable tier to write.
struct Tier {
    id: String,
    linguistic_type: String,
    coder: Option<String>,
    participant: Option<String>,
    /// Indices into `Annotations::spans`, in time order.
    spans: Vec<usize>,
}

/// `annotations` as an EAF 3.0 document (UTF-8 text).
pub fn write(a: &Annotations, opts: &WriteOptions) -> String {
    let frame_ms = frame_ms(a, opts);
    let added = (frame_ms.round() as u64).max(1);
    let times: Vec<(u64, u64)> = a
        .spans
        .iter()
        .map(|s| {
            let start = ms(s.start, frame_ms);
            // A span's millisecond end is already where it stops (as in
            // ELAN); only a point, which ELAN cannot hold, is made one
            // frame long.
            let end = ms(s.end, frame_ms).max(start);
            (start, if end > start { end } else { end + added })
        })
        .collect();
    let types = linguistic_types(a);
    let tiers = tiers(a, &types, &times);

    // Annotation ids: the aligned ones first, tier by tier, then captions
    // and notes; time slots numbered in time order as ELAN does.
    let mut next_id = 0usize;
    let mut annotation_id: HashMap<usize, usize> = HashMap::new();
    for tier in &tiers {
        for &s in &tier.spans {
            next_id += 1;
            annotation_id.insert(s, next_id);
        }
    }
    let mut slots: Vec<(u64, usize, u8)> = Vec::with_capacity(times.len() * 2);
    for tier in &tiers {
        for &s in &tier.spans {
            slots.push((times[s].0, s, 0));
            slots.push((times[s].1, s, 1));
        }
    }
    slots.sort_by_key(|&(t, _, _)| t);
    let mut slot_id: HashMap<(usize, u8), usize> = HashMap::with_capacity(slots.len());
    for (i, &(_, s, which)) in slots.iter().enumerate() {
        slot_id.insert((s, which), i + 1);
    }

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 4);
    ok(w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))));
    let date = opts
        .date
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let root = w.create_element("ANNOTATION_DOCUMENT").with_attributes([
        attr("AUTHOR", &opts.author),
        attr("DATE", &date),
        attr("FORMAT", "3.0"),
        attr("VERSION", "3.0"),
        attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        attr("xsi:noNamespaceSchemaLocation", SCHEMA_URL),
    ]);
    let urn = urn(a, opts);
    let total_ids = next_id
        + tiers
            .iter()
            .flat_map(|t| &t.spans)
            .filter(|&&s| !a.spans[s].caption.is_empty())
            .count()
        + if opts.with_notes {
            tiers
                .iter()
                .flat_map(|t| &t.spans)
                .filter(|&&s| !a.spans[s].note.is_empty())
                .count()
        } else {
            0
        };
    ok(root.write_inner_content(|w| {
        header(w, a, &urn, total_ids, added);
        w.create_element("TIME_ORDER").write_inner_content(|w| {
            for (i, &(t, _, _)) in slots.iter().enumerate() {
                w.create_element("TIME_SLOT")
                    .with_attributes([
                        attr("TIME_SLOT_ID", &format!("ts{}", i + 1)),
                        attr("TIME_VALUE", &t.to_string()),
                    ])
                    .write_empty()?;
            }
            Ok(())
        })?;
        for tier in &tiers {
            aligned_tier(w, a, tier, &annotation_id, &slot_id);
            let captions = |s: &Span| s.caption.clone();
            dependent_tier(
                w,
                a,
                tier,
                "caption",
                CAPTION_TYPE,
                &captions,
                &mut next_id,
                &annotation_id,
            );
            if opts.with_notes {
                let notes = |s: &Span| s.note.clone();
                dependent_tier(
                    w,
                    a,
                    tier,
                    "note",
                    NOTE_TYPE,
                    &notes,
                    &mut next_id,
                    &annotation_id,
                );
            }
        }
        for (vocabulary, id) in &types.ordered {
            let mut e = w.create_element("LINGUISTIC_TYPE").with_attributes([
                attr("GRAPHIC_REFERENCES", "false"),
                attr("LINGUISTIC_TYPE_ID", id),
                attr("TIME_ALIGNABLE", "true"),
            ]);
            if let Some(v) = vocabulary
                && a.vocabularies.iter().any(|x| &x.id == v)
            {
                e = e.with_attribute(attr("CONTROLLED_VOCABULARY_REF", v));
            }
            e.write_empty()?;
        }
        for id in [CAPTION_TYPE, NOTE_TYPE] {
            w.create_element("LINGUISTIC_TYPE")
                .with_attributes([
                    attr("CONSTRAINTS", "Symbolic_Association"),
                    attr("GRAPHIC_REFERENCES", "false"),
                    attr("LINGUISTIC_TYPE_ID", id),
                    attr("TIME_ALIGNABLE", "false"),
                ])
                .write_empty()?;
        }
        w.create_element("LANGUAGE")
            .with_attributes([
                attr("LANG_DEF", LANG_DEF),
                attr("LANG_ID", LANG_ID),
                attr("LANG_LABEL", "English (eng)"),
            ])
            .write_empty()?;
        for (stereotype, description) in CONSTRAINTS {
            w.create_element("CONSTRAINT")
                .with_attributes([
                    attr("DESCRIPTION", description),
                    attr("STEREOTYPE", stereotype),
                ])
                .write_empty()?;
        }
        for v in &a.vocabularies {
            vocabulary(w, v);
        }
        Ok(())
    }));
    let mut out = String::from_utf8(w.into_inner()).expect("the writer writes UTF-8");
    out.push('\n');
    out
}

fn header(w: &mut Xml, a: &Annotations, urn: &str, last_id: usize, added: u64) {
    let e = w
        .create_element("HEADER")
        .with_attributes([attr("MEDIA_FILE", ""), attr("TIME_UNITS", "milliseconds")]);
    ok(e.write_inner_content(|w| {
        for m in &a.media {
            media_descriptor(w, m);
        }
        for (name, value) in [
            ("URN", urn.to_owned()),
            ("lastUsedAnnotationId", last_id.to_string()),
            (FRAME_PROPERTY, added.to_string()),
        ] {
            w.create_element("PROPERTY")
                .with_attribute(attr("NAME", name))
                .write_text_content(text(&value))?;
        }
        Ok(())
    }));
}

fn media_descriptor(w: &mut Xml, m: &Media) {
    let relative = m.relative_path.replace('\\', "/");
    let name = relative.rsplit('/').next().unwrap_or(&relative).to_owned();
    let relative_url = if relative.starts_with("./") || relative.starts_with("../") {
        relative.clone()
    } else {
        format!("./{relative}")
    };
    ok(w.create_element("MEDIA_DESCRIPTOR")
        .with_attributes([
            // The schema requires an absolute URL; the user's disk layout
            // must not leave the machine, so only the file's name is in it.
            attr("MEDIA_URL", &format!("file:///{name}")),
            attr("MIME_TYPE", m.mime.as_deref().unwrap_or("unknown")),
            attr("RELATIVE_MEDIA_URL", &relative_url),
        ])
        .write_empty());
}

fn aligned_tier(
    w: &mut Xml,
    a: &Annotations,
    tier: &Tier,
    annotation_id: &HashMap<usize, usize>,
    slot_id: &HashMap<(usize, u8), usize>,
) {
    let e = w.create_element("TIER").with_attributes(tier_attributes(
        &tier.id,
        &tier.linguistic_type,
        tier.coder.as_deref(),
        tier.participant.as_deref(),
        None,
    ));
    ok(e.write_inner_content(|w| {
        for &s in &tier.spans {
            let span = &a.spans[s];
            w.create_element("ANNOTATION").write_inner_content(|w| {
                let mut e = w.create_element("ALIGNABLE_ANNOTATION").with_attributes([
                    attr("ANNOTATION_ID", &format!("a{}", annotation_id[&s])),
                    attr("TIME_SLOT_REF1", &format!("ts{}", slot_id[&(s, 0)])),
                    attr("TIME_SLOT_REF2", &format!("ts{}", slot_id[&(s, 1)])),
                ]);
                if let Some(cve) = cve_ref(a, span) {
                    e = e.with_attribute(attr("CVE_REF", &cve));
                }
                e.write_inner_content(|w| {
                    w.create_element("ANNOTATION_VALUE")
                        .write_text_content(text(&span.value))?;
                    Ok(())
                })?;
                Ok(())
            })?;
        }
        Ok(())
    }));
}

#[allow(clippy::too_many_arguments)]
fn dependent_tier(
    w: &mut Xml,
    a: &Annotations,
    tier: &Tier,
    kind: &str,
    linguistic_type: &str,
    text_of: &dyn Fn(&Span) -> String,
    next_id: &mut usize,
    annotation_id: &HashMap<usize, usize>,
) {
    let with_text: Vec<usize> = tier
        .spans
        .iter()
        .copied()
        .filter(|&s| !text_of(&a.spans[s]).is_empty())
        .collect();
    if with_text.is_empty() {
        return;
    }
    let id = format!("{} - {kind}", tier.id);
    let e = w.create_element("TIER").with_attributes(tier_attributes(
        &id,
        linguistic_type,
        tier.coder.as_deref(),
        tier.participant.as_deref(),
        Some(&tier.id),
    ));
    ok(e.write_inner_content(|w| {
        for s in with_text {
            *next_id += 1;
            let own = format!("a{next_id}");
            let parent = format!("a{}", annotation_id[&s]);
            let value = text_of(&a.spans[s]);
            w.create_element("ANNOTATION").write_inner_content(|w| {
                w.create_element("REF_ANNOTATION")
                    .with_attributes([attr("ANNOTATION_ID", &own), attr("ANNOTATION_REF", &parent)])
                    .write_inner_content(|w| {
                        w.create_element("ANNOTATION_VALUE")
                            .write_text_content(text(&value))?;
                        Ok(())
                    })?;
                Ok(())
            })?;
        }
        Ok(())
    }));
}

fn tier_attributes<'a>(
    id: &'a str,
    linguistic_type: &'a str,
    coder: Option<&'a str>,
    participant: Option<&'a str>,
    parent: Option<&'a str>,
) -> Vec<Attribute<'static>> {
    let mut out = Vec::with_capacity(5);
    if let Some(c) = coder {
        out.push(attr("ANNOTATOR", c));
    }
    out.push(attr("LINGUISTIC_TYPE_REF", linguistic_type));
    if let Some(p) = parent {
        out.push(attr("PARENT_REF", p));
    }
    if let Some(p) = participant {
        out.push(attr("PARTICIPANT", p));
    }
    out.push(attr("TIER_ID", id));
    out
}

fn vocabulary(w: &mut Xml, v: &Vocabulary) {
    let e = w
        .create_element("CONTROLLED_VOCABULARY")
        .with_attribute(attr("CV_ID", &v.id));
    ok(e.write_inner_content(|w| {
        w.create_element("DESCRIPTION")
            .with_attribute(attr("LANG_REF", LANG_ID))
            .write_text_content(text(&v.description))?;
        for entry in &v.entries {
            w.create_element("CV_ENTRY_ML")
                .with_attribute(attr("CVE_ID", &entry.id))
                .write_inner_content(|w| {
                    w.create_element("CVE_VALUE")
                        .with_attributes([
                            attr("DESCRIPTION", &entry.description),
                            attr("LANG_REF", LANG_ID),
                        ])
                        .write_text_content(text(&entry.value))?;
                    Ok(())
                })?;
        }
        Ok(())
    }));
}

/// The linguistic type of each vocabulary a span names (and of free text),
/// in first-use order.
struct Types {
    ordered: Vec<(Option<String>, String)>,
    by_vocabulary: HashMap<Option<String>, String>,
}

fn linguistic_types(a: &Annotations) -> Types {
    let mut types = Types {
        ordered: Vec::new(),
        by_vocabulary: HashMap::new(),
    };
    for span in &a.spans {
        let v = a.vocabulary_id_of(span);
        if types.by_vocabulary.contains_key(&v) {
            continue;
        }
        let mut id = match &v {
            None => FREE_TYPE.to_owned(),
            Some(v)
                if v.is_empty() || [CAPTION_TYPE, NOTE_TYPE, FREE_TYPE].contains(&v.as_str()) =>
            {
                format!("cv-{v}")
            }
            Some(v) => v.clone(),
        };
        while types.ordered.iter().any(|(_, t)| *t == id) {
            id.push('_');
        }
        types.ordered.push((v.clone(), id.clone()));
        types.by_vocabulary.insert(v, id);
    }
    types
}

/// The `CVE_ID` of the entry a span's value names.
fn cve_ref(a: &Annotations, span: &Span) -> Option<String> {
    let id = a.vocabulary_id_of(span)?;
    let v = a.vocabularies.iter().find(|v| v.id == id)?;
    v.entries
        .iter()
        .find(|e| e.value == span.value)
        .or_else(|| v.entries.iter().find(|e| e.id == span.value))
        .map(|e| e.id.clone())
}

/// Spans grouped into tiers: one per (tier, vocabulary, coder,
/// participant), with overlapping spans moved to extra tiers `<id> #2`…
/// because an ELAN tier holds no overlapping annotations.
fn tiers(a: &Annotations, types: &Types, times: &[(u64, u64)]) -> Vec<Tier> {
    type Key = (String, Option<String>, Option<String>, Option<String>);
    let mut order: Vec<Key> = Vec::new();
    let mut members: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, s) in a.spans.iter().enumerate() {
        let base = if s.tier.trim().is_empty() {
            "Annotations".to_owned()
        } else {
            s.tier.clone()
        };
        let key = (
            base,
            a.vocabulary_id_of(s),
            s.coder.clone().filter(|c| !c.is_empty()),
            s.participant.clone().filter(|p| !p.is_empty()),
        );
        members
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key.clone());
                Vec::new()
            })
            .push(i);
    }
    let mut per_base: HashMap<&str, usize> = HashMap::new();
    for k in &order {
        *per_base.entry(k.0.as_str()).or_default() += 1;
    }
    let mut used: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for key in &order {
        let (base, vocabulary, coder, participant) = key;
        let mut id = base.clone();
        if per_base[base.as_str()] > 1 {
            let parts: Vec<&str> = [participant.as_deref(), coder.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !parts.is_empty() {
                id = format!("{base} ({})", parts.join(", "));
            }
        }
        let mut unique = id.clone();
        let mut n = 1;
        while used.contains(&unique) {
            n += 1;
            unique = format!("{id} [{n}]");
        }
        used.push(unique.clone());

        let mut spans = members[key].clone();
        spans.sort_by_key(|&s| times[s]);
        let mut lanes: Vec<(u64, Vec<usize>)> = Vec::new();
        for s in spans {
            let (start, end) = times[s];
            match lanes.iter_mut().find(|(free_from, _)| *free_from <= start) {
                Some(lane) => {
                    lane.0 = end;
                    lane.1.push(s);
                }
                None => lanes.push((end, vec![s])),
            }
        }
        for (n, (_, spans)) in lanes.into_iter().enumerate() {
            out.push(Tier {
                id: if n == 0 {
                    unique.clone()
                } else {
                    format!("{unique} #{}", n + 1)
                },
                linguistic_type: types.by_vocabulary[vocabulary].clone(),
                coder: coder.clone(),
                participant: participant.clone(),
                spans,
            });
        }
    }
    out
}

fn frame_ms(a: &Annotations, opts: &WriteOptions) -> f64 {
    if let Some(ms) = opts.frame_ms.filter(|ms| ms.is_finite() && *ms > 0.0) {
        return ms;
    }
    a.media
        .iter()
        .find_map(|m| m.rate)
        .filter(|&(num, den)| num > 0 && den > 0)
        .map_or(40.0, |(num, den)| 1000.0 * f64::from(den) / f64::from(num))
}

fn ms(t: TimePoint, frame_ms: f64) -> u64 {
    match t {
        TimePoint::Ms(ms) => ms,
        TimePoint::Frame(f) => (f64::from(f) * frame_ms).round() as u64,
    }
}

/// `urn:nl-mpi-tools-elan-eaf:<uuid>`, the UUID derived from the content
/// and the seed, so the same export gives the same document id.
fn urn(a: &Annotations, opts: &WriteOptions) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"attune eaf urn\0");
    h.update(opts.document_seed.as_bytes());
    h.update(b"\0");
    h.update(format!("{a:?}{}", opts.with_notes).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&h.finalize().as_bytes()[..16]);
    let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
    format!("urn:nl-mpi-tools-elan-eaf:{}", uuid.hyphenated())
}

fn attr(key: &'static str, value: &str) -> Attribute<'static> {
    Attribute {
        key: QName(key.as_bytes()),
        value: Cow::Owned(escape(value, true).into_bytes()),
    }
}

fn text(value: &str) -> BytesText<'static> {
    BytesText::from_escaped(escape(value, false))
}

/// XML escaping that survives a round trip: in attributes, tabs and line
/// breaks become character references (a parser would turn them into
/// spaces); a carriage return is a reference everywhere (a parser would
/// drop it); characters XML 1.0 cannot hold at all are left out.
fn escape(value: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writing into a `Vec` cannot fail.
fn ok<T>(r: std::io::Result<T>) -> T {
    r.expect("writing XML into memory")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escaping_keeps_what_a_parser_would_change() {
        assert_eq!(escape("a&<>\"b", true), "a&amp;&lt;&gt;&quot;b");
        assert_eq!(escape("a\"\nb\r\t", false), "a\"\nb&#13;\t");
        assert_eq!(escape("a\nb\tc", true), "a&#10;b&#9;c");
        assert_eq!(escape("x\u{1}y\u{FFFF}", false), "xy");
    }
}
