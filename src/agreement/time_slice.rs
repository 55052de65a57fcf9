//! Time-slice Cohen's kappa, as BORIS's `irr.cohen_kappa` computes it on the
//! coding our BORIS export writes (read from BORIS's `irr.py`,
//! `db_functions.load_aggregated_events_in_db` and
//! `select_subj_behav.choose_obs_subj_behav_category`):
//!
//! - Subjects are those coded in either observation (BORIS's default
//!   selection); moments about no one are BORIS's "No focal subject".
//! - Slices run from the earliest start to the latest end (a point's end is
//!   its time) over both coders, on BORIS's decimal clock ([`slice_clock`]).
//! - At each slice, per subject, a state is running when
//!   `start <= t <= stop` (SQL `BETWEEN`), a point when
//!   `abs(time - t) <= interval / 2`, all in `f64` as SQLite compares.
//! - A label is the subject with its running codes; "nothing running" is one
//!   label shared by every subject, as BORIS's empty list is. Codes are a
//!   sorted set, as the issue says; BORIS keeps a code twice when two of its
//!   events run at once (two points within half an interval, or two
//!   back-to-back moments at their shared edge), so those rare slices can
//!   differ from BORIS.
//! - `K = round((agree - Σ row×col/N) / (N - Σ row×col/N), 3)`, and 1 when
//!   that denominator is 0.
//!
//! [`slice_clock`]: super::slice_clock

use std::collections::BTreeMap;

use super::slice_clock::Decimal;
use super::{AgreementError, Annotation, Coding, TimeSlice, figure};

/// At most this many (participant, slice) labels per coder: an hour at 25
/// slices a second for a hundred participants. Beyond, the interval was
/// surely mistyped, and the count would take minutes.
const LIMIT: u64 = 10_000_000;

pub(super) fn compute(
    a: &Coding,
    b: &Coding,
    interval_s: f64,
) -> Result<TimeSlice, AgreementError> {
    let mut lanes: BTreeMap<Option<&str>, [Lane; 2]> = BTreeMap::new();
    for (coder, coding) in [a, b].into_iter().enumerate() {
        for x in &coding.annotations {
            let lane = &mut lanes.entry(x.participant.as_deref()).or_default()[coder];
            lane.add(x);
        }
    }
    let mut first = f64::INFINITY;
    let mut last = f64::NEG_INFINITY;
    for lane in lanes.values().flatten() {
        for s in &lane.states {
            first = first.min(s.start);
            last = last.max(s.stop);
        }
        for p in &lane.points {
            first = first.min(p.at);
            last = last.max(p.at);
        }
    }
    for lane in lanes.values_mut().flatten() {
        lane.states.sort_by(|x, y| x.start.total_cmp(&y.start));
        lane.points.sort_by(|x, y| x.at.total_cmp(&y.at));
    }

    let participants = lanes.len() as u64;
    let too_many = AgreementError::TooManySlices {
        interval_s,
        limit: LIMIT,
    };
    let estimate = ((last - first) / interval_s).floor() + 1.0;
    // Not NaN: times and interval are finite and the interval is above 0.
    if estimate * participants as f64 > LIMIT as f64 {
        return Err(too_many);
    }
    // Times were checked (finite, 0 to 1e9 s), so the start is exact; an
    // interval too large for the clock means one slice only.
    let Some(start) = Decimal::shortest(first) else {
        return Err(too_many);
    };
    let step = Decimal::shortest(interval_s);
    let half = step
        .and_then(Decimal::half)
        .map_or(interval_s / 2.0, Decimal::to_f64);

    let mut table: BTreeMap<(Label, Label), u64> = BTreeMap::new();
    let mut slices = 0u64;
    loop {
        let now = if slices == 0 {
            Some(start)
        } else {
            step.and_then(|s| start.plus_times(slices, s))
        };
        let Some(now) = now.filter(|n| n.at_most(last)) else {
            break;
        };
        if slices.saturating_mul(participants) >= LIMIT {
            return Err(too_many);
        }
        let t = now.to_f64();
        for (participant, [first_lane, second_lane]) in &mut lanes {
            let key = (
                first_lane.label_at(*participant, t, half),
                second_lane.label_at(*participant, t, half),
            );
            *table.entry(key).or_default() += 1;
        }
        slices += 1;
    }

    let (kappa, percent_agreement) = cohen(&table);
    Ok(TimeSlice {
        interval_s,
        kappa: figure(kappa),
        percent_agreement: figure(percent_agreement),
        slices,
        participants,
    })
}

/// What one coder had running for one participant at one slice: `None` is
/// "nothing", the same label for every participant.
type Label<'a> = Option<(Option<&'a str>, Vec<&'a str>)>;

struct State<'a> {
    start: f64,
    stop: f64,
    code: &'a str,
}

struct Point<'a> {
    at: f64,
    code: &'a str,
}

/// One coder's moments about one participant, swept forward slice by slice:
/// `next_*` is the first not yet started, `open_*` those started and not
/// yet over. Both tests are monotone in time, so an event, once over, is
/// never running again, and the open ones are exactly the running ones.
#[derive(Default)]
struct Lane<'a> {
    states: Vec<State<'a>>,
    points: Vec<Point<'a>>,
    next_state: usize,
    next_point: usize,
    open_states: Vec<usize>,
    open_points: Vec<usize>,
}

impl<'a> Lane<'a> {
    /// As the BORIS export writes the moment: a point event at its start; a
    /// one-frame moment of a state code, a state that stops where it starts;
    /// any other moment, a state from start to stop. In seconds.
    fn add(&mut self, x: &'a Annotation) {
        let start = x.start_ms / 1000.0;
        let code = x.value.as_str();
        if x.point {
            self.points.push(Point { at: start, code });
        } else if x.start_frame == x.end_frame {
            self.states.push(State {
                start,
                stop: start,
                code,
            });
        } else {
            self.states.push(State {
                start,
                stop: x.stop_ms / 1000.0,
                code,
            });
        }
    }

    fn label_at(&mut self, participant: Option<&'a str>, t: f64, half: f64) -> Label<'a> {
        while self
            .states
            .get(self.next_state)
            .is_some_and(|s| s.start <= t)
        {
            self.open_states.push(self.next_state);
            self.next_state += 1;
        }
        let states = &self.states;
        self.open_states.retain(|&i| t <= states[i].stop);
        // abs(at - t) <= half  ⇔  at - t <= half  and  t - at <= half
        // (IEEE subtraction is exactly antisymmetric).
        while self
            .points
            .get(self.next_point)
            .is_some_and(|p| p.at - t <= half)
        {
            self.open_points.push(self.next_point);
            self.next_point += 1;
        }
        let points = &self.points;
        self.open_points.retain(|&i| t - points[i].at <= half);

        let mut codes: Vec<&'a str> = self
            .open_states
            .iter()
            .map(|&i| self.states[i].code)
            .chain(self.open_points.iter().map(|&i| self.points[i].code))
            .collect();
        if codes.is_empty() {
            return None;
        }
        codes.sort_unstable();
        codes.dedup();
        Some((participant, codes))
    }
}

/// BORIS's kappa and the share of agreeing labels (per cent). With no slice
/// at all (possible only when every moment is one instant that the decimal
/// clock starts just after), BORIS's denominator is 0, so kappa is 1; the
/// agreement is then 100 %, as nothing disagreed.
fn cohen(table: &BTreeMap<(Label, Label), u64>) -> (f64, f64) {
    let mut rows: BTreeMap<&Label, f64> = BTreeMap::new();
    let mut cols: BTreeMap<&Label, f64> = BTreeMap::new();
    let mut total = 0.0;
    let mut agree = 0.0;
    for ((first, second), &n) in table {
        let n = n as f64;
        *rows.entry(first).or_default() += n;
        *cols.entry(second).or_default() += n;
        total += n;
        if first == second {
            agree += n;
        }
    }
    if total == 0.0 {
        return (1.0, 100.0);
    }
    let mut expected = 0.0;
    for (label, r) in &rows {
        if let Some(c) = cols.get(label) {
            expected += r * c / total;
        }
    }
    let kappa = if total - expected == 0.0 {
        1.0
    } else {
        round3((agree - expected) / (total - expected))
    };
    (kappa, agree / total * 100.0)
}

/// Python's `round(x, 3)`: the exact binary value rounded to three decimals,
/// ties to even. Rust's `{:.3}` formats the exact value the same way.
pub(super) fn round3(x: f64) -> f64 {
    format!("{x:.3}").parse().unwrap_or(x)
}
