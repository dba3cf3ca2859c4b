//! Who wrote the inquiry, from its signature (and a form's fields): name, company, address,
//! phone and fax in E.164, website, messenger IDs; and the country with its reason, in the
//! order the labels of the seeds trust: the signature's address, the phone prefix, the
//! sender's domain.

use std::collections::BTreeMap;

use crate::extract::Domain;
use crate::normalize::fold;
use crate::templates::LangData;

use super::letter::{Fields, Letter};
use super::read::Addr;
use super::words::{List, Words};

/// Lines read as a signature after the closing words, at most.
const MAX_SIGNATURE_LINES: usize = 14;
/// Longer lines are no signature lines (a disclaimer, a paragraph).
const MAX_SIGNATURE_LINE: usize = 140;

/// How to reach the sender, from its signature and form fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub company: Option<String>,
    /// The address lines, joined with `, `.
    pub address: Option<String>,
    /// E.164.
    pub phones: Vec<String>,
    pub faxes: Vec<String>,
    pub website: Option<String>,
    /// `WeChat: irina_svetdom`, `WhatsApp: +923002214590`.
    pub messengers: Vec<String>,
    pub emails: Vec<String>,
}

impl Contact {
    /// Seed 002's "complete contact details": company, address, phone, and a fax, website or
    /// messenger besides.
    pub fn complete(&self) -> bool {
        self.company.is_some()
            && self.address.is_some()
            && !self.phones.is_empty()
            && (!self.faxes.is_empty() || self.website.is_some() || !self.messengers.is_empty())
    }

    /// Whether any way to reach the sender besides its mail is given.
    pub fn any(&self) -> bool {
        self.company.is_some() || self.address.is_some() || !self.phones.is_empty()
    }
}

/// A country and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    pub code: String,
    pub reason: String,
}

/// The signature lines of a letter's own text: after its last closing words, else its last
/// short paragraph; disclaimers and device lines cut off.
pub fn signature(body: &str, words: &Words) -> Vec<String> {
    let lines: Vec<&str> = body.lines().collect();
    let fold_line = |i: usize| format!(" {} ", fold(lines[i]));
    let is_closing = |i: usize| {
        // Closing words are short lines: no need to fold the others.
        if lines[i].split_whitespace().count() > 6 {
            return false;
        }
        let f = &fold_line(i);
        let n = f.split_whitespace().count();
        n > 0
            && n <= 6
            && words.phrases.find(f).iter().any(|p| {
                p.list == List::Closing && (p.start <= 1 || f[..p.start].trim().is_empty())
            })
    };
    let ends = |i: usize| {
        words
            .phrases
            .find(&fold_line(i))
            .iter()
            .any(|p| p.list == List::EndOfText)
            || lines[i].chars().count() > MAX_SIGNATURE_LINE
    };
    let start = match (0..lines.len()).rev().find(|&i| is_closing(i)) {
        Some(i) => {
            // The closing line itself may carry the name ("Saludos, Manuel").
            i + 1
        }
        None => {
            let mut end = lines.len();
            while end > 0 && (lines[end - 1].trim().is_empty() || ends(end - 1)) {
                end -= 1;
            }
            let mut s = end;
            while s > 0 && !lines[s - 1].trim().is_empty() {
                s -= 1;
            }
            if s == 0 || end - s > MAX_SIGNATURE_LINES {
                // One block of text: only its short contact lines at the end.
                let mut k = end;
                while k > 0 && k + MAX_SIGNATURE_LINES > end && is_contact_line(lines[k - 1], words)
                {
                    k -= 1;
                }
                k
            } else {
                s
            }
        }
    };
    let mut out = Vec::new();
    for i in start..lines.len() {
        let l = lines[i].trim();
        if ends(i) {
            break;
        }
        if l.is_empty() {
            if out.len() >= 2 {
                // A blank line after the signature ends it unless more contact lines follow.
                let next_contact = lines[i + 1..]
                    .iter()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.chars().any(|c| c.is_ascii_digit()) && l.len() < 80);
                if !next_contact {
                    break;
                }
            }
            continue;
        }
        out.push(l.to_string());
        if out.len() >= MAX_SIGNATURE_LINES {
            break;
        }
    }
    out
}

/// A short line of a signature: a name, a company, a number, an address, a website.
fn is_contact_line(line: &str, words: &Words) -> bool {
    let t = line.trim();
    if t.is_empty()
        || t.chars().count() > 70
        || t.ends_with(['.', '?', '!', ':']) && t.split_whitespace().count() > 3
    {
        return false;
    }
    t.split_whitespace().count() <= 4
        || t.chars().any(|c| c.is_ascii_digit())
        || t.contains('@')
        || t.to_lowercase().contains("www.")
        || looks_like_name(t, words)
}

/// Reads the sender's contact details from the signature lines and the form's fields.
pub fn contact(sig: &[String], fields: &Fields, sender: Option<&Addr>, words: &Words) -> Contact {
    let mut c = Contact {
        company: fields.company.clone(),
        name: fields.name.clone(),
        ..Contact::default()
    };
    // Name: the first signature line that reads like a person's name.
    if c.name.is_none() {
        c.name = sig
            .iter()
            .take(3)
            .find(|l| looks_like_name(l, words))
            .cloned()
            .or_else(|| {
                sender
                    .and_then(|a| a.name.clone())
                    .filter(|n| looks_like_name(n, words))
            });
    }
    if c.company.is_none() {
        c.company = company(sig, sender, words);
    }
    let mut address = Vec::new();
    for line in sig {
        if is_address_line(line, words) {
            address.push(line.trim().trim_end_matches('.').to_string());
        }
    }
    if !address.is_empty() {
        c.address = Some(address.join(", "));
    }
    for line in sig {
        for email in line
            .split(|ch: char| ch.is_whitespace() || matches!(ch, '|' | '·' | ',' | ';'))
            .filter(|t| t.contains('@') && t.contains('.'))
        {
            let e = email
                .trim_matches(|ch: char| !ch.is_alphanumeric())
                .to_ascii_lowercase();
            if !c.emails.contains(&e) {
                c.emails.push(e);
            }
        }
        if c.website.is_none() {
            c.website = website(line);
        }
        messengers(line, words, &mut c.messengers);
    }
    if let Some(e) = &fields.email
        && !c.emails.contains(e)
    {
        c.emails.push(e.to_ascii_lowercase());
    }
    c
}

/// Reads phones and faxes (with the country for numbers without a prefix).
pub fn numbers(
    sig: &[String],
    fields: &Fields,
    region: Option<&str>,
    c: &mut Contact,
    words: &Words,
) {
    let mut lines: Vec<String> = sig.to_vec();
    if let Some(p) = &fields.phone {
        lines.push(format!("Tel {p}"));
    }
    for line in &lines {
        for (number, fax) in phone_segments(line, words) {
            let Some(e164) = e164(&number, region) else {
                continue;
            };
            let list = if fax { &mut c.faxes } else { &mut c.phones };
            if !list.contains(&e164) {
                list.push(e164);
            }
        }
    }
}

/// Phone-number-looking pieces of a line and whether a fax label stands before them.
fn phone_segments(line: &str, words: &Words) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, ch) = chars[i];
        let starts = ch.is_ascii_digit() || (ch == '+' || ch == '(') && next_digit(&chars, i);
        // Not the digits of a word (`DE298765431`, `HRB 33127` is caught by the label rule).
        let glued = i > 0 && chars[i - 1].1.is_alphanumeric();
        if !starts || glued {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        let mut end = start;
        while j < chars.len() {
            let (at, c) = chars[j];
            if c.is_ascii_digit() {
                digits += 1;
                end = at + 1;
            } else if !matches!(c, ' ' | '+' | '(' | ')' | '-' | '.' | '/' | '\u{a0}') {
                break;
            }
            // Two spaces or a slash followed by a letter end a number.
            j += 1;
        }
        let intl = line[start..].starts_with('+') || line[start..].starts_with("00");
        if (7..=15).contains(&digits) && (intl || phone_label_before(&line[..start], words)) {
            let before = fold(&line[..start]);
            let label_words: Vec<&str> = before.split_whitespace().rev().take(3).collect();
            let folded_label = format!(
                " {} ",
                label_words.into_iter().rev().collect::<Vec<_>>().join(" ")
            );
            let fax = words
                .phrases
                .find(&folded_label)
                .iter()
                .any(|f| f.list == List::Fax)
                && !folded_label.contains(" mob")
                && !folded_label.contains(" tel ")
                || folded_label.trim_end().ends_with("fax");
            let tel_fax = folded_label.contains("tel fax") || folded_label.contains("tel/fax");
            out.push((line[start..end].to_string(), fax && !tel_fax));
            if tel_fax {
                out.push((line[start..end].to_string(), true));
            }
        }
        i = j.max(i + 1);
    }
    out
}

/// Whether a phone, fax or messenger label (or a one-letter `T`/`M`/`P`/`F`) stands in the
/// few words before a number, or nothing does (a line of its own).
fn phone_label_before(before: &str, words: &Words) -> bool {
    let folded = fold(before);
    let last: Vec<&str> = folded.split_whitespace().rev().take(3).collect();
    if last.is_empty() {
        return true;
    }
    let tail = format!(" {} ", last.into_iter().rev().collect::<Vec<_>>().join(" "));
    if [
        " t ", " m ", " p ", " f ", " ph ", " mob ", " cel ", " gsm ",
    ]
    .iter()
    .any(|w| tail.ends_with(w))
    {
        return true;
    }
    words
        .fields
        .get(tail.trim())
        .is_some_and(|f| *f == super::words::Field::Phone)
        || words
            .phrases
            .find(&tail)
            .iter()
            .any(|f| matches!(f.list, List::Fax | List::Messenger))
        || tail
            .split_whitespace()
            .any(|w| matches!(words.fields.get(w), Some(super::words::Field::Phone)))
}

fn next_digit(chars: &[(usize, char)], i: usize) -> bool {
    chars
        .get(i + 1)
        .is_some_and(|(_, c)| c.is_ascii_digit() || *c == ' ')
}

/// A number in E.164: international ones as written, national ones in the region's plan.
fn e164(number: &str, region: Option<&str>) -> Option<String> {
    use phonenumber::Mode;
    if let Some(valid) = crate::extract::contacts::phone_e164(number, region) {
        return Some(valid);
    }
    let t = number.trim();
    let intl = t.starts_with('+') || t.starts_with("00");
    let cleaned: String = if let Some(rest) = t.strip_prefix("00") {
        format!("+{rest}")
    } else {
        t.to_string()
    };
    // An international number that is not valid (made up, or of a plan phonenumber does not
    // know) still tells its country.
    if !intl {
        return None;
    }
    let parsed = phonenumber::parse(None, &cleaned).ok()?;
    Some(parsed.format().mode(Mode::E164).to_string())
}

/// The country of an E.164 number and its calling code.
pub fn country_of_phone(e164: &str) -> Option<(String, u16)> {
    let number = phonenumber::parse(None, e164).ok()?;
    let id = number.country().id()?;
    Some((format!("{id:?}"), number.country().code()))
}

fn looks_like_name(line: &str, words: &Words) -> bool {
    let t = line.trim();
    let n = t.split_whitespace().count();
    if !(1..=4).contains(&n)
        || t.chars()
            .any(|c| c.is_ascii_digit() || c == '@' || c == ':')
    {
        return false;
    }
    if legal_name(t, words).is_some() {
        return false;
    }
    let folded = format!(" {} ", fold(t));
    let found = words.phrases.find(&folded);
    !found
        .iter()
        .any(|f| matches!(f.list, List::CompanyWords | List::Closing | List::Street))
        && t.chars().next().is_some_and(char::is_uppercase)
}

/// The company: a signature line (or part of one) with a legal form, else one with company
/// words, else the sender's display name when it reads like a company.
fn company(sig: &[String], sender: Option<&Addr>, words: &Words) -> Option<String> {
    let parts = |line: &str| -> Vec<String> {
        line.split([',', '|', '·', '(', ')', '–', '—'])
            .flat_map(|p| p.split(" - "))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    };
    for line in sig {
        let line = &without_brackets(line);
        if line.contains('@') || line.chars().filter(char::is_ascii_digit).count() > 4 {
            continue;
        }
        if let Some(name) = legal_name(
            line.split(['(', '–', '—', '|']).next().unwrap_or(line),
            words,
        ) {
            let name = name
                .split_once(", ")
                .filter(|(role, _)| role.split_whitespace().count() <= 3)
                .map_or(name.clone(), |(_, rest)| rest.to_string());
            return Some(name);
        }
        for p in parts(line) {
            if let Some(name) = legal_name(&p, words).or_else(|| extra_legal_name(&p, words)) {
                return Some(name);
            }
        }
        if let Some(name) = extra_legal_name(line, words) {
            return Some(name);
        }
    }
    let has_company_word = |t: &str| {
        let folded = format!(" {} ", fold(t));
        words
            .phrases
            .find(&folded)
            .iter()
            .any(|f| f.list == List::CompanyWords)
    };
    let is_role = |t: &str| {
        let folded = format!(" {} ", fold(t));
        words
            .phrases
            .find(&folded)
            .iter()
            .any(|f| f.list == List::Roles)
    };
    for line in sig {
        if line.contains('@')
            || line.contains("://")
            || line.chars().any(|c| c.is_ascii_digit())
            || is_role(line)
        {
            continue;
        }
        for p in parts(line) {
            let n = p.split_whitespace().count();
            if (1..=6).contains(&n) && has_company_word(&p) && !p.contains(':') {
                return Some(p);
            }
        }
    }
    let display = sender.and_then(|a| a.name.clone())?;
    (has_company_word(&display) || legal_name(&display, words).is_some()).then_some(display)
}

/// A name that ends in one of the triage's own legal forms (`OBI Group Holding SE & Co.
/// KGaA`): the words up to and including the form.
/// A legal name in a piece of text: words up to and including a legal form of the grading
/// words (`grading-words.yaml`).
fn legal_name(part: &str, words: &Words) -> Option<String> {
    crate::score::facts::legal_name_in(part, &words.legal_forms)
}

fn extra_legal_name(part: &str, words: &Words) -> Option<String> {
    let t = part.trim();
    if t.split_whitespace().count() < 2 || t.split_whitespace().count() > 12 {
        return None;
    }
    let folded = format!(" {} ", fold(t));
    // The form ends the part, and some name stands before it.
    let ends_with_form = words
        .phrases
        .find(&folded)
        .iter()
        .any(|f| f.list == List::LegalForms && f.end + 1 == folded.len() && f.start > 1);
    ends_with_form.then(|| t.trim_end_matches([',', ';']).to_string())
}

/// A line without its bracketed parts (`Glow & Co Pty Ltd (ABN 51 824 753 556)`).
fn without_brackets(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut depth = 0usize;
    for c in line.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Whether a signature line is (part of) a postal address.
fn is_address_line(line: &str, words: &Words) -> bool {
    if line.contains('@') || line.contains("://") {
        return false;
    }
    let digits = line.chars().filter(char::is_ascii_digit).count();
    let folded = format!(" {} ", fold(line));
    let found = words.phrases.find(&folded);
    let street = found.iter().any(|f| f.list == List::Street);
    let labelled_phone = found.iter().any(|f| matches!(f.list, List::Fax))
        || ["tel", "phone", "mob", "ph", "t", "m"]
            .iter()
            .any(|w| folded.starts_with(&format!(" {w} ")));
    if labelled_phone || digits > 12 {
        return false;
    }
    (street && digits > 0) || has_postcode(line)
}

/// A postal code: 4–6 digits (or `00-000`) standing apart, with a word beside it.
fn has_postcode(line: &str) -> bool {
    let tokens: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    tokens.iter().enumerate().any(|(i, t)| {
        let t = t.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        let digits = t.chars().filter(char::is_ascii_digit).count();
        let code = (4..=6).contains(&digits) && t.chars().all(|c| c.is_ascii_digit() || c == '-')
            || (t.len() == 6 && t.as_bytes()[2] == b'-');
        code && tokens.len() > 1 && (i > 0 || tokens.len() > 1) && !t.starts_with('+')
    })
}

fn website(line: &str) -> Option<String> {
    for token in line.split(|c: char| c.is_whitespace() || matches!(c, '|' | '·' | ',' | ';')) {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != ':');
        if t.contains('@') || t.len() < 4 {
            continue;
        }
        let host = t
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap_or("");
        let lower = host.to_ascii_lowercase();
        let looks = lower.starts_with("www.") || t.contains("://");
        let dotted = lower.contains('.')
            && lower
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && !lower.ends_with('.');
        if dotted && (looks || Domain::of_host(&lower).is_some_and(|d| d.as_str() == lower)) {
            // Not an abbreviation like "S.r.l" or "o.o": the last label has 2+ letters and the
            // name before it 3+.
            let labels: Vec<&str> = lower.split('.').collect();
            let ok = labels.len() >= 2
                && labels.last().is_some_and(|l| l.len() >= 2)
                && labels.iter().rev().nth(1).is_some_and(|l| l.len() >= 3);
            if ok {
                return Some(lower.trim_start_matches("www.").to_string());
            }
        }
    }
    None
}

fn messengers(line: &str, words: &Words, out: &mut Vec<String>) {
    let folded = format!(" {} ", fold(line));
    for f in words.phrases.find(&folded) {
        if f.list != List::Messenger {
            continue;
        }
        let label = &folded[f.start..f.end];
        // The ID: what follows the label in the original line.
        let lower = line.to_lowercase();
        let Some(at) = lower.find(label) else {
            continue;
        };
        let rest = line[at + label.len()..].trim_start_matches([':', ' ', '/', '.']);
        let id: String = rest
            .split(['|', ',', ';'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if !id.is_empty() {
            let name = words.phrases.texts[f.phrase].clone();
            let entry = format!("{name}: {id}");
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
}

/// Folded country and city names → country code, for reading addresses.
pub struct Places {
    automaton: aho_corasick::AhoCorasick,
    tags: Vec<String>,
}

impl Places {
    pub fn new(lang: &LangData, words: &Words) -> Places {
        let mut pairs: BTreeMap<String, String> = BTreeMap::new();
        for (code, c) in &lang.countries {
            for name in std::iter::once(&c.name).chain(c.names.values()) {
                let f = fold(name);
                if f.len() >= 4 {
                    pairs.entry(f).or_insert_with(|| code.clone());
                }
            }
        }
        for (city, cc) in &words.cities {
            pairs.entry(city.clone()).or_insert_with(|| cc.clone());
        }
        let (patterns, tags): (Vec<String>, Vec<String>) = pairs
            .into_iter()
            .map(|(name, cc)| (format!(" {} ", name.replace(' ', "  ")), cc))
            .unzip();
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&patterns)
            .unwrap_or_else(|e| panic!("country names: {e}"));
        Places { automaton, tags }
    }

    /// The country a line names (the last country or city in it).
    pub fn in_line(&self, line: &str) -> Option<&str> {
        let folded = format!(" {} ", fold(line).replace(' ', "  "));
        self.automaton
            .find_iter(&folded)
            .last()
            .map(|m| self.tags[m.pattern().as_usize()].as_str())
    }
}

/// The country of the sender and why.
pub fn country(
    letter: &Letter,
    sig: &[String],
    contact: &Contact,
    places: &Places,
    lang: &LangData,
    words: &Words,
) -> Option<Country> {
    if let Some(c) = &letter.fields.country
        && let Some(cc) = places.in_line(c)
    {
        return Some(Country {
            code: cc.to_string(),
            reason: format!("country given: {c}"),
        });
    }
    if let Some(c) = &letter.fields.place
        && let Some(cc) = places.in_line(c)
    {
        return Some(Country {
            code: cc.to_string(),
            reason: format!("place given: {c}"),
        });
    }
    // The signature's address (a country or city named in it): its address lines first.
    for line in sig.iter().filter(|l| is_address_line(l, words)) {
        if let Some(cc) = places.in_line(line) {
            return Some(Country {
                code: cc.to_string(),
                reason: format!("signature: {}", line.trim()),
            });
        }
    }
    for line in sig.iter().rev() {
        if line.contains('@') || line.contains("://") {
            continue;
        }
        if let Some(cc) = places.in_line(line) {
            return Some(Country {
                code: cc.to_string(),
                reason: format!("signature: {}", line.trim()),
            });
        }
    }
    // An address line elsewhere in the letter.
    for line in letter.body.lines() {
        if is_address_line(line, words)
            && let Some(cc) = places.in_line(line)
        {
            return Some(Country {
                code: cc.to_string(),
                reason: format!("address: {}", line.trim()),
            });
        }
    }
    for p in contact.phones.iter().chain(&contact.faxes) {
        if let Some((cc, code)) = country_of_phone(p) {
            return Some(Country {
                code: cc,
                reason: format!("phone +{code}"),
            });
        }
    }
    let domain = letter
        .sender
        .as_ref()
        .and_then(|a| a.email.rsplit_once('@').map(|(_, d)| d.to_string()))?;
    if words.is_free_mail(&Domain::of_host_or_self(&domain).to_string()) {
        return None;
    }
    let tld = domain.rsplit('.').next()?.to_ascii_uppercase();
    let tld = if tld == "UK" { "GB".to_string() } else { tld };
    const GENERIC: [&str; 10] = ["IO", "CO", "TV", "ME", "AI", "LY", "GG", "CC", "FM", "WS"];
    (tld.len() == 2 && lang.countries.contains_key(&tld) && !GENERIC.contains(&tld.as_str())).then(
        || Country {
            reason: format!("domain .{}", tld.to_ascii_lowercase()),
            code: tld,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inquiry::words::builtin;

    #[test]
    fn signatures_start_after_the_closing_words() {
        let body = "Dear Sir,\nplease quote.\n\nBest regards,\nVivian Lau\nMerchandiser\n\
                    Hanse Sourcing Ltd. (Shenzhen Rep. Office)\nTel +86 755 8321 4470\n";
        let sig = signature(body, builtin());
        assert_eq!(sig[0], "Vivian Lau");
        let c = contact(&sig, &Fields::default(), None, builtin());
        assert_eq!(c.name.as_deref(), Some("Vivian Lau"));
        assert_eq!(c.company.as_deref(), Some("Hanse Sourcing Ltd"));
        let mut c = c;
        numbers(&sig, &Fields::default(), None, &mut c, builtin());
        assert_eq!(c.phones, ["+8675583214470"]);
    }

    #[test]
    fn phone_and_fax_are_told_apart() {
        let sig = vec![
            "Tel. +49 911 3409 552 | Fax +49 911 3409 559 | Mobil +49 171 4432 190".to_string(),
        ];
        let mut c = Contact::default();
        numbers(&sig, &Fields::default(), None, &mut c, builtin());
        assert_eq!(c.faxes, ["+499113409559"]);
        assert_eq!(c.phones.len(), 2);
        assert_eq!(
            website("f@x.test | www.lumenhaus-vertrieb.test"),
            Some("lumenhaus-vertrieb.test".into())
        );
        assert_eq!(website("LUXPOL Sp. z o.o."), None);
    }
}
