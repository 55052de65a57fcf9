//! `attune agreement PROJECT --clip NAME --coders A,B [--codebook ID]
//! [--method modified-kappa|time-slice|both] [--overlap 0.6]
//! [--interval 1.0] [--json] [--report FILE.html]`: how far two coders'
//! codings of one clip agree, as ELAN (modified kappa) and BORIS (time-slice
//! kappa) compute it. Only reads the project; the report is written through
//! the output guard.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};

use crate::agreement::{self, Agreement, Method, Options, report};
use crate::export::ProjectTimes;
use crate::files::AtomicFile;
use crate::model::{ClipId, Project};
use crate::store;

#[derive(Debug, clap::Args)]
pub struct AgreementArgs {
    pub project: PathBuf,
    /// The clip, by name or number (may be left out when the project has one).
    #[arg(long)]
    pub clip: Option<String>,
    /// The two coders, "A,B" (may be left out when the clip has exactly two).
    #[arg(long)]
    pub coders: Option<String>,
    /// Compare only this codebook's codes.
    #[arg(long)]
    pub codebook: Option<String>,
    /// modified-kappa (ELAN), time-slice (BORIS) or both.
    #[arg(long, default_value = "both")]
    pub method: String,
    /// How much two moments must overlap to be paired, as a share of the
    /// longer one: 0.51 to 1.0 (or 51 to 100, as a percentage).
    #[arg(long, default_value_t = 0.6, allow_negative_numbers = true)]
    pub overlap: f64,
    /// Seconds between time slices.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub interval: f64,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write a printable HTML report (no notes, no file paths).
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Replace an existing report file that Attune did not write.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: &AgreementArgs) -> anyhow::Result<i32> {
    let method: Method = args.method.parse()?;
    // 60 means 60 %; a share is at most 1.
    let threshold = if args.overlap > 1.0 {
        args.overlap / 100.0
    } else {
        args.overlap
    };
    let options = Options {
        method,
        threshold,
        interval_s: args.interval,
    };
    let loaded = store::load(&args.project)?;
    let project = &loaded.project;
    let clip = which_clip(project, args.clip.as_deref())?;
    let clip_name = project.clip(clip).map_or("", |c| c.name.as_str());
    let coders = which_coders(project, clip, args.coders.as_deref())?;
    let times = ProjectTimes::open(&args.project, project, Some(clip));
    super::annotations::warn_timed_by_rate(project, &times);
    let codings = agreement::codings::codings(
        project,
        clip,
        [&coders[0], &coders[1]],
        args.codebook.as_deref(),
        &times,
    )?;
    let result = agreement::compare(clip_name, &codings.a, &codings.b, &options)?;
    log::info!(
        "agreement computed: {} and {} annotation(s), {} uncoded moment(s) left out",
        codings.a.annotations.len(),
        codings.b.annotations.len(),
        codings.uncoded
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print!("{}", text(&result, &codings.code_names));
    }
    if codings.uncoded > 0 {
        eprintln!(
            "attune: {} moment(s) without a code were left out",
            codings.uncoded
        );
    }
    if let Some(out) = &args.report {
        let guard = store::output_guard(&args.project, project, super::overwrite(args.force));
        guard.check(out)?;
        let meta = report::ReportMeta {
            date: chrono::Local::now().format("%-d %B %Y, %H:%M").to_string(),
            code_names: codings.code_names.clone(),
        };
        let html = report::html_report(&result, &meta);
        let mut file = AtomicFile::create(out)?;
        file.write_all(html.as_bytes())?;
        file.commit()?;
        eprintln!("{}: agreement report written", out.display());
    }
    Ok(0)
}

/// The named clip, or the project's only one.
fn which_clip(project: &Project, wanted: Option<&str>) -> anyhow::Result<ClipId> {
    match (wanted, project.clips.as_slice()) {
        (Some(name), _) => super::annotations::find_clip(project, name),
        (None, [only]) => Ok(only.id),
        (None, []) => bail!("the project has no clips"),
        (None, _) => bail!("the project has several clips; choose one with --clip"),
    }
}

/// `--coders A,B`, or the clip's two coders when it has exactly two.
fn which_coders(
    project: &Project,
    clip: ClipId,
    wanted: Option<&str>,
) -> anyhow::Result<[String; 2]> {
    let on_clip = project.coders_on(clip);
    let clip_name = project.clip(clip).map_or("", |c| c.name.as_str());
    let listed = || {
        if on_clip.is_empty() {
            "none".to_owned()
        } else {
            on_clip.join(", ")
        }
    };
    let chosen: anyhow::Result<[String; 2]> = match wanted {
        Some(list) => {
            let names: Vec<&str> = list.split(',').map(str::trim).collect();
            let [a, b] = names.as_slice() else {
                bail!(
                    "--coders takes two names, \"A,B\"; coders on clip \"{clip_name}\": {}",
                    listed()
                );
            };
            for name in [a, b] {
                if !on_clip.contains(name) {
                    bail!(
                        "{name} has no moments on clip \"{clip_name}\" (coders there: {})",
                        listed()
                    );
                }
            }
            Ok([(*a).to_owned(), (*b).to_owned()])
        }
        None => match on_clip.as_slice() {
            [a, b] => Ok([(*a).to_owned(), (*b).to_owned()]),
            [] | [_] => bail!(
                "agreement needs two coders on clip \"{clip_name}\"; it has {}",
                listed()
            ),
            _ => bail!(
                "clip \"{clip_name}\" has {} coders; choose two with --coders A,B ({})",
                on_clip.len(),
                listed()
            ),
        },
    };
    chosen.context("cannot compare")
}

/// The figures for a person: both methods, the matrix and the per-code table.
fn text(r: &Agreement, names: &std::collections::BTreeMap<String, String>) -> String {
    let name = |v: &str| names.get(v).map_or(v, String::as_str).to_owned();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "clip \"{}\": {} and {}",
        r.clip, r.coders[0], r.coders[1]
    );
    if let Some(m) = &r.modified_kappa {
        let _ = writeln!(
            out,
            "\nmodified kappa (ELAN), overlap at least {:.0} %",
            m.threshold * 100.0
        );
        let _ = writeln!(
            out,
            "  including unmatched: raw agreement {:.4}, kappa {:.4}, kappa max {:.4}",
            m.raw_agreement, m.kappa_ipf, m.kappa_max
        );
        let e = &m.excluding_unmatched;
        let _ = writeln!(
            out,
            "  excluding unmatched: raw agreement {:.4}, kappa {:.4}, kappa max {:.4}",
            e.raw_agreement, e.kappa, e.kappa_max
        );
        let _ = writeln!(
            out,
            "  {} pair(s) matched, {} moment(s) seen by one coder only",
            m.pairs.len(),
            m.unmatched.len()
        );
        // Codes are numbered: the matrix's columns are the numbers, so long
        // code names never break the table.
        let labels: Vec<String> = m.matrix.values.iter().map(|v| name(v)).collect();
        let _ = writeln!(
            out,
            "\n  code                                        kappa    raw"
        );
        for (n, (value, label)) in m.matrix.values.iter().zip(&labels).enumerate() {
            match m.per_value.get(value) {
                Some(c) => {
                    let _ = writeln!(
                        out,
                        "  {:>2} {:<38.38} {:>7.4} {:>6.4}",
                        n + 1,
                        label,
                        c.kappa,
                        c.raw_agreement
                    );
                }
                None => {
                    let _ = writeln!(out, "  {:>2} {label}", n + 1);
                }
            }
        }
        let _ = writeln!(
            out,
            "\n  matrix: rows {}, columns {} (by number above)",
            r.coders[0], r.coders[1]
        );
        let _ = write!(out, "     ");
        for n in 1..=labels.len() {
            let _ = write!(out, " {n:>4}");
        }
        let _ = writeln!(out);
        for (n, row) in m.matrix.rows.iter().enumerate() {
            let _ = write!(out, "  {:>2} ", n + 1);
            for cell in row {
                let _ = write!(out, " {cell:>4}");
            }
            let _ = writeln!(out);
        }
    }
    if let Some(t) = &r.time_slice {
        let _ = writeln!(
            out,
            "\ntime-slice kappa (BORIS), every {} s: kappa {:.3}, agreement {:.1} %",
            t.interval_s, t.kappa, t.percent_agreement
        );
    }
    out
}
