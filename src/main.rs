use std::process::ExitCode;

use clap::Parser;

use attune::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(err) => {
            // One line, with the chain of causes: the file and what is wrong.
            eprintln!("attune: {}", attune::cli::one_line(&err));
            ExitCode::FAILURE
        }
    }
}
