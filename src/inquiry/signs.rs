//! The signs of a scam or of junk (seed 002's list, seed 001's cases, the issue's header and
//! attachment checks), each with the sentence or header that shows it, and whether together
//! they make the inquiry a scam.

use std::sync::LazyLock;

use regex::Regex;

use crate::extract::Domain;
use crate::normalize::fold;

use super::background::{SiteCheck, SiteOutcome};
use super::details::re;
use super::letter::Letter;
use super::scan::Scan;
use super::words::List;
use super::{Analysis, Context, Sign};

/// Signs that make an inquiry a scam by themselves.
const STRONG: [&str; 10] = [
    "online-listing-cost",
    "product-errors",
    "sample-hunting",
    "come-visit-urgency",
    "unknown-big-company",
    "invitation-letter",
    "phishing-link",
    "dangerous-attachment",
    "freemail-big-company",
    "lookalike-domain",
];

/// Own words at most in a too terse inquiry.
const TERSE_WORDS: usize = 20;
/// Kinds of product detail (besides quantity) below which a big order has "no detail".
const KNOWLEDGE_FOR_BIG_ORDERS: usize = 3;
/// Containers counted in a number that make a big order.
const MANY_CONTAINERS: u32 = 3;
/// Lumens per watt no lamp reaches.
const MAX_EFFICACY: f64 = 300.0;

static CONTAINERS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?-u:\b)(\d+)\s*(?:x\s*)?(\p{L}[\p{L}'-]*)"));
static EFFICACY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(\d+(?:[.,]\d+)?)\s?(?:lm\s?/\s?w|lumens?\s+per\s+watt|lm\s+per\s+w|лм\s?/\s?вт|lúmenes\s+por\s+vatio)",
    )
});
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?-u:\b)[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}(?-u:\b)"));

fn sign(code: &'static str, evidence: impl Into<String>) -> Sign {
    Sign {
        code,
        evidence: evidence.into(),
    }
}

fn registrable(email_or_host: &str) -> String {
    let host = email_or_host
        .rsplit_once('@')
        .map_or(email_or_host, |(_, d)| d);
    Domain::of_host_or_self(host).to_string()
}

/// The signs a message shows by itself.
pub fn message_signs(
    a: &Analysis,
    letter: &Letter,
    text: &str,
    scan: &Scan<'_>,
    ctx: &Context,
) -> Vec<Sign> {
    let words = ctx.words;
    let mut out = Vec::new();
    let first = |list: List| scan.hits(list).next().map(|f| scan.sentence(f));

    // product-errors: two or more things an LED lamp cannot be, or an impossible efficacy.
    let impossible = EFFICACY.captures_iter(text).find(|c| {
        c[1].replace(',', ".")
            .parse::<f64>()
            .is_ok_and(|x| x > MAX_EFFICACY)
    });
    let product_errors = if let Some(c) = impossible {
        let m = c.get(0).map_or((0, 0), |m| (m.start(), m.end()));
        Some(super::scan::sentence_at(text, m.0, m.1))
    } else if scan.distinct(List::ProductErrors) >= 2 && !a.products.is_empty() {
        first(List::ProductErrors)
    } else {
        None
    };
    if let Some(e) = &product_errors {
        out.push(sign("product-errors", e.clone()));
    }

    // big-order-no-detail
    let containers = scan
        .has(List::Containers)
        .then(|| {
            CONTAINERS.captures_iter(text).find_map(|c| {
                let n: u32 = c[1].parse().ok()?;
                let folded = format!(" {} ", fold(&c[2]));
                let is_container = words
                    .phrases
                    .find(&folded)
                    .iter()
                    .any(|f| f.list == List::Containers);
                (is_container && n >= MANY_CONTAINERS).then(|| {
                    let m = c.get(0).map_or(0, |m| m.start());
                    super::scan::sentence_at(text, m, m + 1)
                })
            })
        })
        .flatten();
    let big = first(List::BigOrder).or(containers);
    if let Some(e) = big
        && (a.details.knowledge() < KNOWLEDGE_FOR_BIG_ORDERS || product_errors.is_some())
    {
        out.push(sign("big-order-no-detail", e));
    }

    if let Some(e) = first(List::ListingCost) {
        out.push(sign("online-listing-cost", e));
    }
    if !scan.has(List::SamplesPaid)
        && let Some(e) = first(List::SampleHunting)
    {
        out.push(sign("sample-hunting", e));
    }
    if let (Some(visit), Some(urgent)) = (first(List::ComeVisit), first(List::Urgency)) {
        let evidence = if visit == urgent {
            visit
        } else {
            format!("{visit} … {urgent}")
        };
        out.push(sign("come-visit-urgency", evidence));
    }
    if a.own_words <= TERSE_WORDS && !a.contact.any() && a.earlier_order.is_none() {
        let shown: String = letter
            .body
            .split_whitespace()
            .take(TERSE_WORDS)
            .collect::<Vec<_>>()
            .join(" ");
        out.push(sign(
            "too-terse",
            format!(
                "{} words, no company or contact details: \"{shown}\"",
                a.own_words
            ),
        ));
    }
    if let Some(e) = first(List::InvitationLetter) {
        out.push(sign("invitation-letter", e));
    }

    out.extend(sender_signs(a, scan, ctx));
    out
}

/// The signs of who sent the message and what it carries: log-in links elsewhere, dangerous
/// attachments, replies to another domain, a known buyer's name from free mail, look-alike
/// domains.
fn sender_signs(a: &Analysis, scan: &Scan<'_>, ctx: &Context) -> Vec<Sign> {
    let words = ctx.words;
    let mut out = Vec::new();
    let first = |list: List| scan.hits(list).next().map(|f| scan.sentence(f));
    // phishing-link: a log-in or document portal on another host.
    let own = a.sender_domain.clone();
    let platform = a.platform.clone().filter(|p| !p.is_empty());
    if let Some(login) = first(List::Login) {
        let foreign = a.links.iter().find(|l| {
            let host = url::Url::parse(&l.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            let d = registrable(&host);
            Some(&d) != own.as_ref() && Some(&d) != platform.as_ref() && !host.is_empty()
        });
        if let Some(link) = foreign {
            out.push(sign("phishing-link", format!("{login} [{}]", link.url)));
        }
    }

    // dangerous-attachment
    for att in &a.attachments {
        if let Some(why) = dangerous(&att.name, ctx) {
            out.push(sign(
                "dangerous-attachment",
                format!("attachment {} ({}): {why}", att.name, att.content_type),
            ));
            break;
        }
    }

    // reply-to-mismatch: Reply-To, or an address we are told to reply to, elsewhere.
    if let (Some(from), Some(reply)) = (&a.sender_email, &a.reply_to)
        && registrable(from) != registrable(reply)
    {
        out.push(sign(
            "reply-to-mismatch",
            format!("From: {from}, Reply-To: {reply}"),
        ));
    } else if let Some(from) = &a.sender_email {
        for f in scan.hits(List::ReplyWords) {
            let sentence = scan.sentence(f);
            if let Some(m) = EMAIL.find(&sentence)
                && registrable(m.as_str()) != registrable(from)
            {
                out.push(sign("reply-to-mismatch", sentence.clone()));
                break;
            }
        }
    }

    // freemail-big-company: a known buyer's name from (or replying to) a free-mail address.
    let reply_free = a
        .reply_to
        .as_deref()
        .is_some_and(|r| words.is_free_mail(&registrable(r)));
    if (a.free_mail || reply_free)
        && let Some(name) = &a.claimed_buyer
    {
        let addr = if a.free_mail {
            a.sender_email.clone().unwrap_or_default()
        } else {
            a.reply_to.clone().unwrap_or_default()
        };
        out.push(sign(
            "freemail-big-company",
            format!("writes as {name} from the free-mail address {addr}"),
        ));
    }

    // lookalike-domain: one or two letters from a known buyer's domain.
    let mut domains: Vec<String> = Vec::new();
    domains.extend(a.sender_domain.clone());
    domains.extend(a.reply_to.as_deref().map(registrable));
    for d in domains {
        if let Some((buyer, real)) = lookalike(&d, ctx) {
            out.push(sign(
                "lookalike-domain",
                format!("{d} looks like {real} ({buyer})"),
            ));
            break;
        }
    }
    out
}

/// Why an attachment is dangerous, if it is.
fn dangerous(name: &str, ctx: &Context) -> Option<String> {
    let words = ctx.words;
    let lower = name.to_lowercase();
    let parts: Vec<&str> = lower.split('.').collect();
    let ext = *parts.last()?;
    if parts.len() < 2 {
        return None;
    }
    if words.executable_files.contains(ext) {
        if parts.len() >= 3 {
            return Some(format!(
                "a program named like a .{} document",
                parts[parts.len() - 2]
            ));
        }
        return Some("a program or script".into());
    }
    if words.risky_files.contains(ext) {
        let stem = fold(&parts[..parts.len() - 1].join(" "));
        let folded = format!(" {stem} ");
        let named_order = words
            .phrases
            .find(&folded)
            .iter()
            .any(|f| f.list == List::OrderWords)
            || stem.split(' ').any(|w| {
                w.starts_with("po") && w[2..].chars().all(|c| c.is_ascii_digit()) && w.len() > 2
            });
        if named_order {
            return Some(format!("a .{ext} file named like an order or invoice"));
        }
    }
    None
}

/// The known buyer a domain imitates: not theirs, but one or two letters away (one for short
/// names, with the same ending), or the same once look-alike characters are read alike.
pub fn lookalike(domain: &str, ctx: &Context) -> Option<(String, String)> {
    if ctx.buyer_of_domain(domain).is_some() || ctx.words.is_free_mail(domain) {
        return None;
    }
    let (label, suffix) = split_domain(domain);
    if label.len() < 3 {
        return None;
    }
    for b in &ctx.buyers {
        for real in &b.domains {
            // More than two letters apart in length: not a look-alike (cheap test first).
            if real.len().abs_diff(domain.len()) > 2 + 8 {
                continue;
            }
            let (rl, rs) = split_domain(real);
            if rl.len().abs_diff(label.len()) > 2 {
                continue;
            }
            if rl == label {
                continue;
            }
            let d = strsim::damerau_levenshtein(&label, &rl);
            let close = if rl.len() < 6 {
                d == 1 && suffix == rs
            } else {
                (1..=2).contains(&d)
            };
            if close || (homoglyphs(&label) == homoglyphs(&rl) && suffix == rs) {
                return Some((b.name.clone(), real.clone()));
            }
        }
    }
    None
}

/// A registrable domain's name and its public suffix (`koctas`, `com.tr`).
fn split_domain(domain: &str) -> (String, String) {
    let d = domain.to_ascii_lowercase();
    let suffix = psl::suffix_str(&d).unwrap_or("");
    let label = d
        .strip_suffix(suffix)
        .unwrap_or(&d)
        .trim_end_matches('.')
        .to_string();
    (label, suffix.to_string())
}

fn homoglyphs(s: &str) -> String {
    s.replace("rn", "m")
        .replace("vv", "w")
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'l' => 'i',
            '3' => 'e',
            '5' => 's',
            _ => c,
        })
        .collect()
}

/// Signs that only the sender's site shows: a company claiming to be big whose site is
/// missing, parked, not a company of the trade, or another company (unknown-big-company).
pub fn site_signs(a: &Analysis, site: Option<&SiteCheck>) -> Vec<Sign> {
    let Some(claim) = &a.big_claim else {
        return Vec::new();
    };
    let why = match site {
        Some(s) => match &s.outcome {
            SiteOutcome::Missing(reason) => Some(format!("its site could not be found ({reason})")),
            SiteOutcome::Parked => Some("its domain is parked (for sale)".to_string()),
            SiteOutcome::Graded { grade, .. } if grade.as_str() == "X" => {
                Some("its site shows no company of our trade".to_string())
            }
            SiteOutcome::Graded {
                company_agrees: Some(false),
                site_company,
                ..
            } => Some(format!(
                "its site is another company's ({})",
                site_company.clone().unwrap_or_default()
            )),
            _ => None,
        },
        None if a.free_mail => Some("it writes from a free-mail address".to_string()),
        None if a.contact.website.is_none() && a.contact.phones.is_empty() => {
            Some("it gives no website and no phone".to_string())
        }
        None => None,
    };
    why.map(|w| vec![sign("unknown-big-company", format!("{claim} — but {w}"))])
        .unwrap_or_default()
}

/// Whether the signs make the inquiry a scam: one strong sign, or a Reply-To to a free-mail
/// address, or two weak ones (a big order without details, a terse mail, another Reply-To).
pub fn is_scam(a: &Analysis, signs: &[Sign]) -> bool {
    let words = super::words::builtin();
    let mut weak = 0;
    for s in signs {
        match s.code {
            "invitation-letter" => {
                // A real buyer planning a visit may ask for one.
                if a.products.is_empty() || a.details.kinds() < 3 {
                    return true;
                }
                weak += 1;
            }
            "reply-to-mismatch" => {
                let free = a
                    .reply_to
                    .as_deref()
                    .is_some_and(|r| words.is_free_mail(&registrable(r)));
                if free || a.reply_to.is_none() {
                    return true;
                }
                weak += 1;
            }
            code if STRONG.contains(&code) => return true,
            _ => weak += 1,
        }
    }
    weak >= 2
}
