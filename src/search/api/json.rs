//! Reading the APIs' JSON: which API an answer comes from (by its content, for files a user
//! saved), and the parts every backend shares (hits from lists, text cleaning).

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{ApiError, brave, searxng, serpapi, serper, start_of};
use crate::search::{Hit, Outcome, ResultPage, Source};

/// Reads an answer of SearXNG, Brave, Serper or SerpApi, telling which by its content.
pub fn parse_json(body: &str) -> Result<ResultPage, ApiError> {
    let value = to_value(body, None)?;
    let source = detect(&value).ok_or_else(|| ApiError::Unrecognized {
        start: start_of(body),
    })?;
    parse_value(source, value, body)
}

/// Reads an answer known to come from `source`'s API.
pub fn parse_as(source: Source, body: &str) -> Result<ResultPage, ApiError> {
    if !matches!(
        source,
        Source::Searxng | Source::Brave | Source::Serper | Source::Serpapi
    ) {
        return Err(ApiError::NotAnApi(source));
    }
    let value = to_value(body, Some(source))?;
    parse_value(source, value, body)
}

fn to_value(body: &str, backend: Option<Source>) -> Result<Value, ApiError> {
    serde_json::from_str(body.trim_start_matches('\u{feff}')).map_err(|e| ApiError::Malformed {
        backend,
        why: if e.is_eof() && body.trim().is_empty() {
            "empty".into()
        } else {
            e.to_string()
        },
        start: start_of(body),
    })
}

fn parse_value(source: Source, value: Value, body: &str) -> Result<ResultPage, ApiError> {
    match source {
        Source::Searxng => searxng::parse(value, body),
        Source::Brave => brave::parse(value, body),
        Source::Serper => serper::parse(value, body),
        Source::Serpapi => serpapi::parse(value, body),
        other => Err(ApiError::NotAnApi(other)),
    }
}

/// Which API an answer comes from, by the keys only it uses.
fn detect(value: &Value) -> Option<Source> {
    let o = value.as_object()?;
    let has = |k: &str| o.contains_key(k);
    if has("search_metadata") || has("search_parameters") || has("organic_results") {
        return Some(Source::Serpapi);
    }
    if has("searchParameters") || has("organic") {
        return Some(Source::Serper);
    }
    let brave_type = matches!(
        o.get("type").and_then(Value::as_str),
        Some("search" | "ErrorResponse")
    );
    if brave_type
        || o.get("web").is_some_and(Value::is_object)
        || o.get("query").is_some_and(|q| q.get("original").is_some())
    {
        return Some(Source::Brave);
    }
    if o.get("results").is_some_and(Value::is_array)
        && (has("number_of_results") || has("unresponsive_engines") || has("query"))
    {
        return Some(Source::Searxng);
    }
    // SerpApi's errors are a lone `error` string (Brave's say `"type": "ErrorResponse"`).
    if o.get("error").is_some_and(Value::is_string) {
        return Some(Source::Serpapi);
    }
    None
}

/// Deserializes an API's JSON into its typed form; a wrong type names the field.
pub(super) fn typed<T: DeserializeOwned>(
    source: Source,
    value: Value,
    body: &str,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| ApiError::Malformed {
        backend: Some(source),
        why: format!("at {}: {}", e.path(), e.inner()),
        start: start_of(body),
    })
}

/// One result as an API lists it.
pub(super) struct Item {
    pub url: Option<String>,
    pub title: Option<String>,
    pub snippet: Option<String>,
    pub position: Option<u32>,
}

/// Hits of one kind (organic or ad) in list order: rank is the API's position when it gives
/// one, else the place in the list; results without an address are skipped.
pub(super) fn hits(items: impl IntoIterator<Item = Item>, ad: bool) -> Vec<Hit> {
    items
        .into_iter()
        .filter_map(|item| {
            let url = item.url.map(|u| u.trim().to_string())?;
            (!url.is_empty()).then_some((url, item.title, item.snippet, item.position))
        })
        .enumerate()
        .map(|(i, (url, title, snippet, position))| Hit {
            rank: position.filter(|&p| p > 0).unwrap_or(i as u32 + 1),
            title: clean(title.as_deref().unwrap_or_default()),
            url,
            snippet: clean(snippet.as_deref().unwrap_or_default()),
            ad,
            redirect: false,
        })
        .collect()
}

/// The page, `Results` or `Empty` by whether there are hits.
pub(super) fn page(source: Source, query: Option<String>, hits: Vec<Hit>) -> ResultPage {
    ResultPage {
        source,
        query: query
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty()),
        outcome: if hits.is_empty() {
            Outcome::Empty
        } else {
            Outcome::Results
        },
        hits,
    }
}

/// Text as a person reads it: markup (Brave's `<strong>`) removed, entities decoded,
/// whitespace collapsed.
pub(super) fn clean(s: &str) -> String {
    let text = if s.contains('<') || s.contains('&') {
        let fragment = scraper::Html::parse_fragment(s);
        fragment.root_element().text().collect::<String>()
    } else {
        s.to_string()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An error message in an API's error answer (`error`, `error.detail`, `message`), for
/// messages about non-2xx answers.
pub(super) fn error_message(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body.trim_start_matches('\u{feff}')).ok()?;
    let text = match value.get("error") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(e @ Value::Object(_)) => e
            .get("detail")
            .or_else(|| e.get("message"))
            .or_else(|| e.get("code"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => None,
    }
    .or_else(|| {
        value
            .get("message")
            .or_else(|| value.get("detail"))
            .and_then(Value::as_str)
            .map(str::to_string)
    })?;
    let text = clean(&text);
    (!text.is_empty()).then(|| start_of(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_api_by_its_keys() {
        let cases = [
            (
                r#"{"query":"x","number_of_results":0,"results":[]}"#,
                Source::Searxng,
            ),
            (
                r#"{"type":"search","query":{"original":"x"}}"#,
                Source::Brave,
            ),
            (
                r#"{"type":"ErrorResponse","error":{"detail":"no"}}"#,
                Source::Brave,
            ),
            (
                r#"{"searchParameters":{"q":"x"},"organic":[]}"#,
                Source::Serper,
            ),
            (
                r#"{"search_metadata":{},"organic_results":[]}"#,
                Source::Serpapi,
            ),
            (r#"{"error":"Invalid API key."}"#, Source::Serpapi),
        ];
        for (body, want) in cases {
            let v: Value = serde_json::from_str(body).unwrap();
            assert_eq!(detect(&v), Some(want), "{body}");
        }
        let v: Value = serde_json::from_str(r#"{"items":[]}"#).unwrap();
        assert_eq!(detect(&v), None);
        let v: Value = serde_json::from_str("[1,2]").unwrap();
        assert_eq!(detect(&v), None);
    }

    #[test]
    fn unknown_json_and_non_json() {
        let e = parse_json(r#"{"items": []}"#).unwrap_err();
        assert!(matches!(e, ApiError::Unrecognized { .. }), "{e}");
        let e = parse_json("<!DOCTYPE html><html><body>Login</body></html>").unwrap_err();
        assert!(
            matches!(&e, ApiError::Malformed { backend: None, start, .. } if start.starts_with("<!DOCTYPE html>")),
            "{e}"
        );
        let e = parse_json("   ").unwrap_err();
        assert!(e.to_string().contains("(empty)"), "{e}");
        assert_eq!(
            parse_as(Source::Google, "{}").unwrap_err(),
            ApiError::NotAnApi(Source::Google)
        );
    }

    #[test]
    fn wrong_types_name_the_field() {
        let e = parse_as(Source::Searxng, r#"{"query":"x","results":[{"url":5}]}"#).unwrap_err();
        assert!(e.to_string().contains("results[0].url"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_fine() {
        let page = parse_json("\u{feff}{\"query\":\"x\",\"results\":[]}").unwrap();
        assert_eq!(page.source, Source::Searxng);
    }

    #[test]
    fn cleans_markup_and_entities() {
        assert_eq!(
            clean("  <strong>LED</strong> bulbs &amp; tubes\n wholesale "),
            "LED bulbs & tubes wholesale"
        );
        assert_eq!(clean("a < b"), "a < b");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn ranks_by_position_or_order_and_skips_results_without_address() {
        let item = |url: &str, position| Item {
            url: Some(url.into()),
            title: Some("t".into()),
            snippet: None,
            position,
        };
        let got = hits(
            [
                item("https://a.example/", None),
                item(" ", None),
                item("https://b.example/", None),
                item("https://c.example/", Some(7)),
            ],
            false,
        );
        let ranks: Vec<_> = got.iter().map(|h| (h.url.as_str(), h.rank)).collect();
        assert_eq!(
            ranks,
            [
                ("https://a.example/", 1),
                ("https://b.example/", 2),
                ("https://c.example/", 7)
            ]
        );
    }

    #[test]
    fn error_messages_of_error_answers() {
        assert_eq!(
            error_message(r#"{"error":"Invalid API key."}"#).as_deref(),
            Some("Invalid API key.")
        );
        assert_eq!(
            error_message(r#"{"type":"ErrorResponse","error":{"code":"X","detail":"Bad token"}}"#)
                .as_deref(),
            Some("Bad token")
        );
        assert_eq!(
            error_message(r#"{"message":"Unauthorized.","statusCode":403}"#).as_deref(),
            Some("Unauthorized.")
        );
        assert_eq!(error_message("<html>nope</html>"), None);
    }
}
