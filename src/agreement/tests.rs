use proptest::prelude::*;

use super::report::{ReportMeta, html_report};
use super::slice_clock::Decimal;
use super::time_slice::round3;
use super::*;

/// An annotation at 1000 fps (frame = ms), so frames and times read alike.
fn ann(moment: u64, value: &str, start_ms: u32, stop_ms: u32) -> Annotation {
    Annotation {
        moment,
        value: value.to_owned(),
        participant: None,
        start_frame: start_ms,
        end_frame: stop_ms - 1,
        start_ms: f64::from(start_ms),
        stop_ms: f64::from(stop_ms),
        point: false,
    }
}

fn of(participant: &str, mut a: Annotation) -> Annotation {
    a.participant = Some(participant.to_owned());
    a
}

/// A point moment (one frame, a point code) at `at_ms`, at 25 fps.
fn point(moment: u64, value: &str, at_ms: u32) -> Annotation {
    Annotation {
        moment,
        value: value.to_owned(),
        participant: None,
        start_frame: at_ms / 40,
        end_frame: at_ms / 40,
        start_ms: f64::from(at_ms),
        stop_ms: f64::from(at_ms + 40),
        point: true,
    }
}

fn coding(coder: &str, annotations: Vec<Annotation>) -> Coding {
    Coding {
        coder: coder.to_owned(),
        annotations,
    }
}

fn options(method: Method) -> Options {
    Options {
        method,
        ..Options::default()
    }
}

fn slices(a: &Coding, b: &Coding, interval_s: f64) -> TimeSlice {
    let o = Options {
        method: Method::TimeSlice,
        interval_s,
        ..Options::default()
    };
    compare("clip", a, b, &o).unwrap().time_slice.unwrap()
}

fn four(x: f64) -> String {
    format!("{x:.4}")
}

fn worked_example() -> (Coding, Coding) {
    let a = coding(
        "Ana",
        vec![
            ann(1, "A", 0, 1000),
            ann(2, "B", 2000, 3000),
            ann(3, "A", 4000, 5000),
            ann(4, "B", 6000, 7000),
            ann(5, "A", 8000, 9000),
        ],
    );
    let b = coding(
        "Ben",
        vec![
            ann(11, "A", 100, 1000),
            ann(12, "B", 2000, 2500),
            ann(13, "B", 4000, 5000),
            ann(14, "B", 6000, 7000),
            ann(15, "A", 10000, 11000),
        ],
    );
    (a, b)
}

// ---- modified kappa ----

#[test]
fn the_worked_example_of_the_issue() {
    let (a, b) = worked_example();
    let r = compare("clip", &a, &b, &options(Method::ModifiedKappa)).unwrap();
    let mk = r.modified_kappa.unwrap();
    assert_eq!(mk.matrix.values, ["A", "B", "Unmatched"]);
    assert_eq!(mk.matrix.rows, [[2, 2, 1], [0, 2, 1], [1, 1, 0]]);
    let overlaps: Vec<f64> = mk.pairs.iter().map(|p| p.overlap).collect();
    assert_eq!(overlaps, [0.9, 1.0, 1.0]);
    let moments: Vec<(u64, u64)> = mk.pairs.iter().map(|p| (p.a.moment, p.b.moment)).collect();
    assert_eq!(moments, [(1, 11), (3, 13), (4, 14)]);
    let unmatched: Vec<(&str, u64)> = mk
        .unmatched
        .iter()
        .map(|u| (u.coder.as_str(), u.annotation.moment))
        .collect();
    assert_eq!(
        unmatched,
        [("Ana", 2), ("Ben", 12), ("Ana", 5), ("Ben", 15)]
    );
    assert_eq!(four(mk.raw_agreement), "0.4000");
    assert_eq!(four(mk.kappa_ipf), "0.1652");
    assert_eq!(four(mk.kappa_max), "0.6970");
    assert_eq!(four(mk.excluding_unmatched.raw_agreement), "0.6667");
    assert_eq!(four(mk.excluding_unmatched.kappa), "0.4000");
    assert_eq!(four(mk.excluding_unmatched.kappa_max), "0.4000");
    assert!(r.time_slice.is_none());
}

#[test]
fn per_code_kappa_is_elans_two_by_two() {
    let (a, b) = worked_example();
    let mk = compare("clip", &a, &b, &options(Method::ModifiedKappa))
        .unwrap()
        .modified_kappa
        .unwrap();
    // A: both 2, only the first coder 3 (2 + 1), only the second 1, neither 4.
    // raw 6/10; chance 0.5×0.3 + 0.5×0.7 = 0.5; kappa 0.2; max (0.3+0.5 … ) =
    // (min(5,3) + min(5,7))/10 = 0.8 → 0.6.
    let code_a = &mk.per_value["A"];
    assert_eq!(four(code_a.raw_agreement), "0.6000");
    assert_eq!(four(code_a.kappa), "0.2000");
    assert_eq!(four(code_a.kappa_max), "0.6000");
    // B: both 2, only first 1, only second 3, neither 4: same figures mirrored.
    let code_b = &mk.per_value["B"];
    assert_eq!(four(code_b.kappa), "0.2000");
    assert_eq!(mk.per_value.len(), 2, "no entry for Unmatched");
}

#[test]
fn overlap_of_exactly_the_threshold_matches() {
    let a = coding("Ana", vec![ann(1, "A", 0, 1000)]);
    let b = coding("Ben", vec![ann(2, "A", 400, 1000)]);
    let at = |threshold| {
        let o = Options {
            method: Method::ModifiedKappa,
            threshold,
            ..Options::default()
        };
        compare("clip", &a, &b, &o).unwrap().modified_kappa.unwrap()
    };
    assert_eq!(at(0.6).pairs.len(), 1);
    assert_eq!(at(0.61).pairs.len(), 0);
}

#[test]
fn the_best_overlap_is_matched_first() {
    // Ben's moment overlaps Ana's first by 70 %, her second by 90 %.
    let a = coding("Ana", vec![ann(1, "A", 0, 1000), ann(2, "B", 300, 1300)]);
    let b = coding("Ben", vec![ann(3, "A", 300, 1200)]);
    let mk = compare("clip", &a, &b, &options(Method::ModifiedKappa))
        .unwrap()
        .modified_kappa
        .unwrap();
    assert_eq!(mk.pairs.len(), 1);
    assert_eq!((mk.pairs[0].a.moment, mk.pairs[0].b.moment), (2, 3));
    assert_eq!(mk.unmatched.len(), 1);
}

#[test]
fn a_moment_with_two_codes_pairs_code_with_code() {
    let a = coding("Ana", vec![ann(1, "X", 0, 1000), ann(1, "Y", 0, 1000)]);
    let b = coding("Ben", vec![ann(7, "Y", 0, 1000), ann(7, "X", 0, 1000)]);
    let mk = compare("clip", &a, &b, &options(Method::ModifiedKappa))
        .unwrap()
        .modified_kappa
        .unwrap();
    assert_eq!(mk.matrix.rows, [[2, 0, 0], [0, 2, 0], [0, 0, 0]]);
    assert_eq!(mk.kappa_ipf, 1.0);
    assert_eq!(mk.excluding_unmatched.kappa, 1.0);
}

#[test]
fn degenerate_tables_give_numbers() {
    // One code, all matched: chance agreement is 1 everywhere it is defined.
    let a = coding("Ana", vec![ann(1, "A", 0, 1000)]);
    let b = coding("Ben", vec![ann(2, "A", 0, 1000)]);
    let mk = compare("clip", &a, &b, &options(Method::ModifiedKappa))
        .unwrap()
        .modified_kappa
        .unwrap();
    assert_eq!(mk.excluding_unmatched.kappa, 1.0);
    assert_eq!(mk.excluding_unmatched.kappa_max, 1.0);
    assert_eq!(mk.per_value["A"].kappa, 1.0);
    assert_eq!(mk.kappa_ipf, 1.0);

    // Nothing matched: nothing to agree on among matched moments.
    let b = coding("Ben", vec![ann(2, "B", 5000, 6000)]);
    let mk = compare("clip", &a, &b, &options(Method::ModifiedKappa))
        .unwrap()
        .modified_kappa
        .unwrap();
    let ex = &mk.excluding_unmatched;
    assert_eq!((ex.raw_agreement, ex.kappa, ex.kappa_max), (0.0, 0.0, 0.0));
    assert_eq!(mk.raw_agreement, 0.0);
    for x in [
        mk.kappa_ipf,
        mk.kappa_max,
        mk.per_value["A"].kappa,
        mk.per_value["B"].kappa,
    ] {
        assert!(x.is_finite());
    }
}

#[test]
fn disagreements_come_in_time_order_with_a_frame_to_land_on() {
    let (a, b) = worked_example();
    let r = compare("clip", &a, &b, &options(Method::Both)).unwrap();
    let walk: Vec<(u32, String)> = r
        .disagreements()
        .into_iter()
        .map(|d| {
            let what = match d.kind {
                DisagreementKind::SeenByOneCoder { coder, annotation } => {
                    format!("{coder} {}", annotation.moment)
                }
                DisagreementKind::CodedDifferently { a, b } => {
                    format!("{}≠{}", a.moment, b.moment)
                }
            };
            (d.frame, what)
        })
        .collect();
    let expected = [
        (2000, "Ana 2"),
        (2000, "Ben 12"),
        (4000, "3≠13"),
        (8000, "Ana 5"),
        (10000, "Ben 15"),
    ];
    let expected: Vec<(u32, String)> = expected.iter().map(|(f, s)| (*f, s.to_string())).collect();
    assert_eq!(walk, expected);

    let only_slices = compare("clip", &a, &b, &options(Method::TimeSlice)).unwrap();
    assert!(only_slices.disagreements().is_empty());
}

#[test]
fn json_has_the_issue_shape() {
    let (a, b) = worked_example();
    let r = compare("clip 1", &a, &b, &options(Method::Both)).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["clip", "coders", "modified_kappa", "time_slice"]);
    assert_eq!(v["coders"], serde_json::json!(["Ana", "Ben"]));
    let mk = &v["modified_kappa"];
    assert_eq!(
        keys(mk),
        [
            "excluding_unmatched",
            "kappa_ipf",
            "kappa_max",
            "matrix",
            "pairs",
            "per_value",
            "raw_agreement",
            "threshold",
            "unmatched"
        ]
    );
    assert_eq!(mk["threshold"], 0.6);
    assert_eq!(
        keys(&mk["excluding_unmatched"]),
        ["kappa", "kappa_max", "raw_agreement"]
    );
    assert_eq!(keys(&mk["matrix"]), ["rows", "values"]);
    assert_eq!(keys(&mk["pairs"][0]), ["a", "b", "overlap"]);
    let annotation = [
        "end_frame",
        "moment",
        "start_frame",
        "start_ms",
        "stop_ms",
        "value",
    ];
    assert_eq!(keys(&mk["pairs"][0]["a"]), annotation);
    let mut with_coder: Vec<&str> = annotation.to_vec();
    with_coder.insert(0, "coder");
    assert_eq!(keys(&mk["unmatched"][0]), with_coder);
    assert_eq!(
        keys(&v["time_slice"]),
        ["interval_s", "kappa", "percent_agreement"]
    );
    assert_eq!(v["time_slice"]["interval_s"], 1.0);

    let only_events = compare("clip 1", &a, &b, &options(Method::ModifiedKappa)).unwrap();
    let v = serde_json::to_value(&only_events).unwrap();
    assert_eq!(keys(&v), ["clip", "coders", "modified_kappa"]);
    let only_slices = compare("clip 1", &a, &b, &options(Method::TimeSlice)).unwrap();
    let v = serde_json::to_value(&only_slices).unwrap();
    assert_eq!(keys(&v), ["clip", "coders", "time_slice"]);
}

// ---- bad input ----

#[test]
fn bad_input_is_a_typed_error_with_a_plain_message() {
    let (a, b) = worked_example();
    let o = Options::default();
    let err = |a: &Coding, b: &Coding, o: &Options| compare("clip", a, b, o).unwrap_err();

    let nameless = coding(" ", a.annotations.clone());
    assert_eq!(err(&nameless, &b, &o), AgreementError::MissingCoder);
    let again = coding("Ana", b.annotations.clone());
    assert_eq!(err(&a, &again, &o), AgreementError::SameCoder("Ana".into()));
    let empty = coding("Ben", vec![]);
    let e = err(&a, &empty, &o);
    assert_eq!(
        e.to_string(),
        "Ben has no moments on clip, so there is nothing to compare."
    );

    for threshold in [0.5, 1.01, f64::NAN, -1.0] {
        let o = Options { threshold, ..o };
        assert!(matches!(err(&a, &b, &o), AgreementError::Threshold(_)));
    }
    for bound in [0.51, 1.0] {
        let o = Options {
            threshold: bound,
            ..o
        };
        assert!(compare("clip", &a, &b, &o).is_ok());
    }
    // A threshold only matters to the event-based method.
    let o2 = Options {
        method: Method::TimeSlice,
        threshold: 2.0,
        ..o
    };
    assert!(compare("clip", &a, &b, &o2).is_ok());

    for interval_s in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let o = Options { interval_s, ..o };
        assert!(matches!(err(&a, &b, &o), AgreementError::Interval(_)));
    }
    let o = Options {
        interval_s: 1e-9,
        ..o
    };
    assert!(matches!(
        err(&a, &b, &o),
        AgreementError::TooManySlices { .. }
    ));

    let mut backwards = a.clone();
    backwards.annotations[1].stop_ms = backwards.annotations[1].start_ms;
    assert_eq!(
        err(&backwards, &b, &Options::default()),
        AgreementError::MomentTimes {
            coder: "Ana".into(),
            moment: 2
        }
    );

    assert_eq!("both".parse::<Method>(), Ok(Method::Both));
    assert_eq!("time-slice".parse::<Method>(), Ok(Method::TimeSlice));
    assert_eq!(
        "modified-kappa".parse::<Method>(),
        Ok(Method::ModifiedKappa)
    );
    assert!("kappa".parse::<Method>().is_err());

    // Every message is one line.
    let all = [
        AgreementError::MissingCoder,
        AgreementError::SameCoder("Ana".into()),
        AgreementError::Threshold(f64::NAN),
        AgreementError::Threshold(0.5),
        AgreementError::Interval(0.0),
        AgreementError::TooManySlices {
            interval_s: 1e-9,
            limit: 10,
        },
        AgreementError::UnknownMethod("x".into()),
    ];
    for e in all {
        let text = e.to_string();
        assert!(!text.contains('\n') && !text.is_empty(), "{text}");
    }
    assert_eq!(
        AgreementError::Threshold(0.5).to_string(),
        "The overlap must be between 51 % and 100 % of the longer moment; 50 % was given."
    );
}

// ---- time slice, checked by hand against BORIS's irr.cohen_kappa ----

#[test]
fn time_slice_spans_include_both_edges() {
    // Slices at 0, 1, 2 s. Ana: A A A. Ben: A A nothing (2 > 1).
    // Table: (A,A)=2, (A,∅)=1. N=3, agree 2, Σ row×col/N = 3×2/3 = 2,
    // K = (2-2)/(3-2) = 0.
    let a = coding("Ana", vec![ann(1, "A", 0, 2000)]);
    let b = coding("Ben", vec![ann(2, "A", 0, 1000)]);
    let ts = slices(&a, &b, 1.0);
    assert_eq!(ts.slices, 3);
    assert_eq!(ts.kappa, 0.0);
    assert_eq!(format!("{:.2}", ts.percent_agreement), "66.67");
}

#[test]
fn time_slice_points_are_seen_within_half_an_interval() {
    // Both: state S 0–3 s. Ana: point P at 1.5 s (|1.5-1| = |1.5-2| = 0.5, seen
    // at 1 and 2). Ben: point P at 2.0 s (seen at 2 only).
    // Ana: S, PS, PS, S. Ben: S, S, PS, S. Agree 3 of 4.
    // Rows S 2, PS 2; columns S 3, PS 1: Σ = 2×3/4 + 2×1/4 = 2; K = 1/2.
    let a = coding("Ana", vec![ann(1, "S", 0, 3000), point(2, "P", 1500)]);
    let b = coding("Ben", vec![ann(3, "S", 0, 3000), point(4, "P", 2000)]);
    let ts = slices(&a, &b, 1.0);
    assert_eq!(ts.slices, 4);
    assert_eq!(ts.kappa, 0.5);
    assert_eq!(ts.percent_agreement, 75.0);
}

#[test]
fn time_slice_labels_carry_the_participant_but_nothing_is_shared() {
    // Slices 0, 1, 2. Parent: A/A ×3. Infant: A/A ×2, A/nothing ×1.
    // Labels parent:A, infant:A, ∅. N 6, agree 5. Rows pA 3, iA 3; columns
    // pA 3, iA 2, ∅ 1: Σ = 9/6 + 6/6 = 2.5; K = 2.5/3.5 = 0.714.
    // (Without the participant in the label K would be 0.)
    let a = coding(
        "Ana",
        vec![
            of("parent", ann(1, "A", 0, 2000)),
            of("infant", ann(2, "A", 0, 2000)),
        ],
    );
    let b = coding(
        "Ben",
        vec![
            of("parent", ann(3, "A", 0, 2000)),
            of("infant", ann(4, "A", 0, 1000)),
        ],
    );
    let ts = slices(&a, &b, 1.0);
    assert_eq!((ts.slices, ts.participants), (3, 2));
    assert_eq!(ts.kappa, 0.714);

    // "Nothing" is one label for every participant, "no focal subject"
    // included: Ana codes the parent at 0–1, Ben no one in particular at 1–2.
    // Slices 0, 1, 2 × {none, parent}:
    // none: ∅/∅, ∅/nB, ∅/nB. parent: pA/∅, pA/∅, ∅/∅.
    // Agree 2 of 6. Rows ∅ 4, pA 2; columns ∅ 4, nB 2: Σ = 16/6; K = (2 - 16/6)/(6 - 16/6) = -0.2.
    let a = coding("Ana", vec![of("parent", ann(1, "A", 0, 1000))]);
    let b = coding("Ben", vec![ann(2, "B", 1000, 2000)]);
    let ts = slices(&a, &b, 1.0);
    assert_eq!((ts.slices, ts.participants), (3, 2));
    assert_eq!(ts.kappa, -0.2);
}

#[test]
fn time_slice_clock_is_decimal_as_in_boris() {
    // Slices every 0.1 s from 0 to 0.5. Ana: A 0–0.3 s, so the slice at 0.3
    // (decimal 0.3, read as the float 0.3) sees it; adding 0.1 three times in
    // floats (0.30000000000000004) would not.
    // Ana: A A A A ∅ ∅. Ben: A A A ∅ B B. Agree 3 of 6. Rows A 4, ∅ 2;
    // columns A 3, ∅ 1, B 2: Σ = 12/6 + 2/6; K = (3 - 7/3)/(6 - 7/3) = 0.182.
    let a = coding("Ana", vec![ann(1, "A", 0, 300)]);
    let b = coding("Ben", vec![ann(2, "A", 0, 200), ann(3, "B", 400, 500)]);
    let ts = slices(&a, &b, 0.1);
    assert_eq!(ts.slices, 6);
    assert_eq!(ts.kappa, 0.182);
    assert_eq!(ts.percent_agreement, 50.0);
}

#[test]
fn time_slice_last_slice_is_compared_exactly_with_the_last_end() {
    // BORIS compares Decimal("7.1") with the float 7.1 (just below 7.1): the
    // slice at 7.1 is not taken. The float 7.2 is just above 7.2: it is.
    let a = coding("Ana", vec![ann(1, "A", 100, 7100)]);
    let b = coding("Ben", vec![ann(2, "A", 100, 7100)]);
    assert_eq!(slices(&a, &b, 1.0).slices, 7);
    let a = coding("Ana", vec![ann(1, "A", 200, 7200)]);
    let b = coding("Ben", vec![ann(2, "A", 200, 7200)]);
    assert_eq!(slices(&a, &b, 1.0).slices, 8);
}

#[test]
fn time_slice_one_frame_moment_of_a_state_code_is_an_instant_state() {
    // Both: S 0–2 s. Ana's one-frame X at 1.2 s belongs to a code with longer
    // moments, so BORIS has a state from 1.2 to 1.2: no slice (0, 1, 2) sees it.
    // Ben's is a point event: seen at 1 (|1.2 - 1| <= 0.5).
    // Ana: S S S. Ben: S SX S. Rows S 3; columns S 2, SX 1: Σ = 2; K = 0.
    let mut x = point(2, "X", 1200);
    x.point = false;
    let a = coding("Ana", vec![ann(1, "S", 0, 2000), x]);
    let b = coding("Ben", vec![ann(3, "S", 0, 2000), point(4, "X", 1200)]);
    let ts = slices(&a, &b, 1.0);
    assert_eq!(ts.kappa, 0.0);
    assert_eq!(format!("{:.2}", ts.percent_agreement), "66.67");
}

#[test]
fn time_slice_kappa_is_one_when_boris_denominator_is_zero() {
    let a = coding("Ana", vec![ann(1, "A", 0, 5000)]);
    let b = coding("Ben", vec![ann(2, "A", 0, 5000)]);
    let ts = slices(&a, &b, 1.0);
    assert_eq!((ts.kappa, ts.percent_agreement, ts.slices), (1.0, 100.0, 6));
}

#[test]
fn rounding_is_pythons_round_to_three_decimals() {
    // round(0.0625, 3) == 0.062 (a true tie, to even); 0.1235 and 0.1245
    // are stored just below, 0.0005 just above.
    assert_eq!(round3(0.0625), 0.062);
    assert_eq!(round3(0.1235), 0.123);
    assert_eq!(round3(0.1245), 0.124);
    assert_eq!(round3(0.0005), 0.001);
    assert_eq!(round3(-0.0625), -0.062);
    assert_eq!(round3(2.0 / 3.0), 0.667);
    assert_eq!(round3(1.0), 1.0);
}

#[test]
fn decimal_clock_reads_as_python_does() {
    let d = |x: f64| Decimal::shortest(x).unwrap();
    assert_eq!(d(0.1).to_f64(), 0.1);
    assert_eq!(d(0.1).plus_times(2, d(0.1)).unwrap().to_f64(), 0.3);
    assert_eq!(d(1234.5).plus_times(3, d(0.25)).unwrap().to_f64(), 1235.25);
    assert_eq!(d(1.0).half().unwrap().to_f64(), 0.5);
    // Decimal("0.1") < 0.1 (float is above); Decimal("0.3") > 0.3 (below).
    assert!(d(0.1).at_most(0.1));
    assert!(!d(0.3).at_most(0.3));
    assert!(d(0.3).at_most(0.30000000000000004));
    assert!(d(7.2).at_most(7.2));
    assert!(!d(7.1).at_most(7.1));
    assert!(d(0.0).at_most(0.0));
    assert!(!d(1.0).at_most(0.5));
    assert!(d(1e20).at_most(1e20 + 1e5));
    assert!(Decimal::shortest(f64::NAN).is_none());
}

#[test]
fn report_shows_the_figures_and_nothing_else() {
    let (a, b) = worked_example();
    let r = compare("Session <3> & \"home\"", &a, &b, &options(Method::Both)).unwrap();
    let meta = ReportMeta {
        date: "2025-03-04".into(),
        code_names: [("A".to_owned(), "Attunement".to_owned())].into(),
    };
    let html = html_report(&r, &meta);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("Session &lt;3&gt; &amp; &quot;home&quot;"));
    assert!(html.contains("<th>Attunement</th>"));
    assert!(html.contains("2025-03-04"));
    assert!(html.contains("0.1652") && html.contains("0.6970") && html.contains("0.4000"));
    assert!(html.contains("60 %"));
    for outside in [
        "<script", "href", "src=", "url(", "http", "@import", "<link", "<img",
    ] {
        assert!(!html.contains(outside), "{outside}");
    }
}

// ---- properties ----

const CODES: [&str; 3] = ["A", "B", "C"];
const PEOPLE: [Option<&str>; 3] = [None, Some("parent"), Some("infant")];

/// Moments on a 25 fps clip; a one-frame moment may be a point; some moments
/// carry a second code.
fn arb_coding(coder: &'static str) -> impl Strategy<Value = Coding> {
    let moment = (
        0..3usize,
        0u32..150,
        1u32..40,
        0..3usize,
        any::<bool>(),
        prop::option::of(0..3usize),
    );
    prop::collection::vec(moment, 1..10).prop_map(move |moments| {
        let mut annotations = Vec::new();
        for (id, (code, start, frames, person, point, extra)) in moments.into_iter().enumerate() {
            let end = start + frames - 1;
            let mut codes = vec![CODES[code]];
            if let Some(extra) = extra.filter(|&e| e != code) {
                codes.push(CODES[extra]);
            }
            for value in codes {
                annotations.push(Annotation {
                    moment: id as u64,
                    value: value.to_owned(),
                    participant: PEOPLE[person].map(str::to_owned),
                    start_frame: start,
                    end_frame: end,
                    start_ms: f64::from(start * 40),
                    stop_ms: f64::from((end + 1) * 40),
                    point: point && frames == 1,
                });
            }
        }
        coding(coder, annotations)
    })
}

fn arb_options() -> impl Strategy<Value = Options> {
    (
        51u32..=100,
        prop::sample::select(vec![0.04, 0.1, 0.25, 0.5, 1.0, 1.5]),
    )
        .prop_map(|(percent, interval_s)| Options {
            method: Method::Both,
            threshold: f64::from(percent) / 100.0,
            interval_s,
        })
}

fn no_nulls(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => false,
        serde_json::Value::Array(items) => items.iter().all(no_nulls),
        serde_json::Value::Object(map) => map.values().all(no_nulls),
        serde_json::Value::Number(n) => n.as_f64().is_some_and(f64::is_finite),
        _ => true,
    }
}

proptest! {
    #[test]
    fn a_coding_agrees_with_itself(a in arb_coding("Ana"), o in arb_options()) {
        let mut b = a.clone();
        b.coder = "Ben".into();
        let r = compare("clip", &a, &b, &o).unwrap();
        let mk = r.modified_kappa.unwrap();
        prop_assert_eq!(mk.raw_agreement, 1.0);
        prop_assert_eq!(mk.kappa_ipf, 1.0);
        prop_assert_eq!(mk.excluding_unmatched.kappa, 1.0);
        prop_assert!(mk.unmatched.is_empty());
        for code in mk.per_value.values() {
            prop_assert_eq!(code.kappa, 1.0);
        }
        let ts = r.time_slice.unwrap();
        prop_assert_eq!(ts.kappa, 1.0);
        prop_assert_eq!(ts.percent_agreement, 100.0);
    }

    #[test]
    fn swapping_coders_changes_no_agreement(
        a in arb_coding("Ana"), b in arb_coding("Ben"), o in arb_options()
    ) {
        let ab = compare("clip", &a, &b, &o).unwrap();
        let ba = compare("clip", &b, &a, &o).unwrap();
        let (x, y) = (ab.modified_kappa.unwrap(), ba.modified_kappa.unwrap());
        prop_assert_eq!(x.raw_agreement, y.raw_agreement);
        prop_assert_eq!(&x.excluding_unmatched, &y.excluding_unmatched);
        prop_assert_eq!(&x.per_value, &y.per_value);
        prop_assert_eq!(x.kappa_max, y.kappa_max);
        // ELAN's fit runs 20 rounds rows first, so the swapped (transposed)
        // table is fitted from the other side and has not always settled:
        // kappa_ipf can move in the fourth decimal (at most 7e-4 over 200 000
        // random codings), never more.
        prop_assert!((x.kappa_ipf - y.kappa_ipf).abs() < 1e-3, "{} {}", x.kappa_ipf, y.kappa_ipf);
        prop_assert_eq!(ab.time_slice, ba.time_slice);
    }

    #[test]
    fn every_figure_is_a_number(a in arb_coding("Ana"), b in arb_coding("Ben"), o in arb_options()) {
        let r = compare("clip", &a, &b, &o).unwrap();
        let v = serde_json::to_value(&r).unwrap();
        prop_assert!(no_nulls(&v), "{v}");
        let mk = r.modified_kappa.unwrap();
        let mut figures = vec![
            mk.raw_agreement, mk.kappa_ipf, mk.kappa_max,
            mk.excluding_unmatched.raw_agreement, mk.excluding_unmatched.kappa,
            mk.excluding_unmatched.kappa_max,
        ];
        for c in mk.per_value.values() {
            figures.extend([c.kappa, c.kappa_max, c.raw_agreement]);
        }
        let ts = r.time_slice.unwrap();
        figures.extend([ts.kappa, ts.percent_agreement]);
        for f in figures {
            prop_assert!(f.is_finite());
        }
    }

    #[test]
    fn the_report_holds_only_what_it_was_given(
        clip in "[ÆØÅ<>&\"' ]{1,12}",
        first in "[æøå<&]{1,8}",
        second in "[ÆÅ>']{1,8}",
        date in "[åø0-9-]{1,10}",
        names in prop::collection::vec("[Øæ<>&]{1,6}", 3),
    ) {
        let (mut a, mut b) = worked_example();
        a.coder = first;
        b.coder = second;
        prop_assume!(a.coder != b.coder);
        let r = compare(&clip, &a, &b, &Options::default()).unwrap();
        let meta = ReportMeta {
            date,
            code_names: CODES.iter().map(|c| c.to_string()).zip(names).collect(),
        };
        let html = html_report(&r, &meta);
        let given: Vec<&str> = [clip.as_str(), &r.coders[0], &r.coders[1], &meta.date]
            .into_iter()
            .chain(meta.code_names.values().map(String::as_str))
            .collect();
        // No given '<' reaches the page unescaped: every '<' opens a tag.
        for (i, _) in html.match_indices('<') {
            let next = html[i + 1..].chars().next().unwrap_or(' ');
            prop_assert!(next.is_ascii_alphabetic() || next == '/' || next == '!', "{html}");
        }
        // Every run of the given alphabet in the page's text is part of a
        // given string: the template adds none and leaks nothing else.
        let text = visible_text(&html);
        for run in text.split(|c: char| !"ÆØÅæøå".contains(c)).filter(|r| !r.is_empty()) {
            prop_assert!(given.iter().any(|g| g.contains(run)), "{run:?} not given");
        }
    }
}

/// The page's text: tags dropped, entities read back.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
