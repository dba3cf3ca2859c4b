//! Loading a plan: YAML → raw typed values with positions, then validation (see `validate`).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::*;
use crate::diag::{self, Diagnostics};
use crate::reference::LangData;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlan {
    pub(super) campaign: Spanned<String>,
    pub(super) products: Spanned<Vec<RawProduct>>,
    #[serde(default)]
    pub(super) related_products: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) industry: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) customer_types: Option<Spanned<Vec<Spanned<String>>>>,
    pub(super) countries: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) big_buyers: Vec<RawBuyer>,
    #[serde(default)]
    pub(super) filetypes: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) hs_codes: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) methods: Option<Spanned<RawMethods>>,
    #[serde(default)]
    pub(super) exclude_domains: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) exclude_words: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) output: Option<RawOutput>,
    #[serde(default)]
    pub(super) grading: Option<RawGrading>,
    #[serde(default)]
    pub(super) search: Option<RawSearch>,
    #[serde(default)]
    pub(super) fetch: Option<RawFetch>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProduct {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) synonyms: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) names: Option<Spanned<BTreeMap<String, Vec<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBuyer {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) domain: Option<Spanned<String>>,
}

#[derive(Debug)]
pub(super) enum RawMethods {
    All,
    Only(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for RawMethods {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawMethods;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`all` or a list of method ids")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawMethods, E> {
                if s.trim().eq_ignore_ascii_case("all") {
                    Ok(RawMethods::All)
                } else {
                    Err(E::custom(format!(
                        "expected `all` or a list of method ids, found `{s}`"
                    )))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawMethods, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element::<Spanned<String>>()? {
                    ids.push(id);
                }
                Ok(RawMethods::Only(ids))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutput {
    #[serde(default)]
    pub(super) sheet: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGrading {
    #[serde(default)]
    pub(super) a: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) b: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub(super) enum RawBackend {
    Searxng,
    Brave,
    Serper,
    Serpapi,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSearch {
    #[serde(default)]
    pub(super) backend: Option<RawBackend>,
    #[serde(default)]
    pub(super) url: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) per_day: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) pages: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) interval: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFetch {
    #[serde(default)]
    pub(super) per_host_interval: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) concurrency: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) max_pages_per_site: Option<Spanned<u32>>,
    #[serde(default)]
    pub(super) respect_robots: Option<bool>,
    #[serde(default)]
    pub(super) allow_private: Option<bool>,
    #[serde(default)]
    pub(super) user_agent: Option<Spanned<String>>,
}

/// Reads and validates the plan at `path` against the language data.
pub fn load(path: &Path, lang: &LangData) -> Result<Plan, Diagnostics> {
    let text = diag::read_yaml_text(path)?;
    load_str(path, &text, lang)
}

/// Validates plan text as if read from `path`.
pub fn load_str(path: &Path, text: &str, lang: &LangData) -> Result<Plan, Diagnostics> {
    let raw: RawPlan = diag::from_yaml(path, text)?;
    let mut v = super::validate::Validator {
        file: path,
        lang,
        problems: Vec::new(),
    };
    let plan = v.plan(raw);
    if v.problems.is_empty() {
        Ok(plan)
    } else {
        v.problems.sort_by_key(|d| (d.line, d.column));
        Err(Diagnostics(v.problems))
    }
}

/// `https://www.Example.com/path` → `example.com`.
pub(crate) fn normalise_domain(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s.split_once("://").map_or(s.as_str(), |(_, rest)| rest);
    let s = s.split(['/', '?', '#']).next().unwrap_or("");
    let s = s.strip_prefix("www.").unwrap_or(s);
    s.trim_end_matches('.').to_string()
}

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("`{0}` is not a duration")]
    NotADuration(String),
    #[error("`{0}` has no unit")]
    NoUnit(String),
    #[error("`{0}` is not a unit of time")]
    NotAUnit(String),
}

/// Parses `500ms`, `2s`, `1.5s`, `1m`, `1h`.
pub fn parse_duration(s: &str) -> Result<Duration, DurationError> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let not_a_duration = || DurationError::NotADuration(t.to_string());
    let value: f64 = num.parse().map_err(|_| not_a_duration())?;
    let factor = match unit.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "" => return Err(DurationError::NoUnit(t.to_string())),
        other => return Err(DurationError::NotAUnit(other.to_string())),
    };
    Duration::try_from_secs_f64(value * factor).map_err(|_| not_a_duration())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration(" 1m "), Ok(Duration::from_secs(60)));
        assert!(parse_duration("2").is_err());
        assert!(parse_duration("2 parsecs").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn domains_are_normalised() {
        assert_eq!(
            normalise_domain("https://www.Signify.com/en/"),
            "signify.com"
        );
        assert_eq!(normalise_domain("amazon.de"), "amazon.de");
    }
}
