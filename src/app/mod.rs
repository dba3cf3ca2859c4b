//! Glue from parsed arguments to the library: one file per command, each building its
//! [`Settings`](settings::Settings) once and running stages; one mapping of errors to exit
//! codes for all of them.

mod check;
mod grade;
mod harvest;
mod init;
mod inquiry;
mod progress;
mod queries;
mod results;
mod run;
mod score;
mod settings;
mod sheet;
mod stages;
mod status;

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::cli::{Cli, Command};
use prospect::diag::Diagnostics;
use settings::Global;

/// Bad usage or bad input (exit code 2), as opposed to work that failed (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn run(cli: Cli) -> Result<()> {
    let global = Global {
        quiet: cli.quiet,
        templates: cli.templates,
    };
    match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Check(args) => check::run(&args, &global),
        Command::Queries(args) => queries::run(&args, &global),
        Command::Run(args) => run::run(&args, &global),
        Command::Harvest(args) => harvest::run(&args, &global),
        Command::Results(args) => results::run(&args),
        Command::Status(args) => status::run(&args, &global),
        Command::Score(args) => score::run(&args, &global),
        Command::Grade(args) => grade::run(&args, &global),
        Command::Sheet(args) => sheet::run(&args, &global),
        Command::Inquiry(args) => inquiry::run(&args, &global),
    }
}

/// The exit code of an error: 2 for bad usage or bad input (a plan, a list, a sheet that
/// cannot be used as given), 1 for work that failed.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let bad = err.chain().any(|e| {
        e.is::<Diagnostics>()
            || e.is::<BadInput>()
            || e.is::<prospect::crawl::list::ListError>()
            || e.downcast_ref::<prospect::sheet::SheetError>()
                .is_some_and(|s| s.is_bad_input())
    });
    if bad { 2 } else { 1 }
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes data to the file (atomically) or to standard output.
pub fn write_output(output: Option<&Path>, data: &str) -> Result<()> {
    match output {
        Some(path) => prospect::fsx::write_atomic(path, data.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(data.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}
