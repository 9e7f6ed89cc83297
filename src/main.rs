use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    briefing::cli::run(briefing::cli::Cli::parse())
}
