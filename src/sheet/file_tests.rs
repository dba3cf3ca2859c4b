//! Property tests through real files: any user sheet written as CSV or XLSX, refreshed, and
//! read back keeps every user cell and row, and a second refresh leaves the file alone.

use std::path::Path;

use proptest::prelude::*;

use super::model::tests::{arb_stored, arb_table, user_columns};
use super::model::{Cell, SheetLead, Table, sheet_leads};
use super::xlsx::{Book, BookSheet};
use super::{SheetOptions, csv, refresh_with, xlsx};

fn opts() -> SheetOptions {
    SheetOptions {
        all: true,
        ..SheetOptions::default()
    }
}

/// Reads a sheet back: the CSV, or the `Leads` sheet of a workbook.
fn read(path: &Path) -> Table {
    if path.extension().is_some_and(|e| e == "csv") {
        match csv::read(path) {
            Ok(Some(s)) => s.table,
            other => panic!("{other:?}: {:?}", std::fs::read_to_string(path)),
        }
    } else {
        let book = xlsx::read(path).unwrap().unwrap();
        let leads = book.sheets.into_iter().find(|s| s.name == "Leads").unwrap();
        leads.table
    }
}

fn check_file(path: &Path, leads: &[SheetLead]) {
    let before = read(path);
    let report = refresh_with(leads, path, &opts()).unwrap();
    let after = read(path);
    let added = report.files[0].sheets[0].1.added;
    let get = |t: &Table, r: usize, c: usize| {
        t.rows
            .get(r)
            .and_then(|row| row.get(c))
            .cloned()
            .unwrap_or_default()
    };
    assert!(after.rows.len() >= before.rows.len());
    assert_eq!(after.header, before.header);
    for r in 0..before.rows.len() {
        for &c in &user_columns(&before) {
            assert_eq!(get(&after, r, c), get(&before, r, c), "row {r} column {c}");
        }
    }
    let appended = after.rows.len() - before.rows.len();
    assert!(appended <= added, "{appended} rows appended, {added} added");
    // The same store again: the file is not written.
    let bytes = std::fs::read(path).unwrap();
    let again = refresh_with(leads, path, &opts()).unwrap();
    assert!(!again.files[0].written, "{:?}", again.files[0].sheets);
    assert_eq!(std::fs::read(path).unwrap(), bytes);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn csv_files_keep_user_cells_through_a_refresh(
        table in arb_table(true), stored in arb_stored(),
        delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
        bom in any::<bool>(), crlf in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.csv");
        let columns = table.width();
        let sheet = csv::CsvSheet { table, delimiter, bom, crlf, sep_line: None, converted_from: None };
        std::fs::write(&path, csv::render(&sheet)).unwrap();
        check_file(&path, &sheet_leads(&stored));
        let written = std::fs::read(&path).unwrap();
        prop_assert_eq!(written.starts_with(b"\xEF\xBB\xBF"), bom);
        let back = csv::read(&path).unwrap().unwrap();
        if columns > 1 {
            prop_assert_eq!(back.delimiter, delimiter);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn xlsx_files_keep_user_cells_and_other_sheets_through_a_refresh(
        table in arb_table(false), stored in arb_stored(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.xlsx");
        let notes = Table {
            rows: vec![
                vec![Cell::text("Notizen"), Cell::Number(3.0)],
                vec![Cell::Formula { formula: "B1*2".into(), cached: Box::new(Cell::Number(6.0)) }],
            ],
            header: 0,
        };
        let book = Book {
            sheets: vec![
                BookSheet { name: "Notes".into(), table: notes.clone(), ..BookSheet::default() },
                BookSheet { name: "Leads".into(), table, is_leads: true, ..BookSheet::default() },
            ],
            names: Vec::new(),
        };
        std::fs::write(&path, xlsx::render(&book, &[1], &mut Vec::new()).unwrap()).unwrap();
        check_file(&path, &sheet_leads(&stored));
        let back = xlsx::read(&path).unwrap().unwrap();
        prop_assert_eq!(&back.sheets[0].name, "Notes");
        prop_assert_eq!(&back.sheets[0].table.rows, &notes.rows);
    }
}
