//! The store's schema and its migrations, versioned by SQLite's `user_version`.

use rusqlite::Connection;

/// Each entry migrates from version `i` to `i + 1`: SQL, then (for some) a step in Rust.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE queries (
        id INTEGER PRIMARY KEY,
        method TEXT,
        query TEXT NOT NULL,
        country TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '',
        engine TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        run_at INTEGER,
        UNIQUE (engine, query, country, language)
    );
    CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        query_id INTEGER NOT NULL REFERENCES queries(id),
        rank INTEGER,
        url TEXT NOT NULL,
        title TEXT,
        snippet TEXT,
        domain TEXT,
        ad INTEGER NOT NULL DEFAULT 0,
        UNIQUE (query_id, url)
    );
    CREATE TABLE sites (
        domain TEXT PRIMARY KEY,
        home_url TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        reason TEXT,
        source TEXT,
        first_seen INTEGER NOT NULL,
        visited_at INTEGER
    );
    CREATE TABLE pages (
        url TEXT PRIMARY KEY,
        domain TEXT NOT NULL,
        kind TEXT,
        final_url TEXT,
        status INTEGER,
        fetched_at INTEGER NOT NULL,
        content_type TEXT,
        charset TEXT,
        bytes INTEGER,
        body BLOB,
        error TEXT
    );
    CREATE INDEX pages_domain ON pages (domain);
    CREATE TABLE documents (
        url TEXT PRIMARY KEY,
        domain TEXT NOT NULL,
        found_on TEXT
    );
    -- robots.txt records (kept for a later cache across runs; not used yet).
    CREATE TABLE robots (
        origin TEXT PRIMARY KEY,
        status INTEGER,
        body TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
    );
    CREATE TABLE hosts (
        host TEXT PRIMARY KEY,
        requests INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        elapsed_ms INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE leads (
        domain TEXT PRIMARY KEY,
        grade TEXT,
        data TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );",
    // 2: searching through APIs and saved result pages.
    "ALTER TABLE queries ADD COLUMN pages INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE queries ADD COLUMN note TEXT;
    CREATE INDEX queries_status ON queries (engine, status);
    -- Every API response, so that no query is ever paid for twice.
    CREATE TABLE responses (
        query_id INTEGER NOT NULL REFERENCES queries(id),
        page INTEGER NOT NULL,
        fetched_at INTEGER NOT NULL,
        url TEXT,
        body BLOB NOT NULL,
        PRIMARY KEY (query_id, page)
    );
    CREATE INDEX responses_time ON responses (fetched_at);
    CREATE INDEX results_domain ON results (domain);
    -- The first query whose results named the site.
    ALTER TABLE sites ADD COLUMN query_id INTEGER REFERENCES queries(id);
    CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    // 3: typed leads, stamped with the plan they were graded with and their newest page (the
    // score stage grades again what is stale); the leads' data is rewritten by `typed_leads`.
    "ALTER TABLE leads ADD COLUMN plan TEXT;
    ALTER TABLE leads ADD COLUMN pages_at INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX sites_status ON sites (status);",
];

/// Rust steps after a migration's SQL, by the version it migrates to.
fn after(version: i64, tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    if version == 3 {
        typed_leads(tx)?;
    }
    Ok(())
}

/// Rewrites leads kept as the sheet's columns (lists joined with `, `) as typed records. A
/// lead that cannot be read is dropped: its site is done, so the score stage grades it again.
fn typed_leads(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    let rows: Vec<(String, String, String)> = tx
        .prepare("SELECT domain, coalesce(grade, ''), data FROM leads")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (domain, grade, data) in rows {
        match super::lead::record_of_columns(&domain, &grade, &data)
            .and_then(|r| serde_json::to_string(&r).ok())
        {
            Some(json) => tx.execute(
                "UPDATE leads SET data = ?2 WHERE domain = ?1",
                rusqlite::params![domain, json],
            )?,
            None => tx.execute("DELETE FROM leads WHERE domain = ?1", [&domain])?,
        };
    }
    Ok(())
}

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`VERSION`], one transaction per step. A newer database is refused.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > VERSION {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "the store has schema version {current}, newer than this prospect ({VERSION}); update prospect"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        after((i + 1) as i64, &tx)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
