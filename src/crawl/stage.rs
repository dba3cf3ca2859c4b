//! The crawl stage: found sites → stored pages. Each site's home page, then the pages that
//! matter (catalogue first), each stored as soon as it is fetched; a site is done when its
//! pages are stored (grading is the score stage's). Stopping and running again picks up where
//! it stopped: a stored page is never fetched again (unless older than `refresh`).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

use crate::clock::Clock;
use crate::control::Stop;
use crate::extract::Domain;
use crate::extract::links::{self, PageKind};
use crate::net::{FetchError, Fetcher};
use crate::store::{Page, Site, SiteStatus, StoreError, StoreHandle};

#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// When pages are fetched (their time in the store).
    pub clock: Arc<dyn Clock>,
    /// The words that name the pages worth reading.
    pub lexicon: Arc<links::Lexicon>,
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

impl Progress for crate::control::Silent {}

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

/// What a crawl did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    pub sites_done: usize,
    pub sites_failed: usize,
    pub sites_pending: usize,
    pub pages_fetched: usize,
    pub pages_reused: usize,
    pub page_errors: usize,
    pub stopped: bool,
}

/// Page counts of one site visit: fetched, reused from the store, failed.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    fetched: usize,
    reused: usize,
    errors: usize,
}

struct Visit {
    fetcher: Arc<Fetcher>,
    store: StoreHandle,
    opts: CrawlOptions,
    progress: Arc<dyn Progress>,
    stop: Stop,
    /// Pages read (HTML parsed) at the same time at most: one per core, so that memory does
    /// not follow the number of sites visited at once.
    reading: Arc<Semaphore>,
}

/// Whether a crawl with `opts` visits a site in this state.
pub fn visits(site: &Site, opts: &CrawlOptions) -> bool {
    match site.status {
        SiteStatus::Pending => true,
        SiteStatus::Done => opts.refresh.is_some(),
        SiteStatus::Failed => opts.retry_failed,
    }
}

/// Visits the sites (pending ones; failed ones too with `retry_failed`, done ones with
/// `refresh`), storing every page as it comes.
pub async fn run(
    fetcher: Arc<Fetcher>,
    store: StoreHandle,
    sites: Vec<Site>,
    opts: CrawlOptions,
    progress: Arc<dyn Progress>,
    stop: Stop,
) -> Result<CrawlReport, StoreError> {
    let limit = Arc::new(Semaphore::new(opts.parallel_sites.max(1)));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let visit = Arc::new(Visit {
        reading: Arc::new(Semaphore::new(cores)),
        fetcher,
        store,
        opts,
        progress,
        stop: stop.clone(),
    });
    let mut tasks = JoinSet::new();
    for site in sites {
        if !visits(&site, &visit.opts) {
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
    let mut report = CrawlReport::default();
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok((outcome, counts))) => {
                report.pages_fetched += counts.fetched;
                report.pages_reused += counts.reused;
                report.page_errors += counts.errors;
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
    /// One site: home page, then the chosen pages. Returns the outcome and page counts.
    async fn site(&self, site: &Site) -> Result<(SiteOutcome, Counts), StoreError> {
        let mut counts = Counts::default();
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
        let picks = self.read_home(&site.domain, home, base.clone()).await?;
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
                    self.record_documents(&site.domain, page).await?;
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

    /// Reads the home page (on a blocking thread: it is HTML work): the pages to visit next,
    /// and the documents it links to, which are recorded.
    async fn read_home(
        &self,
        domain: &Domain,
        home: Page,
        base: Url,
    ) -> Result<Vec<links::PageLink>, StoreError> {
        let max = self.opts.max_pages_per_site.saturating_sub(1);
        let found_on = home.url.clone();
        let lexicon = self.opts.lexicon.clone();
        let (picks, documents) = self
            .blocking(move || {
                let html = home.body.as_deref().unwrap_or_default();
                let picks = links::pick_pages(&base, html, max, &lexicon);
                (picks, documents_of(&home))
            })
            .await?;
        self.save_documents(domain, found_on, documents).await?;
        Ok(picks)
    }

    /// Records the links to documents (PDF catalogues, price lists) a page shows (read on a
    /// blocking thread).
    async fn record_documents(&self, domain: &Domain, page: Page) -> Result<(), StoreError> {
        let found_on = page.url.clone();
        let documents = self.blocking(move || documents_of(&page)).await?;
        self.save_documents(domain, found_on, documents).await
    }

    async fn save_documents(
        &self,
        domain: &Domain,
        found_on: String,
        documents: Vec<String>,
    ) -> Result<(), StoreError> {
        if documents.is_empty() {
            return Ok(());
        }
        let domain = domain.clone();
        self.store
            .call(move |s| s.add_documents(&domain, &found_on, &documents))
            .await
    }

    /// Runs HTML work on a blocking thread, off the async workers, one per core at a time.
    async fn blocking<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, StoreError> {
        let crashed = |e: String| StoreError::Other {
            path: Default::default(),
            message: format!("reading a page crashed: {e}"),
        };
        let permit = self.reading.clone().acquire_owned().await;
        let permit = permit.map_err(|e| crashed(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let r = work();
            drop(permit);
            r
        })
        .await
        .map_err(|e| crashed(e.to_string()))
    }

    async fn finish(
        &self,
        site: &Site,
        outcome: SiteOutcome,
        counts: Counts,
    ) -> Result<(SiteOutcome, Counts), StoreError> {
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
        self.progress.site_done(site.domain.as_str(), &outcome);
        Ok((outcome, counts))
    }

    /// A page from the store if it is there (and fresh), else fetched and stored.
    /// `Err(outcome)` when the site cannot go on (stopped, robots.txt unavailable, set aside).
    async fn page(
        &self,
        domain: &Domain,
        url: &Url,
        kind: PageKind,
        counts: &mut Counts,
    ) -> Result<Result<Page, SiteOutcome>, StoreError> {
        let key = url.to_string();
        let stored = self.store.call(move |s| s.page(&key)).await?;
        if let Some(page) = stored {
            let fresh = self
                .opts
                .refresh
                .is_none_or(|age| self.opts.clock.now() - page.fetched_at < age.as_secs() as i64);
            let retry = self.opts.retry_failed && page.error.is_some();
            if fresh && !retry {
                counts.reused += 1;
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
        let mut page = Page::new(
            url.as_str(),
            domain.clone(),
            kind.name(),
            self.opts.clock.now(),
        );
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
        counts.fetched += 1;
        if page.error.is_some() {
            counts.errors += 1;
        }
        // The page goes to the store's thread and comes back (a 3 MB body is not copied).
        let page = self
            .store
            .call(move |s| s.save_page(&page).map(|()| page))
            .await?;
        self.progress
            .page(url.as_str(), true, page.error.as_deref());
        Ok(Ok(page))
    }
}

/// The documents (PDF catalogues, price lists) a stored page links to.
fn documents_of(page: &Page) -> Vec<String> {
    let (Some(body), Some(base)) = (
        &page.body,
        Url::parse(page.final_url.as_deref().unwrap_or(&page.url)).ok(),
    ) else {
        return Vec::new();
    };
    links::document_links(&base, body)
        .iter()
        .map(Url::to_string)
        .collect()
}
