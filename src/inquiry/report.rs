//! The triage as people read it (most valuable first, scams last and marked) and as JSON
//! lines, one object per inquiry.

use std::fmt::Write as _;

use crate::clock::format_utc;

use super::Inquiry;

/// Sorts inquiries most valuable first: honest ones by level, then by deadline (none last),
/// then by source; scams last.
pub fn sort(list: &mut [Inquiry]) {
    list.sort_by(|a, b| {
        (
            a.scam,
            a.level,
            a.reply_by.is_none(),
            a.reply_by,
            &a.analysis.source,
        )
            .cmp(&(
                b.scam,
                b.level,
                b.reply_by.is_none(),
                b.reply_by,
                &b.analysis.source,
            ))
    });
}

/// A date-time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(t: i64) -> String {
    let (y, m, d) = crate::clock::civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// The details as one object of lists (kinds with nothing left out).
fn details_json(i: &Inquiry) -> serde_json::Value {
    let map = i
        .analysis
        .details
        .summary()
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
        .collect();
    serde_json::Value::Object(map)
}

/// One inquiry as a JSON object.
pub fn json(i: &Inquiry) -> serde_json::Value {
    let a = &i.analysis;
    serde_json::json!({
        "file": a.source,
        "key": a.key,
        "subject": a.subject,
        "date": a.date.map(|d| rfc3339(d.unix)),
        "sender_name": a.sender_name,
        "sender_email": a.sender_email,
        "sender_domain": a.sender_domain,
        "free_mail": a.free_mail,
        "reply_to": a.reply_to,
        "company": a.contact.company,
        "address": a.contact.address,
        "phones": a.contact.phones,
        "faxes": a.contact.faxes,
        "website": a.contact.website,
        "messengers": a.contact.messengers,
        "country": a.country.as_ref().map(|c| c.code.clone()),
        "country_reason": a.country.as_ref().map(|c| c.reason.clone()),
        "products": a.products,
        "details": details_json(i),
        "replies": a.replies,
        "attachments": a.attachments.iter().map(|t| format!("{} ({})", t.name, t.content_type)).collect::<Vec<_>>(),
        "level": i.level,
        "level_reason": i.level_reason,
        "buyer_type": i.buyer_type.as_str(),
        "scam": i.scam,
        "signs": i.signs.iter().map(|s| serde_json::json!({"code": s.code, "evidence": s.evidence})).collect::<Vec<_>>(),
        "site_grade": i.site.as_ref().and_then(|s| s.grade_text()),
        "site_check": i.site.as_ref().map(|s| s.describe()),
        "reply_by": i.reply_by.map(rfc3339),
        "next_step": i.next_step,
    })
}

/// JSON lines.
pub fn jsonl(list: &[Inquiry]) -> String {
    let mut out = String::new();
    for i in list {
        out.push_str(&json(i).to_string());
        out.push('\n');
    }
    out
}

/// The triage for people; `now` marks deadlines already past.
pub fn text(list: &[Inquiry], now: i64) -> String {
    let mut s = String::new();
    for (n, i) in list.iter().enumerate() {
        let a = &i.analysis;
        if n > 0 {
            s.push('\n');
        }
        let head = if i.scam {
            format!("SCAM  level 4 · {}", i.buyer_type.as_str())
        } else {
            format!("level {} · {}", i.level, i.buyer_type.as_str())
        };
        let _ = writeln!(s, "{head} · {}", a.source);
        let from = match (&a.sender_name, &a.sender_email) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.clone(),
            (Some(n), None) => n.clone(),
            (None, None) => "-".into(),
        };
        let free = if a.free_mail { " (free mail)" } else { "" };
        let _ = writeln!(
            s,
            "  subject:   {}",
            if a.subject.is_empty() {
                "-"
            } else {
                &a.subject
            }
        );
        let _ = writeln!(s, "  from:      {from}{free}");
        if let Some(r) = &a.reply_to {
            let _ = writeln!(s, "  reply-to:  {r}");
        }
        if let Some(p) = &a.platform {
            let name = if p.is_empty() { "a B2B platform" } else { p };
            let _ = writeln!(s, "  via:       {name} (platform notification)");
        }
        if let Some(f) = &a.forwarded_by {
            let _ = writeln!(s, "  forwarded: by {f}");
        }
        let _ = writeln!(
            s,
            "  company:   {}",
            a.contact.company.as_deref().unwrap_or("-")
        );
        let country = a
            .country
            .as_ref()
            .map_or("-".to_string(), |c| format!("{} ({})", c.code, c.reason));
        let _ = writeln!(s, "  country:   {country}");
        let mut reach: Vec<String> = Vec::new();
        reach.extend(a.contact.phones.iter().map(|p| format!("tel {p}")));
        reach.extend(a.contact.faxes.iter().map(|p| format!("fax {p}")));
        reach.extend(a.contact.website.iter().cloned());
        reach.extend(a.contact.messengers.iter().cloned());
        if !reach.is_empty() {
            let _ = writeln!(s, "  contact:   {}", reach.join(" · "));
        }
        let products = if a.products.is_empty() {
            "-".to_string()
        } else {
            a.products.join(", ")
        };
        let _ = writeln!(s, "  products:  {products}");
        let details = a.details.summary();
        if !details.is_empty() {
            let parts: Vec<String> = details
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.join(", ")))
                .collect();
            let _ = writeln!(s, "  details:   {}", parts.join("; "));
        }
        if a.replies > 0 {
            let _ = writeln!(s, "  thread:    {} earlier messages quoted", a.replies);
        }
        if !a.attachments.is_empty() {
            let names: Vec<&str> = a.attachments.iter().map(|t| t.name.as_str()).collect();
            let _ = writeln!(s, "  attached:  {}", names.join(", "));
        }
        let _ = writeln!(s, "  why:       {}", i.level_reason);
        for sign in &i.signs {
            let _ = writeln!(s, "  sign:      {}: {}", sign.code, sign.evidence);
        }
        if let Some(site) = &i.site {
            let _ = writeln!(s, "  site:      {}", site.describe());
        }
        let due = match i.reply_by {
            Some(t) if t < now => format!("{} (overdue)", format_utc(t)),
            Some(t) => format_utc(t),
            None => "no deadline".into(),
        };
        let _ = writeln!(s, "  reply by:  {due}");
        let _ = writeln!(s, "  next:      {}", i.next_step);
        for note in &a.notes {
            let _ = writeln!(s, "  note:      {note}");
        }
    }
    s
}
