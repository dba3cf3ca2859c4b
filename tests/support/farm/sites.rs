//! The farm's sites: files under `root/<host>/` and generated sites of product pages.

use std::path::Path;

use super::Reply;

/// The shape of a generated site ([`super::Farm::generate`]).
#[derive(Clone, Copy)]
pub(super) struct Site {
    pub(super) pages: usize,
    pub(super) page_bytes: usize,
}

pub(super) fn file_reply(root: &Path, host: &str, path: &str) -> Option<Reply> {
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

pub(super) fn generated_page(host: &str, path: &str, site: Site) -> Reply {
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

/// Adds product cards (a catalogue list) until the page is about `bytes` long, then closes it.
fn pad_page(html: &mut String, host: &str, page: usize, bytes: usize) {
    const END: &str = "</ul></body></html>\n";
    html.push_str("<ul class=\"products\">\n");
    let mut n = 0;
    while html.len() + END.len() < bytes {
        n += 1;
        html.push_str(&format!(
            "<li class=\"product\"><h3>LED-Lampe E27 {w}W, model {page}-{n}</h3><p>From {host}: \
             warm white 2700 K, 800 lm, for importers and distributors. Cartons of 100.</p></li>\n",
            w = 5 + (page + n) % 10
        ));
    }
    html.push_str(END);
}
