//! Validating a plan: raw YAML values (with positions) → a [`Plan`], every problem reported
//! with its file, line, column and field.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_saphyr::{Location, Spanned};

use super::load::*;
use super::*;
use crate::diag::{self, Diagnostic};
use crate::reference::LangData;

/// Collects problems while turning raw values into a plan.
pub(super) struct Validator<'a> {
    pub(super) file: &'a Path,
    pub(super) lang: &'a LangData,
    pub(super) problems: Vec<Diagnostic>,
}

impl Validator<'_> {
    fn err(
        &mut self,
        field: impl Into<String>,
        at: &Location,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.problems
            .push(Diagnostic::new(self.file, field, message).at(at));
        self.problems.last_mut().expect("just pushed")
    }

    /// A trimmed, non-empty string with quotes removed, or a problem.
    fn text(&mut self, field: String, s: &Spanned<String>) -> Option<String> {
        let t = s.value.trim().replace('"', "");
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if t.is_empty() {
            self.err(field, &s.referenced, "is empty");
            None
        } else {
            Some(t)
        }
    }

    fn texts(&mut self, field: &str, list: &[Spanned<String>]) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (i, s) in list.iter().enumerate() {
            if let Some(t) = self.text(format!("{field}[{i}]"), s)
                && seen.insert(t.to_lowercase())
            {
                out.push(t);
            }
        }
        out
    }

    pub(super) fn plan(&mut self, raw: RawPlan) -> Plan {
        let campaign = self.campaign(&raw.campaign);
        let products = self.products(&raw.products);
        let related_products = self.texts("related_products", &raw.related_products);
        let industry = self.texts("industry", &raw.industry);
        let customer_types = self.customer_types(raw.customer_types.as_ref());
        let (countries, countries_as_written) = self.countries(&raw.countries);
        let big_buyers = self.big_buyers(&raw.big_buyers);
        let filetypes = self.filetypes(raw.filetypes.as_deref());
        let hs_codes = self.hs_codes(&raw.hs_codes);
        let methods = match raw.methods {
            None => Methods::All,
            Some(m) => match m.value {
                RawMethods::All => Methods::All,
                RawMethods::Only(ids) => {
                    if ids.is_empty() {
                        self.err("methods", &m.referenced, "is an empty list")
                            .hint = Some("write `methods: all` or list template ids (see `prospect queries --list-methods`)".into());
                    }
                    Methods::Only(
                        ids.iter()
                            .map(|s| Located {
                                value: s.value.trim().to_string(),
                                line: s.referenced.line(),
                                column: s.referenced.column(),
                            })
                            .collect(),
                    )
                }
            },
        };
        let exclude_domains = raw
            .exclude_domains
            .iter()
            .enumerate()
            .filter_map(|(i, d)| self.domain(format!("exclude_domains[{i}]"), d))
            .collect();
        let exclude_words = self.texts("exclude_words", &raw.exclude_words);
        let output = self.output(raw.output);
        let grading = self.grading(raw.grading);
        let search = self.search(raw.search);
        let fetch = self.fetch(raw.fetch);
        Plan {
            source: self.file.to_path_buf(),
            campaign,
            products,
            related_products,
            industry,
            customer_types,
            countries,
            countries_as_written,
            big_buyers,
            filetypes,
            hs_codes,
            methods,
            exclude_domains,
            exclude_words,
            output,
            grading,
            search,
            fetch,
        }
    }

    fn campaign(&mut self, c: &Spanned<String>) -> String {
        let name = c.value.trim().to_string();
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && !name.starts_with('.');
        if !ok {
            self.err("campaign", &c.referenced, format!("`{name}` cannot name a campaign"))
                .hint = Some(
                "use up to 64 letters, digits, `-`, `_` or `.` (it names the campaign's files), like dach-led-2026"
                    .into(),
            );
        }
        name
    }

    fn products(&mut self, list: &Spanned<Vec<RawProduct>>) -> Vec<Product> {
        if list.value.is_empty() {
            self.err("products", &list.referenced, "lists no product")
                .hint = Some("add at least one product: `- name: LED bulb`".into());
        }
        let known = self.lang.known_languages();
        let known: Vec<String> = known.into_iter().map(str::to_string).collect();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut out = Vec::new();
        for (i, p) in list.value.iter().enumerate() {
            let Some(name) = self.text(format!("products[{i}].name"), &p.name) else {
                continue;
            };
            if let Some(first) = seen.get(&name.to_lowercase()) {
                let first = *first;
                self.err(
                    format!("products[{i}].name"),
                    &p.name.referenced,
                    format!("`{name}` is listed twice (also products[{first}])"),
                )
                .hint =
                    Some("list each product once; put other names for it under `synonyms`".into());
                continue;
            }
            seen.insert(name.to_lowercase(), i);
            let mut synonyms = self.texts(&format!("products[{i}].synonyms"), &p.synonyms);
            let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
            if let Some(n) = &p.names {
                for (code, words) in &n.value {
                    let code_l = code.trim().to_lowercase();
                    let field = format!("products[{i}].names.{code}");
                    let words: Vec<String> = words
                        .iter()
                        .map(|w| w.trim().replace('"', ""))
                        .filter(|w| !w.is_empty())
                        .collect();
                    if code_l == "en" {
                        synonyms.extend(words);
                        continue;
                    }
                    if !known.contains(&code_l) {
                        let hint = match diag::closest(&code_l, known.iter().map(String::as_str)) {
                            Some(best) => format!("did you mean `{best}`? Languages are ISO 639-1 codes: de, fr, es, pl …"),
                            None => "languages are ISO 639-1 codes: de, fr, es, pt, it, nl, pl, ru, tr, ar, ja, ko, vi, id, zh …".into(),
                        };
                        self.err(
                            field,
                            &n.referenced,
                            format!("`{code}` is not a language code prospect knows"),
                        )
                        .hint = Some(hint);
                        continue;
                    }
                    if words.is_empty() {
                        self.err(field, &n.referenced, "lists no name");
                        continue;
                    }
                    names.entry(code_l).or_default().extend(words);
                }
            }
            let mut seen_syn = HashSet::new();
            seen_syn.insert(name.to_lowercase());
            synonyms.retain(|s| seen_syn.insert(s.to_lowercase()));
            out.push(Product {
                name,
                synonyms,
                names,
            });
        }
        out
    }

    fn customer_types(&mut self, list: Option<&Spanned<Vec<Spanned<String>>>>) -> Vec<String> {
        let Some(list) = list else {
            return self.lang.customer_type_order.clone();
        };
        if list.value.is_empty() {
            self.err("customer_types", &list.referenced, "is an empty list")
                .hint = Some("leave `customer_types` out to use all of them".into());
        }
        let mut out: Vec<String> = Vec::new();
        for (i, s) in list.value.iter().enumerate() {
            let word = s.value.trim().to_lowercase();
            let found = self.lang.customer_types.iter().find(|(key, langs)| {
                **key == word
                    || langs
                        .get("en")
                        .is_some_and(|w| w.iter().any(|x| x.to_lowercase() == word))
            });
            match found {
                Some((key, _)) => {
                    if !out.contains(key) {
                        out.push(key.clone());
                    }
                }
                None => {
                    let keys = &self.lang.customer_type_order;
                    let hint = match diag::closest(&word, keys.iter().map(String::as_str)) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!("customer types: {}", keys.join(", ")),
                    };
                    self.err(
                        format!("customer_types[{i}]"),
                        &s.referenced,
                        format!("`{}` is not a customer type", s.value.trim()),
                    )
                    .hint = Some(hint);
                }
            }
        }
        out
    }

    fn countries(&mut self, list: &Spanned<Vec<Spanned<String>>>) -> (Vec<String>, Vec<String>) {
        if list.value.is_empty() {
            self.err("countries", &list.referenced, "lists no country")
                .hint = Some("add ISO codes or regions, like [DE, AT, CH] or [DACH]".into());
        }
        let mut codes: Vec<String> = Vec::new();
        let mut written = Vec::new();
        for (i, s) in list.value.iter().enumerate() {
            let raw = s.value.trim();
            let key = raw.to_uppercase();
            let key = if key == "UK" { "GB".to_string() } else { key };
            written.push(raw.to_string());
            let members: Vec<String> = if self.lang.countries.contains_key(&key) {
                vec![key]
            } else if let Some(region) = self.lang.regions.get(&key) {
                region.countries.clone()
            } else {
                let hint = self.country_hint(raw);
                self.err(
                    format!("countries[{i}]"),
                    &s.referenced,
                    format!("`{raw}` is not an ISO 3166-1 country code or a region"),
                )
                .hint = Some(hint);
                continue;
            };
            for code in members {
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
        }
        (codes, written)
    }

    fn country_hint(&self, raw: &str) -> String {
        let lower = raw.to_lowercase();
        if let Some((code, _)) = self.lang.countries.iter().find(|(_, c)| {
            c.name.to_lowercase() == lower || c.names.values().any(|n| n.to_lowercase() == lower)
        }) {
            return format!("write the code `{code}` for {raw}");
        }
        let mut candidates: Vec<(f64, String)> = Vec::new();
        for (code, c) in &self.lang.countries {
            let score = strsim::jaro_winkler(&lower, &code.to_lowercase())
                .max(strsim::jaro_winkler(&lower, &c.name.to_lowercase()));
            candidates.push((score, format!("{code} ({})", c.name)));
        }
        for r in self.lang.regions.values() {
            candidates.push((
                strsim::jaro_winkler(&lower, &r.key.to_lowercase()),
                format!("{} ({})", r.key, r.name),
            ));
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        let regions: Vec<&str> = self.lang.regions.values().map(|r| r.key.as_str()).collect();
        match candidates.first() {
            Some((score, best)) if *score >= 0.8 => format!(
                "did you mean {best}? Use ISO 3166-1 alpha-2 codes (DE, FR, NO) or a region: {}",
                regions.join(", ")
            ),
            _ => format!(
                "use ISO 3166-1 alpha-2 codes (DE, FR, NO) or a region: {}",
                regions.join(", ")
            ),
        }
    }

    fn domain(&mut self, field: String, s: &Spanned<String>) -> Option<String> {
        let d = normalise_domain(&s.value);
        if d.is_empty()
            || !d.contains('.')
            || d.contains(char::is_whitespace)
            || d.starts_with('.')
            || d.ends_with('.')
        {
            self.err(
                field,
                &s.referenced,
                format!("`{}` is not a domain name", s.value.trim()),
            )
            .hint = Some("write the site's domain, like signify.com".into());
            return None;
        }
        Some(d)
    }

    fn big_buyers(&mut self, list: &[RawBuyer]) -> Vec<BigBuyer> {
        let mut out = Vec::new();
        for (i, b) in list.iter().enumerate() {
            let Some(name) = self.text(format!("big_buyers[{i}].name"), &b.name) else {
                continue;
            };
            let domain = b
                .domain
                .as_ref()
                .and_then(|d| self.domain(format!("big_buyers[{i}].domain"), d));
            out.push(BigBuyer { name, domain });
        }
        out
    }

    fn filetypes(&mut self, list: Option<&[Spanned<String>]>) -> Vec<String> {
        let Some(list) = list else {
            return DEFAULT_FILETYPES.iter().map(|s| s.to_string()).collect();
        };
        let mut out: Vec<String> = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let t = s.value.trim().trim_start_matches('.').to_lowercase();
            if KNOWN_FILETYPES.contains(&t.as_str()) {
                if !out.contains(&t) {
                    out.push(t);
                }
            } else {
                let hint = match diag::closest(&t, KNOWN_FILETYPES) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("file types: {}", KNOWN_FILETYPES.join(", ")),
                };
                self.err(
                    format!("filetypes[{i}]"),
                    &s.referenced,
                    format!(
                        "`{}` is not a document type search engines index",
                        s.value.trim()
                    ),
                )
                .hint = Some(hint);
            }
        }
        out
    }

    fn hs_codes(&mut self, list: &[Spanned<String>]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let code = s.value.trim().to_string();
            let digits = code.chars().filter(char::is_ascii_digit).count();
            let ok = code
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ' ')
                && (4..=10).contains(&digits);
            if ok {
                if !out.contains(&code) {
                    out.push(code);
                }
            } else {
                self.err(
                    format!("hs_codes[{i}]"),
                    &s.referenced,
                    format!("`{code}` is not an HS code"),
                )
                .hint = Some("write 4 to 10 digits, dots allowed, in quotes: \"8539.52\"".into());
            }
        }
        out
    }

    fn output(&mut self, raw: Option<RawOutput>) -> Output {
        let Some(sheet) = raw.and_then(|o| o.sheet) else {
            return Output::default();
        };
        let path = sheet.value.trim();
        let lower = path.to_lowercase();
        if !(lower.ends_with(".xlsx") || lower.ends_with(".csv")) {
            self.err(
                "output.sheet",
                &sheet.referenced,
                format!("`{path}` is not an .xlsx or .csv file"),
            )
            .hint = Some("name the lead sheet like leads.xlsx or leads.csv".into());
        }
        let base = self.file.parent().unwrap_or(Path::new(""));
        Output {
            sheet: Some(base.join(PathBuf::from(path))),
        }
    }

    fn grading(&mut self, raw: Option<RawGrading>) -> Grading {
        let raw = raw.unwrap_or(RawGrading { a: None, b: None });
        let mut share = |name: &str, v: Option<&Spanned<f64>>, default: f64| -> f64 {
            match v {
                None => default,
                Some(s) if s.value > 0.0 && s.value <= 1.0 => s.value,
                Some(s) => {
                    self.err(
                        format!("grading.{name}"),
                        &s.referenced,
                        format!("{} is not a share between 0 and 1", s.value),
                    )
                    .hint = Some("a share of the catalogue, like 0.5 for half".into());
                    default
                }
            }
        };
        let a = share("a", raw.a.as_ref(), DEFAULT_GRADING_A);
        let b = share("b", raw.b.as_ref(), DEFAULT_GRADING_B);
        if b > a {
            let at = raw
                .b
                .as_ref()
                .or(raw.a.as_ref())
                .map_or(Location::UNKNOWN, |s| s.referenced);
            self.err("grading.b", &at, format!("b ({b}) is higher than a ({a})"))
                .hint = Some(
                "an A lead needs a larger share of our products than a B lead: make a ≥ b".into(),
            );
        }
        Grading { a, b }
    }

    fn search(&mut self, raw: Option<RawSearch>) -> Search {
        let raw = raw.unwrap_or(RawSearch {
            backend: None,
            url: None,
            per_day: None,
            pages: None,
            interval: None,
        });
        let backend = match raw.backend {
            None | Some(RawBackend::Searxng) => Backend::Searxng,
            Some(RawBackend::Brave) => Backend::Brave,
            Some(RawBackend::Serper) => Backend::Serper,
            Some(RawBackend::Serpapi) => Backend::Serpapi,
        };
        let url = match raw.url {
            Some(u) => {
                let s = u.value.trim().to_string();
                match url::Url::parse(&s) {
                    Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Some(s),
                    _ => {
                        self.err(
                            "search.url",
                            &u.referenced,
                            format!("`{s}` is not an http(s) address"),
                        )
                        .hint = Some("like http://127.0.0.1:8888".into());
                        None
                    }
                }
            }
            None if backend == Backend::Searxng => Some(DEFAULT_SEARXNG_URL.to_string()),
            None => None,
        };
        let per_day = match raw.per_day {
            None => DEFAULT_PER_DAY,
            Some(p) if (1..=100_000).contains(&p.value) => p.value,
            Some(p) => {
                self.err(
                    "search.per_day",
                    &p.referenced,
                    format!("{} is not a number of queries from 1 to 100000", p.value),
                );
                DEFAULT_PER_DAY
            }
        };
        let pages = match raw.pages {
            None => DEFAULT_PAGES,
            Some(p) if (1..=10).contains(&p.value) => p.value,
            Some(p) => {
                self.err(
                    "search.pages",
                    &p.referenced,
                    format!("{} is not a number of result pages from 1 to 10", p.value),
                );
                DEFAULT_PAGES
            }
        };
        let interval = match &raw.interval {
            None => None,
            Some(s) => match parse_duration(&s.value) {
                Ok(d) if d > Duration::ZERO && d <= Duration::from_secs(3600) => Some(d),
                Ok(_) => {
                    self.err(
                        "search.interval",
                        &s.referenced,
                        format!("`{}` is out of range", s.value.trim()),
                    )
                    .hint = Some("between 1ms and 1h".into());
                    None
                }
                Err(e) => {
                    self.err("search.interval", &s.referenced, e.to_string())
                        .hint = Some("a number with a unit: 500ms, 2s, 1.5s, 1m".into());
                    None
                }
            },
        };
        Search {
            backend,
            url,
            per_day,
            pages,
            interval,
        }
    }

    fn fetch(&mut self, raw: Option<RawFetch>) -> Fetch {
        let raw = raw.unwrap_or(RawFetch {
            per_host_interval: None,
            concurrency: None,
            max_pages_per_site: None,
            respect_robots: None,
            allow_private: None,
            user_agent: None,
        });
        let per_host_interval = match &raw.per_host_interval {
            None => DEFAULT_PER_HOST_INTERVAL,
            Some(s) => match parse_duration(&s.value) {
                Ok(d) if d > Duration::ZERO && d <= Duration::from_secs(3600) => d,
                Ok(_) => {
                    self.err(
                        "fetch.per_host_interval",
                        &s.referenced,
                        format!("`{}` is out of range", s.value.trim()),
                    )
                    .hint = Some("between 1ms and 1h; 2s is polite".into());
                    DEFAULT_PER_HOST_INTERVAL
                }
                Err(e) => {
                    self.err("fetch.per_host_interval", &s.referenced, e.to_string())
                        .hint = Some("a number with a unit: 500ms, 2s, 1.5s, 1m".into());
                    DEFAULT_PER_HOST_INTERVAL
                }
            },
        };
        let mut count = |name: &str, v: Option<&Spanned<u32>>, max: u32, default: usize| -> usize {
            match v {
                None => default,
                Some(s) if (1..=max).contains(&s.value) => s.value as usize,
                Some(s) => {
                    self.err(
                        format!("fetch.{name}"),
                        &s.referenced,
                        format!("{} is not from 1 to {max}", s.value),
                    );
                    default
                }
            }
        };
        let concurrency = count(
            "concurrency",
            raw.concurrency.as_ref(),
            256,
            DEFAULT_CONCURRENCY,
        );
        let max_pages_per_site = count(
            "max_pages_per_site",
            raw.max_pages_per_site.as_ref(),
            100,
            DEFAULT_MAX_PAGES_PER_SITE,
        );
        let user_agent = match &raw.user_agent {
            None => DEFAULT_USER_AGENT.to_string(),
            Some(s) => {
                let ua = s.value.trim().to_string();
                if ua.is_empty() || ua.chars().any(|c| c.is_control()) {
                    self.err(
                        "fetch.user_agent",
                        &s.referenced,
                        "is empty or has control characters",
                    );
                    DEFAULT_USER_AGENT.to_string()
                } else {
                    ua
                }
            }
        };
        Fetch {
            per_host_interval,
            concurrency,
            max_pages_per_site,
            respect_robots: raw.respect_robots.unwrap_or(true),
            allow_private: raw.allow_private.unwrap_or(false),
            user_agent,
        }
    }
}
