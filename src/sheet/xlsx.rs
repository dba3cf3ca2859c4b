//! Lead sheets as XLSX: the workbook is read with calamine (values, formulas, cell styles,
//! links, merged cells of every sheet) and written again with rust_xlsxwriter. The data sheet
//! gets a frozen header row, a filter, column widths, a fill colour per grade, clickable
//! website and contact links, real dates, and text cells for scraped text (so phone numbers
//! and ZIP codes keep their leading `+` and `0`s and never become formulas).
//!
//! What the two libraries cannot carry over is lost on a refresh and listed in the README:
//! column widths and row heights of the user's file, charts, images, comments, conditional
//! formats, data validation, pivot tables, rich text inside one cell.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Reader, SheetType, SheetVisible, StyleRange, Xlsx};
use rust_xlsxwriter::{Workbook, XlsxError};

use super::model::{self, Cell, Filter, Flavor, LEADS, LeadRows, Rows, Schema, SheetLead, Table};
use super::{
    FileReport, SHEET_NAME, SheetError, SheetOptions, SheetReport, on_main_sheet, safe,
    split_grades,
};

/// Excel's limit of hyperlinks on one worksheet; later links are plain text.
pub const MAX_LINKS: usize = 65_530;
/// Excel's limit of rows.
const MAX_ROWS: usize = 1_048_576;

/// A workbook as read.
#[derive(Debug, Default)]
pub struct Book {
    pub sheets: Vec<BookSheet>,
    /// Defined names (name, formula).
    pub names: Vec<(String, String)>,
}

/// One worksheet: its cells from the top-left corner, and what else calamine gives.
#[derive(Debug, Default)]
pub struct BookSheet {
    pub name: String,
    pub hidden: bool,
    pub table: Table,
    /// Whether the sheet is a lead table (`table.header` is its header row).
    pub is_leads: bool,
    pub styles: StyleRange,
    /// Links of cells: (row, column) → target.
    pub links: HashMap<(u32, u32), String>,
    pub merged: Vec<calamine::Dimensions>,
    /// Excel tables ("Format as Table") on the sheet.
    pub tables: Vec<SheetTable>,
    /// The number of columns in use when the sheet was read.
    pub read_width: usize,
}

/// An Excel table: its name and where it is (header row to last data row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetTable {
    pub name: String,
    pub header_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

impl BookSheet {
    fn new_table(name: &str, schema: &Schema) -> BookSheet {
        BookSheet {
            name: name.to_string(),
            table: Table::new_for(schema),
            is_leads: true,
            ..BookSheet::default()
        }
    }
}

/// Reads the workbook at `path` (lead tables marked): `None` when there is no file yet.
pub fn read(path: &Path) -> Result<Option<Book>, SheetError> {
    read_for(path, &LEADS)
}

/// Reads the workbook at `path`, marking the sheets that are tables of `schema`.
pub fn read_for(path: &Path, schema: &Schema) -> Result<Option<Book>, SheetError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SheetError::io(path, e)),
    };
    let bad = |e: calamine::XlsxError| SheetError::Read {
        path: path.to_path_buf(),
        message: format!("{e} (is it an .xlsx workbook?)"),
    };
    let mut wb: Xlsx<_> = Xlsx::new(BufReader::new(file)).map_err(bad)?;
    let is_1904 = wb.has_1904_epoch();
    let metas = wb.sheets_metadata().to_vec();
    let has_tables = wb.load_tables().is_ok();
    let mut book = Book {
        sheets: Vec::with_capacity(metas.len()),
        names: wb.defined_names().to_vec(),
    };
    for meta in metas {
        if meta.typ != SheetType::WorkSheet {
            return Err(SheetError::Unsupported {
                path: path.to_path_buf(),
                message: format!(
                    "its sheet `{}` is a {:?}, which prospect cannot write back; keep the leads \
                     in a workbook of their own",
                    meta.name, meta.typ
                ),
            });
        }
        let range = wb.worksheet_range(&meta.name).map_err(bad)?;
        let formulas = wb.worksheet_formula(&meta.name).map_err(bad)?;
        let styles = wb.worksheet_style(&meta.name).map_err(bad)?;
        let links = wb.hyperlinks_by_sheet_name(&meta.name).unwrap_or_default();
        let merged = wb.merge_cells_by_sheet_name(&meta.name).unwrap_or_default();
        let tables = if has_tables {
            tables_of(&mut wb, &meta.name)
        } else {
            Vec::new()
        };
        let rows = cells_of(&range, &formulas, is_1904);
        let header = Table::find_header_for(&rows, schema);
        let link_map = links_of(links);
        let table = Table {
            rows,
            header: header.unwrap_or(0),
        };
        book.sheets.push(BookSheet {
            name: meta.name,
            hidden: meta.visible != SheetVisible::Visible,
            read_width: table.width(),
            table,
            tables,
            is_leads: header.is_some(),
            styles,
            links: link_map,
            merged,
        });
    }
    Ok(Some(book))
}

/// The Excel tables of a sheet (their header row and extent).
fn tables_of<R: std::io::Read + std::io::Seek>(wb: &mut Xlsx<R>, sheet: &str) -> Vec<SheetTable> {
    let names: Vec<String> = wb
        .table_names_in_sheet(sheet)
        .into_iter()
        .cloned()
        .collect();
    let mut tables = Vec::new();
    for name in names {
        let Ok(t) = wb.table_by_name(&name) else {
            continue;
        };
        if let (Some(start), Some(end)) = (t.data().start(), t.data().end())
            && start.0 > 0
        {
            tables.push(SheetTable {
                name,
                header_row: start.0 - 1,
                first_col: start.1,
                last_row: end.0,
                last_col: end.1,
            });
        }
    }
    tables
}

/// A sheet's cells: values, and formulas with the value they last showed.
fn cells_of(
    range: &calamine::Range<calamine::Data>,
    formulas: &calamine::Range<String>,
    is_1904: bool,
) -> Vec<Vec<Cell>> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    if let Some((r0, c0)) = range.start() {
        for (r, c, data) in range.used_cells() {
            set(
                &mut rows,
                r0 as usize + r,
                c0 as usize + c,
                cell_of(data, is_1904),
            );
        }
    }
    if let Some((r0, c0)) = formulas.start() {
        for (r, c, f) in formulas.used_cells() {
            let (r, c) = (r0 as usize + r, c0 as usize + c);
            let cached = rows
                .get(r)
                .and_then(|row| row.get(c))
                .cloned()
                .unwrap_or_default();
            set(
                &mut rows,
                r,
                c,
                Cell::Formula {
                    formula: f.trim_start_matches('=').to_string(),
                    cached: Box::new(cached),
                },
            );
        }
    }
    rows
}

/// Each hyperlinked cell's target (a large range is cut at 10,000 rows and 100 columns).
fn links_of(links: Vec<calamine::Hyperlink>) -> HashMap<(u32, u32), String> {
    let mut link_map = HashMap::new();
    for link in links {
        let target = match (&link.target, &link.location) {
            (Some(t), Some(l)) => format!("{t}#{l}"),
            (Some(t), None) => t.clone(),
            (None, Some(l)) => format!("internal:{l}"),
            (None, None) => continue,
        };
        let (start, end) = (link.range.start, link.range.end);
        for r in start.0..=end.0.min(start.0 + 10_000) {
            for c in start.1..=end.1.min(start.1 + 100) {
                link_map.insert((r, c), target.clone());
            }
        }
    }
    link_map
}

fn set(rows: &mut Vec<Vec<Cell>>, r: usize, c: usize, cell: Cell) {
    if cell.is_empty() && rows.get(r).is_none_or(|row| row.len() <= c) {
        return;
    }
    if rows.len() <= r {
        rows.resize_with(r + 1, Vec::new);
    }
    let row = &mut rows[r];
    if row.len() <= c {
        row.resize(c + 1, Cell::Empty);
    }
    row[c] = cell;
}

fn cell_of(d: &Data, is_1904: bool) -> Cell {
    match d {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(x) => Cell::Number(*x),
        Data::String(s) => Cell::text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            Cell::Date(dt.as_f64() + if is_1904 { 1462.0 } else { 0.0 })
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// The data sheet of a workbook: `Leads` if it is a lead table, else the first lead table.
/// (The per-grade sheets of `--split` are never the main one.)
pub fn main_sheet(book: &Book) -> Option<usize> {
    main_sheet_for(book, &LEADS)
}

/// The data sheet of a workbook for a schema: the one with the schema's name if it is a table
/// of the schema, else the first such table (never a per-grade sheet of `--split`).
pub fn main_sheet_for(book: &Book, schema: &Schema) -> Option<usize> {
    let is_split = |name: &str| {
        ["A", "B", "C", "D", "X"]
            .iter()
            .any(|g| name.eq_ignore_ascii_case(&split_name(g)))
    };
    book.sheets
        .iter()
        .position(|s| s.is_leads && s.name.eq_ignore_ascii_case(schema.sheet_name))
        .or_else(|| {
            book.sheets
                .iter()
                .position(|s| s.is_leads && !is_split(&s.name))
        })
}

/// The name of the sheet with one grade's leads (`--split`).
pub fn split_name(grade: &str) -> String {
    format!("{SHEET_NAME} {grade}")
}

/// Writes or refreshes an XLSX lead sheet (and with `split` one sheet per grade).
pub fn refresh(
    leads: &[SheetLead],
    target: &Path,
    opts: &SheetOptions,
) -> Result<SheetReport, SheetError> {
    let rows = LeadRows::new(leads);
    let mut parts: Vec<(Option<String>, Filter<'_>)> =
        vec![(None, Box::new(|i: usize| on_main_sheet(&leads[i], opts)))];
    if opts.split {
        for g in split_grades(opts) {
            parts.push((
                Some(split_name(g)),
                Box::new(move |i: usize| leads[i].grade.as_str() == g),
            ));
        }
    }
    refresh_rows(&rows, target, &parts, opts)
}

/// Writes or refreshes a workbook's tables of any schema: the main one (`None`) and named
/// ones, each with the rows its filter accepts (rows already there are kept current).
pub fn refresh_rows(
    rows: &dyn Rows,
    target: &Path,
    parts: &[(Option<String>, Filter<'_>)],
    opts: &SheetOptions,
) -> Result<SheetReport, SheetError> {
    let schema = rows.schema();
    safe::check_writable(target)?;
    let existing = read_for(target, schema)?;
    let created = existing.is_none();
    let mut book = existing.unwrap_or_default();
    let mut added_sheets = false;
    let main = match main_sheet_for(&book, schema) {
        Some(i) => i,
        None if book.sheets.is_empty() => {
            book.sheets
                .push(BookSheet::new_table(schema.sheet_name, schema));
            added_sheets = true;
            0
        }
        None => {
            let names: Vec<String> = book
                .sheets
                .iter()
                .map(|s| format!("`{}`", s.name))
                .collect();
            return Err(SheetError::NotOurs {
                path: target.to_path_buf(),
                why: format!(
                    "none of its sheets ({}) has a `{}` column in its first {} rows (the key \
                     of a {})",
                    names.join(", "),
                    schema.key_column,
                    model::HEADER_SEARCH_ROWS,
                    schema.row
                ),
                schema,
            });
        }
    };
    let mut places: Vec<(usize, usize)> = Vec::new();
    for (p, (name, _)) in parts.iter().enumerate() {
        let Some(name) = name else {
            places.push((main, p));
            continue;
        };
        let i = match book
            .sheets
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(name))
        {
            Some(i) if book.sheets[i].is_leads => i,
            Some(_) => {
                return Err(SheetError::NotOurs {
                    path: target.to_path_buf(),
                    why: format!("its sheet `{name}` has no `{}` column", schema.key_column),
                    schema,
                });
            }
            None => {
                book.sheets.push(BookSheet::new_table(name, schema));
                added_sheets = true;
                book.sheets.len() - 1
            }
        };
        places.push((i, p));
    }
    let mut sheets = Vec::new();
    for (i, p) in &places {
        let stats = model::merge_rows(&mut book.sheets[*i].table, rows, Flavor::Xlsx, &parts[*p].1);
        if book.sheets[*i].table.rows.len() > MAX_ROWS {
            return Err(SheetError::Unsupported {
                path: target.to_path_buf(),
                message: format!(
                    "sheet `{}` would have more rows than Excel allows ({MAX_ROWS})",
                    book.sheets[*i].name
                ),
            });
        }
        sheets.push((book.sheets[*i].name.clone(), stats));
    }
    let changed = created || added_sheets || sheets.iter().any(|(_, s)| !s.is_unchanged());
    let mut report = SheetReport::default();
    let mut file = FileReport {
        path: target.to_path_buf(),
        created,
        written: changed,
        backup: None,
        sheets,
    };
    if changed {
        let data: Vec<usize> = places.iter().map(|(i, _)| *i).collect();
        let bytes = render_for(&book, &data, schema, &mut report.warnings).map_err(|e| {
            SheetError::Write {
                path: target.to_path_buf(),
                message: e.to_string(),
            }
        })?;
        file.backup = safe::replace(target, &bytes, opts.backups)?;
    }
    report.files.push(file);
    Ok(report)
}

/// The workbook's bytes; `data` are the sheets that get the lead sheet's formatting.
pub fn render(
    book: &Book,
    data: &[usize],
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, XlsxError> {
    render_for(book, data, &LEADS, warnings)
}

/// The workbook's bytes; `data` are the sheets that get the formatting of `schema`'s tables.
pub fn render_for(
    book: &Book,
    data: &[usize],
    schema: &Schema,
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let first_visible = book.sheets.iter().position(|s| !s.hidden);
    for (i, sheet) in book.sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        if sheet.hidden {
            ws.set_hidden(true);
        }
        if first_visible.is_some_and(|v| v == i && i > 0) {
            ws.set_active(true);
        }
        super::xlsx_write::SheetWriter::new(sheet, data.contains(&i), schema)
            .write(ws, warnings)?;
    }
    for (name, formula) in &book.names {
        if name.starts_with("_xlnm.") {
            if !name.ends_with("_FilterDatabase") {
                warnings.push(format!(
                    "the workbook's {} (print settings) is not kept",
                    name.trim_start_matches("_xlnm.")
                ));
            }
            continue;
        }
        let formula = if formula.starts_with('=') {
            formula.clone()
        } else {
            format!("={formula}")
        };
        if let Err(e) = wb.define_name(name, &formula) {
            warnings.push(format!("the defined name `{name}` is not kept: {e}"));
        }
    }
    wb.save_to_buffer()
}
