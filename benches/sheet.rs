//! Lead sheet refresh speed: a 50,000-row sheet with two user columns, refreshed from a store
//! where 20,000 of those leads changed and 5,000 are new. Targets: CSV under 2 s, XLSX under
//! 15 s.
//!
//! The store, a plan and the two sheets stay in `target/sheet-bench/` so that the release
//! CLI can be measured on them too (peak memory):
//! `/usr/bin/time -v target/release/prospect sheet target/sheet-bench/plan.yaml -o COPY`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use prospect::sheet::model::{self, Cell};
use prospect::sheet::{self, SheetOptions, csv, xlsx};
use prospect::store::{LeadRecord, Store};
use rusqlite::params;

const ROWS: usize = 50_000;
const CHANGED: usize = 20_000;
const NEW: usize = 5_000;

/// Stores leads `0..n`; `changed` of them (from 0) with another grade, text and date.
fn save_leads(store: &Path, n: usize, changed: usize) {
    let mut conn = rusqlite::Connection::open(store).expect("store");
    let tx = conn.transaction().expect("transaction");
    for i in 0..n {
        let domain = format!("firma-{i}.de");
        let later = i < changed;
        let grade = ["A", "B", "C", "D"][(i + usize::from(later)) % 4];
        let data = LeadRecord {
            domain: domain.clone(),
            company: Some(format!("Firma {i} Leuchten GmbH")),
            grade: grade.parse().expect("grade"),
            match_share: (i % 100) as f64 / 100.0,
            big: i % 7 == 0,
            customer_type: Some("importer".into()),
            country: Some("DE".into()),
            website: format!("https://www.{domain}/"),
            emails: vec![format!("info@{domain}"), format!("vertrieb@{domain}")],
            phones: vec!["+49 30 1234567".into(), "+49 171 7654321".into()],
            contact_page: Some(format!("https://www.{domain}/kontakt")),
            matched_products: vec!["LED bulb".into(), "LED tube".into()],
            evidence: format!(
                "{} of 40 catalogue items are ours (LED bulb, LED tube) on /produkte, /sortiment{}",
                i % 40,
                if later { ", /neu" } else { "" }
            ),
        };
        let data = serde_json::to_string(&data).expect("lead");
        tx.execute(
            "INSERT INTO sites (domain, home_url, status, first_seen) VALUES (?1, ?2, 'done', ?3)
             ON CONFLICT(domain) DO NOTHING",
            params![
                domain,
                format!("https://www.{domain}/"),
                1_760_000_000 + i as i64
            ],
        )
        .expect("site");
        tx.execute(
            "INSERT INTO leads (domain, grade, data, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(domain) DO UPDATE SET grade = excluded.grade, data = excluded.data,
               updated_at = excluded.updated_at",
            params![
                domain,
                grade,
                data,
                1_765_000_000 + if later { 86_400 * 30 } else { 0 }
            ],
        )
        .expect("lead");
    }
    tx.commit().expect("commit");
}

/// The folder with the store and the sheets before the refresh (made once).
fn setup() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sheet-bench");
    let store = dir.join("store.sqlite");
    if dir.join("ready").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench folder");
    std::fs::write(
        dir.join("plan.yaml"),
        "campaign: bench\nproducts:\n  - name: LED bulb\ncountries: [DE]\n",
    )
    .expect("plan");
    drop(Store::open(&store).expect("store"));
    // The sheets as they were after the last campaign, with the user's columns.
    save_leads(&store, ROWS, 0);
    let leads = {
        let s = Store::open(&store).expect("store");
        model::sheet_leads(&s.sheet_leads().expect("leads"))
    };
    let opts = SheetOptions {
        backups: 0,
        ..SheetOptions::default()
    };
    for name in ["leads.csv", "leads.xlsx"] {
        let path = dir.join(name);
        sheet::refresh_with(&leads, &path, &opts).expect("first sheet");
        let add_user_columns = |t: &mut model::Table| {
            for (r, row) in t.rows.iter_mut().enumerate() {
                let (status, note) = if r == 0 {
                    ("Status".to_string(), "Notes".to_string())
                } else if r % 3 == 0 {
                    (
                        "mailed".to_string(),
                        format!("Angebot {r} geschickt, Rückruf"),
                    )
                } else {
                    (String::new(), String::new())
                };
                row.insert(1, Cell::text(status));
                row.push(Cell::text(note));
            }
        };
        if name.ends_with(".csv") {
            let mut s = csv::read(&path).expect("read").expect("sheet");
            add_user_columns(&mut s.table);
            std::fs::write(&path, csv::render(&s)).expect("write");
        } else {
            let mut book = xlsx::read(&path).expect("read").expect("book");
            add_user_columns(&mut book.sheets[0].table);
            let bytes = xlsx::render(&book, &[0], &mut Vec::new()).expect("render");
            std::fs::write(&path, bytes).expect("write");
        }
    }
    // This campaign: 20,000 changed, 5,000 new.
    save_leads(&store, ROWS + NEW, CHANGED);
    std::fs::write(dir.join("ready"), "").expect("mark");
    dir
}

fn bench(c: &mut Criterion) {
    let dir = setup();
    let store = Store::open(&dir.join("store.sqlite")).expect("store");
    let mut group = c.benchmark_group("sheet");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    group.measurement_time(Duration::from_secs(10));
    for name in ["leads.csv", "leads.xlsx"] {
        let pristine = dir.join(name);
        let target = dir.join(format!("refreshed.{name}"));
        let opts = SheetOptions::default();
        group.bench_function(
            format!("refresh 50k rows, 20k changed, 5k new: {name}"),
            |b| {
                b.iter_batched(
                    || std::fs::copy(&pristine, &target).expect("copy"),
                    |_| {
                        let report = sheet::refresh(&store, &target, &opts).expect("refresh");
                        let stats = &report.files[0].sheets[0].1;
                        assert_eq!((stats.added, stats.updated), (NEW, CHANGED));
                    },
                    BatchSize::PerIteration,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
