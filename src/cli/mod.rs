//! The command line: `attune [PROJECT | CLIP]` opens the app; subcommands do
//! batch work, benchmarks and the checks tests rely on.

mod agreement;
mod annotations;
mod check;
mod export;
mod merge;
mod new;
mod probe;
mod stills;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "attune",
    version,
    about = "Frame-exact video micro-analysis and shared-review reels for parent-infant work",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A project (.attune.json) or a single clip to open in the app.
    pub path: Option<PathBuf>,
    /// How often unsaved work is written to the recovery file, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub autosave_seconds: u64,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a clip's media facts (frames, rate, size, rotation, codecs).
    Probe(probe::ProbeArgs),
    /// Load and validate a project and check its media; exit 0 only when all is well.
    Check(check::CheckArgs),
    /// Write one frame of a clip at full resolution through the playback engine.
    Frame(crate::tools::frame::FrameArgs),
    /// Measure the playback engine: stepping, seeking and playback.
    #[command(subcommand)]
    Bench(crate::tools::bench::BenchCommand),
    /// Render a reel to MP4 with WebVTT captions and chapters beside it.
    Export(export::ExportArgs),
    /// Write each reel item's still as PNG and a printable handout.html.
    Stills(stills::StillsArgs),
    /// Moments to and from ELAN, BORIS, CSV and subtitle files.
    #[command(subcommand)]
    Annotations(annotations::AnnotationsCommand),
    /// Create a project over clips (probed and fingerprinted; no consent recorded).
    New(new::NewArgs),
    /// Bring a colleague's coding of the same clips in from their project, as their pass.
    Merge(merge::MergeArgs),
    /// How far two coders agree on a clip: modified kappa (ELAN) and time-slice kappa (BORIS).
    Agreement(agreement::AgreementArgs),
    /// Tools for developers and tests.
    #[command(subcommand, hide = true)]
    Dev(crate::tools::dev::DevCommand),
}

/// `--force` in the guard's terms.
fn overwrite(force: bool) -> crate::files::Overwrite {
    if force {
        crate::files::Overwrite::Confirmed
    } else {
        crate::files::Overwrite::OnlyOurs
    }
}

/// Runs a subcommand; `Ok(code)` is the process exit code.
///
/// Commands that write files are stopped cleanly by SIGINT, SIGTERM and
/// SIGHUP: their unfinished files are removed and the exit code is 128 plus
/// the signal's number.
pub fn run(command: Command) -> anyhow::Result<i32> {
    if let Err(e) = crate::files::interrupt::install(std::time::Duration::ZERO, Box::new(|| ())) {
        // Without the handler a signal still stops us; only the clean-up of
        // temporary files waits for the next write to that folder.
        log::warn!("no signal handler: {:?}", e.kind());
        eprintln!("attune: cannot watch for Ctrl+C ({e}); an interrupted write is tidied up later");
    }
    let name = command.name();
    log::info!("command {name} started");
    let started = std::time::Instant::now();
    let result = run_command(command);
    let seconds = started.elapsed().as_secs_f64();
    match &result {
        Ok(code) => log::info!("command {name} ended with exit code {code} in {seconds:.2} s"),
        Err(err) => log::error!(
            "command {name} failed in {seconds:.2} s: {}",
            error_kinds(err)
        ),
    }
    result
}

fn run_command(command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Probe(args) => probe::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Frame(args) => crate::tools::frame::run(&args).map(|()| 0),
        Command::Bench(command) => crate::tools::bench::run(&command).map(|()| 0),
        Command::Export(args) => export::run(&args),
        Command::Stills(args) => stills::run(&args),
        Command::Annotations(command) => annotations::run(&command),
        Command::New(args) => new::run(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Agreement(args) => agreement::run(&args),
        Command::Dev(command) => crate::tools::dev::run(command).map(|()| 0),
    }
}

impl Command {
    /// The subcommand's name, for the log (its arguments name files).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Probe(_) => "probe",
            Command::Check(_) => "check",
            Command::Frame(_) => "frame",
            Command::Bench(_) => "bench",
            Command::Export(_) => "export",
            Command::Stills(_) => "stills",
            Command::Annotations(_) => "annotations",
            Command::New(_) => "new",
            Command::Merge(_) => "merge",
            Command::Agreement(_) => "agreement",
            Command::Dev(_) => "dev",
        }
    }
}

/// What went wrong, for the log: the kind of each typed error in the chain
/// (`store::LoadError` as `load:Syntax`, an I/O error as `io:NotFound`),
/// never its text, which names files, reels and codes. Context added with
/// `anyhow` (text only) is left out.
pub fn error_kinds(err: &anyhow::Error) -> String {
    use crate::files::log::kind_of;
    let kinds: Vec<String> = err
        .chain()
        .filter_map(|cause| {
            let kind = |label: &str, debug: &dyn std::fmt::Debug| {
                Some(format!("{label}:{}", kind_of(debug)))
            };
            if let Some(e) = cause.downcast_ref::<std::io::Error>() {
                return Some(format!("io:{:?}", e.kind()));
            }
            if let Some(e) = cause.downcast_ref::<crate::store::LoadError>() {
                return kind("load", e);
            }
            if let Some(e) = cause.downcast_ref::<crate::store::SaveError>() {
                return kind("save", e);
            }
            if let Some(e) = cause.downcast_ref::<crate::store::LockError>() {
                return kind("lock", e);
            }
            if let Some(e) = cause.downcast_ref::<crate::export::ExportError>() {
                return kind("export", e);
            }
            if let Some(e) = cause.downcast_ref::<crate::files::WriteError>() {
                return kind("write", e);
            }
            if let Some(e) = cause.downcast_ref::<crate::files::GuardError>() {
                return kind("guard", e);
            }
            if let Some(e) = cause.downcast_ref::<crate::files::InputError>() {
                return kind("input", e);
            }
            if let Some(e) = cause.downcast_ref::<crate::media::probe::ProbeError>() {
                return kind("probe", e);
            }
            if let Some(e) = cause.downcast_ref::<crate::interchange::ImportError>() {
                return kind("import", e);
            }
            if cause.is::<crate::interchange::csv::CsvError>() {
                return Some("csv:CsvError".into());
            }
            if cause.is::<crate::interchange::subtitles::SubtitleError>() {
                return Some("subtitles:SubtitleError".into());
            }
            if let Some(e) = cause.downcast_ref::<crate::model::Refusal>() {
                return kind("refused", e);
            }
            None
        })
        .collect();
    if kinds.is_empty() {
        "untyped error".into()
    } else {
        kinds.join(", ")
    }
}

/// An error and its causes on one line, each said once: typed errors often
/// print their cause in their own message too ("x: No such file or
/// directory (os error 2)"), and `{:#}` would repeat it.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_cause_is_said_once() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let text = io.to_string();
        let err = anyhow::Error::new(io).context(format!("p.json: cannot read: {text}"));
        let err = err.context("exporting reel \"First\"");
        let line = super::one_line(&err);
        assert_eq!(line.matches(&text).count(), 1, "{line}");
        assert!(
            line.starts_with("exporting reel \"First\": p.json"),
            "{line}"
        );
    }

    #[test]
    fn error_kinds_name_no_file_or_reel() {
        let err = anyhow::Error::new(crate::store::LoadError::Empty {
            path: "/home/jo/Sam and Jo.attune.json".into(),
        })
        .context("exporting reel \"First\"");
        assert_eq!(super::error_kinds(&err), "load:Empty");
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let err = anyhow::Error::new(io).context("Sam.mp4: cannot read");
        assert_eq!(super::error_kinds(&err), "io:PermissionDenied");
        assert_eq!(
            super::error_kinds(&anyhow::anyhow!("Sam.mp4 is odd")),
            "untyped error"
        );
    }
}
