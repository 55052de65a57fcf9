//! Event-based "modified kappa" (Holle & Rein 2015), as ELAN's
//! `CompareAnnotationModKappaCommand`, `AnnotatorCompareUtil2`,
//! `GlobalCKappa`, `CKappa` and `IPFUtil` compute it, for one pair of codings.
//!
//! Where ELAN leaves a case undefined (NaN) we define it, so every figure is a
//! number: see [`kappa`] and [`excluding_unmatched`].

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::{
    Annotation, AnnotationRef, CodeAgreement, Coding, ExcludingUnmatched, Matrix, ModifiedKappa,
    Pair, UNMATCHED, Unmatched, figure,
};

/// IPF rounds (each fits rows, then columns), as ELAN and EasyDIAg.
const IPF_ROUNDS: usize = 20;
/// What ELAN's IPF puts where a cell or a margin is 0, so no row or column
/// ever sums to 0 (which would divide by zero). The seed's
/// Unmatched×Unmatched cell is this too: two coders cannot both miss a moment.
const ZERO_STANDIN: f64 = 0.001;

pub(super) fn compute(a: &Coding, b: &Coding, threshold: f64) -> ModifiedKappa {
    let first = &a.annotations;
    let second = &b.annotations;
    let matched = match_moments(first, second, threshold);

    let values: Vec<&str> = first
        .iter()
        .chain(second)
        .map(|x| x.value.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index: BTreeMap<&str, usize> = values.iter().enumerate().map(|(i, v)| (*v, i)).collect();
    let unmatched_at = values.len();
    let size = values.len() + 1;

    let mut cells = vec![vec![0u64; size]; size];
    let mut first_matched = vec![false; first.len()];
    let mut second_matched = vec![false; second.len()];
    for m in &matched {
        cells[index[first[m.first].value.as_str()]][index[second[m.second].value.as_str()]] += 1;
        first_matched[m.first] = true;
        second_matched[m.second] = true;
    }
    let mut unmatched = Vec::new();
    for (x, _) in first.iter().zip(&first_matched).filter(|(_, m)| !**m) {
        cells[index[x.value.as_str()]][unmatched_at] += 1;
        unmatched.push((x, 0, &a.coder));
    }
    for (x, _) in second.iter().zip(&second_matched).filter(|(_, m)| !**m) {
        cells[unmatched_at][index[x.value.as_str()]] += 1;
        unmatched.push((x, 1, &b.coder));
    }
    // A matched pair is two annotations: counting its cell twice makes the
    // table's total the number of annotations (ELAN, after GSEQ-DP).
    for row in cells.iter_mut().take(unmatched_at) {
        for cell in row.iter_mut().take(unmatched_at) {
            *cell *= 2;
        }
    }

    let all = Margins::of(&cells);
    let raw_agreement = all.diagonal / all.total;
    let chance = all.chance();
    let kappa_ipf = kappa(raw_agreement, expected_by_ipf(&all) / all.total);
    let kappa_max = kappa(all.best_agreement(), chance);

    let mut pairs: Vec<Pair> = matched
        .iter()
        .map(|m| Pair {
            a: AnnotationRef::from(&first[m.first]),
            b: AnnotationRef::from(&second[m.second]),
            overlap: figure(m.share),
        })
        .collect();
    pairs.sort_by(|p, q| {
        p.a.start_ms
            .total_cmp(&q.a.start_ms)
            .then(p.b.start_ms.total_cmp(&q.b.start_ms))
            .then(p.a.moment.cmp(&q.a.moment))
    });
    unmatched.sort_by(|x, y| {
        x.0.start_ms
            .total_cmp(&y.0.start_ms)
            .then(x.1.cmp(&y.1))
            .then(x.0.moment.cmp(&y.0.moment))
    });

    let per_value = values
        .iter()
        .enumerate()
        .map(|(i, v)| ((*v).to_owned(), code_agreement(&cells, i)))
        .collect();

    ModifiedKappa {
        threshold: figure(threshold),
        raw_agreement: figure(raw_agreement),
        kappa_ipf: figure(kappa_ipf),
        kappa_max: figure(kappa_max),
        excluding_unmatched: excluding_unmatched(&cells),
        per_value,
        matrix: Matrix {
            values: values
                .iter()
                .map(|v| (*v).to_owned())
                .chain([UNMATCHED.to_owned()])
                .collect(),
            rows: cells,
        },
        pairs,
        unmatched: unmatched
            .into_iter()
            .map(|(x, _, coder)| Unmatched {
                coder: coder.clone(),
                annotation: AnnotationRef::from(x),
            })
            .collect(),
    }
}

/// A pair of annotations accepted as one moment.
struct Match {
    first: usize,
    second: usize,
    share: f64,
}

/// Candidate pairs (overlap ≥ `threshold` of the longer), best first, taken
/// greedily while neither annotation is taken yet.
///
/// ELAN sorts by overlap share, then raw overlap, and takes any 100 % pair
/// even when one side is already taken; we take each annotation once, as the
/// issue says (ELAN's tiers never hold two annotations at one time, so it
/// never meets the case; our moments with several codes do).
fn match_moments(first: &[Annotation], second: &[Annotation], threshold: f64) -> Vec<Match> {
    struct Candidate {
        first: usize,
        second: usize,
        share: f64,
        overlap: f64,
    }
    let mut candidates = Vec::new();
    for (i, x) in first.iter().enumerate() {
        for (j, y) in second.iter().enumerate() {
            let overlap = x.stop_ms.min(y.stop_ms) - x.start_ms.max(y.start_ms);
            if overlap <= 0.0 {
                continue;
            }
            // Both lengths are > 0 (checked on input), so this is a share.
            let longer = (x.stop_ms - x.start_ms).max(y.stop_ms - y.start_ms);
            let share = overlap / longer;
            if share >= threshold {
                candidates.push(Candidate {
                    first: i,
                    second: j,
                    share,
                    overlap,
                });
            }
        }
    }
    // Ties (same share and overlap) are not the or ELAN's concern;
    // they are ours because a moment with several codes gives annotations
    // with the same times. Same code first, so a moment both coders coded
    // {X, Y} pairs X with X; then earliest start; then content, so that
    // swapping the coders makes the same choices; then input order.
    type Content<'a> = (f64, f64, &'a str);
    fn content(x: &Annotation) -> Content<'_> {
        (x.start_ms, x.stop_ms, x.value.as_str())
    }
    fn cmp_content(p: Content, q: Content) -> Ordering {
        p.0.total_cmp(&q.0)
            .then(p.1.total_cmp(&q.1))
            .then(p.2.cmp(q.2))
    }
    let key = |c: &Candidate| {
        let (x, y) = (&first[c.first], &second[c.second]);
        let (p, q) = (content(x), content(y));
        let (lo, hi) = if cmp_content(p, q) == Ordering::Greater {
            (q, p)
        } else {
            (p, q)
        };
        (x.value != y.value, x.start_ms.min(y.start_ms), lo, hi)
    };
    candidates.sort_by(|c, d| {
        let (kc, kd) = (key(c), key(d));
        d.share
            .total_cmp(&c.share)
            .then(d.overlap.total_cmp(&c.overlap))
            .then(kc.0.cmp(&kd.0))
            .then(kc.1.total_cmp(&kd.1))
            .then(cmp_content(kc.2, kd.2))
            .then(cmp_content(kc.3, kd.3))
            .then((c.first, c.second).cmp(&(d.first, d.second)))
    });
    let mut first_taken = vec![false; first.len()];
    let mut second_taken = vec![false; second.len()];
    let mut matched = Vec::new();
    for c in candidates {
        if first_taken[c.first] || second_taken[c.second] {
            continue;
        }
        first_taken[c.first] = true;
        second_taken[c.second] = true;
        matched.push(Match {
            first: c.first,
            second: c.second,
            share: c.share,
        });
    }
    matched
}

/// Row and column totals of a square table.
struct Margins {
    rows: Vec<u64>,
    cols: Vec<u64>,
    total: f64,
    diagonal: f64,
}

impl Margins {
    fn of(cells: &[Vec<u64>]) -> Margins {
        let rows: Vec<u64> = cells.iter().map(|r| r.iter().sum()).collect();
        let cols: Vec<u64> = (0..cells.len())
            .map(|j| cells.iter().map(|r| r[j]).sum())
            .collect();
        let total = rows.iter().sum::<u64>() as f64;
        let diagonal = (0..cells.len()).map(|i| cells[i][i]).sum::<u64>() as f64;
        Margins {
            rows,
            cols,
            total,
            diagonal,
        }
    }

    /// Cohen's chance agreement: Σ (row share × column share).
    fn chance(&self) -> f64 {
        self.rows
            .iter()
            .zip(&self.cols)
            .map(|(&r, &c)| (r as f64 / self.total) * (c as f64 / self.total))
            .sum()
    }

    /// The best raw agreement these margins allow: Σ min(row, column) ÷ N.
    fn best_agreement(&self) -> f64 {
        let best: u64 = self
            .rows
            .iter()
            .zip(&self.cols)
            .map(|(&r, &c)| r.min(c))
            .sum();
        best as f64 / self.total
    }
}

/// Kappa from observed and chance agreement. When chance agreement is 1 (both
/// coders used one category only) kappa is 0/0: perfect observed agreement
/// then counts as 1, anything less as 0 (nothing beyond chance). ELAN reports
/// NaN there.
fn kappa(observed: f64, chance: f64) -> f64 {
    if chance >= 1.0 {
        if observed >= 1.0 { 1.0 } else { 0.0 }
    } else {
        (observed - chance) / (1.0 - chance)
    }
}

/// Chance agreements expected with the Unmatched row and column, after
/// EasyDIAg and ELAN: fit a table of ones (Unmatched×Unmatched nearly 0) to
/// the observed margins, then sum its diagonal without Unmatched.
fn expected_by_ipf(all: &Margins) -> f64 {
    let size = all.rows.len();
    let unmatched_at = size - 1;
    let target = |m: u64| if m == 0 { ZERO_STANDIN } else { m as f64 };
    let mut fit = vec![vec![1.0f64; size]; size];
    fit[unmatched_at][unmatched_at] = ZERO_STANDIN;
    for _ in 0..IPF_ROUNDS {
        for (row, &margin) in fit.iter_mut().zip(&all.rows) {
            let total: f64 = row.iter().sum();
            let goal = target(margin);
            for cell in row.iter_mut() {
                *cell = (*cell / total) * goal;
            }
        }
        for (j, &margin) in all.cols.iter().enumerate() {
            let total: f64 = fit.iter().map(|row| row[j]).sum();
            let goal = target(margin);
            for row in fit.iter_mut() {
                row[j] = (row[j] / total) * goal;
            }
        }
    }
    (0..unmatched_at).map(|i| fit[i][i]).sum()
}

/// Raw agreement, Cohen's kappa and kappa max over matched moments only.
/// With no matched moment at all there is nothing to agree on: all three are
/// 0 (ELAN reports NaN).
fn excluding_unmatched(cells: &[Vec<u64>]) -> ExcludingUnmatched {
    let inner = cells.len() - 1;
    let matched: Vec<Vec<u64>> = cells[..inner].iter().map(|r| r[..inner].to_vec()).collect();
    let m = Margins::of(&matched);
    if m.total == 0.0 {
        return ExcludingUnmatched {
            raw_agreement: 0.0,
            kappa: 0.0,
            kappa_max: 0.0,
        };
    }
    let raw = m.diagonal / m.total;
    let chance = m.chance();
    ExcludingUnmatched {
        raw_agreement: figure(raw),
        kappa: figure(kappa(raw, chance)),
        kappa_max: figure(kappa(m.best_agreement(), chance)),
    }
}

/// Code `i` against all other codes (Unmatched included), as ELAN's 2×2
/// per-value table: both said it / only one did / neither did.
fn code_agreement(cells: &[Vec<u64>], i: usize) -> CodeAgreement {
    let total: u64 = cells.iter().flatten().sum();
    let both = cells[i][i];
    let only_first: u64 = (0..cells.len())
        .filter(|&j| j != i)
        .map(|j| cells[i][j])
        .sum();
    let only_second: u64 = (0..cells.len())
        .filter(|&j| j != i)
        .map(|j| cells[j][i])
        .sum();
    let neither = total - both - only_first - only_second;
    let table = [[both, only_second], [only_first, neither]];
    CodeAgreement {
        kappa: figure(kappa(raw_2x2(&table), chance_2x2(&table))),
        kappa_max: figure(kappa(best_2x2(&table), chance_2x2(&table))),
        raw_agreement: figure(raw_2x2(&table)),
    }
}

// ELAN's `CKappa` arithmetic, in its order. The total is never 0: the code
// was used by at least one coder.
fn raw_2x2(t: &[[u64; 2]; 2]) -> f64 {
    (t[0][0] + t[1][1]) as f64 / sum_2x2(t)
}

fn chance_2x2(t: &[[u64; 2]; 2]) -> f64 {
    let n = sum_2x2(t);
    ((t[0][0] + t[0][1]) as f64 / n) * ((t[0][0] + t[1][0]) as f64 / n)
        + ((t[1][0] + t[1][1]) as f64 / n) * ((t[0][1] + t[1][1]) as f64 / n)
}

fn best_2x2(t: &[[u64; 2]; 2]) -> f64 {
    let best =
        (t[0][0] + t[0][1]).min(t[0][0] + t[1][0]) + (t[0][1] + t[1][1]).min(t[1][0] + t[1][1]);
    best as f64 / sum_2x2(t)
}

fn sum_2x2(t: &[[u64; 2]; 2]) -> f64 {
    (t[0][0] + t[0][1] + t[1][0] + t[1][1]) as f64
}
