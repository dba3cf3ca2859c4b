//! Lead sheets as CSV: UTF-8 with a byte-order mark by default (so Excel shows non-Latin
//! text); an existing file keeps its delimiter (`,` `;` or tab, detected), its line endings,
//! its BOM and Excel's `sep=;` first line. Fields with delimiters, quotes or newlines are
//! quoted. Every cell is text; the tool's scraped text is neutralised (`'` in front) so that
//! no cell becomes a formula.

use std::path::{Path, PathBuf};

use super::model::{self, Cell, Filter, Flavor, LEADS, LeadRows, Rows, Schema, SheetLead, Table};
use super::{FileReport, SheetError, SheetOptions, SheetReport, on_main_sheet, safe, split_grades};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV sheet and how its file was written.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvSheet {
    pub table: Table,
    pub delimiter: u8,
    pub bom: bool,
    pub crlf: bool,
    /// Excel's `sep=;` first line, kept as it was.
    pub sep_line: Option<String>,
    /// The encoding of a file that was not UTF-8 (it is written back as UTF-8 with a BOM).
    pub converted_from: Option<&'static str>,
}

impl CsvSheet {
    /// A new lead sheet.
    pub fn new(bom: bool) -> CsvSheet {
        CsvSheet::new_for(bom, &LEADS)
    }

    /// A new sheet with a schema's columns.
    pub fn new_for(bom: bool, schema: &Schema) -> CsvSheet {
        CsvSheet {
            table: Table::new_for(schema),
            delimiter: b',',
            bom,
            crlf: false,
            sep_line: None,
            converted_from: None,
        }
    }
}

/// Why a CSV file is not a sheet of prospect's.
#[derive(Debug, thiserror::Error)]
pub enum NotASheet {
    #[error("none of its first {rows} rows has a `{key}` column (the key of a {row})")]
    NoKeyColumn {
        rows: usize,
        key: &'static str,
        row: &'static str,
    },
    #[error("not readable as CSV: {0}")]
    Unreadable(#[from] ::csv::Error),
}

/// Reads a CSV lead sheet from its bytes; `Err` says why it is not a lead sheet.
pub fn parse(bytes: &[u8]) -> Result<CsvSheet, NotASheet> {
    parse_for(bytes, &LEADS)
}

/// Reads a CSV sheet of a schema from its bytes; `Err` says why it is not one.
pub fn parse_for(bytes: &[u8], schema: &Schema) -> Result<CsvSheet, NotASheet> {
    let (text, bom, converted_from) = decode(bytes);
    let mut body: &str = &text;
    let mut sep_line = None;
    let mut delimiter = None;
    let first_line = body.split_inclusive('\n').next().unwrap_or("");
    let first = first_line.trim_end_matches(['\r', '\n']);
    if first.len() == 5
        && first
            .get(..4)
            .is_some_and(|s| s.eq_ignore_ascii_case("sep="))
    {
        sep_line = Some(first.to_string());
        delimiter = first.as_bytes().get(4).copied();
        body = &body[first_line.len()..];
    }
    let crlf = first_line_ends_crlf(body);
    // The delimiter: the one Excel's `sep=` line names, else the one that makes a header
    // appear (the most frequent in the top lines first).
    let candidates: Vec<u8> = match delimiter {
        Some(d) => vec![d],
        None => {
            let first = detect_delimiter(body);
            let mut c = vec![first];
            c.extend([b',', b';', b'\t'].into_iter().filter(|d| *d != first));
            c
        }
    };
    let top_has_header = |d: u8| {
        let top: Vec<Vec<Cell>> = records(body, d)
            .take(model::HEADER_SEARCH_ROWS)
            .filter_map(Result::ok)
            .collect();
        Table::find_header_for(&top, schema).is_some()
    };
    let delimiter = candidates
        .iter()
        .copied()
        .find(|&d| top_has_header(d))
        .unwrap_or(candidates[0]);
    let rows = records(body, delimiter).collect::<Result<Vec<_>, _>>()?;
    let header = match Table::find_header_for(&rows, schema) {
        Some(h) => h,
        None if rows.iter().all(|r| r.iter().all(Cell::is_empty)) => {
            let mut sheet = CsvSheet::new_for(bom, schema);
            sheet.delimiter = delimiter;
            sheet.crlf = crlf;
            sheet.sep_line = sep_line;
            sheet.converted_from = converted_from;
            return Ok(sheet);
        }
        None => {
            return Err(NotASheet::NoKeyColumn {
                rows: model::HEADER_SEARCH_ROWS,
                key: schema.key_column,
                row: schema.row,
            });
        }
    };
    Ok(CsvSheet {
        table: Table { rows, header },
        delimiter,
        bom,
        crlf,
        sep_line,
        converted_from,
    })
}

/// The records of CSV text as rows of cells.
fn records(
    body: &str,
    delimiter: u8,
) -> impl Iterator<Item = Result<Vec<Cell>, ::csv::Error>> + '_ {
    ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes())
        .into_records()
        .map(|r| r.map(|record| record.iter().map(Cell::text).collect()))
}

/// The text of a file: UTF-8 (with or without a BOM), UTF-16 with a BOM, or else the legacy
/// encoding chardetng guesses (Excel's "CSV" in Western Europe is Windows-1252).
fn decode(bytes: &[u8]) -> (String, bool, Option<&'static str>) {
    if let Some(rest) = bytes.strip_prefix(BOM) {
        if let Ok(s) = std::str::from_utf8(rest) {
            return (s.to_string(), true, None);
        }
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), false, None);
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, _) = enc.decode(bytes);
        let name = if enc == encoding_rs::UTF_8 {
            None
        } else {
            Some(enc.name())
        };
        return (
            text.into_owned(),
            true,
            name.or(Some("UTF-8 with invalid bytes")),
        );
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    (text.into_owned(), true, Some(enc.name()))
}

/// The delimiter of the top lines: whichever of `,` `;` tab occurs most outside quotes
/// (`,` when none does).
pub fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    let mut lines = 0;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                lines += 1;
                if lines == model::HEADER_SEARCH_ROWS {
                    break;
                }
            }
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

fn first_line_ends_crlf(text: &str) -> bool {
    let mut quoted = false;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return i > 0 && bytes[i - 1] == b'\r',
            _ => {}
        }
    }
    false
}

/// The file's bytes. Rows after the header are padded to the sheet's width.
pub fn render(sheet: &CsvSheet) -> Vec<u8> {
    let mut out = Vec::with_capacity(sheet.table.rows.len() * 200);
    if sheet.bom {
        out.extend_from_slice(BOM);
    }
    let eol: &[u8] = if sheet.crlf { b"\r\n" } else { b"\n" };
    if let Some(sep) = &sheet.sep_line {
        out.extend_from_slice(sep.as_bytes());
        out.extend_from_slice(eol);
    }
    let width = sheet.table.width();
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(sheet.delimiter)
        .flexible(true)
        .terminator(if sheet.crlf {
            ::csv::Terminator::CRLF
        } else {
            ::csv::Terminator::Any(b'\n')
        })
        .from_writer(out);
    for (i, row) in sheet.table.rows.iter().enumerate() {
        let pad = if i >= sheet.table.header { width } else { 0 };
        let n = row.len().max(pad);
        let fields = (0..n).map(|c| row.get(c).map(|v| v.as_text()).unwrap_or_default());
        if n == 0 {
            // An empty record would be skipped on reading; one empty field keeps the line.
            let _ = writer.write_record([""]);
        } else {
            // Writing to memory cannot fail.
            let _ = writer.write_record(fields.map(|f| f.into_owned()));
        }
    }
    writer.into_inner().unwrap_or_default()
}

/// Where `--split` puts the list of one grade: `leads.csv` → `leads.A.csv`.
pub fn split_path(target: &Path, grade: &str) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = target
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "csv".into());
    target.with_file_name(format!("{stem}.{grade}.{ext}"))
}

/// Reads the lead sheet at `path`: `None` when there is no file yet.
pub fn read(path: &Path) -> Result<Option<CsvSheet>, SheetError> {
    read_for(path, &LEADS)
}

/// Reads the sheet of a schema at `path`: `None` when there is no file yet.
pub fn read_for(path: &Path, schema: &'static Schema) -> Result<Option<CsvSheet>, SheetError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SheetError::io(path, e)),
    };
    parse_for(&bytes, schema)
        .map(Some)
        .map_err(|why| SheetError::NotOurs {
            path: path.to_path_buf(),
            why: why.to_string(),
            schema,
        })
}

/// Writes or refreshes a CSV lead sheet (and with `split` one file per grade).
pub fn refresh(
    leads: &[SheetLead],
    target: &Path,
    opts: &SheetOptions,
) -> Result<SheetReport, SheetError> {
    let mut jobs: Vec<(PathBuf, Option<&str>)> = vec![(target.to_path_buf(), None)];
    if opts.split {
        for g in split_grades(opts) {
            jobs.push((split_path(target, g), Some(g)));
        }
    }
    let rows = LeadRows::new(leads);
    let parts: Vec<(PathBuf, Filter<'_>)> = jobs
        .into_iter()
        .map(|(path, grade)| {
            let include: Filter<'_> = match grade {
                Some(g) => Box::new(move |i: usize| leads[i].grade.as_str() == g),
                None => Box::new(move |i: usize| on_main_sheet(&leads[i], opts)),
            };
            (path, include)
        })
        .collect();
    refresh_rows(&rows, &parts, opts)
}

/// Writes or refreshes CSV sheets of any schema: each file with the rows its filter accepts
/// (rows already in a file are kept current whatever the filter says).
pub fn refresh_rows(
    rows: &dyn Rows,
    parts: &[(PathBuf, Filter<'_>)],
    opts: &SheetOptions,
) -> Result<SheetReport, SheetError> {
    let schema = rows.schema();
    for (path, _) in parts {
        safe::check_writable(path)?;
    }
    let mut report = SheetReport::default();
    let mut writes = Vec::new();
    for (path, include) in parts {
        let existing = read_for(path, schema)?;
        let created = existing.is_none();
        let mut sheet =
            existing.unwrap_or_else(|| CsvSheet::new_for(opts.bom.unwrap_or(true), schema));
        let bom_before = sheet.bom;
        if let Some(b) = opts.bom {
            sheet.bom = b;
        }
        if let Some(enc) = sheet.converted_from {
            report.warnings.push(format!(
                "{} was {enc}; it is written back as UTF-8 with a byte-order mark (Excel reads it \
                 the same)",
                path.display()
            ));
        }
        let stats = model::merge_rows(&mut sheet.table, rows, Flavor::Csv, include);
        let changed = created
            || !stats.is_unchanged()
            || sheet.bom != bom_before
            || sheet.converted_from.is_some();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        report.files.push(FileReport {
            path: path.clone(),
            created,
            written: changed,
            backup: None,
            sheets: vec![(name, stats)],
        });
        writes.push(changed.then(|| render(&sheet)));
    }
    for (file, bytes) in report.files.iter_mut().zip(writes) {
        if let Some(bytes) = bytes {
            file.backup = safe::replace(&file.path, &bytes, opts.backups)?;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_bom_line_endings_and_sep_line_are_kept() {
        let text = "\u{FEFF}sep=;\r\nDomain;Notes;grade\r\nA.de;\"two\r\nlines; and \"\"quotes\"\"\";A\r\n";
        let sheet = parse(text.as_bytes()).unwrap();
        assert_eq!(sheet.delimiter, b';');
        assert!(sheet.bom && sheet.crlf);
        assert_eq!(sheet.sep_line.as_deref(), Some("sep=;"));
        assert_eq!(sheet.table.header, 0);
        assert_eq!(
            sheet.table.rows[1][1],
            Cell::text("two\r\nlines; and \"quotes\"")
        );
        assert_eq!(render(&sheet), text.as_bytes());
    }

    #[test]
    fn delimiters_are_detected_outside_quotes() {
        assert_eq!(detect_delimiter("a,b;c,d\n"), b',');
        assert_eq!(detect_delimiter("\"a,b,c\";d;e\n1;2;3"), b';');
        assert_eq!(detect_delimiter("My leads\ndomain;a,b;c\n"), b';');
        assert_eq!(detect_delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(detect_delimiter("domain\n"), b',');
    }

    #[test]
    fn windows_1252_is_read_and_a_sheet_without_domain_is_not_ours() {
        let sheet = parse(b"domain;Firma\nm\xfcller.de;M\xfcller GmbH\n").unwrap();
        assert_eq!(sheet.table.rows[1][1], Cell::text("Müller GmbH"));
        assert!(sheet.converted_from.is_some() && sheet.bom);
        let err = parse(b"name,phone\nAnna,0171\n").unwrap_err();
        assert!(err.to_string().contains("`domain` column"), "{err}");
        assert_eq!(parse(b"").unwrap().table, Table::new_sheet());
        // A first line that only looks like Excel's `sep=` line.
        assert!(parse("T\u{301}\u{301}\ndomain\n".as_bytes()).is_ok());
    }

    #[test]
    fn split_files_are_named_by_grade() {
        assert_eq!(
            split_path(Path::new("out/leads.csv"), "A"),
            PathBuf::from("out/leads.A.csv")
        );
    }
}
