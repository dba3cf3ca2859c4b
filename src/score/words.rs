//! The grading word lists of `query-templates/data/grading-words.yaml`, folded with
//! [`fold`] and built into matchers once, on first use.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::normalize::fold;
use crate::templates::GradingWords;

/// A word list matched in one pass over folded text (` word ` on word boundaries).
pub(crate) struct WordList(aho_corasick::AhoCorasick);

impl WordList {
    pub fn new(words: &[String]) -> WordList {
        let mut patterns: Vec<String> = words
            .iter()
            .map(|w| fold(w))
            .filter(|w| !w.is_empty())
            .map(|w| format!(" {w} "))
            .collect();
        patterns.sort();
        patterns.dedup();
        WordList(aho_corasick::AhoCorasick::new(patterns).expect("a small word list builds"))
    }

    /// How many of the words occur in ` folded text ` (a space at both ends).
    pub fn found_in(&self, folded: &str) -> usize {
        let mut seen = HashSet::new();
        self.0
            .find_overlapping_iter(folded)
            .filter(|m| seen.insert(m.pattern()))
            .count()
    }

    /// The index of the first of `words` (as split on white space, not folded) where one of
    /// the list's words or phrases starts.
    pub fn first_in(&self, words: &[&str]) -> Option<usize> {
        let mut text = String::from(" ");
        let mut starts = Vec::with_capacity(words.len());
        for w in words {
            starts.push(text.len());
            let f = fold(w);
            if !f.is_empty() {
                text.push_str(&f);
                text.push(' ');
            }
        }
        let at = self
            .0
            .find_overlapping_iter(&text)
            .map(|m| m.start())
            .min()?;
        // The match starts with the space before its first word.
        Some(starts.partition_point(|&s| s <= at + 1).saturating_sub(1))
    }
}

/// One folded word or phrase per entry.
fn folded_set(words: &[String]) -> HashSet<String> {
    words
        .iter()
        .map(|w| fold(w))
        .filter(|w| !w.is_empty())
        .collect()
}

/// A page about one company on someone else's site.
pub(crate) static LISTING: LazyLock<WordList> =
    LazyLock::new(|| WordList::new(&GradingWords::builtin().listing));
/// News, blogs, second-hand listings.
pub(crate) static NOT_A_COMPANY: LazyLock<WordList> =
    LazyLock::new(|| WordList::new(&GradingWords::builtin().not_a_company));
/// Signs of a large company.
pub(crate) static BIG: LazyLock<WordList> =
    LazyLock::new(|| WordList::new(&GradingWords::builtin().big));
/// Words before a year: in business since then.
pub(crate) static SINCE: LazyLock<HashSet<String>> =
    LazyLock::new(|| folded_set(&GradingWords::builtin().since));
/// Legal forms that end a registered name, folded (`S.A.R.L.` → `s a r l`).
pub(crate) static LEGAL_FORMS: LazyLock<HashSet<String>> =
    LazyLock::new(|| folded_set(&GradingWords::builtin().legal_forms));
/// Labels of lines that name the web host, designer or data-protection officer.
pub(crate) static OTHER_PARTY_LABELS: LazyLock<WordList> =
    LazyLock::new(|| WordList::new(&GradingWords::builtin().other_party_labels));
/// Phrases that introduce the web host or designer.
pub(crate) static OTHER_PARTY_PHRASES: LazyLock<WordList> =
    LazyLock::new(|| WordList::new(&GradingWords::builtin().other_party_phrases));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_match_whole_folded_words() {
        let list = WordList::new(&["Entrepôt".into(), "second-hand".into(), "b2b".into()]);
        assert_eq!(list.found_in(" grand entrepot second hand "), 2);
        assert_eq!(list.found_in(" entrepots secondhand b2bx "), 0);
        let phrases = WordList::new(&["hosted by".into(), "Hébergeur".into()]);
        assert_eq!(
            phrases.first_in(&["©", "Lampen", "GmbH", "–", "Hosted", "by", "Strato"]),
            Some(4)
        );
        assert_eq!(phrases.first_in(&["HÉBERGEUR", ":", "OVH"]), Some(0));
        assert_eq!(phrases.first_in(&["Hosted", "Lampen"]), None);
        assert!(LEGAL_FORMS.contains("s a r l") && LEGAL_FORMS.contains("gmbh co kg"));
        assert!(SINCE.contains("gegrundet"));
        assert!(BIG.found_in(" 12 filialen ") > 0);
    }
}
