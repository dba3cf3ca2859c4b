//! Facts about a company from its pages: its name, what kind of buyer it is, its country
//! (with the reason), and where to reach it.

use std::collections::BTreeMap;

use super::words::Words;
use crate::normalize::fold;
use crate::reference::lang::WordIndex;
use crate::reference::{GradingWords, LangData};

/// The sheet's customer type for a dictionary type.
fn sheet_type(dictionary: &str) -> Option<&'static str> {
    Some(match dictionary {
        "importer" => "importer",
        "distributor" => "distributor",
        "wholesaler" => "wholesaler",
        "retailer" | "dealer" | "vendor" => "retailer",
        "manufacturer" => "manufacturer",
        "agent" => "agent",
        "supplier" => "wholesaler",
        _ => return None,
    })
}

/// Which type wins a tie: the more specific trade roles first.
const TYPE_ORDER: [&str; 8] = [
    "importer",
    "distributor",
    "wholesaler",
    "manufacturer",
    "agent",
    "retailer",
    "contractor",
    "end_user",
];

/// The customer-type words (in every language of the dictionary, plus the `contractor` and
/// `end_user` words of `grading-words.yaml`), folded, tagged with the sheet's type.
pub(crate) fn type_index(extra: &GradingWords, lang: &LangData) -> WordIndex {
    let mut pairs = Vec::new();
    for (kind, langs) in &lang.customer_types {
        let Some(t) = sheet_type(kind) else { continue };
        for words in langs.values() {
            pairs.extend(words.iter().map(|w| (fold(w), t.to_string())));
        }
    }
    for (words, t) in [
        (&extra.contractor, "contractor"),
        (&extra.end_user, "end_user"),
    ] {
        pairs.extend(words.iter().map(|w| (fold(w), t.to_string())));
    }
    pairs.retain(|(w, _)| w.len() >= 3);
    WordIndex::new(pairs)
}

/// How the company describes itself: the customer-type words counted in its own text; the
/// most frequent wins.
pub fn customer_type(text: &str, words: &Words) -> Option<String> {
    let index = &words.types;
    let folded = format!(" {} ", fold(text));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in index.automaton.find_overlapping_iter(&folded) {
        let word = &index.words[m.pattern().as_usize()];
        if on_word(&folded, m.start(), m.end(), word) {
            *counts
                .entry(index.tags[m.pattern().as_usize()].as_str())
                .or_default() += 1;
        }
    }
    let best = counts.values().copied().max()?;
    TYPE_ORDER
        .iter()
        .find(|t| counts.get(*t) == Some(&best))
        .map(|t| t.to_string())
}

/// Whether a match starts a word and ends one — or, for words of 6+ letters, ends at most
/// three letters short of the word's end (inflections: importeur → importeure, importeurs).
fn on_word(haystack: &str, start: usize, end: usize, word: &str) -> bool {
    let before = haystack[..start]
        .chars()
        .next_back()
        .is_none_or(|c| c == ' ');
    let tail = haystack[end..].chars().take_while(|c| *c != ' ').count();
    before && (tail == 0 || (word.chars().count() >= 6 && tail <= 3))
}

/// Where a line is cut into parts that may each hold a name.
const PARTS: [char; 4] = ['|', '·', '•', ','];
/// Words before a colon that can be a label (`Délégué à la protection des données :`), and
/// words of a heading line of its own (`Hébergement du site`).
const MAX_LABEL_WORDS: usize = 6;
/// Lines of the legal notice passed over under a heading that names another party
/// (`Hosting`), at most: up to and including the first that holds a legal name.
const UNDER_OTHER_PARTY: usize = 4;

/// Legal names read before the first that resembles the domain is taken as it is.
const MAX_LEGAL_NAMES: usize = 20;

/// The registered name: a line of the legal notice, footer, contact or about page ending in
/// a legal form ("Lampen Import GmbH"), else the site's name, else a part of the title.
///
/// Of several legal names the first that resembles the domain wins (`IOSAFE, INC.` on
/// iosafe.com, not `BUT NOT LIMITED` of the terms before it), else the first; of the names
/// without a legal form, the site's name or the title's part that resembles the domain
/// (`… | Limoges Jewelry` on limogesjewelry.com), else the site's name, else the title's
/// first part.
///
/// Lines that name another party (the web host, designer, data-protection officer: the
/// `other_party_*` words of `grading-words.yaml`) are passed over, and in the legal notice
/// also the lines under such a heading.
pub fn company_name(
    domain: &str,
    legal_text: &str,
    signed_text: &str,
    site_name: Option<&str>,
    title: &str,
    words: &Words,
) -> Option<String> {
    let legal = legal_names(legal_text, signed_text, words);
    if let Some(name) = legal
        .iter()
        .find(|n| resembles(n, domain, words))
        .or(legal.first())
    {
        return Some(name.clone());
    }
    let site_name = site_name.filter(|n| !n.is_empty());
    let parts: Vec<&str> = title
        .split(['|', '–', '—', ':', '·'])
        .chain(title.split(" - "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(n) = site_name
        .into_iter()
        .chain(parts.iter().copied())
        .find(|n| resembles(n, domain, words))
    {
        return Some(n.to_string());
    }
    site_name.or(parts.first().copied()).map(str::to_string)
}

/// The legal names of the legal notice, then of the other texts, in order (at most
/// [`MAX_LEGAL_NAMES`]).
fn legal_names(legal_text: &str, signed_text: &str, words: &Words) -> Vec<String> {
    let mut out = Vec::new();
    for (text, headings) in [(legal_text, true), (signed_text, false)] {
        let mut under_other_party = 0;
        for line in text.lines() {
            if out.len() >= MAX_LEGAL_NAMES {
                return out;
            }
            let parts = parts(line, words);
            if under_other_party > 0 {
                under_other_party -= 1;
                if parts.iter().any(|p| legal_name(p, words).is_some()) {
                    under_other_party = 0;
                }
                continue;
            }
            if headings && other_party_heading(line, words) {
                under_other_party = UNDER_OTHER_PARTY;
                continue;
            }
            out.extend(parts.iter().filter_map(|p| publisher_name(p, words)));
        }
    }
    out
}

/// A line cut at [`PARTS`], but a part that begins with a legal form stays with the name
/// before it (`ioSafe, Inc.`, `Ventoinhas Norte, Lda.`, `Caltron Industries, Inc. will …`).
fn parts<'a>(line: &'a str, words: &Words) -> Vec<std::borrow::Cow<'a, str>> {
    let mut out: Vec<std::borrow::Cow<'a, str>> = Vec::new();
    for part in line.split(PARTS) {
        let folded = fold(part);
        let first: Vec<&str> = folded.split_whitespace().take(3).collect();
        let joins = (1..=first.len()).any(|n| words.legal_forms.contains(&first[..n].join(" ")));
        match out.last_mut() {
            Some(last) if joins => {
                *last = std::borrow::Cow::Owned(format!("{last},{part}"));
            }
            _ => out.push(std::borrow::Cow::Borrowed(part)),
        }
    }
    out
}

/// Whether a name resembles the domain: one of its words of four letters or more (not a
/// legal form) is in the domain's name, or its words written together are
/// (`Caltron Industries, Inc.` on caltronind.com, `Limoges Jewelry` on limogesjewelry.com).
fn resembles(name: &str, domain: &str, words: &Words) -> bool {
    let label = domain
        .trim_start_matches("www.")
        .split('.')
        .next()
        .unwrap_or_default()
        .replace('-', "");
    if label.len() < 3 {
        return false;
    }
    let folded = fold(name);
    let own: Vec<&str> = folded
        .split_whitespace()
        .filter(|w| !words.legal_forms.contains(*w))
        .collect();
    let joined = own.concat();
    (joined.len() >= 3 && (label.contains(&joined) || joined.contains(&label)))
        || own
            .iter()
            .any(|w| w.chars().count() >= 4 && label.contains(*w))
}

/// A part of a line split at its first colon, when what comes before can be a label:
/// `Hébergeur : OVH SAS` → (`Hébergeur `, ` OVH SAS`).
fn split_label(part: &str) -> Option<(&str, &str)> {
    let (i, colon) = part.char_indices().find(|(_, c)| matches!(c, ':' | '：'))?;
    let label = &part[..i];
    let words = label.split_whitespace().count();
    (1..=MAX_LABEL_WORDS)
        .contains(&words)
        .then(|| (label, &part[i + colon.len_utf8()..]))
}

/// A line that only names another party, heading what follows: `Hébergeur :`, `Hosting`,
/// `Hébergement du site`, `Datenschutzbeauftragter`.
fn other_party_heading(line: &str, lists: &Words) -> bool {
    let (label, rest) = split_label(line).unwrap_or((line, ""));
    let words: Vec<&str> = label.split_whitespace().collect();
    rest.trim().is_empty()
        && words.len() <= MAX_LABEL_WORDS
        && legal_name(label, lists).is_none()
        && (lists.other_party_labels.first_in(&words).is_some()
            || lists.other_party_phrases.first_in(&words).is_some())
}

/// The company's legal name in one part of a line, without what names another party: the
/// part is read up to an other-party phrase (`© Lampen GmbH – Hosted by Strato AG`), and up
/// to an other-party word in its label (`Hébergeur : OVH SAS`); another label is dropped
/// (`Éditeur du site : Éclairage Pro SARL` → `Éclairage Pro SARL`).
fn publisher_name(part: &str, lists: &Words) -> Option<String> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let end = lists
        .other_party_phrases
        .first_in(&words)
        .unwrap_or(words.len());
    let part = words[..end].join(" ");
    let Some((label, rest)) = split_label(&part) else {
        return legal_name(&part, lists);
    };
    let label: Vec<&str> = label.split_whitespace().collect();
    match lists.other_party_labels.first_in(&label) {
        Some(i) => legal_name(&label[..i].join(" "), lists),
        None => legal_name(rest, lists).or_else(|| legal_name(&part, lists)),
    }
}

/// A legal name inside a piece of text: words up to and including a legal form.
fn legal_name(part: &str, lists: &Words) -> Option<String> {
    legal_name_in(part, &lists.legal_forms)
}

/// [`legal_name`] with a set of folded legal forms.
pub(crate) fn legal_name_in(
    part: &str,
    legal_forms: &std::collections::HashSet<String>,
) -> Option<String> {
    let words: Vec<&str> = part
        .split_whitespace()
        .skip_while(|w| copyright_word(w))
        .collect();
    let words: Vec<&str> = words
        .iter()
        .map(|w| w.trim_start_matches(['©', '(', ')']))
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 2 {
        return None;
    }
    // A short line is read from its end (the name is all of it up to the last legal form);
    // a sentence only at its start.
    let ends: Vec<usize> = if words.len() <= MAX_NAME_WORDS {
        (1..words.len()).rev().collect()
    } else {
        (1..SENTENCE_NAME_WORDS).collect()
    };
    for end in ends {
        // A name ends on a word, not on a dash (`Adeyemi Lighting Ltd – Lagos`).
        if !words[end].chars().any(char::is_alphanumeric) {
            continue;
        }
        // The last 1–4 words may be the legal form.
        for form_len in 1..=4.min(end) {
            let written = &words[end + 1 - form_len..=end];
            let form: String = fold(&written.join(" "));
            if legal_forms.contains(&form)
                && !plain_word(written)
                && !(all_small(&words[..end + 1 - form_len]) && all_small(written))
            {
                let name = words[..=end].join(" ");
                let name = name.trim_end_matches([',', '.', ';', ':']).to_string();
                return Some(name);
            }
        }
    }
    None
}

/// Words a line may have for its whole to be a name; a longer line is a sentence.
const MAX_NAME_WORDS: usize = 12;
/// In a sentence the legal form is among the first words (`Caltron Industries, Inc. will
/// require …`).
const SENTENCE_NAME_WORDS: usize = 6;

/// A word of a copyright line before the name: `©`, `(c)`, `Copyright`, a year, `2002-2016`.
fn copyright_word(w: &str) -> bool {
    w == "©"
        || w.eq_ignore_ascii_case("(c)")
        || w.eq_ignore_ascii_case("copyright")
        || w.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '–' | '©' | ',' | '.'))
}

/// Words written all in small letters (`but not limited`): in a name, at least the name or
/// its legal form has a capital.
fn all_small(words: &[&str]) -> bool {
    words
        .iter()
        .flat_map(|w| w.chars())
        .filter(|c| c.is_alphabetic())
        .all(char::is_lowercase)
}

/// A legal form of two letters written small and without dots is a word (`ab`, `as`, `se`
/// in a sentence), not `AB`, `AS`, `SE`.
fn plain_word(written: &[&str]) -> bool {
    matches!(written, [w] if w.chars().count() <= 2 && w.chars().all(char::is_lowercase))
}

/// Top-level domains that are country codes in form only (used worldwide).
const GENERIC_CC_TLDS: [&str; 10] = ["io", "co", "tv", "me", "ai", "ly", "gg", "cc", "fm", "ws"];

/// The country, with the reason, in order of trust: the domain's country code, a country
/// named in the address (legal notice, contact page, footer), the phone numbers' prefix,
/// then the page language where one country speaks it.
pub fn country(
    domain: &str,
    address_text: &str,
    phones: &[String],
    page_lang: Option<&str>,
    lang: &LangData,
) -> Option<(String, String)> {
    let tld = domain.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
    let tld = if tld == "UK" { "GB".to_string() } else { tld };
    if tld.len() == 2
        && lang.countries.contains_key(&tld)
        && !GENERIC_CC_TLDS.contains(&tld.to_ascii_lowercase().as_str())
    {
        return Some((tld.clone(), format!("domain .{}", tld.to_ascii_lowercase())));
    }
    if let Some(found) = country_in_address(address_text, lang) {
        return Some(found);
    }
    for p in phones {
        if let Some((cc, code)) = country_of_phone(p) {
            return Some((cc, format!("phone +{code}")));
        }
    }
    let by_lang = match page_lang? {
        "pl" => "PL",
        "tr" => "TR",
        "ja" => "JP",
        "ko" => "KR",
        "vi" => "VN",
        "cs" => "CZ",
        "sk" => "SK",
        "hu" => "HU",
        "ro" => "RO",
        "bg" => "BG",
        "el" => "GR",
        "da" => "DK",
        "fi" => "FI",
        "nb" | "no" => "NO",
        "sv" => "SE",
        "uk" => "UA",
        "lt" => "LT",
        "lv" => "LV",
        "et" => "EE",
        "he" => "IL",
        "th" => "TH",
        "it" => "IT",
        "nl" => "NL",
        "id" => "ID",
        "hr" => "HR",
        "sl" => "SI",
        _ => return None,
    };
    Some((
        by_lang.to_string(),
        format!("language {}", page_lang.unwrap_or_default()),
    ))
}

/// The countries whose numbers a page in this language most likely shows, most likely first
/// (guesses for reading national phone numbers, which must then be valid there).
pub fn countries_of_language(lang: &str) -> &'static [&'static str] {
    match lang {
        "de" => &["DE", "AT", "CH"],
        "fr" => &["FR", "BE", "CH", "CA", "MA", "SN", "CI"],
        "es" => &["ES", "MX", "AR", "CO", "CL", "PE"],
        "it" => &["IT", "CH"],
        "pt" => &["PT", "BR", "AO", "MZ"],
        "nl" => &["NL", "BE"],
        "en" => &["GB", "US", "IE", "AU", "CA", "NZ", "ZA", "IN", "NG", "KE"],
        "ar" => &["AE", "SA", "EG", "MA", "JO", "KW", "QA"],
        "ru" => &["RU", "KZ", "BY"],
        "pl" => &["PL"],
        "tr" => &["TR"],
        "ja" => &["JP"],
        "ko" => &["KR"],
        "vi" => &["VN"],
        "id" => &["ID"],
        "cs" => &["CZ"],
        "sk" => &["SK"],
        "hu" => &["HU"],
        "ro" => &["RO", "MD"],
        "bg" => &["BG"],
        "el" => &["GR", "CY"],
        "da" => &["DK"],
        "fi" => &["FI"],
        "nb" | "no" => &["NO"],
        "sv" => &["SE"],
        "uk" => &["UA"],
        "he" => &["IL"],
        "th" => &["TH"],
        "zh" => &["CN", "TW", "HK"],
        _ => &[],
    }
}

/// Countries the site names in its title, header or footer ("Kenya Biz Directory"), most
/// often named first: candidates for reading national phone numbers.
pub fn countries_named(text: &str, lang: &LangData) -> Vec<String> {
    let index = country_index(lang);
    let folded = format!(" {} ", fold(text));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in index.automaton.find_overlapping_iter(&folded) {
        if whole_word(&folded, m.start(), m.end()) {
            *counts
                .entry(index.tags[m.pattern().as_usize()].as_str())
                .or_default() += 1;
        }
    }
    let mut found: Vec<(usize, &str)> = counts.into_iter().map(|(c, n)| (n, c)).collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    found.into_iter().map(|(_, c)| c.to_string()).collect()
}

/// Every country's names (English and the other languages), folded, 4+ letters.
fn country_index(lang: &LangData) -> &WordIndex {
    lang.country_index.get_or_init(|| {
        let mut pairs = Vec::new();
        for (code, c) in &lang.countries {
            for name in std::iter::once(&c.name).chain(c.names.values()) {
                let f = fold(name);
                if f.len() >= 4 {
                    pairs.push((f, code.clone()));
                }
            }
        }
        WordIndex::new(pairs)
    })
}

fn whole_word(haystack: &str, start: usize, end: usize) -> bool {
    haystack[..start].ends_with(' ') && haystack[end..].starts_with(' ')
}

/// A country closing an address line ("20095 Hamburg, Deutschland"); a street named after a
/// country ("Kıbrıs Şehitleri Cad.") does not count.
fn country_in_address(text: &str, lang: &LangData) -> Option<(String, String)> {
    let index = country_index(lang);
    for line in text.lines() {
        if !line.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        for segment in line.split([',', '·', '|', '•', ';', '\u{2013}']) {
            let folded = format!(" {}", fold(segment));
            let found = index
                .automaton
                .find_overlapping_iter(&folded)
                .find(|m| m.end() == folded.len() && folded[..m.start()].ends_with(' '));
            if let Some(m) = found {
                let code = &index.tags[m.pattern().as_usize()];
                return Some((code.clone(), format!("address: {}", line.trim())));
            }
        }
    }
    None
}

/// The country of an E.164 number and its calling code.
fn country_of_phone(e164: &str) -> Option<(String, u16)> {
    let number = phonenumber::parse(None, e164).ok()?;
    let id = number.country().id()?;
    Some((format!("{id:?}"), number.country().code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in grading words and language data, built for grading.
    fn words() -> Words {
        Words::new(
            &GradingWords::builtin(),
            &crate::reference::PageWords::builtin(),
            &crate::templates::Catalog::builtin().unwrap().lang,
        )
    }
    use crate::templates::Catalog;

    #[test]
    fn legal_names_from_notices_and_footers() {
        assert_eq!(
            legal_name("Lampen Import GmbH", &words()).as_deref(),
            Some("Lampen Import GmbH")
        );
        assert_eq!(
            legal_name("© 2024 Éclairage Pro SARL", &words()).as_deref(),
            Some("Éclairage Pro SARL")
        );
        assert_eq!(
            legal_name("Luxor Lighting Trading LLC, Dubai", &words()).as_deref(),
            Some("Luxor Lighting Trading LLC")
        );
        assert_eq!(legal_name("ООО Свет-Опт", &words()).as_deref(), None);
        assert_eq!(
            legal_name("Adeyemi Lighting Enterprises Ltd – Lagos", &words()).as_deref(),
            Some("Adeyemi Lighting Enterprises Ltd")
        );
        assert_eq!(
            company_name(
                "",
                "Angaben gemäß § 5 TMG\nLampen Import GmbH\nHamburg",
                "",
                None,
                "Start",
                &words()
            )
            .as_deref(),
            Some("Lampen Import GmbH")
        );
        assert_eq!(
            company_name("", "", "", Some("Svet Opt"), "x", &words()).as_deref(),
            Some("Svet Opt")
        );
        assert_eq!(
            company_name("", "", "", None, "Éclairage Pro – Accueil", &words()).as_deref(),
            Some("Éclairage Pro")
        );
    }

    #[test]
    fn company_names_skip_the_web_host_and_designer() {
        // A French legal notice: the publisher's line has a label and more after the form;
        // the host's line ends in a legal form too.
        let mentions = "Mentions légales\n\
            Éditeur du site : Éclairage Pro SARL au capital de 50 000 €\n\
            Siège social : 27 rue de l'Industrie, 69200 Vénissieux\n\
            Hébergeur : Exemple Hébergement SAS, Paris";
        assert_eq!(
            company_name("", mentions, "", None, "x", &words()).as_deref(),
            Some("Éclairage Pro SARL")
        );
        let host_only = "Éditeur : Éclairage Pro\nHébergeur : OVH SAS, 2 rue Kellermann";
        assert_eq!(
            company_name("", host_only, "", None, "Éclairage Pro – Accueil", &words()).as_deref(),
            Some("Éclairage Pro")
        );
        // The host under a heading of its own, in the lines that follow it.
        let heading = "Directeur de la publication : Michel Girard\nHébergement du site\n\
            OVH SAS\n2 rue Kellermann\n59100 Roubaix";
        assert_eq!(
            company_name("", heading, "", None, "", &words()).as_deref(),
            None
        );

        // German: `Hosting: … GmbH` on one line, or `Hosting` as a heading.
        let impressum = "Angaben gemäß § 5 TMG\nMax Mustermann Lichttechnik\n\
            Hosting: Hetzner Online GmbH, Industriestr. 25, 91710 Gunzenhausen";
        assert_eq!(
            company_name("", impressum, "", Some("Mustermann Licht"), "", &words()).as_deref(),
            Some("Mustermann Licht")
        );
        let impressum = "Impressum\nHosting\nHetzner Online GmbH\nIndustriestr. 25\n\
            Datenschutzbeauftragter:\nDatenschutz Nord GmbH\nVerantwortlich:\nLampen Import GmbH";
        assert_eq!(
            company_name("", impressum, "", None, "", &words()).as_deref(),
            Some("Lampen Import GmbH")
        );
        // Footers: the line up to `Hosted by`, `Webdesign: …` as its own part.
        assert_eq!(
            company_name(
                "",
                "",
                "© 2024 Lampen Import GmbH – Webdesign by Agentur Blau GmbH",
                None,
                "",
                &words()
            )
            .as_deref(),
            Some("Lampen Import GmbH")
        );
        assert_eq!(
            company_name(
                "",
                "",
                "Webdesign: Agentur Blau GmbH | © Lampen Import GmbH",
                None,
                "",
                &words()
            )
            .as_deref(),
            Some("Lampen Import GmbH")
        );
        // Such a word in a name, without a colon, is part of the name.
        assert_eq!(
            company_name(
                "",
                "Conception Lumière SARL\n12 rue Lafayette",
                "",
                None,
                "",
                &words()
            )
            .as_deref(),
            Some("Conception Lumière SARL")
        );
        assert_eq!(
            company_name(
                "",
                "Titular: Iluminación Levante S.L., CIF B96123456",
                "",
                None,
                "",
                &words()
            )
            .as_deref(),
            Some("Iluminación Levante S.L")
        );
    }

    #[test]
    fn customer_type_from_own_words() {
        let de = "Die Lampen Import GmbH importiert LED-Lampen. Als Importeur und Großhändler beliefern wir Fachhändler. Importeur seit 2009.";
        assert_eq!(customer_type(de, &words()).as_deref(), Some("importer"));
        assert_eq!(
            customer_type(
                "Nous sommes distributeur de luminaires, distributeur agréé.",
                &words()
            )
            .as_deref(),
            Some("distributor")
        );
        assert_eq!(
            customer_type("Оптовая компания, оптовик светотехники", &words()).as_deref(),
            Some("wholesaler")
        );
        assert_eq!(
            customer_type(
                "We install lighting: electrical contractor for offices",
                &words()
            )
            .as_deref(),
            Some("contractor")
        );
        assert_eq!(customer_type("Hello world", &words()), None);
    }

    #[test]
    fn country_by_domain_address_phone_language() {
        let lang = Catalog::builtin().unwrap().lang;
        assert_eq!(country("lampen.de", "", &[], None, &lang).unwrap().0, "DE");
        assert_eq!(
            country(
                "lampen.io",
                "Musterstr. 1\n20095 Hamburg, Deutschland",
                &[],
                None,
                &lang
            )
            .unwrap(),
            ("DE".into(), "address: 20095 Hamburg, Deutschland".into())
        );
        assert_eq!(
            country("a.test", "", &["+33123456789".into()], None, &lang)
                .unwrap()
                .0,
            "FR"
        );
        assert_eq!(
            country("a.test", "", &[], Some("pl"), &lang).unwrap().0,
            "PL"
        );
        assert_eq!(country("a.test", "", &[], Some("en"), &lang), None);
    }
}
