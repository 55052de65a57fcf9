//! Which file an EAF document is about, and its path as the document
//! names it (relative URL first, percent-decoded).

use super::MediaDescriptor;

/// The media the annotations are about: the first video that was not
/// extracted from another file, else the first file.
pub(super) fn primary_media(media: &[MediaDescriptor]) -> Option<String> {
    media
        .iter()
        .find(|m| {
            !m.extracted
                && m.media
                    .mime
                    .as_deref()
                    .is_some_and(|x| x.starts_with("video"))
        })
        .or_else(|| media.iter().find(|m| !m.extracted))
        .or_else(|| media.first())
        .map(|m| m.media.relative_path.clone())
        .filter(|p| !p.is_empty())
}

/// A media descriptor's path: the relative URL without `./`, else the
/// absolute URL's path.
pub(super) fn media_path(relative: Option<&str>, url: Option<&str>) -> String {
    if let Some(r) = relative.map(str::trim).filter(|r| !r.is_empty()) {
        let r = r.strip_prefix("file:").unwrap_or(r);
        let r = percent_decode(r);
        return r.strip_prefix("./").map_or(r.clone(), str::to_owned);
    }
    let url = url.unwrap_or("").trim();
    let path = url
        .strip_prefix("file://")
        .or_else(|| url.strip_prefix("file:"))
        .unwrap_or(url);
    let path = percent_decode(path);
    // file:///C:/x.mp4 names C:/x.mp4.
    let b = path.as_bytes();
    if b.len() > 3 && b[0] == b'/' && b[1].is_ascii_alphabetic() && b[2] == b':' {
        return path[1..].to_owned();
    }
    path
}

pub(super) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}
