//! XLSX refreshes: a workbook as a user leaves it in Excel (another sheet, formulas, dates,
//! text ZIP codes, colours, merged cells, links, an Excel table) and one saved by LibreOffice.

use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use super::{Campaign, col, lead, ok, xlsx_rows};
use crate::util::{fixture, stderr};
use prospect::sheet::SHEET_COLUMNS;

/// A workbook as a user leaves it in Excel: a `Notes` sheet first (text, a number, a date,
/// a formula into the leads, merged cells, a link), then `Leads` with the user's `Status`
/// (coloured), `Last contact` (a date), `ZIP` (text) and `Total` (a formula) among the tool's
/// columns, and a row of their own.
fn users_workbook(path: &Path, from: &[Vec<String>]) {
    use rust_xlsxwriter::{Color, ExcelDateTime, Format, Formula, Url, Workbook};
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let notes = wb.add_worksheet().set_name("Notes").unwrap();
    notes
        .merge_range(0, 0, 0, 2, "Campaign notes", &Format::new().set_bold())
        .unwrap();
    notes.write_string(1, 0, "Messe Frankfurt").unwrap();
    notes.write_number(1, 1, 2026).unwrap();
    let fair = ExcelDateTime::parse_from_str("2026-03-08").unwrap();
    notes
        .write_datetime_with_format(1, 2, &fair, &date)
        .unwrap();
    notes
        .write_formula(
            2,
            0,
            Formula::new("=Leads!A2").set_result("lampen-hoffmann.de"),
        )
        .unwrap();
    notes
        .write_url(
            3,
            0,
            Url::new("https://messe.example/").set_text("fair site"),
        )
        .unwrap();
    let leads = wb.add_worksheet().set_name("Leads").unwrap();
    let header = [
        "domain",
        "Status",
        "company",
        "grade",
        "Last contact",
        "ZIP",
        "Total",
        "phones",
    ];
    for (c, h) in header.iter().enumerate() {
        leads.write_string(0, c as u16, *h).unwrap();
    }
    let d = |name: &str| from[1][col(from, name)].clone();
    let yellow = Format::new().set_background_color(Color::RGB(0xFFFF00));
    leads.write_string(1, 0, d("domain")).unwrap();
    leads
        .write_string_with_format(1, 1, "offer sent", &yellow)
        .unwrap();
    leads.write_string(1, 2, "Old Name GmbH").unwrap();
    leads.write_string(1, 3, d("grade")).unwrap();
    let contact = ExcelDateTime::parse_from_str("2026-01-15").unwrap();
    leads
        .write_datetime_with_format(1, 4, &contact, &date)
        .unwrap();
    leads.write_string(1, 5, "01234").unwrap();
    leads
        .write_formula(1, 6, Formula::new("=1+2").set_result("3"))
        .unwrap();
    leads.write_string(1, 7, d("phones")).unwrap();
    leads.write_string(2, 1, "my own lead").unwrap();
    leads.write_string(2, 2, "Eigene Firma 中文").unwrap();
    leads.write_string(2, 5, "00700").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn xlsx_refresh_keeps_other_sheets_user_columns_formulas_dates_text_and_styles() {
    let c = Campaign::new(Some("leads.xlsx"));
    c.save(&[lead("lampen-hoffmann.de", "A", "Lampen Hoffmann GmbH")]);
    // -o defaults to the plan's output.sheet.
    ok(&c.sheet(&[]));
    let path = c.path("leads.xlsx");
    let first = xlsx_rows(&path, "Leads");
    assert_eq!(first[0], SHEET_COLUMNS);
    users_workbook(&path, &first);
    c.save(&[
        lead("lampen-hoffmann.de", "B", "Lampen Hoffmann GmbH"),
        lead("neu-licht.at", "A", "Neu Licht"),
    ]);
    let out = c.sheet(&[]);
    ok(&out);
    assert!(
        stderr(&out).contains("1 new, 1 updated"),
        "{}",
        stderr(&out)
    );

    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["Notes", "Leads"]);
    // The other sheet: values, the formula, the date, the merged cells and the link.
    let notes = wb.worksheet_range("Notes").unwrap();
    assert_eq!(
        notes.get_value((0, 0)),
        Some(&Data::String("Campaign notes".into()))
    );
    assert_eq!(notes.get_value((1, 1)), Some(&Data::Float(2026.0)));
    assert!(matches!(notes.get_value((1, 2)), Some(Data::DateTime(d)) if d.as_f64() == 46_089.0));
    let f = wb.worksheet_formula("Notes").unwrap();
    assert_eq!(
        f.get_value((2, 0)).map(|s| s.trim_start_matches('=')),
        Some("Leads!A2")
    );
    let merged = wb.merge_cells_by_sheet_name("Notes").unwrap();
    assert_eq!(merged.len(), 1);
    let links = wb.hyperlinks_by_sheet_name("Notes").unwrap();
    assert_eq!(links[0].target.as_deref(), Some("https://messe.example/"));

    // The lead sheet: user cells with their types, tool cells current, new columns at the end.
    let leads = wb.worksheet_range("Leads").unwrap();
    let at = |r: u32, c: u32| leads.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let header: Vec<String> = (0..leads.width() as u32)
        .map(|c| at(0, c).to_string())
        .collect();
    assert_eq!(
        &header[..8],
        [
            "domain",
            "Status",
            "company",
            "grade",
            "Last contact",
            "ZIP",
            "Total",
            "phones"
        ]
    );
    let appended: Vec<&str> = SHEET_COLUMNS
        .iter()
        .copied()
        .filter(|c| !["domain", "company", "grade", "phones"].contains(c))
        .collect();
    assert_eq!(&header[8..], &appended[..]);
    assert_eq!(at(1, 1), Data::String("offer sent".into()));
    assert_eq!(
        at(1, 2),
        Data::String("Lampen Hoffmann GmbH".into()),
        "tool column updated"
    );
    assert_eq!(at(1, 3), Data::String("B".into()));
    assert!(
        matches!(at(1, 4), Data::DateTime(d) if d.as_f64() == 46_037.0),
        "{:?}",
        at(1, 4)
    );
    assert_eq!(at(1, 5), Data::String("01234".into()), "ZIP stays text");
    assert_eq!(at(1, 6), Data::Float(3.0));
    let f = wb.worksheet_formula("Leads").unwrap();
    assert_eq!(
        f.get_value((1, 6)).map(|s| s.trim_start_matches('=')),
        Some("1+2")
    );
    assert_eq!(
        at(1, 7),
        Data::String("+49 30 1234567".into()),
        "a phone is text"
    );
    let fs = 8 + appended.iter().position(|c| *c == "first_seen").unwrap() as u32;
    assert!(
        matches!(at(1, fs), Data::DateTime(d) if d.is_datetime()),
        "{:?}",
        at(1, fs)
    );
    assert_eq!(at(2, 1), Data::String("my own lead".into()));
    assert_eq!(at(2, 2), Data::String("Eigene Firma 中文".into()));
    assert_eq!(at(2, 5), Data::String("00700".into()));
    assert_eq!(at(2, 0), Data::Empty);
    assert_eq!(
        at(3, 0),
        Data::String("neu-licht.at".into()),
        "the new lead is appended"
    );
    // The user's colour, the grade colour, clickable links.
    let styles = wb.worksheet_style("Leads").unwrap();
    let fill = |r, c| {
        styles
            .get((r, c))
            .and_then(|s| s.fill.as_ref())
            .and_then(|f| f.get_color())
            .map(|c| (c.red, c.green, c.blue))
    };
    assert_eq!(fill(1, 1), Some((0xFF, 0xFF, 0x00)));
    assert_eq!(fill(1, 3), Some((0xE2, 0xEF, 0xDA)), "B is light green");
    assert_eq!(fill(3, 3), Some((0xC6, 0xEF, 0xCE)), "A is green");
    let links = wb.hyperlinks_by_sheet_name("Leads").unwrap();
    let web = 8 + appended.iter().position(|c| *c == "website").unwrap() as u32;
    assert!(
        links
            .iter()
            .any(|l| l.contains(1, web)
                && l.target.as_deref() == Some("https://lampen-hoffmann.de/")),
        "{links:?}"
    );
    drop(wb);

    // Again with the same store: nothing changes.
    let bytes = std::fs::read(&path).unwrap();
    let out = c.sheet(&[]);
    ok(&out);
    assert!(stderr(&out).contains("nothing changed"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_sheet_saved_by_libreoffice_refreshes_cleanly() {
    let c = Campaign::new(None);
    let path = c.path("leads.xlsx");
    std::fs::copy(fixture("sheets/libreoffice-edited.xlsx"), &path).unwrap();
    let before = xlsx_rows(&path, "libreoffice-edited");
    let mut h = lead("lampen-hoffmann.de", "B", "Lampen Hoffmann GmbH");
    h.first_day = 20_300;
    c.save(&[
        h,
        lead("licht-mueller.de", "C", "Licht Müller KG"),
        lead("neu.de", "A", "Neu"),
    ]);
    let out = c.sheet(&["-o", "leads.xlsx"]);
    ok(&out);
    assert!(
        stderr(&out).contains("1 new, 2 updated"),
        "{}",
        stderr(&out)
    );
    let after = xlsx_rows(&path, "libreoffice-edited");
    assert_eq!(
        &after[0][..10],
        &before[0][..10],
        "the user's header and order"
    );
    for r in 1..before.len() {
        for c in [3, 5, 6, 8, 9] {
            assert_eq!(after[r][c], before[r][c], "user cell {r},{c}");
        }
    }
    assert_eq!(after[1][6], "01234");
    assert_eq!(after[1][4], "2025-01-02", "the earlier first_seen stays");
    assert_eq!(after[1][8], "2025-03-04");
    assert_eq!(after[2][5], "two\nlines");
    assert_eq!(after[1][2], "B");
    assert_eq!(after[2][1], "Licht Müller KG");
    assert_eq!(
        after[3],
        before[3]
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(
                String::new(),
                after[3].len() - before[3].len()
            ))
            .collect::<Vec<_>>(),
        "the user's own row"
    );
    assert_eq!(after[4][0], "neu.de");
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let f = wb.worksheet_formula("libreoffice-edited").unwrap();
    assert_eq!(
        f.get_value((1, 9)).map(|s| s.trim_start_matches('=')),
        Some("J3*2")
    );
    drop(wb);
    let out = c.sheet(&["-o", "leads.xlsx"]);
    ok(&out);
    assert!(stderr(&out).contains("nothing changed"), "{}", stderr(&out));
}

#[test]
fn an_excel_table_is_kept_and_grows_with_the_new_rows_and_columns() {
    use rust_xlsxwriter::{Formula, Table, TableColumn, Workbook};
    let c = Campaign::new(None);
    c.save(&[lead("a.de", "A", "A GmbH")]);
    let path = c.path("leads.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Leads").unwrap();
    let header = ["domain", "Status", "grade"];
    for (r, row) in [["a.de", "called", "A"], ["own.de", "new", ""]]
        .iter()
        .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let columns: Vec<TableColumn> = header
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    ws.add_table(
        0,
        0,
        2,
        2,
        &Table::new().set_name("LeadTable").set_columns(&columns),
    )
    .unwrap();
    let notes = wb.add_worksheet().set_name("Notes").unwrap();
    notes
        .write_formula(
            0,
            0,
            Formula::new("=ROWS(LeadTable[domain])").set_result("2"),
        )
        .unwrap();
    wb.save(&path).unwrap();

    c.save(&[lead("b.de", "B", "B GmbH")]);
    let out = c.sheet(&["-o", "leads.xlsx"]);
    ok(&out);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    wb.load_tables().unwrap();
    let t = wb.table_by_name("LeadTable").unwrap();
    assert_eq!(t.sheet_name(), "Leads");
    assert_eq!(&t.columns()[..3], ["domain", "Status", "grade"]);
    assert_eq!(
        t.columns().len(),
        3 + SHEET_COLUMNS.len() - 2,
        "the new columns are in it"
    );
    assert_eq!(t.data().height(), 3, "and the new row");
    let f = wb.worksheet_formula("Notes").unwrap();
    assert_eq!(
        f.get_value((0, 0)).map(|s| s.trim_start_matches('=')),
        Some("ROWS(LeadTable[domain])")
    );
}
