//! The words that name the pages of a company site (`reference::PageWords`, from
//! `query-templates/data/page-words.yaml`) folded into a [`Lexicon`], and the classification of
//! links by them.

use url::Url;

use crate::reference::page_words::{ByLanguage, PageWords};

use super::{LABEL_BONUS, PageKind, TEXT_MATCH, URL_MATCH};

/// A keyword list folded once: the words as a phrase, and with the spaces removed
/// (`about us` also matches the URL segment `aboutus`).
struct Keywords {
    phrases: Vec<String>,
    compact: Vec<String>,
}

impl Keywords {
    /// The words of every language of a list, folded with [`fold`] (so accents and case
    /// don't matter), without empty and repeated ones.
    fn new(list: &ByLanguage) -> Keywords {
        let mut phrases: Vec<String> = list
            .values()
            .flatten()
            .map(|w| fold(w))
            .filter(|w| !w.is_empty())
            .collect();
        phrases.sort();
        phrases.dedup();
        let compact = phrases.iter().map(|p| p.replace(' ', "")).collect();
        Keywords { phrases, compact }
    }

    /// Whether one of the keywords occurs in `text` (folded) on word boundaries; `Some(true)`
    /// when one is the whole text.
    fn find_in(&self, text: &str) -> Option<bool> {
        let mut found = None;
        for p in &self.phrases {
            if p == text {
                return Some(true);
            }
            if found.is_none() && contains_words(text, p) {
                found = Some(false);
            }
        }
        found
    }

    /// Whether one of the keywords occurs in a folded URL part, as words or written together.
    fn in_url_part(&self, part: &str) -> bool {
        if self.find_in(part).is_some() {
            return true;
        }
        let compact = part.replace(' ', "");
        !compact.is_empty() && self.compact.contains(&compact)
    }
}

/// The page words (`page-words.yaml`, or a `--templates` folder's), folded, ready for
/// [`classify`]: built once per run from the catalogue's [`PageWords`].
pub struct Lexicon {
    /// In pick order (Products, Contact, About, Legal): on a tie the earlier kind wins.
    kinds: Vec<(PageKind, Keywords)>,
    privacy: Keywords,
    unwanted: Keywords,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon").finish_non_exhaustive()
    }
}

impl Lexicon {
    pub fn new(words: &PageWords) -> Lexicon {
        Lexicon {
            kinds: vec![
                (PageKind::Products, Keywords::new(&words.products)),
                (PageKind::Contact, Keywords::new(&words.contact)),
                (PageKind::About, Keywords::new(&words.about)),
                (PageKind::Legal, Keywords::new(&words.legal)),
            ],
            privacy: Keywords::new(&words.privacy),
            unwanted: Keywords::new(&words.skip),
        }
    }
}

impl Lexicon {
    /// The built-in page words, folded.
    pub fn builtin() -> Lexicon {
        Lexicon::new(&PageWords::builtin())
    }
}

/// The kind of page a link leads to and its score, or `None` when it is none of them or is
/// an unwanted page (login, cart, privacy, jobs).
pub(super) fn classify(labels: &[String], url: &Url, lex: &Lexicon) -> Option<(PageKind, u32)> {
    let labels: Vec<String> = labels.iter().map(|l| fold(l)).collect();
    let parts = url_parts(url);

    let mut best: Option<(PageKind, u32, bool)> = None;
    for (kind, words) in &lex.kinds {
        let text = labels
            .iter()
            .filter_map(|l| words.find_in(l))
            .map(|whole| TEXT_MATCH + if whole { LABEL_BONUS } else { 0 })
            .max()
            .unwrap_or(0);
        let in_url = if parts.iter().any(|p| words.in_url_part(p)) {
            URL_MATCH
        } else {
            0
        };
        let score = text + in_url;
        // Kinds are listed in pick order, so on a tie the earlier one stays.
        if score > 0 && best.is_none_or(|(_, s, _)| score > s) {
            best = Some((*kind, score, text > 0));
        }
    }
    let (kind, score, kind_in_text) = best?;

    // An unwanted page named in the link text is skipped unless the text also names the page
    // as an exempt kind (`Kontakt & Karriere`); named only in the URL, it is skipped unless
    // the link is of an exempt kind.
    let blocked = |words: &Keywords, exempt: bool| {
        let in_text = labels.iter().any(|l| words.find_in(l).is_some());
        if exempt {
            in_text && !kind_in_text
        } else {
            in_text || parts.iter().any(|p| words.find_in(p).is_some())
        }
    };
    let unwanted = blocked(&lex.unwanted, kind == PageKind::Contact)
        || blocked(
            &lex.privacy,
            matches!(kind, PageKind::Contact | PageKind::Legal),
        );
    (!unwanted).then_some((kind, score))
}

/// Extensions of web pages, dropped from a path segment before its words are read.
const PAGE_EXTENSIONS: &[&str] = &[
    "html", "htm", "shtml", "xhtml", "php", "php5", "asp", "aspx", "jsp", "jspx", "cfm", "do",
    "cgi", "pl",
];

/// The words of a URL, folded: each path segment (percent-decoded, page extension dropped)
/// and each query value (or key without value).
fn url_parts(url: &Url) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(segments) = url.path_segments() {
        for seg in segments {
            let seg = percent_decode(seg);
            let seg = match seg.rsplit_once('.') {
                Some((stem, ext))
                    if PAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) =>
                {
                    stem.to_string()
                }
                _ => seg,
            };
            let folded = fold(&seg);
            if !folded.is_empty() {
                parts.push(folded);
            }
        }
    }
    for (key, value) in url.query_pairs() {
        let word = if value.is_empty() { key } else { value };
        let folded = fold(&word);
        if !folded.is_empty() {
            parts.push(folded);
        }
    }
    parts
}

/// `%D0%BE` → `о`; invalid escapes are kept as they are, invalid UTF-8 replaced.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16)),
                bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Text as words for matching: Unicode lower case, accents folded (`Über` → `uber`,
/// `İletişim` → `iletisim`), everything but letters and digits turned into single spaces.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue; // combining accents (decomposed text, the dot of a lower-cased `İ`)
        }
        if c.is_alphanumeric() {
            match fold_letter(c) {
                Some(f) => out.push_str(f),
                None => out.push(c),
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The plain letters for an accented lower-case Latin letter (and `ё`).
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'į' | 'ı' => "i",
        'ĺ' | 'ļ' | 'ľ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ё' => "е",
        _ => return None,
    })
}

/// Whether `phrase` occurs in `text` as whole words (both folded: words separated by one space).
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let end = i + phrase.len();
        (i == 0 || text.as_bytes()[i - 1] == b' ')
            && (end == text.len() || text.as_bytes()[end] == b' ')
    })
}

#[cfg(test)]
mod tests {
    use super::super::PICK_ORDER;
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold("  Über  UNS! "), "uber uns");
        assert_eq!(fold("İLETİŞİM"), "iletisim");
        assert_eq!(fold("Qui sommes-nous ?"), "qui sommes nous");
        assert_eq!(fold("Ёлки"), "елки");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Informacje prawne – Łódź"), "informacje prawne lodz");
        assert_eq!(fold("Cafe\u{301}"), "cafe");
    }

    #[test]
    fn keyword_lists_are_read_per_language() {
        let words = PageWords::builtin();
        let products = Keywords::new(&words.products);
        for w in [
            "products",
            "produktubersicht",
            "urunler",
            "каталог",
            "brendy",
        ] {
            assert!(products.phrases.iter().any(|p| p == w), "{w}");
        }
        let all = [&words.products, &words.about, &words.contact, &words.legal];
        for list in all.into_iter().chain([&words.privacy, &words.skip]) {
            let k = Keywords::new(list);
            assert!(
                k.phrases
                    .iter()
                    .all(|p| !p.starts_with("en ") && !p.starts_with("de "))
            );
        }
        assert_eq!(Lexicon::builtin().kinds.len(), PICK_ORDER.len());
    }

    #[test]
    fn built_in_page_words_parse() {
        let words = PageWords::builtin();
        let lists = [
            ("products", &words.products),
            ("about", &words.about),
            ("contact", &words.contact),
            ("legal", &words.legal),
            ("privacy", &words.privacy),
            ("skip", &words.skip),
        ];
        for (name, list) in lists {
            assert!(!list.is_empty(), "{name}: no languages");
            for (code, words) in list {
                assert!(
                    code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()),
                    "{name}: `{code}` is not an ISO 639-1 code"
                );
                assert!(!words.is_empty(), "{name}.{code}: no words");
                for w in words {
                    assert!(!fold(w).is_empty(), "{name}.{code}: `{w}` has no letters");
                }
            }
        }
        // The built-in lexicon is made of the built-in lists.
        let lexicon = Lexicon::builtin();
        assert_eq!(
            lexicon.kinds[0].1.phrases,
            Keywords::new(&words.products).phrases
        );
        assert_eq!(lexicon.unwanted.phrases, Keywords::new(&words.skip).phrases);
    }

    #[test]
    fn page_words_are_checked_and_normalised_on_load() {
        // A minimal file: every page kind with one English word, then `extra`.
        let file = |extra: &str| {
            let mut yaml = String::new();
            for kind in ["products", "about", "contact", "legal", "privacy", "skip"] {
                yaml.push_str(&format!("{kind}:\n  en: [x]\n"));
            }
            yaml + extra
        };
        let error = |yaml: &str| PageWords::parse(yaml).unwrap_err().to_string();
        assert!(PageWords::parse(&file("")).is_ok());
        assert!(error(&file("prices:\n  en: [price list]\n")).contains("unknown field `prices`"));
        assert!(error("products:\n  en: [products]\n").contains("missing field `about`"));
        let twice = file("").replacen("  en: [x]\n", "  en: [a]\n  en: [b]\n", 1);
        assert!(error(&twice).contains("duplicate"));
        assert!(PageWords::parse(&file("").replacen("[x]", "products", 1)).is_err());

        let yaml = file("").replacen(
            "en: [x]",
            "de: [Über Uns, Produkt-Übersicht, \"\", ÜBER UNS]",
            1,
        );
        let words = PageWords::parse(&yaml).unwrap();
        let k = Keywords::new(&words.products);
        assert_eq!(k.phrases, ["produkt ubersicht", "uber uns"]);
        assert_eq!(k.find_in("uber uns"), Some(true));
        assert!(k.in_url_part("uberuns"));
    }
}
