//! The agreement report for a supervision record: one self-contained HTML
//! page (inline CSS, no scripts, no links, nothing fetched), printable on A4.
//!
//! It shows only what it is given: the clip's name, the coders, the date, the
//! method and its parameters, and the figures. An [`Agreement`] holds no
//! notes and no file paths, so the page cannot carry them; every given
//! string is HTML-escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Agreement, ModifiedKappa, TimeSlice, UNMATCHED};

/// What the report needs besides the figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportMeta {
    /// When the agreement was computed, as the caller wants it shown.
    pub date: String,
    /// Code value → name to show (a code without an entry shows its value).
    pub code_names: BTreeMap<String, String>,
}

const STYLE: &str = "\
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'Helvetica Neue', Arial, sans-serif; font-size: 10.5pt; color: #111; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2mm; }
table { border-collapse: collapse; margin: 0 0 3mm; break-inside: avoid; }
th, td { border: 0.3mm solid #999; padding: 1mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.same { font-weight: 700; }
.note { color: #444; font-size: 9pt; }
";

/// The page.
pub fn html_report(agreement: &Agreement, meta: &ReportMeta) -> String {
    let mut html = String::new();
    let clip = escape(&agreement.clip);
    let [first, second] = &agreement.coders;
    let (first, second) = (escape(first), escape(second));
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(html, "<title>Inter-rater agreement: {clip}</title>");
    let _ = writeln!(html, "<style>\n{STYLE}</style>\n</head>\n<body>");
    html.push_str("<h1>Inter-rater agreement</h1>\n<table>\n");
    let _ = writeln!(html, "<tr><th>Clip</th><td>{clip}</td></tr>");
    let _ = writeln!(html, "<tr><th>First coder</th><td>{first}</td></tr>");
    let _ = writeln!(html, "<tr><th>Second coder</th><td>{second}</td></tr>");
    let _ = writeln!(
        html,
        "<tr><th>Date</th><td>{}</td></tr>",
        escape(&meta.date)
    );
    html.push_str("<tr><th>Method</th><td>");
    let mut methods = Vec::new();
    if let Some(mk) = &agreement.modified_kappa {
        methods.push(format!(
            "Event-based modified kappa (Holle &amp; Rein, as ELAN computes it), \
             moments matched at {} overlap or more",
            percent(mk.threshold)
        ));
    }
    if let Some(ts) = &agreement.time_slice {
        methods.push(format!(
            "Time-slice Cohen&#39;s kappa (as BORIS computes it), one slice every {} s",
            seconds(ts.interval_s)
        ));
    }
    html.push_str(&methods.join("<br>\n"));
    html.push_str("</td></tr>\n</table>\n");

    if let Some(mk) = &agreement.modified_kappa {
        modified_kappa(&mut html, mk, &first, &second, meta);
    }
    if let Some(ts) = &agreement.time_slice {
        time_slice(&mut html, ts);
    }
    html.push_str("</body>\n</html>\n");
    html
}

fn modified_kappa(
    html: &mut String,
    mk: &ModifiedKappa,
    first: &str,
    second: &str,
    meta: &ReportMeta,
) {
    let label = |value: &str| escape(meta.code_names.get(value).map_or(value, String::as_str));
    html.push_str("<h2>Event-based agreement</h2>\n");
    let _ = writeln!(
        html,
        "<p>{} moments matched; {} seen by one coder only.</p>",
        mk.pairs.len(),
        mk.unmatched.len()
    );
    html.push_str(
        "<table>\n<tr><th></th><th>Raw agreement</th><th>Kappa</th><th>Kappa max</th></tr>\n",
    );
    let _ = writeln!(
        html,
        "<tr><th>Including moments seen by one coder</th>{}{}{}</tr>",
        number(mk.raw_agreement),
        number(mk.kappa_ipf),
        number(mk.kappa_max)
    );
    let ex = &mk.excluding_unmatched;
    let _ = writeln!(
        html,
        "<tr><th>Matched moments only</th>{}{}{}</tr>\n</table>",
        number(ex.raw_agreement),
        number(ex.kappa),
        number(ex.kappa_max)
    );
    html.push_str(
        "<p class=\"note\">Including moments seen by one coder, kappa takes chance agreement \
         from an iterative proportional fit (Holle &amp; Rein); matched moments only, it is \
         Cohen&#39;s kappa. Matched moments count twice, as in ELAN.</p>\n",
    );

    let _ = writeln!(
        html,
        "<h2>Matrix</h2>\n<p>Rows: {first}. Columns: {second}.</p>\n<table>"
    );
    let values = &mk.matrix.values;
    let unmatched_at = values.len().saturating_sub(1);
    let name = |i: usize| {
        if i == unmatched_at {
            UNMATCHED.to_owned()
        } else {
            label(&values[i])
        }
    };
    html.push_str("<tr><th></th>");
    for j in 0..values.len() {
        let _ = write!(html, "<th>{}</th>", name(j));
    }
    html.push_str("</tr>\n");
    for (i, row) in mk.matrix.rows.iter().enumerate() {
        let _ = write!(html, "<tr><th>{}</th>", name(i));
        for (j, cell) in row.iter().enumerate() {
            let class = if i == j && i != unmatched_at {
                "n same"
            } else {
                "n"
            };
            let _ = write!(html, "<td class=\"{class}\">{cell}</td>");
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");

    html.push_str(
        "<h2>Per code</h2>\n<table>\n<tr><th>Code</th><th>Kappa</th><th>Kappa max</th>\
         <th>Raw agreement</th></tr>\n",
    );
    for (value, code) in &mk.per_value {
        let _ = writeln!(
            html,
            "<tr><th>{}</th>{}{}{}</tr>",
            label(value),
            number(code.kappa),
            number(code.kappa_max),
            number(code.raw_agreement)
        );
    }
    html.push_str(
        "</table>\n<p class=\"note\">Each code against all other codes and moments seen by one \
         coder.</p>\n",
    );
}

fn time_slice(html: &mut String, ts: &TimeSlice) {
    html.push_str("<h2>Time-slice agreement</h2>\n<table>\n");
    let _ = writeln!(
        html,
        "<tr><th>Kappa</th><td class=\"n\">{:.3}</td></tr>",
        ts.kappa
    );
    let _ = writeln!(
        html,
        "<tr><th>Agreement</th><td class=\"n\">{:.1} %</td></tr>",
        ts.percent_agreement
    );
    let _ = writeln!(
        html,
        "<tr><th>Slices</th><td class=\"n\">{} every {} s, for {} participant(s)</td></tr>",
        ts.slices,
        seconds(ts.interval_s),
        ts.participants
    );
    html.push_str(
        "</table>\n<p class=\"note\">At each slice, the codes running for each participant \
         are compared; kappa is rounded to three decimals, as BORIS rounds it.</p>\n",
    );
}

fn number(x: f64) -> String {
    format!("<td class=\"n\">{x:.4}</td>")
}

/// 0.6 → "60 %", 0.655 → "65.5 %".
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

fn seconds(s: f64) -> String {
    format!("{s:?}")
}

/// Text as HTML text or attribute value.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
