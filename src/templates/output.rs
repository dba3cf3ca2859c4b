//! Writing queries: plain text, CSV, JSON lines, and a self-contained HTML checklist.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;

use super::expand::Query;
use super::{Catalog, Engine};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Txt,
    Csv,
    Jsonl,
    Html,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "txt" | "text" => Ok(Format::Txt),
            "csv" => Ok(Format::Csv),
            "jsonl" | "json" => Ok(Format::Jsonl),
            "html" => Ok(Format::Html),
            _ => Err(format!(
                "unknown format `{s}`; formats: txt, csv, jsonl, html"
            )),
        }
    }
}

impl Format {
    /// The format a file name implies (`q.html` → html).
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        path.extension()?.to_str()?.parse().ok()
    }
}

/// A query with its link, as written in csv and jsonl.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    pub method: &'a str,
    pub query: &'a str,
    pub country: &'a str,
    pub language: &'a str,
    pub url: String,
}

/// The link that opens `q` in `engine` for its country and language.
pub fn link(q: &Query, catalog: &Catalog, engine: Engine) -> String {
    engine.url(
        &q.text,
        &q.country,
        catalog.lang.countries.get(&*q.country),
        &q.language,
    )
}

fn rows<'a>(
    queries: &'a [Query],
    catalog: &'a Catalog,
    engine: Engine,
) -> impl Iterator<Item = Row<'a>> {
    queries.iter().map(move |q| Row {
        method: &q.method,
        query: &q.text,
        country: &q.country,
        language: &q.language,
        url: link(q, catalog, engine),
    })
}

/// Renders the queries. `txt` lists each distinct query text once (it has no country column).
pub fn render(
    format: Format,
    queries: &[Query],
    catalog: &Catalog,
    engine: Engine,
    title: &str,
) -> String {
    match format {
        Format::Txt => {
            let mut seen = HashSet::new();
            let mut s = String::new();
            for q in queries {
                if seen.insert(q.text.to_lowercase()) {
                    s.push_str(&q.text);
                    s.push('\n');
                }
            }
            s
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for row in rows(queries, catalog, engine) {
                // Writing to memory cannot fail.
                let _ = w.serialize(row);
            }
            if queries.is_empty() {
                let _ = w.write_record(["method", "query", "country", "language", "url"]);
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        Format::Jsonl => {
            let mut s = String::new();
            for row in rows(queries, catalog, engine) {
                if let Ok(line) = serde_json::to_string(&row) {
                    s.push_str(&line);
                    s.push('\n');
                }
            }
            s
        }
        Format::Html => html(queries, catalog, engine, title),
    }
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#1d1d1f}\
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:2rem 0 .3rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}\
h3{font-size:1rem;margin:1rem 0 .3rem;color:#444}.note{background:#fff7e0;border-left:4px solid #e0b000;padding:.4rem .7rem;margin:.4rem 0}\
.desc{color:#555;margin:.2rem 0}ul{list-style:none;padding-left:.2rem;margin:.2rem 0}li{margin:.15rem 0}\
li label{display:flex;gap:.5rem;align-items:baseline}input:checked+a{color:#888;text-decoration:line-through}\
.lang{color:#888;font-size:.8rem}#progress{position:sticky;top:0;background:#fff;padding:.4rem 0;border-bottom:1px solid #eee}\
button{margin-left:1rem}";

const SCRIPT: &str = r#"(function(){
var boxes=document.querySelectorAll('input[data-key]');
var page=document.body.getAttribute('data-page');
function key(b){return 'prospect:'+page+':'+b.getAttribute('data-key');}
function count(){var n=0;boxes.forEach(function(b){if(b.checked)n++;});
document.getElementById('done').textContent=n;}
boxes.forEach(function(b){
try{b.checked=localStorage.getItem(key(b))==='1';}catch(e){}
b.addEventListener('change',function(){
try{if(b.checked){localStorage.setItem(key(b),'1');}else{localStorage.removeItem(key(b));}}catch(e){}
count();});});
document.getElementById('clear').addEventListener('click',function(){
boxes.forEach(function(b){b.checked=false;try{localStorage.removeItem(key(b));}catch(e){}});count();});
count();
})();"#;

/// The checklist page: grouped by method and country, one link and one tick box per query,
/// ticks kept in the browser's localStorage; no external assets.
fn html(queries: &[Query], catalog: &Catalog, engine: Engine, title: &str) -> String {
    let mut s = String::new();
    let page = format!("{title}:{engine}");
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — search queries ({})</title>\n<style>{STYLE}</style>\n</head>\n<body data-page=\"{}\">\n",
        esc(title),
        engine,
        esc(&page)
    );
    let _ = write!(
        s,
        "<h1>{} — search queries</h1>\n<p class=\"desc\">{} queries for {}. Each link opens the query in {} \
         with the country and language set. Tick a query when you have worked through its results; \
         the ticks stay in this browser.</p>\n\
         <div id=\"progress\"><span id=\"done\">0</span> of {} done<button id=\"clear\" type=\"button\">Clear all ticks</button></div>\n",
        esc(title),
        queries.len(),
        esc(engine.name()),
        esc(engine.name()),
        queries.len()
    );
    let mut i = 0;
    while i < queries.len() {
        let method = &queries[i].method;
        let end = queries[i..]
            .iter()
            .position(|q| q.method != *method)
            .map_or(queries.len(), |p| i + p);
        let _ = write!(s, "<section id=\"m-{}\">\n<h2>{}", esc(method), esc(method));
        if let Some(t) = catalog.get(method) {
            let _ = write!(
                s,
                " <span class=\"lang\">seed method {}</span></h2>\n<p class=\"desc\">{}</p>\n",
                esc(&t.seed_label()),
                esc(&t.description)
            );
            if let Some(note) = &t.note {
                let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(note));
            }
        } else {
            s.push_str("</h2>\n");
        }
        let mut j = i;
        while j < end {
            let country = &queries[j].country;
            let cend = queries[j..end]
                .iter()
                .position(|q| q.country != *country)
                .map_or(end, |p| j + p);
            let name = catalog
                .lang
                .countries
                .get(&**country)
                .map_or(&**country, |c| c.name.as_str());
            let _ = write!(s, "<h3>{} ({})</h3>\n<ul>\n", esc(name), esc(country));
            for q in &queries[j..cend] {
                let key = format!("{}|{}|{}|{}", q.method, q.country, q.language, q.text);
                let _ = writeln!(
                    s,
                    "<li><label><input type=\"checkbox\" data-key=\"{}\"><a href=\"{}\" target=\"_blank\" rel=\"noopener noreferrer\">{}</a> <span class=\"lang\">{}</span></label></li>",
                    esc(&key),
                    esc(&link(q, catalog, engine)),
                    esc(&q.text),
                    esc(&q.language)
                );
            }
            s.push_str("</ul>\n");
            j = cend;
        }
        s.push_str("</section>\n");
        i = end;
    }
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    s
}
