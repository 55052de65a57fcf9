use std::process::ExitCode;

use clap::Parser;

use attune::cli::{Cli, run};

fn main() -> ExitCode {
    start_log();
    // As `Cli::parse`, with the log flushed before clap exits (help, usage).
    let cli = Cli::try_parse().unwrap_or_else(|e| {
        attune::files::log::flush();
        e.exit()
    });
    let result = match cli.command {
        Some(command) => run(command),
        None => {
            let options = attune::ui::AppOptions {
                autosave_interval: std::time::Duration::from_secs(cli.autosave_seconds),
                ..Default::default()
            };
            attune::ui::run_app(cli.path, options).map(|()| 0)
        }
    };
    // Stopped by a signal: leave the way the handler does (removing what is
    // unfinished, exit 128 + n), never racing it to exit.
    if let Some(signal) = attune::files::interrupt::pending() {
        attune::files::interrupt::exit_for(signal);
    }
    let code = match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(err) => {
            // The log gets the error's kinds only: its text names files.
            log::error!("stopped by an error: {}", attune::cli::error_kinds(&err));
            // One line, with the chain of causes: the file and what is wrong.
            eprintln!("attune: {}", attune::cli::one_line(&err));
            ExitCode::FAILURE
        }
    };
    attune::files::log::flush();
    code
}

/// Starts the log file. Without one Attune works as before; only someone
/// who asked for a log (`ATTUNE_LOG` set) hears why there is none, since
/// stderr is otherwise kept for the command's own messages.
fn start_log() {
    match attune::files::log::install() {
        Ok(_) => log::info!(
            "attune {} started (pid {})",
            env!("CARGO_PKG_VERSION"),
            std::process::id()
        ),
        Err(e) => {
            if std::env::var_os(attune::files::log::ENV_VAR).is_some() {
                eprintln!("attune: no log file: {e}");
            }
        }
    }
}
