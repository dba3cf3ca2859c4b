//! The site farm's own tests, spoken in raw HTTP over std sockets so they depend on nothing
//! the farm uses for serving.

#[path = "support/farm/mod.rs"]
mod farm;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use farm::{BOMB_PREFIX, BOMB_SUFFIX, FILLER_LINE, Farm, HTML_FILLER_PREFIX, Reply};

/// Generous: only reached when the farm misbehaves.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

fn sites() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/sites")
}

fn connect(farm: &Farm) -> BufReader<TcpStream> {
    let stream = TcpStream::connect(farm.addr()).expect("connect to farm");
    stream.set_read_timeout(Some(CLIENT_TIMEOUT)).unwrap();
    BufReader::new(stream)
}

fn send(conn: &mut BufReader<TcpStream>, method: &str, host: &str, path: &str, extra: &str) {
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: farm-test/1\r\n{extra}\r\n"
    );
    conn.get_mut().write_all(req.as_bytes()).unwrap();
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn read_head(conn: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    conn.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .expect("status line")
        .parse()
        .unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        conn.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap();
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    (status, headers)
}

/// Reads one response: Content-Length, chunked, or until the connection closes.
fn read_response(conn: &mut BufReader<TcpStream>, head_only: bool) -> Resp {
    let (status, headers) = read_head(conn);
    let mut resp = Resp {
        status,
        headers,
        body: Vec::new(),
    };
    if head_only {
        return resp;
    }
    if resp.header("transfer-encoding").is_some() {
        Chunked::new(conn).read_to_end(&mut resp.body).unwrap();
    } else if let Some(len) = resp.header("content-length") {
        resp.body = vec![0; len.parse().unwrap()];
        conn.read_exact(&mut resp.body).unwrap();
    } else {
        conn.read_to_end(&mut resp.body).unwrap();
    }
    resp
}

fn get(farm: &Farm, host: &str, path: &str) -> Resp {
    let mut conn = connect(farm);
    send(
        &mut conn,
        "GET",
        &format!("{host}:{}", farm.port()),
        path,
        "Connection: close\r\n",
    );
    read_response(&mut conn, false)
}

/// A reader over the data of a chunked body.
struct Chunked<'a, R: BufRead> {
    inner: &'a mut R,
    left: usize,
    done: bool,
}

impl<'a, R: BufRead> Chunked<'a, R> {
    fn new(inner: &'a mut R) -> Self {
        Chunked {
            inner,
            left: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Read for Chunked<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        if self.left == 0 {
            let mut line = String::new();
            self.inner.read_line(&mut line)?;
            self.left = usize::from_str_radix(line.trim(), 16)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            if self.left == 0 {
                self.inner.read_line(&mut line)?;
                self.done = true;
                return Ok(0);
            }
        }
        let want = buf.len().min(self.left);
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        self.left -= n;
        if self.left == 0 {
            let mut crlf = [0u8; 2];
            self.inner.read_exact(&mut crlf)?;
        }
        Ok(n)
    }
}

#[test]
fn farm_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Farm>();
}

#[test]
fn serves_fixture_files_by_host_header() {
    let farm = Farm::start(Some(&sites()));
    let home = get(&farm, "lampen-import.test", "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.text().contains("Lampen Import"), "{}", home.text());

    let products = get(&farm, "lampen-import.test", "/produkte/");
    assert!(products.text().contains("LED-Lampe E27 9W"));
    assert_eq!(
        get(&farm, "lampen-import.test", "/produkte").body,
        products.body
    );

    let robots = get(&farm, "lampen-import.test", "/robots.txt");
    assert_eq!(robots.header("content-type"), Some("text/plain"));
    assert!(robots.text().contains("Disallow: /intern/"));

    let other = get(&farm, "MOTO-HELME.test", "/index.html");
    assert_eq!(other.status, 200);
    assert!(!other.body.is_empty() && other.body != home.body);

    let latin = get(&farm, "charset-1252.test", "/");
    assert_eq!(latin.header("content-type"), Some("text/html"));
    assert!(latin.body.contains(&0xe4), "windows-1252 ä expected");
    assert!(std::str::from_utf8(&latin.body).is_err());
}

#[test]
fn missing_files_hidden_files_and_escapes_are_404() {
    let farm = Farm::start(Some(&sites()));
    assert_eq!(get(&farm, "lampen-import.test", "/nope.html").status, 404);
    assert_eq!(get(&farm, "unknown.test", "/").status, 404);
    assert_eq!(get(&farm, "charset-1252.test", "/.charset").status, 404);
    assert_eq!(
        get(
            &farm,
            "lampen-import.test",
            "/../moto-helme.test/index.html"
        )
        .status,
        404
    );
    assert_eq!(
        get(
            &farm,
            "lampen-import.test",
            "/%2e%2e/moto-helme.test/index.html"
        )
        .status,
        404
    );
    assert_eq!(get(&farm, "no-robots.test", "/robots.txt").status, 404);
    // No root at all: everything unrouted is 404.
    let bare = Farm::start(None);
    assert_eq!(get(&bare, "lampen-import.test", "/").status, 404);
}

#[test]
fn route_replies_are_used_in_order_and_the_last_repeats() {
    let farm = Farm::start(Some(&sites()));
    farm.route(
        "lampen-import.test",
        "/",
        vec![
            Reply::status(429).with_header("Retry-After", "2"),
            Reply::status(503),
            Reply::html("<p>ok</p>"),
        ],
    );
    let first = get(&farm, "lampen-import.test", "/");
    assert_eq!(
        (first.status, first.header("retry-after")),
        (429, Some("2"))
    );
    assert_eq!(get(&farm, "lampen-import.test", "/").status, 503);
    for _ in 0..2 {
        let ok = get(&farm, "lampen-import.test", "/");
        assert_eq!((ok.status, ok.text().as_str()), (200, "<p>ok</p>"));
    }
    // Routes match the path with or without a query; other paths still come from files.
    assert_eq!(get(&farm, "lampen-import.test", "/?q=1").status, 200);
    assert!(
        get(&farm, "lampen-import.test", "/kontakt.html")
            .text()
            .contains("info@lampen-import.test")
    );
}

#[test]
fn records_hits_with_host_path_method_time_and_agent() {
    let farm = Farm::start(None);
    let before = Instant::now();
    get(&farm, "A.Test", "/x?y=1");
    get(&farm, "b.test", "/");
    let mut conn = connect(&farm);
    send(
        &mut conn,
        "HEAD",
        &format!("a.test:{}", farm.port()),
        "/z",
        "Connection: close\r\n",
    );
    read_response(&mut conn, true);
    let hits = farm.hits();
    let seen: Vec<_> = hits
        .iter()
        .map(|h| (h.host.as_str(), h.path.as_str(), h.method.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("a.test", "/x?y=1", "GET"),
            ("b.test", "/", "GET"),
            ("a.test", "/z", "HEAD")
        ]
    );
    assert!(hits[0].at >= before && hits[0].at <= hits[1].at && hits[1].at <= hits[2].at);
    assert_eq!(hits[0].user_agent.as_deref(), Some("farm-test/1"));
    assert_eq!(farm.hits_for("A.TEST:80").len(), 2);
    assert_eq!(farm.gaps_for("a.test").len(), 1);
    farm.clear_hits();
    assert!(farm.hits().is_empty());
}

#[test]
fn head_sends_headers_only_and_keep_alive_serves_several_requests() {
    let farm = Farm::start(Some(&sites()));
    let host = format!("lampen-import.test:{}", farm.port());
    let mut conn = connect(&farm);
    send(&mut conn, "HEAD", &host, "/", "");
    let head = read_response(&mut conn, true);
    let full_len: usize = head.header("content-length").unwrap().parse().unwrap();
    assert!(full_len > 0);
    send(&mut conn, "GET", &host, "/", "");
    let got = read_response(&mut conn, false);
    assert_eq!(got.body.len(), full_len);
    // Two requests written at once (pipelined), then one asking to close.
    let two = format!(
        "GET /robots.txt HTTP/1.1\r\nHost: {host}\r\n\r\nGET /kontakt.html HTTP/1.1\r\nHost: {host}\r\n\r\n"
    );
    conn.get_mut().write_all(two.as_bytes()).unwrap();
    assert!(
        read_response(&mut conn, false)
            .text()
            .contains("User-agent")
    );
    assert!(read_response(&mut conn, false).text().contains("Kontakt"));
    send(&mut conn, "GET", &host, "/", "Connection: close\r\n");
    let last = read_response(&mut conn, false);
    assert_eq!(last.header("connection"), Some("close"));
    let mut rest = Vec::new();
    assert_eq!(
        conn.read_to_end(&mut rest).unwrap(),
        0,
        "the farm closes after Connection: close"
    );
    assert_eq!(farm.hits().len(), 5);
}

#[test]
fn gzip_bomb_is_valid_gzip_and_a_client_can_walk_away() {
    let farm = Farm::start(None);
    farm.route(
        "bomb.test",
        "/",
        vec![Reply::GzipBomb {
            decompressed: 10_000_000_000,
        }],
    );
    let mut conn = connect(&farm);
    send(&mut conn, "GET", "bomb.test", "/", "");
    let (status, headers) = read_head(&mut conn);
    assert_eq!(status, 200);
    assert!(headers.contains(&("Content-Encoding".to_string(), "gzip".to_string())));
    let mut first = vec![0u8; 64 * 1024];
    flate2::read::GzDecoder::new(Chunked::new(&mut conn))
        .read_exact(&mut first)
        .unwrap();
    assert!(first.starts_with(BOMB_PREFIX));
    assert!(first[BOMB_PREFIX.len()..].iter().all(|&b| b == b' '));
    drop(conn);
    // The farm neither hangs nor stops serving others.
    assert_eq!(get(&farm, "bomb.test", "/other").status, 404);
    let started = Instant::now();
    drop(farm);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn small_gzip_bombs_decompress_exactly() {
    let farm = Farm::start(None);
    for size in [0u64, 10, 100, (2 << 20) + 1234, 3 << 20] {
        farm.route(
            "bomb.test",
            "/",
            vec![Reply::GzipBomb { decompressed: size }],
        );
        let resp = get(&farm, "bomb.test", "/");
        let mut plain = Vec::new();
        // GzDecoder checks the CRC and length in the trailer.
        flate2::read::GzDecoder::new(&resp.body[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain.len() as u64, size);
        if size > 100 {
            assert!(plain.starts_with(BOMB_PREFIX) && plain.ends_with(BOMB_SUFFIX));
            assert!(
                resp.body.len() < 20_000,
                "{} compressed bytes for {size}",
                resp.body.len()
            );
        }
    }
}

#[test]
fn dropping_the_farm_closes_a_silent_connection() {
    let farm = Farm::start(None);
    farm.route("quiet.test", "/", vec![Reply::Silence]);
    let mut conn = connect(&farm);
    send(&mut conn, "GET", "quiet.test", "/", "");
    // Wait (event-driven, no sleep) until the farm has read the request.
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    while farm.hits().is_empty() {
        assert!(Instant::now() < deadline, "the farm never read the request");
        std::thread::yield_now();
    }
    let started = Instant::now();
    drop(farm);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "drop took {:?}",
        started.elapsed()
    );
    let mut rest = Vec::new();
    let n = conn.read_to_end(&mut rest).unwrap_or(0);
    assert_eq!(n, 0, "silence means no bytes at all");
}

#[test]
fn reset_mid_body_sends_part_then_resets() {
    let farm = Farm::start(None);
    farm.route(
        "reset.test",
        "/",
        vec![Reply::ResetMidBody {
            sent: 500,
            announced: 5000,
        }],
    );
    let mut conn = connect(&farm);
    send(&mut conn, "GET", "reset.test", "/", "");
    let (status, headers) = read_head(&mut conn);
    assert_eq!(status, 200);
    assert!(headers.contains(&("Content-Length".to_string(), "5000".to_string())));
    let mut body = Vec::new();
    let err = conn
        .read_to_end(&mut body)
        .expect_err("the connection is reset");
    assert_eq!(err.kind(), ErrorKind::ConnectionReset);
    assert!(body.len() <= 500 && body.starts_with(&HTML_FILLER_PREFIX[..body.len().min(20)]));
}

#[test]
fn drip_paces_the_body() {
    let farm = Farm::start(None);
    farm.route(
        "slow.test",
        "/",
        vec![Reply::Drip {
            total: 30,
            bytes_per_sec: 100,
        }],
    );
    let started = Instant::now();
    let resp = get(&farm, "slow.test", "/");
    assert_eq!(resp.body.len(), 30);
    // Six writes 50 ms apart: 250 ms; the bound is loose on purpose.
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn big_bodies_redirects_and_other_kinds() {
    let farm = Farm::start(None);
    farm.route(
        "big.test",
        "/",
        vec![Reply::Big {
            size: 200_003,
            content_type: "text/html".into(),
        }],
    );
    farm.route(
        "big.test",
        "/data",
        vec![Reply::Big {
            size: 1000,
            content_type: "application/octet-stream".into(),
        }],
    );
    farm.route(
        "loop.test",
        "/a",
        vec![Reply::Redirect {
            location: "/b".into(),
        }],
    );
    farm.route(
        "bin.test",
        "/",
        vec![Reply::bytes("text/html", vec![0u8, 159, 146, 150, 255])],
    );
    let big = get(&farm, "big.test", "/");
    assert_eq!(big.body.len(), 200_003);
    assert!(big.body.starts_with(HTML_FILLER_PREFIX));
    let data = get(&farm, "big.test", "/data");
    assert_eq!(
        data.header("content-type"),
        Some("application/octet-stream")
    );
    assert!(data.body.starts_with(FILLER_LINE) && data.body.len() == 1000);
    let moved = get(&farm, "loop.test", "/a");
    assert_eq!((moved.status, moved.header("location")), (301, Some("/b")));
    assert_eq!(get(&farm, "bin.test", "/").body, [0u8, 159, 146, 150, 255]);
}

#[test]
fn generated_sites_link_their_pages() {
    let farm = Farm::start(Some(&sites()));
    let hosts = farm::numbered_hosts(2);
    farm.generate(&hosts, 3, 2000);
    let home = get(&farm, "site-002.test", "/");
    assert!(
        home.text()
            .contains(r#"<a href="/products-3.html">Products 3</a>"#)
    );
    let page = get(&farm, "site-002.test", "/products-2.html");
    assert!(
        (2000..2300).contains(&page.body.len()),
        "{}",
        page.body.len()
    );
    assert_eq!(get(&farm, "site-001.test", "/products-4.html").status, 404);
    assert!(
        get(&farm, "site-001.test", "/robots.txt")
            .text()
            .contains("Allow: /")
    );
}

#[test]
fn oversized_heads_get_431_and_closed_ports_refuse() {
    let farm = Farm::start(None);
    let mut conn = connect(&farm);
    let long = format!("X-Long: {}\r\n", "a".repeat(farm::MAX_HEAD));
    send(&mut conn, "GET", "a.test", "/", &long);
    assert_eq!(read_response(&mut conn, false).status, 431);
    let _ = conn.get_ref().shutdown(Shutdown::Both);

    let port = farm::closed_port();
    let err = TcpStream::connect(("127.0.0.1", port)).expect_err("nothing listens");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn resolve_args_and_urls_point_at_the_farm() {
    let farm = Farm::start(None);
    let p = farm.port();
    assert_eq!(
        farm.resolve_args(&["a.test", "b.test"]),
        [
            "--resolve".to_string(),
            format!("a.test:{p}:127.0.0.1"),
            "--resolve".into(),
            format!("b.test:{p}:127.0.0.1")
        ]
    );
    assert_eq!(farm.resolve_args(&farm::numbered_hosts(1)).len(), 2);
    assert_eq!(farm.url("a.test"), format!("http://a.test:{p}/"));
}

#[tokio::test]
async fn works_from_an_async_test() {
    let farm = Farm::start(None);
    farm.route("a.test", "/", vec![Reply::html("hi")]);
    let addr = farm.addr();
    let resp = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    assert!(resp.starts_with("HTTP/1.1 200 OK") && resp.ends_with("\r\n\r\nhi"));
    drop(farm);
}
