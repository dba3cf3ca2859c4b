//! `prospect inquiry` end to end: the labelled set of fixtures/inquiries triaged with the
//! senders' sites served on loopback (figures for both halves, thresholds on the test half),
//! bad input that must give per-file errors and never a panic, and the inquiry sheet.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::support::farm::Farm;
use crate::util::{fixture, prospect, stderr, stdout};

/// The clock of the runs: after every message of the set.
const NOW: &str = "2026-12-02";

#[derive(Debug, Deserialize)]
struct Label {
    file: String,
    half: String,
    level: u8,
    scam: bool,
    signs: Vec<String>,
    buyer_type: String,
    products: Vec<String>,
    country: Option<String>,
    #[allow(dead_code)]
    company: Option<String>,
    #[allow(dead_code)]
    site: Option<String>,
    site_grade: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

fn labels() -> Vec<Label> {
    let text = std::fs::read_to_string(fixture("inquiries/labels.yaml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// The plan of the set, allowed to visit the farm on loopback.
fn farm_plan(dir: &Path) -> std::path::PathBuf {
    let plan = std::fs::read_to_string(fixture("inquiries/plan.yaml")).unwrap();
    let path = dir.join("plan.yaml");
    std::fs::write(
        &path,
        format!("{plan}\nfetch: {{allow_private: true, per_host_interval: 10ms}}\n"),
    )
    .unwrap();
    path
}

fn jsonl(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The file of a triage line as the labels name it.
fn label_name(file: &str) -> String {
    file.rsplit_once("inquiries/")
        .map_or(file, |(_, f)| f)
        .to_string()
}

/// Hits of one fact in one half.
#[derive(Default)]
struct Tally {
    n: usize,
    ok: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.n += 1;
        self.ok += usize::from(ok);
    }
    fn share(&self) -> f64 {
        if self.n == 0 {
            1.0
        } else {
            self.ok as f64 / self.n as f64
        }
    }
    fn show(&self) -> String {
        format!("{}/{} ({:.0} %)", self.ok, self.n, self.share() * 100.0)
    }
}

#[derive(Default)]
struct Figures {
    scams_caught: Tally,
    honest_called_scam: Tally,
    level: Tally,
    buyer_type: Tally,
    products: Tally,
    country: Tally,
    site_grade: Tally,
    level_matrix: BTreeMap<(String, String), usize>,
    type_matrix: BTreeMap<(String, String), usize>,
    signs: BTreeMap<String, (usize, usize, usize)>,
    misses: Vec<String>,
}

fn level_name(level: u64, scam: bool) -> String {
    if scam { "4s".into() } else { level.to_string() }
}

fn matrix(m: &BTreeMap<(String, String), usize>, names: &[&str]) -> String {
    let mut s = format!("{:>13}", "want \\ got");
    for n in names {
        s.push_str(&format!(" {n:>12}"));
    }
    s.push('\n');
    for want in names {
        s.push_str(&format!("{want:>13}"));
        for got in names {
            let v = m
                .get(&(want.to_string(), got.to_string()))
                .copied()
                .unwrap_or(0);
            s.push_str(&format!(" {v:>12}"));
        }
        s.push('\n');
    }
    s
}

fn figures(labels: &[Label], got: &BTreeMap<String, serde_json::Value>, half: &str) -> Figures {
    let mut f = Figures::default();
    for l in labels.iter().filter(|l| l.half == half) {
        let Some(o) = got.get(&l.file) else {
            f.misses.push(format!("{}: not triaged", l.file));
            continue;
        };
        let scam = o["scam"].as_bool().unwrap();
        let level = o["level"].as_u64().unwrap();
        let ty = o["buyer_type"].as_str().unwrap().to_string();
        let mut products: Vec<String> = o["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        products.sort();
        let mut want_products = l.products.clone();
        want_products.sort();
        let country = o["country"].as_str().map(str::to_string);
        if l.scam {
            f.scams_caught.add(scam);
        } else {
            f.honest_called_scam.add(scam);
        }
        f.level.add(level == u64::from(l.level));
        f.buyer_type.add(ty == l.buyer_type);
        f.products.add(products == want_products);
        f.country.add(country == l.country);
        if let Some(want) = &l.site_grade {
            f.site_grade
                .add(o["site_grade"].as_str() == Some(want.as_str()));
        }
        *f.level_matrix
            .entry((
                level_name(u64::from(l.level), l.scam),
                level_name(level, scam),
            ))
            .or_default() += 1;
        *f.type_matrix
            .entry((l.buyer_type.clone(), ty.clone()))
            .or_default() += 1;
        let found: BTreeSet<String> = o["signs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].as_str().unwrap().to_string())
            .collect();
        let wanted: BTreeSet<String> = l.signs.iter().cloned().collect();
        for code in wanted.union(&found) {
            let e = f.signs.entry(code.clone()).or_default();
            match (wanted.contains(code), found.contains(code)) {
                (true, true) => e.0 += 1,
                (true, false) => e.1 += 1,
                _ => e.2 += 1,
            }
        }
        let mut wrong = Vec::new();
        if scam != l.scam {
            wrong.push(format!("scam {scam} (labelled {})", l.scam));
        }
        if level != u64::from(l.level) {
            wrong.push(format!("level {level} (labelled {})", l.level));
        }
        if ty != l.buyer_type {
            wrong.push(format!("type {ty} (labelled {})", l.buyer_type));
        }
        if products != want_products {
            wrong.push(format!(
                "products {products:?} (labelled {want_products:?})"
            ));
        }
        if country != l.country {
            wrong.push(format!("country {country:?} (labelled {:?})", l.country));
        }
        if !wrong.is_empty() {
            f.misses.push(format!("{}: {}", l.file, wrong.join(", ")));
        }
    }
    f
}

fn print_figures(half: &str, f: &Figures) {
    println!("=== {half} half ===");
    println!("scams caught:          {}", f.scams_caught.show());
    println!("honest called scams:   {}", f.honest_called_scam.show());
    println!("level exact:           {}", f.level.show());
    println!("buyer type:            {}", f.buyer_type.show());
    println!("products:              {}", f.products.show());
    println!("country:               {}", f.country.show());
    println!("site grade:            {}", f.site_grade.show());
    println!(
        "level (4s = scam):\n{}",
        matrix(&f.level_matrix, &["1", "2", "3", "4", "4s"])
    );
    println!(
        "buyer type:\n{}",
        matrix(
            &f.type_matrix,
            &[
                "retailer",
                "trader",
                "oem-importer",
                "chain",
                "generalist",
                "unknown"
            ]
        )
    );
    println!("signs (found as labelled / missed / found unlabelled):");
    for (code, (hit, miss, extra)) in &f.signs {
        println!("  {code:<22} {hit:>3} {miss:>3} {extra:>3}");
    }
    for m in &f.misses {
        println!("  miss: {m}");
    }
}

#[test]
fn the_labelled_inquiries_are_triaged_within_the_figures() {
    let labels = labels();
    let dir = tempfile::tempdir().unwrap();
    let plan = farm_plan(dir.path());
    let plan_arg = plan.to_str().unwrap();
    // Offline first: the senders' domains, to point every one of them at the farm (the
    // triage must never reach past loopback).
    let offline = prospect(&[
        "inquiry",
        plan_arg,
        "fixtures/inquiries",
        "--offline",
        "--format",
        "jsonl",
        "--now",
        NOW,
    ]);
    assert_eq!(offline.status.code(), Some(0), "{}", stderr(&offline));
    let mut hosts = BTreeSet::new();
    for o in jsonl(&stdout(&offline)) {
        for key in ["sender_domain", "website"] {
            if let Some(d) = o[key].as_str() {
                hosts.insert(d.to_string());
                hosts.insert(format!("www.{d}"));
            }
        }
    }
    let farm = Farm::start(Some(&fixture("inquiries/sites")));
    let store = dir.path().join("store.sqlite");
    let mut args: Vec<String> = [
        "inquiry",
        plan_arg,
        "fixtures/inquiries",
        "--format",
        "jsonl",
        "--now",
        NOW,
        "--store",
        store.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    let hosts: Vec<String> = hosts.into_iter().collect();
    args.extend(farm.resolve_args(&hosts));
    let out = prospect(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got: BTreeMap<String, serde_json::Value> = jsonl(&stdout(&out))
        .into_iter()
        .map(|o| (label_name(o["file"].as_str().unwrap()), o))
        .collect();
    assert_eq!(got.len(), labels.len(), "every inquiry triaged once");
    let visited: BTreeSet<String> = farm.hits().into_iter().map(|h| h.host).collect();
    assert!(visited.contains("lumimport-iberica.test"), "{visited:?}");

    let tune = figures(&labels, &got, "tune");
    let test = figures(&labels, &got, "test");
    print_figures("tune", &tune);
    print_figures("test", &test);
    let checks = [
        ("scams caught", test.scams_caught.share() >= 0.95),
        (
            "honest inquiries called scams",
            test.honest_called_scam.share() <= 0.05,
        ),
        ("level exact", test.level.share() >= 0.85),
        ("buyer type", test.buyer_type.share() >= 0.80),
        ("products", test.products.share() >= 0.95),
        ("country", test.country.share() >= 0.90),
    ];
    let failed: Vec<&str> = checks.iter().filter(|c| !c.1).map(|c| c.0).collect();
    assert!(
        failed.is_empty(),
        "below the figures on the test half: {failed:?}"
    );
}

/// A message with an attachment of `size` bytes (base64), generated.
fn big_attachment(size: usize) -> Vec<u8> {
    let mut m = b"From: Big <big@example.test>\r\nTo: s@b.test\r\nSubject: Catalogue\r\n\
                  Message-ID: <big@example.test>\r\nMIME-Version: 1.0\r\n\
                  Content-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n--xx\r\n\
                  Content-Type: text/plain\r\n\r\nPlease quote 500 pcs LED bulb A60 9W E27.\r\n\
                  --xx\r\nContent-Type: application/pdf; name=\"cat.pdf\"\r\n\
                  Content-Transfer-Encoding: base64\r\n\r\n"
        .to_vec();
    let line = [b'A'; 76];
    for _ in 0..size / 57 {
        m.extend_from_slice(&line);
        m.extend_from_slice(b"\r\n");
    }
    m.extend_from_slice(b"--xx--\r\n");
    m
}

/// A message with `depth` multiparts nested in each other.
fn nested(depth: usize) -> Vec<u8> {
    let mut m =
        String::from("From: N <n@example.test>\r\nSubject: nested\r\nMIME-Version: 1.0\r\n");
    for d in 0..depth {
        m.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{d}\"\r\n\r\n--b{d}\r\n"
        ));
    }
    m.push_str("Content-Type: text/plain\r\n\r\nWe need LED tubes T8 1200mm, 2000 pcs.\r\n");
    for d in (0..depth).rev() {
        m.push_str(&format!("--b{d}--\r\n"));
    }
    m.into_bytes()
}

#[test]
fn bad_messages_get_their_own_errors_and_the_folder_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a-big.eml"), big_attachment(50 * 1024 * 1024)).unwrap();
    std::fs::write(d.join("b-nested.eml"), nested(100)).unwrap();
    std::fs::write(
        d.join("c-no-from.eml"),
        "Subject: price\r\n\r\nPrice for LED bulbs E27 9W, 1000 pcs?\r\n",
    )
    .unwrap();
    std::fs::write(
        d.join("d-broken.eml"),
        b"From: =?x-unknown?B?!!!?= <a@b.test>\r\nSubject: =?utf-8?Q?=E2=28=A1?=\r\n\
          Content-Type: text/plain; charset=no-such-charset\r\n\
          Content-Transfer-Encoding: base64\r\n\r\n@@@not base64 \xff\xfe\r\n"
            .as_slice(),
    )
    .unwrap();
    let garbage: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(d.join("e-garbage.eml"), &garbage).unwrap();
    std::fs::write(d.join("f-empty.txt"), b"").unwrap();
    std::fs::write(
        d.join("g-cut.mbox"),
        b"From x Mon Nov 30 10:00:00 2026\nFrom: a@b.test\nSubj",
    )
    .unwrap();
    std::fs::write(
        d.join("h-good.txt"),
        "Name: Ana\nEmail: ana@shop.test\nMessage: please quote 300 LED bulbs E14 5W\n",
    )
    .unwrap();
    let out = prospect(&[
        "inquiry",
        fixture("inquiries/plan.yaml").to_str().unwrap(),
        d.to_str().unwrap(),
        "--offline",
        "--format",
        "jsonl",
        "--now",
        NOW,
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let files: BTreeSet<String> = jsonl(&stdout(&out))
        .iter()
        .map(|o| {
            let f = o["file"].as_str().unwrap();
            f.rsplit('/').next().unwrap().to_string()
        })
        .collect();
    for f in ["a-big.eml", "b-nested.eml", "c-no-from.eml", "h-good.txt"] {
        assert!(files.contains(f), "{f} triaged: {files:?}\n{err}");
    }
    assert!(err.contains("e-garbage.eml: binary data"), "{err}");
    assert!(err.contains("f-empty.txt: empty file"), "{err}");
}

#[test]
fn the_inquiry_sheet_keeps_the_users_columns() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("inquiries.csv");
    let plan = fixture("inquiries/plan.yaml");
    let run = |files: &[&str]| {
        let mut args = vec!["inquiry", plan.to_str().unwrap()];
        args.extend(files);
        args.extend(["--offline", "--now", NOW, "-o", sheet.to_str().unwrap()]);
        let out = prospect(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    };
    run(&["fixtures/inquiries/chain-obi-de.eml"]);
    let text = std::fs::read_to_string(&sheet).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[0].contains("message_id,file,subject"), "{}", lines[0]);
    lines[0].push_str(",my notes");
    lines[1].push_str(",call Markus on Monday");
    std::fs::write(&sheet, lines.join("\n") + "\n").unwrap();
    run(&[
        "fixtures/inquiries/chain-obi-de.eml",
        "fixtures/inquiries/oem-importer-de.eml",
    ]);
    let after = std::fs::read_to_string(&sheet).unwrap();
    let rows: Vec<&str> = after.lines().collect();
    assert_eq!(rows.len(), 3, "{after}");
    assert!(rows[0].ends_with(",my notes"));
    assert!(rows[1].ends_with(",call Markus on Monday"), "{after}");
    assert!(rows[2].contains("lumenhaus-vertrieb.test"), "{after}");
}
