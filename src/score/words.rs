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

/// Several word lists matched in one pass over folded text.
pub(crate) struct WordLists {
    automaton: aho_corasick::AhoCorasick,
    /// The list of each pattern.
    list_of: Vec<usize>,
    lists: usize,
}

impl WordLists {
    pub fn new(lists: &[&[String]]) -> WordLists {
        let mut patterns = Vec::new();
        let mut list_of = Vec::new();
        for (i, words) in lists.iter().enumerate() {
            let mut folded: Vec<String> = words
                .iter()
                .map(|w| fold(w))
                .filter(|w| !w.is_empty())
                .map(|w| format!(" {w} "))
                .collect();
            folded.sort();
            folded.dedup();
            list_of.extend(std::iter::repeat_n(i, folded.len()));
            patterns.extend(folded);
        }
        WordLists {
            automaton: aho_corasick::AhoCorasick::new(patterns).expect("small word lists build"),
            list_of,
            lists: lists.len(),
        }
    }

    /// How many of each list's words occur in ` folded text ` (a space at both ends), in
    /// list order.
    pub fn found_in(&self, folded: &str) -> Vec<usize> {
        let mut seen = HashSet::new();
        let mut counts = vec![0; self.lists];
        for m in self.automaton.find_overlapping_iter(folded) {
            if seen.insert(m.pattern()) {
                counts[self.list_of[m.pattern().as_usize()]] += 1;
            }
        }
        counts
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

/// News, blogs, second-hand listings.
pub(crate) static NOT_A_COMPANY: LazyLock<WordList> =
    LazyLock::new(|| WordList::new(&GradingWords::builtin().not_a_company));
/// Words of a page about one company on someone else's site (a directory, a B2B platform),
/// and [`NOT_A_COMPANY`]'s, in one pass over a site's whole text.
pub(crate) static LISTING_AND_NOT_A_COMPANY: LazyLock<WordLists> = LazyLock::new(|| {
    let words = GradingWords::builtin();
    WordLists::new(&[&words.listing, &words.not_a_company])
});
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
        let both = WordLists::new(&[
            &["blog".into(), "news".into()],
            &["news".into(), "lager".into()],
        ]);
        assert_eq!(both.found_in(" daily news from the lager blog "), [2, 2]);
        assert_eq!(both.found_in(" nothing "), [0, 0]);
    }
}
