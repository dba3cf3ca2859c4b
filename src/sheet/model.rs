//! The lead sheet as a grid of cells, the key that identifies a lead's row, and the merge
//! that refreshes a sheet from the store's leads. Pure: no I/O, so it can be tested on any
//! table.
//!
//! The rules of a refresh: rows are matched by [`LeadKey`]; the tool's columns
//! ([`SHEET_COLUMNS`]) are found by header, case- and space-insensitively, and missing ones are
//! appended at the right; in a matched row only the tool's cells change (`first_seen` keeps the
//! earlier date); every other cell, every row and the order of rows and columns stay; leads
//! the sheet does not have yet are appended at the bottom.

use std::collections::HashMap;

use crate::clock::civil;
use crate::extract::Domain;
use crate::normalize::fold;
use crate::store::{Grade, StoredLead};

/// The tool's columns of the lead sheet (SPEC §8), in order: the one place they are defined.
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

/// A kind of sheet the tool keeps up to date: its columns, the column whose header marks
/// the header row (and whose cells key the rows), the sheet's name in a workbook prospect
/// creates, and what the sheet is called in messages.
#[derive(Debug, PartialEq, Eq)]
pub struct Schema {
    pub columns: &'static [&'static str],
    pub key_column: &'static str,
    /// A column of dates that keeps the earliest one (`first_seen`).
    pub first_seen: Option<&'static str>,
    pub sheet_name: &'static str,
    /// `lead sheet`, `inquiry sheet`.
    pub what: &'static str,
    /// What a row is (`lead`, `inquiry`).
    pub row: &'static str,
}

/// The lead sheet (SPEC §8).
pub static LEADS: Schema = Schema {
    columns: &SHEET_COLUMNS,
    key_column: "domain",
    first_seen: Some("first_seen"),
    sheet_name: "Leads",
    what: "lead sheet",
    row: "lead",
};

impl Schema {
    /// Index of a column.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == name)
    }
}

/// The tool's rows of one schema, as a refresh needs them.
pub trait Rows {
    fn schema(&self) -> &'static Schema;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Tool column `col` of row `i` as it goes into a sheet of this flavor.
    fn cell(&self, i: usize, col: usize, flavor: Flavor) -> Cell;
    /// The first-seen date of row `i` (a serial date), if the schema has one.
    fn first_seen(&self, i: usize) -> Option<f64>;
    /// Which row a sheet row holds, from its tool cells (`at(col)` is the text of tool column
    /// `col`): `Err(())` for a row without a key (not counted), `Ok(None)` for a row of
    /// something the tool no longer has.
    #[allow(clippy::result_unit_err)]
    fn find(&self, at: &dyn Fn(usize) -> String) -> Result<Option<usize>, ()>;
    /// The order of new rows (smaller first; the rows' own order within one value).
    fn rank(&self, i: usize) -> usize;
}

/// Which of the tool's rows a part of a refresh (a file, a sheet) lists.
pub type Filter<'a> = Box<dyn Fn(usize) -> bool + 'a>;

/// The value of one cell, as far as the sheet's formats can say it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    /// A share (0–1) shown as a percentage.
    Percent(f64),
    Bool(bool),
    /// A date (and time of day) as a spreadsheet serial number: days since 1899-12-30.
    Date(f64),
    /// A formula (without the leading `=`) and the value it last showed.
    Formula {
        formula: String,
        cached: Box<Cell>,
    },
    /// An error value such as `#N/A`.
    Error(String),
}

impl Cell {
    /// Text for a value that may be empty.
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// The cell as text (what a key or a date is read from); numbers in their shortest form.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) | Cell::Error(s) => Cow::Borrowed(s),
            Cell::Number(x) => Cow::Owned(number_text(*x)),
            Cell::Percent(x) => Cow::Owned(percent_text(*x)),
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Cell::Date(x) => Cow::Owned(date_text(*x)),
            Cell::Formula { cached, .. } => cached.as_text(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.is_empty(),
            _ => false,
        }
    }

    /// Whether two cells show the same value: an empty text is empty, and a number is the
    /// same as a percentage or date with the same value (a spreadsheet stores all three as
    /// numbers).
    pub fn same_as(&self, other: &Cell) -> bool {
        use Cell::*;
        match (self, other) {
            (a, b) if a.is_empty() && b.is_empty() => true,
            (Number(a) | Percent(a) | Date(a), Number(b) | Percent(b) | Date(b)) => {
                (a - b).abs() < 1e-9
            }
            (a, b) => a == b,
        }
    }
}

/// A number in its shortest form (`3`, `0.25`).
pub fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A share as a whole percentage (`0.43` → `43%`).
pub fn percent_text(x: f64) -> String {
    format!("{}%", (x * 100.0).round() as i64)
}

/// Days between 1899-12-30 (day 0 of spreadsheet dates) and 1970-01-01.
const SERIAL_OF_UNIX_EPOCH: f64 = 25_569.0;

/// The serial date of a Unix time (its day, UTC).
pub fn serial_of_unix(secs: i64) -> f64 {
    secs.div_euclid(86_400) as f64 + SERIAL_OF_UNIX_EPOCH
}

/// `YYYY-MM-DD` of a serial date (`YYYY-MM-DD hh:mm` when it has a time of day).
pub fn date_text(serial: f64) -> String {
    let days = serial.floor();
    let (y, m, d) = civil(days as i64 - SERIAL_OF_UNIX_EPOCH as i64);
    let minutes = ((serial - days) * 1440.0).round() as i64;
    if minutes == 0 || minutes >= 1440 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}",
            minutes / 60,
            minutes % 60
        )
    }
}

/// The serial date of `YYYY-MM-DD` (a time after it is ignored); `None` for anything else.
pub fn parse_date(text: &str) -> Option<f64> {
    let t = text.trim();
    let date = t.get(..10)?;
    if t.len() > 10 && !t[10..].starts_with([' ', 'T']) {
        return None;
    }
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1900..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // H. Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let serial = days as f64 + SERIAL_OF_UNIX_EPOCH;
    (date_text(serial) == date).then_some(serial)
}

/// Scraped text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a tab or a
/// carriage return first, also in their full-width forms) gets a `'` in front.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    const RISKY: [char; 10] = [
        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ];
    if text.starts_with(RISKY) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A column name as it is compared: lower case, without spaces, `_` and `-`
/// (`First Seen` = `first_seen`).
pub fn column_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Index of a tool column in [`SHEET_COLUMNS`].
pub const fn tool_index(name: &str) -> usize {
    let mut i = 0;
    while i < SHEET_COLUMNS.len() {
        if const_eq(SHEET_COLUMNS[i], name) {
            return i;
        }
        i += 1;
    }
    panic!("not a sheet column");
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

pub const DOMAIN: usize = tool_index("domain");
pub const COMPANY: usize = tool_index("company");
pub const GRADE: usize = tool_index("grade");
pub const MATCH_SHARE: usize = tool_index("match_share");
pub const BIG: usize = tool_index("big");
pub const WEBSITE: usize = tool_index("website");
pub const EMAILS: usize = tool_index("emails");
pub const PHONES: usize = tool_index("phones");
pub const CONTACT_PAGE: usize = tool_index("contact_page");
pub const QUERIES: usize = tool_index("queries");
pub const FIRST_SEEN: usize = tool_index("first_seen");
pub const LAST_SEEN: usize = tool_index("last_seen");

/// Which file the cells are for: CSV holds text only, and its scraped text is neutralised;
/// XLSX keeps numbers, dates and text cells (text cells are never formulas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Csv,
    Xlsx,
}

/// The identity of a lead's row: its registrable domain, or for a D lead (a company seen on
/// someone else's page) its company name and e-mail domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeadKey(String);

impl LeadKey {
    /// The key of a domain as a person may type it (`https://www.Example.de/shop` →
    /// `example.de`); `None` when empty.
    pub fn of_domain(text: &str) -> Option<LeadKey> {
        let host = host_of(text)?;
        Some(LeadKey(format!("d:{}", Domain::of_host_or_self(host))))
    }

    /// The key of a company listed elsewhere: its folded name and the registrable domain of
    /// its first e-mail address; `None` without a name.
    pub fn of_company(company: &str, emails: &str) -> Option<LeadKey> {
        let name = fold(company);
        if name.is_empty() {
            return None;
        }
        let mail_domain = mail_domain(emails).unwrap_or_default();
        Some(LeadKey(format!("c:{name}@{mail_domain}")))
    }

    /// The domain key of the first e-mail address's domain (`info@acme.de` → `acme.de`).
    pub fn of_mail(emails: &str) -> Option<LeadKey> {
        mail_domain(emails).map(|d| LeadKey(format!("d:{d}")))
    }

    /// The key of a row from its grade, domain, company and e-mail cells.
    pub fn of_row(grade: &str, domain: &str, company: &str, emails: &str) -> Option<LeadKey> {
        let grade = grade.trim().trim_start_matches('\'');
        if grade.eq_ignore_ascii_case("d")
            && let Some(key) = LeadKey::of_company(company, emails)
        {
            return Some(key);
        }
        LeadKey::of_domain(domain)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The registrable domain of the first e-mail address in a list.
fn mail_domain(emails: &str) -> Option<String> {
    emails
        .split([',', ';', ' ', '\n'])
        .find_map(|e| e.trim().rsplit_once('@').map(|(_, d)| d))
        .and_then(host_of)
        .map(|h| Domain::of_host_or_self(h).to_string())
}

/// The host part of a domain or URL as typed (scheme, path, port and a `'` dropped).
fn host_of(text: &str) -> Option<&str> {
    let t = text.trim().trim_start_matches('\'');
    let t = t.split_once("://").map_or(t, |(_, rest)| rest);
    let t = t.split(['/', '?', '#']).next().unwrap_or("");
    let t = t.rsplit_once('@').map_or(t, |(_, host)| host);
    let t = match t.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => t,
    };
    let t = t.trim().trim_end_matches('.');
    (!t.is_empty()).then_some(t)
}

/// At most this many queries are listed in a lead's `queries` cell …
pub const MAX_QUERIES: usize = 10;
/// … and at most this many characters of them.
pub const MAX_QUERIES_CHARS: usize = 1_000;
/// Longer scraped text is cut (Excel's limit for a cell is 32,767 characters).
pub const MAX_CELL_CHARS: usize = 32_000;

/// A lead with the values of the tool's columns, ready for a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetLead {
    pub key: LeadKey,
    /// The key of the domain the store keeps the lead under (for a D lead, the page that
    /// listed the company).
    pub site: LeadKey,
    pub grade: Grade,
    /// One value per [`SHEET_COLUMNS`] entry: text, `match_share` as a percentage, the two
    /// dates as dates.
    pub values: Vec<Cell>,
}

impl SheetLead {
    pub fn from_stored(s: &StoredLead) -> SheetLead {
        let r = &s.record;
        let text = |t: &str| Cell::text(cut(t, MAX_CELL_CHARS));
        let opt = |t: &Option<String>| t.as_deref().map_or(Cell::Empty, text);
        let list = |v: &[String]| text(&v.join(", "));
        let values: Vec<Cell> = SHEET_COLUMNS
            .iter()
            .map(|&c| match c {
                "domain" => Cell::text(r.domain.clone()),
                "company" => opt(&r.company),
                "grade" => Cell::text(r.grade.as_str()),
                "match_share" => Cell::Percent(r.match_share),
                "big" => Cell::text(if r.big { "yes" } else { "" }),
                "customer_type" => opt(&r.customer_type),
                "country" => opt(&r.country),
                "website" => text(&r.website),
                "emails" => list(&r.emails),
                "phones" => list(&r.phones),
                "contact_page" => opt(&r.contact_page),
                "matched_products" => list(&r.matched_products),
                "evidence" => text(&r.evidence),
                "queries" => Cell::text(query_list(&s.queries)),
                "first_seen" => Cell::Date(serial_of_unix(s.first_seen)),
                "last_seen" => Cell::Date(serial_of_unix(s.graded_at)),
                _ => Cell::Empty,
            })
            .collect();
        let key = if r.grade == Grade::D {
            LeadKey::of_company(&values[COMPANY].as_text(), &values[EMAILS].as_text())
        } else {
            None
        }
        .or_else(|| LeadKey::of_domain(&r.domain))
        .unwrap_or_else(|| LeadKey(format!("d:{}", r.domain)));
        let site = LeadKey::of_domain(&r.domain).unwrap_or_else(|| key.clone());
        SheetLead {
            key,
            site,
            grade: r.grade,
            values,
        }
    }

    /// The tool's columns as one JSON object (what `prospect score --format json` prints):
    /// the values as the sheet shows them, the share as a number, dates as YYYY-MM-DD.
    pub fn columns_json(&self) -> serde_json::Value {
        let map = SHEET_COLUMNS
            .iter()
            .zip(&self.values)
            .map(|(name, cell)| {
                let value = match cell {
                    Cell::Empty => serde_json::Value::Null,
                    Cell::Percent(x) | Cell::Number(x) => serde_json::json!(x),
                    Cell::Bool(b) => serde_json::json!(b),
                    other => serde_json::json!(other.as_text()),
                };
                (name.to_string(), value)
            })
            .collect();
        serde_json::Value::Object(map)
    }

    /// The value of tool column `i` as it goes into a sheet of this flavor.
    pub fn cell(&self, i: usize, flavor: Flavor) -> Cell {
        let v = &self.values[i];
        match flavor {
            Flavor::Xlsx => v.clone(),
            Flavor::Csv => match v {
                Cell::Text(t) => Cell::Text(neutralise(t).into_owned()),
                Cell::Empty => Cell::Empty,
                other => Cell::text(other.as_text()),
            },
        }
    }

    pub(super) fn first_seen(&self) -> Option<f64> {
        match self.values[FIRST_SEEN] {
            Cell::Date(d) => Some(d),
            _ => None,
        }
    }
}

/// The queries as one cell: `; `-separated, at most [`MAX_QUERIES`] and
/// [`MAX_QUERIES_CHARS`], then `(+N more)`.
pub fn query_list(queries: &[String]) -> String {
    let mut out = String::new();
    let mut shown = 0;
    for q in queries {
        let q = q.trim();
        if shown == MAX_QUERIES || out.chars().count() + q.chars().count() + 2 > MAX_QUERIES_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(q);
        shown += 1;
    }
    if shown < queries.len() {
        if out.is_empty() {
            out.push_str(&cut(queries[0].trim(), MAX_QUERIES_CHARS));
            shown = 1;
        }
        if shown < queries.len() {
            out.push_str(&format!(" (+{} more)", queries.len() - shown));
        }
    }
    out
}

/// `text` cut to at most `max` characters (with `…` at the end when cut).
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if text.chars().count() > max => format!("{}…", &text[..i]),
        _ => text.to_string(),
    }
}

/// The store's leads for a sheet: one per key (the most recently graded, with the earliest
/// first_seen of its duplicates), in the store's order. A D lead (a company seen on someone
/// else's page) whose e-mail domain has been graded A, B or C on its own site is left out:
/// that company's row is its own site's.
pub fn sheet_leads(stored: &[StoredLead]) -> Vec<SheetLead> {
    let mut leads = unique_leads(stored);
    let graded: std::collections::HashSet<LeadKey> = leads
        .iter()
        .filter(|l| is_graded_site(l))
        .map(|l| l.key.clone())
        .collect();
    leads.retain(|l| {
        l.grade != Grade::D
            || !LeadKey::of_mail(&l.values[EMAILS].as_text()).is_some_and(|m| graded.contains(&m))
    });
    leads
}

/// A lead graded from the company's own site (A, B or C).
pub(super) fn is_graded_site(l: &SheetLead) -> bool {
    matches!(l.grade, Grade::A | Grade::B | Grade::C)
}

fn unique_leads(stored: &[StoredLead]) -> Vec<SheetLead> {
    let mut out: Vec<SheetLead> = Vec::with_capacity(stored.len());
    let mut index: HashMap<LeadKey, usize> = HashMap::with_capacity(stored.len());
    for s in stored {
        let lead = SheetLead::from_stored(s);
        match index.get(&lead.key) {
            None => {
                index.insert(lead.key.clone(), out.len());
                out.push(lead);
            }
            Some(&i) => {
                let first = min_date(out[i].first_seen(), lead.first_seen());
                let newer = match (&out[i].values[LAST_SEEN], &lead.values[LAST_SEEN]) {
                    (Cell::Date(a), Cell::Date(b)) => b >= a,
                    _ => true,
                };
                if newer {
                    out[i] = lead;
                }
                if let Some(d) = first {
                    out[i].values[FIRST_SEEN] = Cell::Date(d);
                }
            }
        }
    }
    out
}

fn min_date(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A sheet: every row from the top, the header row among them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    /// Index of the header row in `rows`; data rows follow it.
    pub header: usize,
}

/// How many rows at the top may come before the header (a title, a note).
pub const HEADER_SEARCH_ROWS: usize = 10;

impl Table {
    /// A new lead sheet: the tool's columns and no rows.
    pub fn new_sheet() -> Table {
        Table::new_for(&LEADS)
    }

    /// A new sheet of a schema: its columns and no rows.
    pub fn new_for(schema: &Schema) -> Table {
        Table {
            rows: vec![schema.columns.iter().map(|c| Cell::text(*c)).collect()],
            header: 0,
        }
    }

    /// The header row of a lead sheet: the first of the top rows that has a `domain` column.
    pub fn find_header(rows: &[Vec<Cell>]) -> Option<usize> {
        Table::find_header_for(rows, &LEADS)
    }

    /// The header row: the first of the top rows that has the schema's key column.
    pub fn find_header_for(rows: &[Vec<Cell>], schema: &Schema) -> Option<usize> {
        let want = column_key(schema.key_column);
        rows.iter()
            .take(HEADER_SEARCH_ROWS)
            .position(|r| r.iter().any(|c| column_key(&c.as_text()) == want))
    }

    /// The number of columns in use (the longest row without its empty tail).
    pub fn width(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1))
            .max()
            .unwrap_or(0)
    }

    /// Where each lead-sheet column is, by header (the first match wins); `None` when missing.
    pub fn tool_columns(&self) -> [Option<usize>; SHEET_COLUMNS.len()] {
        let mut found = [None; SHEET_COLUMNS.len()];
        found.copy_from_slice(&self.tool_columns_for(&LEADS));
        found
    }

    /// Where each of a schema's columns is, by header (the first match wins); `None` when
    /// missing.
    pub fn tool_columns_for(&self, schema: &Schema) -> Vec<Option<usize>> {
        let mut found = vec![None; schema.columns.len()];
        let Some(header) = self.rows.get(self.header) else {
            return found;
        };
        let wanted: Vec<String> = schema.columns.iter().map(|c| column_key(c)).collect();
        for (col, cell) in header.iter().enumerate() {
            let key = column_key(&cell.as_text());
            if let Some(i) = wanted.iter().position(|w| *w == key)
                && found[i].is_none()
            {
                found[i] = Some(col);
            }
        }
        found
    }
}

pub use super::merge::{LeadRows, MergeStats, merge, merge_rows};

/// A, B, C, D, X, then anything else.
pub fn grade_rank(grade: &str) -> usize {
    ["A", "B", "C", "D", "X"]
        .iter()
        .position(|g| grade.eq_ignore_ascii_case(g))
        .unwrap_or(5)
}

#[cfg(test)]
#[path = "model_tests.rs"]
pub(crate) mod tests;
