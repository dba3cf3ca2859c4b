//! The HTTP side of the search APIs: one client for the plan's backend, paced at the backend's
//! rate, retrying server errors and failed connections, and turning HTTP statuses into
//! [`ApiError`]s a sales person can act on. The requests themselves go through
//! [`crate::net::api`].

use std::fmt;
use std::time::{Duration, UNIX_EPOCH};

use crate::net::retry;

use url::Url;

use super::{
    ApiError, BACKOFF, BODY_CAP, CONNECT_TIMEOUT, REQUEST_TIMEOUT, RETRIES, Rate, Request,
    Response, brave, default_rate, default_url, json, key_var, searxng, serpapi, serper, source_of,
};
use crate::net::api::{ApiAnswer, ApiConfig, ApiHttp, ApiHttpError, ApiRequest, Method};
use crate::plan::{self, Backend};
use crate::search::Source;

/// Redirects followed, only within the API's own host (the key travels in headers).
const MAX_REDIRECTS: usize = 3;

/// A request ready to send: what goes over the wire, and the URL to show and store.
pub(super) struct Prepared {
    pub post: bool,
    /// The URL sent (with SerpApi's key in it).
    pub url: Url,
    /// The URL without key or password.
    pub shown: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

impl Prepared {
    pub fn get(url: Url) -> Prepared {
        Prepared {
            post: false,
            shown: shown(&url),
            url,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn post_json(url: Url, body: String) -> Prepared {
        Prepared {
            post: true,
            shown: shown(&url),
            url,
            headers: vec![("Content-Type", "application/json".into())],
            body: Some(body),
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Prepared {
        self.headers.push((name, value.to_string()));
        self
    }
}

fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_password(None);
    url.to_string()
}

/// One answer as received.
struct Raw {
    status: u16,
    retry_after: Option<String>,
    reset: Option<String>,
    remaining: Option<String>,
    body: String,
}

impl Raw {
    fn of(answer: ApiAnswer) -> Raw {
        let header = |name: &str| answer.header(name).map(str::to_string);
        Raw {
            status: answer.status,
            retry_after: header("retry-after"),
            reset: header("x-ratelimit-reset"),
            remaining: header("x-ratelimit-remaining"),
            body: answer.body,
        }
    }
}

/// The plan's search API: one interface for SearXNG, Brave, Serper and SerpApi.
pub struct Client {
    backend: Backend,
    source: Source,
    endpoint: Url,
    key: Option<String>,
    http: ApiHttp,
    rate: Rate,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("backend", &self.backend)
            .field("endpoint", &shown(&self.endpoint))
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the plan's backend. The key comes from `env` (the process environment in
    /// the program: `&|v| std::env::var(v).ok()`); `search.url` replaces the API's address
    /// (for SearXNG it is the instance's base address).
    pub fn new(
        search: &plan::Search,
        user_agent: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Client, ApiError> {
        let backend = search.backend;
        let source = source_of(backend);
        let key = match key_var(backend) {
            None => None,
            Some(var) => Some(
                env(var)
                    .map(|k| k.trim().to_string())
                    .filter(|k| !k.is_empty())
                    .ok_or(ApiError::MissingKey {
                        backend: source,
                        var,
                    })?,
            ),
        };
        let endpoint = endpoint(backend, search.url.as_deref())?;
        let http = ApiHttp::new(&ApiConfig {
            user_agent: user_agent.to_string(),
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            max_redirects: MAX_REDIRECTS,
            body_cap: BODY_CAP,
            // A SearXNG on this machine is never reached through a proxy.
            no_proxy: is_loopback(&endpoint),
            interval: default_rate(backend).interval(),
            retries: RETRIES,
            backoff: BACKOFF,
        })
        .map_err(|e| ApiError::Setup(e.why()))?;
        let rate = default_rate(backend);
        Ok(Client {
            backend,
            source,
            endpoint,
            key,
            http,
            rate,
            clock: std::sync::Arc::new(crate::clock::SystemClock),
        })
    }

    /// Queries at `rate` instead of the backend's default.
    pub fn with_rate(mut self, rate: Rate) -> Client {
        self.rate = rate;
        self.http.set_interval(rate.interval());
        self
    }

    /// Waits `first` before the first retry (doubling after) instead of [`BACKOFF`].
    pub fn with_backoff(self, first: Duration) -> Client {
        self.http.set_backoff(first);
        self
    }

    /// Reads "now" (Unix seconds, for [`ApiError::RateLimited`]) from `clock` instead of the
    /// system's.
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn crate::clock::Clock>) -> Client {
        self.clock = clock;
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn source(&self) -> Source {
        self.source
    }

    /// The address queries go to (without any key).
    pub fn endpoint(&self) -> String {
        shown(&self.endpoint)
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// Page `page` (1-based; 0 is read as 1) of the results for `req`, at the backend's rate.
    /// Server errors (5xx) and failed connections are tried again [`RETRIES`] times.
    pub async fn search_page(&self, req: &Request, page: u32) -> Result<Response, ApiError> {
        let page = page.max(1);
        let prepared = self.prepare(req, page)?;
        let mut headers = vec![("Accept", "application/json")];
        headers.extend(prepared.headers.iter().map(|(n, v)| (*n, v.as_str())));
        let request = ApiRequest {
            method: if prepared.post {
                Method::Post
            } else {
                Method::Get
            },
            url: &prepared.url,
            headers: &headers,
            body: prepared.body.as_deref(),
        };
        let (outcome, attempts) = self.http.exchange(&request).await;
        let raw = outcome
            .map(Raw::of)
            .map_err(|f: ApiHttpError| ApiError::Network {
                backend: self.source,
                url: prepared.shown.clone(),
                why: f.why(),
            })?;
        self.interpret(raw, prepared, attempts)
    }

    fn prepare(&self, req: &Request, page: u32) -> Result<Prepared, ApiError> {
        let key = self.key.as_deref().unwrap_or_default();
        Ok(match self.backend {
            Backend::Searxng => searxng::prepare(&self.endpoint, req, page),
            Backend::Brave => brave::prepare(&self.endpoint, key, req, page)?,
            Backend::Serper => serper::prepare(&self.endpoint, key, req, page),
            Backend::Serpapi => serpapi::prepare(&self.endpoint, key, req, page),
        })
    }

    fn interpret(&self, raw: Raw, prepared: Prepared, attempts: u32) -> Result<Response, ApiError> {
        let backend = self.source;
        match (raw.status, key_var(self.backend)) {
            (200..=299, _) => {
                let page = json::parse_as(backend, &raw.body)?;
                Ok(Response {
                    page,
                    body: raw.body,
                    url: prepared.shown,
                })
            }
            (403, None) => Err(ApiError::JsonDisabled {
                url: self.endpoint(),
            }),
            (401 | 403, Some(var)) => Err(ApiError::Auth {
                backend,
                status: raw.status,
                var,
                message: json::error_message(&raw.body),
            }),
            (429, _) => Err(ApiError::RateLimited {
                backend,
                until: until(self.clock.now(), &raw),
                message: json::error_message(&raw.body),
            }),
            (500.., _) => Err(ApiError::Server {
                backend,
                status: raw.status,
                attempts,
            }),
            (status, _) => Err(ApiError::Refused {
                backend,
                status,
                message: json::error_message(&raw.body),
            }),
        }
    }
}

/// The address to send queries to: the plan's `search.url` or the API's own. An address
/// with no path gets the API's path (SearXNG: `/search` under the base).
fn endpoint(backend: Backend, url: Option<&str>) -> Result<Url, ApiError> {
    let raw = url
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(default_url(backend));
    let bad = |why: String| ApiError::BadUrl {
        url: raw.to_string(),
        why,
    };
    let mut url = Url::parse(raw).map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http and https addresses work".into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it names no server".into()));
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = match backend {
        Backend::Searxng => return Ok(searxng::endpoint(url)),
        Backend::Brave => brave::PATH,
        Backend::Serper => serper::PATH,
        Backend::Serpapi => serpapi::PATH,
    };
    if url.path() == "/" || url.path().is_empty() {
        url.set_path(path);
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// When a 429 ends (Unix seconds): `Retry-After` (seconds or an HTTP date), else Brave's
/// `X-RateLimit-Reset`, else the next midnight UTC (daily quotas reset then).
fn until(now: i64, raw: &Raw) -> i64 {
    raw.retry_after
        .as_deref()
        .and_then(|v| retry_after(now, v))
        .or_else(|| {
            raw.reset
                .as_deref()
                .and_then(|r| rate_limit_reset(r, raw.remaining.as_deref()))
                .map(|secs| now + secs)
        })
        .unwrap_or_else(|| next_midnight(now))
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`, as Unix seconds.
fn retry_after(now: i64, v: &str) -> Option<i64> {
    let now_time = UNIX_EPOCH + Duration::from_secs(u64::try_from(now).ok()?);
    let wait = retry::retry_after(v, now_time)?;
    Some(now.saturating_add(i64::try_from(wait.as_secs()).ok()?))
}

/// Brave's `X-RateLimit-Reset: 1, 1419704` gives the seconds until each window (a second, a
/// month) resets. The wait is the longest among the windows `X-RateLimit-Remaining` shows used
/// up; when it does not tell, the shortest (a per-second 429 must not stop a campaign for a
/// month; if the month is really used up, the next try says so again).
fn rate_limit_reset(reset: &str, remaining: Option<&str>) -> Option<i64> {
    let numbers = |s: &str| -> Option<Vec<i64>> {
        s.split(',')
            .map(|n| n.trim().parse::<i64>().ok().map(|n| n.max(0)))
            .collect()
    };
    let resets = numbers(reset).filter(|r| !r.is_empty())?;
    let spent = remaining
        .and_then(numbers)
        .filter(|r| r.len() == resets.len())
        .and_then(|remaining| {
            resets
                .iter()
                .zip(remaining)
                .filter(|(_, left)| *left <= 0)
                .map(|(reset, _)| *reset)
                .max()
        });
    spent.or_else(|| resets.iter().copied().min())
}

fn next_midnight(now: i64) -> i64 {
    (now.div_euclid(86_400) + 1) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_270_000; // 2026-01-01 12:20 UTC

    #[test]
    fn retry_after_seconds_or_date() {
        assert_eq!(retry_after(NOW, "120"), Some(NOW + 120));
        assert_eq!(
            retry_after(NOW, "Thu, 01 Jan 2026 13:00:00 GMT"),
            Some(1_767_272_400)
        );
        // A date already past: now.
        assert_eq!(retry_after(NOW, "Wed, 21 Oct 2015 07:28:00 GMT"), Some(NOW));
        assert_eq!(retry_after(NOW, "soon"), None);
    }

    #[test]
    fn brave_reset_windows() {
        assert_eq!(rate_limit_reset("1, 1419704", Some("0, 1000")), Some(1));
        assert_eq!(
            rate_limit_reset("1, 1419704", Some("1, 0")),
            Some(1_419_704)
        );
        assert_eq!(
            rate_limit_reset("1, 1419704", Some("0, 0")),
            Some(1_419_704)
        );
        assert_eq!(rate_limit_reset("1, 1419704", None), Some(1));
        assert_eq!(rate_limit_reset("1, 1419704", Some("garbage")), Some(1));
        assert_eq!(rate_limit_reset("30", None), Some(30));
        assert_eq!(rate_limit_reset("", None), None);
        assert_eq!(rate_limit_reset("x, 2", None), None);
    }

    #[test]
    fn until_falls_back_to_midnight() {
        let raw = |retry_after: Option<&str>, reset: Option<&str>| Raw {
            status: 429,
            retry_after: retry_after.map(str::to_string),
            reset: reset.map(str::to_string),
            remaining: None,
            body: String::new(),
        };
        assert_eq!(until(NOW, &raw(Some("5"), Some("1, 99"))), NOW + 5);
        assert_eq!(until(NOW, &raw(None, Some("1, 99"))), NOW + 1);
        assert_eq!(until(NOW, &raw(None, None)), 1_767_312_000);
        assert_eq!(until(NOW, &raw(Some("later"), None)), 1_767_312_000);
    }

    #[test]
    fn endpoints() {
        let e = |b, u: Option<&str>| endpoint(b, u).map(|u| u.to_string());
        assert_eq!(
            e(Backend::Searxng, None).unwrap(),
            "http://127.0.0.1:8888/search"
        );
        assert_eq!(
            e(Backend::Brave, None).unwrap(),
            "https://api.search.brave.com/res/v1/web/search"
        );
        assert_eq!(
            e(Backend::Serper, None).unwrap(),
            "https://google.serper.dev/search"
        );
        assert_eq!(
            e(Backend::Serpapi, None).unwrap(),
            "https://serpapi.com/search.json"
        );
        assert_eq!(
            e(Backend::Brave, Some("http://127.0.0.1:9000")).unwrap(),
            "http://127.0.0.1:9000/res/v1/web/search"
        );
        assert_eq!(
            e(Backend::Serpapi, Some("http://proxy.example/serp?x=1")).unwrap(),
            "http://proxy.example/serp"
        );
        assert!(matches!(
            endpoint(Backend::Serper, Some("ftp://x.example/")),
            Err(ApiError::BadUrl { .. })
        ));
        assert!(matches!(
            endpoint(Backend::Serper, Some("not a url")),
            Err(ApiError::BadUrl { .. })
        ));
    }

    #[test]
    fn keys_come_from_the_environment() {
        let search = |backend| plan::Search {
            backend,
            url: None,
            per_day: 100,
            pages: 1,
            interval: None,
        };
        let none = |_: &str| None;
        let e = Client::new(&search(Backend::Brave), "ua", &none).unwrap_err();
        assert_eq!(
            e.to_string(),
            "brave needs an API key: set the environment variable PROSPECT_BRAVE_KEY"
        );
        let blank = |_: &str| Some("  ".to_string());
        let e = Client::new(&search(Backend::Serpapi), "ua", &blank).unwrap_err();
        assert!(e.to_string().contains("PROSPECT_SERPAPI_KEY"), "{e}");
        let only_serper = |v: &str| (v == "PROSPECT_SERPER_KEY").then(|| "k".to_string());
        assert!(Client::new(&search(Backend::Serper), "ua", &only_serper).is_ok());
        assert!(Client::new(&search(Backend::Searxng), "ua", &none).is_ok());
    }

    #[test]
    fn queries_can_run_on_any_thread() {
        fn send_and_sync<T: Send + Sync>(_: &T) {}
        fn send<T: Send>(_: T) {}
        let search = plan::Search {
            backend: Backend::Searxng,
            url: None,
            per_day: 1,
            pages: 1,
            interval: None,
        };
        let client = Client::new(&search, "ua", &|_| None).unwrap();
        send_and_sync(&client);
        send(client.search_page(&Request::new("x"), 1));
    }
}
