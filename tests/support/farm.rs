//! A site farm for tests: a loopback HTTP/1.1 server for many hosts, with request logs and faults.
//!
//! It serves `fixtures/sites/<host>/`, generated sites and per-path [`Reply`] routes by Host
//! header, records every request with its time ([`Hit`]), and injects faults at the byte level.
//!
//! The farm runs on its own thread with its own tokio runtime, so plain `#[test]`s and
//! `#[tokio::test]`s can both use it; dropping the [`Farm`] closes every connection (even one
//! that was never answered) and joins the thread with a bounded wait. Point the crawler at it
//! with [`Farm::resolve_args`] and [`Farm::url`]. Nothing here sleeps except the pacing of
//! [`Reply::Drip`].

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::DeflateEncoder;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The longest request head (request line and headers) the farm reads; longer ones get 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long dropping a [`Farm`] waits for its thread before leaving it behind.
pub const STOP_WAIT: Duration = Duration::from_secs(2);
/// How long the runtime gives its tasks to finish when the farm stops (they are all async,
/// so they are simply dropped at their next await).
const TASK_WAIT: Duration = Duration::from_millis(500);

/// What a [`Reply::GzipBomb`] decompresses to: this, then spaces, then [`BOMB_SUFFIX`].
pub const BOMB_PREFIX: &[u8] = b"<!doctype html><html><head><title>Bomb</title></head><body>";
/// The end of a gzip bomb's decompressed body.
pub const BOMB_SUFFIX: &[u8] = b"</body></html>\n";
/// The first bytes of generated HTML filler ([`Reply::Drip`], [`Reply::ResetMidBody`],
/// [`Reply::Big`] with an HTML type); [`FILLER_LINE`] repeats after it.
pub const HTML_FILLER_PREFIX: &[u8] =
    b"<!doctype html><html><head><title>Filler</title></head><body>\n";
/// The line that generated filler repeats.
pub const FILLER_LINE: &[u8] =
    b"<p>Lorem ipsum dolor sit amet, LED lamps and tubes for wholesale.</p>\n";

/// The Content-Type of HTML replies unless a test says otherwise.
const HTML: &str = "text/html; charset=utf-8";

type Io<T> = std::io::Result<T>;

/// Spaces per independently compressed piece of a gzip bomb.
const BOMB_UNIT: usize = 1 << 20;
/// Bomb pieces per HTTP chunk (about 16 KB on the wire).
const BOMB_BATCH: usize = 16;
/// Filler bytes per HTTP chunk for [`Reply::Big`].
const FILL_BLOCK: usize = 64 * 1024;

/// One request as the farm saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The Host header without port, lower case.
    pub host: String,
    /// Path and query, as sent.
    pub path: String,
    pub method: String,
    /// When the request head had been read.
    pub at: Instant,
    pub user_agent: Option<String>,
}

/// What the farm answers to one request on a route.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A status, headers and a body, sent with Content-Length (unless the headers set
    /// Content-Length or Transfer-Encoding themselves; then the body is sent as is and the
    /// connection closed afterwards, since the length may be a lie).
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Send 200 headers announcing `announced` bytes, `sent` bytes of HTML filler, then reset
    /// the connection (SO_LINGER 0, so the peer sees RST, not FIN).
    ResetMidBody { sent: usize, announced: usize },
    /// Read the request, never answer (until the client hangs up or the farm stops).
    Silence,
    /// 200 text/html with Content-Length `total`, the body sent at `bytes_per_sec` (one byte at
    /// a time below 20 bytes/s, else 20 writes a second). The headers go out at once.
    Drip { total: usize, bytes_per_sec: u32 },
    /// 200 text/html, Content-Encoding: gzip, chunked: a gzip stream that decompresses to
    /// `decompressed` bytes ([`BOMB_PREFIX`], spaces, [`BOMB_SUFFIX`]). The stream is made of
    /// one precomputed 1 MiB piece repeated, so a 10 GB bomb costs the farm nothing.
    GzipBomb { decompressed: u64 },
    /// 200 with `content_type`, `size` bytes of filler, chunked, generated while sending.
    Big { size: u64, content_type: String },
    /// A 301 to `location`.
    Redirect { location: String },
}

impl Reply {
    /// 200 text/html; charset=utf-8 with `body`.
    pub fn html(body: &str) -> Reply {
        Reply::bytes(HTML, body)
    }

    /// 200 with any content type and body (binary labelled text/html, a PDF, ...).
    pub fn bytes(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".to_string(), content_type.to_string())],
            body: body.into(),
        }
    }

    /// `code` with a short text/plain body such as "503 Service Unavailable" (no body for
    /// 1xx, 204 and 304).
    pub fn status(code: u16) -> Reply {
        let text = format!("{code} {}\n", reason(code));
        let body = if no_body_status(code) { "" } else { &text };
        Reply::bytes("text/plain; charset=utf-8", body).with_status(code)
    }

    /// The same `Full` reply with another status (panics for other kinds).
    pub fn with_status(self, code: u16) -> Reply {
        match self {
            Reply::Full { headers, body, .. } => Reply::Full {
                status: code,
                headers,
                body,
            },
            other => panic!("Reply::with_status applies to Full, not {other:?}"),
        }
    }

    /// Sets a header, replacing any of the same name. Applies to `Full` and `Redirect`
    /// (which becomes the equivalent `Full`); panics for the other kinds, whose headers are
    /// part of the fault.
    pub fn with_header(self, name: impl Into<String>, value: impl Into<String>) -> Reply {
        match self {
            Reply::Full {
                status,
                mut headers,
                body,
            } => {
                let name = name.into();
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
                headers.push((name, value.into()));
                Reply::Full {
                    status,
                    headers,
                    body,
                }
            }
            Reply::Redirect { location } => redirect_full(&location).with_header(name, value),
            other => panic!("Reply::with_header applies to Full and Redirect, not {other:?}"),
        }
    }
}

/// A running site farm; see the module docs.
pub struct Farm {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    done: Mutex<mpsc::Receiver<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Farm {
    /// Starts a farm on 127.0.0.1 (an OS-chosen port). With a root, serves
    /// `root/<host>/<path>` for any Host: `index.html` for a directory, 404 if missing,
    /// Content-Type from the extension (html: text/html; charset=utf-8 unless the host folder
    /// has a `.charset` file naming another charset, or `none` for no charset parameter).
    /// Routes and generated sites take precedence over files.
    pub fn start(root: Option<&Path>) -> Farm {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("farm: bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("farm: non-blocking listener");
        let addr = listener.local_addr().expect("farm: local address");
        let shared = Arc::new(Shared {
            root: root.map(Path::to_path_buf),
            hits: Mutex::new(Vec::new()),
            routes: Mutex::new(HashMap::new()),
            generated: Mutex::new(HashMap::new()),
        });
        let (stop_tx, stop_rx) = oneshot::channel();
        let (done_tx, done_rx) = mpsc::channel();
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("site-farm".to_string())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("site-farm-worker")
                    .enable_all()
                    .build()
                    .expect("farm: tokio runtime");
                rt.block_on(accept_loop(listener, serving, stop_rx));
                rt.shutdown_timeout(TASK_WAIT);
                let _ = done_tx.send(());
            })
            .expect("farm: spawn thread");
        Farm {
            addr,
            shared,
            stop: Some(stop_tx),
            done: Mutex::new(done_rx),
            thread: Some(thread),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Replies for one host and path (path alone, or path with query for an exact match),
    /// used in order; the last one repeats, e.g. `[503, 503, 503, 200]`.
    pub fn route(&self, host: &str, path: &str, replies: Vec<Reply>) {
        assert!(
            !replies.is_empty(),
            "farm: route {host}{path} needs at least one reply"
        );
        assert!(
            path.starts_with('/'),
            "farm: route path {path:?} must start with /"
        );
        let key = (normalise_host(host), path.to_string());
        lock(&self.shared.routes).insert(key, Route { replies, used: 0 });
    }

    /// Generated sites: for each host a home page linking to `pages` pages
    /// (`/products-<i>.html`, link text "Products <i>"), every page about `page_bytes` bytes,
    /// plus a robots.txt allowing all. Other paths are 404.
    pub fn generate<S: AsRef<str>>(&self, hosts: &[S], pages: usize, page_bytes: usize) {
        let mut generated = lock(&self.shared.generated);
        for host in hosts {
            generated.insert(normalise_host(host.as_ref()), Site { pages, page_bytes });
        }
    }

    /// Every request so far, in arrival order.
    pub fn hits(&self) -> Vec<Hit> {
        lock(&self.shared.hits).clone()
    }

    /// The requests for one host, in arrival order.
    pub fn hits_for(&self, host: &str) -> Vec<Hit> {
        let host = normalise_host(host);
        lock(&self.shared.hits)
            .iter()
            .filter(|h| h.host == host)
            .cloned()
            .collect()
    }

    /// The times between consecutive requests to one host.
    pub fn gaps_for(&self, host: &str) -> Vec<Duration> {
        let hits = self.hits_for(host);
        hits.windows(2)
            .map(|w| w[1].at.saturating_duration_since(w[0].at))
            .collect()
    }

    /// Forgets the requests so far.
    pub fn clear_hits(&self) {
        lock(&self.shared.hits).clear();
    }

    /// `--resolve` arguments pointing these hosts at the farm:
    /// `["--resolve", "a.test:<port>:127.0.0.1", ...]`.
    pub fn resolve_args<S: AsRef<str>>(&self, hosts: &[S]) -> Vec<String> {
        hosts
            .iter()
            .flat_map(|h| {
                [
                    "--resolve".to_string(),
                    format!("{}:{}:127.0.0.1", h.as_ref(), self.port()),
                ]
            })
            .collect()
    }

    /// The URL of a host's home page on the farm: `http://<host>:<port>/`.
    pub fn url(&self, host: &str) -> String {
        format!("http://{host}:{}/", self.port())
    }
}

impl Drop for Farm {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let done = self.done.get_mut().unwrap_or_else(|e| e.into_inner());
        match done.recv_timeout(STOP_WAIT) {
            // Finished, or the thread died (the join then reports the panic, which we ignore).
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                if let Some(thread) = self.thread.take() {
                    let _ = thread.join();
                }
            }
            // Left behind: it holds nothing but loopback sockets.
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
}

/// A port on 127.0.0.1 with no listener (bound to port 0, then closed), for "connection
/// refused".
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// `n` host names for generated sites: `site-001.test`, `site-002.test`, ...
pub fn numbered_hosts(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("site-{i:03}.test")).collect()
}

struct Shared {
    root: Option<PathBuf>,
    hits: Mutex<Vec<Hit>>,
    routes: Mutex<HashMap<(String, String), Route>>,
    generated: Mutex<HashMap<String, Site>>,
}

struct Route {
    replies: Vec<Reply>,
    used: usize,
}

#[derive(Clone, Copy)]
struct Site {
    pages: usize,
    page_bytes: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn record(&self, req: &Request) {
        lock(&self.hits).push(Hit {
            host: req.host.clone(),
            path: req.target.clone(),
            method: req.method.clone(),
            at: req.at,
            user_agent: req.user_agent.clone(),
        });
    }

    /// Routes first, then generated sites, then files, then 404.
    fn reply_for(&self, host: &str, target: &str) -> Reply {
        let path = target.split('?').next().unwrap_or("/");
        {
            let mut routes = lock(&self.routes);
            let exact = (host.to_string(), target.to_string());
            let key = if routes.contains_key(&exact) {
                exact
            } else {
                (host.to_string(), path.to_string())
            };
            if let Some(route) = routes.get_mut(&key) {
                let i = route.used.min(route.replies.len() - 1);
                route.used += 1;
                return route.replies[i].clone();
            }
        }
        let site = lock(&self.generated).get(host).copied();
        if let Some(site) = site {
            return generated_page(host, path, site);
        }
        if let Some(reply) = self
            .root
            .as_deref()
            .and_then(|root| file_reply(root, host, path))
        {
            return reply;
        }
        Reply::status(404)
    }
}

// ---- Sites: files and generated pages ----

fn file_reply(root: &Path, host: &str, path: &str) -> Option<Reply> {
    if host.is_empty() || host.starts_with('.') || host.contains(['/', '\\']) {
        return None;
    }
    let dir = root.join(host);
    if !dir.is_dir() {
        return None;
    }
    let decoded = percent_decode(path)?;
    let mut file = dir.clone();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        // No way out of the host folder, and no hidden files (`.charset`).
        if (seg.starts_with('.') && seg != ".well-known") || seg.contains('\\') {
            return None;
        }
        file.push(seg);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let body = std::fs::read(&file).ok()?;
    Some(Reply::bytes(&content_type(&dir, &file), body))
}

fn content_type(host_dir: &Path, file: &Path) -> String {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let fixed = match ext.as_str() {
        "html" | "htm" => {
            let charset = std::fs::read_to_string(host_dir.join(".charset"));
            return match charset.as_deref().map(str::trim) {
                Ok("none") => "text/html".to_string(),
                Ok(cs) if !cs.is_empty() => format!("text/html; charset={cs}"),
                _ => "text/html; charset=utf-8".to_string(),
            };
        }
        "txt" => "text/plain",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        "json" => "application/json",
        "css" => "text/css",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
    fixed.to_string()
}

/// `%XX` decoding of a URL path; None if that is not UTF-8 or a `%` is malformed.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn generated_page(host: &str, path: &str, site: Site) -> Reply {
    match path {
        "/robots.txt" => Reply::bytes("text/plain", "User-agent: *\nAllow: /\n"),
        "/" | "/index.html" => {
            let mut html = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{host}</title></head>\
                 <body><h1>{host}</h1><p>Wholesale LED lighting since 1998.</p><nav><ul>\n"
            );
            for i in 1..=site.pages {
                html.push_str(&format!(
                    "<li><a href=\"/products-{i}.html\">Products {i}</a></li>\n"
                ));
            }
            html.push_str("</ul></nav>\n");
            pad_page(&mut html, host, 0, site.page_bytes);
            Reply::html(&html)
        }
        _ => {
            let page = path
                .strip_prefix("/products-")
                .and_then(|p| p.strip_suffix(".html"))
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| (1..=site.pages).contains(n));
            let Some(i) = page else {
                return Reply::status(404);
            };
            let mut html = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Products {i} - {host}</title></head>\
                 <body><p><a href=\"/\">Home</a></p><h1>Products {i}</h1>\n"
            );
            pad_page(&mut html, host, i, site.page_bytes);
            Reply::html(&html)
        }
    }
}

/// Adds product paragraphs until the page is about `bytes` long, then closes it.
fn pad_page(html: &mut String, host: &str, page: usize, bytes: usize) {
    const END: &str = "</body></html>\n";
    let mut n = 0;
    while html.len() + END.len() < bytes {
        n += 1;
        html.push_str(&format!(
            "<p>LED-Lampe E27 {w}W, model {page}-{n} from {host}: warm white 2700 K, \
             800 lm, for importers and distributors. Cartons of 100.</p>\n",
            w = 5 + (page + n) % 10
        ));
    }
    html.push_str(END);
}

// ---- Connections ----

async fn accept_loop(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    let listener = TcpListener::from_std(listener).expect("farm: tokio listener");
    loop {
        tokio::select! {
            // Sent by Drop, or the sender was dropped: stop either way.
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve(stream, Arc::clone(&shared)));
                }
                // E.g. out of file descriptors: let connections finish, then try again.
                Err(_) => tokio::task::yield_now().await,
            },
        }
    }
}

struct Request {
    method: String,
    target: String,
    host: String,
    user_agent: Option<String>,
    close: bool,
    content_length: u64,
    at: Instant,
}

enum Head {
    Complete(Vec<u8>),
    TooLarge,
    Closed,
}

/// Serves requests on one connection until it is closed, a reply ends it, or the farm stops.
/// Every I/O error just ends the connection.
async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut buf).await {
            Head::Complete(head) => head,
            Head::Closed => return,
            Head::TooLarge => {
                let _ = send(&mut stream, false, true, Reply::status(431)).await;
                return;
            }
        };
        let Some(req) = parse_request(&head, Instant::now()) else {
            let _ = send(&mut stream, false, true, Reply::status(400)).await;
            return;
        };
        if discard_body(&mut stream, &mut buf, req.content_length)
            .await
            .is_err()
        {
            return;
        }
        shared.record(&req);
        let reply = shared.reply_for(&req.host, &req.target);
        let head_only = req.method.eq_ignore_ascii_case("HEAD");
        match send(&mut stream, head_only, req.close, reply).await {
            Ok(true) if !req.close => continue,
            _ => return,
        }
    }
}

async fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Head {
    loop {
        // Empty lines between requests are allowed (RFC 9112 §2.2).
        while buf.starts_with(b"\r\n") {
            buf.drain(..2);
        }
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            if end > MAX_HEAD {
                return Head::TooLarge;
            }
            let head = buf[..end].to_vec();
            buf.drain(..end + 4);
            return Head::Complete(head);
        }
        if buf.len() > MAX_HEAD {
            return Head::TooLarge;
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Head::Closed,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn discard_body(stream: &mut TcpStream, buf: &mut Vec<u8>, len: u64) -> Io<()> {
    let from_buf = (len.min(buf.len() as u64)) as usize;
    buf.drain(..from_buf);
    let mut left = len - from_buf as u64;
    let mut sink = [0u8; 4096];
    while left > 0 {
        let want = left.min(sink.len() as u64) as usize;
        let n = stream.read(&mut sink[..want]).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        left -= n as u64;
    }
    Ok(())
}

fn parse_request(head: &[u8], at: Instant) -> Option<Request> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let mut parts = lines.next()?.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?;
    let version = parts.next().unwrap_or("HTTP/1.0");
    if parts.next().is_some() {
        return None;
    }
    let (mut host, mut user_agent, mut connection) = (None, None, None);
    let (mut content_length, mut chunked) = (0u64, false);
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "host" => host = Some(value.to_string()),
            "user-agent" => user_agent = Some(value.to_string()),
            "connection" => connection = Some(value.to_ascii_lowercase()),
            "content-length" => content_length = value.parse().ok()?,
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    // Absolute form (`GET http://a.test/x HTTP/1.1`): the target names the host.
    let (target, host) = match target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        Some(rest) => match rest.find(['/', '?']) {
            Some(i) if rest.as_bytes()[i] == b'/' => (rest[i..].to_string(), rest[..i].to_string()),
            Some(i) => (format!("/{}", &rest[i..]), rest[..i].to_string()),
            None => ("/".to_string(), rest.to_string()),
        },
        None => (target.to_string(), host.unwrap_or_default()),
    };
    let persistent = match connection.as_deref() {
        Some(c) if c.contains("close") => false,
        Some(c) if c.contains("keep-alive") => true,
        _ => version.eq_ignore_ascii_case("HTTP/1.1"),
    };
    Some(Request {
        method,
        target,
        host: normalise_host(&host),
        user_agent,
        // A chunked request body is not read, so the connection cannot be reused.
        close: !persistent || chunked,
        content_length,
        at,
    })
}

/// Lower case, without port or trailing dot; `[::1]` keeps its brackets.
fn normalise_host(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    let bare = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(&host)
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => &host,
        }
    };
    bare.trim_end_matches('.').to_string()
}

// ---- Replies ----

/// Writes one reply. Ok(true) if the connection may carry another request.
async fn send(stream: &mut TcpStream, head_only: bool, close: bool, reply: Reply) -> Io<bool> {
    let reply = match reply {
        Reply::Redirect { location } => redirect_full(&location),
        other => other,
    };
    let (html, chunked) = (("Content-Type", HTML), ("Transfer-Encoding", "chunked"));
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let framed =
                has_header(&headers, "content-length") || has_header(&headers, "transfer-encoding");
            let len = body.len().to_string();
            let no_body = no_body_status(status);
            let extra = if framed || no_body {
                vec![]
            } else {
                vec![("Content-Length", &*len)]
            };
            let mut out = response_head(status, &headers, &extra, close || framed);
            if !head_only && !no_body {
                out.extend_from_slice(&body);
            }
            stream.write_all(&out).await?;
            Ok(!framed)
        }
        Reply::ResetMidBody { sent, announced } => {
            let len = announced.to_string();
            let mut out = response_head(200, &[], &[html, ("Content-Length", &len)], false);
            if !head_only {
                out.extend_from_slice(&filler(true, sent.min(announced)));
            }
            stream.write_all(&out).await?;
            stream.flush().await?;
            // Dropping the stream now sends RST instead of FIN.
            stream.set_zero_linger()?;
            Ok(false)
        }
        Reply::Silence => {
            let mut sink = [0u8; 1024];
            while let Ok(1..) = stream.read(&mut sink).await {}
            Ok(false)
        }
        Reply::Drip {
            total,
            bytes_per_sec,
        } => {
            let len = total.to_string();
            let out = response_head(200, &[], &[html, ("Content-Length", &len)], close);
            stream.write_all(&out).await?;
            if !head_only {
                drip(stream, &filler(true, total), bytes_per_sec).await?;
            }
            Ok(true)
        }
        Reply::GzipBomb { decompressed } => {
            let gzip = ("Content-Encoding", "gzip");
            let out = response_head(200, &[], &[html, gzip, chunked], close);
            stream.write_all(&out).await?;
            if !head_only {
                send_bomb(stream, decompressed).await?;
            }
            Ok(true)
        }
        Reply::Big { size, content_type } => {
            let out = response_head(200, &[], &[("Content-Type", &content_type), chunked], close);
            stream.write_all(&out).await?;
            if !head_only {
                send_big(stream, size, content_type.contains("html")).await?;
            }
            Ok(true)
        }
        Reply::Redirect { .. } => unreachable!("turned into Full above"),
    }
}

fn redirect_full(location: &str) -> Reply {
    let body = format!("<!doctype html><title>Moved</title><a href=\"{location}\">Moved</a>\n");
    Reply::bytes(HTML, body)
        .with_header("Location", location)
        .with_status(301)
}

fn has_header(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
}

fn no_body_status(status: u16) -> bool {
    (100..200).contains(&status) || status == 204 || status == 304
}

fn response_head(
    status: u16,
    headers: &[(String, String)],
    more: &[(&str, &str)],
    close: bool,
) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nServer: site-farm\r\n",
        reason(status)
    );
    let all = headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    for (k, v) in all.chain(more.iter().copied()) {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// The first `len` bytes of the filler stream: [`HTML_FILLER_PREFIX`] (for HTML), then
/// [`FILLER_LINE`] repeated.
fn filler(html: bool, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + FILLER_LINE.len());
    if html {
        out.extend_from_slice(HTML_FILLER_PREFIX);
    }
    while out.len() < len {
        out.extend_from_slice(FILLER_LINE);
    }
    out.truncate(len);
    out
}

async fn drip(stream: &mut TcpStream, body: &[u8], bytes_per_sec: u32) -> Io<()> {
    let rate = u64::from(bytes_per_sec.max(1));
    let step = (rate / 20).max(1);
    let period = Duration::from_nanos(step * 1_000_000_000 / rate);
    let start = tokio::time::Instant::now();
    for (i, piece) in body.chunks(step as usize).enumerate() {
        if i > 0 {
            tokio::time::sleep_until(start + period * i as u32).await;
        }
        stream.write_all(piece).await?;
        stream.flush().await?;
    }
    Ok(())
}

async fn write_chunk(stream: &mut TcpStream, data: &[u8]) -> Io<()> {
    if data.is_empty() {
        return Ok(());
    }
    let mut out = Vec::with_capacity(data.len() + 16);
    out.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    stream.write_all(&out).await
}

async fn send_big(stream: &mut TcpStream, size: u64, html: bool) -> Io<()> {
    let mut left = size;
    if html {
        let first = &HTML_FILLER_PREFIX[..left.min(HTML_FILLER_PREFIX.len() as u64) as usize];
        write_chunk(stream, first).await?;
        left -= first.len() as u64;
    }
    let block = filler(false, FILL_BLOCK - FILL_BLOCK % FILLER_LINE.len());
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        write_chunk(stream, &block[..n]).await?;
        left -= n as u64;
    }
    stream.write_all(b"0\r\n\r\n").await
}

/// A piece of raw deflate stream that decompresses to `data` on its own (it never refers
/// back past its start) and ends byte-aligned: with a sync flush (a non-final block), or with
/// a final block when `last`. Such pieces can be concatenated.
fn deflate_piece(data: &[u8], last: bool) -> Vec<u8> {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    enc.write_all(data).expect("deflate into memory");
    if last {
        return enc.finish().expect("deflate into memory");
    }
    enc.flush().expect("deflate into memory");
    // Dropping the encoder finishes the stream into the emptied vector, which is thrown away.
    std::mem::take(enc.get_mut())
}

struct BombUnit {
    deflated: Vec<u8>,
    crc: flate2::Crc,
}

fn bomb_unit() -> &'static BombUnit {
    static UNIT: OnceLock<BombUnit> = OnceLock::new();
    UNIT.get_or_init(|| {
        let spaces = vec![b' '; BOMB_UNIT];
        let mut crc = flate2::Crc::new();
        crc.update(&spaces);
        BombUnit {
            deflated: deflate_piece(&spaces, false),
            crc,
        }
    })
}

/// The gzip bomb's body: header, the prefix, the precomputed unit again and again, the rest
/// of the spaces with the suffix, the trailer; each piece one HTTP chunk.
async fn send_bomb(stream: &mut TcpStream, decompressed: u64) -> Io<()> {
    let plain_ends = BOMB_PREFIX.len() as u64 + BOMB_SUFFIX.len() as u64;
    let (prefix, spaces, suffix): (Vec<u8>, u64, Vec<u8>) = if decompressed >= plain_ends {
        (
            BOMB_PREFIX.to_vec(),
            decompressed - plain_ends,
            BOMB_SUFFIX.to_vec(),
        )
    } else {
        let mut both = [BOMB_PREFIX, BOMB_SUFFIX].concat();
        both.truncate(decompressed as usize);
        (both, 0, Vec::new())
    };
    let unit = bomb_unit();
    let units = spaces / BOMB_UNIT as u64;
    let mut tail = vec![b' '; (spaces % BOMB_UNIT as u64) as usize];
    tail.extend_from_slice(&suffix);

    // Gzip header: magic, deflate, no flags, no mtime, no extra flags, unknown OS.
    let mut first = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    first.extend_from_slice(&deflate_piece(&prefix, false));
    write_chunk(stream, &first).await?;

    let batch = unit.deflated.repeat(BOMB_BATCH);
    let mut left = units;
    while left > 0 {
        let n = left.min(BOMB_BATCH as u64) as usize;
        write_chunk(stream, &batch[..n * unit.deflated.len()]).await?;
        left -= n as u64;
    }

    let mut crc = flate2::Crc::new();
    crc.update(&prefix);
    for _ in 0..units {
        crc.combine(&unit.crc);
    }
    let mut tail_crc = flate2::Crc::new();
    tail_crc.update(&tail);
    crc.combine(&tail_crc);
    let mut last = deflate_piece(&tail, true);
    last.extend_from_slice(&crc.sum().to_le_bytes());
    last.extend_from_slice(&(decompressed as u32).to_le_bytes());
    write_chunk(stream, &last).await?;
    stream.write_all(b"0\r\n\r\n").await
}
