//! `prospect results FILE...`: what saved result pages and API responses hold.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::json;

use super::{BadInput, write_output};
use crate::cli::ResultsArgs;
use prospect::search::{Outcome, ResultPage, parse_saved};

/// The largest result file read (saved pages with inline scripts run to a few MB).
const MAX_FILE: u64 = 20 * 1024 * 1024;

pub fn run(args: &ResultsArgs) -> Result<()> {
    let pages = read_saved(&args.files)?;
    let format = args.format.as_deref().unwrap_or("txt");
    let mut out = String::new();
    if format == "csv" {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "file", "engine", "query", "rank", "ad", "title", "url", "snippet",
        ])?;
        for (file, page) in &pages {
            for h in &page.hits {
                let file = file.display().to_string();
                let rank = h.rank.to_string();
                w.write_record([
                    file.as_str(),
                    page.source.name(),
                    page.query.as_deref().unwrap_or(""),
                    rank.as_str(),
                    if h.ad { "yes" } else { "" },
                    h.title.as_str(),
                    h.url.as_str(),
                    h.snippet.as_str(),
                ])?;
            }
        }
        out = String::from_utf8(w.into_inner()?)?;
    } else {
        for (file, page) in &pages {
            if format == "jsonl" {
                for h in &page.hits {
                    let line = json!({
                        "file": file.display().to_string(),
                        "engine": page.source.name(),
                        "query": page.query,
                        "rank": h.rank,
                        "ad": h.ad,
                        "title": h.title,
                        "url": h.url,
                        "snippet": h.snippet,
                        "redirect": h.redirect,
                    });
                    let _ = writeln!(out, "{line}");
                }
            } else {
                text_page(&mut out, file, page);
            }
        }
    }
    // Blocked and empty pages are told on stderr for the machine formats (stdout stays data).
    if format != "txt" {
        for (file, page) in &pages {
            match &page.outcome {
                Outcome::Blocked(why) => {
                    eprintln!("{}: blocked by {}: {why}", file.display(), page.source)
                }
                Outcome::Empty => eprintln!("{}: no results", file.display()),
                Outcome::Results => {}
            }
        }
    }
    write_output(None, &out)
}

fn text_page(out: &mut String, file: &Path, page: &ResultPage) {
    let query = page
        .query
        .as_deref()
        .map_or("(query not shown)".to_string(), |q| format!("\"{q}\""));
    let what = match &page.outcome {
        Outcome::Blocked(why) => format!("BLOCKED: {why}"),
        Outcome::Empty => "no results".to_string(),
        Outcome::Results => {
            let ads = page.hits.iter().filter(|h| h.ad).count();
            format!("{} results, {ads} ads", page.hits.len() - ads)
        }
    };
    let _ = writeln!(
        out,
        "{} · {} · {query} · {what}",
        file.display(),
        page.source
    );
    for h in &page.hits {
        let ad = if h.ad { " [ad]" } else { "" };
        let redirect = if h.redirect {
            "  (engine redirect: followed when harvested)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:>2}.{ad} {}\n      {}{redirect}",
            h.rank, h.title, h.url
        );
    }
}

/// Reads saved result files (folders: the `.html`, `.htm` and `.json` files in them, sorted).
/// A file that is not a result page of a known engine or API is bad input (exit 2), named.
pub fn read_saved(paths: &[PathBuf]) -> Result<Vec<(PathBuf, ResultPage)>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| BadInput(format!("{}: cannot read the folder: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                            matches!(x.to_ascii_lowercase().as_str(), "html" | "htm" | "json")
                        })
                })
                .collect();
            inside.sort();
            if inside.is_empty() {
                return Err(BadInput(format!(
                    "{}: no .html, .htm or .json files in this folder",
                    p.display()
                ))
                .into());
            }
            files.extend(inside);
        } else {
            files.push(p.clone());
        }
    }
    let mut out = Vec::new();
    for f in files {
        let len = std::fs::metadata(&f)
            .map_err(|e| BadInput(format!("{}: {e}", f.display())))?
            .len();
        if len > MAX_FILE {
            return Err(BadInput(format!(
                "{}: {len} bytes is too big for a result page (at most {MAX_FILE})",
                f.display()
            ))
            .into());
        }
        let bytes = std::fs::read(&f).map_err(|e| BadInput(format!("{}: {e}", f.display())))?;
        let page = parse_saved(&bytes).map_err(|e| BadInput(format!("{}: {e}", f.display())))?;
        out.push((f, page));
    }
    Ok(out)
}
