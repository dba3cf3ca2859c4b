//! A lead as the sheet's columns (SPEC §8), as JSON and as text for people.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::grade::{Lead, Verdict};

/// The tool's columns of the lead sheet, in order.
pub const SHEET_COLUMNS: [&str; 16] = [
    "domain",
    "company",
    "grade",
    "match_share",
    "big",
    "customer_type",
    "country",
    "website",
    "emails",
    "phones",
    "contact_page",
    "matched_products",
    "evidence",
    "queries",
    "first_seen",
    "last_seen",
];

/// One object whose keys are the sheet's column names. `seen` is today's date (first and
/// last seen when nothing else is known).
pub fn to_json(lead: &Lead, seen: &str) -> Value {
    let mut m = Map::new();
    m.insert("domain".into(), json!(lead.domain));
    m.insert("company".into(), json!(lead.company));
    m.insert("grade".into(), json!(lead.grade.to_string()));
    m.insert("match_share".into(), json!(lead.match_share));
    m.insert("big".into(), json!(lead.big));
    m.insert("customer_type".into(), json!(lead.customer_type));
    m.insert("country".into(), json!(lead.country));
    m.insert("website".into(), json!(lead.website));
    m.insert("emails".into(), json!(lead.emails.join(", ")));
    m.insert("phones".into(), json!(lead.phones.join(", ")));
    m.insert("contact_page".into(), json!(lead.contact_page));
    m.insert(
        "matched_products".into(),
        json!(lead.matched_products.join(", ")),
    );
    m.insert("evidence".into(), json!(lead.evidence));
    m.insert("queries".into(), json!(""));
    m.insert("first_seen".into(), json!(seen));
    m.insert("last_seen".into(), json!(seen));
    Value::Object(m)
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
        let _ = writeln!(
            s,
            "\ncatalogue items ({} of {} ours):",
            lead.ours, lead.items
        );
        for d in &lead.decisions {
            let (mark, why) = match &d.verdict {
                Verdict::Ours(t) => ("ours ", t.join(", ")),
                Verdict::Trade(t) => ("trade", t.join(", ")),
                Verdict::Excluded(w) => ("not  ", format!("excluded word: {w}")),
                Verdict::Other => ("other", String::new()),
            };
            let why = if why.is_empty() {
                String::new()
            } else {
                format!("  [{why}]")
            };
            let _ = writeln!(s, "  {mark}  {}{why}  ({})", d.text, d.page);
        }
    }
    s
}
