//! Writing one worksheet of a workbook (`xlsx.rs` reads and refreshes them): the cells with
//! the user's styles, links and merged ranges as they were; and on a tool table (the lead or
//! inquiry sheet) the tool's formats (grade colours, dates, percentages, clickable links),
//! column widths, the frozen header and the filter.

use std::collections::HashMap;

use calamine::Style;
use rust_xlsxwriter::{Format, Formula, Url, Worksheet, XlsxError};

use super::model::{self, Cell, Schema};
use super::style::{self, DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT};
use super::xlsx::{BookSheet, MAX_LINKS};

/// Excel's limit of the length of a link.
const MAX_URL_CHARS: usize = 2_079;
/// Rows looked at to choose a user column's width.
const WIDTH_SAMPLE_ROWS: usize = 200;

/// The formats of the tool's cells.
struct ToolFormats {
    header: Format,
    date: Format,
    percent: Format,
    link: Format,
    grades: HashMap<String, Format>,
}

impl ToolFormats {
    fn new() -> ToolFormats {
        let grade = |c: u32| {
            Format::new()
                .set_background_color(c)
                .set_bold()
                .set_align(rust_xlsxwriter::FormatAlign::Center)
        };
        ToolFormats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format(DATE_FORMAT),
            percent: Format::new().set_num_format(PERCENT_FORMAT),
            link: Format::new().set_hyperlink(),
            grades: ["A", "B", "C", "D", "X"]
                .iter()
                .filter_map(|g| Some((g.to_string(), grade(style::grade_color(g)?))))
                .collect(),
        }
    }
}

/// Writes one sheet: values with their styles, links, merged cells; and for a lead table
/// the tool's formats, frozen header, filter and widths.
pub(super) struct SheetWriter<'a> {
    sheet: &'a BookSheet,
    leads: bool,
    schema: &'a Schema,
    /// Tool column index by sheet column (lead tables only).
    tool_at: HashMap<usize, usize>,
    formats: HashMap<*const Style, Format>,
    tool: ToolFormats,
    links: usize,
}

impl<'a> SheetWriter<'a> {
    pub(super) fn new(sheet: &'a BookSheet, leads: bool, schema: &'a Schema) -> SheetWriter<'a> {
        let tool_at = if leads {
            sheet
                .table
                .tool_columns_for(schema)
                .iter()
                .enumerate()
                .filter_map(|(t, c)| c.map(|c| (c, t)))
                .collect()
        } else {
            HashMap::new()
        };
        SheetWriter {
            sheet,
            leads,
            schema,
            tool_at,
            formats: HashMap::new(),
            tool: ToolFormats::new(),
            links: 0,
        }
    }

    /// The user's format of a cell, if it has one.
    fn user_format(&mut self, r: usize, c: usize) -> Option<Format> {
        let s = self.sheet.styles.get((r as u32, c as u32))?;
        Some(
            self.formats
                .entry(s as *const Style)
                .or_insert_with(|| style::format_of(s))
                .clone(),
        )
    }

    pub(super) fn write(
        mut self,
        ws: &mut Worksheet,
        warnings: &mut Vec<String>,
    ) -> Result<(), XlsxError> {
        let table = &self.sheet.table;
        for m in &self.sheet.merged {
            let fmt = self
                .user_format(m.start.0 as usize, m.start.1 as usize)
                .unwrap_or_default();
            if let Err(e) = ws.merge_range(
                m.start.0,
                m.start.1 as u16,
                m.end.0,
                m.end.1 as u16,
                "",
                &fmt,
            ) {
                warnings.push(format!(
                    "sheet `{}`: merged cells at row {} not kept: {e}",
                    self.sheet.name,
                    m.start.0 + 1
                ));
            }
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                self.write_cell(ws, r, c, cell)?;
            }
        }
        // Styled empty cells (a coloured blank, a border) keep their look.
        let styled: Vec<(u32, u32, Format)> = self
            .sheet
            .styles
            .cells()
            .filter(|(r, c, s)| {
                style::shows_when_empty(s)
                    && table
                        .rows
                        .get(*r as usize)
                        .and_then(|row| row.get(*c as usize))
                        .is_none_or(Cell::is_empty)
                    && !self.sheet.merged.iter().any(|m| {
                        (m.start.0..=m.end.0).contains(r) && (m.start.1..=m.end.1).contains(c)
                    })
            })
            .map(|(r, c, s)| (r, c, style::format_of(s)))
            .collect();
        for (r, c, f) in styled {
            ws.write_blank(r, c as u16, &f)?;
        }
        self.widths(ws)?;
        let filtered = self.tables(ws, warnings);
        if self.leads {
            let header = table.header as u32;
            ws.set_freeze_panes(header + 1, 0)?;
            if !filtered {
                let width = table.width().max(1);
                let last = (table.rows.len().max(table.header + 2) - 1) as u32;
                ws.autofilter(header, 0, last, (width - 1) as u16)?;
            }
        }
        Ok(())
    }

    /// Writes the sheet's Excel tables again (on a lead sheet grown to its new rows and
    /// columns); whether one of them holds the lead sheet's header (and so its filter).
    fn tables(&self, ws: &mut Worksheet, warnings: &mut Vec<String>) -> bool {
        let sheet = self.sheet;
        let table = &sheet.table;
        let mut holds_header = false;
        for t in &sheet.tables {
            let mut t = t.clone();
            let at_header = self.leads && t.header_row as usize == table.header;
            if at_header {
                t.last_row = t.last_row.max(table.rows.len().saturating_sub(1) as u32);
                if t.last_col as usize + 1 >= sheet.read_width {
                    t.last_col = t.last_col.max(table.width().saturating_sub(1) as u32);
                }
            }
            t.last_row = t.last_row.max(t.header_row + 1);
            let header = table.rows.get(t.header_row as usize);
            let captions: Vec<String> = (t.first_col..=t.last_col)
                .map(|c| {
                    header
                        .and_then(|h| h.get(c as usize))
                        .map(|c| c.as_text().into_owned())
                        .unwrap_or_default()
                })
                .collect();
            let mut seen = std::collections::HashSet::new();
            let valid = captions
                .iter()
                .all(|c| !c.trim().is_empty() && seen.insert(c.to_lowercase()));
            let columns: Vec<rust_xlsxwriter::TableColumn> = captions
                .iter()
                .map(|c| rust_xlsxwriter::TableColumn::new().set_header(c))
                .collect();
            let xl = rust_xlsxwriter::Table::new()
                .set_name(&t.name)
                .set_columns(&columns);
            let added = valid
                && ws
                    .add_table(
                        t.header_row,
                        t.first_col as u16,
                        t.last_row,
                        t.last_col as u16,
                        &xl,
                    )
                    .is_ok();
            if added {
                holds_header |= at_header;
            } else {
                warnings.push(format!(
                    "sheet `{}`: the Excel table `{}` could not be kept as a table (its cells \
                     are kept; formulas that name the table will need it again)",
                    sheet.name, t.name
                ));
            }
        }
        holds_header
    }

    fn write_cell(
        &mut self,
        ws: &mut Worksheet,
        r: usize,
        c: usize,
        cell: &Cell,
    ) -> Result<(), XlsxError> {
        let user = self.user_format(r, c);
        let header = self.sheet.table.header;
        if self.leads && r == header {
            let f = match &user {
                Some(u) => u.merge(&self.tool.header),
                None => self.tool.header.clone(),
            };
            return write_value(ws, r, c, cell, Some(&f));
        }
        let tool = if self.leads && r > header {
            self.tool_at.get(&c).copied()
        } else {
            None
        };
        let Some(t) = tool else {
            // A user's cell, as it was (with its link, if it had one).
            if let (Some(target), Cell::Text(text)) =
                (self.sheet.links.get(&(r as u32, c as u32)), cell)
                && self.links < MAX_LINKS
                && target.chars().count() <= MAX_URL_CHARS
            {
                let url = Url::new(target.as_str()).set_text(text.as_str());
                let f = user.clone().unwrap_or_else(|| self.tool.link.clone());
                if ws
                    .write_url_with_format(r as u32, c as u16, url, &f)
                    .is_ok()
                {
                    self.links += 1;
                    return Ok(());
                }
            }
            return write_value(ws, r, c, cell, user.as_ref());
        };
        let name = self.schema.columns[t];
        let essential = match (name, cell) {
            ("grade" | "site_grade", _) => self.tool.grades.get(cell.as_text().trim()).cloned(),
            ("match_share", Cell::Number(_) | Cell::Percent(_)) => Some(self.tool.percent.clone()),
            ("first_seen" | "last_seen", Cell::Date(_) | Cell::Number(_)) => {
                Some(self.tool.date.clone())
            }
            ("date" | "reply_by", Cell::Date(_) | Cell::Number(_)) => {
                Some(Format::new().set_num_format(DATETIME_FORMAT))
            }
            ("website" | "contact_page", Cell::Text(url))
                if is_web_link(url) && self.links < MAX_LINKS =>
            {
                let f = match &user {
                    Some(u) => self.tool.link.merge(u),
                    None => self.tool.link.clone(),
                };
                if ws
                    .write_url_with_format(r as u32, c as u16, Url::new(url.as_str()), &f)
                    .is_ok()
                {
                    self.links += 1;
                    return Ok(());
                }
                None
            }
            _ => None,
        };
        let f = match (essential, user) {
            (Some(e), Some(u)) => Some(e.merge(&u)),
            (e, u) => e.or(u),
        };
        write_value(ws, r, c, cell, f.as_ref())
    }

    fn widths(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let table = &self.sheet.table;
        let width = table.width();
        for c in 0..width {
            let w = match self.tool_at.get(&c) {
                Some(&t) => style::tool_width(self.schema.columns[t]),
                None => {
                    let longest = table
                        .rows
                        .iter()
                        .take(table.header + 1 + WIDTH_SAMPLE_ROWS)
                        .filter_map(|row| row.get(c))
                        .map(|cell| match cell {
                            Cell::Date(_) => 11,
                            other => other
                                .as_text()
                                .lines()
                                .map(|l| l.chars().count())
                                .max()
                                .unwrap_or(0),
                        })
                        .max()
                        .unwrap_or(0);
                    (longest as f64 + 2.0).clamp(8.0, 50.0)
                }
            };
            ws.set_column_width(c as u16, w)?;
        }
        Ok(())
    }
}

fn is_web_link(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && s.chars().count() <= MAX_URL_CHARS
        && !s.contains(char::is_whitespace)
}

/// Writes a value: text as a text cell, numbers and dates as numbers, a formula with the
/// value it last showed.
fn write_value(
    ws: &mut Worksheet,
    r: usize,
    c: usize,
    cell: &Cell,
    f: Option<&Format>,
) -> Result<(), XlsxError> {
    let (r, c) = (r as u32, c as u16);
    let date_format;
    let f = match (cell, f) {
        (Cell::Date(d), None) => {
            date_format = Format::new().set_num_format(if d.fract() == 0.0 {
                DATE_FORMAT
            } else {
                DATETIME_FORMAT
            });
            Some(&date_format)
        }
        (_, f) => f,
    };
    let fmt = f.cloned().unwrap_or_default();
    match cell {
        Cell::Empty => {
            if f.is_some() {
                ws.write_blank(r, c, &fmt)?;
            }
        }
        Cell::Text(s) => {
            let s = cut_cell(s);
            ws.write_string_with_format(r, c, s.as_ref(), &fmt)?;
        }
        Cell::Number(x) | Cell::Percent(x) | Cell::Date(x) => {
            ws.write_number_with_format(r, c, *x, &fmt)?;
        }
        Cell::Bool(b) => {
            ws.write_boolean_with_format(r, c, *b, &fmt)?;
        }
        Cell::Formula { formula, cached } => {
            let formula = Formula::new(formula).set_result(result_text(cached));
            ws.write_formula_with_format(r, c, formula, &fmt)?;
        }
        Cell::Error(e) => {
            let formula = Formula::new(format!("={e}")).set_result(e.as_str());
            ws.write_formula_with_format(r, c, formula, &fmt)?;
        }
    }
    Ok(())
}

/// A formula's last value as the file stores it (numbers and dates as plain numbers).
fn result_text(cell: &Cell) -> String {
    match cell {
        Cell::Number(x) | Cell::Percent(x) | Cell::Date(x) => model::number_text(*x),
        other => other.as_text().into_owned(),
    }
}

/// Text cut to Excel's limit of a cell (32,767 UTF-16 units).
fn cut_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= 32_767 / 3 || s.encode_utf16().count() <= 32_767 {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut units = 0;
    let end = s
        .char_indices()
        .find(|(_, ch)| {
            units += ch.len_utf16();
            units > 32_766
        })
        .map_or(s.len(), |(i, _)| i);
    std::borrow::Cow::Owned(format!("{}…", &s[..end]))
}
