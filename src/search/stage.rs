//! The search stage: plan → queries → stored answers and found sites. The plan's queries go
//! to a search backend within its daily quota; every response is stored before it is used (so
//! no query is paid for twice and a stopped run resumes where it stopped), and the sites the
//! results name become candidates for the crawl stage. Result pages saved from a browser go
//! the same way through [`record_saved`].

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;

use url::Url;

use crate::control::{Excluded, Stop};
use crate::extract::Domain;
use crate::extract::domain::{home_of, parse_site_url};
use crate::net::Fetcher;
use crate::plan::Plan;
use crate::search::api::{self, ApiError};
use crate::search::{Hit, Outcome, ResultPage, Source};
use crate::store::{
    NewQuery, NewResult, QueryStatus, Site, Store, StoreError, StoreHandle, StoredQuery,
};
use crate::templates::expand::{self, Options};
use crate::templates::{Catalog, Engine};

/// Seconds in the window the daily quota counts.
pub const DAY: i64 = 86_400;

/// What the search stage asks: a search API (the plan's backend), or a stand-in in tests.
pub trait Searcher: Sync {
    /// The name its queries are stored under (`searxng`, `brave`, ...).
    fn name(&self) -> &'static str;
    /// One result page (1-based) of a query.
    fn search(
        &self,
        query: &StoredQuery,
        page: u32,
    ) -> impl Future<Output = Result<Answer, Failure>> + Send;
    /// Reads a stored response again.
    fn parse(&self, body: &str) -> Result<ResultPage, ApiError>;
}

/// A response as received: what to store, and what it says.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The request, without any key.
    pub url: String,
    pub body: String,
    pub page: ResultPage,
}

/// Why a search did not give a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The backend asks to wait (a 429) until this time (Unix seconds).
    Paused { until: i64, why: String },
    /// This query failed (a server error, an unreadable answer); it is asked again next run.
    Query(String),
    /// Nothing will work until the user acts (a key refused, JSON output disabled).
    Fatal(String),
    /// The backend has no further pages for this query: it is done.
    NoMorePages,
}

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Backend(String),
}

/// How the search stage ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Halt {
    /// `per_day` queries were sent in the last 24 hours; more may go at `until`.
    Quota { until: i64 },
    /// The backend asked to wait until `until`.
    Paused { until: i64, why: String },
    /// Stopped by the user.
    Interrupted,
    /// The backend failed [`FAILURES_IN_A_ROW`] queries in a row (down, unreachable).
    Failing { why: String },
}

/// A query as a plan names it: its text, country and language.
pub type QueryKey = (String, String, String);

/// Queries failing one after another that stop the search stage: the backend is down or
/// unreachable, and asking the rest would only spend their retries.
pub const FAILURES_IN_A_ROW: usize = 3;

#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// The time the stage starts (Unix seconds): the quota counts the 24 hours before it.
    pub now: i64,
    /// Queries (result pages) sent in any 24 hours at most.
    pub per_day: u32,
    /// Result pages per query at most.
    pub pages: u32,
    /// Domains that are never candidates.
    pub excluded: Excluded,
    /// Only these queries (text, country, language): the plan's current ones, so that a
    /// narrowed plan leaves the store's older queries alone. None: every open query.
    pub only: Option<HashSet<QueryKey>>,
}

/// What the search stage did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchReport {
    /// Queries finished in this run.
    pub queries_done: usize,
    /// Result pages requested from the backend (paid for).
    pub pages_requested: usize,
    /// Result pages read from the store instead.
    pub pages_reused: usize,
    pub results: usize,
    /// Sites the store did not know before.
    pub new_sites: usize,
    /// Queries the backend refused (asked again next run).
    pub blocked: usize,
    /// Queries that failed this time (asked again next run), with the last reason.
    pub failed: usize,
    pub last_failure: Option<String>,
    /// Queries left for another run.
    pub queries_left: usize,
    pub halt: Option<Halt>,
}

/// Told about each query as it finishes.
pub trait SearchProgress: Send + Sync {
    fn query_done(&self, _query: &StoredQuery, _new_sites: usize) {}
}

impl SearchProgress for crate::control::Silent {}

/// The plan's search API as the campaign's backend.
pub struct ApiSearcher(pub api::Client);

impl Searcher for ApiSearcher {
    fn name(&self) -> &'static str {
        self.0.backend().name()
    }

    fn search(
        &self,
        query: &StoredQuery,
        page: u32,
    ) -> impl Future<Output = Result<Answer, Failure>> + Send {
        let given = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let req = api::Request {
            query: query.text.clone(),
            country: given(&query.country),
            language: given(&query.language),
        };
        async move {
            match self.0.search_page(&req, page).await {
                Ok(r) => Ok(Answer {
                    url: r.url,
                    body: r.body,
                    page: r.page,
                }),
                Err(e @ ApiError::RateLimited { until, .. }) => Err(Failure::Paused {
                    until,
                    why: e.to_string(),
                }),
                Err(ApiError::PageOutOfRange { .. }) => Err(Failure::NoMorePages),
                Err(e) if e.needs_user() => Err(Failure::Fatal(e.to_string())),
                Err(e) => Err(Failure::Query(e.to_string())),
            }
        }
    }

    fn parse(&self, body: &str) -> Result<ResultPage, ApiError> {
        api::parse_as(self.0.source(), body)
    }
}

/// The store key that holds the time a paused backend may be asked again.
pub fn pause_key(backend: &str) -> String {
    format!("pause:{backend}")
}

/// When the result pages paid for in the 24 hours before `now` were asked, oldest first.
fn last_day(store: &Store, now: i64) -> Result<Vec<i64>, StoreError> {
    store.search_times_since(now - DAY + 1)
}

/// How many result pages were paid for in the 24 hours before `now` (what `per_day` counts).
pub fn quota_used(store: &Store, now: i64) -> Result<usize, StoreError> {
    Ok(last_day(store, now)?.len())
}

/// How many queries may still go out now, and if none, when the next one may.
pub fn quota(store: &Store, per_day: u32, now: i64) -> Result<(u32, Option<i64>), StoreError> {
    let times = last_day(store, now)?;
    let per_day = per_day as usize;
    if times.len() < per_day {
        return Ok(((per_day - times.len()) as u32, None));
    }
    // The window frees a place when the (len - per_day)-th oldest search leaves it.
    Ok((0, Some(times[times.len() - per_day] + DAY)))
}

/// Searches the store's open queries for `backend`, page by page, within the quota.
pub async fn search<B: Searcher>(
    backend: &B,
    store: &StoreHandle,
    opts: &SearchOptions,
    progress: &dyn SearchProgress,
    stop: &Stop,
) -> Result<SearchReport, CampaignError> {
    let name = backend.name();
    let now = opts.now;
    let paused: Option<i64> = store
        .call(move |s| s.state(&pause_key(name)))
        .await?
        .and_then(|v| v.parse().ok());
    let mut open = store.call(move |s| s.open_queries(name)).await?;
    if let Some(only) = &opts.only {
        open.retain(|q| only.contains(&(q.text.clone(), q.country.clone(), q.language.clone())));
    }
    let mut report = SearchReport {
        queries_left: open.len(),
        ..SearchReport::default()
    };
    if let Some(until) = paused.filter(|&t| t > now) {
        report.halt = Some(Halt::Paused {
            until,
            why: "the search backend asked to wait".into(),
        });
        return Ok(report);
    }
    let per_day = opts.per_day;
    let (left, next_free) = store.call(move |s| quota(s, per_day, now)).await?;
    let mut run = Searching {
        backend,
        store,
        opts,
        report,
        left,
        next_free,
        failures_in_a_row: 0,
    };
    for query in open {
        if stop.is_stopped() {
            run.report.halt = Some(Halt::Interrupted);
            break;
        }
        let new_sites = run.query(&query).await?;
        if run.report.halt.is_some() {
            break;
        }
        progress.query_done(&query, new_sites);
    }
    Ok(run.report)
}

/// The search stage under way: what it has done, and what the quota still allows.
struct Searching<'a, B> {
    backend: &'a B,
    store: &'a StoreHandle,
    opts: &'a SearchOptions,
    report: SearchReport,
    /// Result pages that may still be asked within the quota.
    left: u32,
    /// When the quota frees a place, once it is spent.
    next_free: Option<i64>,
    failures_in_a_row: usize,
}

/// How asking for one result page ended.
enum Asked {
    /// The page (from the store, or paid for and stored).
    Page(ResultPage),
    /// The query stops here: its status and note (a failure, the quota, a pause, no more
    /// pages).
    Stop(QueryStatus, Option<String>),
}

impl<B: Searcher> Searching<'_, B> {
    /// One query, page by page, up to the plan's pages; stores how far it got. Returns how
    /// many sites it found that the store did not know.
    async fn query(&mut self, query: &StoredQuery) -> Result<usize, CampaignError> {
        let (mut status, mut note) = (QueryStatus::Done, None);
        let mut read = query.pages;
        let mut new_sites = 0;
        while read < self.opts.pages {
            let page_no = read + 1;
            let page = match self.page(query, page_no).await? {
                Asked::Page(page) => page,
                Asked::Stop(s, n) => {
                    (status, note) = (s, n);
                    break;
                }
            };
            match &page.outcome {
                // Not an answer: the page is asked again next run (it does not count as read).
                Outcome::Blocked(why) => {
                    self.report.blocked += 1;
                    (status, note) = (QueryStatus::Blocked, Some(why.clone()));
                    break;
                }
                Outcome::Empty => {
                    read = page_no;
                    break;
                }
                Outcome::Results => {
                    read = page_no;
                    let added = self.found(query.id, &page).await?;
                    new_sites += added;
                    if page.hits.is_empty() {
                        break;
                    }
                }
            }
        }
        let (id, note2) = (query.id, note.clone());
        self.store
            .call(move |s| s.set_query_status(id, status, read, note2.as_deref()))
            .await?;
        if status == QueryStatus::Done {
            self.report.queries_done += 1;
            self.report.queries_left -= 1;
        }
        Ok(new_sites)
    }

    /// A result page: read again from the store when it was paid for before (and was an
    /// answer), else asked within the quota and stored before it is used.
    async fn page(&mut self, query: &StoredQuery, page_no: u32) -> Result<Asked, CampaignError> {
        let id = query.id;
        let stored = self.store.call(move |s| s.response(id, page_no)).await?;
        if let Some(Ok(page)) = stored.map(|body| self.backend.parse(&body))
            && !page.blocked()
        {
            self.report.pages_reused += 1;
            return Ok(Asked::Page(page));
        }
        if self.left == 0 {
            let until = self.next_free.unwrap_or(self.opts.now + DAY);
            self.report.halt = Some(Halt::Quota { until });
            return Ok(Asked::Stop(QueryStatus::Pending, None));
        }
        match self.backend.search(query, page_no).await {
            Ok(answer) => {
                self.failures_in_a_row = 0;
                self.paid().await?;
                let results = results_of(&answer.page);
                let Answer { url, body, page } = answer;
                self.store
                    .call(move |s| s.save_response(id, page_no, &url, &body, &results))
                    .await?;
                Ok(Asked::Page(page))
            }
            Err(Failure::Paused { until, why }) => {
                let (value, name) = (until.to_string(), self.backend.name());
                self.store
                    .call(move |s| s.set_state(&pause_key(name), Some(&value)))
                    .await?;
                self.report.halt = Some(Halt::Paused { until, why });
                Ok(Asked::Stop(QueryStatus::Pending, None))
            }
            Err(Failure::Query(why)) => {
                self.report.failed += 1;
                self.report.last_failure = Some(why.clone());
                self.failures_in_a_row += 1;
                if self.failures_in_a_row >= FAILURES_IN_A_ROW {
                    self.report.halt = Some(Halt::Failing { why: why.clone() });
                }
                Ok(Asked::Stop(QueryStatus::Pending, Some(why)))
            }
            Err(Failure::Fatal(why)) => Err(CampaignError::Backend(why)),
            Err(Failure::NoMorePages) => Ok(Asked::Stop(QueryStatus::Done, None)),
        }
    }

    /// Counts a result page paid for against the quota; when the quota is spent, learns when
    /// it frees a place.
    async fn paid(&mut self) -> Result<(), CampaignError> {
        self.left -= 1;
        self.report.pages_requested += 1;
        if self.left == 0 {
            let (per_day, now) = (self.opts.per_day, self.opts.now);
            let (_, free) = self.store.call(move |s| quota(s, per_day, now)).await?;
            self.next_free = free;
        }
        Ok(())
    }

    /// Adds the sites a page of results names; returns how many were new.
    async fn found(&mut self, query_id: i64, page: &ResultPage) -> Result<usize, CampaignError> {
        self.report.results += page.hits.len();
        let hits = page.hits.clone();
        let excluded = self.opts.excluded.clone();
        let added = self
            .store
            .call(move |s| add_sites(s, query_id, &hits, &excluded))
            .await?;
        self.report.new_sites += added;
        Ok(added)
    }
}

/// The results of a page as stored, with the registrable domain of each target.
pub fn results_of(page: &ResultPage) -> Vec<NewResult> {
    page.hits
        .iter()
        .map(|h| NewResult {
            rank: h.rank,
            url: h.url.clone(),
            title: h.title.clone(),
            snippet: h.snippet.clone(),
            domain: site_of(h).map(|(d, _)| d.to_string()),
            ad: h.ad,
        })
        .collect()
}

/// The site a result points at: its registrable domain and home page. None for engine
/// redirects not resolved yet and for addresses that are not web sites.
pub fn site_of(hit: &Hit) -> Option<(Domain, Url)> {
    if hit.redirect {
        return None;
    }
    let url = parse_site_url(&hit.url).ok()?;
    let host = url.host_str()?.to_string();
    Some((Domain::of_host_or_self(&host), home_of(&url)))
}

/// Adds the sites a query's results name (not excluded ones). Returns how many were new.
pub fn add_sites(
    store: &mut Store,
    query_id: i64,
    hits: &[Hit],
    excluded: &Excluded,
) -> Result<usize, StoreError> {
    let mut new = 0;
    for hit in hits {
        let Some((domain, home)) = site_of(hit) else {
            continue;
        };
        if excluded.contains(&home) {
            continue;
        }
        if store.add_found_site(&domain, home.as_str(), query_id)? {
            new += 1;
        }
    }
    Ok(new)
}

/// The plan's queries for `engine`, the most productive methods first (each method's queries
/// stay in their order, by country): the order the search stage asks them in over the days
/// the quota allows.
pub fn plan_queries(plan: &Plan, catalog: &Catalog, engine: Engine, year: i32) -> Vec<NewQuery> {
    let mut queries = expanded(plan, catalog, engine, year);
    queries.sort_by_key(|q| catalog.get(&q.method).map_or(u32::MAX, |t| t.rank));
    queries
}

/// The plan's queries for `engine` in the order of the expansion (by method, then country).
fn expanded(plan: &Plan, catalog: &Catalog, engine: Engine, year: i32) -> Vec<NewQuery> {
    let opts = Options {
        engine,
        methods: Vec::new(),
        countries: Vec::new(),
        max: None,
        year,
    };
    expand::expand(plan, catalog, &opts)
        .queries
        .into_iter()
        .map(|q| NewQuery {
            method: q.method.to_string(),
            text: q.text.to_string(),
            country: q.country.to_string(),
            language: q.language.to_string(),
        })
        .collect()
}

/// What recording saved result pages did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedReport {
    /// The sites the pages name, as stored, once each, in page order.
    pub sites: Vec<Site>,
    /// Pages that are not answers (captcha, consent wall): file, engine and reason.
    pub blocked: Vec<(PathBuf, Source, String)>,
    /// Pages whose engine found nothing.
    pub empty: usize,
    /// Engine redirects that could not be followed: file, address and why.
    pub unresolved: Vec<(PathBuf, String)>,
}

/// Records result pages saved from a browser (or API answers saved to files) in the store,
/// each under the plan's query when its query is one of the plan's, and returns the sites
/// they name. Engine redirects that cannot be read offline (Baidu) are resolved by one HEAD
/// request each.
pub async fn record_saved(
    plan: &Plan,
    catalog: &Catalog,
    fetcher: &Fetcher,
    store: &StoreHandle,
    pages: Vec<(PathBuf, ResultPage)>,
    excluded: &Excluded,
    year: i32,
) -> Result<SavedReport, StoreError> {
    let mut known: HashMap<Source, HashMap<String, NewQuery>> = HashMap::new();
    let mut domains: Vec<Domain> = Vec::new();
    let mut report = SavedReport::default();
    for (file, mut page) in pages {
        match &page.outcome {
            Outcome::Blocked(why) => report
                .blocked
                .push((file.clone(), page.source, why.clone())),
            Outcome::Empty => report.empty += 1,
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
                Err(e) => report
                    .unresolved
                    .push((file.clone(), format!("cannot follow {url}: {e}"))),
            }
        }
        let queries = known.entry(page.source).or_insert_with(|| {
            expanded(plan, catalog, page.source.engine(), year)
                .into_iter()
                .map(|q| (query_key(&q.text), q))
                .rev()
                .collect()
        });
        let query = match &page.query {
            Some(text) => queries
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
        domains.extend(page.hits.iter().filter_map(|h| Some(site_of(h)?.0)));
        let excluded = excluded.clone();
        store
            .call(move |s| record_page(s, &page, &query, &excluded))
            .await?;
    }
    report.sites = store
        .call(move |s| {
            let mut seen = HashSet::new();
            let mut out = Vec::new();
            for d in domains.iter().filter(|d| seen.insert(*d)) {
                out.extend(s.site(d)?);
            }
            Ok(out)
        })
        .await?;
    Ok(report)
}

/// A query's text compared loosely: case and spacing as engines echo them.
fn query_key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Records a result page saved from a browser under its query (`query` as the plan
/// expanded it when the page's query is one of the plan's), and adds the sites it names.
/// Returns how many sites were new.
pub fn record_page(
    store: &mut Store,
    page: &ResultPage,
    query: &NewQuery,
    excluded: &Excluded,
) -> Result<usize, StoreError> {
    let id = store.query_id(page.source.name(), query)?;
    store.save_results(id, &results_of(page))?;
    let (status, note) = match &page.outcome {
        Outcome::Blocked(why) => (QueryStatus::Blocked, Some(why.as_str())),
        _ => (QueryStatus::Done, None),
    };
    store.set_query_status(id, status, 1, note)?;
    add_sites(store, id, &page.hits, excluded)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Answers from a script: per query text, the pages (None = empty page); records calls.
    struct Fake {
        calls: Mutex<Vec<(String, u32)>>,
        fail: Option<Failure>,
        /// Answers with a captcha page instead of results.
        blocked: bool,
    }

    impl Fake {
        fn new() -> Fake {
            Fake {
                calls: Mutex::new(Vec::new()),
                fail: None,
                blocked: false,
            }
        }
        fn calls(&self) -> Vec<(String, u32)> {
            self.calls.lock().unwrap().clone()
        }
    }

    fn page_for(text: &str, page: u32) -> ResultPage {
        let hits: Vec<Hit> = if page <= 2 {
            (1..=3)
                .map(|i| Hit {
                    rank: i,
                    title: format!("{text} {i}"),
                    url: format!("https://{}-{page}-{i}.de/x", text.replace(' ', "-")),
                    snippet: String::new(),
                    ad: false,
                    redirect: false,
                })
                .collect()
        } else {
            Vec::new()
        };
        ResultPage {
            source: Source::Searxng,
            query: Some(text.into()),
            outcome: if hits.is_empty() {
                Outcome::Empty
            } else {
                Outcome::Results
            },
            hits,
        }
    }

    impl Searcher for Fake {
        fn name(&self) -> &'static str {
            "searxng"
        }
        fn search(
            &self,
            query: &StoredQuery,
            page: u32,
        ) -> impl Future<Output = Result<Answer, Failure>> + Send {
            self.calls.lock().unwrap().push((query.text.clone(), page));
            let result = match &self.fail {
                Some(f) => Err(f.clone()),
                None if self.blocked => Ok(Answer {
                    url: format!("fake:{}:{page}", query.text),
                    body: "captcha".into(),
                    page: self.parse("captcha").unwrap(),
                }),
                None => Ok(Answer {
                    url: format!("fake:{}:{page}", query.text),
                    body: format!("{}\n{page}", query.text),
                    page: page_for(&query.text, page),
                }),
            };
            async move { result }
        }
        fn parse(&self, body: &str) -> Result<ResultPage, ApiError> {
            let bad = || ApiError::Unrecognized {
                start: body.to_string(),
            };
            if body == "captcha" {
                return Ok(ResultPage {
                    source: Source::Searxng,
                    query: None,
                    outcome: Outcome::Blocked("captcha".into()),
                    hits: Vec::new(),
                });
            }
            let (text, page) = body.split_once('\n').ok_or_else(bad)?;
            Ok(page_for(text, page.parse().map_err(|_| bad())?))
        }
    }

    fn setup(n: usize) -> (tempfile::TempDir, StoreHandle) {
        let dir = tempfile::tempdir().unwrap();
        let clock = std::sync::Arc::new(crate::clock::FixedClock(NOW));
        let store = StoreHandle::open(&dir.path().join("c.sqlite"), clock).unwrap();
        let queries: Vec<NewQuery> = (0..n)
            .map(|i| NewQuery {
                method: "importers".into(),
                text: format!("q{i}"),
                country: "DE".into(),
                language: "de".into(),
            })
            .collect();
        store
            .call_blocking(move |s| s.add_queries("searxng", &queries))
            .unwrap();
        (dir, store)
    }

    /// The tests' time: 2026-12-01 12:00 UTC.
    const NOW: i64 = 1_796_126_400;

    fn opts(per_day: u32, pages: u32) -> SearchOptions {
        SearchOptions {
            now: NOW,
            per_day,
            pages,
            excluded: Excluded::default(),
            only: None,
        }
    }

    #[tokio::test]
    async fn quota_stops_the_day_and_a_rerun_pays_for_nothing_twice() {
        let (_dir, store) = setup(4);
        let fake = Fake::new();
        let stop = Stop::default();
        let r = search(&fake, &store, &opts(5, 3), &crate::control::Silent, &stop)
            .await
            .unwrap();
        // q0: pages 1, 2 and an empty 3; q1: pages 1, 2; then the quota is spent.
        assert_eq!(r.pages_requested, 5);
        assert_eq!(r.queries_done, 1);
        assert_eq!(r.new_sites, 12);
        let Some(Halt::Quota { until }) = r.halt else {
            panic!("{r:?}")
        };
        assert!(until > NOW + DAY - 60, "{until}");
        // Again: the quota is still spent and nothing is asked.
        let r = search(&fake, &store, &opts(5, 3), &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert_eq!(r.pages_requested, 0);
        assert!(matches!(r.halt, Some(Halt::Quota { .. })));
        assert_eq!(fake.calls().len(), 5);
        // A bigger quota: q1 continues at its page 3, nothing is asked twice.
        let r = search(&fake, &store, &opts(100, 3), &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert_eq!(r.halt, None);
        assert_eq!(r.queries_done, 3);
        let calls = fake.calls();
        let unique: HashSet<_> = calls.iter().collect();
        assert_eq!(unique.len(), calls.len(), "{calls:?}");
        assert!(calls.contains(&("q1".into(), 3)));
        let again = search(&fake, &store, &opts(100, 3), &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert_eq!((again.pages_requested, again.queries_done), (0, 0));
    }

    #[tokio::test]
    async fn a_429_pauses_the_backend_and_a_refused_key_ends_the_run() {
        let (_dir, store) = setup(2);
        let stop = Stop::default();
        let until = NOW + 3600;
        let mut fake = Fake::new();
        fake.fail = Some(Failure::Paused {
            until,
            why: "429".into(),
        });
        let r = search(&fake, &store, &opts(10, 1), &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert!(matches!(r.halt, Some(Halt::Paused { until: u, .. }) if u == until));
        // The pause is remembered: the next run does not ask at all.
        let calm = Fake::new();
        let r = search(&calm, &store, &opts(10, 1), &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert!(matches!(r.halt, Some(Halt::Paused { .. })));
        assert!(calm.calls().is_empty());
        store
            .call_blocking(|s| s.set_state(&pause_key("searxng"), None))
            .unwrap();
        let mut fatal = Fake::new();
        fatal.fail = Some(Failure::Fatal("key refused".into()));
        let err = search(&fatal, &store, &opts(10, 1), &crate::control::Silent, &stop)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("key refused"));
        let mut flaky = Fake::new();
        flaky.fail = Some(Failure::Query("HTTP 500".into()));
        let r = search(&flaky, &store, &opts(10, 1), &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert_eq!((r.failed, r.queries_left), (2, 2));
        assert_eq!(r.halt, None);
    }

    /// A blocked answer is not a searched query: the next run asks the same page again.
    #[tokio::test]
    async fn a_blocked_page_is_asked_again_on_the_next_run() {
        let (_dir, store) = setup(2);
        let stop = Stop::default();
        let mut captcha = Fake::new();
        captcha.blocked = true;
        let r = search(
            &captcha,
            &store,
            &opts(100, 1),
            &crate::control::Silent,
            &stop,
        )
        .await
        .unwrap();
        assert_eq!((r.blocked, r.queries_done, r.queries_left), (2, 0, 2));
        let fine = Fake::new();
        let r = search(&fine, &store, &opts(100, 1), &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert_eq!(fine.calls(), [("q0".to_string(), 1), ("q1".to_string(), 1)]);
        assert_eq!((r.queries_done, r.results), (2, 6));
    }

    #[tokio::test]
    async fn only_the_plans_current_queries_are_searched() {
        let (_dir, store) = setup(4);
        let stop = Stop::default();
        let fake = Fake::new();
        let mut o = opts(100, 1);
        o.only = Some(
            ["q1", "q3"]
                .map(|t| (t.to_string(), "DE".to_string(), "de".to_string()))
                .into(),
        );
        let r = search(&fake, &store, &o, &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert_eq!((r.queries_done, r.queries_left), (2, 0));
        assert_eq!(fake.calls(), [("q1".to_string(), 1), ("q3".to_string(), 1)]);
    }

    #[tokio::test]
    async fn a_backend_that_keeps_failing_stops_the_search_stage() {
        let (_dir, store) = setup(10);
        let stop = Stop::default();
        let mut down = Fake::new();
        down.fail = Some(Failure::Query("cannot reach searxng".into()));
        let r = search(&down, &store, &opts(100, 1), &crate::control::Silent, &stop)
            .await
            .unwrap();
        assert_eq!(down.calls().len(), FAILURES_IN_A_ROW);
        assert!(matches!(r.halt, Some(Halt::Failing { .. })), "{r:?}");
        assert_eq!(r.queries_left, 10);
    }
}
