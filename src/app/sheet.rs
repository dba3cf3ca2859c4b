//! `prospect sheet PLAN [-o leads.xlsx|leads.csv]`: write or refresh the lead sheet.

use std::path::PathBuf;

use anyhow::Result;

use super::BadInput;
use super::settings::{Global, Overrides, Settings};
use super::stages::print_other_plans;
use crate::cli::SheetArgs;
use prospect::sheet::{self, SheetOptions};

pub fn run(args: &SheetArgs, global: &Global) -> Result<()> {
    let settings = Settings::load(&args.plan, global, Overrides::store(&args.store))?;
    let (plan, quiet) = (&settings.plan, settings.quiet);
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
    sheet::flavor_of(&target)?;
    let store = settings.existing_store()?;
    let opts = SheetOptions {
        all: args.all,
        split: args.split,
        bom: if args.no_bom { Some(false) } else { None },
        backups: args.backups,
    };
    let report = sheet::refresh(&store, &target, &opts)?;
    print_report(&report, quiet);
    print_other_plans(
        store.leads_of_other_plans(settings.grader().stamp())?,
        quiet,
    );
    Ok(())
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
