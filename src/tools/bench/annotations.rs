//! `attune bench annotations`: how long bringing a large coding in takes,
//! per format. A synthetic project's moments are written in each format
//! (as the export does), then read and planned into a project holding the
//! same clip but no moments (as the import does): the figure the issue's
//! "10,000 annotations well under a second" is about.

use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;

use super::{Percentiles, print_json};
use crate::interchange::formats::{self, Format, WriteOptions};
use crate::interchange::{ByRate, ExportScope, ImportTarget, plan_import};

#[derive(Debug, Clone, clap::Args)]
pub struct BenchAnnotationsArgs {
    /// How many moments the coding holds.
    #[arg(long, default_value_t = 10_000)]
    pub moments: u32,
    /// Timed runs per format (the first, untimed, warms the allocator).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct FormatReport {
    format: &'static str,
    bytes: usize,
    spans: usize,
    moments: usize,
    /// Text → the shared form.
    read_ms: Percentiles,
    /// The shared form → the import plan (frames, codes, codebooks).
    plan_ms: Percentiles,
    /// Both: what a person waits for before the preview.
    total_ms: Percentiles,
}

pub(crate) fn run(args: &BenchAnnotationsArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.moments > 0, "--moments must be at least 1");
    anyhow::ensure!(args.runs > 0, "--runs must be at least 1");
    // An hour at 30 fps holds every synthetic moment.
    let source = super::ui::synthetic_project(args.moments, 108_000)?;
    let mut target = source.clone();
    target.moments.clear();
    let scope = ExportScope {
        clip: Some(source.clips[0].id),
        coder: None,
        with_notes: true,
    };
    let name = |clip: &crate::model::Clip| clip.path.clone();
    let mut reports = Vec::new();
    for format in Format::WRITABLE {
        let (bytes, _) = formats::write(
            format,
            &source,
            &scope,
            &ByRate,
            &name,
            WriteOptions::default(),
        )
        .map_err(anyhow::Error::msg)?;
        let text = String::from_utf8(bytes).context("an export that is not UTF-8")?;
        let file = Path::new("bench").with_extension(format.name());
        let (mut read_ms, mut plan_ms, mut total_ms) = (Vec::new(), Vec::new(), Vec::new());
        let (mut spans, mut moments) = (0, 0);
        for run in 0..=args.runs {
            let t0 = Instant::now();
            let read = formats::read(format, &text, &file).map_err(anyhow::Error::msg)?;
            let t1 = Instant::now();
            let import = ImportTarget {
                clip: Some(target.clips[0].id),
                coder: None,
                now: source.created,
            };
            let plan = plan_import(&target, &read.annotations, &import, &ByRate)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let t2 = Instant::now();
            spans = read.annotations.spans.len();
            moments = plan.moment_count();
            if run > 0 {
                read_ms.push(ms(t1 - t0));
                plan_ms.push(ms(t2 - t1));
                total_ms.push(ms(t2 - t0));
            }
        }
        reports.push(FormatReport {
            format: format.name(),
            bytes: text.len(),
            spans,
            moments,
            read_ms: Percentiles::of(&read_ms),
            plan_ms: Percentiles::of(&plan_ms),
            total_ms: Percentiles::of(&total_ms),
        });
    }
    if args.json {
        return print_json(&reports, true);
    }
    println!(
        "{:<8} {:>10} {:>7} {:>8} {:>10} {:>10} {:>10}",
        "format", "bytes", "spans", "moments", "read p50", "plan p50", "total p95"
    );
    for r in &reports {
        println!(
            "{:<8} {:>10} {:>7} {:>8} {:>8.1}ms {:>8.1}ms {:>8.1}ms",
            r.format, r.bytes, r.spans, r.moments, r.read_ms.p50, r.plan_ms.p50, r.total_ms.p95
        );
    }
    Ok(())
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
