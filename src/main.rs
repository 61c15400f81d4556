use std::process::ExitCode;

use clap::Parser;
use shiftops::cli::{Cli, run};

fn main() -> color_eyre::Result<ExitCode> {
    // Installed before the terminal is touched, so the TUI's restore hook wraps it.
    shiftops::cli::install_hooks()?;
    let code = run(Cli::parse())?;
    Ok(ExitCode::from(code))
}
