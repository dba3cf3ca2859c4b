//! SerpApi (Google results): `GET /search.json?engine=google&q=&gl=&hl=&start=&num=&api_key=`;
//! answer `{search_metadata, search_parameters: {q}, organic_results: [{position, title, link,
//! snippet}], ads, error}`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::client::Prepared;
use super::json::{self, Item};
use super::{ApiError, Rate, Request};
use crate::search::{ResultPage, Source};
use crate::templates::engine::google_lang;

pub(super) const ENDPOINT: &str = "https://serpapi.com/search.json";
/// Path of the endpoint, for a `search.url` that gives only the server.
pub(super) const PATH: &str = "/search.json";
/// SerpApi's plans are small and also capped per hour.
pub(super) const RATE: Rate = Rate {
    queries: 1,
    per: Duration::from_secs(1),
};
pub(super) const KEY_PARAM: &str = "api_key";
/// Results a Google page (Google no longer honours more).
pub(super) const PER_PAGE: u32 = 10;

/// `gl=de&hl=de` (Google's spelling), `start` = (page − 1) × 10, `num=10`; the key goes in
/// the URL sent, never in the URL shown.
pub(super) fn prepare(endpoint: &Url, key: &str, req: &Request, page: u32) -> Prepared {
    let country = req.country_code();
    let mut url = endpoint.clone();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("engine", "google")
            .append_pair("q", &req.query);
        if let Some(cc) = &country {
            q.append_pair("gl", &cc.to_ascii_lowercase());
        }
        if let Some(lang) = req.language_code() {
            q.append_pair(
                "hl",
                &google_lang(&lang, country.as_deref().unwrap_or_default()),
            );
        }
        q.append_pair("start", &((page - 1) * PER_PAGE).to_string())
            .append_pair("num", &PER_PAGE.to_string());
    }
    let shown = url.to_string();
    url.query_pairs_mut().append_pair(KEY_PARAM, key);
    let mut prepared = Prepared::get(url);
    prepared.shown = shown;
    prepared
}

#[derive(Deserialize)]
struct Body {
    search_metadata: Option<Metadata>,
    search_parameters: Option<Params>,
    organic_results: Option<Vec<Entry>>,
    ads: Option<Vec<Entry>>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct Metadata {
    status: Option<String>,
}

#[derive(Deserialize)]
struct Params {
    q: Option<String>,
}

#[derive(Deserialize)]
struct Entry {
    position: Option<u32>,
    title: Option<String>,
    link: Option<String>,
    snippet: Option<String>,
    description: Option<String>,
}

impl From<Entry> for Item {
    fn from(r: Entry) -> Item {
        Item {
            url: r.link,
            title: r.title,
            snippet: r.snippet.or(r.description),
            position: r.position,
        }
    }
}

/// `error` saying Google returned nothing is *no results*; any other `error` (or a search
/// whose status is `Error`) is a failure.
pub(super) fn parse(value: Value, body: &str) -> Result<ResultPage, ApiError> {
    let parsed: Body = json::typed(Source::Serpapi, value, body)?;
    let query = parsed.search_parameters.and_then(|p| p.q);
    let mut hits = json::hits(
        parsed
            .organic_results
            .unwrap_or_default()
            .into_iter()
            .map(Item::from),
        false,
    );
    hits.extend(json::hits(
        parsed.ads.unwrap_or_default().into_iter().map(Item::from),
        true,
    ));
    let failed = parsed
        .search_metadata
        .and_then(|m| m.status)
        .is_some_and(|s| s.eq_ignore_ascii_case("error"));
    match parsed.error {
        Some(e) if no_results(&e) => Ok(json::page(Source::Serpapi, query, Vec::new())),
        Some(e) => Err(ApiError::Reported {
            backend: Source::Serpapi,
            message: e,
        }),
        None if failed => Err(ApiError::Reported {
            backend: Source::Serpapi,
            message: "the search failed".into(),
        }),
        None => Ok(json::page(Source::Serpapi, query, hits)),
    }
}

/// "Google hasn't returned any results for this query." (and the same of other engines).
fn no_results(error: &str) -> bool {
    error
        .to_ascii_lowercase()
        .contains("hasn't returned any results")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Outcome;

    #[test]
    fn key_only_in_the_url_sent() {
        let e = Url::parse(ENDPOINT).unwrap();
        let mut req = Request::new("LED importer");
        req.country = Some("DE".into());
        req.language = Some("de".into());
        let p = prepare(&e, "secret", &req, 3);
        assert_eq!(
            p.shown,
            "https://serpapi.com/search.json?engine=google&q=LED+importer&gl=de&hl=de&start=20&num=10"
        );
        assert_eq!(p.url.as_str(), format!("{}&api_key=secret", p.shown));
    }

    #[test]
    fn no_results_is_empty_other_errors_fail() {
        let body = r#"{"search_metadata":{"status":"Success"},"search_parameters":{"q":"x"},
            "error":"Google hasn't returned any results for this query."}"#;
        let page = super::super::parse_json(body).unwrap();
        assert_eq!(page.outcome, Outcome::Empty);
        assert_eq!(page.query.as_deref(), Some("x"));
        let e = super::super::parse_json(r#"{"error":"Your account has run out of searches."}"#)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "serpapi reported an error: Your account has run out of searches."
        );
        let e = super::super::parse_json(r#"{"search_metadata":{"status":"Error"}}"#).unwrap_err();
        assert!(matches!(e, ApiError::Reported { .. }), "{e}");
    }
}
