//! The HTTP door of the search APIs (SearXNG, Brave, Serper, SerpApi): the API's pace,
//! retries with backoff after server errors and failed connections, timeouts, the user agent,
//! redirects only within the API's own host, a capped body, and failures described without
//! the URL (it can hold SerpApi's key). What a status means is `search::api`'s business.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use url::Url;

use super::fetch::install_crypto_provider;
use super::polite::{HostKey, Politeness};
use super::retry::{self, Backoff};

/// How a search API client is built.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub user_agent: String,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole answer, body included.
    pub request_timeout: Duration,
    /// Redirects followed, only to the host first asked.
    pub max_redirects: usize,
    /// Bytes of a body read at most; a longer answer is a failure.
    pub body_cap: usize,
    /// Never through a proxy (for a server on this machine).
    pub no_proxy: bool,
    /// The time between two requests at least.
    pub interval: Duration,
    /// Tries after a server error (5xx) or a connection that was never made.
    pub retries: u32,
    /// The wait before the first retry (doubling after).
    pub backoff: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One request to send.
#[derive(Debug, Clone, Copy)]
pub struct ApiRequest<'a> {
    pub method: Method,
    pub url: &'a Url,
    /// Sent in this order (names as in `Accept`, any case).
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a str>,
}

/// One answer as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiAnswer {
    pub status: u16,
    /// The first value of each header that is visible ASCII (names in lower case).
    pub headers: Vec<(String, String)>,
    /// The body, invalid UTF-8 replaced.
    pub body: String,
}

impl ApiAnswer {
    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a search API client could not be built, or a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiHttpError {
    #[error("cannot set up HTTP: {0}")]
    Setup(String),
    /// `after` is the whole answer's time, also when it was the connection that took too long.
    #[error("no answer within {} seconds", .after.as_secs())]
    Timeout { after: Duration, connect: bool },
    /// `why` is the innermost cause ("connection refused").
    #[error("{why}")]
    Failed { why: String, connect: bool },
    #[error("the answer is larger than {} MB", .cap >> 20)]
    TooLarge { cap: usize },
}

impl ApiHttpError {
    /// The connection was never made (the request did not reach the server): worth retrying.
    pub fn connect(&self) -> bool {
        match self {
            ApiHttpError::Timeout { connect, .. } | ApiHttpError::Failed { connect, .. } => {
                *connect
            }
            ApiHttpError::Setup(_) | ApiHttpError::TooLarge { .. } => false,
        }
    }

    /// What went wrong, for the caller's own message (without "cannot set up HTTP").
    pub fn why(&self) -> String {
        match self {
            ApiHttpError::Setup(why) => why.clone(),
            other => other.to_string(),
        }
    }
}

/// The pace of an API: one request at a time, `interval` apart (a little jitter on top).
fn pace(interval: Duration) -> Politeness {
    Politeness::new(interval, 1, None)
}

/// A client for one search API.
pub struct ApiHttp {
    http: reqwest::Client,
    request_timeout: Duration,
    body_cap: usize,
    /// The API's pace: one request at a time, at least the interval apart (the same turns as
    /// a web site's, for the API's own host).
    pace: Mutex<Arc<Politeness>>,
    retries: u32,
    backoff: Mutex<Duration>,
}

impl std::fmt::Debug for ApiHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiHttp")
            .field("request_timeout", &self.request_timeout)
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

impl ApiHttp {
    pub fn new(config: &ApiConfig) -> Result<ApiHttp, ApiHttpError> {
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.as_str())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(same_host_redirects(config.max_redirects));
        if config.no_proxy {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| ApiHttpError::Setup(describe(e)))?;
        Ok(ApiHttp {
            http,
            request_timeout: config.request_timeout,
            body_cap: config.body_cap,
            pace: Mutex::new(Arc::new(pace(config.interval))),
            retries: config.retries,
            backoff: Mutex::new(config.backoff),
        })
    }

    /// Requests at most one per `interval` from now on.
    pub fn set_interval(&self, interval: Duration) {
        *self.pace.lock().unwrap_or_else(|p| p.into_inner()) = Arc::new(pace(interval));
    }

    /// Waits `first` before the first retry (doubling after).
    pub fn set_backoff(&self, first: Duration) {
        *self.backoff.lock().unwrap_or_else(|p| p.into_inner()) = first;
    }

    /// Sends `req` at the API's pace, trying again after a server error (5xx) or a connection
    /// that was never made, up to the retries allowed (the program's one retry loop,
    /// [`retry::in_turns`]); returns the last outcome and the number of attempts.
    pub async fn exchange(&self, req: &ApiRequest<'_>) -> (Result<ApiAnswer, ApiHttpError>, u32) {
        let pace = self.pace.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let backoff = Backoff {
            base: *self.backoff.lock().unwrap_or_else(|p| p.into_inner()),
            max: Duration::MAX,
        };
        let limits = retry::Limits {
            retries: self.retries,
            max_wait: Duration::MAX,
            slow_after: Duration::MAX,
        };
        let key = HostKey::of_host(req.url.host_str().unwrap_or_default());
        let judge = |outcome: &Result<ApiAnswer, ApiHttpError>, attempt: u32, _| {
            let again = match outcome {
                Ok(answer) => answer.status >= 500,
                Err(failure) => failure.connect(),
            };
            again.then(|| backoff.delay(attempt, 1.0))
        };
        match retry::in_turns(&pace, &key, limits, || self.send(req), judge).await {
            Ok(last) => {
                last.turn.finish(None);
                (last.outcome, last.attempts)
            }
            // The API's host is never set aside (no failure counts towards it).
            Err(e) => (
                Err(ApiHttpError::Failed {
                    why: e.0,
                    connect: false,
                }),
                0,
            ),
        }
    }

    /// Sends `req` once and reads the whole answer (up to the body cap).
    pub async fn send(&self, req: &ApiRequest<'_>) -> Result<ApiAnswer, ApiHttpError> {
        let mut request = match req.method {
            Method::Post => self.http.post(req.url.clone()),
            Method::Get => self.http.get(req.url.clone()),
        };
        for (name, value) in req.headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = req.body {
            request = request.body(body.to_string());
        }
        let mut resp = request.send().await.map_err(|e| self.failure(e))?;
        let headers = resp
            .headers()
            .keys()
            .filter_map(|name| {
                let value = resp.headers().get(name)?.to_str().ok()?;
                Some((name.as_str().to_string(), value.to_string()))
            })
            .collect();
        let status = resp.status().as_u16();
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.failure(e))? {
            if bytes.len() + chunk.len() > self.body_cap {
                return Err(ApiHttpError::TooLarge { cap: self.body_cap });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(ApiAnswer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    fn failure(&self, e: reqwest::Error) -> ApiHttpError {
        let connect = e.is_connect();
        if e.is_timeout() {
            ApiHttpError::Timeout {
                after: self.request_timeout,
                connect,
            }
        } else {
            ApiHttpError::Failed {
                why: describe(e),
                connect,
            }
        }
    }
}

/// Follows up to `max` redirects, only to the host first asked (the key travels in headers).
fn same_host_redirects(max: usize) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let same_host = attempt
            .previous()
            .first()
            .is_some_and(|first| first.host_str() == attempt.url().host_str());
        if attempt.previous().len() > max {
            attempt.error("too many redirects")
        } else if same_host {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// The innermost cause of a reqwest error ("connection refused"), never with the URL (it can
/// hold SerpApi's key).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut why = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        why = s.to_string();
        source = s.source();
    }
    if let Some(i) = why.find(" (os error") {
        why.truncate(i);
    }
    let mut chars = why.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_by_any_case() {
        let answer = ApiAnswer {
            status: 429,
            headers: vec![("retry-after".into(), "5".into())],
            body: String::new(),
        };
        assert_eq!(answer.header("Retry-After"), Some("5"));
        assert_eq!(answer.header("x-ratelimit-reset"), None);
    }

    #[test]
    fn failures_read_well() {
        let e = ApiHttpError::Timeout {
            after: Duration::from_secs(60),
            connect: true,
        };
        assert_eq!(e.why(), "no answer within 60 seconds");
        assert!(e.connect());
        let e = ApiHttpError::TooLarge { cap: 8 << 20 };
        assert_eq!(e.why(), "the answer is larger than 8 MB");
        assert!(!e.connect());
        let e = ApiHttpError::Setup("no TLS".into());
        assert_eq!(e.why(), "no TLS");
        assert_eq!(e.to_string(), "cannot set up HTTP: no TLS");
    }
}
