//! `prospect sheet`: new sheets, refreshes that keep the user's cells (CSV and XLSX, a
//! LibreOffice-saved workbook), locked/read-only/foreign files, --split, --all, exit codes,
//! and a refresh killed mid-write.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use rusqlite::params;

use crate::util::{fixture, prospect_in, stderr};
use prospect::score::lead::SHEET_COLUMNS;
use prospect::store::Store;

/// A lead in the test store.
#[derive(Clone)]
pub struct Lead {
    pub domain: String,
    pub grade: &'static str,
    pub company: String,
    pub emails: String,
    pub phones: String,
    /// Days since 1970 of the first visit and of the grading.
    pub first_day: i64,
    pub graded_day: i64,
}

pub fn lead(domain: &str, grade: &'static str, company: &str) -> Lead {
    Lead {
        domain: domain.to_string(),
        grade,
        company: company.to_string(),
        emails: format!("info@{domain}"),
        phones: "+49 30 1234567".to_string(),
        first_day: 20_400,
        graded_day: 20_410,
    }
}

/// A plan and a campaign store in a temporary folder.
pub struct Campaign {
    pub dir: tempfile::TempDir,
    pub plan: PathBuf,
    pub store: PathBuf,
}

impl Campaign {
    pub fn new(output_sheet: Option<&str>) -> Campaign {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("plan.yaml");
        let mut text =
            String::from("campaign: sheet-test\nproducts:\n  - name: LED bulb\ncountries: [DE]\n");
        if let Some(s) = output_sheet {
            text.push_str(&format!("output: {{ sheet: {s} }}\n"));
        }
        std::fs::write(&plan, text).unwrap();
        let store = dir.path().join("store.sqlite");
        drop(Store::open(&store).unwrap());
        Campaign { dir, plan, store }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Stores (or replaces) leads in one transaction.
    pub fn save(&self, leads: &[Lead]) {
        let mut conn = rusqlite::Connection::open(&self.store).unwrap();
        let tx = conn.transaction().unwrap();
        for l in leads {
            let data = serde_json::json!({
                "domain": l.domain, "company": l.company, "grade": l.grade,
                "match_share": 0.62, "big": l.grade == "C", "customer_type": "importer",
                "country": "DE", "website": format!("https://{}/", l.domain),
                "emails": l.emails, "phones": l.phones,
                "contact_page": format!("https://{}/kontakt", l.domain),
                "matched_products": "LED bulb, LED tube",
                "evidence": "=2 of 3 catalogue items are ours", "queries": "",
                "first_seen": "", "last_seen": "",
            });
            tx.execute(
                "INSERT INTO sites (domain, home_url, status, first_seen) VALUES (?1, ?2, 'done', ?3)
                 ON CONFLICT(domain) DO UPDATE SET first_seen = excluded.first_seen",
                params![l.domain, format!("https://{}/", l.domain), l.first_day * 86_400],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO leads (domain, grade, data, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(domain) DO UPDATE SET grade = excluded.grade, data = excluded.data,
                   updated_at = excluded.updated_at",
                params![
                    l.domain,
                    l.grade,
                    data.to_string(),
                    l.graded_day * 86_400 + 3_600
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }

    /// Records that a query's results pointed at a domain.
    pub fn result(&self, query: &str, domain: &str) {
        let conn = rusqlite::Connection::open(&self.store).unwrap();
        conn.execute(
            "INSERT INTO queries (query, engine) VALUES (?1, 'google') ON CONFLICT DO NOTHING",
            [query],
        )
        .unwrap();
        let id: i64 = conn
            .query_row("SELECT id FROM queries WHERE query = ?1", [query], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute(
            "INSERT INTO results (query_id, url, domain) VALUES (?1, ?2, ?3)",
            params![id, format!("https://{domain}/{id}"), domain],
        )
        .unwrap();
    }

    pub fn forget(&self, domain: &str) {
        let conn = rusqlite::Connection::open(&self.store).unwrap();
        conn.execute("DELETE FROM leads WHERE domain = ?1", [domain])
            .unwrap();
    }

    /// Runs `prospect sheet PLAN --store STORE ARGS…` in the folder.
    pub fn sheet(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec![
            "sheet",
            self.plan.to_str().unwrap(),
            "--store",
            self.store.to_str().unwrap(),
        ];
        all.extend_from_slice(args);
        prospect_in(self.dir.path(), &all)
    }
}

fn ok(out: &std::process::Output) {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
}

/// The records of a CSV file (BOM and delimiter handled), header included.
fn csv_records(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text.trim_start_matches('\u{FEFF}');
    let delimiter = if text.lines().next().unwrap().contains(';') {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn col(records: &[Vec<String>], name: &str) -> usize {
    records[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", records[0]))
}

fn write_csv(path: &Path, rows: &[Vec<&str>], delimiter: u8, bom: bool) {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    let mut bytes = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    bytes.extend(w.into_inner().unwrap());
    std::fs::write(path, bytes).unwrap();
}

fn sheet_range(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    wb.worksheet_range(name).unwrap()
}

/// A worksheet's rows as strings (dates as `YYYY-MM-DD`), from the top-left corner.
fn xlsx_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
    let range = sheet_range(path, name);
    let (h, w) = range.get_size();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut out = vec![vec![String::new(); w + c0 as usize]; h + r0 as usize];
    for (r, c, d) in range.used_cells() {
        out[r + r0 as usize][c + c0 as usize] = match d {
            Data::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{d:02}")
            }
            other => other.to_string(),
        };
    }
    out
}

#[test]
fn a_new_csv_then_a_refresh_that_keeps_the_users_columns_and_rows() {
    let c = Campaign::new(None);
    c.save(&[
        lead("lampen-hoffmann.de", "A", "Lampen Hoffmann GmbH"),
        lead("licht-mueller.de", "C", "Licht Müller"),
        lead("news-portal.de", "X", "News"),
    ]);
    c.result("LED Lampe Großhandel", "lampen-hoffmann.de");
    c.result("\"LED bulb\" importer", "lampen-hoffmann.de");
    let out = c.sheet(&["-o", "leads.csv"]);
    ok(&out);
    let path = c.path("leads.csv");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM by default");
    let recs = csv_records(&path);
    assert_eq!(recs[0], SHEET_COLUMNS);
    assert_eq!(recs.len(), 3, "X is not listed without --all");
    assert_eq!(recs[1][col(&recs, "domain")], "lampen-hoffmann.de");
    assert_eq!(recs[2][col(&recs, "domain")], "licht-mueller.de");
    assert_eq!(
        recs[1][col(&recs, "queries")],
        "LED Lampe Großhandel; \"LED bulb\" importer"
    );
    assert_eq!(recs[1][col(&recs, "phones")], "'+49 30 1234567");
    assert_eq!(
        recs[1][col(&recs, "evidence")],
        "'=2 of 3 catalogue items are ours"
    );
    assert_eq!(recs[1][col(&recs, "match_share")], "62%");
    assert_eq!(recs[2][col(&recs, "big")], "yes");
    assert_eq!(recs[1][col(&recs, "first_seen")], "2025-11-08");
    assert_eq!(recs[1][col(&recs, "last_seen")], "2025-11-18");
    assert!(stderr(&out).contains("created"), "{}", stderr(&out));

    // The user's version: `;`, their columns among the tool's, a renamed column, a note with
    // a line break, a row of their own, an older first_seen, and `queries` deleted.
    let d = |name: &str| recs[1][col(&recs, name)].clone();
    let hoffmann = [
        d("domain"),
        "called; wants catalogue".into(),
        d("company"),
        d("grade"),
        "2025-01-02".into(),
        "Anna\nMüller-Lüdenscheidt".into(),
        "=B2&\"!\"".into(),
        "01234".into(),
    ];
    let rows: Vec<Vec<&str>> = vec![
        vec![
            "Domain",
            "Status",
            "Company",
            "GRADE",
            "First Seen",
            "Owner",
            "Formula",
            "ZIP",
        ],
        hoffmann.iter().map(String::as_str).collect(),
        vec![
            "",
            "manual lead",
            "Eigene Firma",
            "",
            "",
            "Ich",
            "",
            "09111",
        ],
        vec![
            "licht-mueller.de",
            "",
            "Licht Müller",
            "C",
            "2025-11-09",
            "",
            "",
            "",
        ],
    ];
    write_csv(&path, &rows, b';', true);
    let before = std::fs::read(&path).unwrap();

    // The next campaign: Hoffmann regraded with a new mail, Müller gone, a new lead.
    let mut h = lead("lampen-hoffmann.de", "B", "Lampen Hoffmann GmbH");
    h.emails = "verkauf@lampen-hoffmann.de".into();
    h.graded_day = 20_500;
    c.save(&[h, lead("neu-licht.at", "A", "Neu Licht")]);
    c.forget("licht-mueller.de");
    let out = c.sheet(&["-o", "leads.csv"]);
    ok(&out);
    let err = stderr(&out);
    assert!(
        err.contains("1 new, 1 updated, 0 unchanged, 1 no longer found (kept)"),
        "{err}"
    );
    assert!(err.contains("leads.bak.csv"), "{err}");
    assert_eq!(std::fs::read(c.path("leads.bak.csv")).unwrap(), before);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with('\u{FEFF}') && text.contains("\r\n"),
        "BOM and CRLF kept"
    );
    let recs = csv_records(&path);
    let header: Vec<&str> = recs[0].iter().map(String::as_str).collect();
    assert_eq!(
        &header[..8],
        [
            "Domain",
            "Status",
            "Company",
            "GRADE",
            "First Seen",
            "Owner",
            "Formula",
            "ZIP"
        ]
    );
    assert!(header[8..].contains(&"queries") && header[8..].contains(&"emails"));
    assert_eq!(recs.len(), 5);
    // User cells are as they were; tool cells are current; first_seen keeps the earlier date.
    assert_eq!(recs[1][1], "called; wants catalogue");
    assert_eq!(recs[1][3], "B");
    assert_eq!(recs[1][4], "2025-01-02");
    assert_eq!(recs[1][5], "Anna\nMüller-Lüdenscheidt");
    assert_eq!(recs[1][6], "=B2&\"!\"");
    assert_eq!(recs[1][7], "01234");
    assert_eq!(recs[1][col(&recs, "emails")], "verkauf@lampen-hoffmann.de");
    assert_eq!(recs[1][col(&recs, "last_seen")], "2026-02-16");
    assert_eq!(
        &recs[2][..8],
        &rows[2].iter().map(|s| s.to_string()).collect::<Vec<_>>()[..]
    );
    assert_eq!(
        recs[3][0], "licht-mueller.de",
        "a company no longer found keeps its row"
    );
    assert_eq!(recs[3][4], "2025-11-09");
    assert_eq!(recs[4][0], "neu-licht.at");
    assert_eq!(recs[4][1], "");

    // The same store again: nothing to do, the file and its backup stay as they are.
    let now = std::fs::read(&path).unwrap();
    let out = c.sheet(&["-o", "leads.csv"]);
    ok(&out);
    assert!(stderr(&out).contains("nothing changed"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), now);
    assert_eq!(std::fs::read(c.path("leads.bak.csv")).unwrap(), before);
}

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
fn split_writes_one_list_per_grade_and_all_adds_x() {
    let c = Campaign::new(None);
    c.save(&[
        lead("a-one.de", "A", "A1"),
        lead("a-two.de", "A", "A2"),
        lead("b.de", "B", "B"),
        lead("c.de", "C", "C"),
        lead("x.de", "X", "X"),
    ]);
    ok(&c.sheet(&["-o", "leads.csv", "--split"]));
    let n = |name: &str| csv_records(&c.path(name)).len() - 1;
    assert_eq!(n("leads.csv"), 4);
    assert_eq!(
        (n("leads.A.csv"), n("leads.B.csv"), n("leads.C.csv")),
        (2, 1, 1)
    );
    assert_eq!(n("leads.D.csv"), 0, "an empty list still has its header");
    assert!(!c.path("leads.X.csv").exists());
    ok(&c.sheet(&["-o", "leads.csv", "--split", "--all", "--no-bom"]));
    assert_eq!(n("leads.csv"), 5);
    assert_eq!(n("leads.X.csv"), 1);
    assert!(
        !std::fs::read(c.path("leads.X.csv"))
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF")
    );
    assert!(
        !std::fs::read(c.path("leads.csv"))
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF"),
        "--no-bom removes it"
    );

    ok(&c.sheet(&["-o", "leads.xlsx", "--split"]));
    let mut wb: Xlsx<_> = calamine::open_workbook(c.path("leads.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Leads", "Leads A", "Leads B", "Leads C", "Leads D"]
    );
    assert_eq!(wb.worksheet_range("Leads A").unwrap().height(), 3);
    assert_eq!(wb.worksheet_range("Leads").unwrap().height(), 5);
}

#[test]
fn open_read_only_and_foreign_sheets_are_refused_and_left_alone() {
    let c = Campaign::new(None);
    c.save(&[lead("a.de", "A", "A")]);
    ok(&c.sheet(&["-o", "leads.xlsx"]));
    c.save(&[lead("b.de", "B", "B")]);
    let path = c.path("leads.xlsx");
    let before = std::fs::read(&path).unwrap();
    let unchanged = |what: &str| {
        assert_eq!(std::fs::read(&path).unwrap(), before, "{what}");
        assert!(!c.path("leads.bak.xlsx").exists(), "{what}");
    };

    for (lock, app) in [
        (".~lock.leads.xlsx#", "LibreOffice"),
        ("~$leads.xlsx", "Excel"),
    ] {
        std::fs::write(c.path(lock), "").unwrap();
        let out = c.sheet(&["-o", "leads.xlsx"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("is open in {app}")) && err.contains("Nothing was changed"),
            "{err}"
        );
        unchanged(lock);
        std::fs::remove_file(c.path(lock)).unwrap();
    }

    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms.clone()).unwrap();
    let out = c.sheet(&["-o", "leads.xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is read-only"), "{}", stderr(&out));
    unchanged("read-only");
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();

    // Not a lead sheet: no `domain` column.
    let theirs = c.path("contacts.csv");
    std::fs::write(&theirs, "name,phone\nAnna,0171 123\n").unwrap();
    let out = c.sheet(&["-o", "contacts.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a lead sheet of prospect"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&theirs).unwrap(),
        "name,phone\nAnna,0171 123\n"
    );
    let book = c.path("budget.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Budget").unwrap();
    wb.save(&book).unwrap();
    let bytes = std::fs::read(&book).unwrap();
    let out = c.sheet(&["-o", "budget.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("none of its sheets (`Sheet1`)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&book).unwrap(), bytes);
    // Not a workbook at all.
    std::fs::write(c.path("broken.xlsx"), "not a zip").unwrap();
    let out = c.sheet(&["-o", "broken.xlsx"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    // Now it can go through; the previous version is the backup.
    ok(&c.sheet(&["-o", "leads.xlsx", "--backups", "2"]));
    assert_eq!(std::fs::read(c.path("leads.bak.xlsx")).unwrap(), before);
}

#[test]
fn usage_errors_exit_with_2() {
    let c = Campaign::new(None);
    c.save(&[lead("a.de", "A", "A")]);
    let out = c.sheet(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no lead sheet to write: give one with -o"),
        "{}",
        stderr(&out)
    );
    let out = c.sheet(&["-o", "leads.ods"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("save a copy as .xlsx"),
        "{}",
        stderr(&out)
    );
    let out = prospect_in(
        c.dir.path(),
        &[
            "sheet",
            c.plan.to_str().unwrap(),
            "-o",
            "leads.csv",
            "--store",
            "nowhere.sqlite",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no campaign store yet"),
        "{}",
        stderr(&out)
    );
    let out = c.sheet(&["-o", "no/such/folder/leads.csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// Leads `from..to` with the given grading day.
fn many(from: usize, to: usize, day: i64) -> Vec<Lead> {
    (from..to)
        .map(|i| {
            let mut l = lead(
                &format!("firma-{i}.de"),
                ["A", "B", "C", "D"][i % 4],
                "Firma",
            );
            l.company = format!("Firma {i} GmbH");
            l.graded_day = day;
            l
        })
        .collect()
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.ends_with(".tmp").then_some(name)
        })
        .collect()
}

/// A refresh killed (SIGKILL) at several points leaves the old file or the new one, whole.
#[test]
fn a_refresh_killed_mid_write_leaves_the_old_or_the_new_file() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    for (ext, n) in [("csv", 6_000), ("xlsx", 2_000)] {
        let c = Campaign::new(None);
        let name = format!("leads.{ext}");
        let path = c.path(&name);
        c.save(&many(0, n, 20_400));
        ok(&c.sheet(&["-o", &name]));
        let old = std::fs::read(&path).unwrap();
        c.save(&many(0, n + n / 10, 20_500));
        // The complete new version, made from a copy.
        let copy = format!("new.{ext}");
        std::fs::copy(&path, c.path(&copy)).unwrap();
        let started = Instant::now();
        ok(&c.sheet(&["-o", &copy]));
        let full = started.elapsed();
        let new = std::fs::read(c.path(&copy)).unwrap();
        let rows = |p: &Path| match ext {
            "csv" => csv_records(p),
            _ => xlsx_rows(p, "Leads"),
        };
        let new_rows = rows(&c.path(&copy));
        assert_eq!(new_rows.len(), n + n / 10 + 1);

        // When to kill: at once, when the temporary file appears, when the backup appears,
        // and at fractions of a whole run.
        let points = ["start", "temp", "backup", "0.3", "0.6", "0.9"];
        for point in points {
            std::fs::write(&path, &old).unwrap();
            let _ = std::fs::remove_file(c.path(&format!("leads.bak.{ext}")));
            let mut child = Command::new(env!("CARGO_BIN_EXE_prospect"))
                .args(["sheet", c.plan.to_str().unwrap(), "--store"])
                .arg(&c.store)
                .args(["-o", &name, "-q"])
                .current_dir(c.dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let t0 = Instant::now();
            loop {
                let fire = match point {
                    "start" => true,
                    "temp" => temp_files(c.dir.path())
                        .iter()
                        .any(|f| f.starts_with(&format!(".{name}."))),
                    "backup" => c.path(&format!("leads.bak.{ext}")).exists(),
                    frac => t0.elapsed() >= full.mul_f64(frac.parse().unwrap()),
                };
                if fire || child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            let _ = child.kill(); // SIGKILL
            child.wait().unwrap();
            let now = std::fs::read(&path).unwrap();
            eprintln!(
                "{ext}: killed at {point}: {} file, {} temporary files left",
                if now == old { "old" } else { "new" },
                temp_files(c.dir.path()).len()
            );
            if now != old {
                if ext == "csv" {
                    assert!(
                        now == new,
                        "killed at {point}: neither the old nor the new file"
                    );
                } else {
                    assert_eq!(rows(&path), new_rows, "killed at {point}");
                }
            }
        }
        // The next run finishes the work and clears what a killed run left behind.
        std::fs::write(&path, &old).unwrap();
        ok(&c.sheet(&["-o", &name]));
        assert_eq!(rows(&path), new_rows);
        assert_eq!(temp_files(c.dir.path()), Vec::<String>::new());
    }
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
