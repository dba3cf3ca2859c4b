//! `prospect check`: validate a plan, show the effective settings and the queries per method and country.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;

use super::settings::{Global, Overrides, Settings};
use super::write_output;
use crate::cli::CheckArgs;
use prospect::plan::{Methods, Plan, format_duration};
use prospect::templates::Catalog;
use prospect::templates::expand::{self, Options};

pub fn run(args: &CheckArgs, global: &Global) -> Result<()> {
    let settings = Settings::load(&args.plan, global, Overrides::default())?;
    let (plan, catalog) = (&settings.plan, &settings.catalog);
    let opts = Options {
        engine: args.engine,
        methods: Vec::new(),
        countries: Vec::new(),
        max: None,
        year: settings.clock.year(),
    };
    let expansion = expand::expand(plan, catalog, &opts);
    let mut s = describe(plan, catalog);
    s.push_str(&settings.describe());
    s.push('\n');
    s.push_str(&counts(plan, catalog, &expansion, &opts));
    write_output(None, &s)?;
    super::queries::report(&expansion, args.engine);
    Ok(())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".into()
    } else {
        items.join(", ")
    }
}

/// The plan as the tool will use it, defaults filled in and regions expanded.
fn describe(plan: &Plan, catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "plan {} is valid", plan.source.display());
    let _ = writeln!(s, "campaign:          {}", plan.campaign);
    let _ = writeln!(s, "products:");
    for p in &plan.products {
        let _ = writeln!(s, "  - {}", p.name);
        if !p.synonyms.is_empty() {
            let _ = writeln!(s, "    synonyms:      {}", p.synonyms.join(", "));
        }
        for (lang, names) in &p.names {
            let _ = writeln!(s, "    {lang}:{:<12}{}", "", names.join(", "));
        }
    }
    let _ = writeln!(s, "related_products:  {}", list(&plan.related_products));
    let _ = writeln!(s, "industry:          {}", list(&plan.industry));
    let _ = writeln!(s, "customer_types:    {}", list(&plan.customer_types));
    let _ = writeln!(
        s,
        "countries:         {}",
        plan.countries_as_written.join(", ")
    );
    let named: Vec<String> = plan
        .countries
        .iter()
        .map(|c| {
            let country = catalog.lang.countries.get(c);
            let name = country.map_or("?", |x| x.name.as_str());
            let langs = country.map(|x| x.languages.join("/")).unwrap_or_default();
            format!("{c} {name} [{langs}]")
        })
        .collect();
    let _ = writeln!(
        s,
        "  expanded ({}):   {}",
        plan.countries.len(),
        named.join(", ")
    );
    let buyers: Vec<String> = plan
        .big_buyers
        .iter()
        .map(|b| match &b.domain {
            Some(d) => format!("{} ({d})", b.name),
            None => b.name.clone(),
        })
        .collect();
    let _ = writeln!(s, "big_buyers:        {}", list(&buyers));
    let _ = writeln!(s, "filetypes:         {}", list(&plan.filetypes));
    let _ = writeln!(s, "hs_codes:          {}", list(&plan.hs_codes));
    let methods = match &plan.methods {
        Methods::All => format!("all ({})", catalog.templates.len()),
        Methods::Only(ids) => ids
            .iter()
            .map(|i| i.value.clone())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let _ = writeln!(s, "methods:           {methods}");
    let _ = writeln!(s, "exclude_domains:   {}", list(&plan.exclude_domains));
    let _ = writeln!(s, "exclude_words:     {}", list(&plan.exclude_words));
    let sheet = plan
        .output
        .sheet
        .as_ref()
        .map_or("(none)".to_string(), |p| p.display().to_string());
    let _ = writeln!(s, "output.sheet:      {sheet}");
    let _ = writeln!(
        s,
        "grading:           a {} · b {}",
        plan.grading.a, plan.grading.b
    );
    let _ = writeln!(
        s,
        "search:            {} {} · {} queries a day · {} page(s) per query",
        plan.search.backend.name(),
        plan.search.url.as_deref().unwrap_or(""),
        plan.search.per_day,
        plan.search.pages
    );
    let f = &plan.fetch;
    let _ = writeln!(
        s,
        "fetch:             per_host_interval {} · concurrency {} · max_pages_per_site {} · respect_robots {} · allow_private {}",
        format_duration(f.per_host_interval),
        f.concurrency,
        f.max_pages_per_site,
        f.respect_robots,
        f.allow_private
    );
    let _ = writeln!(s, "  user_agent:      {}", f.user_agent);
    s
}

/// A table of queries per method (rows) and country (columns).
fn counts(plan: &Plan, catalog: &Catalog, expansion: &expand::Expansion, opts: &Options) -> String {
    let mut table: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for q in &expansion.queries {
        *table
            .entry(&q.method)
            .or_default()
            .entry(&q.country)
            .or_default() += 1;
    }
    let mut s = String::new();
    let _ = writeln!(s, "queries for {} (per method and country):", opts.engine);
    let _ = write!(s, "{:<24}", "method");
    for c in &plan.countries {
        let _ = write!(s, "{c:>6}");
    }
    let _ = writeln!(s, "{:>8}", "total");
    let mut col_totals = vec![0usize; plan.countries.len()];
    for t in expand::selected(plan, catalog, &[]) {
        let row = table.get(t.id.as_str());
        let _ = write!(s, "{:<24}", t.id);
        let mut total = 0;
        for (i, c) in plan.countries.iter().enumerate() {
            let n = row.and_then(|r| r.get(c.as_str())).copied().unwrap_or(0);
            col_totals[i] += n;
            total += n;
            let _ = write!(s, "{n:>6}");
        }
        let _ = write!(s, "{total:>8}");
        if let Some(why) = expansion.silent.get(&t.id) {
            let _ = write!(s, "  ({why})");
        }
        s.push('\n');
    }
    let _ = write!(s, "{:<24}", "total");
    for n in &col_totals {
        let _ = write!(s, "{n:>6}");
    }
    let _ = writeln!(s, "{:>8}", expansion.queries.len());
    s
}
