//! `prospect status`: what the campaign has done and what is left.

use std::fmt::Write as _;

use anyhow::Result;

use super::settings::{Global, Overrides, Settings};
use super::write_output;
use crate::cli::StatusArgs;

pub fn run(args: &StatusArgs, global: &Global) -> Result<()> {
    let settings = Settings::load(&args.plan, global, Overrides::store(&args.store))?;
    let (plan, path) = (&settings.plan, &settings.store);
    let store = settings.existing_store()?;
    let s = store.summary()?;
    let mut out = String::new();
    let _ = writeln!(out, "campaign {} ({})", plan.campaign, path.display());
    let total = s.sites_done + s.sites_pending + s.sites_failed;
    let _ = writeln!(
        out,
        "sites:     {total} ({} done, {} pending, {} failed)",
        s.sites_done, s.sites_pending, s.sites_failed
    );
    for (reason, n) in &s.failed_reasons {
        let _ = writeln!(out, "  failed {n:>5}  {reason}");
    }
    let _ = writeln!(
        out,
        "pages:     {} stored, {} failed, {} documents found",
        s.pages, s.pages_failed, s.documents
    );
    let _ = writeln!(
        out,
        "requests:  {} ({:.1} MB, {:.0} s spent waiting for servers)",
        s.requests,
        s.bytes as f64 / 1e6,
        s.elapsed_ms as f64 / 1000.0
    );
    let (done, pending, blocked) = store.query_counts()?;
    if done + pending + blocked > 0 {
        let now = settings.clock.now();
        let used = prospect::search::stage::quota_used(&store, now)?;
        let _ = writeln!(
            out,
            "queries:   {} ({done} searched, {pending} to search, {blocked} blocked); {used} of {} a day used in the last 24 hours",
            done + pending + blocked,
            plan.search.per_day
        );
    }
    let leads = store.lead_counts()?;
    if !leads.is_empty() {
        let by_grade: Vec<String> = leads.iter().map(|(g, n)| format!("{n} {g}")).collect();
        let _ = writeln!(out, "leads:     {}", by_grade.join(", "));
        let older = store.leads_of_other_plans(settings.grader().stamp())?;
        if older > 0 {
            let _ = writeln!(
                out,
                "           {older} graded with an older plan: `prospect grade {}` grades them again",
                plan.source.display()
            );
        }
    }
    let yields = store.method_yield()?;
    if !yields.is_empty() {
        let _ = writeln!(out, "yield per method and country:");
        let _ = writeln!(
            out,
            "  {:<24} {:<3} {:>7} {:>7} {:>8} {:>9}  leads",
            "method", "cc", "queries", "blocked", "results", "new sites"
        );
        for y in &yields {
            let grades: Vec<String> = y.grades.iter().map(|(g, n)| format!("{n} {g}")).collect();
            let method = if y.method.is_empty() {
                "(saved pages, other)"
            } else {
                y.method.as_str()
            };
            let country = if y.country.is_empty() {
                "-"
            } else {
                &y.country
            };
            let _ = writeln!(
                out,
                "  {method:<24} {country:<3} {:>7} {:>7} {:>8} {:>9}  {}",
                y.queries_run,
                y.queries_blocked,
                y.results,
                y.new_domains,
                grades.join(", ")
            );
        }
    }
    if !s.host_errors.is_empty() {
        let _ = writeln!(out, "hosts with errors:");
        for (host, n, last) in &s.host_errors {
            let _ = writeln!(
                out,
                "  {host:<32} {n:>4}  {}",
                last.as_deref().unwrap_or("")
            );
        }
    }
    write_output(None, &out)
}
