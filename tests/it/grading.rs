//! The labelled set (`fixtures/sites/labels.yaml`): every site graded from the pages the
//! harvester would read, against a human's grade, customer type, country, emails and phones.
//! Bars: 90 % exact grades, 95 % of emails and phones found.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use url::Url;

use crate::measure;
use crate::util::fixture;
use prospect::extract::links::{self, PageKind};
use prospect::plan;
use prospect::score::{Grader, SitePage};
use prospect::templates::Catalog;

#[derive(Debug, Deserialize)]
struct Label {
    host: String,
    plan: String,
    grade: String,
    #[serde(default)]
    big: bool,
    customer_type: Option<String>,
    country: Option<String>,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

/// The pages the harvester would read: the home page and the pages it picks from it.
fn site_pages(host: &str) -> Vec<SitePage> {
    pages_in(&fixture("sites"), host)
}

/// [`site_pages`] of a site kept under `root/<host>/`.
pub fn pages_in(root: &std::path::Path, host: &str) -> Vec<SitePage> {
    let dir = root.join(host);
    let read = |rel: &str| -> Option<String> {
        let path = dir.join(rel);
        let path = if path.is_dir() {
            path.join("index.html")
        } else {
            path
        };
        let bytes = std::fs::read(path).ok()?;
        prospect::net::decode::decode(&bytes, None, true)
            .ok()
            .map(|d| d.text)
    };
    let home_url = Url::parse(&format!("http://{host}/")).unwrap();
    let home = read("index.html").expect("index.html");
    let mut pages = vec![SitePage {
        url: home_url.clone(),
        kind: PageKind::Home,
        html: home.clone(),
    }];
    for pick in links::pick_pages(&home_url, &home, 7, &links::Lexicon::builtin()) {
        let rel = pick.url.path().trim_start_matches('/').to_string();
        if let Some(html) = read(&rel) {
            pages.push(SitePage {
                url: pick.url,
                kind: pick.kind,
                html,
            });
        }
    }
    pages
}

fn grader(name: &str, catalog: &Catalog) -> Grader {
    let path = fixture(&format!("plans/{name}.yaml"));
    let plan = plan::load(Path::new(&path), &catalog.lang).expect("grading plan is valid");
    Grader::new(plan, catalog, 2026)
}

#[test]
fn the_labelled_sites_are_graded_as_a_person_would() {
    let catalog = Catalog::builtin().unwrap();
    let text = std::fs::read_to_string(fixture("sites/labels.yaml")).unwrap();
    let labels: Vec<Label> = serde_saphyr::from_str(&text).unwrap();
    assert!(labels.len() >= 40, "at least 40 labelled sites");
    let graders: BTreeMap<String, Grader> = ["grading-led", "grading-pumps"]
        .iter()
        .map(|n| (n.to_string(), grader(n, &catalog)))
        .collect();

    let grades = ["A", "B", "C", "D", "X"];
    let mut confusion = [[0usize; 5]; 5];
    let (mut exact, mut emails_want, mut emails_got, mut phones_want, mut phones_got) =
        (0, 0, 0, 0, 0);
    let (mut types_ok, mut countries_ok) = (0, 0);
    let mut misses = Vec::new();
    for label in &labels {
        let lead = graders[&label.plan].grade(&label.host, &site_pages(&label.host));
        let got = lead.grade.to_string();
        let (wi, gi) = (
            grades.iter().position(|g| *g == label.grade).unwrap(),
            grades.iter().position(|g| *g == got).unwrap(),
        );
        confusion[wi][gi] += 1;
        if got == label.grade {
            exact += 1;
            if label.big && !lead.big {
                misses.push(format!("{}: big not seen", label.host));
            }
        } else {
            misses.push(format!(
                "{}: {} expected, {} given — {}",
                label.host, label.grade, got, lead.evidence
            ));
        }
        let found: BTreeSet<&String> = lead.emails.iter().collect();
        emails_want += label.emails.len();
        emails_got += label.emails.iter().filter(|e| found.contains(e)).count();
        let found: BTreeSet<&String> = lead.phones.iter().collect();
        phones_want += label.phones.len();
        phones_got += label.phones.iter().filter(|p| found.contains(p)).count();
        for e in label.emails.iter().filter(|e| !lead.emails.contains(e)) {
            misses.push(format!(
                "{}: email {e} not found (got {:?})",
                label.host, lead.emails
            ));
        }
        for p in label.phones.iter().filter(|p| !lead.phones.contains(p)) {
            misses.push(format!(
                "{}: phone {p} not found (got {:?})",
                label.host, lead.phones
            ));
        }
        if lead.customer_type == label.customer_type {
            types_ok += 1;
        }
        if lead.country == label.country {
            countries_ok += 1;
        }
    }
    let n = labels.len();
    let mut report = String::from("expected \\ given   A   B   C   D   X\n");
    for (i, row) in confusion.iter().enumerate() {
        report.push_str(&format!(
            "             {}  {:>4}{:>4}{:>4}{:>4}{:>4}\n",
            grades[i], row[0], row[1], row[2], row[3], row[4]
        ));
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    report.push_str(&format!(
        "grades {exact}/{n} ({:.0} %), emails {emails_got}/{emails_want} ({:.0} %), phones {phones_got}/{phones_want} ({:.0} %), customer types {types_ok}/{n}, countries {countries_ok}/{n}\n",
        pct(exact, n),
        pct(emails_got, emails_want),
        pct(phones_got, phones_want)
    ));
    eprintln!("{report}{}", misses.join("\n"));
    assert!(
        pct(exact, n) >= 90.0,
        "grades below 90 %:\n{report}{}",
        misses.join("\n")
    );
    assert!(
        pct(emails_got, emails_want) >= 95.0,
        "emails below 95 %:\n{report}"
    );
    assert!(
        pct(phones_got, phones_want) >= 95.0,
        "phones below 95 %:\n{report}"
    );
}

fn led_grader() -> Grader {
    grader("grading-led", &Catalog::builtin().unwrap())
}

fn page(html: String) -> Vec<SitePage> {
    vec![SitePage {
        url: Url::parse("http://hostile.test/").unwrap(),
        kind: PageKind::Products,
        html,
    }]
}

/// Hostile or broken pages cost bounded time and never panic.
#[test]
fn hostile_pages_are_graded_in_bounded_time() {
    let g = led_grader();
    let started = std::time::Instant::now();
    let deep = format!(
        "<ul><li>LED bulb E27</li><li>LED tube T8</li></ul>{}x{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    assert_eq!(
        g.grade("hostile.test", &page(deep)).items,
        2,
        "what comes before the deep part is read"
    );
    let line = format!("<p>{}</p>", "LED bulb ".repeat(3 * 1024 * 1024 / 9));
    let _ = g.grade("hostile.test", &page(line));
    // One 3 MB line full of `at`s and `@`s: the address search looks at each line once.
    let ats = format!("<p>{}</p>", "Kat at@x ".repeat(3 * 1024 * 1024 / 9));
    let _ = g.grade("hostile.test", &page(ats));
    let links: String = (0..100_000)
        .map(|i| format!("<a href=\"/p{i}\">LED bulb {i}</a>"))
        .collect();
    let _ = g.grade("hostile.test", &page(links));
    let _ = g.grade(
        "hostile.test",
        &page(String::from_utf8_lossy(b"<p>\xff\xfe LED \xc3\x28 bulb</p>").into_owned()),
    );
    let _ = g.grade("hostile.test", &page(String::new()));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4000)) {
        let g = led_grader();
        let html = String::from_utf8_lossy(&bytes).into_owned();
        let _ = g.grade("random.test", &page(html));
    }
}

/// `prospect score --file`: saved pages graded offline, page kinds read from the file names,
/// one JSON object with the lead sheet's columns.
#[test]
fn score_grades_saved_pages_and_prints_the_sheet_columns() {
    let dir = fixture("sites/leuchtmittel-berlin.test");
    let files: Vec<String> = ["index.html", "sortiment.html", "impressum.html"]
        .iter()
        .map(|f| dir.join(f).to_str().unwrap().to_string())
        .collect();
    let plan = fixture("plans/grading-led.yaml");
    let mut args = vec![
        "score",
        "--plan",
        plan.to_str().unwrap(),
        "--format",
        "json",
    ];
    for f in &files {
        args.extend(["--file", f.as_str()]);
    }
    let out = crate::util::prospect(&args);
    assert_eq!(out.status.code(), Some(0), "{}", crate::util::stderr(&out));
    let lead: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = lead
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for column in prospect::sheet::SHEET_COLUMNS {
        assert!(keys.contains(&column), "{column} in {keys:?}");
    }
    assert_eq!(lead["domain"], "leuchtmittel-berlin.test");
    assert_eq!(lead["grade"], "A");
    assert!(
        lead["evidence"]
            .as_str()
            .unwrap()
            .contains("of 14 catalogue items are ours"),
        "{lead}"
    );
    assert_eq!(lead["company"], "Leuchtmittel Berlin GmbH");
}

/// The bars of issue 13, on the test half of a set never tuned for.
fn hold_the_bars(set: &str, f: &measure::Figures) {
    let text = f.text(set);
    let bars = [
        ("exact grade", f.grades_pct(), 90.0),
        ("e-mails", measure::pct(f.emails.0, f.emails.1), 97.0),
        ("phones", measure::pct(f.phones.0, f.phones.1), 92.0),
        (
            "countries",
            measure::pct(f.countries.0, f.countries.1),
            92.0,
        ),
        ("customer types", measure::pct(f.types.0, f.types.1), 80.0),
        (
            "companies clean",
            measure::pct(f.companies.0, f.companies.1),
            85.0,
        ),
    ];
    let low: Vec<String> = bars
        .iter()
        .filter(|(_, got, bar)| got < bar)
        .map(|(what, got, bar)| format!("{what} {got:.0} % < {bar:.0} %"))
        .collect();
    assert!(
        low.is_empty() && f.ab_as_x == 0,
        "{set}: {} (A/B graded X: {})\n{text}{}",
        low.join(", "),
        f.ab_as_x,
        f.misses.join("\n")
    );
}

/// The blind set (fixtures/blind): sites written to SPEC §7 by someone who had not read the
/// grader, in layouts our own fixtures lack.
#[test]
#[ignore = "issue 13: the grader does not hold the bars on the blind set yet"]
fn the_blind_sites_are_graded_as_labelled() {
    let root = fixture("blind");
    let labels = measure::labels(&root.join("labels.yaml"));
    assert!(labels.len() >= 60);
    let graders = measure::graders(&root.join("plans"), &labels);
    let halves = measure::measure(&labels, &graders, |l| {
        pages_in(&root.join("sites"), &l.host)
    });
    measure::print("blind set", &halves);
    hold_the_bars("blind set, test half", &halves["test"]);
}

/// The real pages (fixtures/real): saved company pages from public test corpora. The pages
/// themselves are not in the repository (fixtures/real/README.md says how to get them); give
/// their folder in `PROSPECT_REAL_PAGES` and run with `--ignored`.
#[test]
#[ignore = "needs the real pages: PROSPECT_REAL_PAGES=DIR cargo test real_pages -- --ignored"]
fn real_pages_are_graded_as_labelled() {
    let root = std::path::PathBuf::from(
        std::env::var("PROSPECT_REAL_PAGES").expect("PROSPECT_REAL_PAGES names the pages' folder"),
    );
    let set = fixture("real");
    let labels = measure::labels(&set.join("labels.yaml"));
    let manifest: Vec<RealPage> =
        serde_saphyr::from_str(&std::fs::read_to_string(set.join("manifest.yaml")).unwrap())
            .unwrap();
    let graders = measure::graders(&set.join("plans"), &labels);
    let halves = measure::measure(&labels, &graders, |l| real_pages(&root, &manifest, l));
    measure::print("real pages", &halves);
    hold_the_bars("real pages, test half", &halves["test"]);
}

#[derive(Debug, Deserialize)]
struct RealPage {
    site: String,
    file: String,
    url: Option<String>,
    kind: String,
}

/// A real site's pages, home page first, each under its original address when the corpus
/// keeps it (else under the site's domain).
fn real_pages(
    root: &std::path::Path,
    manifest: &[RealPage],
    label: &measure::Label,
) -> Vec<SitePage> {
    let domain = label.domain.clone().unwrap_or_else(|| label.host.clone());
    let mut pages: Vec<SitePage> = manifest
        .iter()
        .filter(|p| p.site == label.host)
        .filter_map(|p| {
            let bytes = std::fs::read(root.join(&p.site).join(&p.file)).ok()?;
            let html = prospect::net::decode::decode(&bytes, None, true).ok()?.text;
            let url = p
                .url
                .as_deref()
                .and_then(|u| Url::parse(u).ok())
                .unwrap_or_else(|| Url::parse(&format!("http://{domain}/{}", p.file)).unwrap());
            let kind = PageKind::from_name(&p.kind).unwrap_or(PageKind::Products);
            Some(SitePage { url, kind, html })
        })
        .collect();
    pages.sort_by_key(|p| p.kind != PageKind::Home);
    pages
}
