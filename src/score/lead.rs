//! A graded lead as the store keeps it, and as text for people.

use std::fmt::Write as _;

use super::grade::{Lead, Verdict};
use crate::store::LeadRecord;

impl Lead {
    /// What the store keeps of the lead.
    pub fn record(&self) -> LeadRecord {
        LeadRecord {
            domain: self.domain.clone(),
            company: self.company.clone(),
            grade: self.grade,
            match_share: self.match_share,
            big: self.big,
            customer_type: self.customer_type.clone(),
            country: self.country.clone(),
            website: self.website.clone(),
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            contact_page: self.contact_page.clone(),
            matched_products: self.matched_products.clone(),
            evidence: self.evidence.clone(),
        }
    }
}

/// The lead for a person: grade and evidence first, then how to reach the company.
pub fn to_text(lead: &Lead, explain: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — {}",
        lead.domain,
        lead.company.as_deref().unwrap_or("(name not found)")
    );
    let big = if lead.big { " (big)" } else { "" };
    let _ = writeln!(s, "grade:          {}{big}: {}", lead.grade, lead.evidence);
    let or_none = |v: Option<&str>| v.unwrap_or("-").to_string();
    let _ = writeln!(
        s,
        "customer type:  {}",
        or_none(lead.customer_type.as_deref())
    );
    let country = match (&lead.country, &lead.country_reason) {
        (Some(c), Some(r)) => format!("{c} ({r})"),
        (Some(c), None) => c.clone(),
        _ => "-".into(),
    };
    let _ = writeln!(s, "country:        {country}");
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let _ = writeln!(s, "emails:         {}", list(&lead.emails));
    let _ = writeln!(s, "phones:         {}", list(&lead.phones));
    let _ = writeln!(
        s,
        "contact page:   {}",
        or_none(lead.contact_page.as_deref())
    );
    if !lead.social.is_empty() {
        let _ = writeln!(s, "social:         {}", lead.social.join(", "));
    }
    let _ = writeln!(s, "website:        {}", lead.website);
    if explain {
        if !lead.menu.is_empty() {
            let _ = writeln!(s, "\nmenu ({} entries):", lead.menu.len());
            for (entry, verdict) in &lead.menu {
                let (mark, why) = marked(verdict);
                let _ = writeln!(s, "  {mark}  {entry}{why}");
            }
        }
        let _ = writeln!(
            s,
            "\ncatalogue items ({} of {} ours):",
            lead.ours, lead.items
        );
        for d in &lead.decisions {
            let (mark, why) = marked(&d.verdict);
            let why = match (why.is_empty(), d.by_context) {
                (true, _) => String::new(),
                (false, false) => why,
                (false, true) => format!(
                    "{}, from the heading it sits under]",
                    why.trim_end_matches(']')
                ),
            };
            let _ = writeln!(s, "  {mark}  {}{why}  ({})", d.text, d.page);
            if d.card != d.text {
                let _ = writeln!(s, "         read: {}", d.card);
            }
        }
    }
    s
}

/// An item's mark and what decided it (`  [terms]`, or nothing).
fn marked(verdict: &Verdict) -> (&'static str, String) {
    let (mark, why) = match verdict {
        Verdict::Ours(t) => ("ours ", t.join(", ")),
        Verdict::Trade(t) => ("trade", t.join(", ")),
        Verdict::Excluded(w) => ("not  ", format!("excluded word: {w}")),
        Verdict::Other => ("other", String::new()),
    };
    let why = if why.is_empty() {
        why
    } else {
        format!("  [{why}]")
    };
    (mark, why)
}
