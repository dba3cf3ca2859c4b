//! The word lists of inquiry triage, built in from `query-templates/data/` (inquiry words,
//! free-mail providers, retail chains, cities), and [`Phrases`]: one automaton that finds
//! every list's phrases in folded text in one pass.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use crate::normalize::fold;

const INQUIRY_WORDS_YAML: &str = include_str!("../../query-templates/data/inquiry-words.yaml");
const FREE_MAIL_TXT: &str = include_str!("../../query-templates/data/free-mail.txt");
const CHAINS_YAML: &str = include_str!("../../query-templates/data/chains.yaml");
const CITIES_YAML: &str = include_str!("../../query-templates/data/cities.yaml");

/// The lists of `inquiry-words.yaml` that [`Phrases`] searches (every key but `models`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum List {
    Closing,
    EndOfText,
    Forwarded,
    OriginalMessage,
    Wrote,
    PlatformNotice,
    Messenger,
    Street,
    SelfIntro,
    Request,
    EarlierOrder,
    Visited,
    Packaging,
    Shipping,
    Payment,
    TargetPrice,
    Delivery,
    Certification,
    OwnBrand,
    Retail,
    SellTo,
    Trade,
    Generalist,
    Stores,
    BigOrder,
    Containers,
    BigClaim,
    ListingCost,
    SampleHunting,
    SamplesPaid,
    ComeVisit,
    Urgency,
    InvitationLetter,
    Login,
    OrderWords,
    ProductErrors,
    CompanyWords,
    Fax,
    Months,
    ReplyWords,
    Parked,
    LegalForms,
    Roles,
    Samples,
    SampleDone,
    Thanks,
    VisitWords,
    Future,
    NameRetail,
    NameTrade,
}

/// Each searched list and its key in the file.
const LISTS: [(List, &str); 50] = [
    (List::Closing, "closing"),
    (List::EndOfText, "end_of_text"),
    (List::Forwarded, "forwarded"),
    (List::OriginalMessage, "original_message"),
    (List::Wrote, "wrote"),
    (List::PlatformNotice, "platform_notice"),
    (List::Messenger, "messenger"),
    (List::Street, "street"),
    (List::SelfIntro, "self_intro"),
    (List::Request, "request"),
    (List::EarlierOrder, "earlier_order"),
    (List::Visited, "visited"),
    (List::Packaging, "packaging"),
    (List::Shipping, "shipping"),
    (List::Payment, "payment"),
    (List::TargetPrice, "target_price"),
    (List::Delivery, "delivery"),
    (List::Certification, "certification"),
    (List::OwnBrand, "own_brand"),
    (List::Retail, "retail"),
    (List::SellTo, "sell_to"),
    (List::Trade, "trade"),
    (List::Generalist, "generalist"),
    (List::Stores, "stores"),
    (List::BigOrder, "big_order"),
    (List::Containers, "containers"),
    (List::BigClaim, "big_claim"),
    (List::ListingCost, "listing_cost"),
    (List::SampleHunting, "sample_hunting"),
    (List::SamplesPaid, "samples_paid"),
    (List::ComeVisit, "come_visit"),
    (List::Urgency, "urgency"),
    (List::InvitationLetter, "invitation_letter"),
    (List::Login, "login"),
    (List::OrderWords, "order_words"),
    (List::ProductErrors, "product_errors"),
    (List::CompanyWords, "company_words"),
    (List::Fax, "fax"),
    (List::Months, "months"),
    (List::ReplyWords, "reply_words"),
    (List::Parked, "parked"),
    (List::LegalForms, "legal_forms"),
    (List::Roles, "roles"),
    (List::Samples, "samples"),
    (List::SampleDone, "sample_done"),
    (List::Thanks, "thanks"),
    (List::VisitWords, "visit_words"),
    (List::Future, "future"),
    (List::NameRetail, "name_retail"),
    (List::NameTrade, "name_trade"),
];

/// Header and form-field labels (folded), by what they label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    From,
    Date,
    Subject,
    To,
    Name,
    Company,
    Email,
    Phone,
    Country,
    Message,
    BusinessType,
    Place,
    Product,
}

const HEADER_FIELDS: [(Field, &str); 4] = [
    (Field::From, "header_from"),
    (Field::Date, "header_date"),
    (Field::Subject, "header_subject"),
    (Field::To, "header_to"),
];

const FORM_FIELDS: [(Field, &str); 11] = [
    (Field::Name, "field_name"),
    (Field::Company, "field_company"),
    (Field::Email, "field_email"),
    (Field::Phone, "field_phone"),
    (Field::Country, "field_country"),
    (Field::Message, "field_message"),
    (Field::Subject, "field_subject"),
    (Field::Date, "field_date"),
    (Field::BusinessType, "field_business_type"),
    (Field::Place, "field_place"),
    (Field::Product, "field_product"),
];

/// A retail chain of `chains.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub domains: Vec<String>,
}

/// Everything the triage reads from the data files, parsed and folded once.
#[derive(Debug)]
pub struct Words {
    /// The legal forms of the grading words (`grading-words.yaml`), folded.
    pub legal_forms: std::collections::HashSet<String>,
    pub phrases: Phrases,
    /// Folded header labels of quoted and forwarded messages.
    pub headers: HashMap<String, Field>,
    /// Folded form-field labels.
    pub fields: HashMap<String, Field>,
    /// Product name or synonym (folded) → folded model codes.
    pub models: Vec<(String, Vec<String>)>,
    pub free_mail: HashSet<String>,
    pub chains: Vec<Chain>,
    /// Folded city name → country code.
    pub cities: Vec<(String, String)>,
    /// File extensions of programs and scripts (lower case).
    pub executable_files: HashSet<String>,
    /// File extensions of pages, archives and macro documents.
    pub risky_files: HashSet<String>,
}

/// The built-in lists, parsed on first use (a unit test parses them, so this cannot fail in
/// a release).
pub fn builtin() -> &'static Words {
    static WORDS: LazyLock<Words> = LazyLock::new(|| match Words::parse() {
        Ok(w) => w,
        Err(e) => panic!("the built-in inquiry word lists are broken: {e}"),
    });
    &WORDS
}

type ByLanguage = BTreeMap<String, Vec<String>>;

impl Words {
    fn parse() -> Result<Words, String> {
        let raw: BTreeMap<String, ByLanguage> =
            serde_saphyr::from_str(INQUIRY_WORDS_YAML).map_err(|e| e.to_string())?;
        let mut lists: BTreeMap<String, ByLanguage> = BTreeMap::new();
        let mut models = Vec::new();
        for (key, map) in raw {
            if key == "models" {
                for (product, codes) in map {
                    models.push((fold(&product), codes.iter().map(|c| fold(c)).collect()));
                }
            } else {
                lists.insert(key, map);
            }
        }
        let take = |key: &str| -> Result<Vec<String>, String> {
            let by_lang = lists
                .get(key)
                .ok_or_else(|| format!("inquiry-words.yaml has no `{key}` list"))?;
            Ok(by_lang.values().flatten().cloned().collect())
        };
        let mut entries = Vec::new();
        for (list, key) in LISTS {
            for phrase in take(key)? {
                entries.push((list, phrase));
            }
        }
        let mut headers = HashMap::new();
        for (field, key) in HEADER_FIELDS {
            for w in take(key)? {
                headers.entry(fold(&w)).or_insert(field);
            }
        }
        let mut fields = HashMap::new();
        for (field, key) in FORM_FIELDS {
            for w in take(key)? {
                fields.entry(fold(&w)).or_insert(field);
            }
        }
        let extensions = |key: &str| -> Result<HashSet<String>, String> {
            Ok(take(key)?.iter().map(|e| e.to_ascii_lowercase()).collect())
        };
        let executable_files = extensions("executable_files")?;
        let risky_files = extensions("risky_files")?;
        let known: HashSet<&str> = LISTS
            .iter()
            .map(|(_, k)| *k)
            .chain(HEADER_FIELDS.iter().map(|(_, k)| *k))
            .chain(FORM_FIELDS.iter().map(|(_, k)| *k))
            .chain(["executable_files", "risky_files"])
            .collect();
        if let Some(unknown) = lists.keys().find(|k| !known.contains(k.as_str())) {
            return Err(format!("inquiry-words.yaml: unknown list `{unknown}`"));
        }
        let free_mail = FREE_MAIL_TXT
            .lines()
            .map(|l| {
                l.split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|l| !l.is_empty())
            .collect();
        let chains: Vec<Chain> =
            serde_saphyr::from_str(CHAINS_YAML).map_err(|e| format!("chains.yaml: {e}"))?;
        let raw_cities: BTreeMap<String, Vec<String>> =
            serde_saphyr::from_str(CITIES_YAML).map_err(|e| format!("cities.yaml: {e}"))?;
        let mut cities = Vec::new();
        for (cc, names) in raw_cities {
            for n in names {
                cities.push((fold(&n), cc.clone()));
            }
        }
        Ok(Words {
            legal_forms: crate::score::words::folded_set(
                &crate::reference::GradingWords::builtin().legal_forms,
            ),
            phrases: Phrases::new(&entries),
            headers,
            fields,
            models,
            free_mail,
            chains,
            cities,
            executable_files,
            risky_files,
        })
    }

    /// Whether a registrable domain is a free-mail provider's.
    pub fn is_free_mail(&self, domain: &str) -> bool {
        let d = domain.to_ascii_lowercase();
        self.free_mail.contains(&d)
            || d.split_once('.')
                .is_some_and(|(_, parent)| self.free_mail.contains(parent))
    }
}

/// A phrase found in folded text: which list, and its byte range in the folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub list: List,
    pub phrase: usize,
    pub start: usize,
    pub end: usize,
}

/// Every list's phrases in one automaton over delimited folded text (` w1 w2 `).
#[derive(Debug)]
pub struct Phrases {
    automaton: Option<AhoCorasick>,
    /// Per pattern: its list, the phrase's index in `texts`, and how it may end/start.
    meta: Vec<(List, usize, bool, bool)>,
    /// The phrases as folded (for evidence and tests).
    pub texts: Vec<String>,
}

impl Phrases {
    pub fn new(entries: &[(List, String)]) -> Phrases {
        let mut patterns = Vec::new();
        let mut meta = Vec::new();
        let mut texts = Vec::new();
        let mut seen: HashSet<(List, String)> = HashSet::new();
        for (list, phrase) in entries {
            let p = phrase.trim();
            let open_end = p.ends_with('*');
            let open_start = p.starts_with('*');
            let folded = fold(p.trim_matches('*'));
            if folded.is_empty() || !seen.insert((*list, folded.clone())) {
                continue;
            }
            let mut pattern = String::new();
            if !open_start {
                pattern.push(' ');
            }
            pattern.push_str(&folded);
            if !open_end {
                pattern.push(' ');
            }
            patterns.push(pattern);
            meta.push((*list, texts.len(), open_start, open_end));
            texts.push(folded);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        Phrases {
            automaton,
            meta,
            texts,
        }
    }

    /// Every phrase in `folded` (delimited: a space before and after every word), overlapping
    /// ones included; ranges cover the phrase's words only.
    pub fn find(&self, folded: &str) -> Vec<Found> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_overlapping_iter(folded) {
            let (list, phrase, open_start, open_end) = self.meta[m.pattern().as_usize()];
            let (mut start, mut end) = (m.start(), m.end());
            if !open_start {
                start += 1;
            } else {
                // A suffix pattern still ends a word and lies inside one: find its start.
                start = folded[..start].rfind(' ').map_or(0, |i| i + 1);
            }
            if folded[..end].ends_with(' ') {
                end -= 1;
            } else if open_end {
                end = folded[end..].find(' ').map_or(folded.len(), |i| end + i);
            }
            out.push(Found {
                list,
                phrase,
                start,
                end,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_lists_parse_and_every_list_has_words() {
        let w = Words::parse().unwrap();
        for (list, key) in LISTS {
            assert!(
                w.phrases.meta.iter().any(|m| m.0 == list),
                "list `{key}` is empty"
            );
        }
        assert!(w.is_free_mail("gmail.com") && w.is_free_mail("mail.yahoo.com"));
        assert!(!w.is_free_mail("obi.de"));
        assert!(
            w.chains
                .iter()
                .any(|c| c.domains.contains(&"obi.de".into()))
        );
        assert!(
            w.cities
                .iter()
                .any(|(c, cc)| c == "casablanca" && cc == "MA")
        );
        assert!(!w.models.is_empty());
        assert_eq!(w.headers.get("von"), Some(&Field::From));
        assert_eq!(w.fields.get("empresa"), Some(&Field::Company));
    }

    #[test]
    fn phrases_match_whole_words_prefixes_and_suffixes() {
        let p = Phrases::new(&[
            (List::Retail, "*fachgeschäft".into()),
            (List::SampleHunting, "free sample*".into()),
            (List::Request, "need".into()),
        ]);
        let text = " ein elektrofachgeschaft free samples needed need ";
        let found: Vec<(List, &str)> = p
            .find(text)
            .iter()
            .map(|f| (f.list, &text[f.start..f.end]))
            .collect();
        assert_eq!(
            found,
            [
                (List::Retail, "elektrofachgeschaft"),
                (List::SampleHunting, "free samples"),
                (List::Request, "need"),
            ]
        );
    }
}
