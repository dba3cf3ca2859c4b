//! The background check (seed 001: search the company, read its products page, about-us and
//! contact page): which site of the sender to visit, and what its grade, name and country
//! say next to the mail — plus seed 001's hints of a small company.

use crate::normalize::fold;
use crate::score::Lead;
use crate::store::Grade;

use super::Analysis;
use super::scan::Scan;
use super::words::{List, builtin};

/// What visiting the sender's site showed.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteOutcome {
    /// No site: a free-mail sender without a website, or a site that could not be reached.
    Missing(String),
    /// A parked domain ("this domain is for sale").
    Parked,
    /// Graded against the plan.
    Graded {
        grade: Grade,
        share: f64,
        site_company: Option<String>,
        site_country: Option<String>,
        /// Whether the site's company name agrees with the mail's (None: one is unknown).
        company_agrees: Option<bool>,
        country_agrees: Option<bool>,
    },
}

/// The background check of one sender.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteCheck {
    pub domain: Option<String>,
    pub outcome: SiteOutcome,
    /// Seed 001's hints of a small company (phone and fax the same number, no website).
    pub hints: Vec<String>,
}

impl SiteCheck {
    /// The site's grade: A/B/C/D/X (a parked domain is X), none without a site.
    pub fn grade_text(&self) -> Option<String> {
        match &self.outcome {
            SiteOutcome::Missing(_) => None,
            SiteOutcome::Parked => Some("X".into()),
            SiteOutcome::Graded { grade, .. } => Some(grade.as_str().into()),
        }
    }

    /// One line for people.
    pub fn describe(&self) -> String {
        let domain = self.domain.as_deref().unwrap_or("-");
        let mut s = match &self.outcome {
            SiteOutcome::Missing(why) => format!("no site ({why})"),
            SiteOutcome::Parked => format!("{domain} graded X: a parked domain (for sale)"),
            SiteOutcome::Graded {
                grade,
                share,
                site_company,
                site_country,
                company_agrees,
                country_agrees,
            } => {
                let mut s = format!(
                    "{domain} graded {} ({:.0} % ours)",
                    grade.as_str(),
                    share * 100.0
                );
                if let Some(c) = site_company {
                    s.push_str(&format!("; site name {c}"));
                    if *company_agrees == Some(false) {
                        s.push_str(" (not the mail's)");
                    }
                }
                if let Some(c) = site_country {
                    s.push_str(&format!("; site country {c}"));
                    if *country_agrees == Some(false) {
                        s.push_str(" (not the mail's)");
                    }
                }
                s
            }
        };
        for h in &self.hints {
            s.push_str("; ");
            s.push_str(h);
        }
        s
    }
}

/// Why a sender's site is not visited, or the domain to visit.
pub enum Visit {
    /// Visit this registrable domain (home page from the signature's website when it is on
    /// the same domain).
    Site {
        domain: String,
        website: Option<String>,
    },
    /// Nothing to visit: the check is this.
    Known(SiteCheck),
    /// Not checked (a known buyer, a platform, an imitation of a known buyer).
    Skip,
}

/// Which site of the sender to visit.
pub fn to_visit(a: &Analysis) -> Visit {
    if a.platform.is_some() || a.known_buyer.is_some() {
        return Visit::Skip;
    }
    if a.signs.iter().any(|s| s.code == "lookalike-domain") {
        return Visit::Skip;
    }
    let website_domain = a
        .contact
        .website
        .as_deref()
        .map(|w| crate::extract::Domain::of_host_or_self(w).to_string());
    match (&a.sender_domain, a.free_mail) {
        (Some(d), false) => Visit::Site {
            domain: d.clone(),
            website: a
                .contact
                .website
                .clone()
                .filter(|_| website_domain.as_deref() == Some(d)),
        },
        _ => match website_domain {
            Some(d) if !builtin().is_free_mail(&d) => Visit::Site {
                domain: d,
                website: a.contact.website.clone(),
            },
            _ => Visit::Known(SiteCheck {
                domain: None,
                outcome: SiteOutcome::Missing("a free-mail address and no website".into()),
                hints: hints(a, true),
            }),
        },
    }
}

/// Seed 001's small-company hints: phone and fax the same number; no website at all.
pub fn hints(a: &Analysis, no_site: bool) -> Vec<String> {
    let mut out = Vec::new();
    let c = &a.contact;
    if let Some(same) = c.phones.iter().find(|p| c.faxes.contains(p)) {
        out.push(format!(
            "phone and fax are the same number ({same}): a small company"
        ));
    }
    if no_site && c.website.is_none() {
        out.push(
            "no website at all: a small company, or one that does not care for the internet".into(),
        );
    }
    out
}

/// The check from a graded site: its grade, and whether its name and country agree with
/// the mail's. `home_text` is the home page's text (a parked domain is told by it).
pub fn from_lead(a: &Analysis, domain: &str, lead: &Lead, home_text: &str) -> SiteCheck {
    let scan = Scan::new(home_text, builtin());
    if lead.grade == Grade::X && scan.has(List::Parked) {
        return SiteCheck {
            domain: Some(domain.to_string()),
            outcome: SiteOutcome::Parked,
            hints: hints(a, true),
        };
    }
    let company_agrees = match (&a.contact.company, &lead.company) {
        (Some(mail), Some(site)) => Some(same_company(mail, site)),
        _ => None,
    };
    let country_agrees = match (&a.country, &lead.country) {
        (Some(mail), Some(site)) => Some(mail.code == *site),
        _ => None,
    };
    SiteCheck {
        domain: Some(domain.to_string()),
        outcome: SiteOutcome::Graded {
            grade: lead.grade,
            share: lead.match_share,
            site_company: lead.company.clone(),
            site_country: lead.country.clone(),
            company_agrees,
            country_agrees,
        },
        hints: hints(a, false),
    }
}

/// Whether two names are the same company: most of their distinctive words (legal forms and
/// words of two letters or fewer left out) are shared.
pub fn same_company(a: &str, b: &str) -> bool {
    let forms = [
        "gmbh", "ltd", "llc", "inc", "bv", "sl", "srl", "sa", "spa", "ag", "kg", "co", "sp", "zoo",
        "ooo", "limited", "company", "corp",
    ];
    let words = |s: &str| -> Vec<String> {
        fold(s)
            .split(' ')
            .filter(|w| w.len() > 2 && !forms.contains(w))
            .map(str::to_string)
            .collect()
    };
    let (x, y) = (words(a), words(b));
    if x.is_empty() || y.is_empty() {
        return true;
    }
    let shared = x.iter().filter(|w| y.contains(w)).count();
    shared * 3 >= x.len().min(y.len()) * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_names_agree_on_their_distinctive_words() {
        assert!(same_company(
            "Lumimport Ibérica S.L.",
            "LUMIMPORT IBERICA SL"
        ));
        assert!(!same_company(
            "Eurolux Distribution B.V.",
            "Eurolux Trading Ltd"
        ));
        assert!(same_company("BrightPath Home LLC", "BrightPath Home"));
    }
}
