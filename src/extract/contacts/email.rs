//! Email addresses: plain, obfuscated (`info [at] firma [dot] de`, `info(at)firma.de`,
//! `info at firma dot de`), in `mailto:` links and Cloudflare's `data-cfemail`; validated and
//! lower-cased.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// A plain or obfuscated address. `at` and `dot` may be written as the word in brackets
/// (`[at]`, `(dot)`, `{at}`, `<at>`, `(@)`, `[.]`), as a word between spaces (`info at firma dot
/// de`), or plainly. Checked further in [`assemble`].
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<local>[A-Za-z0-9._%+\-]+)
        (?P<at> @ | \s*[\[({<]\s*(?i:at|@)\s*[\])}>]\s* | \s+(?i:at)\s+ )
        (?P<domain>
            [\p{L}\p{N}\-]+
            (?: (?: \. | \s*[\[({<]\s*(?i:dot|punkt|\.)\s*[\])}>]\s* | \s+(?i:dot)\s+ )
                [\p{L}\p{N}\-]+ )+
        )",
    )
    .expect("valid address pattern")
});

/// The dots of an address's domain, in any of the forms [`ADDRESS`] accepts.
static DOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?x) \s*[\[({<]\s*(?i:dot|punkt|\.)\s*[\])}>]\s* | \s+(?i:dot)\s+ | \.")
        .expect("valid dot pattern")
});

/// Local parts of form placeholders (`your@email.com`, `vorname.nachname@firma.de`).
const PLACEHOLDER_LOCALS: &[&str] = &[
    "name",
    "your",
    "yourname",
    "your.name",
    "your-name",
    "your_name",
    "you",
    "youremail",
    "your.email",
    "your-email",
    "yourmail",
    "user",
    "username",
    "someone",
    "somebody",
    "firstname",
    "lastname",
    "firstname.lastname",
    "first.last",
    "john.doe",
    "jane.doe",
    "johndoe",
    "janedoe",
    "vorname",
    "nachname",
    "vorname.nachname",
    "max.mustermann",
    "maxmustermann",
    "mustermann",
    "ihre",
    "ihre.email",
    "ihre-email",
    "prenom.nom",
    "nom",
];

/// Second-level labels of placeholder domains (`name@domain.com`, `info@example.org`).
const PLACEHOLDER_DOMAIN_LABELS: &[&str] = &[
    "example",
    "domain",
    "yourdomain",
    "your-domain",
    "mydomain",
    "yoursite",
    "yourwebsite",
    "yourcompany",
    "company",
    "beispiel",
    "muster",
    "musterfirma",
    "mustermann",
    "sample",
    "placeholder",
];

/// Words before a spelled-out ` at ` that make a sentence, not an address (`visit us at …`).
const NOT_WORDED_LOCALS: &[&str] = &[
    "us",
    "me",
    "we",
    "you",
    "him",
    "her",
    "them",
    "it",
    "is",
    "are",
    "was",
    "were",
    "be",
    "here",
    "there",
    "visit",
    "find",
    "meet",
    "reach",
    "available",
    "located",
    "based",
    "online",
    "open",
    "look",
    "arrive",
    "stay",
    "work",
    "works",
    "anytime",
];

/// Whole domains that are placeholders or belong to page scripts, not to companies.
const NOT_CONTACT_DOMAINS: &[&str] = &["email.com", "sentry.io", "wixpress.com"];

/// Top-level domains that never take mail.
const RESERVED_TLDS: &[&str] = &["example", "invalid", "localhost", "local"];

/// "TLDs" that are file extensions: `logo@2x.png`, `icon@3x.webp`.
const FILE_SUFFIXES: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "ico", "avif", "tif", "tiff", "heic", "css",
    "js", "json", "pdf", "mp4", "mov", "webm", "zip",
];

/// Longest local part (RFC 5321).
const MAX_LOCAL: usize = 64;
/// Longest domain name.
const MAX_DOMAIN: usize = 253;
/// Longest domain label.
const MAX_LABEL: usize = 63;

/// Texts longer than this are searched only around the lines that can hold an address.
const SEARCHED_WHOLE: usize = 4096;

/// Addresses in `text`, each with the byte offset where it starts.
///
/// Every address has an `@` or an `at` (in any case): in a long text, only the lines with
/// one are searched, with the line before and the line after (an obfuscated address may be
/// broken over lines: `info\n[at] firma.de`), so a catalogue of 5,000 lines costs a scan.
pub(super) fn find(text: &str) -> Vec<(usize, String)> {
    if text.len() <= SEARCHED_WHOLE {
        return find_in(text, 0);
    }
    static AT: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["@", "at"])
            .expect("two patterns build")
    });
    let bytes = text.as_bytes();
    // The start of the line holding `p`, not looking back past `floor`.
    let line_start = |p: usize, floor: usize| {
        memchr::memrchr(b'\n', &bytes[floor..p]).map_or(floor, |i| floor + i + 1)
    };
    // The end (its `\n`, or the end of the text) of the line holding `p`.
    let line_end = |p: usize| memchr::memchr(b'\n', &bytes[p..]).map_or(bytes.len(), |i| p + i);
    // The end of the line after the line `start..end`, and where that line starts (the
    // line itself at the end of the text).
    let next_line = |start: usize, end: usize| {
        if end < bytes.len() {
            (line_end(end + 1), end + 1)
        } else {
            (end, start)
        }
    };
    let mut out = Vec::new();
    // The window searched next: start, end, and the start of its last line. Each stretch of
    // text is scanned for line ends about once, however many `at`s a long line has.
    let mut window: Option<(usize, usize, usize)> = None;
    for m in AT.find_iter(text) {
        let p = m.start();
        window = Some(match window {
            Some((start, end, last)) if p <= end => {
                if p >= last {
                    let (end, last) = next_line(last, end);
                    (start, end, last)
                } else {
                    (start, end, last)
                }
            }
            Some((start, end, _)) if line_start(p, end) == end + 1 => {
                // On the line right after the window: it takes this line and the next.
                let (end, last) = next_line(end + 1, line_end(p));
                (start, end, last)
            }
            previous => {
                let floor = match previous {
                    Some((start, end, _)) => {
                        out.extend(find_in(&text[start..end], start));
                        end
                    }
                    None => 0,
                };
                let own = line_start(p, floor);
                let start = if own > floor {
                    line_start(own - 1, floor)
                } else {
                    own
                };
                let (end, last) = next_line(own, line_end(p));
                (start, end, last)
            }
        });
    }
    if let Some((start, end, _)) = window {
        out.extend(find_in(&text[start..end], start));
    }
    out
}

/// Addresses in `text`, at their offsets plus `base`.
pub(super) fn find_in(text: &str, base: usize) -> Vec<(usize, String)> {
    ADDRESS
        .captures_iter(text)
        .filter_map(|c| {
            let start = c.get(0)?.start();
            Some((base + start, assemble(&c)?))
        })
        .collect()
}

/// Whether an attribute value is worth searching: it has an `@` or a bracketed `at`.
pub(super) fn may_hold(value: &str) -> bool {
    value.contains('@') || {
        let lower = value.to_ascii_lowercase();
        ["at]", "at)", "at}", "at>"]
            .iter()
            .any(|w| lower.contains(w))
    }
}

/// The addresses of a `mailto:` link target (the part after `mailto:`): percent-decoded,
/// without `?subject=…`, several addresses separated by `,` or `;`.
pub(super) fn from_mailto(target: &str) -> Vec<String> {
    let target = target.split('?').next().unwrap_or_default();
    let decoded = super::percent_decode(target);
    decoded
        .split([',', ';'])
        .flat_map(|part| find(part.trim()))
        .map(|(_, e)| e)
        .collect()
}

/// The address behind Cloudflare's email protection (`data-cfemail="…"` or a link to
/// `/cdn-cgi/l/email-protection#…`): hex bytes, the first is the key XORed with the rest.
pub(super) fn cloudflare(hex: &str) -> Vec<String> {
    let hex = hex.trim();
    if hex.len() < 4 || !hex.len().is_multiple_of(2) || hex.len() > 2 * (MAX_LOCAL + MAX_DOMAIN + 2)
    {
        return Vec::new();
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    let Some([key, rest @ ..]) = bytes.as_deref() else {
        return Vec::new();
    };
    let decoded: Vec<u8> = rest.iter().map(|b| b ^ key).collect();
    match String::from_utf8(decoded) {
        Ok(s) => find(&s).into_iter().map(|(_, e)| e).collect(),
        Err(_) => Vec::new(),
    }
}

/// The address of one match, lower-cased, or `None` when it is not a usable address.
fn assemble(c: &Captures<'_>) -> Option<String> {
    let local = c
        .name("local")?
        .as_str()
        .trim_start_matches(['.', '%', '+', '-']);
    let at = c.name("at")?.as_str();
    let raw_domain = c.name("domain")?.as_str();

    let worded_at = at != "@" && !at.contains(['[', '(', '{', '<']);
    let worded_dot = DOT
        .find_iter(raw_domain)
        .any(|m| m.as_str().trim().eq_ignore_ascii_case("dot"));
    // `us at www.firma.de` is a sentence, not an address: the spelled-out form needs both words,
    // and `find us at firma dot com` names a web site.
    if worded_at && (!worded_dot || NOT_WORDED_LOCALS.contains(&local.to_lowercase().as_str())) {
        return None;
    }

    let mut labels: Vec<&str> = DOT.split(raw_domain).collect();
    let last = labels.pop()?;
    let last = last.trim_end_matches('-');
    let tld = if known_tld(&last.to_lowercase()) {
        last
    } else {
        // Text run together by inline markup: `info@firma.deImpressum`.
        glued_word_start(last).map(|i| &last[..i])?
    };
    labels.push(tld);
    if worded_at
        && labels
            .first()
            .is_some_and(|l| l.eq_ignore_ascii_case("www"))
    {
        return None;
    }

    let local = local.to_lowercase();
    let labels: Vec<String> = labels.iter().map(|l| l.to_lowercase()).collect();
    valid(&local, &labels).then(|| format!("{local}@{}", labels.join(".")))
}

/// Where a capitalised word starts inside `label` (`deImpressum` → 2).
fn glued_word_start(label: &str) -> Option<usize> {
    let mut prev_lower = false;
    for (i, ch) in label.char_indices() {
        if prev_lower && ch.is_uppercase() {
            return Some(i);
        }
        prev_lower = ch.is_lowercase();
    }
    None
}

/// A top-level domain of the public suffix list, or `test` (reserved for tests).
fn known_tld(tld: &str) -> bool {
    if tld == "test" {
        return true;
    }
    if tld.is_empty() || !tld.chars().all(char::is_alphabetic) {
        return false;
    }
    if psl::suffix(tld.as_bytes()).is_some_and(|s| s.is_known()) {
        return true;
    }
    // Internationalised TLDs may be listed in their ASCII form.
    !tld.is_ascii()
        && url::Url::parse(&format!("http://{tld}/"))
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| psl::suffix(h.as_bytes()).is_some_and(|s| s.is_known()))
            })
            .unwrap_or(false)
}

fn valid(local: &str, labels: &[String]) -> bool {
    let Some(tld) = labels.last() else {
        return false;
    };
    let domain_len = labels.iter().map(|l| l.len() + 1).sum::<usize>();
    let local_ok = !local.is_empty()
        && local.len() <= MAX_LOCAL
        && !local.ends_with('.')
        && !local.contains("..");
    let labels_ok = labels.len() >= 2
        && domain_len <= MAX_DOMAIN + 1
        && labels.iter().all(|l| {
            !l.is_empty() && l.len() <= MAX_LABEL && !l.starts_with('-') && !l.ends_with('-')
        });
    local_ok
        && labels_ok
        && tld.chars().count() >= 2
        && known_tld(tld)
        && !RESERVED_TLDS.contains(&tld.as_str())
        && !FILE_SUFFIXES.contains(&tld.as_str())
        && !placeholder(local, labels)
}

fn placeholder(local: &str, labels: &[String]) -> bool {
    if PLACEHOLDER_LOCALS.contains(&local) {
        return true;
    }
    let domain = labels.join(".");
    let registrable = psl::domain_str(&domain).unwrap_or(&domain);
    let second_level = registrable.split('.').next().unwrap_or_default();
    PLACEHOLDER_DOMAIN_LABELS.contains(&second_level) || NOT_CONTACT_DOMAINS.contains(&registrable)
}
