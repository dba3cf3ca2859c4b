//! Grading pages: normalisation, stemming and matching of the plan's terms.

pub mod facts;
mod gate;
pub mod grade;
pub mod lead;
pub mod matcher;
pub mod normalize;
mod words;

use std::sync::Arc;

use url::Url;

use crate::extract::links::PageKind;
use crate::plan::Plan;
use crate::store;
use crate::templates::LangData;
pub use grade::{Grade, Lead, SitePage};
use matcher::Matcher;

/// Everything grading needs, built once per campaign (the matcher's automaton included).
pub struct Grader {
    pub plan: Plan,
    pub matcher: Matcher,
    pub lang: Arc<LangData>,
}

impl Grader {
    pub fn new(plan: Plan, lang: Arc<LangData>) -> Grader {
        let matcher = Matcher::from_plan(&plan);
        Grader {
            plan,
            matcher,
            lang,
        }
    }

    /// Grades a site from its pages (pure: pages in, lead out).
    pub fn grade(&self, domain: &str, pages: &[SitePage]) -> Lead {
        grade::grade_site(&self.plan, &self.matcher, &self.lang, domain, pages)
    }
}

/// Stored pages with a body, as pages to grade.
pub fn pages_from_store(pages: &[store::Page]) -> Vec<SitePage> {
    pages
        .iter()
        .filter_map(|p| {
            let html = p.body.clone()?;
            let url = Url::parse(p.final_url.as_deref().unwrap_or(&p.url)).ok()?;
            let kind = PageKind::from_name(&p.kind).unwrap_or(PageKind::Home);
            Some(SitePage { url, kind, html })
        })
        .collect()
}
