//! The inquiry's level 1–4 (seed 002's customer classification) and its buyer type (seed
//! 001: retailer, trader, OEM importer, chain, generalist).

use std::sync::LazyLock;

use regex::Regex;

use crate::normalize::fold;
use crate::store::Grade;

use super::details::re;
use super::letter::Letter;
use super::scan::Scan;
use super::sender::Contact;
use super::words::{List, builtin};
use super::{Analysis, BuyerType};

/// Earlier messages quoted that make a long exchange (seed 002: "at least 6 replies").
pub const LONG_THREAD: usize = 6;
/// Kinds of detail of a detailed inquiry (with complete contact details) …
pub const DETAILED: usize = 5;
/// … or this many with a company and a phone.
pub const VERY_DETAILED: usize = 6;
/// Stores a chain has at least ("for our 2,600 stores").
const CHAIN_STORES: u32 = 20;

static STORES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?-u:\b)(\d{1,3}(?:[.,\s]\d{3})*|\d+)\s+(\p{L}+)"));

/// What the words of a message say about the kind of buyer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeWords {
    pub own_brand: bool,
    pub retail: bool,
    pub trade: bool,
    pub generalist: bool,
    /// "for our 2,600 stores".
    pub many_stores: bool,
    /// The type the company's name or a platform's business-type field suggests.
    pub name_type: Option<BuyerType>,
}

/// Reads the buyer-type words of a letter.
pub fn type_words(scan: &Scan<'_>, letter: &Letter, contact: &Contact) -> TypeWords {
    let words = builtin();
    let mut t = TypeWords::default();
    let read = |scan: &Scan<'_>, t: &mut TypeWords| {
        t.own_brand |= scan.has(List::OwnBrand);
        t.trade |= scan.has(List::Trade);
        t.generalist |= scan.has(List::Generalist);
        for f in scan.hits(List::Retail) {
            let sentence = scan.sentence(f);
            let s = Scan::new(&sentence, words);
            if !s.has(List::SellTo) {
                t.retail = true;
            }
        }
    };
    read(scan, &mut t);
    if !(t.own_brand || t.trade || t.generalist || t.retail || letter.history.is_empty()) {
        let hist = Scan::new(&letter.history, words);
        read(&hist, &mut t);
    }
    t.many_stores = scan.has(List::Stores)
        && STORES.captures_iter(scan.original).any(|c| {
            let n: u32 = c[1]
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(0);
            let w = format!(" {} ", fold(&c[2]));
            n >= CHAIN_STORES
                && words
                    .phrases
                    .find(&w)
                    .iter()
                    .any(|f| f.list == List::Stores)
        });
    let named = [letter.fields.business_type.clone(), contact.company.clone()];
    for text in named.into_iter().flatten() {
        let s = Scan::new(&text, words);
        let ty = if s.has(List::OwnBrand) {
            Some(BuyerType::OemImporter)
        } else if s.has(List::Generalist) {
            Some(BuyerType::Generalist)
        } else if s.has(List::Retail) {
            Some(BuyerType::Retailer)
        } else if s.has(List::Trade) || fold(&text).contains("trading") {
            Some(BuyerType::Trader)
        } else {
            None
        };
        if ty.is_some() {
            t.name_type = ty;
            break;
        }
    }
    t
}

/// The buyer type: a chain (its own domain, or a chain's name or its many stores claimed),
/// an OEM importer (own brand, private label), a generalist (all kinds of goods, a consultant,
/// a beginner), a retailer (its own shop), a trader (importer, wholesaler, distributor,
/// contractor collecting offers); for an honest inquiry also what its company's name says.
pub fn buyer_type(a: &Analysis, scam: bool) -> BuyerType {
    let t = &a.type_words;
    if a.known_chain || a.claimed_chain.is_some() || t.many_stores {
        return BuyerType::Chain;
    }
    if t.own_brand {
        return BuyerType::OemImporter;
    }
    // A big buyer of the plan that is no retail chain (a brand: Signify) buys under its name.
    if a.known_buyer.is_some() || a.claimed_buyer.is_some() {
        return BuyerType::OemImporter;
    }
    if t.generalist {
        return BuyerType::Generalist;
    }
    if t.retail {
        return BuyerType::Retailer;
    }
    if t.trade {
        return BuyerType::Trader;
    }
    if scam {
        return BuyerType::Unknown;
    }
    if let Some(ty) = t.name_type {
        return ty;
    }
    // A company (or a buyer with concrete needs) that says nothing else of itself: the
    // intermediate trader seed 001 meets most on B2B platforms.
    let d = &a.details;
    let concrete = !a.products.is_empty() && (!d.quantities.is_empty() || !d.specs.is_empty());
    if a.contact.company.is_some() || concrete {
        return BuyerType::Trader;
    }
    BuyerType::Unknown
}

/// The level and why (seed 002): 1 — ordered or sampled before, visited us, or evidently
/// influential (a known buyer from its own domain, a sender the campaign graded A or B);
/// 2 — detailed knowledge with complete contact details, or a long exchange; 3 — names our
/// products with concrete requirements; 4 — the rest, and every scam.
pub fn level(a: &Analysis, scam: bool, stored: Option<Grade>) -> (u8, String) {
    if scam {
        return (4, "signs of a scam or of junk".into());
    }
    if let Some(e) = &a.earlier_order {
        return (1, format!("refers to an earlier order or samples: \"{e}\""));
    }
    if let Some(e) = &a.visited {
        return (1, format!("has visited us: \"{e}\""));
    }
    if let Some(b) = &a.known_buyer {
        return (
            1,
            format!("{b}, a known buyer, writing from its own domain"),
        );
    }
    if let Some(g) = stored.filter(|g| matches!(g, Grade::A | Grade::B)) {
        return (
            1,
            format!("its site is graded {} in the campaign store", g.as_str()),
        );
    }
    if a.replies >= LONG_THREAD {
        return (
            2,
            format!("a long exchange: {} earlier messages quoted", a.replies),
        );
    }
    let kinds = a.details.kinds();
    let c = &a.contact;
    let detailed = !a.products.is_empty()
        && (kinds >= DETAILED && c.complete()
            || kinds >= VERY_DETAILED && c.company.is_some() && !c.phones.is_empty());
    if detailed {
        return (
            2,
            format!("detailed: {kinds} kinds of detail and full contact details"),
        );
    }
    let d = &a.details;
    let requirement = !d.quantities.is_empty()
        || !d.specs.is_empty()
        || !d.models.is_empty()
        || !d.target_price.is_empty();
    if !a.products.is_empty() && requirement {
        return (
            3,
            format!(
                "names {} with concrete requirements",
                a.products.join(" and ")
            ),
        );
    }
    let why = if a.products.is_empty() {
        "no product of ours named"
    } else {
        "names our products but no requirement"
    };
    (4, why.into())
}
