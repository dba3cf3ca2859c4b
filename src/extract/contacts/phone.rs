//! Phone numbers: `tel:` links, and numbers in text that carry a phone label (`Tel.:`, `Phone`,
//! `Телефон` …: the phone and fax words of `query-templates/data/grading-words.yaml`) or start
//! with an international or trunk prefix (`+`, `00`, `(0`); fax numbers are left out. Parsed
//! and validated with `phonenumber`, written in E.164.

use std::sync::LazyLock;

use phonenumber::Mode;
use phonenumber::country::Id as Region;
use regex::Regex;

use crate::reference::GradingWords;

/// Characters people write inside phone numbers, besides digits.
fn separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{A0}' | '\u{2009}' | '\u{202F}' | '(' | ')' | '.' | '-' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}' | '/'
    )
}

/// Runs of digits with the separators people write inside phone numbers, possibly with one or
/// two leading `+` or `(`, ending on a digit, at least two digits long: (start, end, digits)
/// with byte offsets, in text order. (What the regex `[+(]{0,2}[0-9][0-9 seps]*[0-9]` finds,
/// by hand: it is the hot loop of contact extraction. ASCII is read byte by byte; only other
/// characters are decoded.)
fn candidates(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let first = next_digit(bytes, at)?;
            // The run: digits and separators; it ends after its last digit.
            let mut i = first + 1;
            let mut last_digit_end = i;
            let mut digits = 1;
            let mut digits_at_last = 1;
            while i < bytes.len() {
                let b = bytes[i];
                if b.is_ascii_digit() {
                    i += 1;
                    digits += 1;
                    last_digit_end = i;
                    digits_at_last = digits;
                } else if b.is_ascii() {
                    if !matches!(b, b' ' | b'\t' | b'(' | b')' | b'.' | b'-' | b'/') {
                        break;
                    }
                    i += 1;
                } else {
                    let c = text[i..].chars().next().unwrap_or('\0');
                    if !separator(c) {
                        break;
                    }
                    i += c.len_utf8();
                }
            }
            let end = last_digit_end;
            let previous_end = at;
            at = end;
            if end == first + 1 {
                continue;
            }
            let mut start = first;
            for _ in 0..2 {
                if start > previous_end && matches!(bytes[start - 1], b'+' | b'(') {
                    start -= 1;
                }
            }
            return Some((start, end, digits_at_last));
        }
    })
}

/// The first ASCII digit at or after `from`: eight bytes at a time while there is none.
fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        // Digits become the bytes 0–9; then "a byte below 10" is exact for bytes below 128
        // (and the others never look like one: their high bit stays set).
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b'0'));
        if x.wrapping_sub(ONES * 10) & !x & HIGHS != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| i + p)
}

/// Where a run of several numbers is cut when it is not one number as a whole
/// (`040 123456 / 040 654321`).
static SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s+[/\-|\u{2013}\u{2014}]\s+|\s{2,}").expect("valid split pattern")
});

/// The words that label phone and fax numbers (`grading-words.yaml`), lower case.
#[derive(Debug, Clone)]
pub struct Labels {
    /// Whole words that mark a phone number (`tel`, `t` as in `T +49 …`).
    phone_words: Vec<String>,
    /// Word beginnings that mark a phone number (`telef`: telefon, telefono, telefoon …).
    phone_stems: Vec<String>,
    /// Parts of words that mark a fax number (`fax`: telefax).
    fax_parts: Vec<String>,
    /// Whole words that mark a fax number (`f` as in `T +49 … F +49 …`).
    fax_words: Vec<String>,
    /// Labels in scripts without spaces between words, found anywhere.
    phone_in_text: Vec<String>,
    fax_in_text: Vec<String>,
}

impl Labels {
    pub fn new(words: &GradingWords) -> Labels {
        let lower = |list: &[String]| list.iter().map(|w| w.to_lowercase()).collect();
        Labels {
            phone_words: lower(&words.phone_words),
            phone_stems: lower(&words.phone_stems),
            fax_parts: lower(&words.fax_parts),
            fax_words: lower(&words.fax_words),
            phone_in_text: lower(&words.phone_in_text),
            fax_in_text: lower(&words.fax_in_text),
        }
    }
}

/// Characters before a number searched for its label (extended to the start of a word).
const LABEL_WINDOW: usize = 24;
/// A number this close after a labelled one, with only punctuation between, shares its label
/// (`Tel. 040 123456, 040 654321`).
const LIST_GAP: usize = 4;
/// Digits of a phone number with its prefixes.
const MIN_DIGITS: usize = 7;
const MAX_DIGITS: usize = 20;
/// Longer runs of digits and separators are not phone numbers (tables, serial numbers).
const MAX_RUN_BYTES: usize = 120;
/// Numbers parsed per text at most: bounds the work on pages full of digits.
const MAX_PARSES: usize = 1000;

/// The region for an ISO 3166-1 alpha-2 code (any case); `None` for unknown codes.
pub(super) fn region(code: Option<&str>) -> Option<Region> {
    code?.trim().to_ascii_uppercase().parse().ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    None,
    Phone,
    Fax,
}

/// Phone numbers in `text` in E.164, each with the byte offset where it starts.
pub(super) fn find(text: &str, region: Option<Region>, labels: &Labels) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut parses = 0;
    // End and label of the previous run of digits.
    let mut previous: Option<(usize, Label)> = None;
    for (start, end, digits) in candidates(text) {
        if parses >= MAX_PARSES {
            break;
        }
        let run = &text[start..end];
        // Too few digits for a phone number (prices, sizes, article numbers): no label is
        // read, and the run breaks a list of numbers.
        if digits < MIN_DIGITS {
            previous = Some((end, Label::None));
            continue;
        }
        let mut label = label_before(text, start, labels);
        if label == Label::None
            && let Some((prev_end, prev_label)) = previous
            && let gap = &text[prev_end..start]
            && gap.len() <= 4 * LIST_GAP
            && gap.chars().count() <= LIST_GAP
            && !gap.chars().any(char::is_alphanumeric)
        {
            label = prev_label;
        }
        previous = Some((end, label));
        if label == Label::Fax || glued_to_word(text, start) || run.len() > MAX_RUN_BYTES {
            continue;
        }
        let (rel, run) = balanced(run);
        let run_start = start + rel;
        if label == Label::Phone || prefixed(run) {
            parses += 1;
            if let Some(e164) = parse(run, region) {
                out.push((run_start, e164));
                continue;
            }
        }
        for (rel, piece) in split(run) {
            if label == Label::Phone || prefixed(piece) {
                parses += 1;
                if let Some(e164) = parse(piece, region) {
                    out.push((run_start + rel, e164));
                }
            }
        }
    }
    out
}

/// The number of a `tel:` or `callto:` link target (the part after the scheme), in E.164.
pub(super) fn from_link(target: &str, region: Option<Region>) -> Option<String> {
    let decoded = super::percent_decode(target);
    let number = decoded
        .trim_start_matches('/')
        .split([';', '?'])
        .next()
        .unwrap_or_default()
        .trim();
    if number.chars().any(char::is_alphabetic) {
        return None;
    }
    parse(number, region)
}

/// Whether the text just before a link (the end of `before`) labels it as a fax number.
pub(super) fn labelled_fax(before: &str, labels: &Labels) -> bool {
    label_before(before, before.len(), labels) == Label::Fax
}

/// Starts with `+`, `00` or a trunk prefix in parentheses (`(0`).
fn prefixed(run: &str) -> bool {
    let run = run.trim_start();
    run.starts_with('+') || run.starts_with("00") || run.starts_with("(0") || run.starts_with("(+")
}

/// The pieces of a run cut at [`SPLIT`], with their offsets; nothing when there is no cut.
fn split(run: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut from = 0;
    for sep in SPLIT.find_iter(run) {
        pieces.push((from, &run[from..sep.start()]));
        from = sep.end();
    }
    if from > 0 {
        pieces.push((from, &run[from..]));
    }
    pieces
}

/// The run (and its offset in `run`) without an unclosed `(` and what follows it
/// (`040 123456 (9`), or without a leading `(` that is never closed.
fn balanced(run: &str) -> (usize, &str) {
    let mut open: Option<usize> = None;
    for (i, ch) in run.char_indices() {
        match ch {
            '(' => open = Some(i),
            ')' => open = None,
            _ => {}
        }
    }
    match open {
        Some(0) => {
            let rest = run.trim_start_matches('(');
            (run.len() - rest.len(), rest)
        }
        Some(i) => (0, run[..i].trim_end_matches(|c: char| !c.is_ascii_digit())),
        None => (0, run),
    }
}

/// The number continues a word or code (`DE123456789`, `ABC-1234567`, `HRB/1234567`).
fn glued_to_word(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some(c) if c.is_alphanumeric() => true,
        Some('-' | '/' | '_') => before.next().is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

/// The label of a number starting at `start`: the words before it, back to the previous digit
/// and at most [`LABEL_WINDOW`] characters (plus the rest of a word cut by the window).
fn label_before(text: &str, start: usize, labels: &Labels) -> Label {
    let head = &text[..start];
    let mut from = start;
    let mut taken = 0;
    let mut chars = head.char_indices().rev();
    for (i, ch) in chars.by_ref() {
        if ch.is_ascii_digit() {
            break;
        }
        from = i;
        taken += 1;
        if taken >= LABEL_WINDOW {
            break;
        }
    }
    if taken >= LABEL_WINDOW {
        for (i, ch) in chars.take(LABEL_WINDOW) {
            if !ch.is_alphabetic() {
                break;
            }
            from = i;
        }
    }
    classify(&head[from..], labels)
}

fn classify(window: &str, labels: &Labels) -> Label {
    let lower = window.to_lowercase();
    let mut phone = labels
        .phone_in_text
        .iter()
        .any(|w| lower.contains(w.as_str()));
    let mut fax = labels
        .fax_in_text
        .iter()
        .any(|w| lower.contains(w.as_str()));
    for word in lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if labels.fax_words.iter().any(|f| f == word)
            || labels.fax_parts.iter().any(|f| word.contains(f.as_str()))
        {
            fax = true;
        } else if labels.phone_words.iter().any(|p| p == word)
            || labels
                .phone_stems
                .iter()
                .any(|s| word.starts_with(s.as_str()))
        {
            phone = true;
        }
    }
    // `Tel./Fax: …` is both: a phone number.
    match (phone, fax) {
        (true, _) => Label::Phone,
        (false, true) => Label::Fax,
        (false, false) => Label::None,
    }
}

/// A number as written (`+49 (0)40 123 456-7`, `(0212) 345 67 89`, `0049 40 1234567`) in
/// E.164 if `phonenumber` finds it valid. Without `region`, only international numbers.
/// Compiled number patterns phonenumber keeps. Its default of 100 is less than the
/// patterns of a few countries, so a campaign over several would compile the same
/// patterns again and again (about 0.1 ms each); a country's patterns are kept once used.
const NUMBER_PATTERNS_KEPT: usize = 4000;

pub(super) fn parse(written: &str, region: Option<Region>) -> Option<String> {
    static KEEP_PATTERNS: std::sync::Once = std::sync::Once::new();
    KEEP_PATTERNS.call_once(|| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            cache.set_capacity(NUMBER_PATTERNS_KEPT);
        }
    });
    let written = written.trim().trim_start_matches('(');
    let digits = digits_of(written);
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
        return None;
    }
    let plus = written.starts_with('+');
    let idd = !plus && digits.starts_with("00") && !digits.starts_with("000");
    let mut tries = Vec::new();
    if plus || idd {
        let skip = if idd { 2 } else { 0 };
        let mut international = |digits: String| {
            if let Some(rest) = digits.get(skip..) {
                tries.push(format!("+{rest}"));
            }
        };
        // German style `+49 (0)40 …`: the trunk prefix in parentheses is not dialled from abroad.
        international(digits_of(&written.replace("(0)", "")));
        // `+49 (040) …`
        if let Some(i) = written.find("(0") {
            let mut alt = written.to_string();
            alt.remove(i + 1);
            international(digits_of(&alt));
            // Italian numbers keep their 0: `+39 (0)6 …` is `+39 06 …`.
            international(digits.clone());
        }
    } else if region.is_some() {
        tries.push(digits);
    }
    tries.into_iter().find_map(|t| {
        let number = phonenumber::parse(region, &t).ok()?;
        phonenumber::is_valid(&number).then(|| number.format().mode(Mode::E164).to_string())
    })
}

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod candidate_tests {
    use proptest::prelude::*;

    use super::*;

    /// The pattern [`candidates`] stands for.
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"[+(]{0,2}[0-9][0-9 \t\u{A0}\u{2009}\u{202F}().\-\u{2010}-\u{2015}\u{2212}/]*[0-9]",
        )
        .unwrap()
    });

    /// The runs [`candidates`] finds, checking the digits it counted on the way.
    fn runs(text: &str) -> Vec<(usize, usize)> {
        candidates(text)
            .map(|(start, end, digits)| {
                assert_eq!(
                    digits,
                    text[start..end].bytes().filter(u8::is_ascii_digit).count()
                );
                (start, end)
            })
            .collect()
    }

    fn by_regex(text: &str) -> Vec<(usize, usize)> {
        PATTERN
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    #[test]
    fn runs_are_found_as_the_pattern_finds_them() {
        for text in [
            "Tel. +49 (0)40 123 456-7, Fax (040) 123 458",
            "((+49 40 1234567 3 € 12 W 2700 K",
            "9 W, 806 lm, 2700 K; LI-00001",
            "+ 1 2  (3)4\u{2013}5\u{A0}6/7.8 +(9",
            "",
            "5",
            "a1b22c333",
        ] {
            assert_eq!(runs(text), by_regex(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn next_digit_is_the_first_digit(bytes in proptest::collection::vec(any::<u8>(), 0..40), from in 0usize..40) {
            let from = from.min(bytes.len());
            let want = bytes[from..].iter().position(u8::is_ascii_digit).map(|p| from + p);
            prop_assert_eq!(next_digit(&bytes, from), want);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn same_as_the_pattern(text in "[0-9+( ).a/\u{A0}\u{2013}\u{2212}é-]{0,40}") {
            prop_assert_eq!(runs(&text), by_regex(&text));
        }
    }
}
