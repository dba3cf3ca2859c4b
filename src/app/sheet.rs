//! `prospect sheet PLAN [-o leads.xlsx|leads.csv]`: write or refresh the lead sheet.

use std::path::PathBuf;

use anyhow::Result;

use super::{BadInput, load_plan, store_path};
use crate::cli::SheetArgs;
use prospect::sheet::{self, SheetError, SheetOptions};
use prospect::store::Store;

pub fn run(args: &SheetArgs, quiet: bool) -> Result<()> {
    let (plan, _) = load_plan(&args.plan, None)?;
    let target: PathBuf = match (&args.output, &plan.output.sheet) {
        (Some(o), _) => o.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => {
            return Err(BadInput(format!(
                "no lead sheet to write: give one with -o leads.xlsx (or leads.csv), or set \
                 `output: {{ sheet: leads.xlsx }}` in {}",
                args.plan.display()
            ))
            .into());
        }
    };
    sheet::flavor_of(&target).map_err(bad_input)?;
    let path = store_path(&plan, &args.store);
    if !path.exists() {
        return Err(BadInput(format!(
            "{}: no campaign store yet; `prospect harvest {} --urls FILE` starts one",
            path.display(),
            args.plan.display()
        ))
        .into());
    }
    let store = Store::open(&path)?;
    let opts = SheetOptions {
        all: args.all,
        split: args.split,
        bom: if args.no_bom { Some(false) } else { None },
        backups: args.backups,
    };
    let report = sheet::refresh(&store, &target, &opts).map_err(bad_input)?;
    print_report(&report, quiet);
    Ok(())
}

/// Errors in the input (not our sheet, a wrong extension) exit with 2, the rest with 1.
fn bad_input(e: SheetError) -> anyhow::Error {
    if e.is_bad_input() {
        BadInput(e.to_string()).into()
    } else {
        e.into()
    }
}

/// What a refresh did, on stderr.
pub(super) fn print_report(report: &sheet::SheetReport, quiet: bool) {
    if quiet {
        return;
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    for file in &report.files {
        for (name, s) in &file.sheets {
            let label = if file.sheets.len() > 1 || !file.path.ends_with(name) {
                format!("{} [{name}]", file.path.display())
            } else {
                file.path.display().to_string()
            };
            let mut line = format!(
                "{label}: {} new, {} updated, {} unchanged",
                s.added, s.updated, s.unchanged
            );
            if s.not_found > 0 {
                line.push_str(&format!(", {} no longer found (kept)", s.not_found));
            }
            if !s.columns_added.is_empty() && !file.created {
                line.push_str(&format!("; new columns: {}", s.columns_added.join(", ")));
            }
            eprintln!("{line}");
        }
        let what = match (file.created, file.written) {
            (true, _) => "created".to_string(),
            (false, false) => "nothing changed, left as it was".to_string(),
            (false, true) => match &file.backup {
                Some(b) => format!("refreshed; the previous version is {}", b.display()),
                None => "refreshed".to_string(),
            },
        };
        eprintln!("{}: {what}", file.path.display());
    }
}
