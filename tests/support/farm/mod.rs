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
//!
//! Inside: `server` reads requests and frames replies, `sites` serves files and generated
//! sites, `faults` produces the bodies of the fault replies.

#![allow(dead_code)]

mod faults;
mod server;
mod sites;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use server::{Request, accept_loop, no_body_status, normalise_host, reason, redirect_full};
use sites::{Site, file_reply, generated_page};

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
