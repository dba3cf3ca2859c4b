//! `prospect sheet`: new sheets, refreshes that keep the user's cells (CSV here; XLSX and a
//! LibreOffice-saved workbook in `xlsx`), --split, --all, exit codes; open, read-only and
//! foreign files and a refresh killed mid-write in `safety`.

mod safety;
mod xlsx;

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use rusqlite::params;

use crate::util::{prospect_in, stderr};
use prospect::sheet::SHEET_COLUMNS;
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
            let split = |t: &str| -> Vec<String> {
                t.split(", ")
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            let data = prospect::store::LeadRecord {
                domain: l.domain.clone(),
                company: Some(l.company.to_string()).filter(|c| !c.is_empty()),
                grade: l.grade.parse().unwrap(),
                match_share: 0.62,
                big: l.grade == "C",
                customer_type: Some("importer".into()),
                country: Some("DE".into()),
                website: format!("https://{}/", l.domain),
                emails: split(&l.emails),
                phones: split(&l.phones),
                contact_page: Some(format!("https://{}/kontakt", l.domain)),
                matched_products: vec!["LED bulb".into(), "LED tube".into()],
                evidence: "=2 of 3 catalogue items are ours".into(),
            };
            let data = serde_json::to_string(&data).unwrap();
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
                params![l.domain, l.grade, data, l.graded_day * 86_400 + 3_600],
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

pub fn ok(out: &std::process::Output) {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
}

/// The records of a CSV file (BOM and delimiter handled), header included.
pub fn csv_records(path: &Path) -> Vec<Vec<String>> {
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

pub fn col(records: &[Vec<String>], name: &str) -> usize {
    records[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", records[0]))
}

pub fn write_csv(path: &Path, rows: &[Vec<&str>], delimiter: u8, bom: bool) {
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

pub fn sheet_range(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).unwrap();
    wb.worksheet_range(name).unwrap()
}

/// A worksheet's rows as strings (dates as `YYYY-MM-DD`), from the top-left corner.
pub fn xlsx_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
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
