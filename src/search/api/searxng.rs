//! SearXNG's JSON API (self-hosted): `GET /search?q=&format=json&pageno=&language=`, answer
//! `{query, number_of_results, results: [{url, title, content, engine}], unresponsive_engines}`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::client::Prepared;
use super::json::{self, Item};
use super::{ApiError, Rate, Request};
use crate::search::{Outcome, ResultPage, Source};

/// One query every 2 seconds: every query fans out to the engines behind the instance, which
/// block an instance that asks too fast.
pub(super) const RATE: Rate = Rate {
    queries: 1,
    per: Duration::from_secs(2),
};

/// The instance's search address: `/search` under the configured base (kept when the base
/// already ends in it), so `http://host:8888` and `https://host/searx/` both work.
pub(super) fn endpoint(mut base: Url) -> Url {
    if !base.path().trim_end_matches('/').ends_with("/search") {
        let path = format!("{}/search", base.path().trim_end_matches('/'));
        base.set_path(&path);
    }
    base
}

/// `language=de-DE` with a country, `de` without; nothing without a language.
pub(super) fn prepare(endpoint: &Url, req: &Request, page: u32) -> Prepared {
    let mut url = endpoint.clone();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("q", &req.query)
            .append_pair("format", "json")
            .append_pair("pageno", &page.to_string());
        if let Some(lang) = req.language_code() {
            match req.country_code() {
                Some(cc) => q.append_pair("language", &format!("{lang}-{cc}")),
                None => q.append_pair("language", &lang),
            };
        }
    }
    Prepared::get(url)
}

#[derive(Deserialize)]
struct Body {
    query: Option<Value>,
    results: Option<Vec<Entry>>,
    unresponsive_engines: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct Entry {
    url: Option<String>,
    title: Option<String>,
    content: Option<String>,
}

/// No results while engines failed (captcha, too many requests, timeouts) is *blocked*, not
/// *empty*: the engines did not answer.
pub(super) fn parse(value: Value, body: &str) -> Result<ResultPage, ApiError> {
    let parsed: Body = json::typed(Source::Searxng, value, body)?;
    let query = parsed.query.and_then(|q| match q {
        Value::String(s) => Some(s),
        Value::Null => None,
        other => Some(other.to_string()),
    });
    let items = parsed
        .results
        .unwrap_or_default()
        .into_iter()
        .map(|r| Item {
            url: r.url,
            title: r.title,
            snippet: r.content,
            position: None,
        });
    let mut page = json::page(Source::Searxng, query, json::hits(items, false));
    let failed: Vec<String> = parsed
        .unresponsive_engines
        .unwrap_or_default()
        .iter()
        .filter_map(unresponsive)
        .collect();
    if page.outcome == Outcome::Empty && !failed.is_empty() {
        page.outcome = Outcome::Blocked(format!(
            "no results, and these engines did not answer: {}",
            failed.join(", ")
        ));
    }
    Ok(page)
}

/// `["google", "CAPTCHA"]` → `google (CAPTCHA)`.
fn unresponsive(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let parts: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
            match parts.as_slice() {
                [] => None,
                [engine] => Some(engine.to_string()),
                [engine, why, ..] => Some(format!("{engine} ({why})")),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_under_the_base() {
        let e = |s: &str| endpoint(Url::parse(s).unwrap()).to_string();
        assert_eq!(e("http://127.0.0.1:8888"), "http://127.0.0.1:8888/search");
        assert_eq!(
            e("https://x.example/searx/"),
            "https://x.example/searx/search"
        );
        assert_eq!(e("http://x.example/search"), "http://x.example/search");
    }

    #[test]
    fn language_with_and_without_country() {
        let e = Url::parse("http://127.0.0.1:8888/search").unwrap();
        let mut req = Request::new("LED Importeur");
        req.country = Some("de".into());
        assert_eq!(
            prepare(&e, &req, 3).url.as_str(),
            "http://127.0.0.1:8888/search?q=LED+Importeur&format=json&pageno=3"
        );
        req.language = Some("DE".into());
        assert!(
            prepare(&e, &req, 1)
                .url
                .as_str()
                .ends_with("&language=de-DE")
        );
        req.country = None;
        assert!(prepare(&e, &req, 1).url.as_str().ends_with("&language=de"));
    }

    #[test]
    fn empty_with_failed_engines_is_blocked() {
        let body = r#"{"query":"x","number_of_results":0,"results":[],
            "unresponsive_engines":[["google","CAPTCHA"],["bing","too many requests"]]}"#;
        let page = super::super::parse_as(Source::Searxng, body).unwrap();
        assert_eq!(
            page.outcome,
            Outcome::Blocked(
                "no results, and these engines did not answer: google (CAPTCHA), bing (too many requests)"
                    .into()
            )
        );
        let body = r#"{"query":"x","results":[{"url":"https://a.example/","title":"A"}],
            "unresponsive_engines":[["google","CAPTCHA"]]}"#;
        let page = super::super::parse_as(Source::Searxng, body).unwrap();
        assert_eq!(page.outcome, Outcome::Results);
    }
}
