//! Search APIs (SearXNG, Brave, Serper, SerpApi) behind one interface, and their JSON.
//!
//! [`Client`] sends one query page to the plan's backend, at the backend's own rate
//! ([`default_rate`]), and gives back the parsed [`ResultPage`] with the raw JSON (the caller
//! stores it, so no query is ever paid twice). [`parse_json`] reads a saved response of any
//! of the four APIs, recognised by its content. The daily quota (`search.per_day`) is the
//! caller's business (it is counted in the campaign store).

mod brave;
mod client;
mod json;
mod searxng;
mod serpapi;
mod serper;

use std::fmt;
use std::time::Duration;

pub use client::Client;
pub use json::{parse_as, parse_json};

use super::{ResultPage, Source};
use crate::plan::Backend;

/// Environment variable holding the Brave Search API key.
pub const BRAVE_KEY_VAR: &str = "PROSPECT_BRAVE_KEY";
/// Environment variable holding the Serper API key.
pub const SERPER_KEY_VAR: &str = "PROSPECT_SERPER_KEY";
/// Environment variable holding the SerpApi key.
pub const SERPAPI_KEY_VAR: &str = "PROSPECT_SERPAPI_KEY";

/// Time allowed to open a connection to a search API.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for a whole answer (SerpApi can take a while when Google is slow).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Tries after the first one when the API answers 5xx or cannot be connected to.
pub const RETRIES: u32 = 2;
/// Wait before the first retry; it doubles for the next.
pub const BACKOFF: Duration = Duration::from_millis(500);
/// Bytes read of an answer at most (API pages are tens of kilobytes).
pub const BODY_CAP: usize = 8 * 1024 * 1024;

/// One query to run: the text as it should be searched, and where.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    pub query: String,
    /// ISO 3166-1 alpha-2 (`DE`), any case.
    pub country: Option<String>,
    /// ISO 639-1 (`de`), any case.
    pub language: Option<String>,
}

impl Request {
    pub fn new(query: impl Into<String>) -> Request {
        Request {
            query: query.into(),
            country: None,
            language: None,
        }
    }

    /// The country, upper case, when it is two ASCII letters.
    fn country_code(&self) -> Option<String> {
        self.country
            .as_deref()
            .map(str::trim)
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase)
    }

    /// The language, lower case, when it is two or three ASCII letters.
    fn language_code(&self) -> Option<String> {
        self.language
            .as_deref()
            .map(str::trim)
            .filter(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(str::to_ascii_lowercase)
    }
}

/// One page of results from an API.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub page: ResultPage,
    /// The answer as received (JSON): store it, so the query is never paid for twice.
    pub body: String,
    /// The request URL, without the API key.
    pub url: String,
}

/// How many queries a backend is sent in a period, at most (spread evenly, no bursts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub queries: u32,
    pub per: Duration,
}

impl Rate {
    /// The pause between two queries.
    pub fn interval(self) -> Duration {
        self.per / self.queries.max(1)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = crate::plan::format_duration(self.per);
        match (self.queries, per.as_str()) {
            (1, "1s") => f.write_str("1 query a second"),
            (1, _) => write!(f, "1 query every {per}"),
            (n, "1s") => write!(f, "{n} queries a second"),
            (n, _) => write!(f, "{n} queries per {per}"),
        }
    }
}

/// The rate a backend is queried at by default:
///
/// * SearXNG: 1 query every 2 seconds. It is free, but every query fans out to the engines
///   behind it (Google, Bing, …), which block an instance that asks too fast.
/// * Brave: 1 query a second (the free plan's limit).
/// * Serper: 5 queries a second (well under its plans' limits).
/// * SerpApi: 1 query a second (its plans are small; it also caps queries per hour).
pub fn default_rate(backend: Backend) -> Rate {
    match backend {
        Backend::Searxng => searxng::RATE,
        Backend::Brave => brave::RATE,
        Backend::Serper => serper::RATE,
        Backend::Serpapi => serpapi::RATE,
    }
}

/// The environment variable with the backend's API key (SearXNG needs none).
pub fn key_var(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Searxng => None,
        Backend::Brave => Some(BRAVE_KEY_VAR),
        Backend::Serper => Some(SERPER_KEY_VAR),
        Backend::Serpapi => Some(SERPAPI_KEY_VAR),
    }
}

/// The API's own address, used when the plan has no `search.url`.
pub fn default_url(backend: Backend) -> &'static str {
    match backend {
        Backend::Searxng => crate::plan::DEFAULT_SEARXNG_URL,
        Backend::Brave => brave::ENDPOINT,
        Backend::Serper => serper::ENDPOINT,
        Backend::Serpapi => serpapi::ENDPOINT,
    }
}

/// The [`Source`] a backend's pages carry.
pub fn source_of(backend: Backend) -> Source {
    match backend {
        Backend::Searxng => Source::Searxng,
        Backend::Brave => Source::Brave,
        Backend::Serper => Source::Serper,
        Backend::Serpapi => Source::Serpapi,
    }
}

/// Why a search API gave no page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("{backend} needs an API key: set the environment variable {var}")]
    MissingKey { backend: Source, var: &'static str },
    #[error(
        "{backend} did not accept the API key (HTTP {status}){}: check the environment variable {var}",
        detail(.message)
    )]
    Auth {
        backend: Source,
        status: u16,
        var: &'static str,
        message: Option<String>,
    },
    #[error(
        "JSON output is disabled on this SearXNG instance ({url}): add `json` to `search: formats:` \
         in its settings.yml (formats: [html, json]) and restart SearXNG"
    )]
    JsonDisabled { url: String },
    #[error(
        "{backend} takes no more queries for now (HTTP 429{}): try again after {}",
        .message.as_deref().map(|m| format!(": {m}")).unwrap_or_default(),
        utc(*.until)
    )]
    RateLimited {
        backend: Source,
        /// When to try again (Unix seconds).
        until: i64,
        message: Option<String>,
    },
    #[error(
        "{backend} has a server problem (HTTP {status}), still after {attempts} tries: try again later"
    )]
    Server {
        backend: Source,
        status: u16,
        attempts: u32,
    },
    #[error("{backend} refused the query (HTTP {status}){}", detail(.message))]
    Refused {
        backend: Source,
        status: u16,
        message: Option<String>,
    },
    #[error("{backend} reported an error: {message}")]
    Reported { backend: Source, message: String },
    #[error("{} is not valid {} JSON ({why}); it starts: {start}",
        .backend.map_or("the answer".to_string(), |b| format!("{b}'s answer")),
        .backend.map_or("search API".to_string(), |b| b.to_string()))]
    Malformed {
        backend: Option<Source>,
        why: String,
        start: String,
    },
    #[error("not an answer of SearXNG, Brave, Serper or SerpApi; it starts: {start}")]
    Unrecognized { start: String },
    #[error("cannot reach {backend} at {url}: {why}")]
    Network {
        backend: Source,
        url: String,
        why: String,
    },
    #[error(
        "{backend} gives at most {max} pages of results for a query (page {page} was asked for)"
    )]
    PageOutOfRange {
        backend: Source,
        page: u32,
        max: u32,
    },
    #[error("the search address `{url}` cannot be used: {why}")]
    BadUrl { url: String, why: String },
    #[error("{0} is a search engine's own page, not a search API")]
    NotAnApi(Source),
    #[error("cannot set up HTTP: {0}")]
    Setup(String),
}

impl ApiError {
    /// A setting is wrong (key, address, SearXNG's formats): no query can succeed until the
    /// user fixes it, so a campaign should stop and say so.
    pub fn needs_user(&self) -> bool {
        matches!(
            self,
            ApiError::MissingKey { .. }
                | ApiError::Auth { .. }
                | ApiError::JsonDisabled { .. }
                | ApiError::BadUrl { .. }
                | ApiError::Setup(_)
        )
    }
}

fn detail(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(" ({m})"))
        .unwrap_or_default()
}

/// Unix seconds as `2026-01-31 17:05 UTC`.
pub fn utc(secs: i64) -> String {
    let (y, m, d) = crate::clock::civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        s / 3600,
        s % 3600 / 60
    )
}

/// The first characters of a body, on one line, for error messages.
fn start_of(body: &str) -> String {
    const MAX: usize = 120;
    let flat: String = body
        .trim_start_matches('\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if flat.is_empty() {
        return "(nothing)".into();
    }
    match flat.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_well() {
        assert_eq!(
            default_rate(Backend::Searxng).to_string(),
            "1 query every 2s"
        );
        assert_eq!(default_rate(Backend::Brave).to_string(), "1 query a second");
        assert_eq!(
            default_rate(Backend::Serper).to_string(),
            "5 queries a second"
        );
        assert_eq!(
            default_rate(Backend::Serpapi).to_string(),
            "1 query a second"
        );
        assert_eq!(
            default_rate(Backend::Serper).interval(),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn times_in_utc() {
        assert_eq!(utc(1_767_270_000), "2026-01-01 12:20 UTC");
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
    }

    #[test]
    fn start_of_a_body() {
        assert_eq!(start_of("  {\n  \"a\": 1 }"), "{ \"a\": 1 }");
        assert_eq!(start_of(""), "(nothing)");
        let long = "é".repeat(300);
        assert_eq!(start_of(&long).chars().count(), 121);
    }

    #[test]
    fn codes_are_checked() {
        let mut req = Request::new("x");
        req.country = Some(" de ".into());
        req.language = Some("DE".into());
        assert_eq!(req.country_code().as_deref(), Some("DE"));
        assert_eq!(req.language_code().as_deref(), Some("de"));
        req.country = Some("Germany".into());
        req.language = Some("d1".into());
        assert_eq!(req.country_code(), None);
        assert_eq!(req.language_code(), None);
    }

    #[test]
    fn messages_a_sales_person_understands() {
        let e = ApiError::RateLimited {
            backend: Source::Brave,
            until: 1_767_312_000,
            message: None,
        };
        assert_eq!(
            e.to_string(),
            "brave takes no more queries for now (HTTP 429): try again after 2026-01-02 00:00 UTC"
        );
        let e = ApiError::JsonDisabled {
            url: "http://127.0.0.1:8888/search".into(),
        };
        assert!(e.to_string().contains("formats: [html, json]"), "{e}");
        assert!(e.needs_user());
        let e = ApiError::Malformed {
            backend: Some(Source::Serper),
            why: "expected value at line 1 column 1".into(),
            start: "<html>".into(),
        };
        assert_eq!(
            e.to_string(),
            "serper's answer is not valid serper JSON (expected value at line 1 column 1); it starts: <html>"
        );
    }
}
