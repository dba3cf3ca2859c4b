//! By when and how to answer (seed 002): level 1 the same working day, every mail reviewed
//! by a supervisor; level 2 a first contact within 3 days, then at least weekly; level 3
//! within 24 hours with the standard template; level 4 after the others, no deadline.

use super::background::{SiteCheck, SiteOutcome};
use super::read::Stamp;
use super::{Analysis, Sign};

/// The end of a working day, local time of the message (seconds after midnight).
const END_OF_WORKING_DAY: i64 = 18 * 3600;
const DAY: i64 = 86_400;
const HOUR: i64 = 3600;

/// The deadline to answer (Unix time), from the message's date (or `now` without one).
pub fn reply_by(level: u8, date: Option<Stamp>, now: i64) -> Option<i64> {
    let at = date.unwrap_or(Stamp {
        unix: now,
        offset: 0,
    });
    match level {
        1 => Some(same_working_day(at)),
        2 => Some(at.unix + 3 * DAY),
        3 => Some(at.unix + 24 * HOUR),
        _ => None,
    }
}

/// 18:00 (the writer's time) of the day the message came, or of the next working day when it
/// came after 18:00 or on a weekend.
fn same_working_day(at: Stamp) -> i64 {
    let offset = i64::from(at.offset) * 60;
    let local = at.unix + offset;
    let mut day = local.div_euclid(DAY);
    let weekend = |d: i64| (d + 3).rem_euclid(7) >= 5; // 1970-01-01 was a Thursday
    if weekend(day) || local.rem_euclid(DAY) >= END_OF_WORKING_DAY {
        day += 1;
        while weekend(day) {
            day += 1;
        }
    }
    day * DAY + END_OF_WORKING_DAY - offset
}

/// A date of a form (`17/11/2026 22:14`, `2026-11-17 22:14`), taken as UTC.
pub fn parse_form_date(text: &str) -> Option<Stamp> {
    let t = text.trim();
    let digits: Vec<i64> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .take(5)
        .filter_map(|p| p.parse().ok())
        .collect();
    let (y, m, d, rest) = match digits.as_slice() {
        [y, m, d, rest @ ..] if *y > 1900 => (*y, *m, *d, rest),
        [d, m, y, rest @ ..] if *y > 1900 => (*y, *m, *d, rest),
        _ => return None,
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let serial = crate::sheet::model::parse_date(&format!("{y:04}-{m:02}-{d:02}"))?;
    let days = serial as i64 - 25_569;
    let (h, min) = match rest {
        [h, min, ..] if *h < 24 && *min < 60 => (*h, *min),
        _ => (0, 0),
    };
    Some(Stamp {
        unix: days * DAY + h * HOUR + min * 60,
        offset: 0,
    })
}

/// What to do next, in one line.
pub fn next_step(
    a: &Analysis,
    level: u8,
    scam: bool,
    signs: &[Sign],
    site: Option<&SiteCheck>,
) -> String {
    if scam {
        let codes: Vec<&str> = signs.iter().map(|s| s.code).collect();
        let has = |c: &str| codes.contains(&c);
        let mut don_t = Vec::new();
        if has("dangerous-attachment") {
            don_t.push("open the attachment");
        }
        if has("phishing-link") {
            don_t.push("follow the link or enter any password");
        }
        if has("sample-hunting") {
            don_t.push("send free samples");
        }
        if has("invitation-letter") {
            don_t.push("issue an invitation letter");
        }
        if has("come-visit-urgency") {
            don_t.push("travel or pay any deposit");
        }
        if has("online-listing-cost") {
            don_t.push("pay for a listing");
        }
        let verify =
            if has("lookalike-domain") || has("freemail-big-company") || has("reply-to-mismatch") {
                "; if in doubt, call the company on the number of its official site"
            } else {
                ""
            };
        return if don_t.is_empty() {
            format!("Do not answer as a sale: treat as a scam or junk{verify}")
        } else {
            format!(
                "Do not {}: treat as a scam or junk{verify}",
                don_t.join(", ")
            )
        };
    }
    let products = if a.products.is_empty() {
        "our range".to_string()
    } else {
        a.products.join(" and ")
    };
    let research = match site.map(|s| &s.outcome) {
        Some(SiteOutcome::Graded { grade, .. }) => {
            format!(" (its site is graded {})", grade.as_str())
        }
        _ => String::new(),
    };
    match level {
        1 => format!(
            "Answer today, every mail reviewed by a supervisor before it goes; use mail, phone and messenger{}",
            if a.earlier_order.is_some() {
                "; confirm price, quantity and delivery of the order"
            } else {
                ""
            }
        ),
        2 => format!(
            "Research the company{research} and send a tailored offer for {products} within 3 days; then keep in touch at least weekly by mail and messenger"
        ),
        3 => format!(
            "Reply within 24 hours with the standard template and prices for {products}; watch for the answer"
        ),
        _ => {
            if a.products.is_empty() {
                "After levels 1–3: standard template, ask which products, quantities and full contact details".to_string()
            } else {
                format!(
                    "After levels 1–3: standard template for {products}, ask for quantities, specifications and full contact details"
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_one_is_due_the_same_working_day() {
        // Mon 2026-11-09 10:19 +01:00 → 18:00 +01:00 the same day.
        let monday = Stamp {
            unix: 1_794_215_991,
            offset: 60,
        };
        assert_eq!(reply_by(1, Some(monday), 0), Some(1_794_243_600));
        // Sat 2026-11-21 20:31 +03:00 → Mon 2026-11-23 18:00 +03:00.
        let saturday = Stamp {
            unix: 1_795_282_262,
            offset: 180,
        };
        assert_eq!(reply_by(1, Some(saturday), 0), Some(1_795_446_000));
        assert_eq!(reply_by(3, Some(monday), 0), Some(monday.unix + 86_400));
        assert_eq!(reply_by(4, Some(monday), 0), None);
    }

    #[test]
    fn form_dates() {
        let s = parse_form_date("19/11/2026 15:42 (CET)").unwrap();
        assert_eq!(crate::clock::format_utc(s.unix), "2026-11-19 15:42 UTC");
        assert!(parse_form_date("yesterday").is_none());
    }
}
