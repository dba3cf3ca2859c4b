//! The store's search side: queries, the responses paid for, their results, and what each
//! method and query yielded.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, compress, decompress};

/// Where a query stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStatus {
    Pending,
    Done,
    /// The engine or API refused it (captcha, consent wall, quota); asked again next run.
    Blocked,
}

impl QueryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            QueryStatus::Pending => "pending",
            QueryStatus::Done => "done",
            QueryStatus::Blocked => "blocked",
        }
    }
}

/// A query to search, as the plan expanded it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewQuery {
    /// Template id, empty when unknown (a saved page whose query is not in the plan).
    pub method: String,
    pub text: String,
    pub country: String,
    pub language: String,
}

/// A stored query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredQuery {
    pub id: i64,
    pub method: String,
    pub text: String,
    pub country: String,
    pub language: String,
    /// Result pages read so far.
    pub pages: u32,
}

/// One result to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResult {
    pub rank: u32,
    pub url: String,
    pub title: String,
    pub snippet: String,
    /// Registrable domain of the target, when it is a web address.
    pub domain: Option<String>,
    pub ad: bool,
}

/// What one method yielded in one country.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MethodYield {
    pub method: String,
    pub country: String,
    pub queries_run: u64,
    pub queries_blocked: u64,
    pub results: u64,
    /// Sites first named by this method's queries.
    pub new_domains: u64,
    /// Leads among those sites, by grade.
    pub grades: BTreeMap<String, u64>,
}

/// A query and the good leads among the sites its results named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryYield {
    pub method: String,
    pub country: String,
    pub text: String,
    pub a: u64,
    pub b: u64,
}

impl Store {
    /// Adds queries not yet known for `engine` (known ones keep their state).
    pub fn add_queries(&mut self, engine: &str, queries: &[NewQuery]) -> Result<usize> {
        let path = self.path.clone();
        let sql = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        let mut added = 0;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO queries (method, query, country, language, engine)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(engine, query, country, language) DO NOTHING",
                )
                .map_err(sql)?;
            for q in queries {
                added += stmt
                    .execute(params![q.method, q.text, q.country, q.language, engine])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(added)
    }

    /// The id of a query, recording it first if needed (saved result pages).
    pub fn query_id(&mut self, engine: &str, q: &NewQuery) -> Result<i64> {
        self.add_queries(engine, std::slice::from_ref(q))?;
        self.conn
            .query_row(
                "SELECT id FROM queries WHERE engine = ?1 AND query = ?2 AND country = ?3
                 AND language = ?4",
                params![engine, q.text, q.country, q.language],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Queries for `engine` not done yet (pending or blocked last time), in the order added.
    pub fn open_queries(&self, engine: &str) -> Result<Vec<StoredQuery>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, coalesce(method, ''), query, country, language, pages FROM queries
                 WHERE engine = ?1 AND status != 'done' ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([engine], |r| {
                Ok(StoredQuery {
                    id: r.get(0)?,
                    method: r.get(1)?,
                    text: r.get(2)?,
                    country: r.get(3)?,
                    language: r.get(4)?,
                    pages: r.get::<_, i64>(5)?.max(0) as u32,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    pub fn set_query_status(
        &mut self,
        id: i64,
        status: QueryStatus,
        pages: u32,
        note: Option<&str>,
    ) -> Result<()> {
        self.conn
            .execute(
                "UPDATE queries SET status = ?2, pages = ?3, note = ?4, run_at = ?5 WHERE id = ?1",
                params![id, status.as_str(), pages, note, self.now()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The stored response for a query's result page, if it was ever paid for.
    pub fn response(&self, query_id: i64, page: u32) -> Result<Option<String>> {
        let body: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT body FROM responses WHERE query_id = ?1 AND page = ?2",
                params![query_id, page],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        body.map(|b| decompress(&b))
            .transpose()
            .map_err(|e| StoreError::Other {
                path: self.path.clone(),
                message: format!("a stored search response is damaged: {e}"),
            })
    }

    /// Stores a response (with the time it counts against the daily quota) and its results.
    pub fn save_response(
        &mut self,
        query_id: i64,
        page: u32,
        url: &str,
        body: &str,
        results: &[NewResult],
    ) -> Result<()> {
        let path = self.path.clone();
        let sql = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let now = self.now();
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO responses (query_id, page, fetched_at, url, body)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(query_id, page) DO UPDATE SET fetched_at = excluded.fetched_at,
               url = excluded.url, body = excluded.body",
            params![query_id, page, now, url, compress(body)],
        )
        .map_err(sql)?;
        insert_results(&tx, query_id, results).map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// Stores results read from a saved page (no response is paid for).
    pub fn save_results(&mut self, query_id: i64, results: &[NewResult]) -> Result<()> {
        let path = self.path.clone();
        let sql = |e| StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        insert_results(&tx, query_id, results).map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// When the responses paid for since `since` (Unix seconds) were fetched, oldest first.
    pub fn search_times_since(&self, since: i64) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT fetched_at FROM responses WHERE fetched_at >= ?1 ORDER BY fetched_at")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([since], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    /// Result URLs of a query, with their domains, in rank order (organic first).
    pub fn results_of(&self, query_id: i64) -> Result<Vec<(String, Option<String>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT url, domain FROM results WHERE query_id = ?1 ORDER BY ad, rank, id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([query_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    /// Adds a site found through a query's results. Returns whether it was new.
    pub fn add_found_site(
        &mut self,
        domain: &crate::extract::Domain,
        home_url: &str,
        query_id: i64,
    ) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "INSERT INTO sites (domain, home_url, status, source, first_seen, query_id)
                 VALUES (?1, ?2, 'pending', 'search', ?3, ?4) ON CONFLICT(domain) DO NOTHING",
                params![domain, home_url, self.now(), query_id],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    /// A value kept between runs (such as the time a paused backend may be asked again).
    pub fn state(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_state(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO state (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, v],
            ),
            None => self.conn.execute("DELETE FROM state WHERE key = ?1", [key]),
        }
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Per method and country: queries run, results, sites first found, leads by grade.
    pub fn method_yield(&self) -> Result<Vec<MethodYield>> {
        let mut out: BTreeMap<(String, String), MethodYield> = BTreeMap::new();
        for (i, sql) in YIELD_SQL.iter().enumerate() {
            for (method, country, n, grade) in self.grouped(sql)? {
                let e = out
                    .entry((method.clone(), country.clone()))
                    .or_insert_with(|| MethodYield {
                        method,
                        country,
                        ..MethodYield::default()
                    });
                match i {
                    0 => e.queries_run = n,
                    1 => e.queries_blocked = n,
                    2 => e.results = n,
                    3 => e.new_domains = n,
                    _ => {
                        e.grades.insert(grade.unwrap_or_default(), n);
                    }
                }
            }
        }
        Ok(out.into_values().collect())
    }

    /// Queries by status: (done, pending, blocked), over all engines and backends.
    pub fn query_counts(&self) -> Result<(u64, u64, u64)> {
        self.conn
            .query_row(
                "SELECT coalesce(sum(status = 'done'), 0), coalesce(sum(status = 'pending'), 0),
                        coalesce(sum(status = 'blocked'), 0) FROM queries",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?.max(0) as u64,
                        r.get::<_, i64>(1)?.max(0) as u64,
                        r.get::<_, i64>(2)?.max(0) as u64,
                    ))
                },
            )
            .map_err(|e| self.err(e))
    }

    /// The queries whose results named the most A and B leads, best first.
    pub fn best_queries(&self, n: usize) -> Result<Vec<QueryYield>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT coalesce(q.method, ''), q.country, q.query,
                        sum(l.grade = 'A'), sum(l.grade = 'B')
                 FROM (SELECT DISTINCT query_id, domain FROM results) r
                 JOIN queries q ON q.id = r.query_id
                 JOIN leads l ON l.domain = r.domain
                 GROUP BY q.id HAVING sum(l.grade IN ('A', 'B')) > 0
                 ORDER BY sum(l.grade IN ('A', 'B')) DESC, sum(l.grade = 'A') DESC, q.id
                 LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([n as i64], |r| {
                Ok(QueryYield {
                    method: r.get(0)?,
                    country: r.get(1)?,
                    text: r.get(2)?,
                    a: r.get::<_, i64>(3)?.max(0) as u64,
                    b: r.get::<_, i64>(4)?.max(0) as u64,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    /// Rows of (method, country, count, grade) from one of [`YIELD_SQL`].
    fn grouped(&self, sql: &str) -> Result<Vec<Grouped>> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, i64>(2)?.max(0) as u64,
                    r.get(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }
}

/// Method, country, a count, and a grade (when grouped by grade).
type Grouped = (String, String, u64, Option<String>);

/// The parts of [`Store::method_yield`], each grouped by method and country: queries run,
/// queries blocked, results, sites first named, leads of those sites by grade.
const YIELD_SQL: [&str; 5] = [
    "SELECT coalesce(method, ''), country, count(*), NULL FROM queries
     WHERE status = 'done' GROUP BY 1, 2",
    "SELECT coalesce(method, ''), country, count(*), NULL FROM queries
     WHERE status = 'blocked' GROUP BY 1, 2",
    "SELECT coalesce(q.method, ''), q.country, count(*), NULL
     FROM results r JOIN queries q ON q.id = r.query_id GROUP BY 1, 2",
    "SELECT coalesce(q.method, ''), q.country, count(*), NULL
     FROM sites s JOIN queries q ON q.id = s.query_id GROUP BY 1, 2",
    "SELECT coalesce(q.method, ''), q.country, count(*), l.grade
     FROM sites s JOIN queries q ON q.id = s.query_id JOIN leads l ON l.domain = s.domain
     GROUP BY 1, 2, 4",
];

fn insert_results(
    tx: &rusqlite::Transaction,
    query_id: i64,
    results: &[NewResult],
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO results (query_id, rank, url, title, snippet, domain, ad)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(query_id, url) DO NOTHING",
    )?;
    for r in results {
        stmt.execute(params![
            query_id, r.rank, r.url, r.title, r.snippet, r.domain, r.ad
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(rank: u32, url: &str, domain: &str) -> NewResult {
        NewResult {
            rank,
            url: url.into(),
            title: String::new(),
            snippet: String::new(),
            domain: Some(domain.into()),
            ad: false,
        }
    }

    #[test]
    fn queries_responses_and_yield() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("c.sqlite")).unwrap();
        let q = |m: &str, t: &str, c: &str| NewQuery {
            method: m.into(),
            text: t.into(),
            country: c.into(),
            language: "de".into(),
        };
        let qs = [
            q("importers", "led importeur", "DE"),
            q("b2b", "led b2b", "AT"),
        ];
        assert_eq!(s.add_queries("searxng", &qs).unwrap(), 2);
        assert_eq!(
            s.add_queries("searxng", &qs).unwrap(),
            0,
            "known queries are kept"
        );
        let open = s.open_queries("searxng").unwrap();
        assert_eq!(open.len(), 2);
        let (q1, q2) = (open[0].id, open[1].id);
        assert_eq!(s.response(q1, 1).unwrap(), None);
        s.save_response(
            q1,
            1,
            "http://127.0.0.1/search?q=led",
            "{\"results\": []}",
            &[
                result(1, "https://a.de/", "a.de"),
                result(2, "https://b.de/x", "b.de"),
            ],
        )
        .unwrap();
        assert_eq!(
            s.response(q1, 1).unwrap().as_deref(),
            Some("{\"results\": []}")
        );
        s.set_query_status(q1, QueryStatus::Done, 1, None).unwrap();
        s.set_query_status(q2, QueryStatus::Blocked, 0, Some("captcha"))
            .unwrap();
        assert_eq!(s.open_queries("searxng").unwrap().len(), 1);
        assert_eq!(s.search_times_since(0).unwrap().len(), 1);
        assert!(s.search_times_since(s.now() + 10).unwrap().is_empty());

        let dom = |d: &str| crate::extract::Domain::listed(d).unwrap();
        assert!(s.add_found_site(&dom("a.de"), "https://a.de/", q1).unwrap());
        assert!(s.add_found_site(&dom("b.de"), "https://b.de/", q1).unwrap());
        assert!(!s.add_found_site(&dom("a.de"), "https://a.de/", q2).unwrap());
        let lead = |domain: &str, grade| crate::store::LeadRecord {
            domain: domain.into(),
            company: None,
            grade,
            match_share: 0.0,
            big: false,
            customer_type: None,
            country: None,
            website: String::new(),
            emails: vec![],
            phones: vec![],
            contact_page: None,
            matched_products: vec![],
            evidence: String::new(),
        };
        let graded = crate::store::Graded {
            plan: "p".into(),
            pages_at: 0,
        };
        s.save_leads(
            &[
                (lead("a.de", crate::store::Grade::A), graded.clone()),
                (lead("b.de", crate::store::Grade::C), graded),
            ],
            s.now(),
        )
        .unwrap();
        let y = s.method_yield().unwrap();
        let imp = y.iter().find(|y| y.method == "importers").unwrap();
        assert_eq!(
            (imp.queries_run, imp.results, imp.new_domains),
            (1, 2, 2),
            "{imp:?}"
        );
        assert_eq!(imp.grades.get("A"), Some(&1));
        assert_eq!(imp.grades.get("C"), Some(&1));
        let b2b = y.iter().find(|y| y.method == "b2b").unwrap();
        assert_eq!((b2b.queries_run, b2b.queries_blocked), (0, 1));
        let best = s.best_queries(5).unwrap();
        assert_eq!(best.len(), 1);
        assert_eq!(
            (best[0].text.as_str(), best[0].a, best[0].b),
            ("led importeur", 1, 0)
        );

        s.set_state("pause:brave", Some("123")).unwrap();
        assert_eq!(s.state("pause:brave").unwrap().as_deref(), Some("123"));
        s.set_state("pause:brave", None).unwrap();
        assert_eq!(s.state("pause:brave").unwrap(), None);
    }
}
