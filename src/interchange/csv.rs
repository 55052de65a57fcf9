//! Spreadsheets for R, SPSS and Excel: one row per moment and code, with
//! plain ASCII column names. Written from [`ExportRow`]s (the CSV is those
//! rows as they are); read into the shared form, accepting the same columns
//! in any order, extra columns ignored, and times in frames or in ms.
//!
//! Times: `end_frame` is the last frame; `end_ms` is when the moment stops
//! (the end of that frame), so `duration_ms = end_ms - start_ms` and a
//! single-frame moment lasts one frame. On reading, frames win where both
//! are given.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::rows::ExportRow;
use super::{Annotations, Entry, Span, TimePoint, UNCODED_TIER, Vocabulary};

/// The columns, in the order written (`note` follows only when asked for).
pub const COLUMNS: [&str; 14] = [
    "clip",
    "file",
    "coder",
    "participant",
    "codebook",
    "category",
    "code",
    "code_name",
    "start_frame",
    "end_frame",
    "start_ms",
    "end_ms",
    "duration_ms",
    "caption",
];

/// The vocabulary of coded rows that name no codebook.
const NO_CODEBOOK: &str = "Imported codes";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Adds the `note` column (clinical notes are private).
    pub with_notes: bool,
    /// A byte-order mark and CRLF line ends, which Excel needs to read
    /// UTF-8 (names with accents) correctly.
    pub excel: bool,
}

/// One line of bad input: the file, the line (1 is the header) and the
/// column where known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {}{problem}", file.display(), column.as_ref().map(|c| format!("column \"{c}\": ")).unwrap_or_default())]
pub struct CsvError {
    pub file: PathBuf,
    pub line: u64,
    pub column: Option<String>,
    pub problem: String,
}

/// The rows as RFC 4180 CSV in UTF-8: fields quoted where they need it.
pub fn write(rows: &[ExportRow], options: &CsvOptions) -> Vec<u8> {
    let mut out = Vec::new();
    if options.excel {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let terminator = if options.excel {
        ::csv::Terminator::CRLF
    } else {
        ::csv::Terminator::Any(b'\n')
    };
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(terminator)
        .from_writer(out);
    let mut header: Vec<&str> = COLUMNS.to_vec();
    if options.with_notes {
        header.push("note");
    }
    // Writing to memory cannot fail but for a record of the wrong length,
    // which every record here has the header's length to prevent.
    let mut problems = 0usize;
    if writer.write_record(&header).is_err() {
        problems += 1;
    }
    for row in rows {
        let mut record = vec![
            row.clip_name.clone(),
            row.file.clone(),
            row.coder.clone(),
            row.participant.clone(),
            row.codebook.clone(),
            row.category.clone(),
            row.code.clone(),
            row.code_name.clone(),
            row.start_frame.to_string(),
            row.end_frame.to_string(),
            row.start_ms.to_string(),
            row.end_ms.to_string(),
            row.duration_ms.to_string(),
            row.caption.clone(),
        ];
        if options.with_notes {
            record.push(row.note.clone());
        }
        if writer.write_record(&record).is_err() {
            problems += 1;
        }
    }
    if problems > 0 {
        log::error!("{problems} CSV record(s) could not be written to memory");
    }
    writer
        .into_inner()
        .unwrap_or_else(|e| e.into_inner().get_ref().clone())
}

/// Reads a CSV into the shared form; `file` is only for messages.
pub fn read(text: &str, file: &Path) -> Result<Annotations, CsvError> {
    read_with_lines(text, file).map(|(a, _)| a)
}

/// As [`read`], with the line each span starts on (for errors the import
/// planner finds, such as a time past the clip's end).
pub fn read_with_lines(text: &str, file: &Path) -> Result<(Annotations, Vec<u64>), CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let error = |line: u64, column: Option<&str>, problem: String| CsvError {
        file: file.to_owned(),
        line,
        column: column.map(str::to_owned),
        problem,
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| error(1, None, format!("not a CSV header: {e}")))?
        .clone();
    let columns = Columns::find(&header).map_err(|problem| error(1, None, problem))?;
    let mut annotations = Annotations::default();
    let mut lines = Vec::new();
    let mut vocabularies: Vec<Vocabulary> = Vec::new();
    let mut entries_seen: HashSet<(String, String)> = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            error(line, None, format!("not valid CSV: {}", csv_problem(&e)))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").trim();
        let number = |names: (Option<usize>, &str)| -> Result<Option<u64>, CsvError> {
            let text = field(names.0);
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<u64>().map(Some).map_err(|_| {
                error(
                    line,
                    Some(names.1),
                    format!("\"{text}\" is not a whole number"),
                )
            })
        };
        let time = |frames: (Option<usize>, &str), ms: (Option<usize>, &str), what: &str| {
            if let Some(f) = number(frames)? {
                let f = u32::try_from(f)
                    .map_err(|_| error(line, Some(frames.1), format!("frame {f} is too large")))?;
                return Ok(TimePoint::Frame(f));
            }
            if let Some(ms) = number(ms)? {
                return Ok(TimePoint::Ms(ms));
            }
            Err(error(
                line,
                Some(frames.1),
                format!("no {what} (neither {} nor {} is filled in)", frames.1, ms.1),
            ))
        };
        let start = time(
            (columns.start_frame, "start_frame"),
            (columns.start_ms, "start_ms"),
            "start",
        )?;
        let end = time(
            (columns.end_frame, "end_frame"),
            (columns.end_ms, "end_ms"),
            "end",
        )?;
        let code = field(columns.code);
        let code_name = field(columns.code_name);
        let category = field(columns.category);
        let coded = !code.is_empty() || !code_name.is_empty();
        let vocabulary = coded.then(|| {
            let book = field(columns.codebook);
            if book.is_empty() { NO_CODEBOOK } else { book }.to_owned()
        });
        let value = if code.is_empty() { code_name } else { code };
        if let Some(book) = &vocabulary
            && entries_seen.insert((book.clone(), value.to_owned()))
        {
            let at = match vocabularies.iter().position(|v| v.id == *book) {
                Some(at) => at,
                None => {
                    vocabularies.push(Vocabulary {
                        id: book.clone(),
                        name: book.clone(),
                        description: String::new(),
                        entries: Vec::new(),
                    });
                    vocabularies.len() - 1
                }
            };
            vocabularies[at].entries.push(Entry {
                id: value.to_owned(),
                value: if code_name.is_empty() {
                    code
                } else {
                    code_name
                }
                .to_owned(),
                description: String::new(),
                category: category.to_owned(),
                colour: None,
                hotkey: None,
                point: false,
            });
        }
        let media = [field(columns.file), field(columns.clip)]
            .into_iter()
            .find(|m| !m.is_empty())
            .map(str::to_owned);
        let participant = field(columns.participant);
        if !participant.is_empty() && !annotations.participants.iter().any(|p| p == participant) {
            annotations.participants.push(participant.to_owned());
        }
        // Coders, captions and notes are kept exactly as written.
        let raw = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").to_owned();
        let coder = raw(columns.coder);
        annotations.spans.push(Span {
            media,
            tier: if coded || !category.is_empty() {
                category.to_owned()
            } else {
                UNCODED_TIER.to_owned()
            },
            coder: (!coder.is_empty()).then_some(coder),
            participant: (!participant.is_empty()).then(|| participant.to_owned()),
            value: value.to_owned(),
            vocabulary,
            start,
            end,
            caption: raw(columns.caption),
            note: raw(columns.note),
        });
        lines.push(line);
    }
    annotations.vocabularies = vocabularies;
    Ok((annotations, lines))
}

fn csv_problem(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "a field is not UTF-8 text".into(),
        _ => e.to_string(),
    }
}

/// Where each known column is in the file.
struct Columns {
    clip: Option<usize>,
    file: Option<usize>,
    coder: Option<usize>,
    participant: Option<usize>,
    codebook: Option<usize>,
    category: Option<usize>,
    code: Option<usize>,
    code_name: Option<usize>,
    start_frame: Option<usize>,
    end_frame: Option<usize>,
    start_ms: Option<usize>,
    end_ms: Option<usize>,
    caption: Option<usize>,
    note: Option<usize>,
}

impl Columns {
    /// Names match ignoring case and surrounding spaces. Only times are
    /// required: a start and an end, each in frames or in ms.
    fn find(header: &::csv::StringRecord) -> Result<Self, String> {
        let at = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let columns = Self {
            clip: at("clip"),
            file: at("file"),
            coder: at("coder"),
            participant: at("participant"),
            codebook: at("codebook"),
            category: at("category"),
            code: at("code"),
            code_name: at("code_name"),
            start_frame: at("start_frame"),
            end_frame: at("end_frame"),
            start_ms: at("start_ms"),
            end_ms: at("end_ms"),
            caption: at("caption"),
            note: at("note"),
        };
        for (frames, ms, what) in [
            (columns.start_frame, columns.start_ms, "start"),
            (columns.end_frame, columns.end_ms, "end"),
        ] {
            if frames.is_none() && ms.is_none() {
                return Err(format!(
                    "no column \"{what}_frame\" or \"{what}_ms\"; each row needs its {what} time (columns: {})",
                    COLUMNS.join(", ")
                ));
            }
        }
        Ok(columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> Result<Annotations, CsvError> {
        read(text, Path::new("codes.csv"))
    }

    #[test]
    fn columns_in_any_order_with_extras_and_times_in_ms() {
        let a = read_str(
            "extra,END_MS,start_ms,code,codebook,caption,participant\n\
             x,2000,1000,waiting,vig,\"She looked, then smiled\",infant\n",
        )
        .unwrap();
        let span = &a.spans[0];
        assert_eq!(span.start, TimePoint::Ms(1000));
        assert_eq!(span.end, TimePoint::Ms(2000));
        assert_eq!(span.value, "waiting");
        assert_eq!(span.vocabulary.as_deref(), Some("vig"));
        assert_eq!(span.caption, "She looked, then smiled");
        assert_eq!(span.participant.as_deref(), Some("infant"));
        assert_eq!(a.vocabularies[0].entries[0].id, "waiting");
    }

    #[test]
    fn bad_input_names_the_line_and_column() {
        let err = read_str("code,start_frame,end_frame\na,1,2\nb,3,x3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "codes.csv:3: column \"end_frame\": \"x3\" is not a whole number"
        );
        let err = read_str("code,start_frame\na,1\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("codes.csv:1: no column \"end_frame\" or \"end_ms\""),
            "{err}"
        );
        let err = read_str("code,start_frame,end_ms\na,,5\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("codes.csv:2: column \"start_frame\": no start"),
            "{err}"
        );
    }

    #[test]
    fn excel_gets_a_bom_and_crlf_and_notes_only_when_asked() {
        let bytes = write(
            &[],
            &CsvOptions {
                with_notes: false,
                excel: true,
            },
        );
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.ends_with("caption\r\n"));
        let text = String::from_utf8(write(
            &[],
            &CsvOptions {
                with_notes: true,
                excel: false,
            },
        ))
        .unwrap();
        assert_eq!(text, format!("{},note\n", COLUMNS.join(",")));
    }
}
