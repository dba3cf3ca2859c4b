//! Leads as the store keeps them: one typed record per graded site, stamped with the plan it
//! was graded with and the newest of the pages it was graded from, so that the score stage
//! knows which leads are stale.

use std::fmt;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Result, Store, StoreError};

/// A grade (seed 000, section 3.1): A/B/C by our share of the catalogue, D a company listed on
/// someone else's page, X not a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
    /// Not a lead.
    X,
}

impl Grade {
    pub const ALL: [Grade; 5] = [Grade::A, Grade::B, Grade::C, Grade::D, Grade::X];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::X => "X",
        }
    }

    /// A, B, C and D make the lead sheet; X does not.
    pub fn is_lead(self) -> bool {
        self != Grade::X
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not a grade.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a grade (A, B, C, D, X)")]
pub struct GradeError(pub String);

impl std::str::FromStr for Grade {
    type Err = GradeError;
    fn from_str(s: &str) -> std::result::Result<Grade, GradeError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Ok(Grade::A),
            "B" => Ok(Grade::B),
            "C" => Ok(Grade::C),
            "D" => Ok(Grade::D),
            "X" => Ok(Grade::X),
            _ => Err(GradeError(s.to_string())),
        }
    }
}

/// What grading a site found, as the store keeps it (the lead sheet's columns come from it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadRecord {
    pub domain: String,
    pub company: Option<String>,
    pub grade: Grade,
    /// Our share of the catalogue (0–1).
    pub match_share: f64,
    /// A C lead that looks large.
    pub big: bool,
    pub customer_type: Option<String>,
    pub country: Option<String>,
    pub website: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub contact_page: Option<String>,
    pub matched_products: Vec<String>,
    /// The grade's evidence in one sentence.
    pub evidence: String,
}

/// How a lead was made: the plan (and grader) it was graded with, and the newest page it was
/// graded from. A lead whose stamp differs from the current plan's, or whose site has newer
/// pages, is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graded {
    /// The fingerprint of the plan and grader (`Grader::stamp`).
    pub plan: String,
    /// The newest `fetched_at` of the pages graded (0 for pages that are not in the store).
    pub pages_at: i64,
}

/// A lead read back for the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLead {
    pub record: LeadRecord,
    /// When the site was first added to the store (Unix seconds); the grading time for a lead
    /// whose site the store does not know.
    pub first_seen: i64,
    /// When it was last graded (Unix seconds).
    pub graded_at: i64,
    /// The distinct queries whose results pointed at the domain, first run first.
    pub queries: Vec<String>,
}

/// A site the score stage should grade: its domain and the newest of its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToGrade {
    pub domain: crate::extract::Domain,
    pub pages_at: i64,
    /// The bytes of its pages (what grading it will hold in memory grows with them).
    pub bytes: u64,
}

/// Which done sites the score stage grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Sites with no lead, or with pages newer than their lead.
    Stale,
    /// Every done site (`prospect grade`).
    All,
}

impl Store {
    /// Stores (or replaces) leads, all in one transaction, at time `now`.
    pub fn save_leads(&mut self, leads: &[(LeadRecord, Graded)], now: i64) -> Result<()> {
        let path = self.path.clone();
        let err = |e| super::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO leads (domain, grade, data, updated_at, plan, pages_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(domain) DO UPDATE SET grade = excluded.grade,
                       data = excluded.data, updated_at = excluded.updated_at,
                       plan = excluded.plan, pages_at = excluded.pages_at",
                )
                .map_err(err)?;
            for (record, graded) in leads {
                let data = serde_json::to_string(record).map_err(|e| StoreError::Other {
                    path: path.clone(),
                    message: format!("cannot write the lead of {}: {e}", record.domain),
                })?;
                stmt.execute(params![
                    record.domain,
                    record.grade.as_str(),
                    data,
                    now,
                    graded.plan,
                    graded.pages_at
                ])
                .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// One site's lead, if it has one.
    pub fn lead(&self, domain: &crate::extract::Domain) -> Result<Option<LeadRecord>> {
        let data: Option<String> = self
            .conn
            .query_row("SELECT data FROM leads WHERE domain = ?1", [domain], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        data.map(|d| self.parse_lead(domain.as_str(), &d))
            .transpose()
    }

    fn parse_lead(&self, domain: &str, data: &str) -> Result<LeadRecord> {
        serde_json::from_str(data).map_err(|e| StoreError::DamagedLead {
            path: self.path.clone(),
            domain: domain.to_string(),
            why: e.to_string(),
        })
    }

    /// The done sites the score stage should grade, in the order they were added.
    pub fn sites_to_grade(&self, selection: Selection) -> Result<Vec<ToGrade>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.domain, coalesce(p.at, 0), l.pages_at, l.domain IS NOT NULL,
                        coalesce(p.bytes, 0)
                 FROM sites s LEFT JOIN leads l ON l.domain = s.domain
                 LEFT JOIN (SELECT domain, max(fetched_at) AS at, sum(bytes) AS bytes
                            FROM pages GROUP BY domain) p ON p.domain = s.domain
                 WHERE s.status = 'done' ORDER BY s.first_seen, s.rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, crate::extract::Domain>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, i64>(4)?.max(0) as u64,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (domain, pages_at, lead_pages_at, has_lead, bytes) =
                row.map_err(|e| self.err(e))?;
            let stale = !has_lead || lead_pages_at.unwrap_or(0) < pages_at;
            if selection == Selection::All || stale {
                out.push(ToGrade {
                    domain,
                    pages_at,
                    bytes,
                });
            }
        }
        Ok(out)
    }

    /// How many leads were graded with another plan (or grader) than `plan`.
    pub fn leads_of_other_plans(&self, plan: &str) -> Result<u64> {
        self.conn
            .query_row(
                "SELECT count(*) FROM leads WHERE plan IS NOT ?1",
                [plan],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .map_err(|e| self.err(e))
    }

    /// Leads by grade, counted.
    pub fn lead_counts(&self) -> Result<Vec<(Grade, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT grade, count(*) FROM leads GROUP BY 1 ORDER BY 1")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (grade, n) = row.map_err(|e| self.err(e))?;
            let grade = grade.parse().map_err(|why| StoreError::Other {
                path: self.path.clone(),
                message: format!("a stored lead has a damaged grade: {why}"),
            })?;
            out.push((grade, n));
        }
        Ok(out)
    }

    /// Every lead for the lead sheet, in the order they were first stored, with when its site
    /// was first seen and the distinct queries whose results pointed at its domain (first run
    /// first). A lead that cannot be read is an error naming its domain.
    pub fn sheet_leads(&self) -> Result<Vec<StoredLead>> {
        let mut queries = self.lead_queries()?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT l.domain, l.data, s.first_seen, l.updated_at
                 FROM leads l LEFT JOIN sites s ON s.domain = l.domain ORDER BY l.rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (domain, data, first_seen, graded_at) = row.map_err(|e| self.err(e))?;
            let record = self.parse_lead(&domain, &data)?;
            out.push(StoredLead {
                record,
                first_seen: first_seen.unwrap_or(graded_at),
                graded_at,
                queries: queries.remove(&domain).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Per lead domain, the distinct queries whose results named it, first run first.
    fn lead_queries(&self) -> Result<std::collections::HashMap<String, Vec<String>>> {
        let mut queries: std::collections::HashMap<String, Vec<String>> = Default::default();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.domain, q.query, min(q.id) FROM results r JOIN queries q ON q.id = r.query_id
                 WHERE r.domain IN (SELECT domain FROM leads)
                 GROUP BY r.domain, q.query ORDER BY r.domain, 3",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        for row in rows {
            let (domain, query) = row.map_err(|e| self.err(e))?;
            queries.entry(domain).or_default().push(query);
        }
        Ok(queries)
    }
}

/// A lead as stores before schema 3 kept it (the sheet's columns as one JSON object, lists
/// joined with `, `), as a record; `None` when it cannot be read.
pub(super) fn record_of_columns(domain: &str, grade: &str, data: &str) -> Option<LeadRecord> {
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(data).ok()?;
    let text = |key: &str| {
        map.get(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let list = |key: &str| -> Vec<String> {
        text(key)
            .map(|s| {
                s.split(", ")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let grade = grade.parse().ok().or_else(|| text("grade")?.parse().ok())?;
    Some(LeadRecord {
        domain: domain.to_string(),
        company: text("company"),
        grade,
        match_share: map
            .get("match_share")
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0),
        big: map.get("big").and_then(|v| v.as_bool()).unwrap_or(false),
        customer_type: text("customer_type"),
        country: text("country"),
        website: text("website").unwrap_or_default(),
        emails: list("emails"),
        phones: list("phones"),
        contact_page: text("contact_page"),
        matched_products: list("matched_products"),
        evidence: text("evidence").unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(domain: &str, grade: Grade) -> LeadRecord {
        LeadRecord {
            domain: domain.into(),
            company: Some("Lampen GmbH".into()),
            grade,
            match_share: 0.5,
            big: false,
            customer_type: Some("wholesaler".into()),
            country: Some("DE".into()),
            website: format!("https://{domain}/"),
            emails: vec![format!("info@{domain}")],
            phones: vec!["+49301234567".into()],
            contact_page: None,
            matched_products: vec!["LED bulb".into()],
            evidence: "6 of 12 catalogue items are ours".into(),
        }
    }

    #[test]
    fn leads_round_trip_and_stale_sites_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.sqlite")).unwrap();
        let dom = |d: &str| crate::extract::Domain::listed(d).unwrap();
        for d in ["a.de", "b.de", "c.de"] {
            s.add_site(&dom(d), &format!("https://{d}/"), "urls")
                .unwrap();
            s.set_site_status(&dom(d), super::super::SiteStatus::Done, None)
                .unwrap();
            s.save_page(&super::super::Page {
                body: Some("x".into()),
                ..super::super::Page::new(&format!("https://{d}/"), dom(d), "home", 100)
            })
            .unwrap();
        }
        let graded = |at| Graded {
            plan: "p1".into(),
            pages_at: at,
        };
        s.save_leads(
            &[
                (record("a.de", Grade::A), graded(100)),
                (record("b.de", Grade::C), graded(50)),
            ],
            200,
        )
        .unwrap();
        assert_eq!(
            s.lead(&dom("a.de")).unwrap(),
            Some(record("a.de", Grade::A))
        );
        let stale: Vec<String> = s
            .sites_to_grade(Selection::Stale)
            .unwrap()
            .into_iter()
            .map(|t| t.domain.to_string())
            .collect();
        assert_eq!(
            stale,
            ["b.de", "c.de"],
            "b.de has newer pages, c.de no lead"
        );
        assert_eq!(s.sites_to_grade(Selection::All).unwrap().len(), 3);
        assert_eq!(s.leads_of_other_plans("p1").unwrap(), 0);
        assert_eq!(s.leads_of_other_plans("p2").unwrap(), 2);
        assert_eq!(s.lead_counts().unwrap(), [(Grade::A, 1), (Grade::C, 1)]);
        let sheet = s.sheet_leads().unwrap();
        assert_eq!(sheet.len(), 2);
        assert_eq!(sheet[0].graded_at, 200);
        s.conn
            .execute(
                "UPDATE leads SET data = '{\"domain\": 1}' WHERE domain = 'b.de'",
                [],
            )
            .unwrap();
        let err = s.sheet_leads().unwrap_err().to_string();
        assert!(err.contains("b.de"), "{err}");
    }

    #[test]
    fn leads_of_older_stores_are_read_from_their_columns() {
        let data = r#"{"domain":"a.de","company":"A GmbH","grade":"B","match_share":0.25,
            "big":false,"customer_type":null,"country":"DE","website":"https://a.de/",
            "emails":"info@a.de, shop@a.de","phones":"","contact_page":null,
            "matched_products":"LED bulb","evidence":"3 of 12","queries":"",
            "first_seen":"2026-01-01","last_seen":"2026-01-01"}"#;
        let r = record_of_columns("a.de", "B", data).unwrap();
        assert_eq!(r.grade, Grade::B);
        assert_eq!(r.emails, ["info@a.de", "shop@a.de"]);
        assert!(r.phones.is_empty());
        assert_eq!(r.customer_type, None);
        assert!(record_of_columns("a.de", "?", "not json").is_none());
    }
}
