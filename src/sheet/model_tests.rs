//! Tests of the sheet model and merge, with property tests over arbitrary user sheets.

use super::*;
use proptest::prelude::*;

pub(crate) fn stored(
    domain: &str,
    grade: &str,
    company: &str,
    emails: &str,
    day: i64,
) -> StoredLead {
    StoredLead {
        record: crate::store::LeadRecord {
            domain: domain.to_string(),
            company: Some(company.to_string()).filter(|c| !c.is_empty()),
            grade: grade.parse().unwrap(),
            match_share: 0.5,
            big: false,
            customer_type: Some("importer".into()),
            country: Some("DE".into()),
            website: format!("https://{domain}/"),
            emails: emails
                .split(", ")
                .filter(|e| !e.is_empty())
                .map(str::to_string)
                .collect(),
            phones: vec!["+49 30 1234567".into()],
            contact_page: None,
            matched_products: vec!["LED bulb".into()],
            evidence: "=HYPERLINK(\"http://evil\")".into(),
        },
        first_seen: day * 86_400,
        graded_at: (day + 3) * 86_400,
        queries: vec!["LED bulb importer".into()],
    }
}

fn row_of(table: &Table, r: usize) -> Vec<String> {
    table.rows[r]
        .iter()
        .map(|c| c.as_text().into_owned())
        .collect()
}

#[test]
fn dates_round_trip_and_queries_are_capped() {
    assert_eq!(serial_of_unix(0), 25_569.0);
    assert_eq!(date_text(46_027.0), "2026-01-05");
    assert_eq!(parse_date("2026-01-05"), Some(46_027.0));
    assert_eq!(parse_date("2026-01-05 10:00"), Some(46_027.0));
    assert_eq!(parse_date("2026-02-30"), None);
    assert_eq!(parse_date("05.01.2026"), None);
    assert_eq!(date_text(46_027.5), "2026-01-05 12:00");
    let many: Vec<String> = (0..30).map(|i| format!("query {i}")).collect();
    let list = query_list(&many);
    assert!(list.starts_with("query 0; query 1; "), "{list}");
    assert!(list.ends_with("query 9 (+20 more)"), "{list}");
    let long = vec!["x".repeat(5_000)];
    assert_eq!(query_list(&long).chars().count(), MAX_QUERIES_CHARS);
    assert_eq!(query_list(&[]), "");
}

#[test]
fn keys_are_normalised() {
    assert_eq!(
        LeadKey::of_domain("https://www.Lampen-Hoffmann.de/shop?x=1"),
        LeadKey::of_domain("lampen-hoffmann.de")
    );
    assert_eq!(LeadKey::of_domain("  "), None);
    assert_eq!(
        LeadKey::of_row(
            "d",
            "directory.com",
            "Acme GmbH.",
            "info@acme.de, sales@acme.de"
        ),
        LeadKey::of_company("ACME  GmbH", "mailto:x@mail.acme.de")
    );
    assert_ne!(
        LeadKey::of_row("D", "directory.com", "Acme GmbH", "info@acme.de"),
        LeadKey::of_row("C", "directory.com", "Acme GmbH", "info@acme.de")
    );
    assert_eq!(column_key(" First Seen "), column_key("first_seen"));
    assert_eq!(column_key("E-Mails"), column_key("emails"));
}

#[test]
fn scraped_text_is_neutralised_in_csv_only() {
    let lead = SheetLead::from_stored(&stored("a.de", "A", "=cmd|' /C calc'!A0", "x@a.de", 20_000));
    assert_eq!(
        lead.cell(COMPANY, Flavor::Csv),
        Cell::text("'=cmd|' /C calc'!A0")
    );
    assert_eq!(
        lead.cell(PHONES, Flavor::Csv),
        Cell::text("'+49 30 1234567")
    );
    assert_eq!(
        lead.cell(PHONES, Flavor::Xlsx),
        Cell::text("+49 30 1234567")
    );
    assert_eq!(lead.cell(MATCH_SHARE, Flavor::Csv), Cell::text("50%"));
    assert_eq!(lead.cell(MATCH_SHARE, Flavor::Xlsx), Cell::Percent(0.5));
    assert_eq!(lead.cell(FIRST_SEEN, Flavor::Csv), Cell::text("2024-10-04"));
    assert_eq!(lead.cell(LAST_SEEN, Flavor::Xlsx), Cell::Date(45_572.0));
    assert_eq!(lead.cell(BIG, Flavor::Csv), Cell::Empty);
    assert_eq!(
        lead.cell(QUERIES, Flavor::Csv),
        Cell::text("LED bulb importer")
    );
    assert_eq!(neutralise("\u{FF1D}1+1"), "'\u{FF1D}1+1");
    assert_eq!(neutralise("Müller"), "Müller");
}

#[test]
fn a_new_sheet_lists_leads_by_grade_and_x_only_when_asked() {
    let leads = sheet_leads(&[
        stored("c.de", "C", "C GmbH", "", 20_000),
        stored("x.de", "X", "X GmbH", "", 20_000),
        stored("a.de", "A", "A GmbH", "", 20_000),
    ]);
    let mut t = Table::new_sheet();
    let stats = merge(&mut t, &leads, Flavor::Csv, |l| l.grade != Grade::X);
    assert_eq!(stats.added, 2);
    assert_eq!(row_of(&t, 1)[DOMAIN], "a.de");
    assert_eq!(row_of(&t, 2)[DOMAIN], "c.de");
    let stats = merge(&mut t, &leads, Flavor::Csv, |_| true);
    assert_eq!((stats.added, stats.unchanged), (1, 2));
    assert_eq!(row_of(&t, 3)[DOMAIN], "x.de");
}

#[test]
fn a_refresh_keeps_user_columns_rows_and_the_earlier_first_seen() {
    let header = ["Notes", "Domain", "Grade", "First Seen", "Status"];
    let mut t = Table {
        rows: vec![
            vec![Cell::text("My leads")],
            header.iter().map(|h| Cell::text(*h)).collect(),
            vec![
                Cell::text("call Monday"),
                Cell::text("www.b.de"),
                Cell::text("C"),
                Cell::text("2020-01-01"),
                Cell::text("mailed"),
            ],
            vec![
                Cell::text("manual"),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::text("new"),
            ],
            vec![Cell::Empty, Cell::text("gone.de"), Cell::text("B")],
        ],
        header: 1,
    };
    let before = t.clone();
    let leads = sheet_leads(&[
        stored("b.de", "A", "B GmbH", "", 20_000),
        stored("n.de", "B", "N GmbH", "", 20_000),
    ]);
    let stats = merge(&mut t, &leads, Flavor::Csv, |_| true);
    assert_eq!(stats.added, 1);
    assert_eq!(stats.updated, 1);
    assert_eq!(stats.not_found, 1);
    assert_eq!(stats.columns_added.len(), SHEET_COLUMNS.len() - 3);
    assert_eq!(
        &t.rows[1][..5],
        &before.rows[1][..],
        "header kept, new columns after it"
    );
    assert_eq!(t.rows[1][5], Cell::text("company"));
    let b = row_of(&t, 2);
    assert_eq!(b[0], "call Monday");
    assert_eq!(b[1], "b.de");
    assert_eq!(b[2], "A");
    assert_eq!(b[3], "2020-01-01", "the earlier first_seen stays");
    assert_eq!(b[4], "mailed");
    assert_eq!(t.rows[3], before.rows[3], "a row without key is left alone");
    assert_eq!(
        t.rows[4], before.rows[4],
        "a company no longer found keeps its row"
    );
    assert_eq!(row_of(&t, 5)[1], "n.de");
    assert_eq!(row_of(&t, 5)[0], "");
    let again = merge(&mut t, &leads, Flavor::Csv, |_| true);
    assert!(again.is_unchanged(), "{again:?}");
}

#[test]
fn d_leads_are_matched_by_company_and_mail_domain() {
    let leads = sheet_leads(&[
        stored("directory.com", "D", "Acme GmbH", "info@acme.de", 20_000),
        stored("acme.com", "B", "Acme Inc", "info@acme.com", 20_000),
    ]);
    assert_eq!(leads.len(), 2);
    let mut t = Table::new_sheet();
    merge(&mut t, &leads, Flavor::Xlsx, |_| true);
    assert_eq!(t.rows.len(), 3);
    let stats = merge(&mut t, &leads, Flavor::Xlsx, |_| true);
    assert_eq!(stats.unchanged, 2);
    // Two stores' worth of the same D company from two directories: one row.
    let dup = sheet_leads(&[
        stored("dir-one.com", "D", "Acme GmbH", "info@acme.de", 20_000),
        stored("dir-two.com", "D", "ACME GmbH", "sales@acme.de", 19_000),
    ]);
    assert_eq!(dup.len(), 1);
    assert_eq!(
        dup[0].values[FIRST_SEEN],
        Cell::Date(serial_of_unix(19_000 * 86_400))
    );
}

#[test]
fn a_row_follows_its_lead_between_d_and_the_other_grades() {
    let mut t = Table::new_sheet();
    merge(
        &mut t,
        &sheet_leads(&[
            stored("one.de", "A", "One", "info@one.de", 20_000),
            stored("dir.com", "D", "Acme GmbH", "info@acme.de", 20_000),
        ]),
        Flavor::Csv,
        |_| true,
    );
    assert_eq!(t.rows.len(), 3);
    // one.de is now graded D (listed elsewhere), and Acme's own site acme.de is graded B
    // while the directory still lists it: each keeps its row.
    let next = sheet_leads(&[
        stored("one.de", "D", "One", "info@one.de", 20_000),
        stored("dir.com", "D", "Acme GmbH", "info@acme.de", 20_000),
        stored("acme.de", "B", "Acme GmbH", "info@acme.de", 20_000),
    ]);
    assert_eq!(
        next.len(),
        2,
        "the directory's Acme gives way to Acme's own site"
    );
    let stats = merge(&mut t, &next, Flavor::Csv, |_| true);
    assert_eq!((stats.added, stats.updated), (0, 2), "{stats:?}");
    assert_eq!(row_of(&t, 1)[GRADE], "D");
    assert_eq!(row_of(&t, 2)[DOMAIN], "acme.de");
    assert_eq!(row_of(&t, 2)[GRADE], "B");
    assert!(merge(&mut t, &next, Flavor::Csv, |_| true).is_unchanged());
    // Back to A: the same row again.
    let back = sheet_leads(&[stored("one.de", "A", "One", "info@one.de", 20_000)]);
    let stats = merge(&mut t, &back, Flavor::Csv, |_| true);
    assert_eq!((stats.added, stats.updated), (0, 1), "{stats:?}");
    // A directory that now lists another company: a new row, the old one kept.
    let other = sheet_leads(&[stored("dir.com", "D", "Bcorp", "info@bcorp.pl", 20_000)]);
    let mut t2 = Table::new_sheet();
    merge(
        &mut t2,
        &sheet_leads(&[stored("dir.com", "D", "Acme", "info@acme.de", 20_000)]),
        Flavor::Csv,
        |_| true,
    );
    let stats = merge(&mut t2, &other, Flavor::Csv, |_| true);
    assert_eq!((stats.added, stats.not_found), (1, 1), "{stats:?}");
}

// ---- properties ----

const DOMAINS: [&str; 6] = ["a.de", "b.fr", "c.com", "d.pl", "e.it", "dir.net"];
const GRADES: [&str; 5] = ["A", "B", "C", "D", "X"];

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 äöüßçéñ中文日本語한국어ру́сский@+=.-]{0,16}",
        Just("=SUM(A1:A3)".to_string()),
        Just("+49 30 123".to_string()),
        Just("00123".to_string()),
        Just("line one\nline \"two\"; three, four".to_string()),
        Just(String::new()),
    ]
}

fn arb_cell(csv: bool) -> BoxedStrategy<Cell> {
    if csv {
        arb_text().prop_map(Cell::text).boxed()
    } else {
        prop_oneof![
            arb_text().prop_map(Cell::text),
            (-1e6f64..1e6).prop_map(Cell::Number),
            (30_000f64..50_000.0).prop_map(|d| Cell::Date(d.floor())),
            any::<bool>().prop_map(Cell::Bool),
            Just(Cell::Formula {
                formula: "A1*2".into(),
                cached: Box::new(Cell::Number(4.0))
            }),
            Just(Cell::Empty),
        ]
        .boxed()
    }
}

pub(crate) fn arb_stored() -> impl Strategy<Value = Vec<StoredLead>> {
    proptest::collection::vec(
        (
            0..DOMAINS.len(),
            0..GRADES.len(),
            "[A-Za-z ]{0,8}",
            prop_oneof![Just(""), Just("info@acme.de"), Just("x@b.fr")],
            18_000i64..21_000,
        ),
        0..8,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(d, g, company, mail, day)| stored(DOMAINS[d], GRADES[g], &company, mail, day))
            .collect()
    })
}

/// A user's sheet: a header with some tool columns (any case and spacing, any order) among
/// user columns, rows above it, rows with known, unknown and no domains, duplicates.
pub(crate) fn arb_table(csv: bool) -> impl Strategy<Value = Table> {
    let user_names = proptest::collection::vec(
        "[a-zA-Z äöü中文]{0,10}".prop_filter("not a tool column", |n| {
            let k = column_key(n);
            !SHEET_COLUMNS.iter().any(|c| column_key(c) == k)
        }),
        0..4,
    );
    let tools = proptest::sample::subsequence((0..SHEET_COLUMNS.len()).collect::<Vec<_>>(), 0..8);
    (user_names, tools, any::<bool>(), 0..3usize, any::<u64>())
        .prop_flat_map(move |(users, tools, upper, above, seed)| {
            let mut names: Vec<(Option<usize>, String)> =
                users.into_iter().map(|u| (None, u)).collect();
            let mut tool_cols: Vec<usize> = tools.into_iter().filter(|&t| t != DOMAIN).collect();
            tool_cols.push(DOMAIN);
            for t in tool_cols {
                let n = SHEET_COLUMNS[t];
                let n = if upper {
                    n.replace('_', " ").to_uppercase()
                } else {
                    n.to_string()
                };
                names.push((Some(t), n));
            }
            // A stable shuffle from the seed.
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_by_key(|&i| (seed.rotate_left(i as u32 * 7) ^ i as u64, i));
            let names: Vec<(Option<usize>, String)> =
                order.into_iter().map(|i| names[i].clone()).collect();
            let width = names.len();
            let row = proptest::collection::vec(arb_cell(csv), width..=width);
            let keyed = (0..DOMAINS.len() + 2, 0..GRADES.len());
            let rows = proptest::collection::vec((row, keyed, any::<bool>()), 0..10);
            let pre = proptest::collection::vec(
                proptest::collection::vec(
                    arb_text()
                        .prop_filter("no domain header", |t| column_key(t) != "domain")
                        .prop_map(Cell::text),
                    0..3,
                ),
                above..=above,
            );
            (Just(names), rows, pre)
        })
        .prop_map(|(names, rows, pre)| {
            let header = pre.len();
            let mut all = pre;
            all.push(names.iter().map(|(_, n)| Cell::text(n.clone())).collect());
            for (mut cells, (d, g), dup) in rows {
                for (c, (tool, _)) in names.iter().enumerate() {
                    match tool {
                        Some(t) if *t == DOMAIN => {
                            cells[c] = match DOMAINS.get(d) {
                                Some(d) => Cell::text(*d),
                                None if d == DOMAINS.len() => Cell::Empty,
                                None => Cell::text("unknown.org"),
                            }
                        }
                        Some(t) if *t == GRADE => cells[c] = Cell::text(GRADES[g]),
                        _ => {}
                    }
                }
                if dup && all.len() > header + 1 {
                    let last = all.last().cloned().unwrap_or_default();
                    all.push(last);
                } else {
                    all.push(cells);
                }
            }
            Table { rows: all, header }
        })
}

pub(crate) fn user_columns(before: &Table) -> Vec<usize> {
    let tool = before.tool_columns();
    (0..before.width())
        .filter(|c| !tool.contains(&Some(*c)))
        .collect()
}

fn check_refresh(before: Table, stored: Vec<StoredLead>, all: bool, flavor: Flavor) {
    let leads = sheet_leads(&stored);
    let include = |l: &SheetLead| all || l.grade != Grade::X;
    let mut after = before.clone();
    let stats = merge(&mut after, &leads, flavor, include);
    // Every existing row is still there, in its place; the new ones come after.
    assert_eq!(after.rows.len(), before.rows.len() + stats.added);
    let get = |t: &Table, r: usize, c: usize| t.rows[r].get(c).cloned().unwrap_or_default();
    let users = user_columns(&before);
    for r in 0..before.rows.len() {
        if r < before.header {
            assert_eq!(after.rows[r], before.rows[r], "rows above the header");
            continue;
        }
        // Every user cell is identical.
        for &c in &users {
            assert_eq!(get(&after, r, c), get(&before, r, c), "row {r} column {c}");
        }
    }
    // The header keeps its cells; tool columns only ever get appended.
    let old_header = &before.rows[before.header];
    let used = old_header.len().min(before.width());
    assert_eq!(&after.rows[after.header][..used], &old_header[..used]);
    // Rows that are not the store's leads are untouched.
    let cols = before.tool_columns();
    let txt = |t: &Table, r: usize, i: usize| {
        cols[i]
            .map(|c| get(t, r, c).as_text().into_owned())
            .unwrap_or_default()
    };
    for r in before.header + 1..before.rows.len() {
        let key = LeadKey::of_row(
            &txt(&before, r, GRADE),
            &txt(&before, r, DOMAIN),
            &txt(&before, r, COMPANY),
            &txt(&before, r, EMAILS),
        );
        // A row may be a lead's by its key, by the domain the lead is kept under, or (a D
        // row) by its e-mail domain; any other row is not touched.
        let site = LeadKey::of_domain(&txt(&before, r, DOMAIN));
        let mail = LeadKey::of_mail(&txt(&before, r, EMAILS));
        let ours = leads.iter().any(|l| {
            key.as_ref() == Some(&l.key)
                || site.as_ref() == Some(&l.site)
                || mail.as_ref() == Some(&l.key)
        });
        if !ours {
            for c in 0..before.rows[r].len() {
                assert_eq!(get(&after, r, c), get(&before, r, c), "row {r} not ours");
            }
        }
    }
    // Refreshing again with the same store changes nothing.
    let mut twice = after.clone();
    let again = merge(&mut twice, &leads, flavor, include);
    assert!(again.is_unchanged(), "{again:?}");
    assert_eq!(twice, after);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn refresh_keeps_every_user_cell_and_row_and_is_idempotent_csv(
        table in arb_table(true), stored in arb_stored(), all in any::<bool>()
    ) {
        check_refresh(table, stored, all, Flavor::Csv);
    }

    #[test]
    fn refresh_keeps_every_user_cell_and_row_and_is_idempotent_xlsx(
        table in arb_table(false), stored in arb_stored(), all in any::<bool>()
    ) {
        check_refresh(table, stored, all, Flavor::Xlsx);
    }
}
