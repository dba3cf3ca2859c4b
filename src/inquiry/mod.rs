//! Inquiry triage (`prospect inquiry`, seeds 001 and 002): reads buyers' inquiries (`.eml`,
//! `.mbox`, `.txt`), says what each asks for and who wrote it, finds the signs of a scam or of
//! junk, gives it a level 1–4 and a buyer type, and says by when and how to answer.
//!
//! [`analyse`] reads everything a message itself shows (pure, fast: no network); the command
//! then may visit the sender's site ([`background`]) and [`finish`] adds what the site shows,
//! decides scam, level and buyer type, and the follow-up ([`followup`]).

pub mod background;
pub mod details;
pub mod followup;
pub mod html;
pub mod letter;
pub mod level;
pub mod read;
pub mod report;
pub mod scan;
pub mod sender;
pub mod sheet;
pub mod signs;
pub mod words;

use std::sync::Arc;

use crate::extract::Domain;
use crate::normalize::fold;
use crate::plan::Plan;
use crate::store::Grade;
use crate::templates::LangData;

use details::{Details, Products};
use letter::Letter;
use read::{Attachment, Link, Mail, Stamp};
use scan::Scan;
use sender::{Contact, Country, Places};
use words::{List, Words};

/// A scam or junk sign and the sentence or header that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sign {
    pub code: &'static str,
    pub evidence: String,
}

/// The kinds of buyer of seed 001.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BuyerType {
    Retailer,
    Trader,
    OemImporter,
    Chain,
    Generalist,
    Unknown,
}

impl BuyerType {
    pub fn as_str(self) -> &'static str {
        match self {
            BuyerType::Retailer => "retailer",
            BuyerType::Trader => "trader",
            BuyerType::OemImporter => "oem-importer",
            BuyerType::Chain => "chain",
            BuyerType::Generalist => "generalist",
            BuyerType::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<BuyerType> {
        [
            BuyerType::Retailer,
            BuyerType::Trader,
            BuyerType::OemImporter,
            BuyerType::Chain,
            BuyerType::Generalist,
            BuyerType::Unknown,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// A well-known buyer: the plan's `big_buyers` and the shipped retail chains.
#[derive(Debug, Clone)]
pub struct KnownBuyer {
    pub name: String,
    pub domains: Vec<String>,
    /// A retail chain (from `chains.yaml`), not only a big buyer of the plan.
    pub chain: bool,
}

/// Everything triage needs, built once for a plan.
pub struct Context {
    pub words: &'static Words,
    pub products: Products,
    pub places: Places,
    pub lang: Arc<LangData>,
    pub buyers: Vec<KnownBuyer>,
    /// Folded names of known buyers (` obi `) → buyer index.
    buyer_names: Vec<(String, usize)>,
}

impl Context {
    pub fn new(plan: &Plan, lang: Arc<LangData>) -> Context {
        let words = words::builtin();
        let mut buyers: Vec<KnownBuyer> = Vec::new();
        for b in &plan.big_buyers {
            buyers.push(KnownBuyer {
                name: b.name.clone(),
                domains: b.domain.iter().map(|d| d.to_ascii_lowercase()).collect(),
                chain: false,
            });
        }
        for c in &words.chains {
            let same = buyers.iter_mut().find(|b| {
                fold(&b.name) == fold(&c.name) || b.domains.iter().any(|d| c.domains.contains(d))
            });
            match same {
                Some(b) => {
                    b.chain = true;
                    for d in &c.domains {
                        if !b.domains.contains(d) {
                            b.domains.push(d.clone());
                        }
                    }
                }
                None => buyers.push(KnownBuyer {
                    name: c.name.clone(),
                    domains: c.domains.clone(),
                    chain: true,
                }),
            }
        }
        let mut buyer_names = Vec::new();
        for (i, b) in buyers.iter().enumerate() {
            buyer_names.push((fold(&b.name), i));
            if let Some(c) = words.chains.iter().find(|c| fold(&c.name) == fold(&b.name)) {
                for a in &c.aliases {
                    buyer_names.push((fold(a), i));
                }
            }
        }
        buyer_names.retain(|(n, _)| n.len() >= 3);
        Context {
            products: Products::new(plan, words),
            places: Places::new(&lang, words),
            words,
            lang,
            buyers,
            buyer_names,
        }
    }

    /// The known buyer whose domain this is.
    pub fn buyer_of_domain(&self, domain: &str) -> Option<usize> {
        self.buyers
            .iter()
            .position(|b| b.domains.iter().any(|d| d == domain))
    }

    /// The first known buyer named in a text: whole words written as a name is (each word
    /// capitalised, so "our target price" is not Target); a name of four letters or fewer
    /// written exactly as the list writes it (the surname Obi is not OBI).
    pub fn buyer_named(&self, text: &str) -> Option<usize> {
        let folded = format!(" {} ", fold(text));
        self.buyer_names
            .iter()
            .filter(|(n, _)| folded.contains(&format!(" {n} ")))
            .filter(|(n, i)| {
                if n.chars().count() > 4 {
                    capitalised(text, n)
                } else {
                    self.written_as_listed(text, *i)
                }
            })
            .max_by_key(|(n, _)| n.len())
            .map(|(_, i)| *i)
    }

    /// Whether a short buyer name stands in a text in the list's own letters.
    fn written_as_listed(&self, text: &str, i: usize) -> bool {
        let mut names = vec![self.buyers[i].name.clone()];
        if let Some(c) = self
            .words
            .chains
            .iter()
            .find(|c| c.name == self.buyers[i].name)
        {
            names.extend(c.aliases.iter().cloned());
        }
        text.split(|c: char| !c.is_alphanumeric())
            .any(|w| names.iter().any(|n| n == w))
    }
}

/// Whether the folded name `name` stands in `text` with every word capitalised.
fn capitalised(text: &str, name: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let want: Vec<&str> = name.split(' ').collect();
    if want.is_empty() || words.len() < want.len() {
        return false;
    }
    words.windows(want.len()).any(|run| {
        run.iter()
            .zip(&want)
            .all(|(w, n)| fold(w) == *n && w.chars().next().is_some_and(|c| !c.is_lowercase()))
    })
}

/// What a message itself shows (before any site is visited).
#[derive(Debug, Clone)]
pub struct Analysis {
    pub source: String,
    /// Message-ID, else `sha:` and the hash of the message.
    pub key: String,
    pub subject: String,
    pub date: Option<Stamp>,
    pub sender_name: Option<String>,
    pub sender_email: Option<String>,
    /// The sender's registrable domain.
    pub sender_domain: Option<String>,
    pub free_mail: bool,
    pub reply_to: Option<String>,
    pub contact: Contact,
    pub country: Option<Country>,
    pub products: Vec<String>,
    pub details: Details,
    pub replies: usize,
    pub platform: Option<String>,
    pub forwarded_by: Option<String>,
    pub attachments: Vec<Attachment>,
    pub links: Vec<Link>,
    /// Signs the message shows by itself.
    pub signs: Vec<Sign>,
    /// A claim to be big (`one of the largest`): the sentence.
    pub big_claim: Option<String>,
    /// An earlier order or sample order of the sender: the sentence.
    pub earlier_order: Option<String>,
    /// A visit to us: the sentence.
    pub visited: Option<String>,
    /// The known buyer the sender's own domain belongs to.
    pub known_buyer: Option<String>,
    pub known_chain: bool,
    /// The known buyer the sender writes as (display name, company, signature, a sentence
    /// about itself, the subject), whatever its address.
    pub claimed_buyer: Option<String>,
    /// The same when that buyer is a retail chain.
    pub claimed_chain: Option<String>,
    /// Buyer-type evidence from the message's words (see [`level::buyer_type`]).
    pub type_words: level::TypeWords,
    /// Whether the letter makes a request at all (a request word or a question).
    pub requests: bool,
    /// Words of the buyer's own text (signature left out).
    pub own_words: usize,
    pub notes: Vec<String>,
}

/// Reads what a message shows.
pub fn analyse(mail: &Mail, ctx: &Context) -> Analysis {
    let words = ctx.words;
    let letter: Letter = letter::read(mail, words);
    let sig = sender::signature(&letter.body, words);
    let contact0 = sender::contact(&sig, &letter.fields, letter.sender.as_ref(), words);
    let mut contact = contact0;
    // Numbers written without a prefix are read in the country the address names.
    let pre_country = sender::country(&letter, &sig, &contact, &ctx.places, &ctx.lang, words);
    sender::numbers(
        &sig,
        &letter.fields,
        pre_country.as_ref().map(|c| c.code.as_str()),
        &mut contact,
        words,
    );
    let country = sender::country(&letter, &sig, &contact, &ctx.places, &ctx.lang, words);

    // The text the inquiry's needs are read from: the subject and the buyer's words.
    let subject_line = if letter.platform.is_some() {
        String::new()
    } else {
        letter.subject.clone()
    };
    let text = format!("{subject_line}\n{}", letter.body);
    let scan = Scan::new(&text, words);
    let products = products_asked(&text, ctx);
    let mut details = details::details(&text, &scan, words, !products.is_empty());
    if letter.replies > 0 && details.kinds() < 3 {
        // A thread: what was settled earlier counts too.
        let hist = Scan::new(&letter.history, words);
        let earlier = details::details(&letter.history, &hist, words, !products.is_empty());
        merge_details(&mut details, earlier);
    }

    let sender_email = letter.sender.as_ref().map(|a| a.email.clone());
    let sender_domain = sender_email
        .as_deref()
        .and_then(|e| e.rsplit_once('@'))
        .map(|(_, d)| Domain::of_host_or_self(d).to_string());
    let free_mail = sender_domain
        .as_deref()
        .is_some_and(|d| words.is_free_mail(d));
    let known = sender_domain
        .as_deref()
        .filter(|_| !free_mail)
        .and_then(|d| ctx.buyer_of_domain(d));
    if contact.company.is_none()
        && let Some(i) = known
    {
        contact.company = Some(ctx.buyers[i].name.clone());
    }
    let own_words = own_word_count(&letter.body, &sig);
    let requests = scan.has(List::Request) || text.contains('?');
    let earlier_order = scan
        .hits(List::EarlierOrder)
        .next()
        .map(|f| scan.sentence(f))
        .or_else(|| sentence_with(&scan, List::Samples, List::SampleDone, words));
    let visited = scan
        .hits(List::Visited)
        .next()
        .map(|f| scan.sentence(f))
        .or_else(|| sentence_with(&scan, List::VisitWords, List::Thanks, words));
    let big_claim = scan.hits(List::BigClaim).next().map(|f| scan.sentence(f));
    let spoken = without_signature(&text, &sig);
    let spoken_scan = Scan::new(&spoken, words);
    let type_words = level::type_words(&spoken_scan, &letter, &contact);
    let claimed = claimed_buyer(&letter, &contact, &scan, ctx);

    let mut a = Analysis {
        source: mail.source.to_string(),
        key: mail
            .message_id
            .clone()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("sha:{}", mail.hash)),
        subject: letter.subject.clone(),
        date: mail.date.or_else(|| {
            letter
                .fields
                .date
                .as_deref()
                .and_then(followup::parse_form_date)
        }),
        sender_name: contact
            .name
            .clone()
            .or_else(|| letter.sender.as_ref().and_then(|s| s.name.clone())),
        sender_email,
        sender_domain,
        free_mail,
        reply_to: letter.reply_to.as_ref().map(|r| r.email.clone()),
        contact,
        country,
        products,
        details,
        replies: letter.replies,
        platform: letter.platform.clone(),
        forwarded_by: letter.forwarded_by.as_ref().map(|a| a.email.clone()),
        attachments: mail.attachments.clone(),
        links: mail.links.clone(),
        signs: Vec::new(),
        big_claim,
        earlier_order,
        visited,
        known_buyer: known.map(|i| ctx.buyers[i].name.clone()),
        known_chain: known.is_some_and(|i| ctx.buyers[i].chain),
        claimed_buyer: claimed.map(|i| ctx.buyers[i].name.clone()),
        claimed_chain: claimed
            .filter(|i| ctx.buyers[*i].chain)
            .map(|i| ctx.buyers[i].name.clone()),
        type_words,
        requests,
        own_words,
        notes: mail.notes.clone(),
    };
    a.signs = signs::message_signs(&a, &letter, &text, &scan, ctx);
    a
}

/// The first sentence with a phrase of `a` and one of `b` and no word of a plan (`Future`):
/// samples that were approved, thanks for a visit.
fn sentence_with(scan: &Scan<'_>, a: List, b: List, words: &Words) -> Option<String> {
    scan.hits(a).find_map(|f| {
        let sentence = scan.sentence(f);
        let s = Scan::new(&sentence, words);
        (s.has(b) && !s.has(List::Future)).then_some(sentence)
    })
}

/// A text without its signature lines (what the sender says, not its names and numbers).
fn without_signature(text: &str, sig: &[String]) -> String {
    let sig: std::collections::HashSet<&str> = sig.iter().map(|l| l.trim()).collect();
    text.lines()
        .filter(|l| !sig.contains(l.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The known buyer the sender writes as: in its display name, its company, or a sentence
/// about itself that does not name its customers.
fn claimed_buyer(
    letter: &Letter,
    contact: &Contact,
    scan: &Scan<'_>,
    ctx: &Context,
) -> Option<usize> {
    let mut texts: Vec<String> = Vec::new();
    texts.extend(letter.sender.as_ref().and_then(|s| s.name.clone()));
    texts.extend(contact.company.clone());
    for f in scan.hits(List::SelfIntro) {
        let sentence = scan.sentence(f);
        // "We supply Carrefour and Lulu" names customers, not the sender.
        if !Scan::new(&sentence, ctx.words).has(List::SellTo) {
            texts.push(sentence);
        }
    }
    texts.iter().find_map(|t| ctx.buyer_named(t))
}

fn merge_details(d: &mut Details, e: Details) {
    for (to, from) in [
        (&mut d.models, e.models),
        (&mut d.specs, e.specs),
        (&mut d.certifications, e.certifications),
        (&mut d.quantities, e.quantities),
        (&mut d.packaging, e.packaging),
        (&mut d.shipping, e.shipping),
        (&mut d.payment, e.payment),
        (&mut d.target_price, e.target_price),
        (&mut d.delivery, e.delivery),
    ] {
        if to.is_empty() {
            *to = from;
        }
    }
}

/// Words of the letter before its signature.
fn own_word_count(body: &str, sig: &[String]) -> usize {
    let total = body.split_whitespace().count();
    let sig_words: usize = sig.iter().map(|l| l.split_whitespace().count()).sum();
    total.saturating_sub(sig_words)
}

/// The products the letter asks about: named outside sentences that only say what the
/// sender itself sells ("we are traders dealing in LED tubes").
fn products_asked(text: &str, ctx: &Context) -> Vec<String> {
    let found = ctx.products.find(text);
    let mut asked: Vec<usize> = Vec::new();
    for (i, start, end) in &found {
        let sentence = scan::sentence_at(text, *start, (*end).max(*start));
        let s = Scan::new(&sentence, ctx.words);
        let self_only = s.has(List::SelfIntro) && !s.has(List::Request) && !sentence.contains('?');
        if !self_only && !asked.contains(i) {
            asked.push(*i);
        }
    }
    asked.sort_unstable();
    asked
        .into_iter()
        .map(|i| ctx.products.name(i).to_string())
        .collect()
}

/// The triage of one inquiry.
#[derive(Debug, Clone)]
pub struct Inquiry {
    pub analysis: Analysis,
    pub signs: Vec<Sign>,
    pub scam: bool,
    pub level: u8,
    pub buyer_type: BuyerType,
    /// Why the level (one sentence).
    pub level_reason: String,
    pub site: Option<background::SiteCheck>,
    /// Unix time; none for level 4.
    pub reply_by: Option<i64>,
    pub next_step: String,
}

/// Decides scam, level, buyer type and the follow-up, with what the sender's site showed
/// and the grade the campaign store already gave its domain.
pub fn finish(
    a: Analysis,
    site: Option<background::SiteCheck>,
    stored: Option<Grade>,
    now: i64,
) -> Inquiry {
    let mut signs = a.signs.clone();
    signs.extend(signs::site_signs(&a, site.as_ref()));
    let scam = signs::is_scam(&a, &signs);
    let (level, level_reason) = level::level(&a, scam, stored);
    let buyer_type = level::buyer_type(&a, scam);
    let reply_by = followup::reply_by(level, a.date, now);
    let next_step = followup::next_step(&a, level, scam, &signs, site.as_ref());
    Inquiry {
        analysis: a,
        signs,
        scam,
        level,
        buyer_type,
        level_reason,
        site,
        reply_by,
        next_step,
    }
}
