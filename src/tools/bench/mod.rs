//! `attune bench …`: measurements of the engine, the overview worker and
//! the UI through the library's public API. A tool, not a layer: nothing
//! in the library imports it.

pub(crate) mod annotations;
pub(crate) mod engine;
pub(crate) mod ui;

use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, clap::Subcommand)]
pub enum BenchCommand {
    /// Step and seek latency, frame exactness, open time, peak memory.
    Step(BenchStepArgs),
    /// Real-time 1x playback: frames presented, late, dropped.
    Playback(BenchPlaybackArgs),
    /// Timeline overview: time to the waveform and the filmstrip, uncached.
    #[command(hide = true)]
    Overview(BenchOverviewArgs),
    /// The UI on a large synthetic project: timeline drawing, the moment
    /// filter, project save and load.
    Ui(ui::BenchUiArgs),
    /// Importing a large coding: read and plan per format (ELAN, BORIS,
    /// CSV), from files the export wrote.
    Annotations(annotations::BenchAnnotationsArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct BenchOverviewArgs {
    pub file: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct BenchStepArgs {
    pub file: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Display box frames are scaled to fit (a viewer panel), WxH.
    #[arg(long, default_value = "960x540", value_parser = parse_size)]
    pub display: (u32, u32),
    /// Pause after each repositioning before measuring, as a user looks at
    /// the frame before pressing a key (ms).
    #[arg(long, default_value_t = 500)]
    pub settle_ms: u64,
    /// Seed for the random seek targets.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Frame cache budget in MB.
    #[arg(long, default_value_t = 512)]
    pub cache_mb: usize,
}

#[derive(Debug, Clone, clap::Args)]
pub struct BenchPlaybackArgs {
    pub file: PathBuf,
    #[arg(long, default_value_t = 30.0)]
    pub seconds: f64,
    #[arg(long)]
    pub json: bool,
    #[arg(long, default_value = "960x540", value_parser = parse_size)]
    pub display: (u32, u32),
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s.split_once('x').ok_or("expected WxH")?;
    Ok((
        w.trim().parse().map_err(|_| "bad width")?,
        h.trim().parse().map_err(|_| "bad height")?,
    ))
}

pub(crate) fn run(cmd: &BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Step(a) => engine::run_step(a),
        BenchCommand::Playback(a) => engine::run_playback(a),
        BenchCommand::Overview(a) => engine::run_overview(a),
        BenchCommand::Ui(a) => ui::run(a),
        BenchCommand::Annotations(a) => annotations::run(a),
    }
}

#[derive(Debug, Clone, Copy, Serialize, Default)]
pub(crate) struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

impl Percentiles {
    pub(crate) fn of(samples: &[f64]) -> Self {
        if samples.is_empty() {
            return Percentiles::default();
        }
        let mut v = samples.to_vec();
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        let r = |x: f64| (x * 1000.0).round() / 1000.0;
        Percentiles {
            p50: r(at(0.5)),
            p95: r(at(0.95)),
            max: r(at(1.0)),
        }
    }
}

/// Prints a report as one line of JSON (`--json`) or pretty JSON.
pub(crate) fn print_json(report: &impl Serialize, one_line: bool) -> anyhow::Result<()> {
    let text = if one_line {
        serde_json::to_string(report)?
    } else {
        serde_json::to_string_pretty(report)?
    };
    println!("{text}");
    Ok(())
}

/// Peak resident set size (VmHWM) in MB.
pub(crate) fn peak_rss_mb() -> f64 {
    proc_status_kb("VmHWM:").map_or(0.0, |kb| (kb as f64 / 1024.0 * 10.0).round() / 10.0)
}

fn proc_status_kb(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
