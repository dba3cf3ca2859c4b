//! The score stage (`stage.rs`: stored pages → leads) and grading itself: normalisation,
//! stemming and matching of the plan's terms, the facts of a company, its grade.

pub mod facts;
mod gate;
pub mod grade;
pub mod lead;
pub mod matcher;
pub mod stage;
pub mod words;

use std::sync::Arc;

use url::Url;

use crate::extract::links::PageKind;
use crate::plan::Plan;
use crate::reference::{GradingWords, LangData, PageWords};
use crate::store;
use crate::templates::Catalog;
pub use grade::{Grade, Lead, SitePage};
use matcher::Matcher;

/// Bumped when a change of the grader should grade stored leads again: leads graded before
/// count as graded with an older plan.
pub const GRADER_VERSION: u32 = 1;

/// Everything grading needs, built once per campaign (the matcher's automaton included).
pub struct Grader {
    pub plan: Plan,
    pub matcher: Matcher,
    pub lang: Arc<LangData>,
    /// The grading word lists, built once.
    pub words: words::Words,
    /// This year: a company in business since twenty years before is big.
    pub year: i32,
    stamp: String,
}

impl Grader {
    /// The grader of a plan with the catalogue's language data, grading words and page words,
    /// grading in `year` (from the command's clock).
    pub fn new(plan: Plan, catalog: &Catalog, year: i32) -> Grader {
        let lang = Arc::new(catalog.lang.clone());
        let matcher = Matcher::from_plan(&plan);
        let stamp = stamp(&plan, &lang, &catalog.grading, &catalog.page_words);
        Grader {
            words: words::Words::new(&catalog.grading, &catalog.page_words, &lang),
            plan,
            matcher,
            lang,
            year,
            stamp,
        }
    }

    /// The fingerprint of what grading depends on: the plan's products, trade, countries,
    /// excluded words and thresholds, the language data and this grader's version. Leads
    /// carry it; a lead with another stamp was graded with an older plan.
    pub fn stamp(&self) -> &str {
        &self.stamp
    }

    /// Grades a site from its pages (pure: pages in, lead out).
    pub fn grade(&self, domain: &str, pages: &[SitePage]) -> Lead {
        grade::grade_site(self, domain, pages)
    }
}

/// Stored pages with a body, as pages to grade.
pub fn pages_from_store(pages: Vec<store::Page>) -> Vec<SitePage> {
    pages
        .into_iter()
        .filter_map(|p| {
            let html = p.body?;
            let url = Url::parse(p.final_url.as_deref().unwrap_or(&p.url)).ok()?;
            let kind = PageKind::from_name(&p.kind).unwrap_or(PageKind::Home);
            Some(SitePage { url, kind, html })
        })
        .collect()
}

/// [`Grader::stamp`]: FNV-1a (64 bits) over what grading reads, in a fixed form.
fn stamp(plan: &Plan, lang: &LangData, words: &GradingWords, pages: &PageWords) -> String {
    let text = format!(
        "{GRADER_VERSION}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
        plan.products,
        plan.related_products,
        plan.industry,
        plan.customer_types,
        plan.countries,
        plan.exclude_words,
        plan.grading.a,
        plan.grading.b,
        lang.countries.keys().collect::<Vec<_>>(),
        lang.customer_types,
        lang.countries
            .values()
            .map(|c| (&c.languages, &c.names))
            .collect::<Vec<_>>(),
        words,
        pages,
    );
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}
