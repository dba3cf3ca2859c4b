//! `prospect score`: grade one company — a site visited through the crawl stage, or saved
//! pages — and print the lead with its evidence.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use url::Url;

use super::settings::{Global, Overrides, Settings};
use super::{BadInput, stages};
use crate::cli::ScoreArgs;
use prospect::control::{Silent, Stop};
use prospect::crawl::{self, CrawlOptions};
use prospect::extract::Domain;
use prospect::extract::domain::{home_of, parse_site_url};
use prospect::extract::links::{self, Lexicon, PageKind};
use prospect::net::Fetcher;
use prospect::score::{self, Lead, SitePage, lead};
use prospect::sheet::SheetLead;
use prospect::store::{Graded, Site, SiteStatus, StoredLead};

pub fn run(args: &ScoreArgs, global: &Global) -> Result<()> {
    let settings = Settings::load(
        &args.plan,
        global,
        Overrides {
            store: args.store.store.clone(),
            resolve: args.resolve.clone(),
            refresh: None,
            retry_failed: true,
        },
    )?;
    let grader = settings.grader();
    let (domain, pages, pages_at) = match (&args.url, args.files.is_empty()) {
        (Some(_), false) => {
            return Err(BadInput("give a URL or --file pages, not both".into()).into());
        }
        (None, true) => {
            return Err(BadInput("give the site's URL, or saved pages with --file".into()).into());
        }
        (None, false) => {
            let (domain, pages) = files(&args.files, &settings.crawl.lexicon)?;
            (domain, pages, None)
        }
        (Some(url), true) => visit(&settings, url)?,
    };
    if pages.is_empty() {
        return Err(BadInput(format!("{domain}: no page could be read")).into());
    }
    let lead = grader.grade(&domain, &pages);
    if let Some(pages_at) = pages_at {
        let store = settings.open_store()?;
        let graded = Graded {
            plan: grader.stamp().to_string(),
            pages_at,
        };
        let record = lead.record();
        let now = settings.clock.now();
        store.call_blocking(move |s| s.save_leads(&[(record, graded)], now))?;
    }
    let out = if args.format.as_deref() == Some("json") {
        let mut v = columns(&lead, settings.clock.today());
        if args.explain {
            v["explain"] = serde_json::json!(lead::to_text(&lead, true));
        }
        format!("{v}\n")
    } else {
        lead::to_text(&lead, args.explain)
    };
    super::write_output(None, &out)
}

/// The lead as the sheet's columns, seen `today`.
fn columns(lead: &Lead, today: i64) -> serde_json::Value {
    let stored = StoredLead {
        record: lead.record(),
        first_seen: today,
        graded_at: today,
        queries: Vec::new(),
    };
    SheetLead::from_stored(&stored).columns_json()
}

/// Saved pages: the first is the home page unless a name says otherwise.
fn files(paths: &[std::path::PathBuf], lex: &Lexicon) -> Result<(String, Vec<SitePage>)> {
    let mut pages = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let bytes = std::fs::read(path)
            .map_err(|e| BadInput(format!("{}: cannot read: {e}", path.display())))?;
        let decoded = prospect::net::decode::decode(&bytes, None, true)
            .map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let url = Url::from_file_path(&abs)
            .map_err(|_| BadInput(format!("{}: not a file path", path.display())))?;
        pages.push(SitePage {
            url,
            kind: kind_of_file(path, i, lex),
            html: decoded.text,
        });
    }
    let first = paths
        .first()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()));
    let domain = first
        .as_deref()
        .and_then(|p| p.parent())
        .and_then(|d| d.file_name())
        .and_then(|n| n.to_str())
        .filter(|n| n.contains('.'))
        .unwrap_or("")
        .to_string();
    Ok((domain, pages))
}

fn kind_of_file(path: &Path, index: usize, lex: &Lexicon) -> PageKind {
    let file = path.file_name().and_then(|s| s.to_str()).unwrap_or("");
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_lowercase();
    if matches!(
        stem.as_str(),
        "index" | "home" | "start" | "accueil" | "inicio" | "startseite"
    ) {
        return PageKind::Home;
    }
    // The file's name read like a page address, with the page picker's words.
    let named = Url::parse("file:///")
        .ok()
        .and_then(|base| base.join(file).ok())
        .and_then(|u| links::kind_of_url(&u, lex));
    match named {
        Some(kind) => kind,
        None if index == 0 => PageKind::Home,
        None => PageKind::Products,
    }
}

/// Visits one site through the crawl stage (its pages kept in the campaign store) and returns
/// its domain, its pages and the newest page's time.
fn visit(settings: &Settings, url: &str) -> Result<(String, Vec<SitePage>, Option<i64>)> {
    let url = parse_site_url(url).map_err(|e| BadInput(e.to_string()))?;
    let domain = Domain::of_host_or_self(url.host_str().unwrap_or_default());
    let home = home_of(&url);
    let store = settings.open_store()?;
    let (d, h) = (domain.clone(), home.to_string());
    let site: Site = store.call_blocking(move |s| {
        s.add_site(&d, &h, "score")?;
        Ok(s.site(&d)?.unwrap_or(Site {
            domain: d.clone(),
            home_url: h.clone(),
            status: SiteStatus::Pending,
            reason: None,
            source: None,
        }))
    })?;
    let opts = CrawlOptions {
        parallel_sites: 1,
        ..settings.crawl.clone()
    };
    let runtime = stages::runtime()?;
    runtime.block_on(async {
        let fetcher = Arc::new(Fetcher::new(settings.fetch.clone())?);
        crawl::run(
            fetcher,
            store.clone(),
            vec![site],
            opts,
            Arc::new(Silent),
            Stop::default(),
        )
        .await?;
        anyhow::Ok(())
    })?;
    let d = domain.clone();
    let (site, stored) = store.call_blocking(move |s| Ok((s.site(&d)?, s.pages_of(&d)?)))?;
    if let Some(site) = site.filter(|s| s.status == SiteStatus::Failed) {
        return Err(anyhow::anyhow!(
            "{domain}: {}",
            site.reason
                .unwrap_or_else(|| "the site could not be visited".into())
        ));
    }
    let pages_at = stored.iter().map(|p| p.fetched_at).max().unwrap_or(0);
    Ok((
        domain.to_string(),
        score::pages_from_store(stored),
        Some(pages_at),
    ))
}
