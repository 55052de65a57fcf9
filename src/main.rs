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
