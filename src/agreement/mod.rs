//! Inter-rater agreement between two coders' codings of one clip.
//!
//! Why this exists: a trainee and a supervisor code the same clip and talk
//! through where they saw it differently, and a research team needs a number
//! before it trusts a coding scheme. The field already trusts the figures of
//! two tools, so Attune computes agreement exactly the way they do, and a
//! figure from Attune can be checked against them:
//!
//! - **Event-based "modified kappa"** (Holle & Rein 2015) as ELAN's
//!   interannotator comparison computes it ([`modified_kappa`]): moments of the
//!   two coders are matched by overlap, and moments only one coder saw count
//!   as disagreement (the "Unmatched" row and column).
//! - **Time-slice Cohen's kappa** as BORIS's `irr.cohen_kappa` computes it
//!   ([`time_slice`]): the clip is sampled every few seconds and the codes
//!   running at each sample are compared.
//!
//! The module is pure (std, serde, thiserror): the caller turns a project's
//! moments into two [`Coding`]s, one [`Annotation`] per code of each moment,
//! and gets figures, a list of disagreements to walk, and a printable report
//! ([`report::html_report`]). Nothing here reads notes or file paths, so
//! nothing here can leak them.

pub mod codings;
mod modified_kappa;
pub mod report;
mod slice_clock;
mod time_slice;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::Serialize;

/// One code on one moment: a moment with several codes gives one annotation
/// per code, so each code is compared on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// The moment's id, so the UI can find it again.
    pub moment: u64,
    /// The code (as the exports name it: the same string means the same code).
    pub value: String,
    /// Who is coded (parent, infant, …); `None` for a moment about no one in
    /// particular. Only the time-slice method uses it, as BORIS's subjects.
    pub participant: Option<String>,
    /// First frame of the moment.
    pub start_frame: u32,
    /// Last frame of the moment (inclusive): a point moment has
    /// `end_frame == start_frame`.
    pub end_frame: u32,
    /// When the first frame starts, in milliseconds, as the ELAN and BORIS
    /// exports write it (whole milliseconds, so the figures match theirs).
    pub start_ms: f64,
    /// When the frame after the last one starts: the moment covers
    /// `start_ms..stop_ms`, so a point moment lasts one frame.
    pub stop_ms: f64,
    /// The BORIS export writes this moment as a BORIS *point event*: it is one
    /// frame long and its code is a point code (every moment with that code is
    /// a point). The time slice then treats it as an instant at `start_ms`,
    /// seen within half an interval. A one-frame moment of a code that also
    /// has longer moments is exported as a state that starts and stops at
    /// `start_ms`; set `point` to false for it and the time slice does the same.
    pub point: bool,
}

/// Everything one coder coded on the clip.
#[derive(Debug, Clone, PartialEq)]
pub struct Coding {
    /// The coder's name, as the project lists coders.
    pub coder: String,
    pub annotations: Vec<Annotation>,
}

/// Which agreement to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    ModifiedKappa,
    TimeSlice,
    Both,
}

impl Method {
    fn wants_events(self) -> bool {
        matches!(self, Method::ModifiedKappa | Method::Both)
    }

    fn wants_slices(self) -> bool {
        matches!(self, Method::TimeSlice | Method::Both)
    }
}

impl FromStr for Method {
    type Err = AgreementError;

    /// The CLI's spelling: `modified-kappa`, `time-slice` or `both`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "modified-kappa" => Ok(Method::ModifiedKappa),
            "time-slice" => Ok(Method::TimeSlice),
            "both" => Ok(Method::Both),
            other => Err(AgreementError::UnknownMethod(other.to_owned())),
        }
    }
}

/// The choices of the agreement command and window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub method: Method,
    /// How much two moments must overlap, as a share of the longer one
    /// (0.51 to 1.00), to count as the same moment.
    pub threshold: f64,
    /// Seconds between two time slices.
    pub interval_s: f64,
}

impl Default for Options {
    /// ELAN's default overlap (60 %) and BORIS's default time unit (1 s).
    fn default() -> Self {
        Options {
            method: Method::Both,
            threshold: 0.6,
            interval_s: 1.0,
        }
    }
}

/// Input the agreement cannot be computed from; each message is one line a
/// clinician can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AgreementError {
    #[error("Agreement needs two coders, but a coding has no coder's name.")]
    MissingCoder,
    #[error("Both codings are by {0}; choose two different coders.")]
    SameCoder(String),
    #[error("{coder} has no moments on {clip}, so there is nothing to compare.")]
    NoMoments { coder: String, clip: String },
    #[error("Moment {moment} of {coder} has impossible times (it must end after it starts).")]
    MomentTimes { coder: String, moment: u64 },
    #[error("The overlap must be between 51 % and 100 % of the longer moment; {} was given.", percent(*.0))]
    Threshold(f64),
    #[error("The time-slice interval must be more than 0 seconds; {} was given.", seconds(*.0))]
    Interval(f64),
    #[error("An interval of {} cuts this clip into more than {limit} time slices; choose a longer interval.", seconds(*.interval_s))]
    TooManySlices { interval_s: f64, limit: u64 },
    #[error("Unknown agreement method \"{0}\": use modified-kappa, time-slice or both.")]
    UnknownMethod(String),
}

fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{} %", share * 100.0)
    } else {
        "a value that is not a number".to_owned()
    }
}

fn seconds(s: f64) -> String {
    if s.is_finite() {
        format!("{s} s")
    } else {
        "a value that is not a number".to_owned()
    }
}

/// Both methods' figures for one clip and two coders; serialises to the
/// shape of `attune agreement --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    pub clip: String,
    /// The first coder (rows of the matrix), then the second (columns).
    pub coders: [String; 2],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_kappa: Option<ModifiedKappa>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_slice: Option<TimeSlice>,
}

/// The event-based figures, as ELAN reports them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModifiedKappa {
    /// The overlap share a pair needed to match.
    pub threshold: f64,
    /// Share of all moments (matched pairs counted twice, as ELAN does) on
    /// which the coders agree, counting moments only one coder saw.
    pub raw_agreement: f64,
    /// Kappa with chance agreement from the iterative proportional fit.
    pub kappa_ipf: f64,
    /// The highest kappa these two coders' code frequencies allow.
    pub kappa_max: f64,
    pub excluding_unmatched: ExcludingUnmatched,
    /// Each code against all others.
    pub per_value: BTreeMap<String, CodeAgreement>,
    pub matrix: Matrix,
    /// Matched moments, in time order.
    pub pairs: Vec<Pair>,
    /// Moments only one coder saw, in time order.
    pub unmatched: Vec<Unmatched>,
}

/// The figures over matched moments only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExcludingUnmatched {
    pub raw_agreement: f64,
    /// Cohen's kappa.
    pub kappa: f64,
    pub kappa_max: f64,
}

/// One code's 2×2 agreement (this code or not), as ELAN's per-value table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeAgreement {
    pub kappa: f64,
    pub kappa_max: f64,
    pub raw_agreement: f64,
}

/// The contingency matrix after doubling the matched cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matrix {
    /// The codes in sorted order, then [`UNMATCHED`] (always last).
    pub values: Vec<String>,
    /// `rows[i][j]`: first coder said `values[i]`, second said `values[j]`.
    pub rows: Vec<Vec<u64>>,
}

/// The label of the matrix's last row and column.
pub const UNMATCHED: &str = "Unmatched";

/// One annotation, as the UI finds it again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnotationRef {
    pub moment: u64,
    pub value: String,
    pub start_frame: u32,
    pub end_frame: u32,
    pub start_ms: f64,
    pub stop_ms: f64,
}

impl From<&Annotation> for AnnotationRef {
    fn from(a: &Annotation) -> Self {
        AnnotationRef {
            moment: a.moment,
            value: a.value.clone(),
            start_frame: a.start_frame,
            end_frame: a.end_frame,
            start_ms: a.start_ms,
            stop_ms: a.stop_ms,
        }
    }
}

/// Two annotations matched as one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// The first coder's.
    pub a: AnnotationRef,
    /// The second coder's.
    pub b: AnnotationRef,
    /// Their overlap as a share of the longer one (0.9 = 90 %).
    pub overlap: f64,
}

/// An annotation no annotation of the other coder matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmatched {
    /// Who coded it.
    pub coder: String,
    #[serde(flatten)]
    pub annotation: AnnotationRef,
}

/// The time-slice figures, as BORIS reports them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeSlice {
    pub interval_s: f64,
    /// Cohen's kappa, rounded to three decimals as BORIS rounds it.
    pub kappa: f64,
    /// Share of (participant, slice) labels that agree, in per cent (0–100).
    pub percent_agreement: f64,
    /// How many time slices were taken (for the report; not in the JSON).
    #[serde(skip)]
    pub slices: u64,
    /// How many participants were compared at each slice.
    #[serde(skip)]
    pub participants: u64,
}

/// A place where the coders differ, for the UI to walk through.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// The frame to land the viewer on: the first frame of the moment (of
    /// either moment, for a pair).
    pub frame: u32,
    pub kind: DisagreementKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DisagreementKind {
    /// Only `coder` coded a moment here.
    SeenByOneCoder {
        coder: String,
        annotation: AnnotationRef,
    },
    /// Both coders coded this moment, with different codes.
    CodedDifferently { a: AnnotationRef, b: AnnotationRef },
}

impl Agreement {
    /// Unmatched moments and matched moments with different codes, in time
    /// order (by first frame, then the first coder's before the second's).
    /// Empty when the event-based method was not computed: time slices have
    /// no moments to land on.
    pub fn disagreements(&self) -> Vec<Disagreement> {
        let Some(mk) = &self.modified_kappa else {
            return Vec::new();
        };
        let mut out: Vec<(u32, f64, u8, u64, Disagreement)> = Vec::new();
        for p in mk.pairs.iter().filter(|p| p.a.value != p.b.value) {
            let frame = p.a.start_frame.min(p.b.start_frame);
            let kind = DisagreementKind::CodedDifferently {
                a: p.a.clone(),
                b: p.b.clone(),
            };
            let start = p.a.start_ms.min(p.b.start_ms);
            out.push((frame, start, 0, p.a.moment, Disagreement { frame, kind }));
        }
        for u in &mk.unmatched {
            let frame = u.annotation.start_frame;
            let rank = if u.coder == self.coders[0] { 1 } else { 2 };
            let kind = DisagreementKind::SeenByOneCoder {
                coder: u.coder.clone(),
                annotation: u.annotation.clone(),
            };
            let start = u.annotation.start_ms;
            out.push((
                frame,
                start,
                rank,
                u.annotation.moment,
                Disagreement { frame, kind },
            ));
        }
        out.sort_by(|x, y| {
            (x.0, x.2, x.3)
                .cmp(&(y.0, y.2, y.3))
                .then(x.1.total_cmp(&y.1))
        });
        out.into_iter().map(|(.., d)| d).collect()
    }
}

/// Agreement between `a` (first coder) and `b` (second coder) on `clip`,
/// by the method(s) `options` choose. Only the parameters of the chosen
/// methods are checked.
pub fn compare(
    clip: &str,
    a: &Coding,
    b: &Coding,
    options: &Options,
) -> Result<Agreement, AgreementError> {
    if a.coder.trim().is_empty() || b.coder.trim().is_empty() {
        return Err(AgreementError::MissingCoder);
    }
    if a.coder == b.coder {
        return Err(AgreementError::SameCoder(a.coder.clone()));
    }
    for coding in [a, b] {
        check_moments(clip, coding)?;
    }
    let method = options.method;
    if method.wants_events() && !(0.51..=1.0).contains(&options.threshold) {
        return Err(AgreementError::Threshold(options.threshold));
    }
    if method.wants_slices() && !(options.interval_s.is_finite() && options.interval_s > 0.0) {
        return Err(AgreementError::Interval(options.interval_s));
    }
    let modified_kappa = method
        .wants_events()
        .then(|| modified_kappa::compute(a, b, options.threshold));
    let time_slice = if method.wants_slices() {
        Some(time_slice::compute(a, b, options.interval_s)?)
    } else {
        None
    };
    Ok(Agreement {
        clip: clip.to_owned(),
        coders: [a.coder.clone(), b.coder.clone()],
        modified_kappa,
        time_slice,
    })
}

/// The latest time accepted, in ms (about 30 years): beyond any clip, and
/// small enough that the time slice's exact decimal clock cannot overflow.
const LATEST_MS: f64 = 1e12;

/// Every moment must have real, ordered times: overlaps and slices are
/// computed from them, and a moment that ends before it starts would make
/// both meaningless (and divide by zero).
fn check_moments(clip: &str, coding: &Coding) -> Result<(), AgreementError> {
    if coding.annotations.is_empty() {
        return Err(AgreementError::NoMoments {
            coder: coding.coder.clone(),
            clip: clip.to_owned(),
        });
    }
    for a in &coding.annotations {
        let sane = a.start_ms.is_finite()
            && a.stop_ms.is_finite()
            && a.start_ms >= 0.0
            && a.stop_ms > a.start_ms
            && a.stop_ms <= LATEST_MS
            && a.end_frame >= a.start_frame;
        if !sane {
            return Err(AgreementError::MomentTimes {
                coder: coding.coder.clone(),
                moment: a.moment,
            });
        }
    }
    Ok(())
}

/// A figure for output: never NaN or infinite (every 0/0 is defined where it
/// arises; this is the last guard), and never "-0".
fn figure(x: f64) -> f64 {
    debug_assert!(x.is_finite(), "agreement figure {x}");
    if x.is_finite() { x + 0.0 } else { 0.0 }
}
