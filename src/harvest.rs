//! Visiting company sites: the home page, then the pages that matter (catalogue first), each
//! stored as soon as it is fetched. Stopping and running again picks up where it stopped:
//! a stored page is never fetched again (unless older than `refresh`).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

use crate::extract::Domain;
use crate::extract::links::{self, PageKind};
use crate::net::{FetchError, Fetcher};
use crate::score::{self, Grader, lead};
use crate::store::{self, Page, Site, SiteStatus, StoreError, StoreHandle};

/// The built-in list of domains that are never leads (search engines, social networks,
/// marketplaces, news, encyclopaedias, file hosts).
pub const NON_PROSPECT_DOMAINS: &str =
    include_str!("../query-templates/data/non-prospect-domains.txt");

/// The domains of a list file: one per line, `#` comments.
pub fn domain_list(text: &str) -> HashSet<String> {
    text.lines()
        .map(|l| {
            l.split('#')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Whether a site is excluded: its registrable domain (or the host itself) is on the list.
pub fn is_excluded(url: &Url, excluded: &HashSet<String>) -> bool {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches("www.");
    excluded.contains(host) || Domain::of_url(url).is_some_and(|d| excluded.contains(d.as_str()))
}

#[derive(Debug, Clone)]
pub struct HarvestOptions {
    /// Pages read per site, the home page included.
    pub max_pages_per_site: usize,
    /// Re-fetch stored pages older than this.
    pub refresh: Option<Duration>,
    /// Visit sites that failed before, and re-fetch pages that failed.
    pub retry_failed: bool,
    /// Sites visited at the same time (politeness still limits each host).
    pub parallel_sites: usize,
}

/// Told about progress; committed state comes first, then the report.
pub trait Progress: Send + Sync {
    fn page(&self, _url: &str, _fetched: bool, _error: Option<&str>) {}
    fn site_done(&self, _domain: &str, _outcome: &SiteOutcome) {}
}

/// Progress that says nothing.
pub struct Silent;
impl Progress for Silent {}

/// How a site visit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteOutcome {
    Done {
        pages: usize,
    },
    Failed(String),
    /// Left pending (robots.txt unavailable, or the run was stopped).
    Pending(String),
}

/// What a harvest did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub sites_done: usize,
    pub sites_failed: usize,
    pub sites_pending: usize,
    pub pages_fetched: usize,
    pub pages_reused: usize,
    pub page_errors: usize,
    pub stopped: bool,
    /// Leads graded this run, by grade (A, B, C, D, X).
    pub grades: std::collections::BTreeMap<String, usize>,
}

/// A site visit: how it ended, pages fetched, reused, failed, and the grade given.
type Visited = (SiteOutcome, usize, usize, usize, Option<String>);

/// Set to stop: in-flight requests finish, no new ones start.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

struct Visit {
    fetcher: Arc<Fetcher>,
    store: StoreHandle,
    grader: Option<Arc<Grader>>,
    opts: HarvestOptions,
    progress: Arc<dyn Progress>,
    stop: Stop,
}

/// Visits the sites (pending ones; failed ones too with `retry_failed`), storing every page;
/// with a grader, grades each site visited and stores its lead.
pub async fn harvest(
    fetcher: Arc<Fetcher>,
    store: StoreHandle,
    sites: Vec<Site>,
    opts: HarvestOptions,
    progress: Arc<dyn Progress>,
    stop: Stop,
    grader: Option<Arc<Grader>>,
) -> Result<Report, StoreError> {
    let limit = Arc::new(Semaphore::new(opts.parallel_sites.max(1)));
    let visit = Arc::new(Visit {
        fetcher,
        store,
        grader,
        opts,
        progress,
        stop: stop.clone(),
    });
    let mut tasks = JoinSet::new();
    for site in sites {
        let done = site.status == SiteStatus::Done;
        let failed = site.status == SiteStatus::Failed;
        if (done && visit.opts.refresh.is_none()) || (failed && !visit.opts.retry_failed) {
            continue;
        }
        let visit = visit.clone();
        let permit = limit.clone().acquire_owned().await.ok();
        if stop.is_stopped() {
            break;
        }
        tasks.spawn(async move {
            let result = visit.site(&site).await;
            drop(permit);
            result
        });
    }
    let mut report = Report::default();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok((outcome, fetched, reused, errors, grade))) => {
                if let Some(g) = grade {
                    *report.grades.entry(g).or_default() += 1;
                }
                report.pages_fetched += fetched;
                report.pages_reused += reused;
                report.page_errors += errors;
                match outcome {
                    SiteOutcome::Done { .. } => report.sites_done += 1,
                    SiteOutcome::Failed(_) => report.sites_failed += 1,
                    SiteOutcome::Pending(_) => report.sites_pending += 1,
                }
            }
            Ok(Err(e)) => {
                stop.stop();
                first_error.get_or_insert(e);
            }
            Err(join) => {
                stop.stop();
                first_error.get_or_insert(StoreError::Other {
                    path: Default::default(),
                    message: format!("a site visit crashed: {join}"),
                });
            }
        }
    }
    let stats = visit.fetcher.take_stats();
    visit
        .store
        .call(move |s| {
            for h in &stats {
                s.add_host_stats(h)?;
            }
            Ok(())
        })
        .await?;
    if let Some(e) = first_error {
        return Err(e);
    }
    report.stopped = stop.is_stopped();
    Ok(report)
}

impl Visit {
    /// One site: home page, then the chosen pages. Returns the outcome and page counts
    /// (fetched, reused, errors).
    async fn site(&self, site: &Site) -> Result<Visited, StoreError> {
        let mut counts = (0, 0, 0);
        let Ok(home_url) = Url::parse(&site.home_url) else {
            let outcome = SiteOutcome::Failed(format!("`{}` is not a web address", site.home_url));
            return self.finish(site, outcome, counts).await;
        };
        let home = match self
            .page(&site.domain, &home_url, PageKind::Home, &mut counts)
            .await?
        {
            Ok(page) => page,
            Err(outcome) => return self.finish(site, outcome, counts).await,
        };
        if let Some(error) = &home.error {
            let outcome = SiteOutcome::Failed(format!("home page: {error}"));
            return self.finish(site, outcome, counts).await;
        }
        let base = home
            .final_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or(home_url.clone());
        let html = home.body.clone().unwrap_or_default();
        let picks = links::pick_pages(&base, &html, self.opts.max_pages_per_site.saturating_sub(1));
        self.record_documents(&site.domain, &home).await?;
        let mut pages = 1;
        for pick in picks {
            if pick.url == home_url || pick.url == base {
                continue;
            }
            match self
                .page(&site.domain, &pick.url, pick.kind, &mut counts)
                .await?
            {
                Ok(page) => {
                    pages += 1;
                    self.record_documents(&site.domain, &page).await?;
                }
                Err(outcome @ SiteOutcome::Pending(_)) => {
                    return self.finish(site, outcome, counts).await;
                }
                Err(SiteOutcome::Failed(why)) => {
                    // The host was set aside mid-visit: what we have is kept, the site failed.
                    return self.finish(site, SiteOutcome::Failed(why), counts).await;
                }
                Err(SiteOutcome::Done { .. }) => {}
            }
        }
        self.finish(site, SiteOutcome::Done { pages }, counts).await
    }

    /// Records the links to documents (PDF catalogues, price lists) a page shows.
    async fn record_documents(&self, domain: &str, page: &Page) -> Result<(), StoreError> {
        let (Some(body), Some(base)) = (
            &page.body,
            Url::parse(page.final_url.as_deref().unwrap_or(&page.url)).ok(),
        ) else {
            return Ok(());
        };
        let documents: Vec<String> = links::document_links(&base, body)
            .iter()
            .map(Url::to_string)
            .collect();
        if documents.is_empty() {
            return Ok(());
        }
        let (domain, found_on) = (domain.to_string(), page.url.clone());
        self.store
            .call(move |s| s.add_documents(&domain, &found_on, &documents))
            .await
    }

    async fn finish(
        &self,
        site: &Site,
        outcome: SiteOutcome,
        counts: (usize, usize, usize),
    ) -> Result<Visited, StoreError> {
        let (status, reason) = match &outcome {
            SiteOutcome::Done { .. } => (SiteStatus::Done, None),
            SiteOutcome::Failed(why) => (SiteStatus::Failed, Some(why.clone())),
            SiteOutcome::Pending(why) => (SiteStatus::Pending, Some(why.clone())),
        };
        let domain = site.domain.clone();
        let stats = self.fetcher.take_stats();
        self.store
            .call(move |s| {
                s.set_site_status(&domain, status, reason.as_deref())?;
                for h in &stats {
                    s.add_host_stats(h)?;
                }
                Ok(())
            })
            .await?;
        let grade = match (&outcome, &self.grader) {
            (SiteOutcome::Done { .. }, Some(grader)) => {
                Some(self.grade(grader.clone(), &site.domain).await?)
            }
            _ => None,
        };
        self.progress.site_done(&site.domain, &outcome);
        Ok((outcome, counts.0, counts.1, counts.2, grade))
    }

    /// Grades a visited site from its stored pages (on a blocking thread: it is CPU work)
    /// and stores the lead; returns the grade.
    async fn grade(&self, grader: Arc<Grader>, domain: &str) -> Result<String, StoreError> {
        let d = domain.to_string();
        let pages = self.store.call(move |s| s.pages_of(&d)).await?;
        let d = domain.to_string();
        let graded = tokio::task::spawn_blocking(move || {
            let lead = grader.grade(&d, &score::pages_from_store(&pages));
            let json = lead::to_json(&lead, &crate::clock::today()).to_string();
            (lead.grade.to_string(), json)
        })
        .await
        .map_err(|e| StoreError::Other {
            path: Default::default(),
            message: format!("grading {domain} crashed: {e}"),
        })?;
        let (grade, json) = graded;
        let (d, g) = (domain.to_string(), grade.clone());
        self.store.call(move |s| s.save_lead(&d, &g, &json)).await?;
        Ok(grade)
    }

    /// A page from the store if it is there (and fresh), else fetched and stored.
    /// `Err(outcome)` when the site cannot go on (stopped, robots.txt unavailable, set aside).
    async fn page(
        &self,
        domain: &str,
        url: &Url,
        kind: PageKind,
        counts: &mut (usize, usize, usize),
    ) -> Result<Result<Page, SiteOutcome>, StoreError> {
        let key = url.to_string();
        let stored = self.store.call(move |s| s.page(&key)).await?;
        if let Some(page) = stored {
            let fresh = self
                .opts
                .refresh
                .is_none_or(|age| store::now() - page.fetched_at < age.as_secs() as i64);
            let retry = self.opts.retry_failed && page.error.is_some();
            if fresh && !retry {
                counts.1 += 1;
                self.progress
                    .page(url.as_str(), false, page.error.as_deref());
                return Ok(Ok(page));
            }
        }
        if self.stop.is_stopped() {
            return Ok(Err(SiteOutcome::Pending(
                "stopped before it was finished".into(),
            )));
        }
        let result = self.fetcher.get(url).await;
        let mut page = Page {
            url: url.to_string(),
            domain: domain.to_string(),
            kind: kind.name().to_string(),
            fetched_at: store::now(),
            ..Page::default()
        };
        match result {
            Ok(f) => {
                page.final_url = Some(f.final_url.to_string());
                page.status = Some(f.status);
                page.content_type = f.content_type;
                page.charset = f.charset.map(str::to_string);
                page.bytes = f.bytes;
                page.body = f.text;
                if !(200..300).contains(&f.status) {
                    page.error = Some(format!("HTTP {}", f.status));
                }
            }
            Err(FetchError::RobotsUnavailable { origin, why }) => {
                let why = format!(
                    "robots.txt of {origin} could not be read ({why}); tried again next run"
                );
                return Ok(Err(SiteOutcome::Pending(why)));
            }
            Err(FetchError::SetAside(why)) => return Ok(Err(SiteOutcome::Failed(why))),
            Err(e) => page.error = Some(e.to_string()),
        }
        counts.0 += 1;
        if page.error.is_some() {
            counts.2 += 1;
        }
        let saved = page.clone();
        self.store.call(move |s| s.save_page(&saved)).await?;
        self.progress
            .page(url.as_str(), true, page.error.as_deref());
        Ok(Ok(page))
    }
}
