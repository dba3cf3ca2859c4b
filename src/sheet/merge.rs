//! The merge that refreshes a sheet: the tool's rows written into a table without touching
//! any other cell, row or column (see [`super::model`] for the rules), for any [`Schema`];
//! and the lead sheet's rows, matched by [`LeadKey`] (a D lead also by its domain or its
//! company's own site).

use std::collections::HashMap;

use super::model::{
    COMPANY, Cell, DOMAIN, EMAILS, Flavor, GRADE, LEADS, LeadKey, Rows, Schema, SheetLead, Table,
    date_text, is_graded_site, parse_date,
};
use crate::store::Grade;

/// What a refresh did to one sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Rows appended for leads the sheet did not have.
    pub added: usize,
    /// Rows whose tool cells changed.
    pub updated: usize,
    /// Rows of leads whose tool cells were already current.
    pub unchanged: usize,
    /// Rows of companies the store no longer has (kept as they are).
    pub not_found: usize,
    /// Tool columns appended at the right.
    pub columns_added: Vec<String>,
}

impl MergeStats {
    /// Whether the sheet is the same as before.
    pub fn is_unchanged(&self) -> bool {
        self.added == 0 && self.updated == 0 && self.columns_added.is_empty()
    }
}

/// Refreshes `table` from `leads`: matched rows get the tool's values, leads that `include`
/// accepts and the sheet lacks are appended (A before B …, store order within a grade).
pub fn merge(
    table: &mut Table,
    leads: &[SheetLead],
    flavor: Flavor,
    include: impl Fn(&SheetLead) -> bool,
) -> MergeStats {
    let rows = LeadRows::new(leads);
    merge_rows(table, &rows, flavor, |i| include(&leads[i]))
}

/// Refreshes `table` from the tool's `rows` (any schema): the schema's columns are found by
/// header and missing ones appended at the right; matched rows get the tool's values (the
/// first-seen date keeps the earlier one); rows that `include` accepts and the sheet lacks
/// are appended; every other cell, row and column stays as it is.
pub fn merge_rows(
    table: &mut Table,
    rows: &dyn Rows,
    flavor: Flavor,
    include: impl Fn(usize) -> bool,
) -> MergeStats {
    let schema = rows.schema();
    let mut stats = MergeStats::default();
    if table.rows.len() <= table.header {
        table.rows.resize_with(table.header + 1, Vec::new);
    }
    // Tool columns, missing ones appended after every used column.
    let mut cols = table.tool_columns_for(schema);
    let mut next = table.width();
    for (i, col) in cols.iter_mut().enumerate() {
        if col.is_none() {
            let header = &mut table.rows[table.header];
            if header.len() <= next {
                header.resize(next + 1, Cell::Empty);
            }
            header[next] = Cell::text(schema.columns[i]);
            stats.columns_added.push(schema.columns[i].to_string());
            *col = Some(next);
            next += 1;
        }
    }
    let cols: Vec<usize> = cols.iter().map(|c| c.unwrap_or_default()).collect();
    let first_seen = schema.first_seen.and_then(|c| schema.index(c));

    let mut present = vec![false; rows.len()];
    for row in table.rows.iter_mut().skip(table.header + 1) {
        let at = |i: usize| {
            row.get(cols[i])
                .map(|c| c.as_text().into_owned())
                .unwrap_or_default()
        };
        let found = match rows.find(&at) {
            Err(()) => continue,
            Ok(f) => f,
        };
        let Some(i) = found else {
            stats.not_found += 1;
            continue;
        };
        present[i] = true;
        if update_row(row, &cols, rows, i, first_seen, flavor) {
            stats.updated += 1;
        } else {
            stats.unchanged += 1;
        }
    }

    let mut new: Vec<usize> = (0..rows.len())
        .filter(|&i| !present[i] && include(i))
        .collect();
    new.sort_by_key(|&i| (rows.rank(i), i));
    let width = table.width().max(cols.iter().max().map_or(0, |m| m + 1));
    for i in new {
        let mut row = vec![Cell::Empty; width];
        for (t, &col) in cols.iter().enumerate() {
            row[col] = rows.cell(i, t, flavor);
        }
        table.rows.push(row);
        stats.added += 1;
    }
    stats
}

/// The store's leads as the lead sheet's rows.
pub struct LeadRows<'a> {
    leads: &'a [SheetLead],
    index: HashMap<&'a LeadKey, usize>,
    by_site: HashMap<&'a LeadKey, usize>,
}

impl<'a> LeadRows<'a> {
    pub fn new(leads: &'a [SheetLead]) -> LeadRows<'a> {
        LeadRows {
            leads,
            index: leads.iter().enumerate().map(|(i, l)| (&l.key, i)).collect(),
            by_site: leads
                .iter()
                .enumerate()
                .map(|(i, l)| (&l.site, i))
                .collect(),
        }
    }
}

impl Rows for LeadRows<'_> {
    fn schema(&self) -> &'static Schema {
        &LEADS
    }

    fn len(&self) -> usize {
        self.leads.len()
    }

    fn cell(&self, i: usize, col: usize, flavor: Flavor) -> Cell {
        self.leads[i].cell(col, flavor)
    }

    fn first_seen(&self, i: usize) -> Option<f64> {
        self.leads[i].first_seen()
    }

    fn find(&self, at: &dyn Fn(usize) -> String) -> Result<Option<usize>, ()> {
        let (grade, domain, emails) = (at(GRADE), at(DOMAIN), at(EMAILS));
        let Some(key) = LeadKey::of_row(&grade, &domain, &at(COMPANY), &emails) else {
            return Err(());
        };
        Ok(find_lead(
            &key,
            &grade,
            &domain,
            &emails,
            self.leads,
            &self.index,
            &self.by_site,
        ))
    }

    fn rank(&self, i: usize) -> usize {
        self.leads[i].grade as usize
    }
}

/// The lead of a row: the one with the row's key; else, when the grade moved between D and
/// the others, the lead kept under the row's domain; else, for a D row, its company's own
/// site graded A, B or C (found by the e-mail domain).
fn find_lead(
    key: &LeadKey,
    grade: &str,
    domain: &str,
    emails: &str,
    leads: &[SheetLead],
    index: &HashMap<&LeadKey, usize>,
    by_site: &HashMap<&LeadKey, usize>,
) -> Option<usize> {
    if let Some(&i) = index.get(key) {
        return Some(i);
    }
    let row_is_d = grade
        .trim()
        .trim_start_matches('\'')
        .eq_ignore_ascii_case("d");
    if let Some(&i) = LeadKey::of_domain(domain)
        .as_ref()
        .and_then(|d| by_site.get(d))
        && !(row_is_d && leads[i].grade == Grade::D)
    {
        return Some(i);
    }
    if row_is_d
        && let Some(&i) = LeadKey::of_mail(emails).as_ref().and_then(|m| index.get(m))
        && is_graded_site(&leads[i])
    {
        return Some(i);
    }
    None
}

/// Writes row `i`'s values into a sheet row's tool cells; whether anything changed.
fn update_row(
    row: &mut Vec<Cell>,
    cols: &[usize],
    rows: &dyn Rows,
    i: usize,
    first_seen: Option<usize>,
    flavor: Flavor,
) -> bool {
    let mut changed = false;
    for (t, &col) in cols.iter().enumerate() {
        let mut value = rows.cell(i, t, flavor);
        if Some(t) == first_seen {
            let had = row.get(col).and_then(|c| match c {
                Cell::Date(d) | Cell::Number(d) => Some(*d),
                Cell::Text(s) => parse_date(s),
                _ => None,
            });
            if let (Some(had), Some(ours)) = (had, rows.first_seen(i))
                && had < ours
            {
                value = match flavor {
                    Flavor::Xlsx => Cell::Date(had),
                    Flavor::Csv => Cell::Text(date_text(had)),
                };
            }
        }
        if row.get(col).is_some_and(|c| c.same_as(&value)) {
            continue;
        }
        if value.is_empty() && row.get(col).is_none_or(Cell::is_empty) {
            continue;
        }
        if row.len() <= col {
            row.resize(col + 1, Cell::Empty);
        }
        row[col] = value;
        changed = true;
    }
    changed
}
