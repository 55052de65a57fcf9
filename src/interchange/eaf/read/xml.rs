//! Small XML readers the EAF parser shares: attribute values, entity
//! references, time values, element names for error messages.

use std::path::Path;

use quick_xml::events::{BytesRef, BytesStart};

use crate::interchange::error::FormatError;

pub(super) fn time_value(v: &str) -> Option<u64> {
    let v = v.trim();
    if let Ok(ms) = v.parse::<u64>() {
        return Some(ms);
    }
    let f: f64 = v.parse().ok()?;
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1e15).then_some(f as u64)
}

pub(super) fn reference(r: &BytesRef) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    match &**r {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"quot" => Some('"'),
        b"apos" => Some('\''),
        _ => None,
    }
}

pub(super) fn element(name: &[u8], id: &str) -> String {
    let name = String::from_utf8_lossy(name);
    if id.is_empty() {
        format!("<{name}>")
    } else {
        format!("<{name} {id}>")
    }
}

pub(super) fn required(
    value: Option<String>,
    attribute: &str,
    element: &str,
    file: &Path,
    text: &str,
    pos: usize,
) -> Result<String, FormatError> {
    value.filter(|v| !v.is_empty()).ok_or_else(|| {
        FormatError::in_element(file, text, pos, element, format!("{attribute} is missing"))
    })
}

/// The unescaped values of the named attributes.
pub(super) fn attributes<const N: usize>(
    e: &BytesStart,
    names: [&[u8]; N],
    file: &Path,
    text: &str,
    pos: usize,
) -> Result<[Option<String>; N], FormatError> {
    let mut out: [Option<String>; N] = std::array::from_fn(|_| None);
    for a in e.attributes() {
        let a = a.map_err(|err| {
            FormatError::at_offset(file, text, pos, format!("malformed XML: {err}"))
        })?;
        if let Some(i) = names.iter().position(|n| *n == a.key.as_ref()) {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| {
                    FormatError::at_offset(file, text, pos, format!("malformed XML: {err}"))
                })?;
            out[i] = Some(v.into_owned());
        }
    }
    Ok(out)
}
