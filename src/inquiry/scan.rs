//! A text folded once with the word lists' phrases found in it, and the way back from a
//! phrase to the sentence of the original text that shows it (the evidence of a sign).

use crate::normalize::{Folder, Word};

use super::words::{Found, List, Words};

/// Longest evidence quoted, in characters.
const MAX_EVIDENCE: usize = 220;

/// A text, folded (` w1 w2 `), with every phrase of the word lists found in it.
#[derive(Debug)]
pub struct Scan<'a> {
    pub original: &'a str,
    pub folded: String,
    words: Vec<Word>,
    pub found: Vec<Found>,
}

impl<'a> Scan<'a> {
    pub fn new(original: &'a str, lists: &Words) -> Scan<'a> {
        let mut f = Folder::new(true, true);
        f.reserve(original.len());
        f.push_str(original, 0);
        f.finish();
        let found = lists.phrases.find(&f.out);
        Scan {
            original,
            folded: f.out,
            words: f.words,
            found,
        }
    }

    pub fn has(&self, list: List) -> bool {
        self.found.iter().any(|f| f.list == list)
    }

    pub fn hits(&self, list: List) -> impl Iterator<Item = &Found> {
        self.found.iter().filter(move |f| f.list == list)
    }

    /// Distinct phrases of a list found.
    pub fn distinct(&self, list: List) -> usize {
        let mut p: Vec<usize> = self.hits(list).map(|f| f.phrase).collect();
        p.sort_unstable();
        p.dedup();
        p.len()
    }

    /// The byte range in the original text of a folded range.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.words.partition_point(|w| w.end <= start);
        let last = self.words.partition_point(|w| w.start < end);
        match (
            self.words.get(first),
            last.checked_sub(1).and_then(|l| self.words.get(l)),
        ) {
            (Some(a), Some(b)) if first < last => (a.orig_start, b.orig_end),
            _ => (0, 0),
        }
    }

    /// The phrase as the text wrote it.
    pub fn phrase_text(&self, f: &Found) -> &str {
        let (a, b) = self.original_range(f.start, f.end);
        &self.original[a..b]
    }

    /// The sentence (or line) of the original text around a found phrase, trimmed.
    pub fn sentence(&self, f: &Found) -> String {
        let (a, b) = self.original_range(f.start, f.end);
        sentence_at(self.original, a, b)
    }

    /// The index of the word a folded offset falls in.
    pub fn word_index(&self, folded_offset: usize) -> usize {
        self.words.partition_point(|w| w.end <= folded_offset)
    }

    /// The original byte offset where word `i` starts.
    pub fn word_start(&self, i: usize) -> Option<usize> {
        self.words.get(i).map(|w| w.orig_start)
    }
}

/// The sentence around `a..b` of `text`: from the previous sentence end or line break to the
/// next, at most [`MAX_EVIDENCE`] characters (cut around the phrase).
pub fn sentence_at(text: &str, a: usize, b: usize) -> String {
    let is_end = |c: char| matches!(c, '\n' | '.' | '!' | '?' | '。' | '！' | '？');
    let mut start = text[..a]
        .char_indices()
        .rev()
        .find(|(i, c)| {
            is_end(*c)
                && (*c != '.' || text[i + 1..].chars().next().is_none_or(char::is_whitespace))
        })
        .map_or(0, |(i, c)| i + c.len_utf8());
    let mut end = text[b..]
        .char_indices()
        .find(|(i, c)| {
            is_end(*c)
                && (*c != '.'
                    || text[b + i + 1..]
                        .chars()
                        .next()
                        .is_none_or(char::is_whitespace))
        })
        .map_or(text.len(), |(i, c)| b + i + c.len_utf8());
    let s = text[start..end].trim();
    if s.chars().count() <= MAX_EVIDENCE {
        return one_line(s);
    }
    // Cut around the phrase.
    let half = MAX_EVIDENCE / 2;
    let before: Vec<(usize, char)> = text[start..a].char_indices().collect();
    if before.len() > half {
        start += before[before.len() - half].0;
    }
    let after: Vec<(usize, char)> = text[b..end].char_indices().collect();
    if after.len() > half {
        end = b + after[half].0;
    }
    format!("…{}…", one_line(text[start..end].trim()))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inquiry::words::builtin;

    #[test]
    fn evidence_is_the_sentence_around_a_phrase() {
        let text = "Hello. We want FREE samples of all your models.\nThanks";
        let scan = Scan::new(text, builtin());
        let f = scan.hits(List::SampleHunting).next().unwrap();
        assert_eq!(scan.sentence(f), "We want FREE samples of all your models.");
        assert_eq!(sentence_at("a 1.5 W lamp. b", 2, 5), "a 1.5 W lamp.");
    }
}
