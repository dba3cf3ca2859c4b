//! Grading a company from its pages (seed 000, section 3.1): the share of its catalogue that
//! is ours gives A/B/C; a listing of one company elsewhere gives D; nothing of our trade, or
//! not a company at all, gives X. Every grade comes with its evidence.

use std::collections::BTreeSet;

use hashbrown::HashSet;

use url::Url;

use super::facts;
use super::matcher::{Hit, Matcher, TermKind};
use super::normalize::fold;
use super::words::{BIG, LISTING_AND_NOT_A_COMPANY, NOT_A_COMPANY, SINCE, WordList};
use crate::extract::contacts::{self, Contacts};
use crate::extract::links::PageKind;
use crate::extract::page::{self, PageText};
use crate::plan::Plan;
use crate::templates::LangData;

pub use crate::store::Grade;

/// One page of a site, as stored or as saved.
#[derive(Debug, Clone)]
pub struct SitePage {
    pub url: Url,
    pub kind: PageKind,
    pub html: String,
}

/// What one catalogue item is, for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// One of our products (the terms that matched).
    Ours(Vec<String>),
    /// A related product or our industry.
    Trade(Vec<String>),
    /// A word that means "not our product" (exclude_words).
    Excluded(String),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDecision {
    pub text: String,
    pub page: String,
    pub verdict: Verdict,
}

/// A graded company: the lead sheet's columns (SPEC §8) and the decisions behind the grade.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    pub domain: String,
    pub company: Option<String>,
    pub grade: Grade,
    /// Our share of the catalogue (0–1).
    pub match_share: f64,
    pub ours: usize,
    pub items: usize,
    pub big: bool,
    pub customer_type: Option<String>,
    pub country: Option<String>,
    pub country_reason: Option<String>,
    pub website: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub contact_page: Option<String>,
    pub social: Vec<String>,
    pub matched_products: Vec<String>,
    pub evidence: String,
    pub decisions: Vec<ItemDecision>,
}

/// Grades a site from its pages.
pub fn grade_site(
    plan: &Plan,
    matcher: &Matcher,
    lang: &LangData,
    domain: &str,
    pages: &[SitePage],
) -> Lead {
    // Each page is parsed once; its text and its contacts are read from the same tree.
    let docs: Vec<scraper::Html> = pages
        .iter()
        .map(|p| crate::extract::parse_html(&p.html))
        .collect();
    let analysed: Vec<(&SitePage, PageText)> = pages
        .iter()
        .zip(&docs)
        .map(|(p, d)| (p, page::analyze_doc(d, p.kind == PageKind::Products)))
        .collect();
    let site_lang = analysed.iter().find_map(|(_, t)| t.lang.clone());
    // The languages the pages may be in (English terms are stemmed in each): those the pages
    // declare, else those of the plan's local names.
    let mut langs: Vec<&str> = analysed
        .iter()
        .filter_map(|(_, t)| t.lang.as_deref())
        .collect();
    if langs.is_empty() {
        langs.extend(
            plan.products
                .iter()
                .flat_map(|p| p.names.keys().map(String::as_str)),
        );
    }
    langs.sort_unstable();
    langs.dedup();

    // Catalogue items from catalogue pages and the home page.
    let has_catalogue_page = analysed
        .iter()
        .any(|(p, t)| p.kind == PageKind::Products && !t.items.is_empty());
    let catalogue_read = |p: &SitePage| match p.kind {
        PageKind::Products | PageKind::Home => true,
        _ => !has_catalogue_page && p.kind == PageKind::About,
    };
    let candidates: Vec<(&str, &SitePage)> = analysed
        .iter()
        .filter(|(p, _)| catalogue_read(p))
        .flat_map(|(p, t)| t.items.iter().map(move |item| (item.as_str(), *p)))
        .collect();

    // Text-level context: what the site says about itself. `all_text` is all of it; on the
    // pages whose items are read, what is searched beside the items leaves their text out.
    let mut about = String::new();
    let mut all_text = String::new();
    let mut beside_items = String::new();
    let mut legal = String::new();
    let mut address = String::new();
    for (p, t) in &analysed {
        let block = page_block(t, &t.main_text);
        all_text.push_str(&block);
        if catalogue_read(p) {
            beside_items.push_str(&page_block(t, &t.rest_text));
        } else {
            beside_items.push_str(&block);
        }
        // Image alt texts, each once, and not those that repeat an item's name (a product
        // card's photo): the text is read for what it mentions, not how often.
        let known: HashSet<&str> = t.items.iter().map(String::as_str).collect();
        let mut seen: HashSet<&str> = HashSet::new();
        for alt in &t.alts {
            if !known.contains(alt.as_str()) && seen.insert(alt.as_str()) {
                for text in [&mut all_text, &mut beside_items] {
                    text.push_str(alt);
                    text.push('\n');
                }
            }
        }
        if matches!(p.kind, PageKind::Home | PageKind::About | PageKind::Legal) {
            about.push_str(&block);
        }
        if p.kind == PageKind::Legal {
            legal.push_str(&t.main_text);
            legal.push('\n');
        }
        if matches!(p.kind, PageKind::Legal | PageKind::Contact) {
            address.push_str(&t.main_text);
            address.push('\n');
        }
        address.push_str(&t.chrome_text);
        address.push('\n');
    }

    // The items and the site's text searched in one pass (each distinct word stemmed once).
    let mut texts: Vec<&str> = candidates.iter().map(|(item, _)| *item).collect();
    texts.push(&beside_items);
    let found = matcher.find_each(&texts, &langs);
    // Each item once (as folded: `LED-Lampe` and `LED Lampe` are one).
    let mut decisions = Vec::new();
    let mut seen = HashSet::new();
    for (i, (item, page)) in candidates.iter().enumerate() {
        if !seen.insert(found.folded(i)) {
            continue;
        }
        decisions.push(ItemDecision {
            text: item.to_string(),
            page: page.url.to_string(),
            verdict: verdict(matcher, &found.hits[i]),
        });
    }
    let items = decisions.len();
    let ours = decisions
        .iter()
        .filter(|d| matches!(d.verdict, Verdict::Ours(_)))
        .count();
    let trade = decisions
        .iter()
        .filter(|d| matches!(d.verdict, Verdict::Trade(_)))
        .count();
    // What the site's text names: in its items and beside them. The fold of both serves
    // the word lists too (the home page's title is in it already).
    let text_hits: Vec<&Hit> = found.hits.iter().flatten().collect();
    let folded_all = found.folded_all();
    let text_kinds: Vec<TermKind> = text_hits
        .iter()
        .map(|h| matcher.terms()[h.term].kind)
        .collect();
    let text_ours = text_kinds
        .iter()
        .filter(|k| matches!(k, TermKind::Product(_)))
        .count();
    let text_trade = text_kinds
        .iter()
        .filter(|k| matches!(k, TermKind::Related | TermKind::Industry))
        .count();
    let text_excluded = text_kinds
        .iter()
        .filter(|k| matches!(k, TermKind::Exclude))
        .count();

    // Contacts and facts.
    let home = analysed
        .iter()
        .find(|(p, _)| p.kind == PageKind::Home)
        .or(analysed.first());
    let head_title = home.map(|(_, t)| t.title.clone()).unwrap_or_default();
    let site_name = home.and_then(|(_, t)| t.site_name.clone());
    let chrome: String = analysed
        .iter()
        .map(|(_, t)| t.chrome_text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    // Phone numbers written without a country code need the country: from the domain or
    // the address, else from a number written with one, else the first of the page
    // language's countries under which the page's national numbers are valid.
    let walked: Vec<contacts::Walked> = pages
        .iter()
        .zip(&docs)
        .map(|(p, d)| contacts::walk(&p.url, d))
        .collect();
    let extract_all = |region: Option<&str>| -> Contacts {
        contacts::merge(walked.iter().map(|w| w.contacts(region)))
    };
    let from_site =
        facts::country(domain, &address, &[], site_lang.as_deref(), lang).map(|(c, _)| c);
    let mut contacts = extract_all(from_site.as_deref());
    if from_site.is_none() {
        let known = contacts.phones.first().and_then(|first| {
            facts::country("", "", std::slice::from_ref(&first.e164), None, lang).map(|(c, _)| c)
        });
        let candidates: Vec<String> = match known {
            Some(c) => vec![c],
            None => {
                let mut c = facts::countries_named(&format!("{head_title}\n{chrome}"), lang);
                c.extend(
                    site_lang
                        .as_deref()
                        .map(facts::countries_of_language)
                        .unwrap_or_default()
                        .iter()
                        .map(|c| c.to_string()),
                );
                c
            }
        };
        for region in &candidates {
            let found = extract_all(Some(region));
            if found.phones.len() > contacts.phones.len() {
                contacts = found;
                break;
            }
        }
    }
    let phones: Vec<String> = contacts.phones.iter().map(|p| p.e164.clone()).collect();
    let (country, country_reason) =
        facts::country(domain, &address, &phones, site_lang.as_deref(), lang)
            .map_or((None, None), |(c, r)| (Some(c), Some(r)));
    let own_domain = domain.trim_start_matches("www.");
    let foreign_emails = !own_domain.is_empty()
        && !contacts.emails.is_empty()
        && contacts
            .emails
            .iter()
            .all(|e| !e.rsplit('@').next().unwrap_or("").ends_with(own_domain));
    let says = |words: &WordList| words.found_in(folded_all);
    let counts = LISTING_AND_NOT_A_COMPANY.found_in(folded_all);
    let (listing, not_company) = (counts[0] > 0, counts[1] > 0);
    // A site whose own titles and addresses call it a blog, news or classifieds, and that has
    // no catalogue page, is not a company catalogue, however many products a post names.
    let titles: String = analysed
        .iter()
        .map(|(p, t)| {
            format!(
                "{} {}",
                t.title,
                p.url.path().replace(['/', '-', '_', '.'], " ")
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let titles = format!(" {} ", fold(&titles));
    let self_described_not_company = NOT_A_COMPANY.found_in(&titles) > 0 && !has_catalogue_page;

    // Words in another sense: our product words on a site that shows excluded words and
    // nothing else of our trade are not ours.
    let other_sense = text_excluded > 0 && text_trade == 0 && trade == 0;
    let share = if items == 0 {
        0.0
    } else {
        ours as f64 / items as f64
    };
    let reachable = !contacts.emails.is_empty() || !contacts.phones.is_empty();
    let grade = if other_sense {
        Grade::X
    } else if (listing || foreign_emails) && text_ours > 0 && reachable && ours <= 1 {
        Grade::D
    } else if items == 0 || (not_company && items < 3) || self_described_not_company {
        if text_ours > 0 && !not_company && reachable {
            Grade::C
        } else {
            Grade::X
        }
    } else if share >= plan.grading.a {
        Grade::A
    } else if share >= plan.grading.b {
        Grade::B
    } else if ours > 0 || trade > 0 || text_trade > 0 {
        Grade::C
    } else {
        Grade::X
    };

    let big = grade == Grade::C && (items >= 200 || says(&BIG) > 0 || decades(&all_text));
    let matched: BTreeSet<&str> = decisions
        .iter()
        .filter_map(|d| match &d.verdict {
            Verdict::Ours(t) => Some(t),
            _ => None,
        })
        .flatten()
        .map(String::as_str)
        .collect();
    let matched_products: Vec<String> = if matched.is_empty() && grade == Grade::D {
        text_hits
            .iter()
            .filter(|h| matches!(matcher.terms()[h.term].kind, TermKind::Product(_)))
            .map(|h| matcher.terms()[h.term].text.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        matched.into_iter().map(String::from).collect()
    };
    let company = if grade == Grade::D {
        d_company(&contacts, &legal, &all_text)
            .or_else(|| facts::company_name(&legal, &chrome, site_name.as_deref(), &head_title))
    } else {
        facts::company_name(&legal, &chrome, site_name.as_deref(), &head_title)
    };
    let customer_type = facts::customer_type(&about, lang);
    let contact_page = pages
        .iter()
        .find(|p| p.kind == PageKind::Contact)
        .map(|p| p.url.to_string());
    let website = pages
        .iter()
        .find(|p| p.kind == PageKind::Home)
        .or(pages.first())
        .map(|p| p.url.to_string())
        .unwrap_or_default();
    let catalogue_pages: BTreeSet<String> = decisions
        .iter()
        .filter(|d| matches!(d.verdict, Verdict::Ours(_)))
        .map(|d| d.page.as_str())
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(short_page)
        .collect();
    let evidence = evidence(
        grade,
        ours,
        items,
        trade,
        &matched_products,
        &catalogue_pages,
        text_excluded,
        other_sense,
    );
    Lead {
        domain: domain.to_string(),
        company,
        grade,
        match_share: (share * 100.0).round() / 100.0,
        ours,
        items,
        big,
        customer_type,
        country,
        country_reason,
        website,
        emails: contacts.emails,
        phones,
        contact_page,
        social: contacts.social.iter().map(Url::to_string).collect(),
        matched_products,
        evidence,
        decisions,
    }
}

/// A page's title, description, headings and `body`, a line each.
fn page_block(t: &PageText, body: &str) -> String {
    let headings: usize = t.headings.iter().map(|h| h.len() + 1).sum();
    let mut block =
        String::with_capacity(t.title.len() + t.description.len() + headings + body.len() + 4);
    for part in [&t.title, &t.description] {
        block.push_str(part);
        block.push('\n');
    }
    for (i, heading) in t.headings.iter().enumerate() {
        if i > 0 {
            block.push('\n');
        }
        block.push_str(heading);
    }
    block.push('\n');
    block.push_str(body);
    block.push('\n');
    block
}

/// What an item is, from the terms found in it.
fn verdict(matcher: &Matcher, hits: &[Hit]) -> Verdict {
    let terms = matcher.terms();
    if let Some(h) = hits
        .iter()
        .find(|h| terms[h.term].kind == TermKind::Exclude)
    {
        return Verdict::Excluded(terms[h.term].text.clone());
    }
    // The terms' texts, sorted, each once.
    let names = |f: &dyn Fn(TermKind) -> bool| -> Vec<String> {
        let mut names: Vec<&str> = hits
            .iter()
            .filter(|h| f(terms[h.term].kind))
            .map(|h| terms[h.term].text.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().map(String::from).collect()
    };
    let ours = names(&|k| matches!(k, TermKind::Product(_)));
    if !ours.is_empty() {
        return Verdict::Ours(ours);
    }
    let trade = names(&|k| matches!(k, TermKind::Related | TermKind::Industry));
    if !trade.is_empty() {
        return Verdict::Trade(trade);
    }
    Verdict::Other
}

/// "since 1965", "seit 1972", "depuis 1980", "desde 1975", "с 1990 года" (the `since` words
/// of `grading-words.yaml` before a year): twenty years or more in business.
fn decades(text: &str) -> bool {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').collect();
    let this_year = crate::templates::expand::current_year();
    words.windows(2).any(|w| {
        SINCE.contains(w[0])
            && w[1]
                .parse::<i32>()
                .is_ok_and(|y| (1800..=this_year - 20).contains(&y))
    })
}

/// The company a listing is about: the name next to its e-mail, or a legal name on the page.
fn d_company(contacts: &Contacts, legal: &str, text: &str) -> Option<String> {
    facts::company_name(legal, text, None, "")
        .filter(|n| n.split_whitespace().count() <= 8)
        .or_else(|| {
            contacts
                .emails
                .first()
                .and_then(|e| e.rsplit('@').next())
                .map(|d| d.split('.').next().unwrap_or(d).to_string())
        })
}

fn short_page(url: &str) -> String {
    Url::parse(url)
        .map(|u| {
            let p = u.path().trim_matches('/');
            let p = if u.scheme() == "file" {
                p.rsplit('/').next().unwrap_or(p)
            } else {
                p
            };
            if p.is_empty() {
                "home page".to_string()
            } else {
                p.to_string()
            }
        })
        .unwrap_or_else(|_| url.to_string())
}

/// The grade in one plain sentence.
#[allow(clippy::too_many_arguments)]
fn evidence(
    grade: Grade,
    ours: usize,
    items: usize,
    trade: usize,
    matched: &[String],
    pages: &BTreeSet<String>,
    excluded: usize,
    other_sense: bool,
) -> String {
    let list = |v: &[String]| v.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    let on = if pages.is_empty() {
        String::new()
    } else {
        format!(
            " on {}",
            pages.iter().cloned().collect::<Vec<_>>().join(", ")
        )
    };
    match grade {
        Grade::A | Grade::B | Grade::C if items > 0 => {
            let mut s = format!("{ours} of {items} catalogue items are ours");
            if !matched.is_empty() {
                s.push_str(&format!(" ({})", list(matched)));
            }
            s.push_str(&on);
            if trade > 0 {
                s.push_str(&format!("; {trade} more of our trade"));
            }
            s
        }
        Grade::C => format!(
            "no catalogue found, but the site names {}",
            if matched.is_empty() {
                "our trade".into()
            } else {
                list(matched)
            }
        ),
        Grade::D => format!(
            "a listing on another site of one company that deals in {}",
            if matched.is_empty() {
                "our products".into()
            } else {
                list(matched)
            }
        ),
        _ if other_sense => format!(
            "our words are used in another sense here ({excluded} excluded words, nothing of our trade)"
        ),
        _ if items == 0 => "not a company catalogue (no products listed)".to_string(),
        _ => format!("none of {items} catalogue items is ours or of our trade"),
    }
}
