//! `prospect inquiry PLAN FILE|DIR...`: reads the inquiries, checks the senders' sites
//! through the crawl stage (unless `--offline`), and prints the triage, most valuable first;
//! `-o` also refreshes an inquiry sheet.

use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use anyhow::Result;
use prospect::extract::Domain;

use super::settings::{Global, Overrides, Settings};
use super::{BadInput, stages};
use crate::cli::InquiryArgs;
use prospect::control::Stop;
use prospect::inquiry::background::{self, SiteCheck, SiteOutcome, Visit};
use prospect::inquiry::read::{self, ReadError};
use prospect::inquiry::{self, Analysis, Context, Inquiry, report};
use prospect::net::guard::Pin;
use prospect::store::{Grade, Site, SiteStatus, StoreHandle};

pub fn run(args: &InquiryArgs, global: &Global) -> Result<()> {
    let settings = Settings::load(
        &args.plan,
        global,
        Overrides {
            store: args.store.store.clone(),
            resolve: args.resolve.clone(),
            refresh: None,
            retry_failed: false,
        },
    )?;
    if let Some(out) = &args.output {
        prospect::sheet::flavor_of(out)?;
    }
    let now = args.now.unwrap_or_else(|| settings.clock.now());
    let ctx = Context::new(&settings.plan, Arc::new(settings.catalog.lang.clone()));
    let (analyses, errors) = read_and_analyse(&args.inputs, &ctx);
    for e in &errors {
        eprintln!("{e}");
    }
    if analyses.is_empty() {
        let what = if errors.is_empty() {
            "no inquiry found (.eml, .mbox or .txt files, or folders of them)"
        } else {
            "no inquiry could be read"
        };
        return Err(BadInput(what.into()).into());
    }

    let mut stored: HashMap<String, Grade> = HashMap::new();
    let mut checks: HashMap<String, SiteCheck> = HashMap::new();
    let store = if args.offline {
        None
    } else {
        Some(settings.open_store()?)
    };
    if let Some(store) = &store {
        stored = stored_grades(store, &analyses)?;
        checks = check_sites(&settings, store, &analyses, &args.resolve)?;
    } else if settings.store.exists() {
        let store = settings.open_store()?;
        stored = stored_grades(&store, &analyses)?;
    }

    let mut list: Vec<Inquiry> = analyses
        .into_iter()
        .map(|a| {
            let check = match background::to_visit(&a) {
                _ if args.offline => None,
                Visit::Site { domain, .. } => checks.get(&domain).map(|c| {
                    let mut c = c.clone();
                    c.hints = background::hints(&a, matches!(c.outcome, SiteOutcome::Missing(_)));
                    c
                }),
                Visit::Known(c) => Some(c),
                Visit::Skip => None,
            };
            let grade = a
                .sender_domain
                .as_ref()
                .and_then(|d| stored.get(d))
                .copied();
            inquiry::finish(a, check, grade, now)
        })
        .collect();
    report::sort(&mut list);
    let out = if args.format == "jsonl" {
        report::jsonl(&list)
    } else {
        report::text(&list, now)
    };
    super::write_output(None, &out)?;
    if let Some(path) = &args.output {
        let report = prospect::inquiry::sheet::refresh(&list, path, now)?;
        super::sheet::print_report(&report, settings.quiet);
    }
    if !settings.quiet {
        summary(&list, errors.len());
    }
    Ok(())
}

/// Reads every input and analyses each message; a message that makes the reader or the
/// analysis fail is reported as an error of its own, and the others go on.
fn read_and_analyse(
    inputs: &[std::path::PathBuf],
    ctx: &Context,
) -> (Vec<Analysis>, Vec<ReadError>) {
    let mut analyses = Vec::new();
    let mut errors = Vec::new();
    read::read_all(inputs, &mut |item| match item {
        Ok(mail) => {
            let result =
                std::panic::catch_unwind(AssertUnwindSafe(|| inquiry::analyse(&mail, ctx)));
            match result {
                Ok(a) => analyses.push(a),
                Err(_) => errors.push(ReadError {
                    at: mail.source.clone(),
                    message:
                        "could not be analysed (an internal error; please report it with the file)"
                            .into(),
                }),
            }
        }
        Err(e) => errors.push(e),
    });
    (analyses, errors)
}

/// Grades the campaign store already gives the senders' domains (before any visit here).
fn stored_grades(store: &StoreHandle, analyses: &[Analysis]) -> Result<HashMap<String, Grade>> {
    let domains: Vec<String> = analyses
        .iter()
        .filter(|a| !a.free_mail)
        .filter_map(|a| a.sender_domain.clone())
        .collect();
    Ok(store.call_blocking(move |s| {
        let mut out = HashMap::new();
        for d in domains {
            let Some(domain) = Domain::listed(&d) else {
                continue;
            };
            if let Some(lead) = s.lead(&domain)? {
                out.insert(d, lead.grade);
            }
        }
        Ok(out)
    })?)
}

/// The home page to visit for a domain: on a `--resolve` pin's port when the host is pinned
/// (plain HTTP unless the port is 443), else HTTPS on the signature's host or the domain.
fn home_url(domain: &str, website: Option<&str>, pins: &[Pin]) -> String {
    let www = format!("www.{domain}");
    let host = website
        .map(|w| {
            w.trim_start_matches("https://")
                .trim_start_matches("http://")
        })
        .and_then(|w| w.split('/').next())
        .filter(|h| !h.is_empty())
        .unwrap_or(domain)
        .to_string();
    for h in [host.as_str(), domain, www.as_str()] {
        if let Some(p) = pins.iter().find(|p| p.host == h) {
            return match p.port {
                443 => format!("https://{h}/"),
                80 => format!("http://{h}/"),
                port => format!("http://{h}:{port}/"),
            };
        }
    }
    format!("https://{host}/")
}

/// Visits the senders' sites through the crawl stage (the campaign store, its politeness and
/// guard) and grades them against the plan; returns each domain's check.
fn check_sites(
    settings: &Settings,
    store: &StoreHandle,
    analyses: &[Analysis],
    pins: &[Pin],
) -> Result<HashMap<String, SiteCheck>> {
    let mut wanted: BTreeMap<String, String> = BTreeMap::new();
    let mut first: HashMap<String, &Analysis> = HashMap::new();
    for a in analyses {
        if let Visit::Site { domain, website } = background::to_visit(a) {
            let home = home_url(&domain, website.as_deref(), pins);
            wanted.entry(domain.clone()).or_insert(home);
            first.entry(domain).or_insert(a);
        }
    }
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let list: Vec<(String, String)> = wanted.into_iter().collect();
    let to_add = list.clone();
    let sites: Vec<Site> = store.call_blocking(move |s| {
        let mut out = Vec::new();
        for (domain, home) in &to_add {
            let Some(domain) = Domain::listed(domain) else {
                continue;
            };
            s.add_site(&domain, home, "inquiry")?;
            out.extend(s.site(&domain)?);
        }
        Ok(out)
    })?;
    if !settings.quiet {
        eprintln!(
            "background check: {} sender sites, {} to visit",
            sites.len(),
            stages::to_visit(settings, &sites)
        );
    }
    let stop = Stop::default();
    let runtime = stages::runtime()?;
    runtime.block_on(async {
        stages::watch_ctrl_c(stop.clone(), settings.quiet);
        stages::crawl(settings, store, sites, &stop).await
    })?;
    let grader = settings.grader();
    let mut out = HashMap::new();
    for (domain, _) in list {
        let Some(d) = Domain::listed(&domain) else {
            continue;
        };
        let (site, pages) = store.call_blocking(move |s| Ok((s.site(&d)?, s.pages_of(&d)?)))?;
        let Some(a) = first.get(&domain) else {
            continue;
        };
        let check = match site {
            Some(site) if site.status == SiteStatus::Done => {
                let pages = prospect::score::pages_from_store(pages);
                if pages.is_empty() {
                    missing(&domain, "no page could be read")
                } else {
                    let lead = grader.grade(&domain, &pages);
                    let home = pages
                        .iter()
                        .find(|p| p.kind == prospect::extract::links::PageKind::Home)
                        .or(pages.first())
                        .map(|p| prospect::inquiry::html::to_text(&p.html).0)
                        .unwrap_or_default();
                    background::from_lead(a, &domain, &lead, &home)
                }
            }
            Some(site) => missing(
                &domain,
                site.reason
                    .as_deref()
                    .unwrap_or("the site could not be visited"),
            ),
            None => missing(&domain, "not visited"),
        };
        out.insert(domain, check);
    }
    Ok(out)
}

fn missing(domain: &str, why: &str) -> SiteCheck {
    SiteCheck {
        domain: Some(domain.to_string()),
        outcome: SiteOutcome::Missing(why.to_string()),
        hints: Vec::new(),
    }
}

fn summary(list: &[Inquiry], errors: usize) {
    let mut levels = [0usize; 4];
    let mut scams = 0;
    for i in list {
        if i.scam {
            scams += 1;
        } else {
            levels[usize::from(i.level.clamp(1, 4)) - 1] += 1;
        }
    }
    let unread = if errors > 0 {
        format!("; {errors} could not be read")
    } else {
        String::new()
    };
    eprintln!(
        "{} inquiries: level 1 {}, level 2 {}, level 3 {}, level 4 {}, scams {}{unread}",
        list.len(),
        levels[0],
        levels[1],
        levels[2],
        levels[3],
        scams
    );
}
