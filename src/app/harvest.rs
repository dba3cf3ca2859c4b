//! `prospect harvest PLAN --urls FILE | --serp FILE...`: visit the sites in a list or in
//! saved result pages, store their pages and grade them. The visiting stage is shared with
//! `run`.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use url::Url;

use super::results::read_saved;
use super::{BadInput, load_plan, store_path};
use crate::cli::HarvestArgs;
use prospect::campaign;
use prospect::extract::Domain;
use prospect::extract::domain::{home_of, parse_site_url};
use prospect::harvest::{self, HarvestOptions, Progress, SiteOutcome, Stop};
use prospect::net::{FetchConfig, Fetcher};
use prospect::plan::Plan;
use prospect::score::Grader;
use prospect::search::{Outcome, ResultPage, Source};
use prospect::store::{NewQuery, Site, SiteStatus, StoreHandle};
use prospect::templates::expand::{self, Options};
use prospect::templates::{Catalog, Engine};

pub fn run(args: &HarvestArgs, quiet: bool) -> Result<()> {
    let (plan, catalog) = load_plan(&args.plan, None)?;
    let excluded = excluded_domains(&plan);
    let path = store_path(&plan, &args.store);
    let visiting = Visiting {
        plan: &plan,
        refresh: args.refresh,
        retry_failed: args.retry_failed,
        quiet,
    };
    let runtime = runtime()?;
    let fetcher = runtime.block_on(async {
        Fetcher::new(FetchConfig::from_plan(&plan.fetch, args.resolve.clone()))
    })?;
    let fetcher = Arc::new(fetcher);
    let (store, sites, skipped) = match &args.urls {
        Some(list) => {
            let (sites, skipped) = sites_in_list(list, &excluded)?;
            let store = StoreHandle::open(&path)?;
            let sites = add_listed(&store, sites, &format!("urls:{}", list.display()))?;
            (store, sites, Some(skipped))
        }
        None => {
            let pages = read_saved(&args.serp)?;
            let store = StoreHandle::open(&path)?;
            let sites = runtime.block_on(record_pages(
                &plan, &catalog, &fetcher, &store, pages, &excluded, quiet,
            ))?;
            (store, sites, None)
        }
    };
    if !quiet {
        let whence = match skipped {
            Some(n) => format!("in the list ({n} left out as not prospects)"),
            None => "in the result pages".to_string(),
        };
        eprintln!(
            "{} sites {whence}, {} to visit; store: {}",
            sites.len(),
            visiting.count(&sites),
            path.display()
        );
    }
    let grader = Arc::new(Grader::new(plan.clone(), Arc::new(catalog.lang)));
    let report = runtime.block_on(async {
        let stop = Stop::default();
        watch_ctrl_c(stop.clone(), quiet);
        visiting.visit(fetcher, store, sites, grader, stop).await
    })?;
    print_report(&report, quiet);
    Ok(())
}

/// The built-in list of sites that are never prospects, and the plan's `exclude_domains`.
pub(super) fn excluded_domains(plan: &Plan) -> HashSet<String> {
    let mut excluded = harvest::domain_list(harvest::NON_PROSPECT_DOMAINS);
    excluded.extend(plan.exclude_domains.iter().cloned());
    excluded
}

/// One site per registrable domain, in list order: (domain, home page); and how many were
/// left out as not prospects.
fn sites_in_list(
    list: &Path,
    excluded: &HashSet<String>,
) -> Result<(Vec<(String, String)>, usize)> {
    let text = read_list(list)?;
    let list_name = list.display().to_string();
    let mut seen = HashSet::new();
    let mut sites = Vec::new();
    let mut skipped = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let url = match parse_site_url(line) {
            Ok(u) => u,
            Err(e) => {
                eprintln!("{list_name}:{}: {e}; skipped", i + 1);
                continue;
            }
        };
        if harvest::is_excluded(&url, excluded) {
            skipped += 1;
            continue;
        }
        let host = url.host_str().unwrap_or_default().to_string();
        let domain = Domain::of_host_or_self(&host);
        if !seen.insert(domain.clone()) {
            continue;
        }
        sites.push((domain.to_string(), home_of(&url).to_string()));
    }
    if sites.is_empty() {
        return Err(BadInput(format!("{list_name}: no site to visit")).into());
    }
    Ok((sites, skipped))
}

/// Adds listed sites to the store (known ones keep their state) and returns them as stored.
fn add_listed(
    store: &StoreHandle,
    sites: Vec<(String, String)>,
    source: &str,
) -> Result<Vec<Site>> {
    let source = source.to_string();
    Ok(store.call_blocking(move |s| {
        for (domain, home) in &sites {
            s.add_site(domain, home, &source)?;
        }
        let mut out = Vec::new();
        for (domain, _) in &sites {
            if let Some(site) = s.site(domain)? {
                out.push(site);
            }
        }
        Ok(out)
    })?)
}

/// Records saved result pages in the store (each under the plan's query when it is one of
/// them) and returns the sites they name. Engine redirects that cannot be read offline
/// (Baidu) are resolved by one HEAD request each.
async fn record_pages(
    plan: &Plan,
    catalog: &Catalog,
    fetcher: &Fetcher,
    store: &StoreHandle,
    pages: Vec<(PathBuf, ResultPage)>,
    excluded: &HashSet<String>,
    quiet: bool,
) -> Result<Vec<Site>> {
    let mut known: HashMap<Source, HashMap<String, NewQuery>> = HashMap::new();
    let mut domains: Vec<String> = Vec::new();
    let (mut blocked, mut empty) = (0, 0);
    for (file, mut page) in pages {
        match &page.outcome {
            Outcome::Blocked(why) => {
                blocked += 1;
                eprintln!(
                    "{}: blocked by {} ({why}); open the query in the browser, answer the check, and save the page again",
                    file.display(),
                    page.source
                );
            }
            Outcome::Empty => empty += 1,
            Outcome::Results => {}
        }
        for hit in page.hits.iter_mut().filter(|h| h.redirect) {
            let Ok(url) = Url::parse(&hit.url) else {
                continue;
            };
            match fetcher.locate(&url).await {
                Ok(target) if target != url => {
                    hit.url = target.to_string();
                    hit.redirect = false;
                }
                Ok(_) => {}
                Err(e) => {
                    if !quiet {
                        eprintln!("{}: cannot follow {url}: {e}", file.display());
                    }
                }
            }
        }
        let plan_queries = known
            .entry(page.source)
            .or_insert_with(|| plan_queries(plan, catalog, page.source));
        let query = match &page.query {
            Some(text) => plan_queries
                .get(&query_key(text))
                .cloned()
                .unwrap_or_else(|| NewQuery {
                    text: text.clone(),
                    ..NewQuery::default()
                }),
            None => NewQuery {
                text: format!("(query not shown in {})", file.display()),
                ..NewQuery::default()
            },
        };
        for hit in &page.hits {
            if let Some((d, _)) = campaign::site_of(hit) {
                domains.push(d.to_string());
            }
        }
        let excluded = excluded.clone();
        store
            .call(move |s| campaign::record_page(s, &page, &query, &excluded))
            .await?;
    }
    if !quiet && (blocked > 0 || empty > 0) {
        eprintln!("result pages: {blocked} blocked, {empty} with no results");
    }
    let sites = store
        .call(move |s| {
            let mut seen = HashSet::new();
            let mut out = Vec::new();
            for d in domains.iter().filter(|d| seen.insert(d.as_str())) {
                if let Some(site) = s.site(d)? {
                    out.push(site);
                }
            }
            Ok(out)
        })
        .await?;
    Ok(sites)
}

/// The plan's queries for the engine a page came from, by [`query_key`].
fn plan_queries(plan: &Plan, catalog: &Catalog, source: Source) -> HashMap<String, NewQuery> {
    let engine = match source {
        Source::Bing => Engine::Bing,
        Source::Duckduckgo => Engine::Duckduckgo,
        Source::Yandex => Engine::Yandex,
        Source::Baidu => Engine::Baidu,
        Source::Brave => Engine::Brave,
        _ => Engine::Google,
    };
    let opts = Options {
        engine,
        methods: Vec::new(),
        countries: Vec::new(),
        max: None,
        year: expand::current_year(),
    };
    let mut out = HashMap::new();
    for q in expand::expand(plan, catalog, &opts).queries {
        out.entry(query_key(&q.text)).or_insert_with(|| NewQuery {
            method: q.method.to_string(),
            text: q.text.to_string(),
            country: q.country.to_string(),
            language: q.language.to_string(),
        });
    }
    out
}

/// A query's text compared loosely: case and spacing as engines echo them.
fn query_key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A multi-threaded runtime for the commands that fetch.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The visiting stage shared by `harvest` and `run`.
pub(super) struct Visiting<'a> {
    pub plan: &'a Plan,
    pub refresh: Option<Duration>,
    pub retry_failed: bool,
    pub quiet: bool,
}

impl Visiting<'_> {
    /// How many of `sites` this visit will go to.
    pub fn count(&self, sites: &[Site]) -> usize {
        sites
            .iter()
            .filter(|s| match s.status {
                SiteStatus::Pending => true,
                SiteStatus::Done => self.refresh.is_some(),
                SiteStatus::Failed => self.retry_failed,
            })
            .count()
    }

    /// Visits and grades the sites (those this visit goes to), with progress.
    pub async fn visit(
        &self,
        fetcher: Arc<Fetcher>,
        store: StoreHandle,
        sites: Vec<Site>,
        grader: Arc<Grader>,
        stop: Stop,
    ) -> Result<harvest::Report> {
        let opts = HarvestOptions {
            max_pages_per_site: self.plan.fetch.max_pages_per_site,
            refresh: self.refresh,
            retry_failed: self.retry_failed,
            parallel_sites: self.plan.fetch.concurrency * 4,
        };
        let progress: Arc<dyn Progress> = Arc::new(Reporter::new(self.count(&sites), self.quiet));
        let report =
            harvest::harvest(fetcher, store, sites, opts, progress, stop, Some(grader)).await?;
        Ok(report)
    }
}

/// The visiting stage's summary on stderr.
pub(super) fn print_report(report: &harvest::Report, quiet: bool) {
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
    if !report.grades.is_empty() {
        let grades: Vec<String> = report
            .grades
            .iter()
            .map(|(g, n)| format!("{n} {g}"))
            .collect();
        eprintln!("leads graded: {}", grades.join(", "));
    }
    if report.stopped {
        eprintln!("stopped; run the same command again to continue where it stopped");
    }
}

fn read_list(path: &std::path::Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the URL list from standard input")?;
        return Ok(s);
    }
    let bytes = std::fs::read(path)
        .map_err(|e| BadInput(format!("{}: cannot read the URL list: {e}", path.display())))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// First Ctrl-C: stop after the requests in flight. Second: quit at once.
pub(super) fn watch_ctrl_c(stop: Stop, quiet: bool) {
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

/// Progress: a bar on a terminal, a plain line every few seconds otherwise.
struct Reporter {
    bar: Option<ProgressBar>,
    quiet: bool,
    total: usize,
    sites: AtomicUsize,
    pages: AtomicUsize,
    errors: AtomicUsize,
    started: Instant,
    last_line: std::sync::Mutex<Instant>,
}

/// Seconds between plain progress lines when stderr is not a terminal.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(10);

impl Reporter {
    fn new(total: usize, quiet: bool) -> Reporter {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} sites {pos}/{len} [{bar:30}] {msg} · {per_sec} · eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Reporter {
            bar,
            quiet,
            total,
            sites: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            started: Instant::now(),
            last_line: std::sync::Mutex::new(Instant::now()),
        }
    }

    fn message(&self) -> String {
        format!(
            "{} pages, {} errors",
            self.pages.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed)
        )
    }
}

impl Progress for Reporter {
    fn page(&self, _url: &str, fetched: bool, error: Option<&str>) {
        if fetched {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        if error.is_some() {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(bar) = &self.bar {
            bar.set_message(self.message());
        }
    }

    fn site_done(&self, _domain: &str, _outcome: &SiteOutcome) {
        let done = self.sites.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
            if done == self.total {
                bar.finish_and_clear();
            }
        } else if !self.quiet {
            let mut last = self.last_line.lock().unwrap_or_else(|p| p.into_inner());
            if last.elapsed() >= PLAIN_PROGRESS_EVERY || done == self.total {
                *last = Instant::now();
                let secs = self.started.elapsed().as_secs_f64().max(0.001);
                eprintln!(
                    "sites {done}/{} · {} · {:.1} pages/s",
                    self.total,
                    self.message(),
                    self.pages.load(Ordering::Relaxed) as f64 / secs
                );
            }
        }
    }
}
