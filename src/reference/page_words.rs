//! The words that name the pages of a company site (`query-templates/data/page-words.yaml`,
//! or `data/page-words.yaml` in a `--templates` folder): products, about us, contact, legal
//! notice, and the pages never read.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diag::{self, Diagnostic};

/// The built-in word lists.
pub const PAGE_WORDS_YAML: &str = include_str!("../../query-templates/data/page-words.yaml");

/// Where [`PAGE_WORDS_YAML`] comes from, for messages.
pub const PAGE_WORDS_FILE: &str = "query-templates/data/page-words.yaml";

/// Words and phrases per language: ISO 639-1 code → words, as written in the file.
pub type ByLanguage = BTreeMap<String, Vec<String>>;

/// The word lists of `page-words.yaml`, one per page kind (plus the pages never read).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageWords {
    pub products: ByLanguage,
    pub about: ByLanguage,
    pub contact: ByLanguage,
    pub legal: ByLanguage,
    /// Privacy and cookie pages: never read, except when they are also the legal notice or a
    /// contact page (`Impressum & Datenschutz` is one page on many German sites).
    pub privacy: ByLanguage,
    /// Login, cart and job pages: never read, except when they are also a contact page.
    pub skip: ByLanguage,
}

impl PageWords {
    /// Reads the lists from YAML.
    pub fn parse(yaml: &str) -> Result<PageWords, serde_saphyr::Error> {
        serde_saphyr::from_str(yaml)
    }

    /// Reads a user's file (named `path` in messages), with the error's line and column.
    pub fn load(path: &Path, text: &str) -> Result<PageWords, Diagnostic> {
        diag::from_yaml(path, text)
    }

    /// The built-in lists. The file is compiled in and a unit test parses it, so a failure
    /// here is a bug in the file caught before release.
    pub fn builtin() -> PageWords {
        PageWords::parse(PAGE_WORDS_YAML)
            .unwrap_or_else(|e| panic!("the built-in {PAGE_WORDS_FILE} is malformed: {e}"))
    }
}
