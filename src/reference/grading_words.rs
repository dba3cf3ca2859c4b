//! The word lists of grading and of reading contacts (built in from
//! `query-templates/data/grading-words.yaml`): parsed once, checked, trimmed. The code that
//! uses a list folds it its own way and builds its matcher once.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diag::{self, Diagnostic};

/// The built-in word lists (users edit the file and rebuild).
const GRADING_WORDS_YAML: &str = include_str!("../../query-templates/data/grading-words.yaml");

/// Where [`GRADING_WORDS_YAML`] comes from, for messages.
pub const GRADING_WORDS_FILE: &str = "query-templates/data/grading-words.yaml";

/// Words and phrases per language: ISO 639-1 code → words, as written in the file.
type ByLanguage = BTreeMap<String, Spanned<Vec<Spanned<String>>>>;

/// `grading-words.yaml` as written; the file's comments say what each list is for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGradingWords {
    listing: ByLanguage,
    not_a_company: ByLanguage,
    big: ByLanguage,
    since: ByLanguage,
    legal_forms: ByLanguage,
    other_party_labels: ByLanguage,
    other_party_phrases: ByLanguage,
    contractor: ByLanguage,
    end_user: ByLanguage,
    phone_words: ByLanguage,
    phone_stems: ByLanguage,
    phone_in_text: ByLanguage,
    fax_parts: ByLanguage,
    fax_words: ByLanguage,
    fax_in_text: ByLanguage,
    #[serde(default)]
    accessory: ByLanguage,
    #[serde(default)]
    accessory_for: ByLanguage,
    #[serde(default)]
    menu_skip: ByLanguage,
}

/// The lists of `grading-words.yaml`, each with the words of all its languages in file order,
/// trimmed, without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradingWords {
    /// A page about one company on someone else's site (directory, B2B, exhibitor list).
    pub listing: Vec<String>,
    /// News, blogs, second-hand listings: not a company's catalogue.
    pub not_a_company: Vec<String>,
    /// Signs of a large company.
    pub big: Vec<String>,
    /// One word before a year: in business since then.
    pub since: Vec<String>,
    /// Legal forms that end a registered name.
    pub legal_forms: Vec<String>,
    /// Labels (before a colon, or a heading) of lines naming the web host, designer, DPO.
    pub other_party_labels: Vec<String>,
    /// Phrases that introduce the web host or designer anywhere in a line.
    pub other_party_phrases: Vec<String>,
    /// Customer-type words the dictionary lacks: contractors.
    pub contractor: Vec<String>,
    /// Customer-type words the dictionary lacks: end users.
    pub end_user: Vec<String>,
    /// Whole words that label a phone number.
    pub phone_words: Vec<String>,
    /// Word beginnings that label a phone number.
    pub phone_stems: Vec<String>,
    /// Phone labels matched anywhere (scripts without spaces).
    pub phone_in_text: Vec<String>,
    /// Parts of words that label a fax number.
    pub fax_parts: Vec<String>,
    /// Whole words that label a fax number.
    pub fax_words: Vec<String>,
    /// Fax labels matched anywhere (scripts without spaces).
    pub fax_in_text: Vec<String>,
    /// Words for parts and accessories: after our product's name (`ladder mat`) or first in
    /// an item (`Remote for ceiling fans`) they make the item an accessory of our trade.
    pub accessory: Vec<String>,
    /// Words that say "for": before our product's name (`bag for ladders`) it is what the
    /// item serves, not what it is.
    pub accessory_for: Vec<String>,
    /// Entries of a site's menu that are not product categories (home, news, offers, brands).
    pub menu_skip: Vec<String>,
}

impl GradingWords {
    /// The built-in lists. The file is compiled in and a unit test parses it, so a failure
    /// here is a bug in the file caught before release.
    pub fn builtin() -> GradingWords {
        GradingWords::parse(Path::new(GRADING_WORDS_FILE), GRADING_WORDS_YAML)
            .unwrap_or_else(|e| panic!("the built-in {GRADING_WORDS_FILE} is malformed: {e}"))
    }

    /// Reads the lists from `text` (named `path` in messages): unknown and missing keys, a
    /// language code that is not ISO 639-1, an empty list and a word without letters or digits
    /// are errors with their line and column.
    pub fn parse(path: &Path, text: &str) -> Result<GradingWords, Diagnostic> {
        let raw: RawGradingWords = diag::from_yaml(path, text)?;
        let list = |name: &str, by_lang: &ByLanguage| -> Result<Vec<String>, Diagnostic> {
            let mut seen = HashSet::new();
            let mut out = Vec::new();
            for (code, words) in by_lang {
                let field = format!("{name}.{code}");
                if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
                    return Err(Diagnostic::new(
                        path,
                        field,
                        format!("`{code}` is not an ISO 639-1 language code (two small letters)"),
                    )
                    .at(&words.referenced));
                }
                if words.value.is_empty() {
                    return Err(Diagnostic::new(path, field, "no words").at(&words.referenced));
                }
                for (i, word) in words.value.iter().enumerate() {
                    let w = word.value.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !w.chars().any(char::is_alphanumeric) {
                        return Err(Diagnostic::new(
                            path,
                            format!("{field}[{i}]"),
                            format!("`{}` has no letters", word.value),
                        )
                        .at(&word.referenced));
                    }
                    if seen.insert(w.clone()) {
                        out.push(w);
                    }
                }
            }
            if out.is_empty() {
                return Err(Diagnostic::new(path, name, "no languages"));
            }
            Ok(out)
        };
        // Lists a file of an older prospect may lack.
        let optional = |name: &str, by_lang: &ByLanguage| {
            if by_lang.is_empty() {
                Ok(Vec::new())
            } else {
                list(name, by_lang)
            }
        };
        Ok(GradingWords {
            listing: list("listing", &raw.listing)?,
            not_a_company: list("not_a_company", &raw.not_a_company)?,
            big: list("big", &raw.big)?,
            since: list("since", &raw.since)?,
            legal_forms: list("legal_forms", &raw.legal_forms)?,
            other_party_labels: list("other_party_labels", &raw.other_party_labels)?,
            other_party_phrases: list("other_party_phrases", &raw.other_party_phrases)?,
            contractor: list("contractor", &raw.contractor)?,
            end_user: list("end_user", &raw.end_user)?,
            phone_words: list("phone_words", &raw.phone_words)?,
            phone_stems: list("phone_stems", &raw.phone_stems)?,
            phone_in_text: list("phone_in_text", &raw.phone_in_text)?,
            fax_parts: list("fax_parts", &raw.fax_parts)?,
            fax_words: list("fax_words", &raw.fax_words)?,
            fax_in_text: list("fax_in_text", &raw.fax_in_text)?,
            accessory: optional("accessory", &raw.accessory)?,
            accessory_for: optional("accessory_for", &raw.accessory_for)?,
            menu_skip: optional("menu_skip", &raw.menu_skip)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of the file, each with one English word, then `extra`.
    fn file(extra: &str) -> String {
        let keys = [
            "listing",
            "not_a_company",
            "big",
            "since",
            "legal_forms",
            "other_party_labels",
            "other_party_phrases",
            "contractor",
            "end_user",
            "phone_words",
            "phone_stems",
            "phone_in_text",
            "fax_parts",
            "fax_words",
            "fax_in_text",
        ];
        let mut yaml = String::new();
        for key in keys {
            yaml.push_str(&format!("{key}:\n  en: [x]\n"));
        }
        yaml + extra
    }

    fn error(yaml: &str) -> String {
        GradingWords::parse(Path::new("words.yaml"), yaml)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn built_in_grading_words_parse() {
        let words = GradingWords::parse(Path::new(GRADING_WORDS_FILE), GRADING_WORDS_YAML)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(GradingWords::builtin(), words);
        assert!(words.listing.contains(&"firmenverzeichnis".to_string()));
        assert!(words.legal_forms.contains(&"GmbH & Co. KG".to_string()));
        assert!(words.phone_stems.contains(&"телеф".to_string()));
        assert!(words.other_party_labels.contains(&"hébergeur".to_string()));
        // `since` words are read one word at a time, before a year.
        for w in &words.since {
            assert!(!w.contains(' '), "since: `{w}` is more than one word");
        }
    }

    #[test]
    fn grading_words_are_checked_and_trimmed() {
        let ok = GradingWords::parse(Path::new("words.yaml"), &file("")).unwrap();
        assert_eq!(ok.big, ["x"]);

        let e = error(&file("colours:\n  en: [red]\n"));
        assert!(e.starts_with("words.yaml:31:"), "{e}");
        assert!(e.contains("unknown field `colours`"), "{e}");
        assert!(error("listing:\n  en: [x]\n").contains("missing field `not_a_company`"));

        let yaml = file("").replacen("  en: [x]", "  eng: [x]", 1);
        let e = error(&yaml);
        assert!(e.starts_with("words.yaml:2:"), "{e}");
        assert!(e.contains("listing.eng: `eng` is not an ISO 639-1"), "{e}");

        let e = error(&file("").replacen("  en: [x]", "  en: []", 1));
        assert!(e.contains("listing.en: no words"), "{e}");
        let e = error(&file("").replace(
            "not_a_company:\n  en: [x]",
            "not_a_company:\n  en: [x, \"--\"]",
        ));
        assert!(e.starts_with("words.yaml:4:"), "{e}");
        assert!(
            e.contains("not_a_company.en[1]: `--` has no letters"),
            "{e}"
        );
        assert!(error(&file("").replacen("[x]", "x", 1)).contains("listing"));

        let yaml = file("").replacen("  en: [x]", "  de: [\" Über  uns \", a]\n  en: [a]", 1);
        let words = GradingWords::parse(Path::new("words.yaml"), &yaml).unwrap();
        assert_eq!(words.listing, ["Über uns", "a"]);
    }
}
