//! Glue from parsed arguments to the library, one file per command.

mod check;
mod harvest;
mod init;
mod queries;
mod results;
mod run;
mod score;
mod sheet;
mod status;

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::cli::{Cli, Command};
use prospect::diag::{self, Diagnostic, Diagnostics};
use prospect::plan::{self, Methods, Plan};
use prospect::templates::Catalog;

/// Bad usage or bad input (exit code 2), as opposed to work that failed (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Queries(args) => queries::run(&args, cli.quiet),
        Command::Run(args) => run::run(&args, cli.quiet),
        Command::Harvest(args) => harvest::run(&args, cli.quiet),
        Command::Results(args) => results::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Score(args) => score::run(&args),
        Command::Sheet(args) => sheet::run(&args, cli.quiet),
    }
}

pub fn exit_code(err: &anyhow::Error) -> u8 {
    let bad = err
        .chain()
        .any(|e| e.is::<Diagnostics>() || e.is::<BadInput>());
    if bad { 2 } else { 1 }
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Loads the template catalogue and the plan, and checks the plan's method ids against it.
pub fn load_plan(path: &Path, templates: Option<&Path>) -> Result<(Plan, Catalog)> {
    let catalog = Catalog::load(templates)?;
    let plan = plan::load(path, &catalog.lang)?;
    if let Methods::Only(ids) = &plan.methods {
        let problems: Vec<Diagnostic> = ids
            .iter()
            .enumerate()
            .filter(|(_, id)| catalog.get(&id.value).is_none())
            .map(|(i, id)| {
                let hint = match diag::closest(&id.value, catalog.ids()) {
                    Some(best) => format!(
                        "did you mean `{best}`? (`prospect queries --list-methods` lists them)"
                    ),
                    None => "`prospect queries --list-methods` lists the methods".to_string(),
                };
                Diagnostic::new(
                    path,
                    format!("methods[{i}]"),
                    format!("`{}` is not a method", id.value),
                )
                .at_line(id.line, id.column)
                .hint(hint)
            })
            .collect();
        if !problems.is_empty() {
            return Err(Diagnostics(problems).into());
        }
    }
    Ok((plan, catalog))
}

/// The store a command uses: `--store`, else the plan's default.
pub fn store_path(plan: &Plan, arg: &crate::cli::StoreArgs) -> std::path::PathBuf {
    arg.store
        .clone()
        .unwrap_or_else(|| prospect::store::Store::default_path(plan))
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
