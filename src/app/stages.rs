//! Running the stages for the commands: the async runtime and Ctrl-C, the crawl and score
//! stages with their progress, their summaries on stderr, and the sheet refresh at the end.

use std::sync::Arc;

use anyhow::{Context, Result};

use super::progress::Bar;
use super::settings::Settings;
use prospect::control::Stop;
use prospect::crawl::{self, CrawlReport};
use prospect::net::Fetcher;
use prospect::score::stage::{self as score, ScoreOptions, ScoreReport};
use prospect::sheet::{self, SheetOptions};
use prospect::store::{Selection, Site, StoreHandle};

/// A multi-threaded runtime for the commands that fetch.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// First Ctrl-C: stop after the work in flight. Second: quit at once. (Call inside the
/// runtime.)
pub fn watch_ctrl_c(stop: Stop, quiet: bool) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.stop();
            if !quiet {
                eprintln!("\nstopping after the requests in flight (Ctrl-C again to quit now)");
            }
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}

/// How many of `sites` a crawl with these settings visits.
pub fn to_visit(settings: &Settings, sites: &[Site]) -> usize {
    sites
        .iter()
        .filter(|s| crawl::visits(s, &settings.crawl))
        .count()
}

/// The crawl stage with its progress (inside the runtime).
pub async fn crawl(
    settings: &Settings,
    store: &StoreHandle,
    sites: Vec<Site>,
    stop: &Stop,
) -> Result<CrawlReport> {
    let fetcher = Arc::new(Fetcher::new(settings.fetch.clone())?);
    let bar = Arc::new(Bar::new(
        "sites",
        to_visit(settings, &sites),
        settings.quiet,
        true,
    ));
    let report = crawl::run(
        fetcher,
        store.clone(),
        sites,
        settings.crawl.clone(),
        bar.clone(),
        stop.clone(),
    )
    .await;
    bar.finish();
    Ok(report?)
}

/// The score stage with its progress (outside the runtime: it uses every core itself).
pub fn score(
    settings: &Settings,
    store: &StoreHandle,
    selection: Selection,
    stop: &Stop,
) -> Result<ScoreReport> {
    let grader = settings.grader();
    let bar = Bar::new("graded", 0, settings.quiet, true);
    let report = score::run(
        &grader,
        &settings.store,
        store,
        ScoreOptions::new(selection),
        &bar,
        stop,
        settings.clock.now(),
    );
    bar.finish();
    Ok(report?)
}

/// The crawl stage's summary on stderr.
pub fn print_crawl(report: &CrawlReport, quiet: bool) {
    if quiet {
        return;
    }
    eprintln!(
        "sites: {} done, {} failed, {} left for the next run; pages: {} fetched, {} already stored, {} failed",
        report.sites_done,
        report.sites_failed,
        report.sites_pending,
        report.pages_fetched,
        report.pages_reused,
        report.page_errors
    );
    if report.stopped {
        eprintln!("stopped; run the same command again to continue where it stopped");
    }
}

/// The score stage's summary on stderr: leads graded by grade, and leads left from an older
/// plan.
pub fn print_score(report: &ScoreReport, quiet: bool) {
    if quiet {
        return;
    }
    if !report.grades.is_empty() {
        let grades: Vec<String> = report
            .grades
            .iter()
            .map(|(g, n)| format!("{n} {g}"))
            .collect();
        eprintln!("leads graded: {}", grades.join(", "));
    }
    if report.stopped && report.graded() < report.to_grade {
        eprintln!(
            "{} sites are left to grade; the next run grades them",
            report.to_grade - report.graded()
        );
    }
    print_other_plans(report.other_plans, quiet);
}

/// Says how many leads were graded with an older plan, and what to do.
pub fn print_other_plans(n: u64, quiet: bool) {
    if n > 0 && !quiet {
        eprintln!(
            "{n} leads were graded with an older plan (or an older prospect); \
             run `prospect grade PLAN` to grade them again from the stored pages"
        );
    }
}

/// Refreshes the plan's `output.sheet`, if it has one (last: a locked sheet costs nothing of
/// the work before it).
pub fn refresh_sheet(settings: &Settings, store: &StoreHandle) -> Result<()> {
    let Some(target) = settings.plan.output.sheet.clone() else {
        return Ok(());
    };
    let report =
        store.call_blocking(move |s| Ok(sheet::refresh(s, &target, &SheetOptions::default())))?;
    match report {
        Ok(report) => {
            super::sheet::print_report(&report, settings.quiet);
            Ok(())
        }
        Err(e) => Err(anyhow::Error::new(e)
            .context("the campaign's work is stored, but the lead sheet was not refreshed")),
    }
}
