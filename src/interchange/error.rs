//! The one error every format module returns for a file it cannot read:
//! one line naming the file, where in it (line and column, or the element)
//! and what is wrong, so the CLI can print it as is and the app can show it.

use std::path::Path;

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A position in the text (1-based), e.g. malformed XML or JSON.
    At { line: usize, column: usize },
    /// An element on a line, e.g. `<TIME_SLOT ts12>` on line 40.
    Element { line: usize, element: String },
    /// An element of a file whose parser gives no lines (JSON values), e.g.
    /// `observation "Feed 1", event 7`.
    Path(String),
}

/// A file a format module could not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(file, place, problem))]
pub struct FormatError {
    /// The file as the caller named it.
    pub file: String,
    pub place: Option<Place>,
    pub problem: String,
}

impl FormatError {
    pub fn new(file: &Path, place: Option<Place>, problem: impl Into<String>) -> Self {
        FormatError {
            file: file.display().to_string(),
            place,
            problem: one_line(&problem.into()),
        }
    }

    /// A problem at a byte offset of `text`.
    pub fn at_offset(file: &Path, text: &str, offset: usize, problem: impl Into<String>) -> Self {
        let (line, column) = line_column(text, offset);
        Self::new(file, Some(Place::At { line, column }), problem)
    }

    /// A problem with an element that starts at a byte offset of `text`.
    pub fn in_element(
        file: &Path,
        text: &str,
        offset: usize,
        element: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        let (line, _) = line_column(text, offset);
        Self::new(
            file,
            Some(Place::Element {
                line,
                element: one_line(&element.into()),
            }),
            problem,
        )
    }

    /// A problem with a named element of a file without line numbers.
    pub fn in_path(file: &Path, path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::new(file, Some(Place::Path(one_line(&path.into()))), problem)
    }
}

fn render(file: &str, place: &Option<Place>, problem: &str) -> String {
    match place {
        None => format!("{file}: {problem}"),
        Some(Place::At { line, column }) => {
            format!("{file}: line {line}, column {column}: {problem}")
        }
        Some(Place::Element { line, element }) => {
            format!("{file}: line {line}, {element}: {problem}")
        }
        Some(Place::Path(path)) => format!("{file}: {path}: {problem}"),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Text from a file, made safe to put in a one-line message: control
/// characters become spaces and very long values are cut.
pub fn one_line(s: &str) -> String {
    const MAX: usize = 200;
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX)
        .collect();
    if s.chars().count() > MAX {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let text = "ab\nçd<x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'ç' is two bytes: '<' is the third character of line 2.
        assert_eq!(line_column(text, 6), (2, 3));
        assert_eq!(line_column(text, 1000), (3, 1));
    }

    #[test]
    fn messages_are_one_line_and_name_the_file_and_place() {
        let e = FormatError::in_element(
            Path::new("a.eaf"),
            "x\ny",
            2,
            "<TIME_SLOT ts1>",
            "no value\nat all",
        );
        assert_eq!(
            e.to_string(),
            "a.eaf: line 2, <TIME_SLOT ts1>: no value at all"
        );
        assert!(!e.to_string().contains('\n'));
        let e = FormatError::in_path(Path::new("p.boris"), "observation \"o\"", "is LIVE");
        assert_eq!(e.to_string(), "p.boris: observation \"o\": is LIVE");
    }
}
