//! `prospect run PLAN`: the campaign. Expand the plan's queries, search them through the
//! plan's backend within its daily quota, visit and grade the new sites, refresh the sheet,
//! and say what worked.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use super::harvest::{Visiting, excluded_domains, print_report, runtime, watch_ctrl_c};
use super::{BadInput, load_plan, store_path, write_output};
use crate::cli::RunArgs;
use prospect::campaign::{self, ApiBackend, Halt, SearchOptions, SearchProgress, SearchReport};
use prospect::clock;
use prospect::net::{FetchConfig, Fetcher};
use prospect::plan::{Backend, Plan};
use prospect::score::Grader;
use prospect::search::api;
use prospect::sheet::{self, SheetOptions};
use prospect::store::{NewQuery, SiteStatus, StoreHandle, StoredQuery};
use prospect::templates::expand::{self, Options};
use prospect::templates::{Catalog, Engine};

/// How many of the best queries the summary lists.
const BEST_QUERIES: usize = 10;

pub fn run(args: &RunArgs, quiet: bool) -> Result<()> {
    let (plan, catalog) = load_plan(&args.plan, args.templates.templates.as_deref())?;
    let client = api::Client::new(&plan.search, &plan.fetch.user_agent, &|name| {
        std::env::var(name).ok()
    })
    .map_err(|e| BadInput(e.to_string()))?;
    let client = match plan.search.interval {
        Some(per) => client.with_rate(api::Rate { queries: 1, per }),
        None => client,
    };
    let backend = ApiBackend(client);
    let queries = plan_queries(&plan, &catalog);
    if queries.is_empty() {
        return Err(BadInput(format!(
            "{}: the plan yields no queries for {}; `prospect check {}` shows why",
            args.plan.display(),
            plan.search.backend.name(),
            args.plan.display()
        ))
        .into());
    }
    let path = store_path(&plan, &args.store);
    let store = StoreHandle::open(&path)?;
    let name = campaign::Backend::name(&backend);
    let total = queries.len();
    let only: HashSet<(String, String, String)> = queries
        .iter()
        .map(|q| (q.text.clone(), q.country.clone(), q.language.clone()))
        .collect();
    let added = store.call_blocking(move |s| s.add_queries(name, &queries))?;
    let open = store
        .call_blocking(move |s| s.open_queries(name))?
        .iter()
        .filter(|q| only.contains(&(q.text.clone(), q.country.clone(), q.language.clone())))
        .count();
    if !quiet {
        eprintln!(
            "{total} queries in the plan ({added} new, {open} not searched yet); store: {}",
            path.display()
        );
        let days = open.div_ceil(plan.search.per_day.max(1) as usize);
        if days > 3 {
            eprintln!(
                "at {} queries a day (search.per_day) they take about {days} days, the most \
                 productive methods first; `methods:` in the plan narrows them",
                plan.search.per_day
            );
        }
    }

    let runtime = runtime()?;
    let stop = prospect::harvest::Stop::default();
    let opts = SearchOptions {
        per_day: plan.search.per_day,
        pages: plan.search.pages,
        excluded: excluded_domains(&plan),
        only: Some(only),
    };
    let searched = runtime.block_on(async {
        watch_ctrl_c(stop.clone(), quiet);
        let bar = QueryBar::new(open, quiet);
        let r = campaign::search(&backend, &store, &opts, &bar, &stop).await;
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
    let visiting = Visiting {
        plan: &plan,
        refresh: None,
        retry_failed,
        quiet,
    };
    let visited = if stop.is_stopped() || sites.is_empty() {
        None
    } else {
        if !quiet {
            eprintln!("{} sites to visit", visiting.count(&sites));
        }
        let grader = Arc::new(Grader::new(plan.clone(), Arc::new(catalog.lang.clone())));
        let report = runtime.block_on(async {
            let fetcher = Arc::new(Fetcher::new(FetchConfig::from_plan(
                &plan.fetch,
                args.resolve.clone(),
            ))?);
            visiting
                .visit(fetcher, store.clone(), sites, grader, stop.clone())
                .await
        })?;
        print_report(&report, quiet);
        Some(report)
    };
    if visited.is_some_and(|r| r.sites_pending > 0) && !quiet {
        eprintln!("some sites are left to visit: run the same command again");
    }
    let summary = summary(&plan, &store, &searched)?;
    write_output(None, &summary)?;
    // The backend failed and nothing was searched: the user must look (exit code 1).
    let failing = matches!(searched.halt, Some(Halt::Failing { .. }))
        || (searched.failed > 0 && searched.queries_done == 0);
    // The sheet is refreshed last, so that a locked sheet costs nothing of the work above.
    if let Some(target) = &plan.output.sheet {
        let target = target.clone();
        let report = store
            .call_blocking(move |s| Ok(sheet::refresh(s, &target, &SheetOptions::default())))?;
        match report {
            Ok(report) => super::sheet::print_report(&report, quiet),
            Err(e) => {
                return Err(anyhow::Error::new(e).context(
                    "the campaign's work is stored, but the lead sheet was not refreshed",
                ));
            }
        }
    }
    if failing {
        return Err(anyhow::anyhow!(
            "the search backend is failing; what it found so far is stored and graded"
        ));
    }
    Ok(())
}

/// The template engine whose syntax and limits the backend's queries follow.
fn engine_for(backend: Backend) -> Engine {
    match backend {
        Backend::Brave => Engine::Brave,
        // SearXNG passes Google-style operators on to its engines; Serper and SerpApi are Google.
        Backend::Searxng | Backend::Serper | Backend::Serpapi => Engine::Google,
    }
}

fn plan_queries(plan: &Plan, catalog: &Catalog) -> Vec<NewQuery> {
    let opts = Options {
        engine: engine_for(plan.search.backend),
        methods: Vec::new(),
        countries: Vec::new(),
        max: None,
        year: expand::current_year(),
    };
    let mut queries = expand::expand(plan, catalog, &opts).queries;
    // Searched in this order over the days the quota allows: the most productive methods
    // first (each method's queries stay in their order, by country).
    queries.sort_by_key(|q| catalog.get(&q.method).map_or(u32::MAX, |t| t.rank));
    queries
        .into_iter()
        .map(|q| NewQuery {
            method: q.method.to_string(),
            text: q.text.to_string(),
            country: q.country.to_string(),
            language: q.language.to_string(),
        })
        .collect()
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
                campaign::FAILURES_IN_A_ROW
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

/// Progress of the search stage: a bar on a terminal, nothing otherwise (the summary says it).
struct QueryBar {
    bar: Option<ProgressBar>,
    sites: AtomicUsize,
}

impl QueryBar {
    fn new(total: usize, quiet: bool) -> QueryBar {
        let bar = (!quiet && total > 0 && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} queries {pos}/{len} [{bar:30}] {msg} · eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        QueryBar {
            bar,
            sites: AtomicUsize::new(0),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl SearchProgress for QueryBar {
    fn query_done(&self, _query: &StoredQuery, new_sites: usize) {
        let sites = self.sites.fetch_add(new_sites, Ordering::Relaxed) + new_sites;
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(format!("{sites} new sites"));
        }
    }
}
