//! The fetcher: every request of the program goes through here, so politeness, robots.txt,
//! retries, timeouts, the body cap, redirects and the private-address guard cannot be bypassed.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use tokio::time::Instant;
use url::Url;

use super::decode::{self, DecodeError};
use super::guard::{GuardedResolver, Pin};
use super::polite::{HostKey, Politeness};
use super::retry;
use super::robots::{RobotsCache, Rules};

/// Time allowed to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed from sending a request to the response headers.
pub const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(20);
/// Time allowed for a whole response, body included.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(45);
/// Bytes read of a body (after decompression); the rest is not downloaded.
pub const BODY_CAP: u64 = 3 * 1024 * 1024;
/// Redirects followed for one page.
pub const MAX_REDIRECTS: usize = 5;
/// Retries after a timeout, a connection error, 429 or 5xx.
pub const RETRIES: u32 = 3;
/// First backoff; it doubles each retry (with jitter), up to [`BACKOFF_MAX`].
pub const BACKOFF_BASE: Duration = Duration::from_secs(1);
pub const BACKOFF_MAX: Duration = Duration::from_secs(60);
/// The longest `Retry-After` (or Crawl-delay) honoured; a longer one gives up on the page.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(120);
/// Pages failing in a row before a host is set aside for the rest of the run.
pub const FAILURES_BEFORE_SET_ASIDE: u32 = 3;
/// A request not answered within this gives its place under the concurrency cap to another
/// host (it goes on, within its own timeouts).
pub const SLOW_AFTER: Duration = Duration::from_secs(5);

/// Everything the fetcher needs to know; defaults are the named constants above.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub user_agent: String,
    pub per_host_interval: Duration,
    pub concurrency: usize,
    pub respect_robots: bool,
    pub allow_private: bool,
    pub pins: Vec<Pin>,
    /// Host names exempt from the private-address guard: ones the user configured
    /// (a self-hosted search backend), never ones found on the web.
    pub trusted_hosts: Vec<String>,
    pub connect_timeout: Duration,
    pub first_byte_timeout: Duration,
    pub total_timeout: Duration,
    pub body_cap: u64,
    pub max_redirects: usize,
    pub retries: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub retry_after_cap: Duration,
    pub failures_before_set_aside: u32,
    /// See [`SLOW_AFTER`].
    pub slow_after: Duration,
    /// Seed for the jitter (repeatable runs); `None` seeds from the system.
    pub seed: Option<u64>,
}

/// Request statistics for one host, added up over runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostStats {
    pub host: String,
    pub requests: u64,
    pub bytes: u64,
    pub errors: u64,
    pub last_error: Option<String>,
    pub elapsed_ms: u64,
}

impl FetchConfig {
    /// A configuration with the given politeness and the named constants for the rest.
    pub fn new(
        user_agent: &str,
        per_host_interval: Duration,
        concurrency: usize,
        respect_robots: bool,
        allow_private: bool,
    ) -> FetchConfig {
        FetchConfig {
            user_agent: user_agent.to_string(),
            per_host_interval,
            concurrency,
            respect_robots,
            allow_private,
            pins: Vec::new(),
            trusted_hosts: Vec::new(),
            connect_timeout: CONNECT_TIMEOUT,
            first_byte_timeout: FIRST_BYTE_TIMEOUT,
            total_timeout: TOTAL_TIMEOUT,
            body_cap: BODY_CAP,
            max_redirects: MAX_REDIRECTS,
            retries: RETRIES,
            backoff_base: BACKOFF_BASE,
            backoff_max: BACKOFF_MAX,
            retry_after_cap: RETRY_AFTER_CAP,
            failures_before_set_aside: FAILURES_BEFORE_SET_ASIDE,
            slow_after: SLOW_AFTER,
            seed: None,
        }
    }
}

/// A page as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub url: Url,
    /// Where the redirects ended.
    pub final_url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    /// The body decoded to UTF-8, for 2xx text responses.
    pub text: Option<String>,
    pub charset: Option<&'static str>,
    /// Body bytes received (after decompression).
    pub bytes: u64,
    /// The body was longer than the cap and was cut.
    pub truncated: bool,
}

/// Why a page could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("refused: {0}")]
    Blocked(String),
    #[error("robots.txt does not allow {0}")]
    Disallowed(String),
    #[error(
        "robots.txt of {origin} could not be read ({why}); the site is tried again on the next run"
    )]
    RobotsUnavailable { origin: String, why: String },
    #[error("robots.txt of {origin}: {why}")]
    RobotsUnreachable { origin: String, why: String },
    #[error("host set aside: {0}")]
    SetAside(String),
    #[error("timed out {0}")]
    Timeout(&'static str),
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("HTTP {0}")]
    Status(u16),
    #[error("redirect loop at {0}")]
    RedirectLoop(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("not a web page ({0})")]
    NotText(String),
    #[error(transparent)]
    Binary(#[from] DecodeError),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Worth another try (the server or the network may recover).
    fn transient(&self) -> bool {
        matches!(self, FetchError::Timeout(_) | FetchError::Connect(_))
    }

    /// Counts towards setting a host aside.
    fn host_failure(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout(_)
                | FetchError::Connect(_)
                | FetchError::Status(_)
                | FetchError::Other(_)
        )
    }
}

/// Whether a request that timed out is tried again. robots.txt is not: a server that does not
/// answer it in time is not waited for again and again (its site fails, naming robots.txt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Patience {
    Retry,
    NoRetryAfterTimeout,
}

/// One response, body read (or not, for redirects, errors and non-text).
struct Raw {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    retry_after: Option<Duration>,
    body: Vec<u8>,
    truncated: bool,
    not_text: bool,
}

pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    resolver: GuardedResolver,
    polite: Politeness,
    robots: RobotsCache,
    stats: Mutex<HashMap<String, HostStats>>,
    rng: Mutex<fastrand::Rng>,
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        install_crypto_provider();
        let resolver =
            GuardedResolver::new(&config.pins, config.allow_private, &config.trusted_hosts);
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .dns_resolver(Arc::new(resolver.clone()))
            .pool_max_idle_per_host(2)
            .build()
            .map_err(|e| FetchError::Other(format!("cannot set up HTTP: {e}")))?;
        Ok(Fetcher {
            client,
            polite: Politeness::new(config.per_host_interval, config.concurrency, config.seed),
            robots: RobotsCache::new(&config.user_agent),
            resolver,
            stats: Mutex::new(HashMap::new()),
            rng: Mutex::new(
                config
                    .seed
                    .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed),
            ),
            config,
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches a page: robots.txt checked, politely, with retries, following redirects.
    pub async fn get(&self, url: &Url) -> Result<Fetched, FetchError> {
        let mut current = url.clone();
        let mut seen: HashSet<Url> = HashSet::new();
        seen.insert(current.clone());
        for _ in 0..=self.config.max_redirects {
            self.check_url(&current)?;
            if self.config.respect_robots {
                self.robots_allow(&current).await?;
            }
            let raw = self.request(&current, Method::GET, Patience::Retry).await?;
            if (300..400).contains(&raw.status)
                && let Some(location) = &raw.location
            {
                let next = current
                    .join(location)
                    .map_err(|e| FetchError::Other(format!("bad redirect to `{location}`: {e}")))?;
                if !seen.insert(next.clone()) {
                    return Err(FetchError::RedirectLoop(next.to_string()));
                }
                current = next;
                continue;
            }
            if raw.not_text {
                return Err(FetchError::NotText(
                    raw.content_type.unwrap_or_else(|| "no content type".into()),
                ));
            }
            let mut fetched = Fetched {
                url: url.clone(),
                final_url: current,
                status: raw.status,
                content_type: raw.content_type,
                text: None,
                charset: None,
                bytes: raw.body.len() as u64,
                truncated: raw.truncated,
            };
            if (200..300).contains(&raw.status) {
                let html = fetched
                    .content_type
                    .as_deref()
                    .is_none_or(|c| !c.to_ascii_lowercase().starts_with("text/plain"));
                // Charset detection and decoding are CPU work: off the async workers.
                let content_type = fetched.content_type.clone();
                let body = raw.body;
                let decoded = tokio::task::spawn_blocking(move || {
                    decode::decode(&body, content_type.as_deref(), html)
                })
                .await
                .map_err(|e| FetchError::Other(format!("decoding crashed: {e}")))??;
                fetched.charset = Some(decoded.encoding);
                fetched.text = Some(decoded.text);
            }
            return Ok(fetched);
        }
        Err(FetchError::TooManyRedirects(self.config.max_redirects))
    }

    /// Where a search engine's redirect link leads (Baidu's `link?url=`): one HEAD request,
    /// politely and through the address guard, not followed further. robots.txt is not read
    /// for it: it stands for the one click a person would make on the result.
    pub async fn locate(&self, url: &Url) -> Result<Url, FetchError> {
        self.check_url(url)?;
        let raw = self.request(url, Method::HEAD, Patience::Retry).await?;
        match (&raw.location, raw.status) {
            (Some(location), 300..=399) => url
                .join(location)
                .map_err(|e| FetchError::Other(format!("bad redirect to `{location}`: {e}"))),
            (_, 200..=299) => Ok(url.clone()),
            (_, status) => Err(FetchError::Status(status)),
        }
    }

    /// Request statistics per host since the last call.
    pub fn take_stats(&self) -> Vec<HostStats> {
        let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        stats.drain().map(|(_, s)| s).collect()
    }

    /// Only http(s), and no IP literal the guard refuses (names are checked when resolved).
    fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Blocked(format!(
                "{url}: only http and https are fetched"
            )));
        }
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => None,
            None => return Err(FetchError::Blocked(format!("{url} has no host"))),
        };
        if let Some(ip) = ip {
            self.resolver
                .check(ip)
                .map_err(|e| FetchError::Blocked(e.0))?;
        }
        Ok(())
    }

    async fn robots_allow(&self, url: &Url) -> Result<(), FetchError> {
        let origin = url.origin().ascii_serialization();
        let rules = self
            .robots
            .rules(&origin, || async {
                let robots_url = url
                    .join("/robots.txt")
                    .map_err(|e| FetchError::Other(e.to_string()))?;
                self.fetch_robots(&robots_url).await
            })
            .await;
        match &*rules {
            Rules::All => Ok(()),
            Rules::Unavailable(why) => Err(FetchError::RobotsUnavailable {
                origin,
                why: why.clone(),
            }),
            Rules::Unreachable(e) => Err(match e {
                FetchError::Blocked(_) | FetchError::SetAside(_) => e.clone(),
                other => FetchError::RobotsUnreachable {
                    origin,
                    why: other.to_string(),
                },
            }),
            Rules::Parsed(robot) => {
                if robot.allowed(url.as_str()) {
                    Ok(())
                } else {
                    Err(FetchError::Disallowed(url.path().to_string()))
                }
            }
        }
    }

    /// robots.txt by RFC 9309: 2xx → its rules; 4xx → allow all; 5xx → disallow for now (the
    /// site is tried again next run); unreachable → the connection error, for the whole host.
    /// Redirects are followed (up to the limit).
    async fn fetch_robots(&self, robots_url: &Url) -> Result<Rules, FetchError> {
        let mut current = robots_url.clone();
        for _ in 0..=self.config.max_redirects {
            self.check_url(&current)?;
            let raw = match self
                .request(&current, Method::GET, Patience::NoRetryAfterTimeout)
                .await
            {
                Ok(raw) => raw,
                Err(FetchError::Status(code)) => {
                    return Ok(Rules::Unavailable(format!("HTTP {code}")));
                }
                // Unreachable (connection, timeout) or refused: the site cannot be visited.
                Err(e) => return Err(e),
            };
            match raw.status {
                300..=399 => match raw.location.and_then(|l| current.join(&l).ok()) {
                    Some(next) => current = next,
                    None => return Ok(Rules::All),
                },
                200..=299 => {
                    let rules = RobotsCache::parse(&self.config.user_agent, &raw.body);
                    if let Rules::Parsed(robot) = &rules
                        && let Some(delay) = robot.delay
                    {
                        let delay = Duration::from_secs_f32(delay.max(0.0))
                            .min(self.config.retry_after_cap);
                        let key = HostKey::of_host(robots_url.host_str().unwrap_or_default());
                        self.polite.set_crawl_delay(&key, delay).await;
                    }
                    return Ok(rules);
                }
                400..=499 => return Ok(Rules::All),
                code => return Ok(Rules::Unavailable(format!("HTTP {code}"))),
            }
        }
        Ok(Rules::All)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let backoff = retry::Backoff {
            base: self.config.backoff_base,
            max: self.config.backoff_max,
        };
        let jitter = 0.75 + self.rng.lock().unwrap_or_else(|p| p.into_inner()).f64() * 0.5;
        backoff.delay(attempt, jitter)
    }

    /// One URL, politely, with retries on timeouts (unless `patience` says otherwise),
    /// connection errors, 429 and 5xx.
    async fn request(
        &self,
        url: &Url,
        method: Method,
        patience: Patience,
    ) -> Result<Raw, FetchError> {
        let host = url.host_str().unwrap_or_default().to_string();
        let key = HostKey::of_host(&host);
        let limits = retry::Limits {
            retries: self.config.retries,
            max_wait: self.config.retry_after_cap,
            slow_after: self.config.slow_after,
        };
        let judge = |outcome: &Result<Raw, FetchError>, attempt: u32, took: Duration| {
            self.record(&key, took, outcome);
            match outcome {
                Ok(raw) if raw.status == 429 || raw.status >= 500 => {
                    Some(raw.retry_after.unwrap_or_else(|| self.backoff(attempt)))
                }
                Err(FetchError::Timeout(_)) if patience == Patience::NoRetryAfterTimeout => None,
                Err(e) if e.transient() => Some(self.backoff(attempt)),
                _ => None,
            }
        };
        let retry::Attempted {
            outcome,
            mut turn,
            wait,
            ..
        } = retry::in_turns(
            &self.polite,
            &key,
            limits,
            || self.send(url, method.clone()),
            judge,
        )
        .await
        .map_err(|e| FetchError::SetAside(e.0))?;
        let failure: Option<FetchError> = match (&outcome, wait) {
            (Ok(raw), Some(_)) => Some(FetchError::Status(raw.status)),
            (Err(e), _) if e.host_failure() => Some(e.clone()),
            _ => None,
        };
        let state = turn.state();
        match &failure {
            Some(e) => {
                state.consecutive_failures += 1;
                if state.consecutive_failures >= self.config.failures_before_set_aside {
                    state.set_aside = Some(format!(
                        "{} failures in a row (last: {e})",
                        state.consecutive_failures
                    ));
                }
            }
            None if outcome.is_ok() => state.consecutive_failures = 0,
            None => {}
        }
        turn.finish(wait);
        match failure {
            Some(e) => Err(e),
            None => outcome,
        }
    }

    fn record(&self, key: &HostKey, elapsed: Duration, outcome: &Result<Raw, FetchError>) {
        let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        let s = stats
            .entry(key.as_str().to_string())
            .or_insert_with(|| HostStats {
                host: key.as_str().to_string(),
                ..HostStats::default()
            });
        s.requests += 1;
        s.elapsed_ms += elapsed.as_millis() as u64;
        match outcome {
            Ok(raw) => {
                s.bytes += raw.body.len() as u64;
                if raw.status == 429 || raw.status >= 500 {
                    s.errors += 1;
                    s.last_error = Some(format!("HTTP {}", raw.status));
                }
            }
            Err(e) => {
                s.errors += 1;
                s.last_error = Some(e.to_string());
            }
        }
    }

    /// Sends one request and reads the response within the time limits.
    async fn send(&self, url: &Url, method: Method) -> Result<Raw, FetchError> {
        let deadline = Instant::now() + self.config.total_timeout;
        let request = self
            .client
            .request(method.clone(), url.clone())
            .header(
                ACCEPT,
                "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
            )
            .send();
        let first_byte = self
            .config
            .first_byte_timeout
            .min(self.config.total_timeout);
        let mut resp = match tokio::time::timeout(first_byte, request).await {
            Err(_) => return Err(FetchError::Timeout("waiting for the response")),
            Ok(Err(e)) => return Err(classify(&e)),
            Ok(Ok(resp)) => resp,
        };
        let status = resp.status().as_u16();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(CONTENT_TYPE);
        let mut raw = Raw {
            status,
            location: header(LOCATION),
            retry_after: header(RETRY_AFTER)
                .and_then(|v| retry::retry_after(&v, SystemTime::now())),
            content_type,
            body: Vec::new(),
            truncated: false,
            not_text: false,
        };
        if !(200..300).contains(&status) || method == Method::HEAD {
            return Ok(raw);
        }
        if !is_text(raw.content_type.as_deref()) {
            raw.not_text = true;
            return Ok(raw);
        }
        // Room for the announced length (within the cap), so the body is not copied as it
        // grows.
        let announced = resp.content_length().unwrap_or(0).min(self.config.body_cap);
        raw.body.reserve_exact(announced as usize);
        loop {
            match tokio::time::timeout_at(deadline, resp.chunk()).await {
                Err(_) => return Err(FetchError::Timeout("reading the page")),
                Ok(Err(e)) => return Err(classify(&e)),
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => {
                    let room = (self.config.body_cap as usize).saturating_sub(raw.body.len());
                    if chunk.len() >= room {
                        raw.body.extend_from_slice(&chunk[..room]);
                        raw.truncated = true;
                        break;
                    }
                    raw.body.extend_from_slice(&chunk);
                }
            }
        }
        Ok(raw)
    }
}

/// Chooses rustls's crypto provider (ring) for the process; every HTTP client calls this before
/// it is built (the first call wins, later ones do nothing).
pub(crate) fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Bodies we read: HTML, XHTML and plain text (no Content-Type: treated as HTML).
fn is_text(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        mime.as_str(),
        "text/html" | "application/xhtml+xml" | "text/plain" | ""
    )
}

fn classify(e: &reqwest::Error) -> FetchError {
    // The innermost cause says it best ("Connection refused", "connection reset by peer").
    let mut inner = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        inner = s.to_string();
        source = s.source();
    }
    let inner = match inner.find(" (os error") {
        Some(i) => inner[..i].to_string(),
        None => inner,
    };
    let mut chars = inner.chars();
    let short = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => inner,
    };
    if short.contains("local or private address") {
        FetchError::Blocked(short)
    } else if e.is_timeout() {
        FetchError::Timeout("connecting")
    } else if e.is_connect() || e.is_body() || e.is_request() || e.is_decode() {
        FetchError::Connect(short)
    } else {
        FetchError::Other(short)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types() {
        assert!(is_text(Some("text/html; charset=utf-8")));
        assert!(is_text(Some("application/xhtml+xml")));
        assert!(is_text(Some("TEXT/PLAIN")));
        assert!(is_text(None));
        assert!(!is_text(Some("application/pdf")));
        assert!(!is_text(Some("image/png")));
    }
}
