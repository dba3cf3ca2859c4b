//! `prospect queries`: expand a plan into search queries, or list the methods.

use std::fmt::Write as _;

use anyhow::Result;

use super::settings::{Global, Overrides, Settings};
use super::{BadInput, write_output};
use crate::cli::QueriesArgs;
use prospect::diag;
use prospect::plan::Plan;
use prospect::templates::expand::{self, Options};
use prospect::templates::output::{self, Format};
use prospect::templates::{Catalog, Engine};

pub fn run(args: &QueriesArgs, global: &Global) -> Result<()> {
    let quiet = global.quiet;
    if args.list_methods {
        let catalog = Catalog::load(global.templates.as_deref())?;
        return write_output(args.output.as_deref(), &list_methods(&catalog));
    }
    let Some(plan_path) = args.plan.as_deref() else {
        return Err(BadInput("give a plan file, or --list-methods".into()).into());
    };
    let settings = Settings::load(plan_path, global, Overrides::default())?;
    let (plan, catalog) = (&settings.plan, &settings.catalog);
    let opts = options(plan, catalog, args, settings.clock.year())?;
    let expansion = expand::expand(plan, catalog, &opts);
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_extension))
        .unwrap_or(Format::Txt);
    let text = output::render(
        format,
        &expansion.queries,
        catalog,
        args.engine,
        &plan.campaign,
    );
    write_output(args.output.as_deref(), &text)?;
    if !quiet {
        report(&expansion, args.engine);
        if let Some(path) = &args.output {
            eprintln!(
                "wrote {} queries to {}",
                expansion.queries.len(),
                path.display()
            );
        }
    }
    Ok(())
}

/// Notes on stderr about queries split, dropped or cut.
pub fn report(expansion: &expand::Expansion, engine: Engine) {
    if expansion.split > 0 {
        eprintln!(
            "note: {} queries were too long for {engine} and were split into shorter ones",
            expansion.split
        );
    }
    if expansion.dropped > 0 {
        eprintln!(
            "warning: {} queries were too long for {engine} and could not be split; they were left out",
            expansion.dropped
        );
    }
    if expansion.cut_by_max > 0 {
        eprintln!(
            "note: --max kept the most productive methods; {} more queries were left out",
            expansion.cut_by_max
        );
    }
}

/// Expansion options from the arguments, with `--method` and `--country` checked.
/// `year` is this year, for `{year}` unless `--year` says otherwise.
pub fn options(plan: &Plan, catalog: &Catalog, args: &QueriesArgs, year: i32) -> Result<Options> {
    for id in &args.methods {
        if catalog.get(id).is_none() {
            let hint = diag::closest(id, catalog.ids())
                .map(|b| format!(" (did you mean `{b}`?)"))
                .unwrap_or_default();
            return Err(BadInput(format!(
                "--method {id}: no such method{hint}; `prospect queries --list-methods` lists them"
            ))
            .into());
        }
    }
    let mut countries = Vec::new();
    for c in &args.countries {
        let key = c.trim().to_uppercase();
        let members = match catalog.lang.regions.get(&key) {
            Some(r) => r.countries.clone(),
            None => vec![if key == "UK" { "GB".into() } else { key }],
        };
        let in_plan: Vec<String> = members
            .into_iter()
            .filter(|m| plan.countries.contains(m))
            .collect();
        if in_plan.is_empty() {
            return Err(BadInput(format!(
                "--country {c}: not among the plan's countries ({})",
                plan.countries.join(", ")
            ))
            .into());
        }
        countries.extend(in_plan);
    }
    Ok(Options {
        engine: args.engine,
        methods: args.methods.clone(),
        countries,
        max: args.max,
        year: args.year.unwrap_or(year),
    })
}

/// The catalogue: id, seed method, rank, engines, description and notes.
pub fn list_methods(catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{:<24} {:<9} {:<5} description", "id", "seed", "rank");
    for t in &catalog.templates {
        let _ = writeln!(
            s,
            "{:<24} {:<9} {:<5} {}",
            t.id,
            t.seed_label(),
            t.rank,
            t.description
        );
        if let Some(section) = &t.section {
            let _ = writeln!(s, "{:<40} seed section: {section}", "");
        }
        if let Some(engines) = &t.engines {
            let names: Vec<&str> = engines.iter().map(|e| e.name()).collect();
            let _ = writeln!(s, "{:<40} engines: {}", "", names.join(", "));
        }
        if let Some(note) = &t.note {
            let _ = writeln!(
                s,
                "{:<40} note: {}",
                "",
                note.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }
    s
}
