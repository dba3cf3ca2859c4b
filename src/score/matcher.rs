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
use super::normalize::{Folder, Word, is_no_space_script, stem_input, stemmer_for};
use crate::plan::Plan;

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
            f.reset();
            f.push_str(&term.text, 0);
            f.finish();
            if f.words.is_empty() {
                continue;
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
                b.screen(p.to_string()).substring_terms.push(ti);
                continue;
            }
            let english = stemmer_for(&term.lang) == Some(Algorithm::English);
            english_terms[ti] = english;
            let segments: Vec<usize> = match stemmer_for(&term.lang) {
                Some(Algorithm::English) => (0..ALGORITHMS.len()).collect(),
                Some(alg) => vec![segment_of(alg)],
                None => vec![PREFIX_SEG],
            };
            if segments.len() == 1 {
                always |= bit(segments[0]);
            }
            for seg in segments {
                let mut pattern = String::new();
                for w in &f.words {
                    let folded = &f.out[w.start..w.end];
                    let start = pattern.len();
                    pattern.push(tag(seg));
                    if seg == PREFIX_SEG {
                        let (key, tail) = prefix_key(folded);
                        pattern.push_str(key);
                        add_prefix_key(b.screen(format!(" {key}")), seg, tail, key, false);
                    } else {
                        let original = &term.text[w.orig_start..w.orig_end];
                        push_stem_key(&stemmers[seg], original, folded, &mut pattern);
                        let key = &pattern[start + 1..];
                        let anywhere = ALGORITHMS[seg] == Algorithm::Arabic && !key.is_ascii();
                        let prefix = screen_prefix(key);
                        let text = if anywhere {
                            prefix.to_string()
                        } else {
                            format!(" {prefix}")
                        };
                        let s = b.screen(text);
                        s.anywhere = anywhere;
                        if english && seg != ENGLISH_SEG {
                            s.english |= bit(seg);
                        } else {
                            s.own |= bit(seg);
                        }
                        if ALGORITHMS[seg] == Algorithm::Turkish {
                            // The word as written, standing for its stem (`ürün` → `ür`).
                            let s = b.screen(format!(" {folded}"));
                            add_prefix_key(s, seg, MAX_TAIL, key, english);
                        }
                        b.tokens.insert(pattern[start..].to_string());
                    }
                    pattern.push(' ');
                }
                b.keyed(pattern, ti);
            }
        }
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
            self.search(text, &page.out, &page.words, langs)
        };
        (hits, page.out)
    }

    fn search(&self, text: &str, folded: &str, words: &[Word], langs: &[&str]) -> Vec<Hit> {
        // Segments in which English terms are tried, and all segments searched.
        let mut page_langs = bit(ENGLISH_SEG);
        for lang in langs {
            if let Some(alg) = stemmer_for(lang) {
                page_langs |= bit(segment_of(alg));
            }
        }
        let active = self.always | page_langs;

        let (mut spans, screened) = self.screen(folded, words, active, page_langs);

        let lines = self.token_lines(text, folded, words, &screened, active, page_langs);
        if let Some(keyed) = &self.keyed {
            for m in keyed.find_iter(lines.text.as_str()) {
                let first = lines.tokens.partition_point(|t| t.0 < m.start());
                let last = lines.tokens.partition_point(|t| t.0 < m.end()) - 1;
                let (a, z) = (lines.tokens[first].1, lines.tokens[last].1);
                let seg = usize::from(lines.text.as_bytes()[m.start()] - 1);
                for &t in &self.keyed_terms[m.pattern().as_usize()] {
                    // English terms are stemmed in the page's languages only. (Filtering
                    // after the search: such a match, dropped, can hide a shorter one of a
                    // term in that language starting at the same word.)
                    if self.english[t] && page_langs & bit(seg) == 0 {
                        continue;
                    }
                    spans.push((words[a].start, words[z].end, t));
                }
            }
        }

        // Leftmost-longest over all segments and substring terms; equal ranges all stay.
        // `spans` is a few sorted runs (one per segment): the stable sort merges them.
        spans.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)).then(x.2.cmp(&y.2)));
        spans.dedup();
        let mut hits = Vec::new();
        let mut kept: Option<(usize, usize)> = None;
        let mut orig = (0, 0);
        for (a, z, term) in spans {
            match kept {
                Some(k) if k == (a, z) => {}
                Some((_, end)) if a < end => continue,
                _ => {
                    kept = Some((a, z));
                    orig = (original_start(text, words, a), original_end(text, words, z));
                }
            }
            hits.push(Hit {
                term,
                start: orig.0,
                end: orig.1,
            });
        }
        hits
    }

    /// Convenience: the distinct terms found.
    pub fn found(&self, text: &str, langs: &[&str]) -> Vec<usize> {
        let mut terms: Vec<usize> = self.find(text, langs).into_iter().map(|h| h.term).collect();
        terms.sort_unstable();
        terms.dedup();
        terms
    }

    /// The screening step: (folded start, folded end, term) of the terms found by screening
    /// alone (scripts without spaces), and the (word, screening pattern) pairs of the words
    /// worth stemming, by word.
    ///
    /// Patterns at the start of a word are looked for only in the words whose first two
    /// bytes some pattern starts with (most words of a page are let through by one look-up);
    /// the others in one overlapping pass over the page.
    #[allow(clippy::type_complexity)]
    fn screen(
        &self,
        folded: &str,
        words: &[Word],
        active: u32,
        page_langs: u32,
    ) -> (Vec<(usize, usize, usize)>, Vec<(usize, usize)>) {
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        let mut screened: Vec<(usize, usize)> = Vec::new();
        let bytes = folded.as_bytes();
        if let Some(anywhere) = &self.anywhere_screen {
            for m in anywhere.find_overlapping_iter(folded) {
                let pattern = self.anywhere_patterns[m.pattern().as_usize()];
                let s = &self.screen_patterns[pattern];
                for &t in &s.substring_terms {
                    let (a, z) = (m.start(), m.end());
                    let a = if bytes[a] == b' ' { a + 1 } else { a };
                    let z = if bytes[z - 1] == b' ' { z - 1 } else { z };
                    spans.push((a, z, t));
                }
                if s.segments(active, page_langs) == 0 {
                    continue;
                }
                let word = if s.anywhere {
                    words
                        .partition_point(|w| w.start <= m.start())
                        .checked_sub(1)
                } else {
                    words
                        .binary_search_by_key(&(m.start() + 1), |w| w.start)
                        .ok()
                };
                if let Some(w) = word {
                    screened.push((w, pattern));
                }
            }
        }
        if let Some(word_screen) = &self.word_screen {
            for (i, w) in words.iter().enumerate() {
                // Every word has a space before it and one after it.
                if !self.gate.lets_through(bytes[w.start], bytes[w.start + 1]) {
                    continue;
                }
                let around = aho_corasick::Input::new(folded).range(w.start - 1..w.end + 1);
                for m in word_screen.find_overlapping_iter(around) {
                    let pattern = self.word_patterns[m.pattern().as_usize()];
                    if self.screen_patterns[pattern].segments(active, page_langs) != 0 {
                        screened.push((i, pattern));
                    }
                }
            }
        }
        if !screened.is_sorted_by_key(|p| p.0) {
            screened.sort_by_key(|p| p.0);
        }
        (spans, screened)
    }

    /// One line of tokens per segment for the screened words.
    fn token_lines(
        &self,
        text: &str,
        folded: &str,
        words: &[Word],
        screened: &[(usize, usize)],
        active: u32,
        page_langs: u32,
    ) -> Lines {
        // Pages repeat their words: each distinct word (as written) is stemmed once per
        // segment. `distinct` numbers them; `memo[id * SEGMENTS + seg]` is its token.
        let mut distinct: hashbrown::HashMap<&str, usize> = hashbrown::HashMap::new();
        let mut memo: Vec<Memo> = Vec::new();
        // Per candidate word: its range in `screened`, the segments to stem it in, its id.
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut segments = 0u32;
        let mut i = 0;
        while i < screened.len() {
            let word = screened[i].0;
            let mut j = i;
            let mut mask = 0u32;
            while j < screened.len() && screened[j].0 == word {
                mask |= self.screen_patterns[screened[j].1].segments(active, page_langs);
                j += 1;
            }
            let w = words[word];
            let next = distinct.len();
            let id = *distinct
                .entry(&text[w.orig_start..w.orig_end])
                .or_insert(next);
            if id == next {
                memo.resize(memo.len() + SEGMENTS, Memo::Unknown);
            }
            candidates.push(Candidate {
                word,
                screened: (i, j),
                segments: mask,
                id,
            });
            segments |= mask;
            i = j;
        }

        let mut lines = Lines {
            text: String::new(),
            tokens: Vec::new(),
        };
        for seg in (0..SEGMENTS).filter(|s| segments & bit(*s) != 0) {
            let mut previous: Option<usize> = None;
            for c in &candidates {
                if c.segments & bit(seg) == 0 {
                    continue;
                }
                let w = words[c.word];
                let start = lines.text.len();
                if previous.is_none_or(|p| p + 1 != c.word) {
                    lines.text.push(BREAK);
                }
                let token = lines.text.len();
                let made = match memo[c.id * SEGMENTS + seg] {
                    Memo::At(from, to) => {
                        lines.text.extend_from_within(from..to);
                        true
                    }
                    Memo::Absent => false,
                    Memo::Unknown => {
                        let original = &text[w.orig_start..w.orig_end];
                        let word_folded = &folded[w.start..w.end];
                        let (lo, hi) = c.screened;
                        let made = self.push_token(
                            seg,
                            original,
                            word_folded,
                            &screened[lo..hi],
                            &mut lines.text,
                        );
                        memo[c.id * SEGMENTS + seg] = if made {
                            Memo::At(token, lines.text.len())
                        } else {
                            Memo::Absent
                        };
                        made
                    }
                };
                if made {
                    lines.text.push(' ');
                    lines.tokens.push((token, c.word));
                    previous = Some(c.word);
                } else {
                    lines.text.truncate(start);
                }
            }
            lines.text.push(BREAK);
        }
        lines
    }

    /// Appends the token (`tag + key`) of one page word in segment `seg` to `out`, if the word
    /// has one that some term uses; false (and `out` as it was) if not.
    fn push_token(
        &self,
        seg: usize,
        original: &str,
        folded: &str,
        screened: &[(usize, usize)],
        out: &mut String,
    ) -> bool {
        let token = out.len();
        out.push(tag(seg));
        if seg != PREFIX_SEG {
            push_stem_key(&self.stemmers[seg], original, folded, out);
            if self.tokens.contains(&out[token..]) {
                return true;
            }
            out.truncate(token + 1);
        }
        if let Some(key) = self.prefix_key_of(seg, folded, screened) {
            out.push_str(key);
            return true;
        }
        out.truncate(token);
        false
    }
    /// The token of the longest prefix key of segment `seg` that the word starts with and
    /// goes beyond by no more than the key allows.
    fn prefix_key_of(&self, seg: usize, word: &str, screened: &[(usize, usize)]) -> Option<&str> {
        let word_len = word.chars().count();
        let mut best: Option<(usize, &str)> = None;
        for &(_, p) in screened {
            let s = &self.screen_patterns[p];
            let first = s.text.chars().next().map_or(0, char::len_utf8);
            let prefix = &s.text[first..];
            for (key_seg, tail, token) in &s.prefix_keys {
                if *key_seg == seg
                    && word_len <= prefix.chars().count() + tail
                    && best.is_none_or(|(len, _)| len < prefix.len())
                {
                    best = Some((prefix.len(), token));
                }
            }
        }
        best.map(|(_, token)| token)
    }
}

/// The token lines of a page and, for each token, (its offset in `text`, its word).
struct Lines {
    text: String,
    tokens: Vec<(usize, usize)>,
}

/// A screened word of a page.
struct Candidate {
    word: usize,
    /// Its range in the screened matches.
    screened: (usize, usize),
    /// Segments to make a token in.
    segments: u32,
    /// Number of the distinct word (as written) in the page.
    id: usize,
}

/// The token of a distinct word in one segment.
#[derive(Debug, Clone, Copy)]
enum Memo {
    Unknown,
    Absent,
    /// Byte range of its first use in the token lines.
    At(usize, usize),
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

/// The original byte offset where folded offset `at` (the start of a hit) begins.
fn original_start(text: &str, words: &[Word], at: usize) -> usize {
    let Some(i) = words.partition_point(|w| w.start <= at).checked_sub(1) else {
        return 0;
    };
    let w = words[i];
    if w.start == at {
        return w.orig_start;
    }
    refold(text, w, |out_len| out_len > at - w.start, false).unwrap_or(w.orig_start)
}

/// The original byte offset where folded offset `at` (the end of a hit) ends.
fn original_end(text: &str, words: &[Word], at: usize) -> usize {
    let Some(i) = words.partition_point(|w| w.start < at).checked_sub(1) else {
        return 0;
    };
    let w = words[i];
    if w.end == at {
        return w.orig_end;
    }
    refold(text, w, |out_len| out_len >= at - w.start, true).unwrap_or(w.orig_end)
}

/// Folds a word's original text again, one character at a time, until `reached` says the
/// folded length got to the offset wanted; the start (or end) of that character.
fn refold(text: &str, w: Word, reached: impl Fn(usize) -> bool, end: bool) -> Option<usize> {
    let original = text.get(w.orig_start..w.orig_end)?;
    let mut f = Folder::new(false, true);
    for (j, c) in original.char_indices() {
        f.push_char(c, 0);
        if reached(f.len()) {
            return Some(w.orig_start + j + if end { c.len_utf8() } else { 0 });
        }
    }
    None
}

#[cfg(test)]
mod tests;
