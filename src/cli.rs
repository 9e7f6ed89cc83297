//! The command line: argument types and one function per command.
//!
//! Exit status: 0 on success, 1 for a content or build error, 2 for bad usage (clap
//! exits with 2 itself).

use crate::diagnostic::{Diagnostic, Severity};
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
    /// Create a new briefing that builds, checks and publishes as it stands.
    Init(InitArgs),
}

/// Arguments of `briefing init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new briefing's folder; it must not exist or be empty.
    pub dir: PathBuf,
    /// Copy the built-in theme into themes/default/, to customize it.
    #[arg(long)]
    pub with_theme: bool,
}

/// `briefing source ...`.
#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Show what ingestion extracts from one article.
    Inspect(InspectArgs),
    /// Copy an article into content/sources/ with a sidecar of its metadata to review.
    Add(AddArgs),
}

/// Arguments of `briefing source inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The article file (.txt, .html, .md).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// How to read numeric dates like 08.05.2026: dmy or mdy (site.toml's `date_order`).
    #[arg(long)]
    pub date_order: Option<crate::ingest::DateOrder>,
}

/// Arguments of `briefing source add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The article file (.txt, .html, .md).
    pub file: PathBuf,
    /// The source's id [default: publisher and date, e.g. vela-2026-04-28, else the file name].
    #[arg(long)]
    pub id: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
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
    #[arg(long, value_parser = crate::config::parse_base_url)]
    pub base_url: Option<String>,
    /// Link to index.html explicitly, so the site works opened from disk.
    #[arg(long)]
    pub portable: bool,
    /// Print the time each stage of the build took.
    #[arg(long)]
    pub timings: bool,
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
    /// `{"errors": [...], "warnings": [...], "notes": [...]}`.
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
    /// Check links as published under this URL instead of site.toml's base_url.
    #[arg(long, value_parser = crate::config::parse_base_url)]
    pub base_url: Option<String>,
}

/// Runs a parsed command line and returns the process's exit status.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Source(SourceCommand::Inspect(args)) => inspect(args),
        Command::Init(args) => init(args),
        Command::Source(SourceCommand::Add(args)) => add(args),
        Command::Serve(args) => serve(args),
        Command::Watch(args) => watch(args),
    }
}

fn init(args: InitArgs) -> ExitCode {
    match crate::init::init(&args.dir, args.with_theme) {
        Ok(files) => {
            eprintln!(
                "Created a briefing in {} ({}). Next: `briefing build --root {0}`",
                args.dir.display(),
                plural(files.len(), "file")
            );
            ExitCode::SUCCESS
        }
        Err(diagnostic) => {
            print_diagnostics(&[diagnostic]);
            ExitCode::FAILURE
        }
    }
}

fn inspect(args: InspectArgs) -> ExitCode {
    let (extracted, warnings) = match crate::ingest::inspect(&args.file, args.date_order) {
        Ok(read) => read,
        Err(error) => {
            print_diagnostics(&[error]);
            return ExitCode::FAILURE;
        }
    };
    print_diagnostics(&warnings);
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&crate::ingest::to_json(&extracted)).unwrap_or_default()
        ),
        Format::Text => print!("{}", crate::ingest::describe(&extracted)),
    }
    ExitCode::SUCCESS
}

fn add(args: AddArgs) -> ExitCode {
    match crate::ingest::add_source(&args.root.root, &args.file, args.id.as_deref()) {
        Ok(added) => {
            print_diagnostics(&added.warnings);
            eprintln!(
                "Added {} (cite it as [@{}]); review {} and commit both",
                added.article.display(),
                added.id,
                added.sidecar.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            print_diagnostics(&[error]);
            ExitCode::FAILURE
        }
    }
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

/// How many errors, warnings and notes there are.
fn count(diagnostics: &[Diagnostic]) -> (usize, usize, usize) {
    let of = |severity: Severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    (
        of(Severity::Error),
        of(Severity::Warning),
        of(Severity::Note),
    )
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
        build: BuildOptions {
            fingerprint_assets: false,
            ..BuildOptions::new(args.root.root)
        },
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
        out: args.out,
        base_url: args.base_url,
        portable: args.portable,
        ..BuildOptions::new(args.root.root)
    };
    let out = options.out_dir();
    match crate::build(&options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            print_summary(&report, &out);
            if args.timings {
                for (stage, time) in &report.stages {
                    eprintln!("{:>8.1} ms  {stage}", time.as_secs_f64() * 1000.0);
                }
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            let (errors, _, _) = count(&diagnostics);
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
        match count(&report.warnings) {
            (_, 0, 0) => String::new(),
            (_, warnings, 0) => format!(", {}", plural(warnings, "warning")),
            (_, warnings, notes) => format!(
                ", {}, {}",
                plural(warnings, "warning"),
                plural(notes, "note")
            ),
        }
    );
}

fn check(args: CheckArgs) -> ExitCode {
    let diagnostics = crate::check(&BuildOptions {
        base_url: args.base_url,
        ..BuildOptions::new(args.root.root)
    });
    let (errors, warnings, notes) = count(&diagnostics);
    match args.format {
        Format::Json => {
            let of = |severity: Severity| -> Vec<&Diagnostic> {
                diagnostics
                    .iter()
                    .filter(|d| d.severity == severity)
                    .collect()
            };
            let json = serde_json::json!({
                "errors": of(Severity::Error),
                "warnings": of(Severity::Warning),
                "notes": of(Severity::Note),
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        Format::Text => {
            print_diagnostics(&diagnostics);
            eprintln!(
                "{}, {}, {}",
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(notes, "note")
            );
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
