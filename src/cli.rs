//! The command line: argument types and one function per command.
//!
//! Exit status: 0 on success, 1 for a content or build error, 2 for bad usage (clap
//! exits with 2 itself).

use crate::diagnostic::Diagnostic;
use crate::{BuildOptions, BuildReport};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// `briefing`: build briefing microsites from source articles and markdown.
#[derive(Debug, Parser)]
#[command(name = "briefing", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory.
    Build(BuildArgs),
    /// Check the content without writing the site.
    Check(CheckArgs),
    /// Work with source articles.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Serve the site from memory, rebuilding and reloading on every change.
    Serve(ServeArgs),
    /// Rebuild the site into the output directory on every change.
    Watch(WatchArgs),
}

/// `briefing source ...`.
#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Show what ingestion extracts from one article.
    Inspect(InspectArgs),
}

/// Arguments of `briefing source inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The article file (.txt).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Where the briefing is.
#[derive(Debug, Args)]
pub struct RootArg {
    /// The briefing's folder (holding content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// Arguments of `briefing build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// Output directory [default: ROOT/public].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Publish under this URL instead of site.toml's base_url.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Link to index.html explicitly, so the site works opened from disk.
    #[arg(long)]
    pub portable: bool,
}

/// Arguments of `briefing serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// The address to listen on; another than 127.0.0.1 makes the preview public.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Poll for changes instead of using the system's file events.
    #[arg(long)]
    pub poll: bool,
}

/// Arguments of `briefing watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// Output directory [default: ROOT/public].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Poll for changes instead of using the system's file events.
    #[arg(long)]
    pub poll: bool,
}

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Like a compiler: file:line:column, the message, the offending line.
    Text,
    /// `{"errors": [...], "warnings": [...]}`.
    Json,
}

/// Arguments of `briefing check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Runs a parsed command line and returns the process's exit status.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Source(SourceCommand::Inspect(args)) => inspect(args),
        Command::Serve(args) => serve(args),
        Command::Watch(args) => watch(args),
    }
}

fn inspect(args: InspectArgs) -> ExitCode {
    let extracted = std::fs::read(&args.file)
        .map_err(|e| crate::diagnostic::Problem::Io {
            message: e.to_string(),
        })
        .and_then(|bytes| {
            let text =
                String::from_utf8(bytes).map_err(|e| crate::diagnostic::Problem::NotUtf8 {
                    offset: e.utf8_error().valid_up_to(),
                })?;
            let extension = args.file.extension().and_then(|e| e.to_str()).unwrap_or("");
            crate::ingest::extract(extension, &text)
        });
    let extracted = match extracted {
        Ok(extracted) => extracted,
        Err(problem) => {
            print_diagnostics(&[Diagnostic::error(&args.file, problem)]);
            return ExitCode::FAILURE;
        }
    };
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&extracted).unwrap_or_default()
        ),
        Format::Text => print!("{}", crate::ingest::describe(&extracted)),
    }
    ExitCode::SUCCESS
}

/// Prints diagnostics to stderr, errors first.
fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let color = std::io::stderr().is_terminal();
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| std::cmp::Reverse(d.severity));
    for diagnostic in sorted {
        eprintln!("{}", diagnostic.render(color));
    }
}

fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Prints a build's diagnostics for `serve` and `watch`: errors every time, warnings
/// when they differ from the last build's.
fn rebuild_reporter() -> impl FnMut(crate::watch::Outcome) {
    let mut shown: Vec<Diagnostic> = Vec::new();
    move |outcome| {
        let diagnostics = outcome.map_or_else(|d| d, |report| report.warnings.as_slice());
        if outcome.is_err() || diagnostics != shown.as_slice() {
            print_diagnostics(diagnostics);
        }
        shown = diagnostics.to_vec();
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let options = crate::serve::ServeOptions {
        build: BuildOptions::new(args.root.root),
        bind: args.bind,
        port: args.port,
        poll: args.poll,
    };
    exit_on_error(crate::serve::run(&options, rebuild_reporter()))
}

fn watch(args: WatchArgs) -> ExitCode {
    let options = BuildOptions {
        out: args.out,
        ..BuildOptions::new(args.root.root)
    };
    exit_on_error(crate::watch::run_watch(
        &options,
        args.poll,
        rebuild_reporter(),
    ))
}

fn exit_on_error<E: std::fmt::Display>(result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn build(args: BuildArgs) -> ExitCode {
    let options = BuildOptions {
        root: args.root.root,
        out: args.out,
        base_url: args.base_url,
        portable: args.portable,
    };
    let out = options.out_dir();
    match crate::build(&options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            print_summary(&report, &out);
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            let (errors, _) = count(&diagnostics);
            eprintln!(
                "error: build failed with {}; {} was left as it was",
                plural(errors, "error"),
                out.display()
            );
            ExitCode::FAILURE
        }
    }
}

fn print_summary(report: &BuildReport, out: &std::path::Path) {
    eprintln!(
        "Built {} ({}, {}, {} verified) into {} in {} ms{}",
        plural(report.pages, "page"),
        plural(report.sources, "source"),
        plural(report.citations, "citation"),
        plural(report.quotes, "quote"),
        out.display(),
        report.elapsed.as_millis(),
        match report.warnings.len() {
            0 => String::new(),
            n => format!(", {}", plural(n, "warning")),
        }
    );
}

fn check(args: CheckArgs) -> ExitCode {
    let diagnostics = match crate::build_in_memory(&BuildOptions::new(args.root.root)) {
        Ok(site) => site.report.warnings,
        Err(diagnostics) => diagnostics,
    };
    let (errors, warnings) = count(&diagnostics);
    match args.format {
        Format::Json => {
            let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
                diagnostics.iter().partition(|d| d.is_error());
            let json = serde_json::json!({ "errors": errors, "warnings": warnings });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        Format::Text => {
            print_diagnostics(&diagnostics);
            eprintln!(
                "{}, {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            );
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
