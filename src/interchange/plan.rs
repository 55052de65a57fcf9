//! The shared form → what an import adds to a project, worked out in full
//! before anything changes, so the app can preview it (counts, the clip it
//! lands on, codes that are new) and apply it as one undo step, and the CLI
//! can print it or, with `--dry-run`, only print it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::times::ClipTimes;
use super::vocabularies::{Mapped, map_vocabulary};
use super::{Annotations, Entry, Span, TimePoint, UNCODED_TIER, Vocabulary};
use crate::model::limits::{MAX_CAPTION_CHARS, MAX_NAME_CHARS, MAX_NOTE_CHARS, shortened};
use crate::model::operations::{ImportedWork, import_annotations};
use crate::model::{
    Category, Clip, ClipId, CodeItem, CodeRef, Codebook, Colour, Edit, Moment, MomentId,
    Participant, Project, Refusal,
};

/// Where the import lands and whose coding it is.
#[derive(Debug, Clone)]
pub struct ImportTarget {
    /// Every span goes on this clip; `None` matches each span's media file
    /// to a clip (or takes the project's only clip).
    pub clip: Option<ClipId>,
    /// The coder every moment is credited to, instead of the file's.
    pub coder: Option<String>,
    /// The moments' created and modified time.
    pub now: DateTime<Utc>,
}

/// A code the import creates (for the preview).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    pub codebook: String,
    pub category: String,
    pub code: String,
}

/// How many moments land on one clip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipShare {
    pub clip: ClipId,
    pub clip_name: String,
    pub moments: usize,
}

/// Everything an import would add. Nothing is changed until
/// [`into_edit`](Self::into_edit)'s edit is applied.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub work: ImportedWork,
    pub clips: Vec<ClipShare>,
    pub new_codes: Vec<NewCode>,
    /// Vocabularies found in an existing codebook: (vocabulary, codebook name).
    pub mapped: Vec<(String, String)>,
}

impl ImportPlan {
    pub fn moment_count(&self) -> usize {
        self.work.moments.len()
    }

    /// Credits every moment to `coder` (a trimmed, non-empty name), as the
    /// app's "Coder" field and the CLI's `--coder` do; the file's own coder
    /// names are kept when it is blank.
    pub fn credit_to(&mut self, coder: &str) {
        let coder = coder.trim();
        if coder.is_empty() {
            return;
        }
        let coder = shortened(coder, MAX_NAME_CHARS);
        for moment in &mut self.work.moments {
            moment.author.clone_from(&coder);
        }
    }

    /// The coders the moments are credited to, in first-seen order (blank
    /// when the file names none).
    pub fn coders(&self) -> Vec<&str> {
        let mut coders: Vec<&str> = Vec::new();
        for moment in &self.work.moments {
            if !coders.contains(&moment.author.as_str()) {
                coders.push(&moment.author);
            }
        }
        coders
    }

    /// The one edit (one undo step) that adds it all.
    pub fn into_edit(self, project: &Project) -> Result<Edit, Refusal> {
        import_annotations(project, self.work)
    }

    /// What would be added, in a few lines for a person (no notes or
    /// captions, which are private or long).
    pub fn summary(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for share in &self.clips {
            lines.push(format!(
                "{} moment(s) on clip \"{}\"",
                share.moments, share.clip_name
            ));
        }
        if self.clips.is_empty() {
            lines.push("no moments".into());
        }
        for book in &self.work.codebooks {
            let codes = book.items().count();
            lines.push(format!(
                "new codebook \"{}\" with {codes} code(s)",
                book.name
            ));
        }
        for code in &self.new_codes {
            lines.push(format!(
                "new code \"{}\" in \"{}\" / \"{}\"",
                code.code, code.codebook, code.category
            ));
        }
        for (vocabulary, book) in &self.mapped {
            lines.push(format!(
                "codes of \"{vocabulary}\" mapped onto codebook \"{book}\""
            ));
        }
        for person in &self.work.people {
            lines.push(format!("new person \"{person}\""));
        }
        lines
    }
}

/// Why the file cannot come in; `span` is the index in
/// `Annotations::spans`, which a format can turn into its line or element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the project has no clips to put the moments on; add the clip first")]
    NoClips,
    #[error("there is no clip {0} in the project")]
    NoSuchClip(ClipId),
    #[error(
        "{at}: refers to media \"{media}\", which is not a clip of the project ({clips}); choose the clip with --clip"
    )]
    UnknownMedia {
        span: usize,
        at: String,
        media: String,
        clips: String,
    },
    #[error(
        "{at}: does not say which clip it is on and the project has several; choose one with --clip"
    )]
    WhichClip { span: usize, at: String },
    #[error("{at}: {what} at frame {frame} is past the end of clip \"{clip}\" ({frames} frames)")]
    PastClipEnd {
        span: usize,
        at: String,
        what: &'static str,
        frame: u64,
        clip: String,
        frames: u32,
    },
    #[error("{at}: ends (frame {end}) before it starts (frame {start})")]
    EndsBeforeStart {
        span: usize,
        at: String,
        start: u64,
        end: u64,
    },
    #[error("{at}: the {field} is {found} characters long; at most {limit} are allowed")]
    TooLong {
        span: usize,
        at: String,
        field: &'static str,
        found: usize,
        limit: usize,
    },
}

impl ImportError {
    /// The span the error is about, if one.
    pub fn span(&self) -> Option<usize> {
        match self {
            ImportError::NoClips | ImportError::NoSuchClip(_) => None,
            ImportError::UnknownMedia { span, .. }
            | ImportError::WhichClip { span, .. }
            | ImportError::PastClipEnd { span, .. }
            | ImportError::EndsBeforeStart { span, .. }
            | ImportError::TooLong { span, .. } => Some(*span),
        }
    }
}

/// Names a span in errors: "annotation 12 (tier "Gaze")". A format that
/// knows lines says so itself, from [`ImportError::span`].
fn describe(index: usize, span: &Span) -> String {
    if span.tier.is_empty() || span.tier == UNCODED_TIER {
        format!("annotation {}", index + 1)
    } else {
        format!("annotation {} (tier \"{}\")", index + 1, span.tier)
    }
}

/// Works out what importing `annotations` into `project` adds: each span
/// becomes a moment (consecutive spans that differ only in their code
/// become one moment with several codes), vocabularies become codebooks or
/// map onto existing ones, a free-text tier becomes a code named after the
/// tier with the text as the note, and times become the nearest frames.
pub fn plan_import(
    project: &Project,
    annotations: &Annotations,
    target: &ImportTarget,
    times: &dyn ClipTimes,
) -> Result<ImportPlan, ImportError> {
    if project.clips.is_empty() && !annotations.spans.is_empty() {
        return Err(ImportError::NoClips);
    }
    if let Some(id) = target.clip
        && project.clip(id).is_none()
    {
        return Err(ImportError::NoSuchClip(id));
    }
    let mut planner = Planner::new(project, annotations);
    let mut moments: Vec<Moment> = Vec::new();
    // Spans that differ only in their code are one moment with several
    // codes, wherever they sit in the file: ELAN and BORIS put each code
    // of a moment on its own tier or behaviour, so they come apart.
    let mut open: HashMap<MomentKey, usize> = HashMap::new();
    for (index, span) in annotations.spans.iter().enumerate() {
        let clip = planner.clip_for(index, span, target)?;
        let (start, end) = frames_of(index, span, clip, times)?;
        let code = planner.code_for(span);
        let note = note_of(span);
        let participant = span
            .participant
            .as_deref()
            .and_then(Participant::from_label);
        if let Some(Participant::Person(name)) = &participant {
            planner.person(name);
        }
        let participant = participant.map(|p| match p {
            Participant::Person(name) => Participant::Person(shortened(&name, MAX_NAME_CHARS)),
            role => role,
        });
        let author = shortened(
            target
                .coder
                .as_deref()
                .or(span.coder.as_deref())
                .unwrap_or_default(),
            MAX_NAME_CHARS,
        );
        check_length(index, span, "caption", &span.caption, MAX_CAPTION_CHARS)?;
        check_length(index, span, "note", &note, MAX_NOTE_CHARS)?;
        let key = MomentKey {
            clip: clip.id,
            start,
            end,
            author: author.clone(),
            participant: participant.clone(),
            caption: span.caption.clone(),
            note: note.clone(),
        };
        if let (Some(&at), Some(code)) = (open.get(&key), &code)
            && let Some(same) = moments.get_mut(at)
            && !same.codes.contains(code)
        {
            same.codes.push(code.clone());
            continue;
        }
        moments.push(Moment {
            id: MomentId(0),
            clip: clip.id,
            start,
            end,
            codes: code.into_iter().collect(),
            note,
            caption: span.caption.clone(),
            participant,
            author,
            created: target.now,
            modified: target.now,
        });
        open.insert(key, moments.len() - 1);
    }
    planner.unused_vocabularies();
    Ok(planner.finish(moments))
}

#[derive(PartialEq, Eq, Hash)]
struct MomentKey {
    clip: ClipId,
    start: u32,
    end: u32,
    author: String,
    participant: Option<Participant>,
    caption: String,
    note: String,
}

fn check_length(
    index: usize,
    span: &Span,
    field: &'static str,
    text: &str,
    limit: usize,
) -> Result<(), ImportError> {
    let found = text.chars().count();
    if found > limit {
        return Err(ImportError::TooLong {
            span: index,
            at: describe(index, span),
            field,
            found,
            limit,
        });
    }
    Ok(())
}

/// A free-text annotation keeps its text as the note, before any note the
/// file attached to it (ELAN's dependent tiers).
fn note_of(span: &Span) -> String {
    let free = span.vocabulary.is_none() && span.tier != UNCODED_TIER;
    match (free && !span.value.is_empty(), span.note.is_empty()) {
        (true, true) => span.value.clone(),
        (true, false) => format!("{}\n{}", span.value, span.note),
        (false, _) => span.note.clone(),
    }
}

/// The span's first and last frame on `clip`. A start in ms is the frame
/// nearest to it; an end in ms is when the span stops, so its last frame
/// is the one before the frame nearest to that time (a stop within the
/// first frame leaves a point).
fn frames_of(
    index: usize,
    span: &Span,
    clip: &Clip,
    times: &dyn ClipTimes,
) -> Result<(u32, u32), ImportError> {
    let frames = clip.media.frames;
    let reversed = |start: u64, end: u64| ImportError::EndsBeforeStart {
        span: index,
        at: describe(index, span),
        start,
        end,
    };
    let start = match span.start {
        TimePoint::Frame(f) => u64::from(f),
        TimePoint::Ms(ms) => times.frame_of(clip, ms),
    };
    let end = match span.end {
        TimePoint::Frame(f) => u64::from(f),
        TimePoint::Ms(ms) => {
            if let TimePoint::Ms(from) = span.start
                && ms < from
            {
                return Err(reversed(start, times.frame_of(clip, ms)));
            }
            let stop = times.frame_of(clip, ms);
            if stop > start { stop - 1 } else { stop }
        }
    };
    let within = |frame: u64, what: &'static str| {
        u32::try_from(frame)
            .ok()
            .filter(|f| *f < frames)
            .ok_or_else(|| ImportError::PastClipEnd {
                span: index,
                at: describe(index, span),
                what,
                frame,
                clip: clip.name.clone(),
                frames,
            })
    };
    let start = within(start, "the start")?;
    let end = within(end, "the end")?;
    if end < start {
        return Err(reversed(u64::from(start), u64::from(end)));
    }
    Ok((start, end))
}

/// The state of one planning run: clips found per media name, vocabularies
/// mapped, codes and people added.
struct Planner<'a> {
    project: &'a Project,
    annotations: &'a Annotations,
    clips: HashMap<String, ClipId>,
    /// Vocabulary id or name → how its entries map.
    vocabularies: HashMap<String, Mapped>,
    /// Vocabulary id or name → its entries, with values only spans name.
    effective: HashMap<String, Vocabulary>,
    /// Codebooks created, by id, in order.
    new_books: Vec<Codebook>,
    taken: HashSet<String>,
    mapped: Vec<(String, String)>,
    /// The codebook that free-text tiers' codes go in, once one is needed.
    tiers_book: Option<usize>,
    /// Tier name → its code.
    tier_codes: HashMap<String, CodeRef>,
    new_codes: Vec<NewCode>,
    people: Vec<String>,
}

impl<'a> Planner<'a> {
    fn new(project: &'a Project, annotations: &'a Annotations) -> Self {
        Self {
            project,
            annotations,
            clips: HashMap::new(),
            vocabularies: HashMap::new(),
            effective: HashMap::new(),
            new_books: Vec::new(),
            taken: HashSet::new(),
            mapped: Vec::new(),
            tiers_book: None,
            tier_codes: HashMap::new(),
            new_codes: Vec::new(),
            people: Vec::new(),
        }
    }

    fn clip_for(
        &mut self,
        index: usize,
        span: &Span,
        target: &ImportTarget,
    ) -> Result<&'a Clip, ImportError> {
        let project = self.project;
        let id = if let Some(id) = target.clip {
            id
        } else {
            let only_media = match self.annotations.media.as_slice() {
                [only] => Some(only.relative_path.as_str()),
                _ => None,
            };
            let media = span.media.as_deref().or(only_media);
            match media {
                Some(media) => match self.clips.get(media) {
                    Some(id) => *id,
                    None => {
                        let id = match_media(project, media).ok_or_else(|| {
                            ImportError::UnknownMedia {
                                span: index,
                                at: describe(index, span),
                                media: media.to_owned(),
                                clips: clip_names(project),
                            }
                        })?;
                        self.clips.insert(media.to_owned(), id);
                        id
                    }
                },
                None => only_clip(project).ok_or_else(|| ImportError::WhichClip {
                    span: index,
                    at: describe(index, span),
                })?,
            }
        };
        project.clip(id).ok_or(ImportError::NoSuchClip(id))
    }

    /// The code a span gets: its vocabulary entry's, its tier's for free
    /// text, none for an uncoded moment.
    fn code_for(&mut self, span: &Span) -> Option<CodeRef> {
        match &span.vocabulary {
            Some(vocabulary) => self.vocabulary_code(vocabulary, &span.value),
            None if span.tier == UNCODED_TIER || span.tier.trim().is_empty() => None,
            None => Some(self.tier_code(&span.tier)),
        }
    }

    fn vocabulary_code(&mut self, name: &str, value: &str) -> Option<CodeRef> {
        if !self.vocabularies.contains_key(name) {
            let vocabulary = self.effective_vocabulary(name);
            let mapped = if vocabulary.entries.is_empty() {
                Mapped {
                    codes: HashMap::new(),
                    new_book: None,
                    book_name: String::new(),
                }
            } else {
                map_vocabulary(self.project, &vocabulary, &self.taken)
            };
            match &mapped.new_book {
                Some(book) => {
                    self.taken.insert(book.id.clone());
                    for (category, item) in book.items() {
                        self.new_codes.push(NewCode {
                            codebook: book.name.clone(),
                            category: category.name.clone(),
                            code: item.name.clone(),
                        });
                    }
                    self.new_books.push(book.clone());
                }
                None if !vocabulary.entries.is_empty() => self
                    .mapped
                    .push((vocabulary.name.clone(), mapped.book_name.clone())),
                None => {}
            }
            self.vocabularies.insert(name.to_owned(), mapped);
            self.effective.insert(name.to_owned(), vocabulary);
        }
        let entry = self.effective.get(name)?.entry(value)?;
        self.vocabularies.get(name)?.codes.get(&entry.id).cloned()
    }

    /// Vocabularies no span uses (a BORIS ethogram's codes never observed,
    /// an ELAN CV no tier points at) still come in as codebooks, or are
    /// found in one: the file's coding scheme is part of what it holds.
    fn unused_vocabularies(&mut self) {
        let annotations = self.annotations;
        for vocabulary in &annotations.vocabularies {
            let seen = self.vocabularies.contains_key(&vocabulary.id)
                || self.vocabularies.contains_key(&vocabulary.name);
            if !seen && !vocabulary.entries.is_empty() {
                self.vocabulary_code(&vocabulary.id, "");
            }
        }
    }

    /// The file's vocabulary with any value its spans use but it does not
    /// list (an external ELAN vocabulary that was not found, a CSV with no
    /// vocabulary table) added as an entry of its own.
    fn effective_vocabulary(&self, name: &str) -> Vocabulary {
        let mut vocabulary = self
            .annotations
            .vocabulary(name)
            .cloned()
            .unwrap_or_else(|| Vocabulary {
                id: name.to_owned(),
                name: name.to_owned(),
                description: String::new(),
                entries: Vec::new(),
            });
        let mut seen: HashSet<String> = vocabulary.entries.iter().map(|e| e.id.clone()).collect();
        for span in &self.annotations.spans {
            if span.vocabulary.as_deref() == Some(name)
                && !span.value.is_empty()
                && vocabulary.entry(&span.value).is_none()
                && seen.insert(span.value.clone())
            {
                vocabulary.entries.push(Entry {
                    id: span.value.clone(),
                    value: span.value.clone(),
                    description: String::new(),
                    category: span.tier.clone(),
                    colour: None,
                    hotkey: None,
                    point: false,
                });
            }
        }
        vocabulary
    }

    /// A free-text tier's code: an existing item named after the tier, else
    /// a new one in one "Tiers" codebook made for the import.
    fn tier_code(&mut self, tier: &str) -> CodeRef {
        if let Some(code) = self.tier_codes.get(tier) {
            return code.clone();
        }
        let existing = self.project.codebooks.iter().find_map(|book| {
            book.items()
                .find(|(_, item)| item.name == tier)
                .map(|(_, item)| CodeRef::new(book.id.clone(), item.id.clone()))
        });
        let code = existing.unwrap_or_else(|| self.new_tier_item(tier));
        self.tier_codes.insert(tier.to_owned(), code.clone());
        code
    }

    fn new_tier_item(&mut self, tier: &str) -> CodeRef {
        let at = match self.tiers_book {
            Some(at) => at,
            None => {
                let mut id = "tiers".to_owned();
                let mut n = 2;
                while self.project.codebook(&id).is_some() || self.taken.contains(&id) {
                    id = format!("tiers-{n}");
                    n += 1;
                }
                self.taken.insert(id.clone());
                self.new_books.push(Codebook {
                    id,
                    name: "Tiers".into(),
                    method: String::new(),
                    description: "Free-text tiers of an imported file, one code each; \
                                  the text is in each moment's note."
                        .into(),
                    categories: vec![Category {
                        id: "tiers".into(),
                        name: "Tiers".into(),
                        colour: Colour::new(0xa0, 0xa0, 0xa0),
                        items: Vec::new(),
                    }],
                });
                self.tiers_book = Some(self.new_books.len() - 1);
                self.new_books.len() - 1
            }
        };
        let book = &mut self.new_books[at];
        let items = &mut book.categories[0].items;
        let item_id = format!("tier-{}", items.len() + 1);
        let name = shortened(tier, MAX_NAME_CHARS);
        items.push(CodeItem {
            id: item_id.clone(),
            name: name.clone(),
            description: String::new(),
            colour: None,
            hotkey: None,
        });
        self.new_codes.push(NewCode {
            codebook: book.name.clone(),
            category: "Tiers".into(),
            code: name,
        });
        CodeRef::new(book.id.clone(), item_id)
    }

    fn person(&mut self, name: &str) {
        let name = shortened(name, MAX_NAME_CHARS);
        if !self.project.people.contains(&name) && !self.people.contains(&name) {
            self.people.push(name);
        }
    }

    fn finish(self, moments: Vec<Moment>) -> ImportPlan {
        let mut counts: HashMap<ClipId, usize> = HashMap::new();
        for moment in &moments {
            *counts.entry(moment.clip).or_default() += 1;
        }
        let clips = self
            .project
            .clips
            .iter()
            .filter_map(|c| {
                let moments = *counts.get(&c.id)?;
                Some(ClipShare {
                    clip: c.id,
                    clip_name: c.name.clone(),
                    moments,
                })
            })
            .collect();
        ImportPlan {
            work: ImportedWork {
                codebooks: self.new_books,
                people: self.people,
                moments,
            },
            clips,
            new_codes: self.new_codes,
            mapped: self.mapped,
        }
    }
}

fn only_clip(project: &Project) -> Option<ClipId> {
    match project.clips.as_slice() {
        [only] => Some(only.id),
        _ => None,
    }
}

/// The clip a file's media name means: the same stored path, else the same
/// file name, else a clip named after the file (its name without the
/// extension).
fn match_media(project: &Project, media: &str) -> Option<ClipId> {
    let media = media.trim().replace('\\', "/");
    let file_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
    let wanted = file_name(&media);
    let stem = wanted
        .rsplit_once('.')
        .map_or(wanted.as_str(), |(s, _)| s)
        .to_owned();
    let clips = &project.clips;
    clips
        .iter()
        .find(|c| c.path == media)
        .or_else(|| clips.iter().find(|c| file_name(&c.path) == wanted))
        .or_else(|| {
            clips
                .iter()
                .find(|c| file_name(&c.path).eq_ignore_ascii_case(&wanted))
        })
        .or_else(|| clips.iter().find(|c| c.name == media || c.name == stem))
        .map(|c| c.id)
}

fn clip_names(project: &Project) -> String {
    project
        .clips
        .iter()
        .map(|c| format!("\"{}\"", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}
