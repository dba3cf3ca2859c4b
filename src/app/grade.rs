//! `prospect grade PLAN`: the score stage over the whole campaign, from its stored pages (no
//! network), then the lead sheet.

use anyhow::Result;

use super::settings::{Global, Overrides, Settings};
use super::stages;
use crate::cli::GradeArgs;
use prospect::control::Stop;
use prospect::store::Selection;

pub fn run(args: &GradeArgs, global: &Global) -> Result<()> {
    let settings = Settings::load(&args.plan, global, Overrides::store(&args.store))?;
    drop(settings.existing_store()?);
    let store = settings.open_store()?;
    let stop = Stop::default();
    let runtime = stages::runtime()?;
    runtime.block_on(async { stages::watch_ctrl_c(stop.clone(), settings.quiet) });
    let started = std::time::Instant::now();
    let report = stages::score(&settings, &store, Selection::All, &stop)?;
    if !settings.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "{} sites graded from the store in {secs:.1} s ({:.0} sites/s)",
            report.graded(),
            report.graded() as f64 / secs.max(0.001)
        );
    }
    stages::print_score(&report, settings.quiet);
    if report.stopped {
        return Err(anyhow::anyhow!(
            "stopped; the leads graded so far are stored, `prospect grade` grades all again"
        ));
    }
    stages::refresh_sheet(&settings, &store)
}
