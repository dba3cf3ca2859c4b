//! `prospect harvest PLAN --urls FILE`: visit the listed company sites and store their pages.

use std::collections::HashSet;
use std::io::{IsTerminal, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::{BadInput, load_plan, store_path};
use crate::cli::HarvestArgs;
use prospect::extract::Domain;
use prospect::extract::domain::{home_of, parse_site_url};
use prospect::harvest::{self, HarvestOptions, Progress, SiteOutcome, Stop};
use prospect::net::{FetchConfig, Fetcher};
use prospect::score::Grader;
use prospect::store::{SiteStatus, StoreHandle};

pub fn run(args: &HarvestArgs, quiet: bool) -> Result<()> {
    let (plan, catalog) = load_plan(&args.plan, None)?;
    let grader = Arc::new(Grader::new(plan.clone(), Arc::new(catalog.lang)));
    let text = read_list(&args.urls)?;
    let mut excluded = harvest::domain_list(harvest::NON_PROSPECT_DOMAINS);
    excluded.extend(plan.exclude_domains.iter().cloned());

    // One site per registrable domain, in list order.
    let mut seen = HashSet::new();
    let mut sites = Vec::new();
    let mut skipped = 0;
    let list_name = args.urls.display().to_string();
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
        if harvest::is_excluded(&url, &excluded) {
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

    let path = store_path(&plan, &args.store);
    let store = StoreHandle::open(&path)?;
    let source = format!("urls:{list_name}");
    let listed: Vec<String> = sites.iter().map(|(d, _)| d.clone()).collect();
    let sites = store.call_blocking(move |s| {
        for (domain, home) in &sites {
            s.add_site(domain, home, &source)?;
        }
        let mut out = Vec::new();
        for domain in &listed {
            if let Some(site) = s.site(domain)? {
                out.push(site);
            }
        }
        Ok(out)
    })?;
    let to_visit = sites
        .iter()
        .filter(|s| match s.status {
            SiteStatus::Pending => true,
            SiteStatus::Done => args.refresh.is_some(),
            SiteStatus::Failed => args.retry_failed,
        })
        .count();
    if !quiet {
        eprintln!(
            "{} sites in the list ({} left out as not prospects), {} to visit; store: {}",
            sites.len(),
            skipped,
            to_visit,
            path.display()
        );
    }

    let config = FetchConfig::from_plan(&plan.fetch, args.resolve.clone());
    let opts = HarvestOptions {
        max_pages_per_site: plan.fetch.max_pages_per_site,
        refresh: args.refresh,
        retry_failed: args.retry_failed,
        parallel_sites: plan.fetch.concurrency * 4,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime.block_on(async {
        let fetcher = Arc::new(Fetcher::new(config)?);
        let stop = Stop::default();
        watch_ctrl_c(stop.clone(), quiet);
        let progress: Arc<dyn Progress> = Arc::new(Reporter::new(to_visit, quiet));
        let report = harvest::harvest(
            fetcher,
            store.clone(),
            sites,
            opts,
            progress.clone(),
            stop,
            Some(grader),
        )
        .await?;
        anyhow::Ok(report)
    })?;
    if !quiet {
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
    Ok(())
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
fn watch_ctrl_c(stop: Stop, quiet: bool) {
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
