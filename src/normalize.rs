//! Text normalisation for matching: NFKC, case folding, accents removed, words split.
//!
//! [`fold`] is the public form. The matcher uses [`Folder`], the same fold that also records
//! where each word came from in the original text and splits words where a script without
//! spaces (Chinese, Japanese, Korean, Thai, …) meets another one (`LED灯泡` → `led 灯泡`).

use std::sync::OnceLock;

use rust_stemmers::Algorithm;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{compose, decompose_compatible, is_combining_mark};

/// Folds text to a matching key: NFKC, lower case (Unicode), accents/diacritics removed
/// (NFD then drop combining marks; also ß→ss, æ→ae, ø→o, œ→oe, ł→l, đ→d, ı→i, ё→е), every
/// run of characters that are not letters or digits becomes one space; trimmed.
///
/// Details: the marks dropped are the diacritics of Latin, Greek and Cyrillic letters and the
/// vowel points of Arabic and Hebrew. Marks that are letters' vowels in other scripts
/// (Devanagari, Tamil, Thai, the kana voicing marks …) are kept and recomposed with their
/// base, so `が` stays `が`. Soft hyphens, zero-width joiners and the Arabic tatweel are
/// ignored inside words; `™` and `℠` separate words instead of becoming `tm`/`sm`.
pub fn fold(text: &str) -> String {
    let mut f = Folder::new(false, false);
    f.push_str(text, 0);
    f.finish();
    f.out
}

/// The words of folded text.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

/// The stemmer language for an ISO 639-1 code, if Snowball has one
/// (ar da de el en es fi fr hu it nb/no nl pt ro ru sv ta tr).
///
/// The code may be upper case or carry a region (`de-AT`, `pt_BR`). Nynorsk (`nn`) uses the
/// Norwegian stemmer too.
pub fn stemmer_for(lang: &str) -> Option<Algorithm> {
    let primary = lang.trim().split(['-', '_']).next().unwrap_or("");
    Some(match primary.to_ascii_lowercase().as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "en" => Algorithm::English,
        "es" => Algorithm::Spanish,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nb" | "no" | "nn" => Algorithm::Norwegian,
        "nl" => Algorithm::Dutch,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// A word of folded text: its byte range in the folded text and in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    pub start: usize,
    pub end: usize,
    pub orig_start: usize,
    pub orig_end: usize,
}

/// The folding machine behind [`fold`], one character at a time, so that a word can be folded
/// again alone (to map an offset inside it back to the original text).
pub(crate) struct Folder {
    /// The folded text, once [`finish`](Folder::finish)ed. When `delimited`, it starts with a
    /// space and every word is followed by one (`" led lamp "`), so a pattern `" lam"` can
    /// only match at the start of a word.
    pub out: String,
    /// The folded text while folding: bytes, so ASCII runs are copied without per-character
    /// encoding. Whole characters only, so always UTF-8.
    buf: Vec<u8>,
    /// The words, when recorded.
    pub words: Vec<Word>,
    delimited: bool,
    split_scripts: bool,
    record: bool,
    in_word: bool,
    /// Whether the current word is in a script written without spaces.
    no_space: bool,
    /// The last letter pushed and where, for composing a following kept mark with it.
    last: Option<(usize, char)>,
    /// Where the current word ends in the original text, so far.
    orig_end: usize,
}

impl Folder {
    /// `delimited` and `split_scripts` as for the matcher's page text; words are recorded
    /// only for the delimited form.
    pub fn new(delimited: bool, split_scripts: bool) -> Folder {
        let mut f = Folder {
            out: String::new(),
            buf: Vec::new(),
            words: Vec::new(),
            delimited,
            split_scripts,
            record: delimited,
            in_word: false,
            no_space: false,
            last: None,
            orig_end: 0,
        };
        f.reset();
        f
    }

    /// Empties the folder for another text, keeping its buffers.
    pub fn reset(&mut self) {
        self.buf = std::mem::take(&mut self.out).into_bytes();
        self.buf.clear();
        self.words.clear();
        self.in_word = false;
        self.last = None;
        if self.delimited {
            self.buf.push(b' ');
        }
    }

    /// Makes room for folding `n` more bytes of mostly ASCII text.
    pub fn reserve(&mut self, n: usize) {
        // Folding keeps the length of most text; words are 4 to 6 bytes with their space
        // (a catalogue's `9 W, 806 lm` shorter still), and growing either copies it all.
        self.buf.reserve(n + n / 16 + 2);
        if self.record {
            self.words.reserve(n / 4 + 1);
        }
    }

    /// Bytes folded so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Folds `text`, whose first byte is at `base` in the original text.
    pub fn push_str(&mut self, text: &str, base: usize) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() {
                // Fast path: a run of ASCII letters and digits is copied and lower-cased at once.
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
                    j += 1;
                }
                if self.in_word && self.split_scripts && self.no_space {
                    self.end_word();
                }
                if !self.in_word {
                    self.start_word(base + i);
                    self.no_space = false;
                }
                self.buf
                    .extend(bytes[i..j].iter().map(u8::to_ascii_lowercase));
                self.last = Some((
                    self.buf.len() - 1,
                    char::from(bytes[j - 1].to_ascii_lowercase()),
                ));
                self.orig_end = base + j;
                i = j;
            } else if b.is_ascii() {
                self.separator();
                i += 1;
            } else if (0xC2..=0xDF).contains(&b) && i + 1 < bytes.len() {
                // Fast path for two-byte characters (Latin accents, Greek, Cyrillic, Hebrew,
                // Arabic): most fold to one letter, looked up by code point.
                let cp = (usize::from(b & 0x1F) << 6) | usize::from(bytes[i + 1] & 0x3F);
                match two_byte_table()[cp - 0x80] {
                    SLOW => {
                        let c = char::from_u32(cp as u32).unwrap_or('\u{FFFD}');
                        self.push_char(c, base + i);
                    }
                    SEPARATOR => self.separator(),
                    IGNORED => {
                        if self.in_word {
                            self.orig_end = base + i + 2;
                        }
                    }
                    folded => {
                        let ch = char::from_u32(u32::from(folded)).unwrap_or('\u{FFFD}');
                        self.simple_letter(ch, false, base + i, base + i + 2);
                    }
                }
                i += 2;
            } else if (0xE3..=0xE9).contains(&b) && i + 2 < bytes.len() {
                // Fast path for CJK ideographs: letters as they are, in a script without
                // spaces.
                let cp = (u32::from(b & 0x0F) << 12)
                    | (u32::from(bytes[i + 1] & 0x3F) << 6)
                    | u32::from(bytes[i + 2] & 0x3F);
                let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                if is_ideograph(c) {
                    self.simple_letter(c, true, base + i, base + i + 3);
                } else {
                    self.push_char(c, base + i);
                }
                i += 3;
            } else {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                self.push_char(c, base + i);
                i += c.len_utf8();
            }
        }
    }

    /// Folds one character found at byte `at` of the original text.
    pub fn push_char(&mut self, c: char, at: usize) {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                self.letter(c.to_ascii_lowercase(), at, at + 1);
            } else {
                self.separator();
            }
            return;
        }
        let end = at + c.len_utf8();
        if is_ideograph(c) {
            self.letter(c, at, end);
            return;
        }
        match table_entry(c) {
            Some(Entry::Letters(n, chars)) => {
                for &ch in &chars[..usize::from(n)] {
                    self.letter(ch, at, end);
                }
            }
            Some(Entry::Separator) => self.separator(),
            Some(Entry::Ignored) => {
                if self.in_word {
                    self.orig_end = end;
                }
            }
            Some(Entry::Slow) | None => self.push_char_slow(c, at, end),
        }
    }

    /// The full rules for one non-ASCII character (the table is made with them).
    fn push_char_slow(&mut self, c: char, at: usize, end: usize) {
        if is_ignorable(c) {
            if self.in_word {
                self.orig_end = end;
            }
            return;
        }
        if matches!(c, '\u{2122}' | '\u{2120}') {
            // ™ and ℠ would become the letters "tm" / "sm" glued to the brand before them.
            self.separator();
            return;
        }
        if is_hangul_syllable(c) {
            // NFKC keeps syllables composed; their decomposition would be jamo.
            self.letter(c, at, end);
            return;
        }
        decompose_compatible(c, |d| {
            for l in d.to_lowercase() {
                self.lowered(l, at, end);
            }
        });
    }

    /// Ends the last word and makes `out`.
    pub fn finish(&mut self) {
        if self.in_word {
            self.end_word();
        }
        let buf = std::mem::take(&mut self.buf);
        self.out = String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    }

    fn lowered(&mut self, l: char, at: usize, end: usize) {
        if is_diacritic(l) {
            if self.in_word {
                self.orig_end = end;
            }
        } else if let Some(s) = special(l) {
            for ch in s.chars() {
                self.letter(ch, at, end);
            }
        } else if l.is_alphanumeric() {
            self.letter(l, at, end);
        } else if is_combining_mark(l) {
            if self.in_word {
                self.kept_mark(l, end);
            }
        } else {
            self.separator();
        }
    }

    /// [`letter`](Folder::letter) for a character known to need no folding.
    #[inline(always)]
    fn simple_letter(&mut self, ch: char, no_space: bool, at: usize, end: usize) {
        if self.in_word && self.split_scripts && self.no_space != no_space {
            self.end_word();
        }
        if !self.in_word {
            self.start_word(at);
            self.no_space = no_space;
        }
        self.last = Some((self.buf.len(), ch));
        push_char_bytes(&mut self.buf, ch);
        self.orig_end = end;
    }

    #[inline]
    fn letter(&mut self, ch: char, at: usize, end: usize) {
        let no_space = is_no_space_script(ch);
        if self.in_word && self.split_scripts && no_space != self.no_space {
            self.end_word();
        }
        if !self.in_word {
            self.start_word(at);
            self.no_space = no_space;
        }
        self.last = Some((self.buf.len(), ch));
        push_char_bytes(&mut self.buf, ch);
        self.orig_end = end;
    }

    /// A mark that is part of the letter before it (a vowel sign, a voicing mark).
    fn kept_mark(&mut self, m: char, end: usize) {
        self.orig_end = end;
        if let Some((pos, base)) = self.last
            && let Some(composed) = compose(base, m)
        {
            self.buf.truncate(pos);
            push_char_bytes(&mut self.buf, composed);
            self.last = Some((pos, composed));
            return;
        }
        self.last = None;
        push_char_bytes(&mut self.buf, m);
    }

    fn separator(&mut self) {
        if self.in_word {
            self.end_word();
        }
    }

    fn start_word(&mut self, at: usize) {
        if !self.delimited && !self.buf.is_empty() {
            self.buf.push(b' ');
        }
        self.in_word = true;
        self.orig_end = at;
        if self.record {
            // Recorded now and finished by `end_word` with stores only: building the word
            // there from fields just written stalls on store forwarding.
            self.words.push(Word {
                start: self.buf.len(),
                end: self.buf.len(),
                orig_start: at,
                orig_end: at,
            });
        }
    }

    fn end_word(&mut self) {
        self.in_word = false;
        self.last = None;
        if self.record
            && let Some(word) = self.words.last_mut()
        {
            word.end = self.buf.len();
            word.orig_end = self.orig_end;
        }
        if self.delimited {
            self.buf.push(b' ');
        }
    }
}

/// Appends a character's UTF-8 bytes (without a `memcpy` call for two or three bytes).
#[inline]
fn push_char_bytes(buf: &mut Vec<u8>, ch: char) {
    let mut bytes = [0; 4];
    for &b in ch.encode_utf8(&mut bytes).as_bytes() {
        buf.push(b);
    }
}

/// How a character folds, precomputed for the blocks most pages are written in (Latin,
/// Greek, Cyrillic, Hebrew, Arabic, punctuation and currency signs, CJK punctuation, kana,
/// full-width forms): a page in Russian is 30,000 of them, and the full rules cost ~100 ns a
/// character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// Becomes these letters (up to three: `ß` → `ss`, `㎏` is not in a table block).
    Letters(u8, [char; 3]),
    /// Ends a word.
    Separator,
    /// Vanishes (an accent on its own, a soft hyphen).
    Ignored,
    /// Needs the full rules (combining marks that are kept, mixed results).
    Slow,
}

const TABLE_BLOCKS: [(char, char); 4] = [
    ('\u{0080}', '\u{07FF}'),
    // Latin and Greek with several accents, then dashes, quotes, bullets, the spaces of
    // typesetting, super- and subscripts and currency signs (`–`, `“`, `•`, `€`).
    ('\u{1E00}', '\u{20CF}'),
    ('\u{3000}', '\u{30FF}'),
    ('\u{FF00}', '\u{FFEF}'),
];

#[inline]
fn table_entry(c: char) -> Option<Entry> {
    static TABLE: OnceLock<Vec<Entry>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        TABLE_BLOCKS
            .iter()
            .flat_map(|&(lo, hi)| lo..=hi)
            .map(entry_for)
            .collect()
    });
    let mut base = 0;
    for &(lo, hi) in &TABLE_BLOCKS {
        if c < lo {
            return None;
        }
        if c <= hi {
            return table.get(base + (c as usize - lo as usize)).copied();
        }
        base += hi as usize - lo as usize + 1;
    }
    None
}

/// Codes of [`two_byte_table`] that are not a letter.
const SLOW: u16 = 0;
const SEPARATOR: u16 = 1;
const IGNORED: u16 = 2;

/// For U+0080..U+07FF: the one letter (below U+0800, outside scripts without spaces) a
/// character folds to, or `SLOW`, `SEPARATOR`, `IGNORED`.
fn two_byte_table() -> &'static [u16] {
    static TABLE: OnceLock<Vec<u16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        ('\u{0080}'..='\u{07FF}')
            .map(|c| match table_entry(c) {
                Some(Entry::Letters(1, [ch, ..])) if (ch as u32) < 0x800 && ch as u32 > 2 => {
                    ch as u16
                }
                Some(Entry::Separator) => SEPARATOR,
                Some(Entry::Ignored) => IGNORED,
                _ => SLOW,
            })
            .collect()
    })
}

/// Folds `a`, `c`, `a` with the full rules and reads what `c` became.
fn entry_for(c: char) -> Entry {
    let mut f = Folder::new(false, false);
    f.letter('a', 0, 1);
    f.push_char_slow(c, 1, 2);
    f.letter('a', 2, 3);
    f.finish();
    let Some(middle) = f.out.strip_prefix('a').and_then(|m| m.strip_suffix('a')) else {
        return Entry::Slow;
    };
    match middle {
        "" => return Entry::Ignored,
        " " => return Entry::Separator,
        _ => {}
    }
    let chars: Vec<char> = middle.chars().collect();
    if chars.len() > 3 || chars.iter().any(|&ch| ch == ' ' || is_combining_mark(ch)) {
        return Entry::Slow;
    }
    let mut out = ['\0'; 3];
    out[..chars.len()].copy_from_slice(&chars);
    Entry::Letters(chars.len() as u8, out)
}

/// The word as a stemmer wants it: NFKC and lower case but with its accents (Snowball's
/// rules know `ü`, `ı`, `é` …). `folded` is the same word folded; it is used as is for ASCII
/// words and when the original does not read as one word.
pub(crate) fn stem_input<'a>(original: &str, folded: &'a str, buf: &'a mut String) -> &'a str {
    if original.is_ascii() {
        return folded;
    }
    buf.clear();
    for c in original.nfkc() {
        match c {
            'İ' => buf.push('i'),
            'Ё' | 'ё' => buf.push('е'),
            c if is_ignorable(c) => {}
            c if c.is_alphanumeric() || is_combining_mark(c) => buf.extend(c.to_lowercase()),
            _ => return folded,
        }
    }
    buf
}

/// Letters with no decomposition that are still "a letter with an accent" for a buyer typing
/// a query, and letters whose folded form is more than one letter.
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'ø' => "o",
        'œ' => "oe",
        'ł' => "l",
        'đ' => "d",
        'ð' => "d",
        'þ' => "th",
        'ħ' => "h",
        'ŧ' => "t",
        'ı' => "i",
        'ё' => "е",
        'ς' => "σ",
        _ => return None,
    })
}

/// Combining marks that are accents (dropped), as opposed to vowel signs of scripts whose
/// letters would change meaning without them (kept).
fn is_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'   // combining diacritical marks (Latin, Greek, Cyrillic)
        | '\u{0483}'..='\u{0489}' // Cyrillic
        | '\u{0591}'..='\u{05BD}' | '\u{05BF}' | '\u{05C1}'..='\u{05C2}'
        | '\u{05C4}'..='\u{05C5}' | '\u{05C7}' // Hebrew points
        | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}' | '\u{06DF}'..='\u{06E4}' | '\u{06E7}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}' // Arabic vowel points and Quranic marks
        | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Characters that vanish inside a word: soft hyphen, zero-width (non-)joiner, word joiner,
/// byte order mark, Arabic tatweel, Mongolian vowel separator.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{0640}' | '\u{180E}'
    )
}

/// CJK ideographs: letters with no decomposition and no case.
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Scripts written without spaces between words (or, for Korean, with particles glued to
/// them): terms in them are matched as substrings.
pub(crate) fn is_no_space_script(c: char) -> bool {
    c >= '\u{0E00}'
        && matches!(c,
        '\u{0E00}'..='\u{0EFF}'   // Thai, Lao
        | '\u{0F00}'..='\u{0FFF}' // Tibetan
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1100}'..='\u{11FF}' // Hangul jamo
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{3005}'..='\u{3007}' // 々 〆 〇
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}' // Hangul compatibility jamo
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' // CJK ideographs
        | '\u{A960}'..='\u{A97F}' | '\u{AC00}'..='\u{D7FF}' // Hangul
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9F}' // half-width katakana
        | '\u{20000}'..='\u{3FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(fold("  LED-Lampen, 230 V!  "), "led lampen 230 v");
        assert_eq!(fold("Ürünler"), fold("urunler"));
        assert_eq!(fold("Ürünler"), "urunler");
        assert_eq!(fold("Żarówka"), "zarowka");
        assert_eq!(
            fold("Straße Æble Øl Œuvre Łódź Đak ılık"),
            "strasse aeble ol oeuvre lodz dak ilik"
        );
        assert_eq!(fold("Ёлка ЙОД"), "елка иод");
        assert_eq!(fold("ΛΆΜΠΕΣ"), "λαμπεσ");
        assert_eq!(fold("café"), fold("cafe\u{301}"));
    }

    #[test]
    fn nfkc_and_special_characters() {
        assert_eq!(fold("ＬＥＤ　ランプ"), "led ランプ");
        assert_eq!(fold("ﬁlter"), "filter");
        assert_eq!(fold("Philips™ bulbs"), "philips bulbs");
        assert_eq!(fold("Lam\u{ad}pe"), "lampe");
        assert_eq!(fold("ｶﾞﾗｽ"), "ガラス");
        assert_eq!(fold("가\u{1100}"), "가\u{1100}");
        assert_eq!(fold("हिन्दी"), "हिन्दी");
        assert_eq!(fold("LED灯泡"), "led灯泡");
    }

    #[test]
    fn empty_and_garbage() {
        assert_eq!(fold(""), "");
        assert_eq!(fold("—…!!! \u{301}\u{301} \u{0}"), "");
        assert_eq!(words("").count(), 0);
        assert_eq!(words(&fold("a, b")).collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn delimited_words_record_original_ranges() {
        let text = "Wir verkaufen LED灯泡, Café";
        let mut f = Folder::new(true, true);
        f.push_str(text, 0);
        f.finish();
        assert_eq!(f.out, " wir verkaufen led 灯泡 cafe ");
        let orig: Vec<&str> = f
            .words
            .iter()
            .map(|w| &text[w.orig_start..w.orig_end])
            .collect();
        assert_eq!(orig, ["Wir", "verkaufen", "LED", "灯泡", "Café"]);
        let folded: Vec<&str> = f.words.iter().map(|w| &f.out[w.start..w.end]).collect();
        assert_eq!(folded, ["wir", "verkaufen", "led", "灯泡", "cafe"]);
    }

    #[test]
    fn table_agrees_with_the_full_rules() {
        for &(lo, hi) in &TABLE_BLOCKS {
            for c in lo..=hi {
                for text in [format!("x{c}y"), format!("{c}"), format!("1 {c}{c}")] {
                    let mut fast = Folder::new(true, true);
                    fast.push_str(&text, 0);
                    fast.finish();
                    let mut slow = Folder::new(true, true);
                    for (i, ch) in text.char_indices() {
                        if ch.is_ascii() {
                            slow.push_char(ch, i);
                        } else {
                            slow.push_char_slow(ch, i, i + ch.len_utf8());
                        }
                    }
                    slow.finish();
                    assert_eq!(fast.out, slow.out, "{c:?}");
                    assert_eq!(fast.words, slow.words, "{c:?}");
                }
            }
        }
    }

    #[test]
    fn stemmer_languages() {
        assert_eq!(stemmer_for("de"), Some(Algorithm::German));
        assert_eq!(stemmer_for("PT-br"), Some(Algorithm::Portuguese));
        assert_eq!(stemmer_for("nb"), Some(Algorithm::Norwegian));
        assert_eq!(stemmer_for("pl"), None);
        assert_eq!(stemmer_for(""), None);
    }

    #[test]
    fn stem_input_keeps_accents() {
        let mut buf = String::new();
        assert_eq!(stem_input("Ürünler", "urunler", &mut buf), "ürünler");
        assert_eq!(stem_input("LED", "led", &mut buf), "led");
        assert_eq!(stem_input("İstanbul", "istanbul", &mut buf), "istanbul");
    }
}
