//! Language data: countries (names, languages, engine localisation), regions, customer-type words.
//!
//! The data lives in `query-templates/lang/*.yaml` (built into the binary); a `--templates DIR`
//! with its own `lang/` files adds to or replaces entries by key.

use std::collections::BTreeMap;
use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::diag::{self, Diagnostic};

/// One country, keyed by its ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    /// Common English name.
    pub name: String,
    /// ISO 639-1 languages people search in there, main one first.
    pub languages: Vec<String>,
    /// Google's domain for the country, e.g. `google.de`.
    pub google: String,
    /// DuckDuckGo `kl` region, when DuckDuckGo has one.
    #[serde(default)]
    pub ddg: Option<String>,
    /// Yandex `lr` region id, when known.
    #[serde(default)]
    pub yandex: Option<u32>,
    /// The name in other languages (ISO 639-1 → name).
    #[serde(default)]
    pub names: BTreeMap<String, String>,
}

impl Country {
    /// The country's name in `lang`, falling back to English.
    pub fn name_in(&self, lang: &str) -> Option<&str> {
        if lang == "en" {
            return Some(&self.name);
        }
        self.names.get(lang).map(String::as_str)
    }
}

/// A named group of countries (`DACH`, `GCC`, …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// The region's key as written in the data file (`DACH`, `East Africa`).
    #[serde(skip)]
    pub key: String,
    pub name: String,
    pub countries: Vec<String>,
}

/// Customer type → language → the words searched with (singular, plural, synonyms).
pub type CustomerTypes = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// All language data, merged from the built-in files and any user overrides.
#[derive(Debug, Clone, Default)]
pub struct LangData {
    pub countries: BTreeMap<String, Country>,
    pub regions: BTreeMap<String, Region>,
    pub customer_types: CustomerTypes,
    /// Customer types in the file's order (the default list for a plan).
    pub customer_type_order: Vec<String>,
    /// Country names folded for matching, built on first use.
    pub(crate) country_index: std::sync::OnceLock<WordIndex>,
}

/// Folded words and one automaton that finds them all in one pass; `tags[i]` says what
/// `words[i]` stands for (a country code, a customer type).
#[derive(Debug, Clone)]
pub(crate) struct WordIndex {
    pub words: Vec<String>,
    pub tags: Vec<String>,
    pub automaton: aho_corasick::AhoCorasick,
}

impl WordIndex {
    pub fn new(pairs: Vec<(String, String)>) -> WordIndex {
        let mut pairs = pairs;
        pairs.retain(|(w, _)| !w.is_empty());
        pairs.sort();
        pairs.dedup();
        let (words, tags): (Vec<String>, Vec<String>) = pairs.into_iter().unzip();
        let automaton = aho_corasick::AhoCorasick::new(&words).unwrap_or_else(|_| {
            aho_corasick::AhoCorasick::new(Vec::<String>::new()).expect("an empty automaton builds")
        });
        WordIndex {
            words,
            tags,
            automaton,
        }
    }
}

pub const COUNTRIES_FILE: &str = "countries.yaml";
pub const REGIONS_FILE: &str = "regions.yaml";
pub const CUSTOMER_TYPES_FILE: &str = "customer-types.yaml";

impl LangData {
    /// Merges one `lang/` file's text (named by `file`) into the data; entries replace by key.
    pub fn merge_file(&mut self, path: &Path, text: &str) -> Result<(), Diagnostic> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        match name {
            COUNTRIES_FILE => {
                let map: BTreeMap<String, Country> = diag::from_yaml(path, text)?;
                for (code, country) in map {
                    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                        return Err(Diagnostic::new(
                            path,
                            code,
                            "a country key must be an ISO 3166-1 alpha-2 code in capitals, like DE",
                        ));
                    }
                    self.countries.insert(code, country);
                }
            }
            REGIONS_FILE => {
                let map: BTreeMap<String, Region> = diag::from_yaml(path, text)?;
                self.regions.extend(map.into_iter().map(|(k, mut v)| {
                    v.key = k.clone();
                    (k.to_uppercase(), v)
                }));
            }
            CUSTOMER_TYPES_FILE => {
                let map: IndexMap<String, BTreeMap<String, Vec<String>>> =
                    diag::from_yaml(path, text)?;
                for (kind, words) in map {
                    if !self.customer_types.contains_key(&kind) {
                        self.customer_type_order.push(kind.clone());
                    }
                    self.customer_types.insert(kind, words);
                }
            }
            _ => {
                return Err(Diagnostic::new(path, "", "unknown language-data file").hint(format!(
                    "the lang/ folder holds {COUNTRIES_FILE}, {REGIONS_FILE} and {CUSTOMER_TYPES_FILE}"
                )));
            }
        }
        Ok(())
    }

    /// Checks cross-references (regions name known countries) after all files are merged.
    pub fn validate(&self, origin: &Path) -> Result<(), Diagnostic> {
        for (name, region) in &self.regions {
            for code in &region.countries {
                if !self.countries.contains_key(code) {
                    return Err(Diagnostic::new(
                        &origin.join(REGIONS_FILE),
                        format!("{name}.countries"),
                        format!("`{code}` is not a country in {COUNTRIES_FILE}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every language code the data knows (country languages, names, customer-type words).
    pub fn known_languages(&self) -> std::collections::BTreeSet<&str> {
        let mut set = std::collections::BTreeSet::new();
        set.insert("en");
        for c in self.countries.values() {
            set.extend(c.languages.iter().map(String::as_str));
            set.extend(c.names.keys().map(String::as_str));
        }
        for words in self.customer_types.values() {
            set.extend(words.keys().map(String::as_str));
        }
        set
    }

    /// Words for a customer type in a language (empty when the dictionary has none).
    pub fn customer_words(&self, kind: &str, lang: &str) -> &[String] {
        self.customer_types
            .get(kind)
            .and_then(|m| m.get(lang))
            .map_or(&[], Vec::as_slice)
    }
}
