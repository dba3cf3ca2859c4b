//! How one page is searched: screening, stemming the screened words into token lines, the
//! term automaton over them, and leftmost-longest hits with their offsets in the original text.

use super::*;

impl Matcher {
    /// The search behind [`find`](Matcher::find) and [`find_each`](Matcher::find_each):
    /// `starts_text[w]` says that word `w` begins another text, which no match may cross.
    pub(super) fn search(&self, text: &Text<'_>, langs: &[&str]) -> Vec<Hit> {
        // Segments in which English terms are tried, and all segments searched.
        let mut page_langs = bit(ENGLISH_SEG);
        for lang in langs {
            if let Some(alg) = stemmer_for(lang) {
                page_langs |= bit(segment_of(alg));
            }
        }
        let segs = Segments {
            active: self.always | page_langs,
            page_langs,
        };
        let Text {
            original: _,
            folded: _,
            words,
            starts_text,
        } = *text;

        let (mut spans, screened) = self.screen(text, segs);
        if let Some(starts) = starts_text {
            // A term found as a substring must lie within one text.
            spans.retain(|&(a, z, _)| {
                let first = words.partition_point(|w| w.start <= a).saturating_sub(1);
                let last = words.partition_point(|w| w.start < z);
                !starts[(first + 1).min(last)..last].contains(&true)
            });
        }

        let lines = self.token_lines(text, &screened, segs);
        if let Some(keyed) = &self.keyed {
            // Matches come in text order: the tokens are walked, not searched for.
            let tokens = &lines.tokens;
            let mut first = 0;
            for m in keyed.find_iter(lines.text.as_str()) {
                while first < tokens.len() && tokens[first].0 < m.start() {
                    first += 1;
                }
                let mut last = first;
                while last + 1 < tokens.len() && tokens[last + 1].0 < m.end() {
                    last += 1;
                }
                let (a, z) = (tokens[first].1, tokens[last].1);
                let seg = usize::from(lines.text.as_bytes()[m.start()] - 1);
                for &t in &self.keyed_terms[m.pattern().as_usize()] {
                    // English terms are stemmed in the page's languages only. (Filtering
                    // after the search: such a match, dropped, can hide a shorter one of a
                    // term in that language starting at the same word.)
                    if self.english[t] && segs.page_langs & bit(seg) == 0 {
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
        // The words where the kept hits start and end: kept hits do not overlap, so both
        // only move forward.
        let (mut first, mut last) = (0, 0);
        for (a, z, term) in spans {
            match kept {
                Some(k) if k == (a, z) => {}
                Some((_, end)) if a < end => continue,
                _ => {
                    kept = Some((a, z));
                    while first + 1 < words.len() && words[first + 1].start <= a {
                        first += 1;
                    }
                    last = last.max(first);
                    while last + 1 < words.len() && words[last + 1].start < z {
                        last += 1;
                    }
                    orig = (
                        original_start(text.original, words[first], a),
                        original_end(text.original, words[last], z),
                    );
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

    /// The screening step: (folded start, folded end, term) of the terms found by screening
    /// alone (scripts without spaces), and the (word, screening pattern) pairs of the words
    /// worth stemming, by word.
    ///
    /// Patterns at the start of a word are looked for only in the words whose first two
    /// bytes some pattern starts with (most words of a page are let through by one look-up);
    /// the others in one overlapping pass over the page.
    #[allow(clippy::type_complexity)]
    pub(super) fn screen(
        &self,
        text: &Text<'_>,
        segs: Segments,
    ) -> (Vec<(usize, usize, usize)>, Vec<(usize, usize)>) {
        let (folded, words) = (text.folded, text.words);
        let Segments { active, page_langs } = segs;
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
    fn token_lines(&self, page: &Text<'_>, screened: &[(usize, usize)], segs: Segments) -> Lines {
        let (text, folded, words) = (page.original, page.folded, page.words);
        let Segments { active, page_langs } = segs;
        let starts_text = page.starts_text;
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
                if previous.is_none_or(|p| p + 1 != c.word)
                    || starts_text.is_some_and(|starts| starts[c.word])
                {
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

/// A text as the search reads it.
#[derive(Clone, Copy)]
pub(super) struct Text<'a> {
    pub original: &'a str,
    /// Folded, a space before and after every word.
    pub folded: &'a str,
    pub words: &'a [Word],
    /// `starts_text[w]`: word `w` begins another of several texts searched at once, which no
    /// match may cross.
    pub starts_text: Option<&'a [bool]>,
}

/// The segments searched on a page: all of them (`active`), and those in which English terms
/// are tried (`page_langs`).
#[derive(Clone, Copy)]
pub(super) struct Segments {
    pub active: u32,
    pub page_langs: u32,
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

/// The original byte offset where folded offset `at` (the start of a hit) begins.
/// (`w` is the word it falls in.)
fn original_start(text: &str, w: Word, at: usize) -> usize {
    if w.start == at {
        return w.orig_start;
    }
    refold(text, w, |out_len| out_len > at - w.start, false).unwrap_or(w.orig_start)
}

/// The original byte offset where folded offset `at` (the end of a hit) ends.
/// (`w` is the word it falls in.)
fn original_end(text: &str, w: Word, at: usize) -> usize {
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
