//! `prospect score`: grade one company — a site visited through the fetcher, or saved pages.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use url::Url;

use super::{BadInput, load_plan, store_path};
use crate::cli::ScoreArgs;
use prospect::extract::Domain;
use prospect::extract::domain::{home_of, parse_site_url};
use prospect::extract::links::{self, PageKind};
use prospect::harvest::{self, HarvestOptions, Silent, Stop};
use prospect::net::{FetchConfig, Fetcher};
use prospect::score::{self, Grader, SitePage, lead};
use prospect::store::{Site, SiteStatus, StoreHandle};

pub fn run(args: &ScoreArgs) -> Result<()> {
    let (plan, catalog) = load_plan(&args.plan, None)?;
    let lang = Arc::new(catalog.lang);
    let grader = Grader::new(plan.clone(), lang);
    let (domain, pages) = match (&args.url, args.files.is_empty()) {
        (Some(_), false) => {
            return Err(BadInput("give a URL or --file pages, not both".into()).into());
        }
        (None, true) => {
            return Err(BadInput("give the site's URL, or saved pages with --file".into()).into());
        }
        (None, false) => files(&args.files)?,
        (Some(url), true) => visit(args, &plan, url)?,
    };
    if pages.is_empty() {
        return Err(BadInput(format!("{domain}: no page could be read")).into());
    }
    let lead = grader.grade(&domain, &pages);
    if args.url.is_some() {
        let store = StoreHandle::open(&store_path(&plan, &args.store))?;
        let data = lead::to_json(&lead, &prospect::clock::today()).to_string();
        let (d, g) = (lead.domain.clone(), lead.grade.to_string());
        store.call_blocking(move |s| s.save_lead(&d, &g, &data))?;
    }
    let out = if args.format.as_deref() == Some("json") {
        let mut v = lead::to_json(&lead, &prospect::clock::today());
        if args.explain {
            v["explain"] = serde_json::json!(lead::to_text(&lead, true));
        }
        format!("{v}\n")
    } else {
        lead::to_text(&lead, args.explain)
    };
    super::write_output(None, &out)
}

/// Saved pages: the first is the home page unless a name says otherwise.
fn files(paths: &[std::path::PathBuf]) -> Result<(String, Vec<SitePage>)> {
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
            kind: kind_of_file(path, i),
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

fn kind_of_file(path: &Path, index: usize) -> PageKind {
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
        .and_then(|u| links::kind_of_url(&u));
    match named {
        Some(kind) => kind,
        None if index == 0 => PageKind::Home,
        None => PageKind::Products,
    }
}

/// Visits one site through the fetcher (pages kept in the campaign store) and returns its pages.
fn visit(
    args: &ScoreArgs,
    plan: &prospect::plan::Plan,
    url: &str,
) -> Result<(String, Vec<SitePage>)> {
    let url = parse_site_url(url).map_err(BadInput)?;
    let domain = Domain::of_host_or_self(url.host_str().unwrap_or_default()).to_string();
    let home = home_of(&url);
    let store = StoreHandle::open(&store_path(plan, &args.store))?;
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
    let config = FetchConfig::from_plan(&plan.fetch, args.resolve.clone());
    let opts = HarvestOptions {
        max_pages_per_site: plan.fetch.max_pages_per_site,
        refresh: None,
        retry_failed: true,
        parallel_sites: 1,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let fetcher = Arc::new(Fetcher::new(config)?);
        harvest::harvest(
            fetcher,
            store.clone(),
            vec![site],
            opts,
            Arc::new(Silent),
            Stop::default(),
            None,
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
    Ok((domain, score::pages_from_store(&stored)))
}
