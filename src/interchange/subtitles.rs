//! Subtitle files as moments: each cue of a WebVTT or SRT file becomes an
//! uncoded moment whose caption is the cue's text, for captions drafted in
//! a subtitle editor. VTT `NOTE`, `STYLE` and `REGION` blocks are skipped;
//! cue settings after the times are ignored. (Captions leave Attune through
//! `export::vtt`, the one VTT writer.)

use std::path::{Path, PathBuf};

use super::{Annotations, Span, TimePoint, UNCODED_TIER};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {problem}", file.display())]
pub struct SubtitleError {
    pub file: PathBuf,
    pub line: usize,
    pub problem: String,
}

/// Which kind of subtitle file: they differ in the header, block kinds and
/// the decimal mark (`.` in VTT, `,` in SRT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vtt,
    Srt,
}

/// Reads cues; `file` is only for messages.
pub fn read(text: &str, kind: Kind, file: &Path) -> Result<Annotations, SubtitleError> {
    read_with_lines(text, kind, file).map(|(a, _)| a)
}

/// As [`read`], with the line each cue's times are on.
pub fn read_with_lines(
    text: &str,
    kind: Kind,
    file: &Path,
) -> Result<(Annotations, Vec<u64>), SubtitleError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let error = |line: usize, problem: String| SubtitleError {
        file: file.to_owned(),
        line,
        problem,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    if kind == Kind::Vtt {
        let first = lines.first().copied().unwrap_or("");
        if first != "WEBVTT" && !first.starts_with("WEBVTT ") && !first.starts_with("WEBVTT\t") {
            return Err(error(
                1,
                "not a WebVTT file: it must start with \"WEBVTT\"".into(),
            ));
        }
        // The header runs to the first blank line.
        while at < lines.len() && !lines[at].trim().is_empty() {
            at += 1;
        }
    }
    let mut annotations = Annotations::default();
    let mut cue_lines = Vec::new();
    while at < lines.len() {
        while at < lines.len() && lines[at].trim().is_empty() {
            at += 1;
        }
        if at >= lines.len() {
            break;
        }
        let block_start = at;
        let mut end = at;
        while end < lines.len() && !lines[end].trim().is_empty() {
            end += 1;
        }
        let block = &lines[block_start..end];
        at = end;
        if kind == Kind::Vtt && is_vtt_aside(block[0]) {
            continue;
        }
        // An identifier (SRT's counter, VTT's optional id) may come first.
        let timing = block
            .iter()
            .position(|l| l.contains("-->"))
            .ok_or_else(|| {
                error(
                    block_start + 1,
                    "a cue without a time line (\"00:00:01.000 --> 00:00:02.000\")".into(),
                )
            })?;
        if timing > 1 {
            return Err(error(
                block_start + 1,
                "a cue's times must be on its first or second line".into(),
            ));
        }
        let line_no = block_start + timing + 1;
        let (start, end_ms) =
            cue_times(block[timing], kind).map_err(|problem| error(line_no, problem))?;
        if end_ms < start {
            return Err(error(line_no, "the cue ends before it starts".into()));
        }
        let caption = block[timing + 1..].join("\n");
        annotations.spans.push(Span {
            media: None,
            tier: UNCODED_TIER.to_owned(),
            coder: None,
            participant: None,
            value: String::new(),
            vocabulary: None,
            start: TimePoint::Ms(start),
            end: TimePoint::Ms(end_ms),
            caption: plain_text(&caption),
            note: String::new(),
        });
        cue_lines.push(line_no as u64);
    }
    Ok((annotations, cue_lines))
}

fn is_vtt_aside(first: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|kw| {
        first == *kw
            || first.starts_with(&format!("{kw} "))
            || first.starts_with(&format!("{kw}\t"))
    })
}

/// `START --> END [settings]`.
fn cue_times(line: &str, kind: Kind) -> Result<(u64, u64), String> {
    let (start, rest) = line
        .split_once("-->")
        .ok_or_else(|| "no \"-->\" between the times".to_owned())?;
    let end = rest.split_whitespace().next().unwrap_or("");
    Ok((timestamp(start.trim(), kind)?, timestamp(end, kind)?))
}

/// `[HH:]MM:SS.mmm` (VTT) or `HH:MM:SS,mmm` (SRT) in milliseconds.
pub fn timestamp(text: &str, kind: Kind) -> Result<u64, String> {
    let bad = || {
        let form = match kind {
            Kind::Vtt => "HH:MM:SS.mmm",
            Kind::Srt => "HH:MM:SS,mmm",
        };
        format!("\"{text}\" is not a time of the form {form}")
    };
    let mark = match kind {
        Kind::Vtt => '.',
        Kind::Srt => ',',
    };
    let (clock, millis) = text.split_once(mark).ok_or_else(bad)?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let digits = |s: &str| -> Result<u64, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (h, m, s) = match parts.as_slice() {
        [m, s] if kind == Kind::Vtt => (0, digits(m)?, digits(s)?),
        [h, m, s] => (digits(h)?, digits(m)?, digits(s)?),
        _ => return Err(bad()),
    };
    if m > 59 || s > 59 {
        return Err(bad());
    }
    let ms = digits(millis)?;
    Ok(((h * 60 + m) * 60 + s) * 1000 + ms)
}

/// Cue text without markup: tags (`<i>`, `<v Mum>`) dropped and the
/// entities a writer escapes (as `export::vtt` does) put back.
fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vtt(text: &str) -> Result<Annotations, SubtitleError> {
        read(text, Kind::Vtt, Path::new("draft.vtt"))
    }

    #[test]
    fn vtt_cues_become_captions_and_notes_are_skipped() {
        let a = vtt("WEBVTT - drafted\n\nNOTE for me only\nnot a cue\n\n1\n00:00:01.000 --> 00:00:02.500 align:start\nYou waited &amp; <i>she</i> answered\n\n00:03.000 --> 00:04.000\nTwo\nlines\n")
            .unwrap();
        assert_eq!(a.spans.len(), 2);
        assert_eq!(a.spans[0].caption, "You waited & she answered");
        assert_eq!(a.spans[0].start, TimePoint::Ms(1000));
        assert_eq!(a.spans[0].end, TimePoint::Ms(2500));
        assert_eq!(a.spans[1].start, TimePoint::Ms(3000));
        assert_eq!(a.spans[1].caption, "Two\nlines");
    }

    #[test]
    fn srt_uses_commas_and_counters() {
        let a = read(
            "1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\n\r\n2\r\n01:00:00,040 --> 01:00:01,000\r\nAgain\r\n",
            Kind::Srt,
            Path::new("a.srt"),
        )
        .unwrap();
        assert_eq!(a.spans[1].start, TimePoint::Ms(3_600_040));
        assert_eq!(a.spans[0].caption, "Hello");
    }

    #[test]
    fn errors_name_the_line() {
        let err = vtt("WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nHi\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "draft.vtt:3: \"00:00:0x.000\" is not a time of the form HH:MM:SS.mmm"
        );
        assert!(
            vtt("1\n00:00:01.000 --> 00:00:02.000\n")
                .unwrap_err()
                .to_string()
                .contains("draft.vtt:1: not a WebVTT")
        );
        let err = vtt("WEBVTT\n\nhello\nworld\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("draft.vtt:3: a cue without a time line"),
            "{err}"
        );
        let err = vtt("WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nx\n").unwrap_err();
        assert!(err.to_string().contains("ends before it starts"), "{err}");
        // The one VTT writer's times read back.
        assert_eq!(
            timestamp(&crate::export::vtt::timestamp(31, 30), Kind::Vtt),
            Ok(1033)
        );
    }
}
