//! The plan: what we sell, to which countries, which buyers — loaded with exact error positions.

mod load;
mod validate;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

pub use load::{DurationError, load, load_str, parse_duration};

/// Default share of the catalogue that makes an A lead.
pub const DEFAULT_GRADING_A: f64 = 0.5;
/// Default share that makes a B lead.
pub const DEFAULT_GRADING_B: f64 = 0.2;
/// Default SearXNG address (self-hosted, the free default backend).
pub const DEFAULT_SEARXNG_URL: &str = "http://127.0.0.1:8888";
/// Default result pages read per query.
pub const DEFAULT_PAGES: u32 = 1;
/// Default queries a day sent to a search backend.
pub const DEFAULT_PER_DAY: u32 = 100;
/// Default pause between two requests to one host.
pub const DEFAULT_PER_HOST_INTERVAL: Duration = Duration::from_secs(2);
/// Default number of requests in flight at once (over all hosts).
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Default pages read per company site (home page included).
pub const DEFAULT_MAX_PAGES_PER_SITE: usize = 8;
/// Default User-Agent.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "prospect/",
    env!("CARGO_PKG_VERSION"),
    " (lead research; polite crawler)"
);
/// Default document types for `filetype:` searches.
pub const DEFAULT_FILETYPES: [&str; 4] = ["pdf", "xls", "ppt", "doc"];
/// Document types engines index and the plan accepts.
pub const KNOWN_FILETYPES: [&str; 12] = [
    "pdf", "xls", "xlsx", "doc", "docx", "ppt", "pptx", "csv", "txt", "rtf", "odt", "ods",
];

/// A validated plan. Every list is trimmed and deduplicated; countries are expanded from regions.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The file it was read from.
    pub source: PathBuf,
    pub campaign: String,
    pub products: Vec<Product>,
    pub related_products: Vec<String>,
    pub industry: Vec<String>,
    /// Keys of the customer-type dictionary (`importer`, `distributor`, …).
    pub customer_types: Vec<String>,
    /// ISO 3166-1 alpha-2 codes, regions expanded, in the plan's order.
    pub countries: Vec<String>,
    /// The `countries` entries as written (codes and region names).
    pub countries_as_written: Vec<String>,
    pub big_buyers: Vec<BigBuyer>,
    pub filetypes: Vec<String>,
    pub hs_codes: Vec<String>,
    pub methods: Methods,
    pub exclude_domains: Vec<String>,
    pub exclude_words: Vec<String>,
    pub output: Output,
    pub grading: Grading,
    pub search: Search,
    pub fetch: Fetch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub name: String,
    pub synonyms: Vec<String>,
    /// Language (ISO 639-1) → local names.
    pub names: BTreeMap<String, Vec<String>>,
}

impl Product {
    /// The name and its synonyms (the English search terms).
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.synonyms.iter().map(String::as_str))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigBuyer {
    pub name: String,
    pub domain: Option<String>,
}

/// A value with the place it was written, for errors found after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: u64,
    pub column: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Methods {
    All,
    Only(Vec<Located<String>>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Output {
    /// The lead sheet refreshed after each run, relative to the plan's folder.
    pub sheet: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grading {
    pub a: f64,
    pub b: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Searxng,
    Brave,
    Serper,
    Serpapi,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Searxng => "searxng",
            Backend::Brave => "brave",
            Backend::Serper => "serper",
            Backend::Serpapi => "serpapi",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub backend: Backend,
    pub url: Option<String>,
    pub per_day: u32,
    /// Result pages read per query at most (an empty page ends a query sooner).
    pub pages: u32,
    /// The pause between two queries to the backend; None: the backend's own default.
    pub interval: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub per_host_interval: Duration,
    pub concurrency: usize,
    pub max_pages_per_site: usize,
    pub respect_robots: bool,
    pub allow_private: bool,
    pub user_agent: String,
}

/// Formats a duration the way a plan writes it (`2s`, `1500ms`, `1m`).
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(60_000) && ms > 0 {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}
