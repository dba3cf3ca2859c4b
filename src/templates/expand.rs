//! Expansion: plan × templates × countries × languages → deduplicated queries that fit the engine.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;

use super::engine::Measure;
use super::{Catalog, Engine, Filter, Segment, Template, Var};
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

struct Ctx<'a> {
    plan: &'a Plan,
    catalog: &'a Catalog,
    country_code: &'a str,
    lang: &'a str,
    year: i32,
}

impl Ctx<'_> {
    /// The values of `var` in this context, deduplicated case-insensitively.
    fn values(&self, var: Var) -> Vec<String> {
        let plan = self.plan;
        let lang = &self.catalog.lang;
        let raw: Vec<String> = match var {
            Var::Product => plan
                .products
                .iter()
                .flat_map(|p| p.terms())
                .map(str::to_string)
                .collect(),
            Var::ProductLocal => plan
                .products
                .iter()
                .flat_map(|p| p.names.get(self.lang).into_iter().flatten())
                .cloned()
                .collect(),
            Var::CustomerType | Var::CustomerTypeLocal => {
                let l = if var == Var::CustomerType {
                    "en"
                } else {
                    self.lang
                };
                plan.customer_types
                    .iter()
                    .flat_map(|k| lang.customer_words(k, l))
                    .cloned()
                    .collect()
            }
            Var::Country | Var::CountryLocal => {
                let l = if var == Var::Country { "en" } else { self.lang };
                lang.countries
                    .get(self.country_code)
                    .and_then(|c| c.name_in(l))
                    .map(|n| vec![n.to_string()])
                    .unwrap_or_default()
            }
            Var::Related => plan.related_products.clone(),
            Var::Industry => plan.industry.clone(),
            Var::Buyer => plan.big_buyers.iter().map(|b| b.name.clone()).collect(),
            Var::BuyerDomain => plan
                .big_buyers
                .iter()
                .filter_map(|b| b.domain.clone())
                .collect(),
            Var::Filetype => plan.filetypes.clone(),
            Var::Year => vec![self.year.to_string()],
            Var::HsCode => plan.hs_codes.clone(),
        };
        let mut seen = HashSet::new();
        raw.into_iter()
            .map(|v| v.replace('"', "").trim().to_string())
            .filter(|v| !v.is_empty() && seen.insert(v.to_lowercase()))
            .collect()
    }

    /// Big buyers as (name, domain) pairs, for patterns that use both.
    fn buyer_pairs(&self) -> Vec<(String, String)> {
        self.plan
            .big_buyers
            .iter()
            .filter_map(|b| b.domain.clone().map(|d| (b.name.clone(), d)))
            .collect()
    }
}

/// A piece of a query before it is fitted to an engine.
#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Or(Vec<String>),
}

/// Variables that move together: one value row per step (`{buyer}` with its `{buyer_domain}`).
struct Axis {
    vars: Vec<Var>,
    rows: Vec<Vec<String>>,
}

/// How many drafted queries had to be split or dropped to fit the engine.
#[derive(Debug, Default, Clone, Copy)]
struct Fitted {
    split: usize,
    dropped: usize,
}

/// Expands one pattern in one context; calls `emit(text)` per query.
/// Returns what had to be split or dropped, or the first variable without values.
fn expand_pattern(
    segments: &[Segment],
    ctx: &Ctx,
    engine: Engine,
    buf: &mut String,
    emit: &mut dyn FnMut(&str),
) -> Result<Fitted, Var> {
    let uses = |v: Var| {
        segments
            .iter()
            .any(|s| matches!(s, Segment::Var(x, f) if *x == v && *f != Filter::Or))
    };
    let mut axes: Vec<Axis> = Vec::new();
    let mut groups: BTreeMap<Var, Vec<String>> = BTreeMap::new();
    if uses(Var::Buyer) && uses(Var::BuyerDomain) {
        let rows: Vec<Vec<String>> = ctx
            .buyer_pairs()
            .into_iter()
            .map(|(n, d)| vec![n, d])
            .collect();
        if rows.is_empty() {
            return Err(Var::BuyerDomain);
        }
        axes.push(Axis {
            vars: vec![Var::Buyer, Var::BuyerDomain],
            rows,
        });
    }
    for seg in segments {
        let Segment::Var(var, filter) = seg else {
            continue;
        };
        if *filter == Filter::Or {
            if !groups.contains_key(var) {
                let values: Vec<String> = ctx
                    .values(*var)
                    .iter()
                    .map(|v| quote_multiword(v))
                    .collect();
                if values.is_empty() {
                    return Err(*var);
                }
                groups.insert(*var, values);
            }
        } else if !axes.iter().any(|a| a.vars.contains(var)) {
            let values = ctx.values(*var);
            if values.is_empty() {
                return Err(*var);
            }
            axes.push(Axis {
                vars: vec![*var],
                rows: values.into_iter().map(|v| vec![v]).collect(),
            });
        }
    }
    // Where each plain variable's value comes from: (axis, column).
    let slots: Vec<Option<(usize, usize)>> = segments
        .iter()
        .map(|seg| match seg {
            Segment::Var(var, filter) if *filter != Filter::Or => axes
                .iter()
                .enumerate()
                .find_map(|(ai, a)| a.vars.iter().position(|v| v == var).map(|vi| (ai, vi))),
            _ => None,
        })
        .collect();
    let mut fitted = Fitted::default();
    let mut index = vec![0usize; axes.len()];
    loop {
        // Fast path: render straight into the buffer.
        buf.clear();
        for (seg, slot) in segments.iter().zip(&slots) {
            match (seg, slot) {
                (Segment::Text(t), _) => buf.push_str(t),
                (Segment::Var(var, Filter::Or), _) => {
                    let items = &groups[var];
                    if items.len() == 1 {
                        buf.push_str(&items[0]);
                    } else {
                        buf.push('(');
                        for (i, item) in items.iter().enumerate() {
                            if i > 0 {
                                buf.push_str(" OR ");
                            }
                            buf.push_str(item);
                        }
                        buf.push(')');
                    }
                }
                (Segment::Var(_, filter), Some((ai, vi))) => {
                    push_value(buf, &axes[*ai].rows[index[*ai]][*vi], *filter);
                }
                (Segment::Var(..), None) => {}
            }
        }
        if engine.fits_measure(&tidy(buf)) {
            emit(buf);
        } else {
            // Slow path: rebuild as parts and split OR groups until the pieces fit.
            let mut parts: Vec<Part> = Vec::with_capacity(segments.len());
            for (seg, slot) in segments.iter().zip(&slots) {
                match (seg, slot) {
                    (Segment::Text(t), _) => push_text(&mut parts, t),
                    (Segment::Var(var, Filter::Or), _) => {
                        let items = &groups[var];
                        if items.len() == 1 {
                            push_text(&mut parts, &items[0]);
                        } else {
                            parts.push(Part::Or(items.clone()));
                        }
                    }
                    (Segment::Var(_, filter), Some((ai, vi))) => {
                        let mut v = String::new();
                        push_value(&mut v, &axes[*ai].rows[index[*ai]][*vi], *filter);
                        push_text(&mut parts, &v);
                    }
                    (Segment::Var(..), None) => {}
                }
            }
            let mut pieces = 0;
            fitted.dropped += fit(parts, engine, &mut |text| {
                pieces += 1;
                emit(&text);
            });
            if pieces > 1 {
                fitted.split += 1;
            }
        }
        // Next combination (odometer over the axes).
        let mut i = axes.len();
        loop {
            if i == 0 {
                return Ok(fitted);
            }
            i -= 1;
            index[i] += 1;
            if index[i] < axes[i].rows.len() {
                break;
            }
            index[i] = 0;
        }
    }
}

fn push_value(buf: &mut String, value: &str, filter: Filter) {
    match filter {
        Filter::Quote if value.contains(char::is_whitespace) => {
            buf.push('"');
            buf.push_str(value);
            buf.push('"');
        }
        Filter::Slug => buf.extend(
            value
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        ),
        _ => buf.push_str(value),
    }
}

/// Trims and collapses runs of whitespace to one space, in place, and measures the result;
/// one pass over the bytes for the usual clean ASCII text.
fn tidy(buf: &mut String) -> Measure {
    let bytes = buf.as_bytes();
    let mut words = 0;
    let mut clean = !bytes.is_empty() && bytes[0] != b' ' && bytes[bytes.len() - 1] != b' ';
    let mut ascii = true;
    let mut prev_space = true;
    for &b in bytes {
        if b >= 0x80 {
            ascii = false;
            break;
        }
        let space = b == b' ';
        if b.is_ascii_whitespace() && !space || space && prev_space {
            clean = false;
        }
        if !space && prev_space {
            words += 1;
        }
        prev_space = space;
    }
    if ascii && clean {
        return Measure {
            words,
            chars: bytes.len(),
            width: bytes.len(),
        };
    }
    if !clean || buf.contains(|c: char| c.is_whitespace() && c != ' ') || buf.contains("  ") {
        *buf = buf.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    Measure::of(buf)
}

fn push_text(parts: &mut Vec<Part>, t: &str) {
    if let Some(Part::Text(last)) = parts.last_mut() {
        last.push_str(t);
    } else {
        parts.push(Part::Text(t.to_string()));
    }
}

fn quote_multiword(v: &str) -> String {
    if v.contains(char::is_whitespace) {
        format!("\"{v}\"")
    } else {
        v.to_string()
    }
}

fn render(parts: &[Part]) -> String {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Text(t) => s.push_str(t),
            Part::Or(items) => {
                s.push('(');
                s.push_str(&items.join(" OR "));
                s.push(')');
            }
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Emits the query if the engine reads it whole; otherwise splits its largest OR group in
/// halves (recursively) or, when nothing can be split, drops it. Returns the number dropped.
fn fit(parts: Vec<Part>, engine: Engine, emit: &mut dyn FnMut(String)) -> usize {
    let text = render(&parts);
    if engine.fits(&text) {
        emit(text);
        return 0;
    }
    let largest = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Part::Or(items) if items.len() > 1 => Some((i, items.len())),
            _ => None,
        })
        .max_by_key(|(_, n)| *n);
    let Some((i, n)) = largest else {
        return 1;
    };
    let Part::Or(items) = &parts[i] else { return 1 };
    let (left, right) = items.split_at(n / 2);
    let half = |items: &[String]| {
        let mut p = parts.clone();
        p[i] = if items.len() == 1 {
            Part::Text(items[0].clone())
        } else {
            Part::Or(items.to_vec())
        };
        p
    };
    let (l, r) = (half(left), half(right));
    fit(l, engine, emit) + fit(r, engine, emit)
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

/// The current calendar year (UTC), for `{year}`.
pub fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    year_of_unix_days((secs / 86_400) as i64)
}

/// Civil year of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn year_of_unix_days(days: i64) -> i32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_from_day_counts() {
        assert_eq!(year_of_unix_days(0), 1970);
        assert_eq!(year_of_unix_days(20_454), 2026); // 2026-01-01
        assert_eq!(year_of_unix_days(20_453), 2025); // 2025-12-31
        assert_eq!(year_of_unix_days(11_016), 2000); // 2000-02-29
    }

    #[test]
    fn long_or_groups_are_split_for_bing() {
        let items: Vec<String> = (0..12).map(|i| format!("w{i}")).collect();
        let parts = vec![Part::Text("lamp ".into()), Part::Or(items)];
        let mut got = Vec::new();
        let dropped = fit(parts, Engine::Bing, &mut |t| got.push(t));
        assert_eq!(dropped, 0);
        assert!(got.len() > 1);
        assert!(got.iter().all(|t| Engine::Bing.fits(t)));
        let words: usize = got.iter().map(|t| t.matches('w').count()).sum();
        assert_eq!(words, 12, "every alternative survives the split: {got:?}");
    }

    #[test]
    fn tidy_collapses_spaces_and_measures() {
        let mut s = String::from("  LED  bulb\timporter ");
        assert_eq!(
            tidy(&mut s),
            Measure {
                words: 3,
                chars: 17,
                width: 17
            }
        );
        assert_eq!(s, "LED bulb importer");
        let mut s = String::from("LED-Lampe Großhändler");
        assert_eq!(
            tidy(&mut s),
            Measure {
                words: 2,
                chars: 21,
                width: 23
            }
        );
        let mut s = String::from("lamp\u{a0} x");
        tidy(&mut s);
        assert_eq!(s, "lamp x");
    }

    #[test]
    fn unsplittable_long_query_is_dropped() {
        let parts = vec![Part::Text("a b c d e f g h i j k l".into())];
        let mut got = Vec::new();
        assert_eq!(fit(parts, Engine::Bing, &mut |t| got.push(t)), 1);
        assert!(got.is_empty());
    }
}
