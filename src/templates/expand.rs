//! Expansion: plan × templates × countries × languages → deduplicated queries that fit the engine.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;

use super::render::{Ctx, Fitted, expand_pattern};
use super::{Catalog, Engine, Template, Var};
use crate::plan::{Methods, Plan};

/// One query, ready to paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Template id.
    pub method: Arc<str>,
    /// The query (shared between countries when it is the same text).
    pub text: Arc<str>,
    /// ISO 3166-1 alpha-2 code of the target country.
    pub country: Arc<str>,
    /// ISO 639-1 code of the query's language.
    pub language: Arc<str>,
}

/// What to expand.
#[derive(Debug, Clone)]
pub struct Options {
    pub engine: Engine,
    /// Only these template ids (on top of the plan's `methods`); empty = no filter.
    pub methods: Vec<String>,
    /// Only these countries (codes); empty = the plan's countries.
    pub countries: Vec<String>,
    /// Keep at most this many queries, the most productive methods first.
    pub max: Option<usize>,
    /// The value of `{year}`.
    pub year: i32,
}

/// The queries and what happened on the way.
#[derive(Debug, Clone, Default)]
pub struct Expansion {
    pub queries: Vec<Query>,
    /// Queries too long for the engine that were split into several.
    pub split: usize,
    /// Queries too long for the engine that could not be split and were left out.
    pub dropped: usize,
    /// Queries cut by `--max`.
    pub cut_by_max: usize,
    /// Per template id: why it produced nothing (missing plan data, or not on this engine).
    pub silent: BTreeMap<String, String>,
}

/// Expands the plan's selected templates.
pub fn expand(plan: &Plan, catalog: &Catalog, opts: &Options) -> Expansion {
    let mut out = Expansion::default();
    let countries: Vec<&str> = plan
        .countries
        .iter()
        .map(String::as_str)
        .filter(|c| opts.countries.is_empty() || opts.countries.iter().any(|o| o == c))
        .collect();
    let mut templates: Vec<&Template> = Vec::new();
    for template in selected(plan, catalog, &opts.methods) {
        if template.works_on(opts.engine) {
            templates.push(template);
        } else {
            out.silent.insert(
                template.id.clone(),
                format!("does not work on {}", opts.engine),
            );
        }
    }
    // Hashes must agree between countries: one hasher for all.
    let hasher = hashbrown::DefaultHashBuilder::default();
    // Countries are independent (deduplication is per country): expand them in parallel.
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(countries.len())
        .max(1);
    // Each worker has its own shared texts and names, so no reference count is touched by
    // two threads.
    let expand_run = |part: &[&str]| {
        let methods: Vec<Arc<str>> = templates.iter().map(|t| Arc::from(t.id.as_str())).collect();
        let shared = expand_shared(plan, catalog, opts, &templates, &hasher);
        let run = Run {
            plan,
            catalog,
            opts,
            templates: &templates,
            methods: &methods,
            shared: &shared,
            hasher: &hasher,
        };
        part.iter()
            .map(|code| expand_country(&run, code))
            .collect::<Vec<_>>()
    };
    let per_country: Vec<CountryQueries> = if threads == 1 {
        expand_run(&countries)
    } else {
        let chunk = countries.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = countries
                .chunks(chunk)
                .map(|part| scope.spawn(move || expand_run(part)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    // Merge in catalogue order, then country order.
    let total = per_country.iter().map(|c| c.queries.len()).sum();
    out.queries.reserve_exact(total);
    let mut drains: Vec<_> = per_country
        .into_iter()
        .map(|c| {
            out.split += c.split;
            out.dropped += c.dropped;
            (c.ends, c.missing, c.queries.into_iter())
        })
        .collect();
    for (ti, template) in templates.iter().enumerate() {
        let before = out.queries.len();
        let mut missing: BTreeSet<&'static str> = BTreeSet::new();
        for (ends, missing_here, queries) in &mut drains {
            let start = if ti == 0 { 0 } else { ends[ti - 1] };
            out.queries.extend(queries.by_ref().take(ends[ti] - start));
            missing.extend(missing_here[ti].iter().copied());
        }
        if out.queries.len() == before {
            let reason = if missing.is_empty() {
                "no query for these countries' languages".to_string()
            } else {
                format!(
                    "needs {} in the plan",
                    missing.into_iter().collect::<Vec<_>>().join(", ")
                )
            };
            out.silent.insert(template.id.clone(), reason);
        }
    }
    if let Some(max) = opts.max
        && out.queries.len() > max
    {
        out.cut_by_max = out.queries.len() - max;
        out.queries = keep_most_productive(std::mem::take(&mut out.queries), catalog, max);
    }
    out
}

/// One country's queries, in template order.
struct CountryQueries {
    queries: Vec<Query>,
    /// Where each template's queries end in `queries`.
    ends: Vec<usize>,
    /// Per template: plan data its patterns missed.
    missing: Vec<BTreeSet<&'static str>>,
    split: usize,
    dropped: usize,
}

/// The queries of one pattern that are the same for every country (an English pattern
/// without `{country}`), expanded once: texts with their deduplication hashes.
type Shared = Result<(Vec<(u64, Arc<str>)>, Fitted), Var>;

/// Everything a country's expansion reads.
struct Run<'a> {
    plan: &'a Plan,
    catalog: &'a Catalog,
    opts: &'a Options,
    templates: &'a [&'a Template],
    methods: &'a [Arc<str>],
    /// Per template, per pattern: the shared expansion, if the pattern is country-independent.
    shared: &'a [Vec<Option<Shared>>],
    hasher: &'a hashbrown::DefaultHashBuilder,
}

fn country_independent(pattern: &super::Pattern) -> bool {
    !pattern.is_local()
        && !pattern
            .vars()
            .any(|(v, _)| matches!(v, Var::Country | Var::CountryLocal))
}

fn expand_shared(
    plan: &Plan,
    catalog: &Catalog,
    opts: &Options,
    templates: &[&Template],
    hasher: &hashbrown::DefaultHashBuilder,
) -> Vec<Vec<Option<Shared>>> {
    let ctx = Ctx {
        plan,
        catalog,
        country_code: "",
        lang: "en",
        year: opts.year,
    };
    let mut buf = String::new();
    let mut key = String::new();
    templates
        .iter()
        .map(|t| {
            t.patterns
                .iter()
                .map(|p| {
                    country_independent(p).then(|| {
                        let mut texts = Vec::new();
                        let fitted = expand_pattern(
                            &p.segments,
                            &ctx,
                            opts.engine,
                            &mut buf,
                            &mut |text| {
                                normalise_key(text, &mut key);
                                texts.push((hasher.hash_one(key.as_str()), Arc::from(text)));
                            },
                        )?;
                        Ok((texts, fitted))
                    })
                })
                .collect()
        })
        .collect()
}

/// A query text: one already shared, or a new one (copied only when it is kept).
enum Text<'a> {
    Shared(&'a Arc<str>),
    New(&'a str),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Shared(s) => s,
            Text::New(s) => s,
        }
    }

    fn into_arc(self) -> Arc<str> {
        match self {
            Text::Shared(s) => s.clone(),
            Text::New(s) => Arc::from(s),
        }
    }
}

/// Expands every template for one country, deduplicating as it goes.
fn expand_country(run: &Run, code: &str) -> CountryQueries {
    let templates = run.templates;
    let mut out = CountryQueries {
        queries: Vec::new(),
        ends: Vec::with_capacity(templates.len()),
        missing: Vec::with_capacity(templates.len()),
        split: 0,
        dropped: 0,
    };
    let Some(country) = run.catalog.lang.countries.get(code) else {
        out.ends = vec![0; templates.len()];
        out.missing = vec![BTreeSet::new(); templates.len()];
        return out;
    };
    let country_code: Arc<str> = Arc::from(code);
    let english: Arc<str> = Arc::from("en");
    // Deduplication: positions in `out.queries`, hashed by lower-cased text.
    let mut seen: HashTable<(u64, usize)> = HashTable::new();
    let mut key = String::new();
    let mut buf = String::new();
    let mut local: Vec<&str> = country
        .languages
        .iter()
        .map(String::as_str)
        .filter(|l| *l != "en")
        .collect();
    local.dedup();
    // Adds a query unless the country already has it.
    let mut add = |queries: &mut Vec<Query>,
                   hash: u64,
                   text: Text,
                   method: &Arc<str>,
                   language: &Arc<str>| {
        let same = |&(h, i): &(u64, usize)| h == hash && same_text(&queries[i].text, text.as_str());
        if seen.find(hash, same).is_none() {
            seen.insert_unique(hash, (hash, queries.len()), |&(h, _)| h);
            queries.push(Query {
                method: method.clone(),
                text: text.into_arc(),
                country: country_code.clone(),
                language: language.clone(),
            });
        }
    };
    for (ti, (template, method)) in templates.iter().zip(run.methods).enumerate() {
        let mut missing = BTreeSet::new();
        for (pi, pattern) in template.patterns.iter().enumerate() {
            if let Some(shared) = &run.shared[ti][pi] {
                match shared {
                    Ok((texts, fitted)) => {
                        for (hash, text) in texts {
                            add(
                                &mut out.queries,
                                *hash,
                                Text::Shared(text),
                                method,
                                &english,
                            );
                        }
                        out.split += fitted.split;
                        out.dropped += fitted.dropped;
                    }
                    Err(var) => {
                        missing.insert(var.source());
                    }
                }
                continue;
            }
            let langs: &[&str] = if pattern.is_local() { &local } else { &["en"] };
            for lang in langs {
                let ctx = Ctx {
                    plan: run.plan,
                    catalog: run.catalog,
                    country_code: code,
                    lang,
                    year: run.opts.year,
                };
                let language: Arc<str> = if *lang == "en" {
                    english.clone()
                } else {
                    Arc::from(*lang)
                };
                let queries = &mut out.queries;
                let mut emit = |text: &str| {
                    normalise_key(text, &mut key);
                    add(
                        queries,
                        run.hasher.hash_one(key.as_str()),
                        Text::New(text),
                        method,
                        &language,
                    );
                };
                match expand_pattern(
                    &pattern.segments,
                    &ctx,
                    run.opts.engine,
                    &mut buf,
                    &mut emit,
                ) {
                    Ok(fitted) => {
                        out.split += fitted.split;
                        out.dropped += fitted.dropped;
                    }
                    Err(var) => {
                        missing.insert(var.source());
                    }
                }
            }
        }
        out.ends.push(out.queries.len());
        out.missing.push(missing);
    }
    out
}

/// The plan's methods (and the `--method` filter), in catalogue order.
pub fn selected<'c>(plan: &Plan, catalog: &'c Catalog, only: &[String]) -> Vec<&'c Template> {
    catalog
        .templates
        .iter()
        .filter(|t| match &plan.methods {
            Methods::All => true,
            Methods::Only(ids) => ids.iter().any(|id| id.value == t.id),
        })
        .filter(|t| only.is_empty() || only.contains(&t.id))
        .collect()
}

/// Whether two texts are the same ignoring case.
fn same_text(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.chars()
            .flat_map(char::to_lowercase)
            .eq(b.chars().flat_map(char::to_lowercase))
    }
}

/// Lower-case text (already single-spaced by rendering): the deduplication key.
fn normalise_key(text: &str, key: &mut String) {
    key.clear();
    if text.is_ascii() {
        key.push_str(text);
        key.make_ascii_lowercase();
    } else {
        key.extend(text.chars().flat_map(char::to_lowercase));
    }
}

/// `--max`: shares the budget among methods by productivity — the method ranked k-th gets a
/// weight of 1/k, and the queries go out one by one by the D'Hondt rule (highest weight ÷
/// (taken + 1) next) — and, within a method, round-robin over countries. So a small budget goes
/// mostly to the best methods, still covers every country, and the kept queries stay in
/// catalogue order.
fn keep_most_productive(queries: Vec<Query>, catalog: &Catalog, max: usize) -> Vec<Query> {
    let rank = |id: &str| catalog.get(id).map_or(u32::MAX, |t| t.rank);
    // method → country → positions, in order of first appearance.
    type ByCountry = Vec<(Arc<str>, Vec<usize>)>;
    let mut by_method: Vec<(Arc<str>, ByCountry)> = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let m = match by_method.iter().position(|(id, _)| *id == q.method) {
            Some(m) => m,
            None => {
                by_method.push((q.method.clone(), Vec::new()));
                by_method.len() - 1
            }
        };
        let countries = &mut by_method[m].1;
        match countries.iter_mut().find(|(c, _)| *c == q.country) {
            Some((_, list)) => list.push(i),
            None => countries.push((q.country.clone(), vec![i])),
        }
    }
    // Each method's queries interleaved over its countries, best-ranked method first.
    let mut streams: Vec<(u32, Vec<usize>)> = by_method
        .into_iter()
        .map(|(id, countries)| {
            let longest = countries.iter().map(|(_, l)| l.len()).max().unwrap_or(0);
            let mut order = Vec::new();
            for k in 0..longest {
                for (_, list) in &countries {
                    if let Some(&i) = list.get(k) {
                        order.push(i);
                    }
                }
            }
            (rank(&id), order)
        })
        .collect();
    streams.sort_by_key(|(r, _)| *r);
    let mut taken = vec![0usize; streams.len()];
    let mut keep = vec![false; queries.len()];
    for _ in 0..max {
        // D'Hondt: weight 1/(k+1) for the k-th method, divided by (taken + 1).
        let next = (0..streams.len())
            .filter(|&m| taken[m] < streams[m].1.len())
            .min_by_key(|&m| (m + 1) * (taken[m] + 1));
        let Some(m) = next else { break };
        keep[streams[m].1[taken[m]]] = true;
        taken[m] += 1;
    }
    queries
        .into_iter()
        .zip(keep)
        .filter_map(|(q, k)| k.then_some(q))
        .collect()
}
