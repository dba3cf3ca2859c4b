//! `prospect run PLAN`: the campaign. The search stage (the plan's queries through its
//! backend within its daily quota), then the crawl and score stages for the sites found, then
//! the lead sheet; and a summary of what worked.

use std::collections::HashSet;
use std::fmt::Write as _;

use anyhow::Result;

use super::progress::Bar;
use super::settings::{Global, Overrides, Settings};
use super::{BadInput, stages, write_output};
use crate::cli::RunArgs;
use prospect::clock;
use prospect::control::Stop;
use prospect::plan::Plan;
use prospect::search::api;
use prospect::search::stage::{
    self as search, ApiSearcher, Halt, QueryKey, SearchOptions, SearchReport,
};
use prospect::store::{NewQuery, Selection, SiteStatus, StoreHandle};

/// How many of the best queries the summary lists.
const BEST_QUERIES: usize = 10;

pub fn run(args: &RunArgs, global: &Global) -> Result<()> {
    let settings = Settings::load(
        &args.plan,
        global,
        Overrides {
            store: args.store.store.clone(),
            resolve: args.resolve.clone(),
            refresh: None,
            retry_failed: args.retry_failed,
        },
    )?;
    let (plan, quiet) = (&settings.plan, settings.quiet);
    let client = api::Client::new(&plan.search, &plan.fetch.user_agent, &|name| {
        std::env::var(name).ok()
    })
    .map_err(|e| BadInput(e.to_string()))?;
    let client = client.with_clock(settings.clock.clone());
    let client = match plan.search.interval {
        Some(per) => client.with_rate(api::Rate { queries: 1, per }),
        None => client,
    };
    let backend = ApiSearcher(client);
    let engine = backend.0.source().engine();
    let queries = search::plan_queries(plan, &settings.catalog, engine, settings.clock.year());
    if queries.is_empty() {
        return Err(BadInput(format!(
            "{}: the plan yields no queries for {}; `prospect check {}` shows why",
            args.plan.display(),
            plan.search.backend.name(),
            args.plan.display()
        ))
        .into());
    }
    let store = settings.open_store()?;
    let (only, open) = add_queries(&settings, &store, &backend, queries)?;

    let runtime = stages::runtime()?;
    let stop = Stop::default();
    let opts = SearchOptions {
        now: settings.clock.now(),
        per_day: plan.search.per_day,
        pages: plan.search.pages,
        excluded: settings.excluded(),
        only: Some(only),
    };
    let searched = runtime.block_on(async {
        stages::watch_ctrl_c(stop.clone(), quiet);
        let bar = Bar::new("queries", open, quiet, false);
        let r = search::search(&backend, &store, &opts, &bar, &stop).await;
        bar.finish();
        r
    })?;

    let retry_failed = args.retry_failed;
    let sites = store.call_blocking(move |s| {
        let mut sites = s.sites(SiteStatus::Pending)?;
        if retry_failed {
            sites.extend(s.sites(SiteStatus::Failed)?);
        }
        Ok(sites)
    })?;
    if !stop.is_stopped() && !sites.is_empty() {
        if !quiet {
            eprintln!("{} sites to visit", stages::to_visit(&settings, &sites));
        }
        let crawled = runtime.block_on(stages::crawl(&settings, &store, sites, &stop))?;
        stages::print_crawl(&crawled, quiet);
        if crawled.sites_pending > 0 && !quiet {
            eprintln!("some sites are left to visit: run the same command again");
        }
    }
    let scored = stages::score(&settings, &store, Selection::Stale, &stop)?;
    stages::print_score(&scored, quiet);
    let summary = summary(plan, &store, &searched)?;
    write_output(None, &summary)?;
    // The backend failed and nothing was searched: the user must look (exit code 1).
    let failing = matches!(searched.halt, Some(Halt::Failing { .. }))
        || (searched.failed > 0 && searched.queries_done == 0);
    stages::refresh_sheet(&settings, &store)?;
    if failing {
        return Err(anyhow::anyhow!(
            "the search backend is failing; what it found so far is stored and graded"
        ));
    }
    Ok(())
}

/// Adds the plan's queries to the store and says how many there are; returns the plan's
/// queries (text, country, language) and how many of them are not searched yet.
fn add_queries(
    settings: &Settings,
    store: &StoreHandle,
    backend: &ApiSearcher,
    queries: Vec<NewQuery>,
) -> Result<(HashSet<QueryKey>, usize)> {
    let name = search::Searcher::name(backend);
    let total = queries.len();
    let only: HashSet<QueryKey> = queries
        .iter()
        .map(|q| (q.text.clone(), q.country.clone(), q.language.clone()))
        .collect();
    let added = store.call_blocking(move |s| s.add_queries(name, &queries))?;
    let open = store
        .call_blocking(move |s| s.open_queries(name))?
        .iter()
        .filter(|q| only.contains(&(q.text.clone(), q.country.clone(), q.language.clone())))
        .count();
    if !settings.quiet {
        let per_day = settings.plan.search.per_day;
        eprintln!(
            "{total} queries in the plan ({added} new, {open} not searched yet); store: {}",
            settings.store.display()
        );
        let days = open.div_ceil(per_day.max(1) as usize);
        if days > 3 {
            eprintln!(
                "at {per_day} queries a day (search.per_day) they take about {days} days, the most \
                 productive methods first; `methods:` in the plan narrows them"
            );
        }
    }
    Ok((only, open))
}

/// The run's summary: queries, results, new sites, leads by grade, the queries that found
/// the best leads, and when the campaign can go on.
fn summary(plan: &Plan, store: &StoreHandle, r: &SearchReport) -> Result<String> {
    let (leads, best) =
        store.call_blocking(|s| Ok((s.lead_counts()?, s.best_queries(BEST_QUERIES)?)))?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "queries:  {} searched now ({} result pages asked, {} read from the store), {} left",
        r.queries_done, r.pages_requested, r.pages_reused, r.queries_left
    );
    if r.blocked > 0 || r.failed > 0 {
        let _ = writeln!(
            out,
            "          {} refused by the backend, {} failed{}; both are asked again next run",
            r.blocked,
            r.failed,
            r.last_failure
                .as_deref()
                .map(|f| format!(" (last: {f})"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(out, "results:  {}", r.results);
    let _ = writeln!(out, "new sites: {}", r.new_sites);
    let grades: Vec<String> = leads.iter().map(|(g, n)| format!("{n} {g}")).collect();
    let _ = writeln!(
        out,
        "leads:    {}",
        if grades.is_empty() {
            "none yet".to_string()
        } else {
            grades.join(", ")
        }
    );
    if !best.is_empty() {
        let _ = writeln!(out, "best queries (A+B leads among their results):");
        for q in &best {
            let _ = writeln!(
                out,
                "  {:>2} A {:>2} B  {:<22} {:<3} {}",
                q.a, q.b, q.method, q.country, q.text
            );
        }
    }
    match &r.halt {
        Some(Halt::Quota { until }) => {
            let _ = writeln!(
                out,
                "Stopped for today: {} queries were searched in the last 24 hours (search.per_day). \
                 The campaign continues after {}: run the same command again then.",
                plan.search.per_day,
                clock::format_utc(*until)
            );
        }
        Some(Halt::Paused { until, why }) => {
            let _ = writeln!(
                out,
                "The search backend asked to wait ({why}). The campaign continues after {}: run the same command again then.",
                clock::format_utc(*until)
            );
        }
        Some(Halt::Failing { why }) => {
            let _ = writeln!(
                out,
                "The search backend failed {} queries in a row (last: {why}). Check it (is it \
                 running? is search.url right?), then run the same command again.",
                search::FAILURES_IN_A_ROW
            );
        }
        Some(Halt::Interrupted) => {
            let _ = writeln!(
                out,
                "Stopped; run the same command again to continue where it stopped."
            );
        }
        None if r.queries_left == 0 => {
            let _ = writeln!(out, "Every query of the plan is searched.");
        }
        None => {}
    }
    Ok(out)
}
