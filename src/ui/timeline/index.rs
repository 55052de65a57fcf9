//! The timeline's lanes, built once per document revision so drawing a
//! frame only looks at the moments on screen.

use std::collections::HashMap;
use std::sync::Arc;

use egui::Color32;

use crate::model::{ClipId, Codebook, Colour, Moment, MomentId, Project};

/// Drawn for uncoded moments and codes nobody gave a colour.
pub(super) const NEUTRAL: Color32 = Color32::from_rgb(0x9a, 0x9a, 0x9a);

/// One moment as one lane draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub moment: MomentId,
    pub start: u32,
    /// Inclusive, as on `Moment`.
    pub end: u32,
    pub colour: Color32,
    /// How the compared coders stand on this moment (compare mode only).
    pub verdict: Verdict,
}

/// A moment's standing when two coders are compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Not compared (compare mode off, or not a compared coder's).
    #[default]
    None,
    /// Paired with the other coder's moment, same code.
    Agrees,
    /// Paired with the other coder's moment, another code.
    Differs,
    /// The other coder has no moment here.
    OneCoder,
}

impl Span {
    pub fn is_point(&self) -> bool {
        self.start == self.end
    }
}

/// A row of the timeline: a codebook category, or one of the catch-alls.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub name: String,
    pub colour: Color32,
    /// Sorted by start, then end, then moment.
    spans: Vec<Span>,
    /// `reach[i]` is the latest end among `spans[..=i]`; it never decreases,
    /// so the first span that can reach the view is a binary search away.
    reach: Vec<u32>,
}

impl Lane {
    fn new(name: impl Into<String>, colour: Color32, mut spans: Vec<Span>) -> Self {
        spans.sort_by_key(|s| (s.start, s.end, s.moment));
        let reach = spans
            .iter()
            .scan(0u32, |latest, s| {
                *latest = (*latest).max(s.end);
                Some(*latest)
            })
            .collect();
        Self {
            name: name.into(),
            colour,
            spans,
            reach,
        }
    }

    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Spans touching the frames `first..=last`, in start order.
    pub fn visible(&self, first: u32, last: u32) -> impl Iterator<Item = &Span> {
        let from = self.reach.partition_point(|&end| end < first);
        let to = self.spans.partition_point(|s| s.start <= last);
        self.spans
            .get(from..to.max(from))
            .unwrap_or_default()
            .iter()
            .filter(move |s| s.end >= first)
    }
}

/// The lanes of one clip under the active codebook.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineIndex {
    lanes: Vec<Lane>,
    /// Compare mode's joined pairs.
    links: Vec<Link>,
}

/// Lane names for moments outside the active codebook's categories.
/// How compare mode's lanes name the first and second coder.
pub const COMPARE_LETTERS: [&str; 2] = ["A", "B"];

pub(super) const OTHER_CODES: &str = "Other codes";
pub(super) const UNCODED: &str = "Uncoded";

/// Which moments the timeline shows: every coder's, (blind coding) one
/// coder's only, or (compare mode) two coders' in lanes one above the other.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineLens {
    pub only_coder: Option<String>,
    pub compare: Option<CompareLens>,
}

/// Two coders side by side, with how their moments were paired.
#[derive(Clone, Debug)]
pub struct CompareLens {
    pub coders: [String; 2],
    pub marks: Arc<CompareMarks>,
}

impl PartialEq for CompareLens {
    /// The marks are one agreement's: the same `Arc` is the same result.
    fn eq(&self, other: &Self) -> bool {
        self.coders == other.coders && Arc::ptr_eq(&self.marks, &other.marks)
    }
}

/// An agreement's verdict on each moment, and the pairs to join.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompareMarks {
    /// The worst verdict of any of the moment's codes.
    pub verdicts: HashMap<MomentId, Verdict>,
    /// (first coder's moment, second coder's moment, same code).
    pub pairs: Vec<(MomentId, MomentId, bool)>,
}

impl TimelineLens {
    fn shows(&self, moment: &Moment) -> bool {
        self.only_coder.as_ref().is_none_or(|c| *c == moment.author)
    }
}

/// A pair of moments drawn joined: lanes `upper` (first coder) and
/// `upper + 1` (second coder).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub upper: usize,
    pub a: Span,
    pub b: Span,
    pub same_code: bool,
}

impl TimelineIndex {
    /// One lane per category of `codebook` (a moment coded in two categories
    /// is in both), then "Other codes" when some moment carries codes from
    /// other codebooks, then "Uncoded". Rebuild when the document changes.
    pub fn build(project: &Project, clip: ClipId, codebook: Option<&Codebook>) -> Self {
        Self::build_for(project, clip, codebook, &TimelineLens::default())
    }

    /// As [`build`](Self::build), with only the moments `lens` shows.
    pub fn build_for(
        project: &Project,
        clip: ClipId,
        codebook: Option<&Codebook>,
        lens: &TimelineLens,
    ) -> Self {
        if let Some(compare) = &lens.compare {
            return Self::compared(project, clip, codebook, compare);
        }
        let moments = project
            .moments
            .iter()
            .filter(|m| m.clip == clip && lens.shows(m));
        Self {
            lanes: lanes_of(project, moments, codebook, false),
            links: Vec::new(),
        }
    }

    /// Each lane twice, "A · <lane>" and "B · <lane>" (the timeline's
    /// header names A and B: a coder's name would push the lane's own out
    /// of the narrow name column), the first coder above the second, spans marked with their verdict and pairs joined where both
    /// moments sit in the same lane pair.
    fn compared(
        project: &Project,
        clip: ClipId,
        codebook: Option<&Codebook>,
        compare: &CompareLens,
    ) -> Self {
        let of = |coder: &str, letter: &str| {
            let moments = project
                .moments
                .iter()
                .filter(|m| m.clip == clip && m.author == coder);
            let mut lanes = lanes_of(project, moments, codebook, true);
            for lane in &mut lanes {
                lane.name = format!("{letter} · {}", lane.name);
                for span in &mut lane.spans {
                    span.verdict = compare
                        .marks
                        .verdicts
                        .get(&span.moment)
                        .copied()
                        .unwrap_or_default();
                }
            }
            lanes
        };
        let (upper, lower) = (
            of(&compare.coders[0], COMPARE_LETTERS[0]),
            of(&compare.coders[1], COMPARE_LETTERS[1]),
        );
        let mut lanes = Vec::with_capacity(upper.len() * 2);
        for (a, b) in upper.into_iter().zip(lower) {
            lanes.push(a);
            lanes.push(b);
        }
        let mut links = Vec::new();
        for &(a, b, same_code) in &compare.marks.pairs {
            for upper in (0..lanes.len()).step_by(2) {
                let find = |lane: &Lane, id| lane.spans.iter().find(|s| s.moment == id).copied();
                if let (Some(sa), Some(sb)) = (find(&lanes[upper], a), find(&lanes[upper + 1], b)) {
                    links.push(Link {
                        upper,
                        a: sa,
                        b: sb,
                        same_code,
                    });
                }
            }
        }
        Self { lanes, links }
    }

    /// Compare mode's joined pairs.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// Where a moment is drawn, for outlining it and hit testing.
    pub fn find(&self, moment: MomentId) -> Option<Span> {
        self.lanes
            .iter()
            .flat_map(|l| l.spans.iter())
            .find(|s| s.moment == moment)
            .copied()
    }
}

/// The lanes for `moments`: one per category of `codebook`, "Other codes"
/// when needed, then "Uncoded".
fn lanes_of<'a>(
    project: &Project,
    moments: impl Iterator<Item = &'a Moment>,
    codebook: Option<&Codebook>,
    always_other: bool,
) -> Vec<Lane> {
    let categories = codebook.map_or(&[][..], |b| &b.categories[..]);
    let mut by_category: Vec<Vec<Span>> = vec![Vec::new(); categories.len()];
    let mut other = Vec::new();
    let mut uncoded = Vec::new();
    for moment in moments {
        if moment.codes.is_empty() {
            uncoded.push(span(moment, NEUTRAL));
            continue;
        }
        let mut in_category = vec![false; categories.len()];
        let mut elsewhere = None;
        for code in &moment.codes {
            let found = codebook.filter(|b| b.id == code.codebook).and_then(|b| {
                let at = b
                    .categories
                    .iter()
                    .position(|c| c.items.iter().any(|i| i.id == code.item))?;
                Some((at, b.colour_of(&code.item)?))
            });
            match found {
                // The first code of a category colours the moment there.
                Some((at, colour)) if !in_category[at] => {
                    in_category[at] = true;
                    by_category[at].push(span(moment, colour32(colour)));
                }
                Some(_) => {}
                None if elsewhere.is_none() => {
                    let colour = project
                        .codebook(&code.codebook)
                        .and_then(|b| b.colour_of(&code.item))
                        .map_or(NEUTRAL, colour32);
                    elsewhere = Some(colour);
                }
                None => {}
            }
        }
        if let Some(colour) = elsewhere {
            other.push(span(moment, colour));
        }
    }
    let mut lanes: Vec<Lane> = categories
        .iter()
        .zip(by_category)
        .map(|(c, spans)| Lane::new(c.name.clone(), colour32(c.colour), spans))
        .collect();
    // Compare mode keeps both coders' lanes the same, so they pair up.
    if always_other || !other.is_empty() {
        lanes.push(Lane::new(OTHER_CODES, NEUTRAL, other));
    }
    lanes.push(Lane::new(UNCODED, NEUTRAL, uncoded));
    lanes
}

fn span(moment: &Moment, colour: Color32) -> Span {
    Span {
        moment: moment.id,
        start: moment.start,
        end: moment.end,
        colour,
        verdict: Verdict::None,
    }
}

pub(super) fn colour32(c: Colour) -> Color32 {
    Color32::from_rgb(c.r, c.g, c.b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::sample_project;
    use crate::model::{CodeRef, bundled};

    fn moment_like(p: &Project, id: u32, start: u32, end: u32, codes: Vec<CodeRef>) -> Moment {
        let mut m = p.moments[0].clone();
        m.id = MomentId(id);
        m.start = start;
        m.end = end;
        m.codes = codes;
        m
    }

    fn names(index: &TimelineIndex) -> Vec<&str> {
        index.lanes().iter().map(|l| l.name.as_str()).collect()
    }

    fn ids(lane: &Lane) -> Vec<u32> {
        lane.spans().iter().map(|s| s.moment.0).collect()
    }

    fn lane<'a>(index: &'a TimelineIndex, name: &str) -> &'a Lane {
        index.lanes().iter().find(|l| l.name == name).unwrap()
    }

    #[test]
    fn one_lane_per_category_then_other_codes_then_uncoded() {
        let mut p = sample_project();
        let www = bundled().unwrap().remove(1);
        let www_item = www.categories[0].items[0].id.clone();
        p.codebooks.push(www.clone());
        let both = vec![
            CodeRef::new("vig", "waiting"),
            CodeRef::new("vig", "giving-and-taking-short-turns"),
        ];
        p.moments.push(moment_like(&p, 3, 10, 20, both));
        p.moments.push(moment_like(&p, 4, 5, 5, vec![]));
        p.moments.push(moment_like(
            &p,
            5,
            400,
            420,
            vec![CodeRef::new("www", &www_item)],
        ));
        p.validate().unwrap();
        let vig = p.codebook("vig").unwrap();
        let index = TimelineIndex::build(&p, ClipId(1), Some(vig));

        let mut expected: Vec<&str> = vig.categories.iter().map(|c| c.name.as_str()).collect();
        expected.extend([OTHER_CODES, UNCODED]);
        assert_eq!(names(&index), expected);

        let category_of = |item: &str| vig.item(item).unwrap().0.name.as_str();
        let waiting = lane(&index, category_of("waiting"));
        let turns = lane(&index, category_of("giving-and-taking-short-turns"));
        assert_ne!(
            waiting.name, turns.name,
            "the two codes are in two categories"
        );
        assert!(
            ids(waiting).contains(&3) && ids(turns).contains(&3),
            "in both lanes"
        );
        assert_eq!(ids(waiting), [3, 1], "sorted by start");
        assert_eq!(ids(lane(&index, UNCODED)), [4]);
        assert_eq!(ids(lane(&index, OTHER_CODES)), [5]);
        let www_colour = colour32(www.colour_of(&www_item).unwrap());
        assert_eq!(lane(&index, OTHER_CODES).spans()[0].colour, www_colour);
        assert_eq!(
            waiting.spans()[0].colour,
            colour32(vig.colour_of("waiting").unwrap())
        );
        assert_eq!(index.find(MomentId(4)).map(|s| s.start), Some(5));
    }

    #[test]
    fn without_an_active_codebook_every_code_is_another_codebooks() {
        let p = sample_project();
        let index = TimelineIndex::build(&p, ClipId(1), None);
        assert_eq!(names(&index), [OTHER_CODES, UNCODED]);
        assert_eq!(ids(lane(&index, OTHER_CODES)), [1, 2]);
        assert!(
            TimelineIndex::build(&p, ClipId(99), None).lanes()[0]
                .spans()
                .is_empty()
        );
    }

    #[test]
    fn compare_mode_pairs_each_lane_by_coder_and_joins_the_matched_moments() {
        let mut p = sample_project();
        let mut theirs = moment_like(&p, 3, 35, 118, vec![CodeRef::new("vig", "waiting")]);
        theirs.author = "Supervisor Ada".into();
        p.moments.push(theirs);
        let mut only_theirs = moment_like(&p, 4, 500, 510, vec![]);
        only_theirs.author = "Supervisor Ada".into();
        p.moments.push(only_theirs);
        let vig = p.codebook("vig").unwrap();
        let marks = CompareMarks {
            verdicts: [
                (MomentId(1), Verdict::Agrees),
                (MomentId(3), Verdict::Agrees),
                (MomentId(2), Verdict::OneCoder),
            ]
            .into_iter()
            .collect(),
            pairs: vec![(MomentId(1), MomentId(3), true)],
        };
        let lens = TimelineLens {
            only_coder: None,
            compare: Some(CompareLens {
                coders: ["Dr Amani Okafor".into(), "Supervisor Ada".into()],
                marks: Arc::new(marks),
            }),
        };
        let index = TimelineIndex::build_for(&p, ClipId(1), Some(vig), &lens);
        let lanes = index.lanes();
        assert_eq!(lanes.len(), 2 * (vig.categories.len() + 2));
        for pair in lanes.chunks(2) {
            assert!(pair[0].name.starts_with("A · "), "{}", pair[0].name);
            assert!(pair[1].name.starts_with("B · "), "{}", pair[1].name);
        }
        let category = vig.item("waiting").unwrap().0.name.clone();
        let upper = lanes
            .iter()
            .position(|l| l.name == format!("A · {category}"))
            .unwrap();
        assert_eq!(ids(&lanes[upper]), [1]);
        assert_eq!(ids(&lanes[upper + 1]), [3]);
        assert_eq!(lanes[upper].spans()[0].verdict, Verdict::Agrees);
        let links = index.links();
        assert_eq!(links.len(), 1);
        assert_eq!(
            (links[0].upper, links[0].a.moment, links[0].b.moment),
            (upper, MomentId(1), MomentId(3))
        );
        assert_eq!(index.find(MomentId(2)).unwrap().verdict, Verdict::OneCoder);
        let uncoded = lanes.len() - 1;
        assert_eq!(ids(&lanes[uncoded]), [4], "the second coder's uncoded lane");
    }

    #[test]
    fn visible_finds_exactly_the_spans_touching_the_range() {
        let spans = [(0, 1000), (10, 12), (50, 50), (60, 70), (900, 950)]
            .iter()
            .enumerate()
            .map(|(i, &(start, end))| Span {
                moment: MomentId(i as u32),
                start,
                end,
                colour: NEUTRAL,
                verdict: Verdict::None,
            })
            .collect();
        let lane = Lane::new("x", NEUTRAL, spans);
        let seen = |a, b| -> Vec<u32> { lane.visible(a, b).map(|s| s.moment.0).collect() };
        assert_eq!(seen(13, 49), [0]);
        assert_eq!(seen(12, 50), [0, 1, 2]);
        assert_eq!(seen(71, 899), [0]);
        assert_eq!(seen(2000, 3000), Vec::<u32>::new());
        let short = Lane::new("y", NEUTRAL, vec![]);
        assert_eq!(short.visible(0, 10).count(), 0);
    }
}
