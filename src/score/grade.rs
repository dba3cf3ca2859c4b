//! Grading a company from its pages (seed 000, section 3.1): the share of its catalogue that
//! is ours gives A/B/C; a listing of one company elsewhere gives D; nothing of our trade, or
//! not a company at all, gives X. Every grade comes with its evidence.

use std::collections::BTreeSet;

use hashbrown::HashSet;

use url::Url;

use super::Grader;
use super::facts;
use super::matcher::{Hit, Matcher, TermKind};
use super::words::Words;
use crate::extract::Domain;
use crate::extract::contacts::{self, Contacts};
use crate::extract::items::Item;
use crate::extract::links::PageKind;
use crate::extract::page::{self, PageText};
use crate::normalize::fold;
use crate::plan::Plan;
use crate::reference::LangData;

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
    /// The item's name (its title).
    pub text: String,
    /// All the item says (title, description, image texts) as read.
    pub card: String,
    pub page: String,
    pub verdict: Verdict,
    /// The heading the item sits under decided (its own text names nothing).
    pub by_context: bool,
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
    /// The site's category menu, each entry with what it is.
    pub menu: Vec<(String, Verdict)>,
}

/// The pages of a site as read: each parsed once, its text and its contacts read from the
/// same tree, which is dropped before the next page is parsed (a parsed 3 MB page takes tens
/// of megabytes; a site's pages are never all parsed at once).
struct Read<'a> {
    pages: &'a [SitePage],
    texts: Vec<PageText>,
    walked: Vec<contacts::Walked>,
    /// The language the first page declares.
    site_lang: Option<String>,
    /// Whether a catalogue page shows items (then the about-us page's are not read).
    has_catalogue_page: bool,
}

impl<'a> Read<'a> {
    fn new(pages: &'a [SitePage], words: &Words) -> Read<'a> {
        let (texts, walked): (Vec<PageText>, Vec<contacts::Walked>) = pages
            .iter()
            .map(|p| {
                let doc = crate::extract::parse_html(&p.html);
                (
                    page::analyze_doc(&doc, p.kind == PageKind::Products),
                    contacts::walk(&p.url, &doc, &words.phone_labels),
                )
            })
            .unzip();
        let site_lang = texts.iter().find_map(|t| t.lang.clone());
        let has_catalogue_page = pages
            .iter()
            .zip(&texts)
            .any(|(p, t)| p.kind == PageKind::Products && !t.items.is_empty());
        Read {
            pages,
            texts,
            walked,
            site_lang,
            has_catalogue_page,
        }
    }

    fn each(&self) -> impl Iterator<Item = (&'a SitePage, &PageText)> {
        self.pages.iter().zip(&self.texts)
    }

    /// Whether a page's items are read as the catalogue: catalogue pages and the home page,
    /// and the about-us page of a site without a catalogue page.
    fn catalogue_read(&self, p: &SitePage) -> bool {
        match p.kind {
            PageKind::Products | PageKind::Home => true,
            _ => !self.has_catalogue_page && p.kind == PageKind::About,
        }
    }

    /// The languages the pages may be in (English terms are stemmed in each): those the pages
    /// declare, else those of the plan's local names.
    fn languages(&self, plan: &'a Plan) -> Vec<&str> {
        let mut langs: Vec<&str> = self
            .texts
            .iter()
            .filter_map(|t| t.lang.as_deref())
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
        langs
    }

    /// The home page (else the first) and its text.
    fn home(&self) -> Option<(&'a SitePage, &PageText)> {
        self.each()
            .find(|(p, _)| p.kind == PageKind::Home)
            .or(self.each().next())
    }
}

/// What the site says, gathered from its pages for the searches that follow.
#[derive(Default)]
struct SiteText {
    /// Everything the pages say.
    all: String,
    /// What is searched beside the items: on the pages whose items are read, their text
    /// without the items.
    beside_items: String,
    /// The home, about-us and legal pages: what the company says it is.
    about: String,
    legal: String,
    /// Legal and contact pages and every page's header and footer.
    address: String,
    /// Every page's header and footer.
    chrome: String,
    /// Every page's header and footer, then the contact and about-us pages: where a company
    /// names itself when it has no legal notice.
    signed: String,
    /// The pages' titles and addresses as words (a blog calls itself one there).
    titles: String,
}

impl SiteText {
    fn new(read: &Read) -> SiteText {
        let mut s = SiteText::default();
        for (p, t) in read.each() {
            let block = page_block(t, &t.main_text);
            s.all.push_str(&block);
            if read.catalogue_read(p) {
                s.beside_items.push_str(&page_block(t, &t.rest_text));
            } else {
                s.beside_items.push_str(&block);
            }
            // Image alt texts, each once, and not those that repeat an item's name (a product
            // card's photo): the text is read for what it mentions, not how often.
            let known: HashSet<&str> = t.items.iter().map(|i| i.name.as_str()).collect();
            let mut seen: HashSet<&str> = HashSet::new();
            for alt in &t.alts {
                if !known.contains(alt.as_str()) && seen.insert(alt.as_str()) {
                    for text in [&mut s.all, &mut s.beside_items] {
                        text.push_str(alt);
                        text.push('\n');
                    }
                }
            }
            if matches!(p.kind, PageKind::Home | PageKind::About | PageKind::Legal) {
                s.about.push_str(&block);
            }
            if p.kind == PageKind::Legal {
                s.legal.push_str(&t.main_text);
                s.legal.push('\n');
            }
            if matches!(p.kind, PageKind::Legal | PageKind::Contact) {
                s.address.push_str(&t.main_text);
                s.address.push('\n');
            }
            s.address.push_str(&t.chrome_text);
            s.address.push('\n');
            if !s.chrome.is_empty() {
                s.chrome.push('\n');
            }
            s.chrome.push_str(&t.chrome_text);
            s.titles.push_str(&t.title);
            s.titles.push(' ');
            s.titles
                .push_str(&p.url.path().replace(['/', '-', '_', '.'], " "));
            s.titles.push(' ');
        }
        s.titles = format!(" {} ", fold(&s.titles));
        s.signed = s.chrome.clone();
        for (p, t) in read.each() {
            if matches!(p.kind, PageKind::Contact | PageKind::About) {
                s.signed.push('\n');
                s.signed.push_str(&t.main_text);
            }
        }
        s
    }
}

/// The catalogue items judged, and what the site's text names.
struct Judged {
    decisions: Vec<ItemDecision>,
    ours: usize,
    trade: usize,
    /// Our products, related products and industry words, and excluded words, named in the
    /// site's text (its items included).
    text_ours: usize,
    text_trade: usize,
    text_excluded: usize,
    /// Our products named anywhere (a D listing's products).
    text_products: BTreeSet<String>,
    /// The fold of all the site's text, for the word lists.
    folded_all: String,
    /// The site's category menu, each entry judged as an item.
    categories: Vec<(String, Verdict)>,
}

/// What the grade counts: catalogue items, or the entries of the category menu.
struct Counted {
    entries: usize,
    ours: usize,
    /// Of our trade (related products, accessories).
    trade: usize,
    /// Counted from the category menu (the pages show no items).
    by_menu: bool,
}

/// Entries of a menu that make it a category menu (after its service pages are left out).
const MIN_CATEGORIES: usize = 3;

/// The site's category menu: of the navigation's groups of links (the home page's, else the
/// first page's that has them), the outermost with at least [`MIN_CATEGORIES`] entries that
/// are not service pages (about, contact, legal, login, home, news).
fn category_menu(read: &Read, words: &Words) -> Vec<String> {
    let pages = read.home().into_iter().chain(read.each());
    for (_, t) in pages {
        for menu in &t.menus {
            let entries: Vec<String> = menu
                .iter()
                .filter(|e| words.menu_skip.found_in(&format!(" {} ", fold(e))) == 0)
                .cloned()
                .collect();
            if entries.len() >= MIN_CATEGORIES {
                return entries;
            }
        }
    }
    Vec::new()
}

impl Judged {
    /// Judges each catalogue item once (as folded: `LED-Lampe` and `LED Lampe` are one) and
    /// counts the terms of the site's text; the items and the text are searched in one pass
    /// (each distinct word stemmed once).
    fn new(
        matcher: &Matcher,
        words: &Words,
        read: &Read,
        text: &SiteText,
        langs: &[&str],
    ) -> Judged {
        let candidates: Vec<(&Item, &PageText, &SitePage)> = read
            .each()
            .filter(|(p, _)| read.catalogue_read(p))
            .flat_map(|(p, t)| t.items.iter().map(move |item| (item, t, p)))
            .collect();
        // The texts searched: each item's, the headings items sit under (once each), and
        // what the site says beside its items.
        let mut texts: Vec<&str> = candidates.iter().map(|(i, _, _)| i.text.as_str()).collect();
        let mut context_at: hashbrown::HashMap<&str, usize> = hashbrown::HashMap::new();
        for (item, page, _) in &candidates {
            if let Some(c) = item.context.and_then(|c| page.contexts.get(c)) {
                context_at.entry(c.as_str()).or_insert_with(|| {
                    texts.push(c.as_str());
                    texts.len() - 1
                });
            }
        }
        let menu = category_menu(read, words);
        let menu_at = texts.len();
        texts.extend(menu.iter().map(String::as_str));
        let beside = texts.len();
        texts.push(&text.beside_items);
        let found = matcher.find_each(&texts, langs);
        let mut decisions = Vec::new();
        let mut seen = HashSet::new();
        for (i, (item, page, site_page)) in candidates.iter().enumerate() {
            if !seen.insert(found.folded(i)) {
                continue;
            }
            let mut verdict = item_verdict(matcher, words, &item.text, &found.hits[i]);
            let mut by_context = false;
            if verdict == Verdict::Other
                && names_nothing(item)
                && let Some(&c) = item
                    .context
                    .and_then(|c| page.contexts.get(c))
                    .and_then(|c| context_at.get(c.as_str()))
            {
                verdict = self::verdict(matcher, &found.hits[c]);
                by_context = verdict != Verdict::Other;
            }
            decisions.push(ItemDecision {
                text: item.name.clone(),
                card: item.text.clone(),
                page: site_page.url.to_string(),
                verdict,
                by_context,
            });
        }
        // The text's hits: the items' and beside them (not the headings, counted through the
        // items they stand for).
        let text_hits: Vec<&Hit> = found
            .hits
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < candidates.len() || *i == beside)
            .flat_map(|(_, h)| h)
            .collect();
        let count =
            |f: &dyn Fn(&Verdict) -> bool| decisions.iter().filter(|d| f(&d.verdict)).count();
        let (ours, trade) = (
            count(&|v| matches!(v, Verdict::Ours(_))),
            count(&|v| matches!(v, Verdict::Trade(_))),
        );
        let terms = matcher.terms();
        let kinds: Vec<TermKind> = text_hits.iter().map(|h| terms[h.term].kind).collect();
        let kind_count = |f: &dyn Fn(TermKind) -> bool| kinds.iter().filter(|k| f(**k)).count();
        let categories = menu
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    e.clone(),
                    item_verdict(matcher, words, e, &found.hits[menu_at + i]),
                )
            })
            .collect();
        Judged {
            categories,
            ours,
            trade,
            text_ours: kind_count(&|k| matches!(k, TermKind::Product(_))),
            text_trade: kind_count(&|k| matches!(k, TermKind::Related | TermKind::Industry)),
            text_excluded: kind_count(&|k| k == TermKind::Exclude),
            text_products: text_hits
                .iter()
                .filter(|h| matches!(terms[h.term].kind, TermKind::Product(_)))
                .map(|h| terms[h.term].text.clone())
                .collect(),
            folded_all: found.folded_all().to_string(),
            decisions,
        }
    }

    fn items(&self) -> usize {
        self.decisions.len()
    }

    /// The share of the counted catalogue that is ours.
    fn share(&self) -> f64 {
        let c = self.catalogue();
        if c.entries == 0 {
            0.0
        } else {
            c.ours as f64 / c.entries as f64
        }
    }

    /// The catalogue the grade counts: the items the pages show; a site that shows none (a
    /// home page of categories only) is counted by its category menu.
    fn catalogue(&self) -> Counted {
        let count =
            |v: &dyn Fn(&Verdict) -> bool| self.categories.iter().filter(|(_, x)| v(x)).count();
        if self.items() == 0 && self.categories.len() >= MIN_CATEGORIES {
            Counted {
                entries: self.categories.len(),
                ours: count(&|v| matches!(v, Verdict::Ours(_))),
                trade: count(&|v| matches!(v, Verdict::Trade(_))),
                by_menu: true,
            }
        } else {
            Counted {
                entries: self.items(),
                ours: self.ours,
                trade: self.trade,
                by_menu: false,
            }
        }
    }

    /// The terms that made items ours, each once.
    fn matched(&self) -> BTreeSet<&str> {
        self.decisions
            .iter()
            .filter_map(|d| match &d.verdict {
                Verdict::Ours(t) => Some(t),
                _ => None,
            })
            .flatten()
            .map(String::as_str)
            .collect()
    }

    /// The pages (short) where items were ours.
    fn pages_of_ours(&self) -> BTreeSet<String> {
        self.decisions
            .iter()
            .filter(|d| matches!(d.verdict, Verdict::Ours(_)))
            .map(|d| d.page.as_str())
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .map(short_page)
            .collect()
    }
}

/// A site's contacts, with phone numbers read for the right country, and its country.
struct Reach {
    contacts: Contacts,
    phones: Vec<String>,
    country: Option<String>,
    country_reason: Option<String>,
}

impl Reach {
    /// Phone numbers written without a country code need the country: from the domain or
    /// the address, else from a number written with one, else the first of the countries the
    /// site names or whose language it is in under which the page's national numbers are
    /// valid.
    fn new(read: &Read, text: &SiteText, domain: &str, lang: &LangData, words: &Words) -> Reach {
        let extract_all = |region: Option<&str>| -> Contacts {
            contacts::merge(
                read.walked
                    .iter()
                    .map(|w| w.contacts(region, &words.phone_labels)),
            )
        };
        let site_lang = read.site_lang.as_deref();
        let from_site = facts::country(domain, &text.address, &[], site_lang, lang).map(|(c, _)| c);
        let mut contacts = extract_all(from_site.as_deref());
        if from_site.is_none() {
            for region in &phone_regions(read, text, &contacts, lang) {
                let found = extract_all(Some(region));
                if found.phones.len() > contacts.phones.len() {
                    contacts = found;
                    break;
                }
            }
        }
        let phones: Vec<String> = contacts.phones.iter().map(|p| p.e164.clone()).collect();
        let (country, country_reason) =
            facts::country(domain, &text.address, &phones, site_lang, lang)
                .map_or((None, None), |(c, r)| (Some(c), Some(r)));
        Reach {
            contacts,
            phones,
            country,
            country_reason,
        }
    }

    /// Whether there is a way to reach the company.
    fn reachable(&self) -> bool {
        !self.contacts.emails.is_empty() || !self.contacts.phones.is_empty()
    }

    /// Whether every e-mail address belongs to another domain than the site's (a listing of
    /// another company).
    fn foreign_emails(&self, domain: &str) -> bool {
        let Some(own) = Domain::of_host(domain) else {
            return false;
        };
        !self.contacts.emails.is_empty()
            && self.contacts.emails.iter().all(|e| {
                e.rsplit_once('@')
                    .and_then(|(_, host)| Domain::of_host(host))
                    .is_none_or(|d| d != own)
            })
    }
}

/// The countries to read national phone numbers for, in order: the country of a number
/// written with its code, else the countries the title and headers name and those of the
/// site's language.
fn phone_regions(
    read: &Read,
    text: &SiteText,
    contacts: &Contacts,
    lang: &LangData,
) -> Vec<String> {
    let known = contacts.phones.first().and_then(|first| {
        facts::country("", "", std::slice::from_ref(&first.e164), None, lang).map(|(c, _)| c)
    });
    if let Some(c) = known {
        return vec![c];
    }
    let title = read
        .home()
        .map(|(_, t)| t.title.as_str())
        .unwrap_or_default();
    let mut c = facts::countries_named(&format!("{title}\n{}", text.chrome), lang);
    c.extend(
        read.site_lang
            .as_deref()
            .map(facts::countries_of_language)
            .unwrap_or_default()
            .iter()
            .map(|c| c.to_string()),
    );
    c
}

/// Grades a site from its pages (pure: the pages and the grader's plan, words and year in,
/// the lead out).
pub fn grade_site(grader: &Grader, domain: &str, pages: &[SitePage]) -> Lead {
    let (plan, matcher, lang, words) =
        (&grader.plan, &grader.matcher, &*grader.lang, &grader.words);
    let read = Read::new(pages, words);
    let text = SiteText::new(&read);
    let judged = Judged::new(matcher, words, &read, &text, &read.languages(plan));
    let reach = Reach::new(&read, &text, domain, lang, words);
    let (grade, other_sense) = decide(plan, words, &read, &text, &judged, &reach, domain);

    let big = grade == Grade::C
        && (judged.items() >= 200
            || words.big.found_in(&judged.folded_all) > 0
            || decades(&text.all, grader.year, words));
    let matched = judged.matched();
    let matched_products: Vec<String> = if matched.is_empty() && grade == Grade::D {
        judged.text_products.iter().cloned().collect()
    } else {
        matched.into_iter().map(String::from).collect()
    };
    let home = read.home();
    let head_title = home.map(|(_, t)| t.title.as_str()).unwrap_or_default();
    let site_name = home.and_then(|(_, t)| t.site_name.as_deref());
    let own_name = || {
        facts::company_name(
            domain,
            &text.legal,
            &text.signed,
            site_name,
            head_title,
            words,
        )
    };
    let company = if grade == Grade::D {
        d_company(&reach.contacts, &text.legal, &text.all, words).or_else(own_name)
    } else {
        own_name()
    };
    let page_of = |kind: PageKind| pages.iter().find(|p| p.kind == kind);
    let evidence = evidence(
        grade,
        &judged,
        &matched_products,
        &judged.pages_of_ours(),
        other_sense,
    );
    Lead {
        domain: domain.to_string(),
        company,
        grade,
        match_share: (judged.share() * 100.0).round() / 100.0,
        ours: judged.ours,
        items: judged.items(),
        big,
        customer_type: facts::customer_type(&text.about, words),
        country: reach.country,
        country_reason: reach.country_reason,
        website: page_of(PageKind::Home)
            .or(pages.first())
            .map(|p| p.url.to_string())
            .unwrap_or_default(),
        emails: reach.contacts.emails,
        phones: reach.phones,
        contact_page: page_of(PageKind::Contact).map(|p| p.url.to_string()),
        social: reach.contacts.social.iter().map(Url::to_string).collect(),
        matched_products,
        evidence,
        decisions: judged.decisions,
        menu: judged.categories,
    }
}

/// The grade (SPEC §7), and whether our words are used in another sense on the site.
fn decide(
    plan: &Plan,
    words: &Words,
    read: &Read,
    text: &SiteText,
    judged: &Judged,
    reach: &Reach,
    domain: &str,
) -> (Grade, bool) {
    let counts = words.listing_and_not_a_company.found_in(&judged.folded_all);
    let (listing, not_company) = (counts[0] > 0, counts[1] > 0);
    // A site whose own titles and addresses call it a blog, news or classifieds, and that has
    // no catalogue page, is not a company catalogue, however many products a post names.
    let self_described_not_company =
        words.not_a_company.found_in(&text.titles) > 0 && !read.has_catalogue_page;
    // Words in another sense: our product words on a site that shows excluded words and
    // nothing else of our trade are not ours.
    let other_sense = judged.text_excluded > 0 && judged.text_trade == 0 && judged.trade == 0;
    let Counted {
        entries: items,
        ours,
        trade,
        by_menu,
    } = judged.catalogue();
    let share = judged.share();
    let reachable = reach.reachable();
    let grade = if other_sense {
        Grade::X
    } else if (listing || reach.foreign_emails(domain))
        && judged.text_ours > 0
        && reachable
        && ours <= 1
    {
        Grade::D
    } else if items == 0 || (not_company && items < 3) || self_described_not_company {
        if judged.text_ours > 0 && !not_company && reachable {
            Grade::C
        } else {
            Grade::X
        }
    } else if share >= plan.grading.a {
        Grade::A
    } else if share >= plan.grading.b {
        Grade::B
    } else if ours > 0 || trade > 0 || judged.text_trade > 0 || (by_menu && judged.text_ours > 0) {
        // A menu is coarse: a shop whose categories are not ours but whose pages name our
        // product sells some of it.
        Grade::C
    } else {
        Grade::X
    };
    (grade, other_sense)
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

/// Whether an item's text names nothing but itself: a model name and figures (`Vento Pro`,
/// `Aria 12 · 129,00 €`), no word of four letters beside its name. What such an item is,
/// the heading it sits under says.
fn names_nothing(item: &Item) -> bool {
    let name: HashSet<String> = item
        .name
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    !item
        .text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .any(|w| !name.contains(&w.to_lowercase()))
}

/// What a catalogue item is: [`verdict`], but an item that names our product only as what it
/// serves is an accessory of our trade — a part or accessory word right after the product's
/// name (`ladder mat`) or first in the item (`Remote for ceiling fans`), or a word for "for"
/// just before it (`bag for ladders`).
fn item_verdict(matcher: &Matcher, words: &Words, text: &str, hits: &[Hit]) -> Verdict {
    let v = verdict(matcher, hits);
    let Verdict::Ours(names) = &v else {
        return v;
    };
    let terms = matcher.terms();
    let accessory = Words::begins_with(&words.accessory, &fold(text))
        || hits
            .iter()
            .filter(|h| matches!(terms[h.term].kind, TermKind::Product(_)))
            .any(|h| {
                let after = fold(text.get(h.end..).unwrap_or_default());
                let before = fold(text.get(..h.start).unwrap_or_default());
                let last: Vec<&str> = before.split_whitespace().rev().take(2).collect();
                Words::begins_with(&words.accessory, &after)
                    || last.iter().any(|w| words.accessory_for.contains(*w))
            });
    if accessory {
        Verdict::Trade(names.clone())
    } else {
        v
    }
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
fn decades(text: &str, this_year: i32, lists: &Words) -> bool {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').collect();
    words.windows(2).any(|w| {
        lists.since.contains(w[0])
            && w[1]
                .parse::<i32>()
                .is_ok_and(|y| (1800..=this_year - 20).contains(&y))
    })
}

/// The company a listing is about: the name next to its e-mail, or a legal name on the page.
fn d_company(contacts: &Contacts, legal: &str, text: &str, words: &Words) -> Option<String> {
    facts::company_name("", legal, text, None, "", words)
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
fn evidence(
    grade: Grade,
    judged: &Judged,
    matched: &[String],
    pages: &BTreeSet<String>,
    other_sense: bool,
) -> String {
    let counted = judged.catalogue();
    let (ours, items, trade, excluded) = (
        counted.ours,
        counted.entries,
        counted.trade,
        judged.text_excluded,
    );
    let what = if counted.by_menu {
        "entries of the category menu"
    } else {
        "catalogue items"
    };
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
            let mut s = format!("{ours} of {items} {what} are ours");
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
        _ => format!("none of {items} {what} is ours or of our trade"),
    }
}
