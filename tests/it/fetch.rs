//! The fetcher against a local site farm: faults, limits, the guard, robots.txt, charsets.
//! Real HTTP on loopback; every test finishes within a stated bound.

use std::time::{Duration, Instant};

use url::Url;

use crate::support::farm::{Farm, Reply, closed_port};
use prospect::net::guard::Pin;
use prospect::net::{FetchConfig, FetchError, Fetcher};

fn config(pins: Vec<Pin>) -> FetchConfig {
    FetchConfig {
        user_agent: "prospect-test/1.0".into(),
        per_host_interval: Duration::from_millis(10),
        concurrency: 8,
        respect_robots: true,
        allow_private: true,
        pins,
        trusted_hosts: vec![],
        connect_timeout: Duration::from_secs(2),
        first_byte_timeout: Duration::from_millis(800),
        total_timeout: Duration::from_millis(1500),
        body_cap: 3 * 1024 * 1024,
        max_redirects: 5,
        retries: 3,
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        retry_after_cap: Duration::from_secs(10),
        failures_before_set_aside: 3,
        slow_after: Duration::from_millis(200),
        seed: Some(42),
    }
}

fn pins(farm: &Farm, hosts: &[&str]) -> Vec<Pin> {
    hosts
        .iter()
        .map(|h| format!("{h}:{}:127.0.0.1", farm.port()).parse().unwrap())
        .collect()
}

fn fetcher(farm: &Farm, hosts: &[&str]) -> Fetcher {
    Fetcher::new(config(pins(farm, hosts))).unwrap()
}

fn url(farm: &Farm, host: &str, path: &str) -> Url {
    Url::parse(&format!("http://{host}:{}{path}", farm.port())).unwrap()
}

fn page_hits(farm: &Farm, host: &str, path: &str) -> usize {
    farm.hits_for(host)
        .iter()
        .filter(|h| h.path == path)
        .count()
}

#[tokio::test]
async fn connection_refused_fails_fast_after_retries() {
    let farm = Farm::start(None);
    let port = closed_port();
    let f = fetcher(&farm, &["dead.test"]);
    let started = Instant::now();
    let err = f
        .get(&Url::parse(&format!("http://dead.test:{port}/")).unwrap())
        .await
        .unwrap_err();
    // robots.txt is asked first: its failure names it.
    assert!(
        matches!(&err, FetchError::RobotsUnreachable { why, .. } if why.starts_with("connection failed")),
        "{err}"
    );
    assert_eq!(page_hits(&farm, "dead.test", "/"), 0);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn reset_mid_body_is_retried_then_reported() {
    let farm = Farm::start(None);
    farm.route(
        "reset.test",
        "/",
        vec![Reply::ResetMidBody {
            sent: 1000,
            announced: 100_000,
        }],
    );
    let f = fetcher(&farm, &["reset.test"]);
    let started = Instant::now();
    let err = f.get(&url(&farm, "reset.test", "/")).await.unwrap_err();
    assert!(matches!(err, FetchError::Connect(_)), "{err}");
    assert_eq!(
        page_hits(&farm, "reset.test", "/"),
        4,
        "one try and three retries"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let farm = Farm::start(None);
    farm.route("silent.test", "/", vec![Reply::Silence]);
    let mut c = config(pins(&farm, &["silent.test"]));
    c.retries = 1;
    let f = Fetcher::new(c).unwrap();
    let started = Instant::now();
    let err = f.get(&url(&farm, "silent.test", "/")).await.unwrap_err();
    assert_eq!(err, FetchError::Timeout("waiting for the response"));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_slow_drip_is_cut_by_the_whole_response_timeout() {
    let farm = Farm::start(None);
    farm.route(
        "drip.test",
        "/",
        vec![Reply::Drip {
            total: 10_000,
            bytes_per_sec: 1,
        }],
    );
    let mut c = config(pins(&farm, &["drip.test"]));
    c.retries = 1;
    let f = Fetcher::new(c).unwrap();
    let started = Instant::now();
    let err = f.get(&url(&farm, "drip.test", "/")).await.unwrap_err();
    assert_eq!(err, FetchError::Timeout("reading the page"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retry_after_is_honoured_on_429() {
    let farm = Farm::start(None);
    farm.route(
        "busy.test",
        "/",
        vec![
            Reply::status(429).with_header("Retry-After", "2"),
            Reply::html("<p>ok</p>"),
        ],
    );
    let f = fetcher(&farm, &["busy.test"]);
    let page = f.get(&url(&farm, "busy.test", "/")).await.unwrap();
    assert_eq!(page.status, 200);
    let hits: Vec<_> = farm
        .hits_for("busy.test")
        .into_iter()
        .filter(|h| h.path == "/")
        .collect();
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at - hits[0].at;
    assert!(
        gap >= Duration::from_millis(1950),
        "waited {gap:?} for Retry-After: 2"
    );
}

#[tokio::test]
async fn three_503s_then_success() {
    let farm = Farm::start(None);
    farm.route(
        "flaky.test",
        "/",
        vec![
            Reply::status(503),
            Reply::status(503),
            Reply::status(503),
            Reply::html("<p>back</p>"),
        ],
    );
    let f = fetcher(&farm, &["flaky.test"]);
    let page = f.get(&url(&farm, "flaky.test", "/")).await.unwrap();
    assert_eq!(page.text.as_deref(), Some("<p>back</p>"));
    assert_eq!(page_hits(&farm, "flaky.test", "/"), 4);
}

#[tokio::test]
async fn a_host_failing_every_page_is_set_aside() {
    let farm = Farm::start(None);
    for p in ["/a", "/b", "/c", "/d"] {
        farm.route("broken.test", p, vec![Reply::status(500)]);
    }
    let f = fetcher(&farm, &["broken.test"]);
    for p in ["/a", "/b", "/c"] {
        let err = f.get(&url(&farm, "broken.test", p)).await.unwrap_err();
        assert_eq!(err, FetchError::Status(500), "{p}");
    }
    let before = farm.hits_for("broken.test").len();
    let err = f.get(&url(&farm, "broken.test", "/d")).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::SetAside(why) if why.contains("3 failures in a row")),
        "{err}"
    );
    assert_eq!(
        farm.hits_for("broken.test").len(),
        before,
        "no request to a set-aside host"
    );
}

#[tokio::test]
async fn redirect_loops_and_chains_are_bounded() {
    let farm = Farm::start(None);
    farm.route(
        "loop.test",
        "/a",
        vec![Reply::Redirect {
            location: "/b".into(),
        }],
    );
    farm.route(
        "loop.test",
        "/b",
        vec![Reply::Redirect {
            location: "/a".into(),
        }],
    );
    for i in 0..7 {
        farm.route(
            "chain.test",
            &format!("/{i}"),
            vec![Reply::Redirect {
                location: format!("/{}", i + 1),
            }],
        );
    }
    let f = fetcher(&farm, &["loop.test", "chain.test"]);
    let err = f.get(&url(&farm, "loop.test", "/a")).await.unwrap_err();
    assert!(matches!(err, FetchError::RedirectLoop(_)), "{err}");
    let err = f.get(&url(&farm, "chain.test", "/0")).await.unwrap_err();
    assert_eq!(err, FetchError::TooManyRedirects(5));
    assert_eq!(page_hits(&farm, "chain.test", "/6"), 0);
    // A redirect that ends is followed, and the final URL is what counts.
    farm.route(
        "moved.test",
        "/",
        vec![Reply::Redirect {
            location: "/home".into(),
        }],
    );
    farm.route("moved.test", "/home", vec![Reply::html("<p>home</p>")]);
    let f = fetcher(&farm, &["moved.test"]);
    let page = f.get(&url(&farm, "moved.test", "/")).await.unwrap();
    assert_eq!(page.final_url, url(&farm, "moved.test", "/home"));
}

#[tokio::test]
async fn the_guard_refuses_private_addresses_also_after_redirects() {
    let farm = Farm::start(None);
    farm.route(
        "public.test",
        "/",
        vec![Reply::Redirect {
            location: format!("http://127.0.0.1:{}/inside", farm.port()),
        }],
    );
    farm.route(
        "evil.test",
        "/",
        vec![Reply::html("<p>should not be reached</p>")],
    );
    let mut c = config(pins(&farm, &["public.test", "evil.test"]));
    c.allow_private = false;
    // Only for this test: the farm host counts as one the user configured.
    c.trusted_hosts = vec!["public.test".into()];
    c.respect_robots = false;
    let f = Fetcher::new(c).unwrap();
    let err = f.get(&url(&farm, "public.test", "/")).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Blocked(w) if w.contains("127.0.0.1")),
        "{err}"
    );
    assert_eq!(
        farm.hits().iter().filter(|h| h.path == "/inside").count(),
        0
    );
    // A name that resolves (here: is pinned) to loopback is refused before any request.
    let err = f.get(&url(&farm, "evil.test", "/")).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Blocked(w) if w.contains("local or private")),
        "{err}"
    );
    assert!(farm.hits_for("evil.test").is_empty());
    // An IP literal too; and only http(s).
    let err = f
        .get(&Url::parse(&format!("http://127.0.0.1:{}/", farm.port())).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Blocked(_)));
    let err = f
        .get(&Url::parse("ftp://public.test/").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Blocked(_)));
}

/// Two hosts that never answer, at a concurrency of two, do not hold up the other hosts:
/// a slow request gives its place under the cap to another host's.
#[tokio::test]
async fn hanging_hosts_do_not_hold_up_the_others() {
    let farm = Farm::start(None);
    let fast: Vec<String> = (0..6).map(|i| format!("fast{i}.test")).collect();
    for host in ["hang1.test", "hang2.test"] {
        farm.route(host, "/", vec![Reply::Silence]);
    }
    for host in &fast {
        farm.route(host, "/", vec![Reply::html("<p>here</p>")]);
    }
    let mut hosts: Vec<&str> = fast.iter().map(String::as_str).collect();
    hosts.extend(["hang1.test", "hang2.test"]);
    let mut cfg = config(pins(&farm, &hosts));
    cfg.concurrency = 2;
    cfg.respect_robots = false;
    cfg.retries = 0;
    cfg.first_byte_timeout = Duration::from_secs(20);
    cfg.total_timeout = Duration::from_secs(20);
    let f = std::sync::Arc::new(Fetcher::new(cfg).unwrap());
    let mut hanging = Vec::new();
    for host in ["hang1.test", "hang2.test"] {
        let (f, u) = (f.clone(), url(&farm, host, "/"));
        hanging.push(tokio::spawn(async move { f.get(&u).await }));
    }
    // Both hanging requests are under way before the others start.
    while farm.hits().len() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    let pages = futures_join(fast.iter().map(|h| {
        let (f, u) = (f.clone(), url(&farm, h, "/"));
        async move { f.get(&u).await }
    }))
    .await;
    assert!(pages.iter().all(Result::is_ok), "{pages:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the other hosts waited {:?} for the hanging ones",
        started.elapsed()
    );
    for h in hanging {
        h.abort();
    }
}

/// A robots.txt that never answers fails its site once (no retries), with a reason that
/// names robots.txt.
#[tokio::test]
async fn a_hanging_robots_txt_fails_once_and_says_so() {
    let farm = Farm::start(None);
    farm.route("slowrobots.test", "/robots.txt", vec![Reply::Silence]);
    farm.route("slowrobots.test", "/", vec![Reply::html("<p>home</p>")]);
    let f = fetcher(&farm, &["slowrobots.test"]);
    let err = f
        .get(&url(&farm, "slowrobots.test", "/"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::RobotsUnreachable { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("robots.txt of http://slowrobots.test"),
        "{err}"
    );
    assert_eq!(page_hits(&farm, "slowrobots.test", "/robots.txt"), 1);
    assert_eq!(page_hits(&farm, "slowrobots.test", "/"), 0);
}

/// Runs futures concurrently and collects their outputs in order.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_gzip_bomb_stops_at_the_body_cap() {
    let farm = Farm::start(None);
    farm.route(
        "bomb.test",
        "/",
        vec![Reply::GzipBomb {
            decompressed: 10 * 1024 * 1024 * 1024,
        }],
    );
    let f = fetcher(&farm, &["bomb.test"]);
    let started = Instant::now();
    let page = f.get(&url(&farm, "bomb.test", "/")).await.unwrap();
    assert!(page.truncated);
    assert_eq!(page.bytes, 3 * 1024 * 1024);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_50_mb_body_is_cut_at_the_cap() {
    let farm = Farm::start(None);
    farm.route(
        "big.test",
        "/",
        vec![Reply::Big {
            size: 50 * 1024 * 1024,
            content_type: "text/html".into(),
        }],
    );
    let f = fetcher(&farm, &["big.test"]);
    let page = f.get(&url(&farm, "big.test", "/")).await.unwrap();
    assert!(page.truncated);
    assert_eq!(page.bytes, 3 * 1024 * 1024);
    assert!(page.text.unwrap().starts_with("<!doctype html>"));
}

#[tokio::test]
async fn bodies_are_decoded_from_their_charsets() {
    let farm = Farm::start(None);
    let file =
        |name: &str| std::fs::read(crate::util::fixture(&format!("charsets/{name}"))).unwrap();
    farm.route(
        "de.test",
        "/",
        vec![Reply::bytes("text/html", file("de-windows-1252.html"))],
    );
    farm.route(
        "pl.test",
        "/",
        vec![Reply::bytes("text/html", file("pl-iso-8859-2.html"))],
    );
    farm.route(
        "ja.test",
        "/",
        vec![Reply::bytes("text/html", file("ja-shift_jis.html"))],
    );
    farm.route(
        "lie.test",
        "/",
        vec![Reply::bytes(
            "text/html; charset=utf-8",
            file("de-windows-1252.html"),
        )],
    );
    let f = fetcher(&farm, &["de.test", "pl.test", "ja.test", "lie.test"]);
    let de = f.get(&url(&farm, "de.test", "/")).await.unwrap();
    assert_eq!(de.charset, Some("windows-1252"));
    assert!(de.text.unwrap().contains("Müller & Söhne"));
    let pl = f.get(&url(&farm, "pl.test", "/")).await.unwrap();
    assert_eq!(pl.charset, Some("ISO-8859-2"));
    assert!(pl.text.unwrap().contains('ł'));
    let ja = f.get(&url(&farm, "ja.test", "/")).await.unwrap();
    assert_eq!(ja.charset, Some("Shift_JIS"));
    assert!(ja.text.unwrap().contains("照明"));
    // A wrong label is trusted, as browsers do: lossy, but no failure.
    let lie = f.get(&url(&farm, "lie.test", "/")).await.unwrap();
    assert!(lie.text.unwrap().contains('\u{fffd}'));
}

#[tokio::test]
async fn binary_and_non_html_bodies_are_not_stored_as_text() {
    let farm = Farm::start(None);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(std::iter::repeat_n(0u8, 2000));
    farm.route("bin.test", "/", vec![Reply::bytes("text/html", png)]);
    farm.route(
        "bin.test",
        "/catalogue.pdf",
        vec![Reply::bytes("application/pdf", b"%PDF-1.4 ...".to_vec())],
    );
    let f = fetcher(&farm, &["bin.test"]);
    let err = f.get(&url(&farm, "bin.test", "/")).await.unwrap_err();
    assert!(matches!(err, FetchError::Binary(_)), "{err}");
    let err = f
        .get(&url(&farm, "bin.test", "/catalogue.pdf"))
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::NotText("application/pdf".into()));
}

#[tokio::test]
async fn robots_txt_rules_by_rfc_9309() {
    let farm = Farm::start(Some(&crate::util::fixture("sites")));
    farm.route("robots-5xx.test", "/robots.txt", vec![Reply::status(503)]);
    farm.route(
        "robots-gone.test",
        "/",
        vec![Reply::html("<p>no robots.txt here</p>")],
    );
    let f = fetcher(
        &farm,
        &["lampen-import.test", "robots-5xx.test", "robots-gone.test"],
    );
    // Disallow: the page is never requested.
    let err = f
        .get(&url(&farm, "lampen-import.test", "/intern/secret.html"))
        .await
        .unwrap_err();
    assert_eq!(err, FetchError::Disallowed("/intern/secret.html".into()));
    assert_eq!(
        page_hits(&farm, "lampen-import.test", "/intern/secret.html"),
        0
    );
    // Allowed pages are fetched; robots.txt is read once per host.
    f.get(&url(&farm, "lampen-import.test", "/")).await.unwrap();
    f.get(&url(&farm, "lampen-import.test", "/kontakt.html"))
        .await
        .unwrap();
    assert_eq!(page_hits(&farm, "lampen-import.test", "/robots.txt"), 1);
    // Crawl-delay: 1 spaces the requests to that host by at least a second.
    let gaps = farm.gaps_for("lampen-import.test");
    assert!(
        gaps.iter()
            .skip(1)
            .all(|g| *g >= Duration::from_millis(980)),
        "{gaps:?}"
    );
    // 5xx: nothing is fetched for now.
    let err = f
        .get(&url(&farm, "robots-5xx.test", "/"))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RobotsUnavailable { .. }), "{err}");
    assert_eq!(page_hits(&farm, "robots-5xx.test", "/"), 0);
    // 4xx (no robots.txt): everything allowed.
    f.get(&url(&farm, "robots-gone.test", "/")).await.unwrap();
}

#[tokio::test]
async fn an_engine_redirect_is_located_by_one_head_request() {
    let farm = Farm::start(None);
    let target = "https://www.guangming-led.example/en/";
    farm.route(
        "www.baidu.test",
        "/link",
        vec![Reply::Redirect {
            location: target.into(),
        }],
    );
    let f = fetcher(&farm, &["www.baidu.test"]);
    let link = url(&farm, "www.baidu.test", "/link?url=QpN8vXc2");
    assert_eq!(f.locate(&link).await.unwrap().as_str(), target);
    let hits = farm.hits_for("www.baidu.test");
    assert_eq!(hits.len(), 1, "no robots.txt, no GET: {hits:?}");
    assert_eq!(hits[0].method, "HEAD");
}
