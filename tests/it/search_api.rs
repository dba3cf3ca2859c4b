//! The search API clients against a loopback server that records every request and answers
//! from a queue of canned replies; and the saved answers in `fixtures/api/`. Real HTTP on
//! 127.0.0.1 only; rate and backoff are set to zero waiting and "now" is injected, so nothing
//! depends on the clock.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::util::fixture;
use prospect::plan::{Backend, Search};
use prospect::search::api::{ApiError, Client, Rate, Request, Response, parse_as, parse_json};
use prospect::search::{Outcome, ResultPage, Source};

/// 2026-01-01 12:20:00 UTC.
const NOW: i64 = 1_767_270_000;
/// The midnight after [`NOW`].
const MIDNIGHT: i64 = 1_767_312_000;
const KEY: &str = "k3y-s3cret-123";
const UA: &str = "prospect-test/1.0";
const ALL: [Backend; 4] = [
    Backend::Searxng,
    Backend::Brave,
    Backend::Serper,
    Backend::Serpapi,
];

// ---------------------------------------------------------------------------------------
// The loopback server

#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: body.to_string(),
    }
}

impl Reply {
    fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    /// Path and query, as sent.
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    fn params(&self) -> Vec<(String, String)> {
        url::Url::parse(&format!("http://x{}", self.target))
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Answers each connection with the next canned reply (500 when none is left) and closes
/// it; stops when dropped.
struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    async fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
        let task = {
            let seen = seen.clone();
            tokio::spawn(async move {
                while let Ok((socket, _)) = listener.accept().await {
                    tokio::spawn(serve(socket, seen.clone(), queue.clone()));
                }
            })
        };
        Server { url, seen, task }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn only(&self) -> Seen {
        let seen = self.seen();
        assert_eq!(seen.len(), 1, "{seen:?}");
        seen.into_iter().next().unwrap()
    }
}

async fn serve(
    mut socket: TcpStream,
    seen: Arc<Mutex<Vec<Seen>>>,
    queue: Arc<Mutex<VecDeque<Reply>>>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let target = request_line.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
    seen.lock().unwrap().push(Seen {
        method,
        target,
        headers,
        body,
    });
    let next = queue.lock().unwrap().pop_front();
    let r = next.unwrap_or_else(|| reply(500, "no canned reply left"));
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        r.body.len()
    );
    for (k, v) in &r.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&r.body);
    let _ = socket.write_all(out.as_bytes()).await;
    let _ = socket.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Helpers

fn saved(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("api/{name}"))).unwrap()
}

fn client_at(backend: Backend, url: &str) -> Client {
    let search = Search {
        backend,
        url: Some(url.to_string()),
        per_day: 100,
        pages: 1,
        interval: None,
    };
    Client::new(&search, UA, &|_| Some(KEY.to_string()))
        .unwrap()
        .with_rate(Rate {
            queries: 1000,
            per: Duration::from_secs(1),
        })
        .with_backoff(Duration::ZERO)
        .with_clock(std::sync::Arc::new(prospect::clock::FixedClock(NOW)))
}

fn client(backend: Backend, server: &Server) -> Client {
    client_at(backend, &server.url)
}

fn german(query: &str) -> Request {
    Request {
        query: query.into(),
        country: Some("DE".into()),
        language: Some("de".into()),
    }
}

/// One query against a server with these replies.
async fn run(
    backend: Backend,
    replies: Vec<Reply>,
    page: u32,
) -> (Server, Result<Response, ApiError>) {
    let server = Server::start(replies).await;
    let result = client(backend, &server)
        .search_page(&german("LED-Lampe Importeur"), page)
        .await;
    (server, result)
}

fn ok_body(backend: Backend) -> String {
    saved(match backend {
        Backend::Searxng => "searxng.json",
        Backend::Brave => "brave.json",
        Backend::Serper => "serper.json",
        Backend::Serpapi => "serpapi.json",
    })
}

fn empty_body(backend: Backend) -> String {
    saved(match backend {
        Backend::Searxng => "searxng-empty.json",
        Backend::Brave => "brave-empty.json",
        Backend::Serper => "serper-empty.json",
        Backend::Serpapi => "serpapi-empty.json",
    })
}

fn urls(page: &ResultPage) -> Vec<(&str, u32, bool)> {
    page.hits
        .iter()
        .map(|h| (h.url.as_str(), h.rank, h.ad))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Request shapes and normal pages

#[tokio::test]
async fn searxng_request_and_page() {
    let body = saved("searxng.json");
    let (server, result) = run(Backend::Searxng, vec![reply(200, &body)], 1).await;
    let seen = server.only();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path(), "/search");
    assert_eq!(
        seen.params(),
        [
            ("q".to_string(), "LED-Lampe Importeur".to_string()),
            ("format".into(), "json".into()),
            ("pageno".into(), "1".into()),
            ("language".into(), "de-DE".into()),
        ]
    );
    assert_eq!(seen.header("user-agent"), Some(UA));
    assert_eq!(seen.header("accept"), Some("application/json"));

    let response = result.unwrap();
    assert_eq!(response.body, body);
    assert_eq!(response.url, format!("{}{}", server.url, seen.target));
    let page = response.page;
    assert_eq!(page.source, Source::Searxng);
    assert_eq!(page.query.as_deref(), Some("LED-Lampe Importeur"));
    assert_eq!(page.outcome, Outcome::Results);
    assert_eq!(
        urls(&page),
        [
            ("https://www.leuchten-import.example/", 1, false),
            ("https://lichthandel.example/ueber-uns", 2, false),
            (
                "https://www.b2b-verzeichnis.example/led-importeure",
                3,
                false
            ),
        ]
    );
    assert_eq!(
        page.hits[0].snippet,
        "Wir importieren LED-Lampen, LED-Röhren und Leuchtmittel für den deutschen Fachhandel."
    );
}

#[tokio::test]
async fn brave_request_and_page() {
    let (server, result) = run(Backend::Brave, vec![reply(200, &saved("brave.json"))], 1).await;
    let seen = server.only();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path(), "/res/v1/web/search");
    assert_eq!(
        seen.params(),
        [
            ("q".to_string(), "LED-Lampe Importeur".to_string()),
            ("country".into(), "DE".into()),
            ("search_lang".into(), "de".into()),
            ("count".into(), "20".into()),
            ("offset".into(), "0".into()),
        ]
    );
    assert_eq!(seen.header("x-subscription-token"), Some(KEY));
    assert_eq!(seen.header("user-agent"), Some(UA));

    let response = result.unwrap();
    assert!(!response.url.contains(KEY));
    assert_eq!(response.url, format!("{}{}", server.url, seen.target));
    let page = response.page;
    assert_eq!(page.source, Source::Brave);
    assert_eq!(page.query.as_deref(), Some("LED-Lampe Importeur"));
    assert_eq!(
        urls(&page),
        [
            ("https://www.leuchten-import.example/", 1, false),
            ("https://lichthandel.example/ueber-uns", 2, false),
        ]
    );
    // Brave's markup is gone, entities decoded.
    assert_eq!(
        page.hits[0].title,
        "Leuchten Import GmbH – LED-Lampen Großhandel"
    );
    assert_eq!(
        page.hits[0].snippet,
        "Wir sind Importeur von LED-Lampen & LED-Röhren für den Fachhandel."
    );
}

#[tokio::test]
async fn serper_request_and_page() {
    let (server, result) = run(Backend::Serper, vec![reply(200, &saved("serper.json"))], 1).await;
    let seen = server.only();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path(), "/search");
    assert!(seen.params().is_empty(), "{:?}", seen.params());
    assert_eq!(seen.header("x-api-key"), Some(KEY));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"q": "LED-Lampe Importeur", "gl": "de", "hl": "de", "page": 1})
    );

    let response = result.unwrap();
    assert_eq!(response.url, format!("{}/search", server.url));
    let page = response.page;
    assert_eq!(page.source, Source::Serper);
    assert_eq!(page.query.as_deref(), Some("LED-Lampe Importeur"));
    assert_eq!(
        urls(&page),
        [
            ("https://www.leuchten-import.example/", 1, false),
            ("https://lichthandel.example/ueber-uns", 2, false),
            (
                "https://www.b2b-verzeichnis.example/led-importeure",
                3,
                false
            ),
            ("https://www.led-shop.example/grosshandel", 1, true),
        ]
    );
}

#[tokio::test]
async fn serpapi_request_and_page() {
    let (server, result) = run(
        Backend::Serpapi,
        vec![reply(200, &saved("serpapi.json"))],
        1,
    )
    .await;
    let seen = server.only();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path(), "/search.json");
    assert_eq!(
        seen.params(),
        [
            ("engine".to_string(), "google".to_string()),
            ("q".into(), "LED-Lampe Importeur".into()),
            ("gl".into(), "de".into()),
            ("hl".into(), "de".into()),
            ("start".into(), "0".into()),
            ("num".into(), "10".into()),
            ("api_key".into(), KEY.into()),
        ]
    );

    let response = result.unwrap();
    assert!(!response.url.contains(KEY), "{}", response.url);
    assert!(!response.url.contains("api_key"), "{}", response.url);
    assert_eq!(
        response.url,
        format!(
            "{}/search.json?engine=google&q=LED-Lampe+Importeur&gl=de&hl=de&start=0&num=10",
            server.url
        )
    );
    let page = response.page;
    assert_eq!(page.source, Source::Serpapi);
    assert_eq!(
        urls(&page),
        [
            ("https://www.leuchten-import.example/", 1, false),
            ("https://lichthandel.example/ueber-uns", 2, false),
            ("https://www.led-shop.example/grosshandel", 1, true),
        ]
    );
    assert_eq!(
        page.hits[2].snippet,
        "Über 5.000 LED-Artikel ab Lager. Jetzt Händlerkonto anlegen."
    );
}

#[tokio::test]
async fn page_two_of_each_api() {
    for backend in ALL {
        let (server, result) = run(backend, vec![reply(200, &ok_body(backend))], 2).await;
        result.unwrap();
        let seen = server.only();
        match backend {
            Backend::Searxng => assert_eq!(seen.param("pageno").as_deref(), Some("2")),
            Backend::Brave => {
                assert_eq!(seen.param("offset").as_deref(), Some("1"));
                assert_eq!(seen.param("count").as_deref(), Some("20"));
            }
            Backend::Serper => {
                let sent: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
                assert_eq!(sent["page"], 2);
            }
            Backend::Serpapi => {
                assert_eq!(seen.param("start").as_deref(), Some("10"));
                assert_eq!(seen.param("num").as_deref(), Some("10"));
            }
        }
    }
}

#[tokio::test]
async fn brave_stops_after_ten_pages_without_asking() {
    let server = Server::start(vec![]).await;
    let e = client(Backend::Brave, &server)
        .search_page(&german("x"), 11)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::PageOutOfRange { max: 10, .. }), "{e}");
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn without_country_and_language() {
    let plain = Request::new("LED importer");
    for backend in ALL {
        let server = Server::start(vec![reply(200, &ok_body(backend))]).await;
        client(backend, &server)
            .search_page(&plain, 1)
            .await
            .unwrap();
        let seen = server.only();
        match backend {
            Backend::Searxng => assert_eq!(seen.param("language"), None),
            // Brave would search the US without `country`.
            Backend::Brave => {
                assert_eq!(seen.param("country").as_deref(), Some("ALL"));
                assert_eq!(seen.param("search_lang"), None);
            }
            Backend::Serper => assert_eq!(seen.body, r#"{"q":"LED importer","page":1}"#),
            Backend::Serpapi => {
                assert_eq!(seen.param("gl"), None);
                assert_eq!(seen.param("hl"), None);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Empty and blocked pages

#[tokio::test]
async fn empty_results_are_empty() {
    for backend in ALL {
        let (_server, result) = run(backend, vec![reply(200, &empty_body(backend))], 1).await;
        let page = result.unwrap().page;
        assert_eq!(page.outcome, Outcome::Empty, "{backend:?}");
        assert!(page.hits.is_empty());
    }
}

#[tokio::test]
async fn searxng_with_failed_engines_is_blocked_not_empty() {
    let (_server, result) = run(
        Backend::Searxng,
        vec![reply(200, &saved("searxng-blocked.json"))],
        1,
    )
    .await;
    let page = result.unwrap().page;
    assert!(page.blocked(), "{:?}", page.outcome);
    let Outcome::Blocked(why) = page.outcome else {
        unreachable!()
    };
    assert!(why.contains("google (CAPTCHA)"), "{why}");
}

// ---------------------------------------------------------------------------------------
// Keys and errors

#[tokio::test]
async fn unauthorized_names_the_key_variable() {
    for (backend, var) in [
        (Backend::Brave, "PROSPECT_BRAVE_KEY"),
        (Backend::Serper, "PROSPECT_SERPER_KEY"),
        (Backend::Serpapi, "PROSPECT_SERPAPI_KEY"),
    ] {
        for status in [401, 403] {
            let body = r#"{"error":"Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key"}"#;
            let (server, result) = run(backend, vec![reply(status, body)], 1).await;
            let e = result.unwrap_err();
            assert!(
                matches!(e, ApiError::Auth { status: s, var: v, .. } if s == status && v == var),
                "{e:?}"
            );
            let message = e.to_string();
            assert!(message.contains(var), "{message}");
            assert!(message.contains("Invalid API key"), "{message}");
            assert!(!message.contains(KEY), "{message}");
            assert!(e.needs_user());
            // Not retried: a wrong key stays wrong.
            assert_eq!(server.seen().len(), 1);
        }
    }
}

#[tokio::test]
async fn searxng_403_means_json_is_disabled() {
    let (server, result) = run(
        Backend::Searxng,
        vec![reply(403, "<html><body>403 Forbidden</body></html>")],
        1,
    )
    .await;
    let e = result.unwrap_err();
    assert_eq!(
        e,
        ApiError::JsonDisabled {
            url: format!("{}/search", server.url)
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "JSON output is disabled on this SearXNG instance ({}/search): add `json` to \
             `search: formats:` in its settings.yml (formats: [html, json]) and restart SearXNG",
            server.url
        )
    );
}

#[tokio::test]
async fn searxng_401_is_a_refusal() {
    let (_server, result) = run(Backend::Searxng, vec![reply(401, "")], 1).await;
    let e = result.unwrap_err();
    assert!(matches!(e, ApiError::Refused { status: 401, .. }), "{e:?}");
}

#[tokio::test]
async fn rate_limited_with_retry_after_seconds() {
    let (server, result) = run(
        Backend::Searxng,
        vec![reply(429, "Too Many Requests").header("Retry-After", "120")],
        1,
    )
    .await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::RateLimited {
            backend: Source::Searxng,
            until: NOW + 120,
            message: None
        }
    );
    // Not retried here: the caller decides when to come back.
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn brave_rate_limit_reset_per_second_or_per_month() {
    let body = saved("brave-error.json");
    let (_server, result) = run(
        Backend::Brave,
        vec![
            reply(429, &body)
                .header("X-RateLimit-Limit", "1, 2000")
                .header("X-RateLimit-Remaining", "0, 1588")
                .header("X-RateLimit-Reset", "1, 1419704"),
        ],
        1,
    )
    .await;
    let e = result.unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            backend: Source::Brave,
            until: NOW + 1,
            message: Some("Request rate limit exceeded for plan.".into())
        }
    );
    let (_server, result) = run(
        Backend::Brave,
        vec![
            reply(429, &body)
                .header("X-RateLimit-Remaining", "1, 0")
                .header("X-RateLimit-Reset", "1, 1419704"),
        ],
        1,
    )
    .await;
    assert!(
        matches!(result.unwrap_err(), ApiError::RateLimited { until, .. } if until == NOW + 1_419_704)
    );
}

#[tokio::test]
async fn serper_rate_limit_with_retry_after_date() {
    let (_server, result) = run(
        Backend::Serper,
        vec![
            reply(429, r#"{"message":"Too many requests"}"#)
                .header("Retry-After", "Thu, 01 Jan 2026 13:00:00 GMT"),
        ],
        1,
    )
    .await;
    let e = result.unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            backend: Source::Serper,
            until: 1_767_272_400,
            message: Some("Too many requests".into())
        }
    );
    assert_eq!(
        e.to_string(),
        "serper takes no more queries for now (HTTP 429: Too many requests): try again after \
         2026-01-01 13:00 UTC"
    );
}

#[tokio::test]
async fn serpapi_rate_limit_without_a_time_waits_for_midnight() {
    let (_server, result) = run(
        Backend::Serpapi,
        vec![reply(
            429,
            r#"{"error":"Your account has run out of searches."}"#,
        )],
        1,
    )
    .await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::RateLimited {
            backend: Source::Serpapi,
            until: MIDNIGHT,
            message: Some("Your account has run out of searches.".into())
        }
    );
}

#[tokio::test]
async fn server_errors_are_retried_twice_then_reported() {
    for backend in ALL {
        let (server, result) = run(
            backend,
            vec![reply(500, ""), reply(502, ""), reply(503, "")],
            1,
        )
        .await;
        assert_eq!(
            result.unwrap_err(),
            ApiError::Server {
                backend: prospect::search::api::source_of(backend),
                status: 503,
                attempts: 3
            }
        );
        let seen = server.seen();
        assert_eq!(seen.len(), 3);
        // The same request each time.
        assert!(
            seen.iter()
                .all(|s| s.target == seen[0].target && s.body == seen[0].body)
        );
    }
}

#[tokio::test]
async fn a_server_error_then_success_gives_the_page() {
    let body = saved("serper.json");
    let (server, result) = run(Backend::Serper, vec![reply(503, ""), reply(200, &body)], 1).await;
    assert_eq!(result.unwrap().page.hits.len(), 4);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn malformed_json_shows_the_start_of_the_body() {
    for backend in ALL {
        let (_server, result) = run(
            backend,
            vec![reply(
                200,
                "<!DOCTYPE html><html><head><title>Sign in</title>",
            )],
            1,
        )
        .await;
        let e = result.unwrap_err();
        let source = prospect::search::api::source_of(backend);
        assert!(
            matches!(&e, ApiError::Malformed { backend: Some(b), start, .. }
                if *b == source && start.starts_with("<!DOCTYPE html><html><head><title>Sign in")),
            "{e:?}"
        );
    }
    // Cut short.
    let (_server, result) = run(
        Backend::Brave,
        vec![reply(200, r#"{"type":"search","web":{"res"#)],
        1,
    )
    .await;
    let e = result.unwrap_err();
    assert!(
        e.to_string()
            .contains(r#"it starts: {"type":"search","web":{"res"#),
        "{e}"
    );
}

#[tokio::test]
async fn serpapi_error_in_a_200_is_a_failure() {
    let (_server, result) = run(
        Backend::Serpapi,
        vec![reply(200, &saved("serpapi-error.json"))],
        1,
    )
    .await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::Reported {
            backend: Source::Serpapi,
            message: "We couldn't get valid results for this search. Please try again later."
                .into()
        }
    );
}

#[tokio::test]
async fn other_statuses_are_refusals_with_the_apis_words() {
    let (server, result) = run(
        Backend::Brave,
        vec![reply(
            422,
            r#"{"type":"ErrorResponse","error":{"code":"VALIDATION","detail":"Unable to validate request parameter(s)."}}"#,
        )],
        1,
    )
    .await;
    let e = result.unwrap_err();
    assert_eq!(
        e.to_string(),
        "brave refused the query (HTTP 422) (Unable to validate request parameter(s).)"
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn an_unreachable_api_is_named_and_the_key_stays_hidden() {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = client_at(Backend::Serpapi, &format!("http://127.0.0.1:{port}"))
        .search_page(&german("x"), 1)
        .await
        .unwrap_err();
    let ApiError::Network { backend, url, why } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*backend, Source::Serpapi);
    assert!(
        url.starts_with(&format!("http://127.0.0.1:{port}/search.json?")),
        "{url}"
    );
    assert!(!e.to_string().contains(KEY), "{e}");
    assert!(why.to_lowercase().contains("refused"), "{why}");
}

#[tokio::test]
async fn redirects_within_the_apis_host_are_followed_with_the_key() {
    let server = Server::start(vec![
        reply(302, "").header("Location", "/r1"),
        reply(301, "").header("Location", "/r2"),
        reply(307, "").header("Location", "/r3"),
        reply(200, &saved("brave.json")),
    ])
    .await;
    let page = client(Backend::Brave, &server)
        .search_page(&german("x"), 1)
        .await
        .unwrap();
    assert!(!page.page.hits.is_empty());
    let seen = server.seen();
    let paths: Vec<&str> = seen.iter().map(Seen::path).collect();
    assert_eq!(paths, ["/res/v1/web/search", "/r1", "/r2", "/r3"]);
    assert!(
        seen.iter()
            .all(|s| s.header("x-subscription-token") == Some(KEY))
    );
    // The URL shown is the one asked, not where it ended.
    assert!(page.url.contains("/res/v1/web/search?"), "{}", page.url);
}

#[tokio::test]
async fn more_than_three_redirects_are_a_network_failure_not_retried() {
    let (server, result) = run(
        Backend::Brave,
        (1..=4)
            .map(|i| reply(302, "").header("Location", &format!("/r{i}")))
            .collect(),
        1,
    )
    .await;
    let e = result.unwrap_err();
    let ApiError::Network { why, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(why, "too many redirects");
    assert_eq!(server.seen().len(), 4);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let server = Server::start(vec![
        reply(302, "{}").header("Location", "http://localhost:9/elsewhere"),
    ])
    .await;
    let e = client(Backend::Serper, &server)
        .search_page(&german("x"), 1)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ApiError::Refused {
            backend: Source::Serper,
            status: 302,
            message: None
        }
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn an_answer_over_the_cap_is_a_failure_not_retried() {
    let big = " ".repeat(prospect::search::api::BODY_CAP + 1);
    let (server, result) = run(Backend::Serper, vec![reply(200, &big)], 1).await;
    let e = result.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "cannot reach serper at {}/search: the answer is larger than 8 MB",
            server.url
        )
    );
    assert_eq!(server.seen().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Saved answers

#[test]
fn saved_answers_are_recognised_by_content() {
    let cases = [
        ("searxng.json", Source::Searxng, Outcome::Results, 3),
        ("searxng-empty.json", Source::Searxng, Outcome::Empty, 0),
        ("brave.json", Source::Brave, Outcome::Results, 2),
        ("brave-empty.json", Source::Brave, Outcome::Empty, 0),
        ("serper.json", Source::Serper, Outcome::Results, 4),
        ("serper-empty.json", Source::Serper, Outcome::Empty, 0),
        ("serpapi.json", Source::Serpapi, Outcome::Results, 3),
        ("serpapi-empty.json", Source::Serpapi, Outcome::Empty, 0),
    ];
    for (name, source, outcome, hits) in cases {
        let body = saved(name);
        let page = parse_json(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(page.source, source, "{name}");
        assert_eq!(page.outcome, outcome, "{name}");
        assert_eq!(page.hits.len(), hits, "{name}");
        assert!(page.query.is_some(), "{name}");
        // The same as reading it as that API.
        assert_eq!(parse_as(source, &body).unwrap(), page, "{name}");
        assert_eq!(
            page.hits.iter().filter(|h| h.ad).count(),
            usize::from(matches!(name, "serper.json" | "serpapi.json")),
            "{name}"
        );
    }
}

#[test]
fn saved_failures_are_errors_or_blocked() {
    let page = parse_json(&saved("searxng-blocked.json")).unwrap();
    assert!(page.blocked());
    let e = parse_json(&saved("brave-error.json")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "brave reported an error: Request rate limit exceeded for plan."
    );
    let e = parse_json(&saved("serpapi-error.json")).unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Reported {
                backend: Source::Serpapi,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn every_saved_answer_is_described_in_the_readme() {
    let readme = std::fs::read_to_string(fixture("api/README.md")).unwrap();
    for entry in std::fs::read_dir(fixture("api")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            assert!(
                readme.contains(&format!("`{name}`")),
                "{name} is not in fixtures/api/README.md"
            );
        }
    }
}
