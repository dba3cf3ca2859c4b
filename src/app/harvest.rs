//! `prospect harvest PLAN --urls FILE | --serp FILE...`: the crawl and score stages for the
//! sites in a list or in saved result pages (the manual way).

use anyhow::Result;

use super::results::read_saved;
use super::settings::{Global, Overrides, Settings};
use super::stages;
use crate::cli::HarvestArgs;
use prospect::control::Stop;
use prospect::crawl::list;
use prospect::net::Fetcher;
use prospect::search::stage::{SavedReport, record_saved};
use prospect::store::{Selection, Site, StoreHandle};

pub fn run(args: &HarvestArgs, global: &Global) -> Result<()> {
    let settings = Settings::load(
        &args.plan,
        global,
        Overrides {
            store: args.store.store.clone(),
            resolve: args.resolve.clone(),
            refresh: args.refresh,
            retry_failed: args.retry_failed,
        },
    )?;
    let quiet = settings.quiet;
    let excluded = settings.excluded();
    let runtime = stages::runtime()?;
    let (store, sites, whence) = match &args.urls {
        Some(path) => {
            let listed = list::read(path, &excluded)?;
            for line in &listed.skipped {
                eprintln!("{line}; skipped");
            }
            let store = settings.open_store()?;
            let source = format!("urls:{}", path.display());
            let sites = add_listed(&store, listed.sites, source)?;
            let whence = format!(
                "in the list ({} left out as not prospects)",
                listed.excluded
            );
            (store, sites, whence)
        }
        None => {
            let pages = read_saved(&args.serp)?;
            let store = settings.open_store()?;
            let saved = runtime.block_on(async {
                let fetcher = Fetcher::new(settings.fetch.clone())?;
                let year = settings.clock.year();
                let r = record_saved(
                    &settings.plan,
                    &settings.catalog,
                    &fetcher,
                    &store,
                    pages,
                    &excluded,
                    year,
                )
                .await?;
                anyhow::Ok(r)
            })?;
            print_saved(&saved, quiet);
            (store, saved.sites, "in the result pages".to_string())
        }
    };
    if !quiet {
        eprintln!(
            "{} sites {whence}, {} to visit; store: {}",
            sites.len(),
            stages::to_visit(&settings, &sites),
            settings.store.display()
        );
    }
    let stop = Stop::default();
    let crawled = runtime.block_on(async {
        stages::watch_ctrl_c(stop.clone(), quiet);
        stages::crawl(&settings, &store, sites, &stop).await
    })?;
    stages::print_crawl(&crawled, quiet);
    let scored = stages::score(&settings, &store, Selection::Stale, &stop)?;
    stages::print_score(&scored, quiet);
    Ok(())
}

/// Adds listed sites to the store (known ones keep their state) and returns them as stored.
fn add_listed(
    store: &StoreHandle,
    sites: Vec<(prospect::extract::Domain, String)>,
    source: String,
) -> Result<Vec<Site>> {
    Ok(store.call_blocking(move |s| {
        for (domain, home) in &sites {
            s.add_site(domain, home, &source)?;
        }
        let mut out = Vec::new();
        for (domain, _) in &sites {
            out.extend(s.site(domain)?);
        }
        Ok(out)
    })?)
}

/// What the saved result pages held that the user should know: blocked pages (with what to
/// do), empty ones, redirects that could not be followed.
fn print_saved(saved: &SavedReport, quiet: bool) {
    for (file, source, why) in &saved.blocked {
        eprintln!(
            "{}: blocked by {source} ({why}); open the query in the browser, answer the check, and save the page again",
            file.display()
        );
    }
    if quiet {
        return;
    }
    for (file, why) in &saved.unresolved {
        eprintln!("{}: {why}", file.display());
    }
    if !saved.blocked.is_empty() || saved.empty > 0 {
        eprintln!(
            "result pages: {} blocked, {} with no results",
            saved.blocked.len(),
            saved.empty
        );
    }
}
