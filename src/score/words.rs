//! The grading word lists of `query-templates/data/grading-words.yaml` (or of a `--templates`
//! folder), folded with [`fold`] and built into matchers once per grader.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, PatternID, StartKind};

use super::gate::Gate;
use crate::normalize::fold;
use crate::reference::lang::WordIndex;
use crate::reference::{GradingWords, LangData, PageWords};

/// Folded phrases (` word ` or ` two words `, a space at both ends) and the pairs of bytes
/// they begin with.
struct Phrases {
    automaton: AhoCorasick,
    gate: Gate,
}

impl Phrases {
    fn new(patterns: &[String]) -> Phrases {
        let mut gate = Gate::closed();
        for p in patterns {
            gate.open(&p.as_bytes()[1..]);
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .start_kind(StartKind::Both)
            .build(patterns)
            .expect("a small word list builds");
        Phrases { automaton, gate }
    }

    /// Calls `found` with every phrase of ` folded text ` (a space at both ends), once for
    /// each place it starts: only the words the gate lets through are searched, each with
    /// one anchored pass.
    fn each_in(&self, folded: &str, mut found: impl FnMut(PatternID)) {
        let bytes = folded.as_bytes();
        for at in memchr::memchr_iter(b' ', bytes) {
            let (Some(&first), Some(&second)) = (bytes.get(at + 1), bytes.get(at + 2)) else {
                continue;
            };
            if !self.gate.lets_through(first, second) {
                continue;
            }
            let input = Input::new(folded).range(at..).anchored(Anchored::Yes);
            let mut state = aho_corasick::automaton::OverlappingState::start();
            loop {
                self.automaton.find_overlapping(input.clone(), &mut state);
                match state.get_match() {
                    Some(m) => found(m.pattern()),
                    None => break,
                }
            }
        }
    }
}

/// A word list matched over folded text (` word ` on word boundaries).
pub(crate) struct WordList(Phrases);

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
        WordList(Phrases::new(&patterns))
    }

    /// How many of the words occur in ` folded text ` (a space at both ends).
    pub fn found_in(&self, folded: &str) -> usize {
        let mut seen = HashSet::new();
        self.0.each_in(folded, |p| {
            seen.insert(p);
        });
        seen.len()
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
            .automaton
            .find_overlapping_iter(&text)
            .map(|m| m.start())
            .min()?;
        // The match starts with the space before its first word.
        Some(starts.partition_point(|&s| s <= at + 1).saturating_sub(1))
    }
}

/// Several word lists matched in one pass over folded text.
pub(crate) struct WordLists {
    phrases: Phrases,
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
            phrases: Phrases::new(&patterns),
            list_of,
            lists: lists.len(),
        }
    }

    /// How many of each list's words occur in ` folded text ` (a space at both ends), in
    /// list order.
    pub fn found_in(&self, folded: &str) -> Vec<usize> {
        let mut seen = HashSet::new();
        let mut counts = vec![0; self.lists];
        self.phrases.each_in(folded, |p| {
            if seen.insert(p) {
                counts[self.list_of[p.as_usize()]] += 1;
            }
        });
        counts
    }
}

/// One folded word or phrase per entry.
pub(crate) fn folded_set(words: &[String]) -> HashSet<String> {
    words
        .iter()
        .map(|w| fold(w))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The grading word lists of a catalogue (`grading-words.yaml`) and its customer-type words,
/// folded and built into matchers once per grader.
pub struct Words {
    /// News, blogs, second-hand listings.
    pub(crate) not_a_company: WordList,
    /// Words of a page about one company on someone else's site (a directory, a B2B
    /// platform), and `not_a_company`'s, in one pass over a site's whole text.
    pub(crate) listing_and_not_a_company: WordLists,
    /// Signs of a large company.
    pub(crate) big: WordList,
    /// Words before a year: in business since then.
    pub(crate) since: HashSet<String>,
    /// Legal forms that end a registered name, folded (`S.A.R.L.` → `s a r l`).
    pub(crate) legal_forms: HashSet<String>,
    /// Labels of lines that name the web host, designer or data-protection officer.
    pub(crate) other_party_labels: WordList,
    /// Phrases that introduce the web host or designer.
    pub(crate) other_party_phrases: WordList,
    /// Customer-type words of every language, folded, tagged with the sheet's type.
    pub(crate) types: WordIndex,
    /// The words that label phone and fax numbers.
    pub(crate) phone_labels: crate::extract::contacts::Labels,
    /// Parts and accessories, folded (`ladder mat`, `fan remote`).
    pub(crate) accessory: HashSet<String>,
    /// "For", folded (`bag for ladders`).
    pub(crate) accessory_for: HashSet<String>,
    /// Menu entries that are not product categories: the site's service pages (about,
    /// contact, legal, privacy, login, cart, jobs) and `menu_skip` (home, news, offers).
    pub(crate) menu_skip: WordList,
}

impl Words {
    /// Whether `folded` (a folded text) begins with one of `set`'s phrases (of up to three
    /// words).
    pub(crate) fn begins_with(set: &HashSet<String>, folded: &str) -> bool {
        let words: Vec<&str> = folded.split_whitespace().take(3).collect();
        (1..=words.len()).any(|n| set.contains(&words[..n].join(" ")))
    }
}

impl Words {
    /// The lists of `words`, with the customer-type words of `lang` (and the `contractor`
    /// and `end_user` words of `words`).
    pub fn new(words: &GradingWords, pages: &PageWords, lang: &LangData) -> Words {
        let service: Vec<String> = [
            &pages.about,
            &pages.contact,
            &pages.legal,
            &pages.privacy,
            &pages.skip,
        ]
        .into_iter()
        .flat_map(|l| l.values().flatten().cloned())
        .chain(words.menu_skip.iter().cloned())
        .collect();
        Words {
            not_a_company: WordList::new(&words.not_a_company),
            listing_and_not_a_company: WordLists::new(&[&words.listing, &words.not_a_company]),
            big: WordList::new(&words.big),
            since: folded_set(&words.since),
            legal_forms: folded_set(&words.legal_forms),
            other_party_labels: WordList::new(&words.other_party_labels),
            other_party_phrases: WordList::new(&words.other_party_phrases),
            types: super::facts::type_index(words, lang),
            phone_labels: crate::extract::contacts::Labels::new(words),
            accessory: folded_set(&words.accessory),
            accessory_for: folded_set(&words.accessory_for),
            menu_skip: WordList::new(&service),
        }
    }
}

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
        let w = Words::new(
            &GradingWords::builtin(),
            &PageWords::builtin(),
            &crate::templates::Catalog::builtin().unwrap().lang,
        );
        assert!(w.legal_forms.contains("s a r l") && w.legal_forms.contains("gmbh co kg"));
        assert!(w.since.contains("gegrundet"));
        assert!(w.big.found_in(" 12 filialen ") > 0);
        let both = WordLists::new(&[
            &["blog".into(), "news".into()],
            &["news".into(), "lager".into()],
        ]);
        assert_eq!(both.found_in(" daily news from the lager blog "), [2, 2]);
        assert_eq!(both.found_in(" nothing "), [0, 0]);
    }

    proptest::proptest! {
        /// Searching the words the gate lets through finds what one pass over the whole
        /// text finds.
        #[test]
        fn the_gate_loses_no_phrase(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "blog", "news", "lager", "b2b", "b", "2", "hosted", "by", "second", "hand",
                    "a", "filialen", "entrepot", "x", "bloggers", "ne",
                ]),
                0..30,
            )
        ) {
            let words_a: Vec<String> =
                ["blog", "news", "second hand", "b", "hosted by"].map(String::from).to_vec();
            let words_b: Vec<String> = ["lager", "b2b", "a", "news"].map(String::from).to_vec();
            let lists = WordLists::new(&[&words_a, &words_b]);
            let text = format!(" {} ", words.join(" "));
            let mut seen = HashSet::new();
            let mut want = vec![0; 2];
            for m in lists.phrases.automaton.find_overlapping_iter(&text) {
                if seen.insert(m.pattern()) {
                    want[lists.list_of[m.pattern().as_usize()]] += 1;
                }
            }
            proptest::prop_assert_eq!(lists.found_in(&text), want);
        }
    }
}
