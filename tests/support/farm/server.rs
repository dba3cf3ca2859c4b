//! The farm's HTTP/1.1 core: accepting connections, reading and parsing requests, writing
//! replies (the fault bodies come from [`super::faults`]).

use std::sync::Arc;
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use super::faults::{drip, filler, send_big, send_bomb};
use super::{HTML, Io, MAX_HEAD, Reply, Shared};

pub(super) async fn accept_loop(
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

/// One parsed request head; the farm logs it as a [`super::Hit`].
pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) host: String,
    pub(super) user_agent: Option<String>,
    close: bool,
    content_length: u64,
    pub(super) at: Instant,
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
pub(super) fn normalise_host(host: &str) -> String {
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

pub(super) fn redirect_full(location: &str) -> Reply {
    let body = format!("<!doctype html><title>Moved</title><a href=\"{location}\">Moved</a>\n");
    Reply::bytes(HTML, body)
        .with_header("Location", location)
        .with_status(301)
}

fn has_header(headers: &[(String, String)], name: &str) -> bool {
    headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
}

pub(super) fn no_body_status(status: u16) -> bool {
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

pub(super) fn reason(status: u16) -> &'static str {
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
