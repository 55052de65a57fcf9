//! Project → the shared form, for formats that group codes into tiers and
//! vocabularies (ELAN, BORIS). Built from [`export_rows`], so every format
//! exports the same moments, codes, participants and times.

use std::collections::{HashMap, HashSet};

use super::rows::{ExportRow, ExportScope, export_rows};
use super::times::ClipTimes;
use super::{Annotations, Entry, Media, Span, TimePoint, UNCODED_TIER, Vocabulary};
use crate::model::{Clip, Codebook, Project};

/// The moments in `scope` as spans (times in ms through `times`), the
/// codebooks they use as vocabularies, their clips as media (named by
/// `media_path`) and the participants they name.
pub fn from_project(
    project: &Project,
    scope: &ExportScope,
    times: &dyn ClipTimes,
    media_path: &dyn Fn(&Clip) -> String,
) -> Annotations {
    let rows = export_rows(project, scope, times, media_path);
    let mut out = Annotations::default();
    for clip in &project.clips {
        if rows.iter().any(|r| r.clip == clip.id) {
            out.media.push(media_of(clip, media_path(clip)));
        }
    }
    let used: HashSet<&str> = rows.iter().map(|r| r.codebook.as_str()).collect();
    let mut values: HashMap<(String, String), String> = HashMap::new();
    for book in project
        .codebooks
        .iter()
        .filter(|b| used.contains(b.id.as_str()))
    {
        let vocabulary = vocabulary_of(book, &rows);
        for entry in &vocabulary.entries {
            values.insert((book.id.clone(), entry.id.clone()), entry.value.clone());
        }
        out.vocabularies.push(vocabulary);
    }
    let mut participants = Vec::new();
    for row in rows {
        if !row.participant.is_empty() && !participants.contains(&row.participant) {
            participants.push(row.participant.clone());
        }
        out.spans.push(span_of(row, &values));
    }
    out.participants = participants;
    out
}

fn span_of(row: ExportRow, values: &HashMap<(String, String), String>) -> Span {
    let coded = !row.codebook.is_empty();
    // A point keeps `end == start`: ELAN makes it one frame long, BORIS a
    // point event.
    let end_ms = if row.start_frame == row.end_frame {
        row.start_ms
    } else {
        row.end_ms
    };
    Span {
        media: Some(row.file),
        tier: if coded {
            row.category
        } else {
            UNCODED_TIER.to_owned()
        },
        coder: (!row.coder.is_empty()).then_some(row.coder),
        participant: (!row.participant.is_empty()).then_some(row.participant),
        value: values
            .get(&(row.codebook.clone(), row.code.clone()))
            .cloned()
            .unwrap_or(row.code),
        vocabulary: coded.then_some(row.codebook),
        start: TimePoint::Ms(row.start_ms),
        end: TimePoint::Ms(end_ms),
        caption: row.caption,
        note: row.note,
    }
}

fn media_of(clip: &Clip, relative_path: String) -> Media {
    let mime = mime_of(&relative_path);
    Media {
        relative_path,
        mime,
        rate: Some((clip.media.frame_rate.num, clip.media.frame_rate.den)),
        duration_ms: Some(clip.media.duration_us / 1000),
    }
}

/// The MIME type ELAN's media descriptor wants, from the file's extension.
fn mime_of(path: &str) -> Option<String> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    let mime = match ext.as_str() {
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "mkv" => "video/x-matroska",
        "webm" => "video/webm",
        "avi" => "video/x-msvideo",
        "mpg" | "mpeg" | "ts" => "video/mpeg",
        _ => return None,
    };
    Some(mime.to_owned())
}

/// A codebook as a vocabulary. Each entry's value is the item's name, so
/// other tools show words, except where a name is blank or would not name
/// one entry alone (another item's name or id): there the item id stands
/// in, so [`Vocabulary::entry`] finds exactly this item again.
fn vocabulary_of(book: &Codebook, rows: &[ExportRow]) -> Vocabulary {
    let ids: HashSet<&str> = book.items().map(|(_, i)| i.id.as_str()).collect();
    let mut name_counts: HashMap<&str, usize> = HashMap::new();
    for (_, item) in book.items() {
        *name_counts.entry(item.name.as_str()).or_default() += 1;
    }
    let entries = book
        .items()
        .map(|(category, item)| {
            let unique = !item.name.trim().is_empty()
                && name_counts.get(item.name.as_str()) == Some(&1)
                && (item.name == item.id || !ids.contains(item.name.as_str()));
            let mut coded = rows
                .iter()
                .filter(|r| r.codebook == book.id && r.code == item.id)
                .peekable();
            let used = coded.peek().is_some();
            let all_points = coded.all(|r| r.start_frame == r.end_frame);
            Entry {
                id: item.id.clone(),
                value: if unique {
                    item.name.clone()
                } else {
                    item.id.clone()
                },
                description: item.description.clone(),
                category: category.name.clone(),
                colour: Some(item.colour.unwrap_or(category.colour).to_string()),
                hotkey: item.hotkey,
                point: used && all_points,
            }
        })
        .collect();
    Vocabulary {
        id: book.id.clone(),
        name: book.name.clone(),
        description: book.description.clone(),
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::{ByRate, portable_path};
    use crate::model::testing::sample_project;

    #[test]
    fn spans_carry_codes_as_vocabulary_values_and_times_in_ms() {
        let p = sample_project();
        let a = from_project(&p, &ExportScope::default(), &ByRate, &portable_path);
        assert_eq!(a.media.len(), 1);
        assert_eq!(a.media[0].relative_path, "clips/bath.mp4");
        assert_eq!(a.media[0].mime.as_deref(), Some("video/mp4"));
        assert_eq!(a.vocabularies.len(), 1);
        let vig = &a.vocabularies[0];
        let span = &a.spans[0];
        let entry = vig.entry(&span.value).unwrap();
        let moment = p.moments_of(p.clips[0].id)[0];
        assert_eq!(entry.id, moment.codes[0].item);
        assert_ne!(entry.value, entry.id, "a name, not an id");
        assert_eq!(
            span.start,
            TimePoint::Ms(ByRate.ms_of(&p.clips[0], moment.start))
        );
        assert!(span.note.is_empty(), "no notes unless asked");
        assert_eq!(span.coder.as_deref(), Some(moment.author.as_str()));
    }
}
