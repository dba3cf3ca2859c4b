//! One automaton per campaign: finds our products, related products, industry words and
//! excluded words in page text, on word boundaries, with stemming where a language has it.
//!
//! How a page is searched (see [`Matcher::find`]):
//!
//! 1. The page is folded once ([`normalize`](super::normalize)) into `" w1 w2 … "`.
//! 2. *Screening* finds the words worth stemming: patterns are `" " + the start of a term
//!    word's key` (so `lam` from `lamp` never fires inside `clamp`), searched in each word
//!    whose first two bytes one of them starts with, plus whole terms in scripts without
//!    spaces (`LED灯泡`), which are hits by themselves, searched over the whole page.
//! 3. Only those candidate words are stemmed, in each language that can apply. Each language
//!    ("segment") gets a line of tokens `tag + key + " "`, one per candidate word, with a
//!    break wherever words are not consecutive in the page.
//! 4. One pass of the *term* automaton (leftmost-longest) over those short lines: patterns are
//!    the terms' keys in the same form, so multi-word terms need consecutive words.
//!
//! Stemming is the expensive step (~0.5 µs a word), which is why only screened words get it.
//!
//! Keys: in a language with a Snowball stemmer, a word's key is its stem (taken from the word
//! with its accents, then folded). In other languages (Polish, Czech, …) a term word of five
//! letters or more keeps all but its last two letters and matches any page word that starts
//! with that and has at most [`MAX_TAIL`] letters more; shorter words match exactly. In
//! Turkish a term word as written is also such a prefix (standing for its stem), because the
//! stemmer keeps suffixes that break vowel harmony (`ampuller`) or lost their accents
//! (`urunler`), and is not always consistent (`ürün` → `ür` but `ürünler` → `ürün`).

use std::collections::{HashMap, HashSet};
use std::fmt;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rust_stemmers::{Algorithm, Stemmer};

use super::gate::Gate;
use crate::normalize::{Folder, Word, is_no_space_script, stem_input, stemmer_for};
use crate::plan::Plan;
use search::Text;

/// Letters a page word may have beyond a prefix key (`żarówk|ami`, `ampul|ler`).
pub const MAX_TAIL: usize = 4;
/// Words this long or longer get a prefix key in languages without a stemmer…
const PREFIX_RULE_MIN_LEN: usize = 5;
/// …made by dropping this many letters (`żarówka` → `żarów`).
const PREFIX_RULE_DROP: usize = 2;

/// The Snowball languages, in segment order; the segment after them is the prefix rule's.
const ALGORITHMS: [Algorithm; 18] = [
    Algorithm::English,
    Algorithm::Arabic,
    Algorithm::Danish,
    Algorithm::Dutch,
    Algorithm::Finnish,
    Algorithm::French,
    Algorithm::German,
    Algorithm::Greek,
    Algorithm::Hungarian,
    Algorithm::Italian,
    Algorithm::Norwegian,
    Algorithm::Portuguese,
    Algorithm::Romanian,
    Algorithm::Russian,
    Algorithm::Spanish,
    Algorithm::Swedish,
    Algorithm::Tamil,
    Algorithm::Turkish,
];
const ENGLISH_SEG: usize = 0;
const PREFIX_SEG: usize = ALGORITHMS.len();
const SEGMENTS: usize = ALGORITHMS.len() + 1;
/// Separates runs of consecutive words in the token lines; in no pattern.
const BREAK: char = '\0';

/// What a term stands for in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermKind {
    /// A name, synonym or local name of `plan.products[i]`.
    Product(usize),
    Related,
    Industry,
    Exclude,
}

/// A phrase to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// As written in the plan.
    pub text: String,
    pub kind: TermKind,
    /// ISO 639-1: `"en"` for names, synonyms, related products, industry and exclude words;
    /// the language key for local names.
    pub lang: String,
}

/// A term found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Matcher::terms`].
    pub term: usize,
    /// Byte range in the ORIGINAL text passed to [`Matcher::find`] (not the folded text):
    /// `&text[hit.start..hit.end]` is the phrase as the page wrote it, e.g. `LED-Lampen`.
    pub start: usize,
    pub end: usize,
}

/// What [`Matcher::find_each`] found: the hits of each text (offsets in that text), and each
/// text as it was folded.
#[derive(Debug)]
pub struct Found {
    pub hits: Vec<Vec<Hit>>,
    folded: String,
    /// The range of each text's words (with a space before and after) in `folded`.
    ranges: Vec<Option<(usize, usize)>>,
}

impl Found {
    /// All the texts folded, one after the other (` w1 w2 … `).
    pub fn folded_all(&self) -> &str {
        &self.folded
    }

    /// Text `i` folded as for the search: ` w1 w2 … ` (a space before and after every word).
    pub fn folded(&self, i: usize) -> &str {
        match self.ranges.get(i).copied().flatten() {
            Some((a, z)) => &self.folded[a..z],
            None => " ",
        }
    }
}

/// The compiled terms of one campaign. Build it once, share it between threads.
pub struct Matcher {
    terms: Vec<Term>,
    /// Whether each term is English (stemmed in every language the page may be in).
    english: Vec<bool>,
    /// One per entry of `ALGORITHMS`.
    stemmers: Vec<Stemmer>,
    /// Segments searched on every page: English, the languages of the terms, the prefix rule.
    always: u32,
    screen_patterns: Vec<Screen>,
    /// The screening patterns that are ` ` + the start of a word, in one automaton run over
    /// each page word that a pattern can start (see [`Gate`]), with their `screen_patterns`
    /// indices…
    word_screen: Option<AhoCorasick>,
    word_patterns: Vec<usize>,
    gate: Gate,
    /// …and the others (found inside words, or across words in scripts without spaces), run
    /// over the whole folded page.
    anywhere_screen: Option<AhoCorasick>,
    anywhere_patterns: Vec<usize>,
    /// Term automaton over the token lines.
    keyed: Option<AhoCorasick>,
    /// Terms of each keyed pattern (terms whose keys coincide share a pattern).
    keyed_terms: Vec<Vec<usize>>,
    /// Every `tag + key` that occurs in a keyed pattern: a stem not in here cannot match.
    tokens: HashSet<String>,
}

/// What a screening pattern means.
#[derive(Debug, Default)]
struct Screen {
    /// The pattern as searched.
    text: String,
    /// Matches anywhere in a word, not only at its start (Arabic stems lose prefixes).
    anywhere: bool,
    /// Segments in which a word starting with this should be stemmed: for terms in that
    /// language (English terms in English included)…
    own: u32,
    /// …and for English terms stemmed in another language, when the page may be in it.
    english: u32,
    /// Segments in which this (without the leading space) is a prefix key: a page word
    /// starting with it and at most `.1` letters longer gets the token `.2`.
    prefix_keys: Vec<(usize, usize, String)>,
    /// The segments of `prefix_keys`, for terms in that language and for English terms.
    prefix_own: u32,
    prefix_english: u32,
    /// Terms in scripts without spaces that this pattern finds by itself.
    substring_terms: Vec<usize>,
}

impl Screen {
    /// ` ` + the start of one word: found only at the start of a page word.
    fn at_word_start(&self) -> bool {
        !self.anywhere
            && self.substring_terms.is_empty()
            && self.text.len() > 1
            && self.text.starts_with(' ')
            && !self.text[1..].contains(' ')
    }

    /// The segments a word this pattern found is worth a token in, on a page whose English
    /// terms are tried in `page_langs` and all terms in `active`.
    fn segments(&self, active: u32, page_langs: u32) -> u32 {
        ((self.own | self.prefix_own) & active)
            | ((self.english | self.prefix_english) & page_langs)
    }
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matcher")
            .field("terms", &self.terms.len())
            .field("screen_patterns", &self.screen_patterns.len())
            .field("keyed_patterns", &self.keyed_terms.len())
            .finish()
    }
}

fn bit(seg: usize) -> u32 {
    1 << seg
}

fn tag(seg: usize) -> char {
    // 0x01..=0x13: control characters never survive folding.
    char::from(seg as u8 + 1)
}

fn segment_of(alg: Algorithm) -> usize {
    ALGORITHMS
        .iter()
        .position(|a| *a == alg)
        .unwrap_or(ENGLISH_SEG)
}

/// Appends the key of one word in a stemming segment to `out`.
fn push_stem_key(stemmer: &Stemmer, original: &str, folded: &str, out: &mut String) {
    let mut buf = String::new();
    let input = stem_input(original, folded, &mut buf);
    let stem = stemmer.stem(input);
    let stem = if stem.is_empty() { folded } else { &stem };
    if stem
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        out.push_str(stem);
    } else {
        // Stems keep accents (`ürün`); the key is folded like the page.
        let mut f = Folder::new(false, false);
        f.push_str(stem, 0);
        f.finish();
        out.push_str(if f.out.is_empty() { folded } else { &f.out });
    }
}

/// The prefix-rule key of a folded word and how many letters a page word may add to it.
fn prefix_key(folded: &str) -> (&str, usize) {
    let len = folded.chars().count();
    if len < PREFIX_RULE_MIN_LEN {
        return (folded, 0);
    }
    let cut = folded
        .char_indices()
        .nth(len - PREFIX_RULE_DROP)
        .map_or(folded.len(), |(i, _)| i);
    (&folded[..cut], MAX_TAIL)
}

/// The screening prefix for a stem key: all but its last letter, since stemmers also change
/// the end of a word (`battery` → `batteri`, `kitabı` → `kitap`); two letters or fewer whole.
fn screen_prefix(key: &str) -> &str {
    let len = key.chars().count();
    if len <= 2 {
        return key;
    }
    let cut = key
        .char_indices()
        .nth(len - 1)
        .map_or(key.len(), |(i, _)| i);
    &key[..cut]
}

struct Builder {
    screen_index: HashMap<String, usize>,
    screen: Vec<Screen>,
    keyed_index: HashMap<String, usize>,
    keyed_terms: Vec<Vec<usize>>,
    tokens: HashSet<String>,
}

impl Builder {
    fn screen(&mut self, text: String) -> &mut Screen {
        let next = self.screen.len();
        let i = *self.screen_index.entry(text.clone()).or_insert(next);
        if i == next {
            self.screen.push(Screen {
                text,
                ..Screen::default()
            });
        }
        &mut self.screen[i]
    }

    fn keyed(&mut self, pattern: String, term: usize) {
        let next = self.keyed_terms.len();
        let i = *self.keyed_index.entry(pattern).or_insert(next);
        if i == next {
            self.keyed_terms.push(Vec::new());
        }
        if !self.keyed_terms[i].contains(&term) {
            self.keyed_terms[i].push(term);
        }
    }

    /// Adds a term's patterns; returns whether it is English (stemmed in every language),
    /// or `None` when it has no words.
    fn add_term(
        &mut self,
        ti: usize,
        term: &Term,
        f: &mut Folder,
        stemmers: &[Stemmer],
    ) -> Option<Added> {
        f.reset();
        f.push_str(&term.text, 0);
        f.finish();
        if f.words.is_empty() {
            return None;
        }
        if f.out.chars().any(is_no_space_script) {
            // Matched as a substring of the folded page; a space stays at an end that is
            // not in such a script, so `LED灯泡` does not match in `XLED灯泡`.
            let mut p = f.out.as_str();
            if p[1..].starts_with(is_no_space_script) {
                p = &p[1..];
            }
            if p[..p.len() - 1].ends_with(is_no_space_script) {
                p = &p[..p.len() - 1];
            }
            self.screen(p.to_string()).substring_terms.push(ti);
            return Some(Added::default());
        }
        let english = stemmer_for(&term.lang) == Some(Algorithm::English);
        let segments: Vec<usize> = match stemmer_for(&term.lang) {
            Some(Algorithm::English) => (0..ALGORITHMS.len()).collect(),
            Some(alg) => vec![segment_of(alg)],
            None => vec![PREFIX_SEG],
        };
        let always = if segments.len() == 1 {
            bit(segments[0])
        } else {
            0
        };
        for seg in segments {
            self.add_segment(ti, term, f, stemmers, seg, english);
        }
        Some(Added { english, always })
    }

    /// A term's patterns in one segment (a language's stems, or word prefixes).
    fn add_segment(
        &mut self,
        ti: usize,
        term: &Term,
        f: &Folder,
        stemmers: &[Stemmer],
        seg: usize,
        english: bool,
    ) {
        // Each word's keys: one, or two for an English term stemmed in another language,
        // whose stemmer may keep an English ending (German keeps `pumps`): its English stem
        // (`pump`) stemmed again is the other.
        let mut alternatives: Vec<Vec<String>> = Vec::new();
        for w in &f.words {
            let folded = &f.out[w.start..w.end];
            if seg == PREFIX_SEG {
                let (key, tail) = prefix_key(folded);
                add_prefix_key(self.screen(format!(" {key}")), seg, tail, key, false);
                alternatives.push(vec![key.to_string()]);
                continue;
            }
            let original = &term.text[w.orig_start..w.orig_end];
            let mut key = String::new();
            push_stem_key(&stemmers[seg], original, folded, &mut key);
            let mut keys = vec![key];
            if english && seg != ENGLISH_SEG {
                let mut base = String::new();
                push_stem_key(&stemmers[ENGLISH_SEG], original, folded, &mut base);
                let mut again = String::new();
                push_stem_key(&stemmers[seg], &base, &base, &mut again);
                if !keys.contains(&again) {
                    keys.push(again);
                }
            }
            for key in &keys {
                self.stem_key(seg, key, folded, english);
            }
            alternatives.push(keys);
        }
        // A pattern for every choice of keys (terms have a few words).
        let mut patterns = vec![String::new()];
        for keys in &alternatives {
            patterns = patterns
                .iter()
                .flat_map(|p| keys.iter().map(move |k| format!("{p}{}{k} ", tag(seg))))
                .collect();
        }
        for pattern in patterns {
            self.keyed(pattern, ti);
        }
    }

    /// Screens the page's words for a stem `key` of segment `seg` (of the word `folded`).
    fn stem_key(&mut self, seg: usize, key: &str, folded: &str, english: bool) {
        let anywhere = ALGORITHMS[seg] == Algorithm::Arabic && !key.is_ascii();
        let prefix = screen_prefix(key);
        let text = if anywhere {
            prefix.to_string()
        } else {
            format!(" {prefix}")
        };
        let s = self.screen(text);
        s.anywhere = anywhere;
        if english && seg != ENGLISH_SEG {
            s.english |= bit(seg);
        } else {
            s.own |= bit(seg);
        }
        if ALGORITHMS[seg] == Algorithm::Turkish {
            // The word as written, standing for its stem (`ürün` → `ür`).
            let s = self.screen(format!(" {folded}"));
            add_prefix_key(s, seg, MAX_TAIL, key, english);
        }
        self.tokens.insert(format!("{}{key}", tag(seg)));
    }
}

/// What adding a term said: whether it is English, and the segments always searched for it.
#[derive(Debug, Default, Clone, Copy)]
struct Added {
    english: bool,
    always: u32,
}

impl Matcher {
    pub fn new(terms: Vec<Term>) -> Matcher {
        let stemmers: Vec<Stemmer> = ALGORITHMS.iter().map(|a| Stemmer::create(*a)).collect();
        let mut b = Builder {
            screen_index: HashMap::new(),
            screen: Vec::new(),
            keyed_index: HashMap::new(),
            keyed_terms: Vec::new(),
            tokens: HashSet::new(),
        };
        let mut always = bit(ENGLISH_SEG);
        let mut english_terms = vec![false; terms.len()];
        let mut f = Folder::new(true, true);
        for (ti, term) in terms.iter().enumerate() {
            if let Some(added) = b.add_term(ti, term, &mut f, &stemmers) {
                english_terms[ti] = added.english;
                always |= added.always;
            }
        }
        Matcher::assemble(terms, english_terms, stemmers, always, b)
    }

    /// The matcher from its builder: the screens and the keyed automaton.
    fn assemble(
        terms: Vec<Term>,
        english_terms: Vec<bool>,
        stemmers: Vec<Stemmer>,
        always: u32,
        b: Builder,
    ) -> Matcher {
        let (word_patterns, anywhere_patterns): (Vec<usize>, Vec<usize>) =
            (0..b.screen.len()).partition(|&i| b.screen[i].at_word_start());
        let mut gate = Gate::closed();
        for &i in &word_patterns {
            gate.open(&b.screen[i].text.as_bytes()[1..]);
        }
        let word_screen = build(
            word_patterns.iter().map(|&i| b.screen[i].text.as_str()),
            MatchKind::Standard,
        );
        let anywhere_screen = build(
            anywhere_patterns.iter().map(|&i| b.screen[i].text.as_str()),
            MatchKind::Standard,
        );
        let keyed_patterns: Vec<(&String, &usize)> = {
            let mut v: Vec<_> = b.keyed_index.iter().collect();
            v.sort_by_key(|(_, i)| **i);
            v
        };
        let keyed = build(
            keyed_patterns.iter().map(|(p, _)| p.as_str()),
            MatchKind::LeftmostLongest,
        );
        Matcher {
            terms,
            english: english_terms,
            stemmers,
            always,
            screen_patterns: b.screen,
            word_screen,
            word_patterns,
            gate,
            anywhere_screen,
            anywhere_patterns,
            keyed,
            keyed_terms: b.keyed_terms,
            tokens: b.tokens,
        }
    }

    /// The terms of a plan: each product's name, synonyms and local names, then related
    /// products, industry words and exclude words.
    pub fn from_plan(plan: &Plan) -> Matcher {
        let mut terms = Vec::new();
        let mut add = |text: &str, kind: TermKind, lang: &str| {
            terms.push(Term {
                text: text.to_string(),
                kind,
                lang: lang.to_string(),
            });
        };
        for (i, p) in plan.products.iter().enumerate() {
            for t in p.terms() {
                add(t, TermKind::Product(i), "en");
            }
            for (lang, names) in &p.names {
                for n in names {
                    add(n, TermKind::Product(i), lang);
                }
            }
        }
        for t in &plan.related_products {
            add(t, TermKind::Related, "en");
        }
        for t in &plan.industry {
            add(t, TermKind::Industry, "en");
        }
        for t in &plan.exclude_words {
            add(t, TermKind::Exclude, "en");
        }
        Matcher::new(terms)
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Terms found in `text` (any case, accents, punctuation), non-overlapping, leftmost-longest,
    /// on word boundaries. `langs` are the languages the page may be in (e.g. ["de"] from the
    /// site; English is always tried too): words are stemmed with each language's stemmer.
    ///
    /// Terms are also always tried in their own language (a German local name is matched with
    /// German stemming on any page); `langs` add stemmings for the English terms. Hits are in
    /// text order; two hits never overlap, except that several terms can share exactly the
    /// same range (a synonym two products have in common). Terms in scripts written without
    /// spaces (Chinese, Japanese, Thai, Korean) are matched as substrings.
    pub fn find(&self, text: &str, langs: &[&str]) -> Vec<Hit> {
        self.find_and_fold(text, langs).0
    }

    /// [`find`](Matcher::find), also giving the text as it was folded for the search
    /// (` w1 w2 … `: a space before and after every word), for word lists to search it again.
    pub fn find_and_fold(&self, text: &str, langs: &[&str]) -> (Vec<Hit>, String) {
        let mut page = Folder::new(true, true);
        page.reserve(text.len());
        page.push_str(text, 0);
        page.finish();
        let hits = if self.screen_patterns.is_empty() {
            Vec::new()
        } else {
            let text = Text {
                original: text,
                folded: &page.out,
                words: &page.words,
                starts_text: None,
            };
            self.search(&text, langs)
        };
        (hits, page.out)
    }

    /// Terms found in each of `texts`, as [`find`](Matcher::find) finds them in each one
    /// alone, in one pass: the texts are folded and screened together and each distinct word
    /// is stemmed once, which is what makes a catalogue of hundreds of items cheap.
    pub fn find_each(&self, texts: &[&str], langs: &[&str]) -> Found {
        // One text after the other, a line break after each (a separator in any script).
        let mut joined = String::with_capacity(texts.iter().map(|t| t.len() + 1).sum());
        let mut starts = Vec::with_capacity(texts.len());
        for t in texts {
            starts.push(joined.len());
            joined.push_str(t);
            joined.push('\n');
        }
        let mut page = Folder::new(true, true);
        page.reserve(joined.len());
        page.push_str(&joined, 0);
        page.finish();
        let words = &page.words;
        let first_words: Vec<usize> = starts
            .iter()
            .map(|&s| words.partition_point(|w| w.orig_start < s))
            .collect();
        let mut starts_text = vec![false; words.len()];
        for &w in &first_words {
            if let Some(flag) = starts_text.get_mut(w) {
                *flag = true;
            }
        }
        let mut hits = vec![Vec::new(); texts.len()];
        if !self.screen_patterns.is_empty() {
            let text = Text {
                original: &joined,
                folded: &page.out,
                words,
                starts_text: Some(&starts_text),
            };
            for hit in self.search(&text, langs) {
                let i = starts.partition_point(|&s| s <= hit.start) - 1;
                hits[i].push(Hit {
                    term: hit.term,
                    start: hit.start - starts[i],
                    end: hit.end - starts[i],
                });
            }
        }
        let ranges = (0..texts.len())
            .map(|i| {
                let (lo, hi) = (first_words[i], first_words.get(i + 1).copied());
                let hi = hi.unwrap_or(words.len());
                (lo < hi).then(|| (words[lo].start - 1, words[hi - 1].end + 1))
            })
            .collect();
        Found {
            hits,
            folded: page.out,
            ranges,
        }
    }

    /// Convenience: the distinct terms found.
    pub fn found(&self, text: &str, langs: &[&str]) -> Vec<usize> {
        let mut terms: Vec<usize> = self.find(text, langs).into_iter().map(|h| h.term).collect();
        terms.sort_unstable();
        terms.dedup();
        terms
    }
}

fn add_prefix_key(s: &mut Screen, seg: usize, tail: usize, token: &str, english: bool) {
    if english {
        s.prefix_english |= bit(seg);
    } else {
        s.prefix_own |= bit(seg);
    }
    match s
        .prefix_keys
        .iter_mut()
        .find(|(g, _, k)| *g == seg && k == token)
    {
        Some((_, t, _)) => *t = (*t).max(tail),
        None => s.prefix_keys.push((seg, tail, token.to_string())),
    }
}

fn build<'a>(patterns: impl Iterator<Item = &'a str>, kind: MatchKind) -> Option<AhoCorasick> {
    let patterns: Vec<&str> = patterns.collect();
    if patterns.is_empty() {
        return None;
    }
    // Building fails only beyond billions of states, far past any plan.
    AhoCorasick::builder()
        .match_kind(kind)
        .kind(Some(AhoCorasickKind::DFA))
        .prefilter(false)
        .build(patterns)
        .ok()
}

mod search;
#[cfg(test)]
mod tests;
