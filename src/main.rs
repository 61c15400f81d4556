use std::process::ExitCode;

use clap::Parser;
use shiftops::cli::{Cli, parse_error_exit_code, run};

fn main() -> color_eyre::Result<ExitCode> {
    // Installed before the terminal is touched, so the TUI's restore hook wraps it.
    shiftops::cli::install_hooks()?;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            error.print()?;
            return Ok(ExitCode::from(parse_error_exit_code(
                &error,
                std::env::args_os(),
            )));
        }
    };
    let code = run(cli)?;
    Ok(ExitCode::from(code))
}
