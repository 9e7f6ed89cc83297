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
    #[arg(long)]
    pub base_url: Option<String>,
    /// Link to index.html explicitly, so the site works opened from disk.
    #[arg(long)]
    pub portable: bool,
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
        Command::Source(SourceCommand::Add(args)) => add(args),
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

fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
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
