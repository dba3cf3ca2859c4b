//! The SQLite campaign store: queries, results, sites, pages, robots.txt, host statistics and
//! leads. One connection owned by one writer; every write is an idempotent upsert, committed
//! before it is reported, so resuming a campaign is running it again.

mod lead;
mod schema;
mod search;
mod writer;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use crate::clock::{Clock, SystemClock};
use crate::extract::Domain;

pub use lead::{Grade, Graded, LeadRecord, Selection, StoredLead, ToGrade};
pub use search::{MethodYield, NewQuery, NewResult, QueryStatus, QueryYield, StoredQuery};
pub use writer::StoreHandle;

pub use crate::net::HostStats;

/// Errors from the store, naming the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("campaign store {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("campaign store {path}: {message}")]
    Other { path: PathBuf, message: String },
    #[error(
        "campaign store {path}: the lead of {domain} is damaged ({why}); `prospect grade` grades it again"
    )]
    DamagedLead {
        path: PathBuf,
        domain: String,
        why: String,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Where a site stands in the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteStatus {
    Pending,
    Done,
    Failed,
}

impl SiteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteStatus::Pending => "pending",
            SiteStatus::Done => "done",
            SiteStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> SiteStatus {
        match s {
            "done" => SiteStatus::Done,
            "failed" => SiteStatus::Failed,
            _ => SiteStatus::Pending,
        }
    }
}

/// A company site (keyed by registrable domain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub domain: Domain,
    pub home_url: String,
    pub status: SiteStatus,
    pub reason: Option<String>,
    pub source: Option<String>,
}

/// A fetched page (or the record of a failed fetch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub url: String,
    pub domain: Domain,
    /// home, products, about, contact, legal.
    pub kind: String,
    pub final_url: Option<String>,
    /// HTTP status, when a response came.
    pub status: Option<u16>,
    pub fetched_at: i64,
    pub content_type: Option<String>,
    pub charset: Option<String>,
    /// Bytes received (after decompression).
    pub bytes: u64,
    /// The decoded text (UTF-8), when the body was text.
    pub body: Option<String>,
    pub error: Option<String>,
}

impl Page {
    /// A page of `domain` at `url` of a `kind`, fetched at `fetched_at`, nothing known yet of
    /// the answer.
    pub fn new(url: &str, domain: Domain, kind: &str, fetched_at: i64) -> Page {
        Page {
            url: url.to_string(),
            domain,
            kind: kind.to_string(),
            final_url: None,
            status: None,
            fetched_at,
            content_type: None,
            charset: None,
            bytes: 0,
            body: None,
            error: None,
        }
    }
}

/// What the campaign has done, for `prospect status`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub sites_pending: u64,
    pub sites_done: u64,
    pub sites_failed: u64,
    /// Failed sites by reason.
    pub failed_reasons: Vec<(String, u64)>,
    pub pages: u64,
    pub pages_failed: u64,
    pub documents: u64,
    pub requests: u64,
    pub bytes: u64,
    pub elapsed_ms: u64,
    /// Hosts with errors: host, errors, last error.
    pub host_errors: Vec<(String, u64, Option<String>)>,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// When things happen: the time written with a site, a page, an answer, a lead.
    clock: std::sync::Arc<dyn Clock>,
}

impl Store {
    /// Opens (creating if needed) the store at `path`, in WAL mode, migrated to the current
    /// schema, with the system's clock.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, std::sync::Arc::new(SystemClock))
    }

    /// [`open`](Self::open) with the time read from `clock`.
    pub fn open_with(path: &Path, clock: std::sync::Arc<dyn Clock>) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Other {
                path: path.to_path_buf(),
                message: format!("cannot create its folder: {e}"),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| sql_err(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            clock,
        };
        store.setup()?;
        Ok(store)
    }

    fn setup(&mut self) -> Result<()> {
        let path = self.path.clone();
        self.conn
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| sql_err(&path, e))?;
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| sql_err(&path, e))?;
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| sql_err(&path, e))?;
        self.conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| sql_err(&path, e))?;
        schema::migrate(&mut self.conn).map_err(|e| sql_err(&path, e))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The time now, by the store's clock (Unix seconds).
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        sql_err(&self.path, e)
    }

    /// Adds a site if the store does not know it yet (its state is kept if it does).
    /// Returns whether it was new.
    pub fn add_site(&mut self, domain: &Domain, home_url: &str, source: &str) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "INSERT INTO sites (domain, home_url, status, source, first_seen)
                 VALUES (?1, ?2, 'pending', ?3, ?4) ON CONFLICT(domain) DO NOTHING",
                params![domain, home_url, source, self.now()],
            )
            .map_err(|e| self.err(e))?;
        Ok(n == 1)
    }

    pub fn site(&self, domain: &Domain) -> Result<Option<Site>> {
        self.conn
            .query_row(
                "SELECT domain, home_url, status, reason, source FROM sites WHERE domain = ?1",
                [domain],
                site_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sites with a given status, in the order they were added.
    pub fn sites(&self, status: SiteStatus) -> Result<Vec<Site>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT domain, home_url, status, reason, source FROM sites
                 WHERE status = ?1 ORDER BY first_seen, rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([status.as_str()], site_from_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    pub fn set_site_status(
        &mut self,
        domain: &Domain,
        status: SiteStatus,
        reason: Option<&str>,
    ) -> Result<()> {
        self.conn
            .execute(
                "UPDATE sites SET status = ?2, reason = ?3, visited_at = ?4 WHERE domain = ?1",
                params![domain, status.as_str(), reason, self.now()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Stores a page (replacing an earlier record of the same URL). The body is compressed.
    pub fn save_page(&mut self, page: &Page) -> Result<()> {
        let body = page.body.as_deref().map(compress);
        self.conn
            .execute(
                "INSERT INTO pages (url, domain, kind, final_url, status, fetched_at, content_type,
                                    charset, bytes, body, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT(url) DO UPDATE SET domain = excluded.domain, kind = excluded.kind,
                   final_url = excluded.final_url, status = excluded.status,
                   fetched_at = excluded.fetched_at, content_type = excluded.content_type,
                   charset = excluded.charset, bytes = excluded.bytes, body = excluded.body,
                   error = excluded.error",
                params![
                    page.url,
                    page.domain,
                    page.kind,
                    page.final_url,
                    page.status,
                    page.fetched_at,
                    page.content_type,
                    page.charset,
                    page.bytes as i64,
                    body,
                    page.error
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The stored page for a URL, body decompressed.
    pub fn page(&self, url: &str) -> Result<Option<Page>> {
        let row = self
            .conn
            .query_row(
                "SELECT url, domain, kind, final_url, status, fetched_at, content_type, charset,
                        bytes, body, error FROM pages WHERE url = ?1",
                [url],
                page_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))?;
        row.transpose().map_err(|m| StoreError::Other {
            path: self.path.clone(),
            message: m,
        })
    }

    /// All stored pages of a site (bodies decompressed), in the order they were fetched.
    pub fn pages_of(&self, domain: &Domain) -> Result<Vec<Page>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT url, domain, kind, final_url, status, fetched_at, content_type, charset,
                        bytes, body, error FROM pages WHERE domain = ?1 ORDER BY fetched_at, rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([domain], page_from_row)
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(
                row.map_err(|e| self.err(e))?
                    .map_err(|m| StoreError::Other {
                        path: self.path.clone(),
                        message: m,
                    })?,
            );
        }
        Ok(out)
    }

    /// Records links to documents (PDF catalogues, price lists) found on a site.
    pub fn add_documents(
        &mut self,
        domain: &Domain,
        found_on: &str,
        urls: &[String],
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| sql_err(&self.path, e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO documents (url, domain, found_on) VALUES (?1, ?2, ?3)
                     ON CONFLICT(url) DO NOTHING",
                )
                .map_err(|e| sql_err(&self.path, e))?;
            for u in urls {
                stmt.execute(params![u, domain, found_on])
                    .map_err(|e| sql_err(&self.path, e))?;
            }
        }
        tx.commit().map_err(|e| sql_err(&self.path, e))
    }

    /// Adds request statistics to a host's running totals.
    pub fn add_host_stats(&mut self, s: &HostStats) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO hosts (host, requests, bytes, errors, last_error, elapsed_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(host) DO UPDATE SET requests = requests + excluded.requests,
                   bytes = bytes + excluded.bytes, errors = errors + excluded.errors,
                   last_error = coalesce(excluded.last_error, last_error),
                   elapsed_ms = elapsed_ms + excluded.elapsed_ms",
                params![
                    s.host,
                    s.requests as i64,
                    s.bytes as i64,
                    s.errors as i64,
                    s.last_error,
                    s.elapsed_ms as i64
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// What the campaign has done so far.
    pub fn summary(&self) -> Result<Summary> {
        let count = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n.max(0) as u64)
                .map_err(|e| self.err(e))
        };
        let mut s = Summary {
            sites_pending: count("SELECT count(*) FROM sites WHERE status = 'pending'")?,
            sites_done: count("SELECT count(*) FROM sites WHERE status = 'done'")?,
            sites_failed: count("SELECT count(*) FROM sites WHERE status = 'failed'")?,
            pages: count("SELECT count(*) FROM pages WHERE error IS NULL")?,
            pages_failed: count("SELECT count(*) FROM pages WHERE error IS NOT NULL")?,
            documents: count("SELECT count(*) FROM documents")?,
            requests: count("SELECT coalesce(sum(requests), 0) FROM hosts")?,
            bytes: count("SELECT coalesce(sum(bytes), 0) FROM hosts")?,
            elapsed_ms: count("SELECT coalesce(sum(elapsed_ms), 0) FROM hosts")?,
            ..Summary::default()
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT coalesce(reason, 'unknown'), count(*) FROM sites WHERE status = 'failed'
                 GROUP BY 1 ORDER BY 2 DESC, 1",
            )
            .map_err(|e| self.err(e))?;
        s.failed_reasons = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .map_err(|e| self.err(e))?
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT host, errors, last_error FROM hosts WHERE errors > 0
                 ORDER BY errors DESC, host",
            )
            .map_err(|e| self.err(e))?;
        s.host_errors = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?))
            })
            .map_err(|e| self.err(e))?
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))?;
        Ok(s)
    }

    /// SQLite's own consistency check ("ok" when the file is sound).
    pub fn integrity_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

impl rusqlite::ToSql for Domain {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for Domain {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        Domain::listed(text).ok_or(rusqlite::types::FromSqlError::InvalidType)
    }
}

fn sql_err(path: &Path, source: rusqlite::Error) -> StoreError {
    StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

fn site_from_row(r: &rusqlite::Row) -> rusqlite::Result<Site> {
    Ok(Site {
        domain: r.get(0)?,
        home_url: r.get(1)?,
        status: SiteStatus::parse(&r.get::<_, String>(2)?),
        reason: r.get(3)?,
        source: r.get(4)?,
    })
}

/// A page row; the inner error is a body that does not decompress.
fn page_from_row(r: &rusqlite::Row) -> rusqlite::Result<std::result::Result<Page, String>> {
    let body: Option<Vec<u8>> = r.get(9)?;
    let page = Page {
        url: r.get(0)?,
        domain: r.get(1)?,
        kind: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        final_url: r.get(3)?,
        status: r.get(4)?,
        fetched_at: r.get(5)?,
        content_type: r.get(6)?,
        charset: r.get(7)?,
        bytes: r.get::<_, Option<i64>>(8)?.unwrap_or(0).max(0) as u64,
        body: None,
        error: r.get(10)?,
    };
    Ok(match body.map(|b| decompress(&b)).transpose() {
        Ok(body) => Ok(Page { body, ..page }),
        Err(e) => Err(format!("the stored body of {} is damaged: {e}", page.url)),
    })
}

fn compress(text: &str) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to memory cannot fail.
    let _ = enc.write_all(text.as_bytes());
    enc.finish().unwrap_or_default()
}

fn decompress(bytes: &[u8]) -> std::io::Result<String> {
    let mut s = String::new();
    flate2::read::ZlibDecoder::new(bytes).read_to_string(&mut s)?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upserts_are_idempotent_and_bodies_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/campaign.sqlite");
        let mut s = Store::open(&path).unwrap();
        let a = Domain::listed("a.de").unwrap();
        assert!(s.add_site(&a, "https://a.de/", "urls").unwrap());
        assert!(
            !s.add_site(&a, "https://www.a.de/", "urls").unwrap(),
            "known sites are kept"
        );
        s.set_site_status(&a, SiteStatus::Done, None).unwrap();
        assert!(!s.add_site(&a, "https://a.de/", "again").unwrap());
        assert_eq!(s.site(&a).unwrap().unwrap().status, SiteStatus::Done);
        let page = Page {
            status: Some(200),
            body: Some("Großhandel für LED-Lampen ".repeat(100)),
            ..Page::new("https://a.de/", a.clone(), "home", 1)
        };
        s.save_page(&page).unwrap();
        s.save_page(&page).unwrap();
        assert_eq!(s.pages_of(&a).unwrap(), vec![page.clone()]);
        drop(s);
        // Reopening migrates nothing twice and finds everything.
        let s = Store::open(&path).unwrap();
        let version: i64 = s
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, schema::VERSION);
        assert_eq!(s.page("https://a.de/").unwrap(), Some(page));
        assert_eq!(s.summary().unwrap().sites_done, 1);
        assert_eq!(s.integrity_check().unwrap(), "ok");
    }
}
