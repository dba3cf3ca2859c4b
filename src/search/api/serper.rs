//! Serper (Google results): `POST /search` with the key in `X-API-KEY` and the JSON body
//! `{q, gl, hl, page}`; answer `{searchParameters: {q}, organic: [{title, link, snippet,
//! position}], ads}`.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::client::Prepared;
use super::json::{self, Item};
use super::{ApiError, Rate, Request};
use crate::search::{ResultPage, Source};
use crate::templates::engine::google_lang;

pub(super) const ENDPOINT: &str = "https://google.serper.dev/search";
/// Path of the endpoint, for a `search.url` that gives only the server.
pub(super) const PATH: &str = "/search";
/// Well under the limits of Serper's plans.
pub(super) const RATE: Rate = Rate {
    queries: 5,
    per: Duration::from_secs(1),
};
pub(super) const KEY_HEADER: &str = "X-API-KEY";

/// `gl=de`, `hl=de` (Google's spelling: `zh-CN`, `iw`), `page` 1-based, in a JSON body.
pub(super) fn prepare(endpoint: &Url, key: &str, req: &Request, page: u32) -> Prepared {
    let country = req.country_code();
    let query = Query {
        q: &req.query,
        gl: country.as_deref().map(str::to_ascii_lowercase),
        hl: req
            .language_code()
            .map(|lang| google_lang(&lang, country.as_deref().unwrap_or_default())),
        page,
    };
    let body = serde_json::to_string(&query).unwrap_or_default();
    Prepared::post_json(endpoint.clone(), body).header(KEY_HEADER, key)
}

#[derive(Serialize)]
struct Query<'a> {
    q: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    gl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hl: Option<String>,
    page: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    search_parameters: Option<Params>,
    organic: Option<Vec<Entry>>,
    ads: Option<Vec<Entry>>,
}

#[derive(Deserialize)]
struct Params {
    q: Option<String>,
}

#[derive(Deserialize)]
struct Entry {
    title: Option<String>,
    link: Option<String>,
    snippet: Option<String>,
    description: Option<String>,
    position: Option<u32>,
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

pub(super) fn parse(value: Value, body: &str) -> Result<ResultPage, ApiError> {
    let parsed: Body = json::typed(Source::Serper, value, body)?;
    let mut hits = json::hits(
        parsed
            .organic
            .unwrap_or_default()
            .into_iter()
            .map(Item::from),
        false,
    );
    hits.extend(json::hits(
        parsed.ads.unwrap_or_default().into_iter().map(Item::from),
        true,
    ));
    Ok(json::page(
        Source::Serper,
        parsed.search_parameters.and_then(|p| p.q),
        hits,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_with_google_spellings() {
        let e = Url::parse(ENDPOINT).unwrap();
        let mut req = Request::new("LED importer");
        req.country = Some("TW".into());
        req.language = Some("zh".into());
        let p = prepare(&e, "k", &req, 2);
        let body: Value = serde_json::from_str(p.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"q": "LED importer", "gl": "tw", "hl": "zh-TW", "page": 2})
        );
        let p = prepare(&e, "k", &Request::new("x"), 1);
        assert_eq!(p.body.as_deref(), Some(r#"{"q":"x","page":1}"#));
    }
}
