//! The Brave Search API: `GET /res/v1/web/search?q=&country=&search_lang=&count=&offset=`
//! with the key in `X-Subscription-Token`; answer `{type: "search", query: {original},
//! web: {results: [{url, title, description}]}}`.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::client::Prepared;
use super::json::{self, Item};
use super::{ApiError, Rate, Request};
use crate::search::{ResultPage, Source};

pub(super) const ENDPOINT: &str = "https://api.search.brave.com/res/v1/web/search";
/// Path of the endpoint, for a `search.url` that gives only the server.
pub(super) const PATH: &str = "/res/v1/web/search";
/// The free plan's limit.
pub(super) const RATE: Rate = Rate {
    queries: 1,
    per: Duration::from_secs(1),
};
pub(super) const KEY_HEADER: &str = "X-Subscription-Token";
/// Results a page (Brave's maximum: one paid query gets as many as it can).
pub(super) const COUNT: u32 = 20;
/// Brave's `offset` counts pages, 0 to 9.
pub(super) const MAX_PAGES: u32 = 10;

/// Countries Brave takes in `country`; others search `ALL` (Brave refuses unknown codes).
const COUNTRIES: [&str; 37] = [
    "AR", "AU", "AT", "BE", "BR", "CA", "CL", "DK", "FI", "FR", "DE", "HK", "IN", "ID", "IT", "JP",
    "KR", "MY", "MX", "NL", "NZ", "NO", "CN", "PL", "PT", "PH", "RU", "SA", "ZA", "ES", "SE", "CH",
    "TW", "TR", "GB", "US", "ALL",
];

/// Languages Brave takes in `search_lang` as ISO 639-1 (others are mapped in [`search_lang`]).
const LANGUAGES: [&str; 45] = [
    "ar", "eu", "bn", "bg", "ca", "hr", "cs", "da", "nl", "en", "et", "fi", "fr", "gl", "de", "gu",
    "he", "hi", "hu", "is", "it", "kn", "ko", "lv", "lt", "ms", "ml", "mr", "pl", "pa", "ro", "ru",
    "sr", "sk", "sl", "es", "sv", "ta", "te", "th", "tr", "uk", "vi", "nb", "jp",
];

/// `country=DE&search_lang=de`; `offset` is the page index (0-based), `count` 20.
pub(super) fn prepare(
    endpoint: &Url,
    key: &str,
    req: &Request,
    page: u32,
) -> Result<Prepared, ApiError> {
    if page > MAX_PAGES {
        return Err(ApiError::PageOutOfRange {
            backend: Source::Brave,
            page,
            max: MAX_PAGES,
        });
    }
    let country = req.country_code();
    let mut url = endpoint.clone();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("q", &req.query);
        // Without `country` Brave searches the US; without a country asked for, ask for all.
        q.append_pair("country", &brave_country(country.as_deref()));
        if let Some(lang) = req
            .language_code()
            .and_then(|l| search_lang(&l, country.as_deref()))
        {
            q.append_pair("search_lang", &lang);
        }
        q.append_pair("count", &COUNT.to_string())
            .append_pair("offset", &(page - 1).to_string());
    }
    Ok(Prepared::get(url).header(KEY_HEADER, key))
}

fn brave_country(country: Option<&str>) -> String {
    match country {
        Some(cc) if COUNTRIES.contains(&cc) => cc.to_string(),
        _ => "ALL".to_string(),
    }
}

/// Brave's spelling of a language, or `None` when it has none (the parameter is then left out:
/// Brave refuses unknown codes).
fn search_lang(lang: &str, country: Option<&str>) -> Option<String> {
    let mapped = match (lang, country) {
        ("ja", _) => "jp",
        ("zh", Some("TW" | "HK" | "MO")) => "zh-hant",
        ("zh", _) => "zh-hans",
        ("pt", Some("BR")) => "pt-br",
        ("pt", _) => "pt-pt",
        ("en", Some("GB")) => "en-gb",
        ("no" | "nn", _) => "nb",
        (l, _) if LANGUAGES.contains(&l) => l,
        _ => return None,
    };
    Some(mapped.to_string())
}

#[derive(Deserialize)]
struct Body {
    #[serde(rename = "type")]
    kind: Option<String>,
    query: Option<Query>,
    web: Option<Web>,
}

#[derive(Deserialize)]
struct Query {
    original: Option<String>,
}

#[derive(Deserialize)]
struct Web {
    results: Option<Vec<Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    url: Option<String>,
    title: Option<String>,
    description: Option<String>,
}

/// No `web` section (or an empty one) is *no results*; an `ErrorResponse` is an error.
pub(super) fn parse(value: Value, body: &str) -> Result<ResultPage, ApiError> {
    let parsed: Body = json::typed(Source::Brave, value, body)?;
    if parsed.kind.as_deref() == Some("ErrorResponse") {
        return Err(ApiError::Reported {
            backend: Source::Brave,
            message: json::error_message(body).unwrap_or_else(|| "ErrorResponse".into()),
        });
    }
    let items = parsed
        .web
        .and_then(|w| w.results)
        .unwrap_or_default()
        .into_iter()
        .map(|r| Item {
            url: r.url,
            title: r.title,
            snippet: r.description,
            position: None,
        });
    Ok(json::page(
        Source::Brave,
        parsed.query.and_then(|q| q.original),
        json::hits(items, false),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(req: &Request, page: u32) -> Vec<(String, String)> {
        let e = Url::parse(ENDPOINT).unwrap();
        prepare(&e, "k", req, page)
            .unwrap()
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn get<'a>(params: &'a [(String, String)], k: &str) -> Option<&'a str> {
        params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn countries_and_languages_brave_knows() {
        let mut req = Request::new("x");
        req.country = Some("de".into());
        req.language = Some("de".into());
        let p = params(&req, 1);
        assert_eq!(get(&p, "country"), Some("DE"));
        assert_eq!(get(&p, "search_lang"), Some("de"));
        assert_eq!(get(&p, "offset"), Some("0"));
        assert_eq!(get(&p, "count"), Some("20"));

        req.country = Some("VN".into());
        req.language = Some("vi".into());
        let p = params(&req, 2);
        assert_eq!(get(&p, "country"), Some("ALL"));
        assert_eq!(get(&p, "search_lang"), Some("vi"));
        assert_eq!(get(&p, "offset"), Some("1"));

        req.country = Some("TW".into());
        req.language = Some("zh".into());
        assert_eq!(get(&params(&req, 1), "search_lang"), Some("zh-hant"));
        req.country = Some("JP".into());
        req.language = Some("ja".into());
        assert_eq!(get(&params(&req, 1), "search_lang"), Some("jp"));
        req.country = Some("ID".into());
        req.language = Some("id".into());
        let p = params(&req, 1);
        assert_eq!(get(&p, "country"), Some("ID"));
        assert_eq!(get(&p, "search_lang"), None);

        let p = params(&Request::new("x"), 1);
        assert_eq!(get(&p, "country"), Some("ALL"));
        assert_eq!(get(&p, "search_lang"), None);
    }

    #[test]
    fn ten_pages_at_most() {
        let e = Url::parse(ENDPOINT).unwrap();
        assert!(prepare(&e, "k", &Request::new("x"), 10).is_ok());
        assert_eq!(
            prepare(&e, "k", &Request::new("x"), 11).err(),
            Some(ApiError::PageOutOfRange {
                backend: Source::Brave,
                page: 11,
                max: 10
            })
        );
    }

    #[test]
    fn error_response_is_an_error() {
        let body = r#"{"type":"ErrorResponse","error":{"id":"1","status":422,"code":"VALIDATION","detail":"Unable to validate request parameter(s)."},"time":1}"#;
        let e = super::super::parse_json(body).unwrap_err();
        assert_eq!(
            e.to_string(),
            "brave reported an error: Unable to validate request parameter(s)."
        );
    }
}
