//! What the inquiry asks about: the plan's products (the grader's matcher in all the plan's
//! languages, also with a word or two between a name's words, and model codes that name a
//! product), and the details it gives (seed 001): models, specifications, certifications,
//! quantities, packaging, shipping and payment terms, target price, delivery date.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::normalize::fold;
use crate::plan::Plan;
use crate::score::matcher::{Matcher, Term, TermKind};

use super::scan::{Scan, sentence_at};
use super::words::{List, Words};

/// Words allowed between the words of a product's name (`LED filament bulbs`).
const MAX_GAP: usize = 2;

/// The plan's products, found in text.
pub struct Products {
    names: Vec<String>,
    exact: Matcher,
    loose: Matcher,
    /// Per loose term: (product, phrase, word position in the phrase).
    loose_terms: Vec<(usize, usize, usize)>,
    /// Per phrase: its product and number of words.
    phrases: Vec<(usize, usize)>,
    /// Folded words of related products (`panel`, `downlight`): never inside a gap.
    related: HashSet<String>,
    langs: Vec<String>,
    /// Per product: folded model codes that name it.
    models: Vec<Vec<String>>,
}

impl Products {
    pub fn new(plan: &Plan, words: &Words) -> Products {
        let exact = Matcher::from_plan(plan);
        let mut loose = Vec::new();
        let mut loose_terms = Vec::new();
        let mut phrases = Vec::new();
        let mut langs: Vec<String> = vec!["en".into()];
        for (i, p) in plan.products.iter().enumerate() {
            let mut terms: Vec<(String, String)> = p
                .terms()
                .map(|t| (t.to_string(), "en".to_string()))
                .collect();
            for (lang, names) in &p.names {
                if !langs.contains(lang) {
                    langs.push(lang.clone());
                }
                terms.extend(names.iter().map(|n| (n.clone(), lang.clone())));
            }
            for (text, lang) in terms {
                let ws: Vec<&str> = text
                    .split(|c: char| c.is_whitespace() || c == '-')
                    .filter(|w| !w.is_empty())
                    .collect();
                if ws.len() < 2 {
                    continue;
                }
                let phrase = phrases.len();
                phrases.push((i, ws.len()));
                for (pos, w) in ws.iter().enumerate() {
                    loose_terms.push((i, phrase, pos));
                    loose.push(Term {
                        text: w.to_string(),
                        kind: TermKind::Product(i),
                        lang: lang.clone(),
                    });
                }
            }
        }
        let related = plan
            .related_products
            .iter()
            .flat_map(|r| fold(r).split(' ').map(str::to_string).collect::<Vec<_>>())
            .filter(|w| w != "led" && !w.is_empty())
            .collect();
        let models = plan
            .products
            .iter()
            .map(|p| {
                let keys: Vec<String> = p.terms().map(fold).collect();
                words
                    .models
                    .iter()
                    .filter(|(k, _)| keys.contains(k))
                    .flat_map(|(_, codes)| codes.clone())
                    .collect()
            })
            .collect();
        Products {
            names: plan.products.iter().map(|p| p.name.clone()).collect(),
            exact,
            loose: Matcher::new(loose),
            loose_terms,
            phrases,
            related,
            langs,
            models,
        }
    }

    /// The products named in `text` (plan order), each with the byte range of one mention.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let langs: Vec<&str> = self.langs.iter().map(String::as_str).collect();
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for h in self.exact.find(text, &langs) {
            if let TermKind::Product(i) = self.exact.terms()[h.term].kind {
                found.push((i, h.start, h.end));
            }
        }
        // Words of a name a little apart, in either order, within one line.
        let hits = self.loose.find(text, &langs);
        let starts = word_starts(text);
        let word_at = |pos: usize| starts.partition_point(|&s| s <= pos).saturating_sub(1);
        for (k, a) in hits.iter().enumerate() {
            let (prod, phrase, pos) = self.loose_terms[a.term];
            let n = self.phrases[phrase].1;
            let mut have = vec![false; n];
            have[pos] = true;
            let (mut lo, mut hi) = (a.start, a.end);
            for b in hits[k + 1..].iter() {
                if b.start < hi {
                    continue;
                }
                if word_at(b.start) > word_at(hi.saturating_sub(1)) + MAX_GAP + 1 {
                    break;
                }
                let gap = &text[hi..b.start];
                if gap.contains('\n') || gap.contains(". ") || self.gap_has_related(gap) {
                    break;
                }
                // Any of the terms sharing this range may be the next word.
                for t in self.same_range(&hits, b) {
                    let (p2, ph2, pos2) = self.loose_terms[t];
                    if p2 == prod && ph2 == phrase {
                        have[pos2] = true;
                    }
                }
                hi = b.end;
                if have.iter().all(|h| *h) {
                    break;
                }
            }
            // Also the same phrase's other words standing at this very range.
            for t in self.same_range(&hits, a) {
                let (p2, ph2, pos2) = self.loose_terms[t];
                if p2 == prod && ph2 == phrase {
                    have[pos2] = true;
                }
            }
            if have.iter().all(|h| *h) {
                lo = lo.min(a.start);
                found.push((prod, lo, hi));
            }
        }
        // Model codes with a specification beside them.
        let folded_lines: Vec<(usize, String)> = text
            .split_inclusive('\n')
            .scan(0, |at, l| {
                let start = *at;
                *at += l.len();
                Some((start, format!(" {} ", fold(l))))
            })
            .collect();
        for (i, codes) in self.models.iter().enumerate() {
            if codes.is_empty() || found.iter().any(|f| f.0 == i) {
                continue;
            }
            for (start, line) in &folded_lines {
                let code = codes.iter().find(|c| line.contains(&format!(" {c} ")));
                if let Some(code) = code
                    && SPEC.is_match(
                        &text[*start..(*start + line.len().saturating_sub(2)).min(text.len())],
                    )
                {
                    let _ = code;
                    found.push((i, *start, *start));
                    break;
                }
            }
        }
        found.sort_by_key(|f| (f.1, f.0));
        found.dedup();
        found
    }

    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    fn same_range(
        &self,
        hits: &[crate::score::matcher::Hit],
        h: &crate::score::matcher::Hit,
    ) -> Vec<usize> {
        hits.iter()
            .filter(|o| o.start == h.start && o.end == h.end)
            .map(|o| o.term)
            .collect()
    }

    fn gap_has_related(&self, gap: &str) -> bool {
        fold(gap).split(' ').any(|w| self.related.contains(w))
    }
}

/// Byte offsets where words start.
fn word_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let w = c.is_alphanumeric();
        if w && !in_word {
            out.push(i);
        }
        in_word = w;
    }
    out
}

/// A number with a unit of a specification.
static SPEC: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
        (?-u:\b)\d+(?:[.,]\d+)?\s?(?:w|watt|watts|lm|lumens?|v|vac|vdc|hz|mm|cm|ft|inch|ma|lm/w|h)(?-u:\b)
      | (?-u:\b)\d+(?:[.,]\d+)?\s?(?:вт|лм|в)(?:[^\p{L}]|$)
      | (?-u:\b)\d{4}\s?k(?-u:\b)
      | (?-u:\b)\d{4}\s?к(?:[^\p{L}]|$)
      | (?-u:\b)(?:ra|cri|irc|pf|ugr)\s?(?:[<>≥≤=]|&gt;|&lt;)\s?\d+(?:[.,]\d+)?
      | (?-u:\b)ip\s?[2-6][0-9](?-u:\b)")
});

/// Quantities: a number with a unit of count, `2x40HQ`, or `120 x item` at a line's start.
/// (Word ends are ASCII ones where the words are ASCII: Unicode ones cost a slower engine.)
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
        (?:^|[^\p{L}])(?:qty|quantity|menge|cantidad|quantité|quantità|ilość|количество|miktar)\s*:?\s*\d{1,3}(?:[.,\s]?\d{3})*(?:\s?(?:pcs|pieces|units|stk\.?|stück|uds|szt\.?|шт\.?|adet|pezzi))?
      | (?-u:\b)\d{1,3}(?:[.,\s]\d{3})+\s?(?:pcs|pieces|pc|units|uds|unidades|stk|stück|szt|шт|adet|pezzi|pz|pièces|sets|lampadine|tubi|tubes|bulbs|bombillas|ampoules)(?:[^\p{L}]|$)
      | (?-u:\b)\d+\s?(?:pcs|pieces|pc|units|uds|unidades|stk\.?|stück|szt\.?|шт\.?|adet|pezzi|pz|pièces|sets|cartons|containers|контейнеров)(?:[^\p{L}]|$)
      | (?-u:\b)\d+\s?x\s?(?:20|40)\s?(?:gp|hq|ft)(?-u:\b)
      | (?m:^\s*\d+\s?x\s)
      | (?-u:\b)\d+\s+(?:lampadine|tubi|bombillas|ampoules|tubes|bulbs|żarówek|ламп)(?:[^\p{L}]|$)")
});

/// Amounts of money (a price).
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
        (?:usd|us\$|\$|eur|€|gbp|£)\s?\d+(?:[.,]\d+)?
      | \d+(?:[.,]\d+)?\s?(?:usd|eur|€|\$|долл)")
});

/// A date written in digits (`15.03.2027`, `2026-12-18`, `15/01`).
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?|\d{4}-\d{2}-\d{2}|\d+\s?(?:days|weeks|días|semanas|jours|giorni|tage|dni|дней|gün))\b",
    )
});

/// Product codes: letters and digits mixed (`A60`, `ST64`, `BW-A60-09`).
static MODEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?-u:\b)([A-Z]{1,3}\d{1,3}[A-Z]?|[A-Z]{2,}-[A-Z0-9]+(?:-[A-Z0-9]+)*)(?:[^\p{L}\p{N}-]|$)")
});

pub(crate) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("built-in pattern: {e}"))
}

/// What an inquiry gives of its needs (seed 001).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub models: Vec<String>,
    pub specs: Vec<String>,
    pub certifications: Vec<String>,
    pub quantities: Vec<String>,
    pub packaging: Vec<String>,
    pub shipping: Vec<String>,
    pub payment: Vec<String>,
    pub target_price: Vec<String>,
    pub delivery: Vec<String>,
}

impl Details {
    /// How many kinds of detail are given (models and specifications count as one).
    pub fn kinds(&self) -> usize {
        [
            !self.models.is_empty() || !self.specs.is_empty(),
            !self.certifications.is_empty(),
            !self.quantities.is_empty(),
            !self.packaging.is_empty(),
            !self.shipping.is_empty(),
            !self.payment.is_empty(),
            !self.target_price.is_empty(),
            !self.delivery.is_empty(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }

    /// Kinds of detail about the goods themselves (everything but the quantity).
    pub fn knowledge(&self) -> usize {
        self.kinds() - usize::from(!self.quantities.is_empty())
    }

    /// The details as `kind: value; …` for people.
    pub fn summary(&self) -> Vec<(&'static str, &Vec<String>)> {
        [
            ("models", &self.models),
            ("specs", &self.specs),
            ("certifications", &self.certifications),
            ("quantities", &self.quantities),
            ("packaging", &self.packaging),
            ("shipping", &self.shipping),
            ("payment", &self.payment),
            ("target_price", &self.target_price),
            ("delivery", &self.delivery),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }
}

/// Up to this many values per kind.
const MAX_VALUES: usize = 8;

fn push(list: &mut Vec<String>, value: &str) {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if !v.is_empty() && list.len() < MAX_VALUES && !list.iter().any(|x| x.eq_ignore_ascii_case(&v))
    {
        list.push(v);
    }
}

/// Reads the details of a text.
pub fn details(text: &str, scan: &Scan<'_>, words: &Words, products_named: bool) -> Details {
    let mut d = Details::default();
    for c in MODEL.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        let s = m.as_str();
        // Not standards, registers or references.
        let prefix = s
            .split(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
            .next()
            .unwrap_or("");
        let reference = matches!(
            prefix,
            "EAN"
                | "ISO"
                | "IEC"
                | "EN"
                | "IP"
                | "CE"
                | "UL"
                | "PO"
                | "PI"
                | "HRB"
                | "KRS"
                | "NIP"
                | "ABN"
                | "VAT"
                | "ETD"
                | "RFQ"
                | "EU"
                | "AS"
                | "NZS"
                | "SKU"
                | "ID"
        );
        if s.len() >= 2 && !reference {
            push(&mut d.models, s);
        }
    }
    let models: HashSet<String> = words
        .models
        .iter()
        .flat_map(|(_, c)| c.iter().cloned())
        .collect();
    d.models.retain(|m| {
        let f = fold(m);
        models.contains(&f)
            || m.contains('-')
            || m.chars().filter(char::is_ascii_digit).count() >= 2
    });
    for m in SPEC.find_iter(text) {
        push(&mut d.specs, m.as_str());
    }
    for m in QUANTITY.find_iter(text) {
        let q = m
            .as_str()
            .trim()
            .trim_end_matches([',', ';', ':', ')', '(', '/']);
        push(
            &mut d.quantities,
            q.trim_start_matches(|c: char| !c.is_alphanumeric()),
        );
    }
    for f in scan.hits(List::Certification) {
        let shown = scan.phrase_text(f);
        let short = words.phrases.texts[f.phrase].len() <= 4;
        if short && shown.chars().any(char::is_lowercase) {
            continue;
        }
        push(&mut d.certifications, shown);
    }
    for (list, out) in [
        (List::Packaging, &mut d.packaging),
        (List::Shipping, &mut d.shipping),
        (List::Payment, &mut d.payment),
        (List::TargetPrice, &mut d.target_price),
    ] {
        for f in scan.hits(list) {
            push(out, scan.phrase_text(f));
        }
    }
    // Short shipping terms only in capitals (`FOB`, not the word "fob" or "ship").
    d.shipping
        .retain(|s| s.len() > 4 || s.chars().all(|c| !c.is_lowercase()));
    d.payment
        .retain(|s| s.len() > 3 || s.chars().all(|c| !c.is_lowercase()));
    if products_named {
        for m in MONEY.find_iter(text) {
            let sentence = sentence_at(text, m.start(), m.end());
            let folded = format!(" {} ", fold(&sentence));
            let about_price = words
                .phrases
                .find(&folded)
                .iter()
                .any(|f| matches!(f.list, List::Request | List::TargetPrice | List::Shipping));
            if about_price {
                push(&mut d.target_price, m.as_str());
            }
        }
    }
    for f in scan.hits(List::Delivery) {
        let sentence = scan.sentence(f);
        let folded = format!(" {} ", fold(&sentence));
        let dated = DATE.is_match(&sentence)
            || words
                .phrases
                .find(&folded)
                .iter()
                .any(|p| p.list == List::Months);
        if dated {
            push(&mut d.delivery, &sentence);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inquiry::words::builtin;

    fn plan() -> Plan {
        let lang = crate::templates::Catalog::load(None).unwrap().lang;
        crate::plan::load_str(
            std::path::Path::new("p.yaml"),
            "campaign: t\nproducts:\n  - name: LED bulb\n    synonyms: [LED lamp]\n    names: {de: [LED-Lampe]}\n  - name: LED tube\n    names: {es: [tubo LED]}\nrelated_products: [LED panel]\ncountries: [DE]\n",
            &lang,
        )
        .unwrap()
    }

    #[test]
    fn products_with_words_between_and_by_model_code() {
        let p = Products::new(&plan(), builtin());
        let names = |t: &str| -> Vec<String> {
            let mut v: Vec<usize> = p.find(t).iter().map(|f| f.0).collect();
            v.sort_unstable();
            v.dedup();
            v.iter().map(|i| p.name(*i).to_string()).collect()
        };
        assert_eq!(names("RFQ for LED filament bulbs"), ["LED bulb"]);
        assert_eq!(names("Tubos LED T8 y LED-Lampen"), ["LED bulb", "LED tube"]);
        assert_eq!(names("LED panel lamps only"), Vec::<String>::new());
        assert_eq!(
            names("Same as PO 31, 2x40HQ, A60 9W 4000K E27."),
            ["LED bulb"]
        );
        assert_eq!(names("bulbs, tubes, panels"), Vec::<String>::new());
    }

    #[test]
    fn details_of_a_specification() {
        let text = "LED-Lampe A60 E27, 8,5 W, 806 lm, 2700 K, Ra ≥ 80\nMenge: 20.000 Stk.\n\
                    Zielpreis: USD 0,55 FOB\nZertifikate: CE, RoHS\nZahlung: 30 % Anzahlung\n\
                    Liefertermin: Ware bis 15.03.2027";
        let scan = Scan::new(text, builtin());
        let d = details(text, &scan, builtin(), true);
        assert!(d.specs.contains(&"806 lm".to_string()), "{d:?}");
        assert!(d.models.contains(&"A60".to_string()), "{d:?}");
        assert!(!d.quantities.is_empty() && !d.payment.is_empty(), "{d:?}");
        assert!(d.certifications.contains(&"CE".to_string()), "{d:?}");
        assert!(
            !d.delivery.is_empty() && !d.target_price.is_empty(),
            "{d:?}"
        );
        assert_eq!(d.kinds(), 7, "{d:?}");
    }
}
