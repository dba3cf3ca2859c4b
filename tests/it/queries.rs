//! `prospect queries`: snapshots of every format, the HTML checklist, methods, limits.

use std::collections::BTreeSet;

use crate::util::{csv_rows, prospect, stderr, stdout};

fn queries(args: &[&str]) -> String {
    let mut all = vec!["queries"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--year", "2026"]);
    let out = prospect(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn snapshot_small_plan_txt() {
    insta::assert_snapshot!(queries(&["fixtures/plans/small.yaml"]));
}

#[test]
fn snapshot_small_plan_csv() {
    insta::assert_snapshot!(queries(&["fixtures/plans/small.yaml", "--format", "csv"]));
}

#[test]
fn snapshot_small_plan_jsonl_on_bing() {
    insta::assert_snapshot!(queries(&[
        "fixtures/plans/small.yaml",
        "--format",
        "jsonl",
        "--engine",
        "bing"
    ]));
}

#[test]
fn snapshot_minimal_plan_txt() {
    insta::assert_snapshot!(queries(&["fixtures/plans/minimal.yaml"]));
}

#[test]
fn csv_has_the_contract_header_and_links_for_each_engine() {
    let csv = queries(&["fixtures/plans/small.yaml", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["method", "query", "country", "language", "url"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() > 100);
    for r in &rows {
        let url = url::Url::parse(&r[4]).unwrap();
        let q: String = url
            .query_pairs()
            .find(|(k, _)| k == "q")
            .unwrap()
            .1
            .into_owned();
        assert_eq!(q, &r[1], "the link carries the query itself");
        let host = url.host_str().unwrap();
        match &r[2] {
            "DE" => assert_eq!(host, "www.google.de"),
            "CH" => assert_eq!(host, "www.google.ch"),
            other => panic!("unexpected country {other}"),
        }
        let gl = url
            .query_pairs()
            .find(|(k, _)| k == "gl")
            .unwrap()
            .1
            .into_owned();
        assert_eq!(gl, r[2].to_lowercase());
        let hl = url
            .query_pairs()
            .find(|(k, _)| k == "hl")
            .unwrap()
            .1
            .into_owned();
        assert_eq!(hl, &r[3]);
    }
    // Local-language queries restrict results to that language.
    let fr = rows
        .iter()
        .find(|r| &r[3] == "fr")
        .expect("a French query for Switzerland");
    assert_eq!(&fr[2], "CH");
    assert!(fr[4].ends_with("&lr=lang_fr"), "{}", &fr[4]);
}

#[test]
fn links_use_each_engines_parameters() {
    let cases = [
        (
            "bing",
            "https://www.bing.com/search?q=",
            "&cc=de&setlang=en",
        ),
        ("duckduckgo", "https://duckduckgo.com/?q=", "&kl=de-de"),
        ("yandex", "https://yandex.com/search/?text=", "&lr=96"),
        ("baidu", "https://www.baidu.com/s?wd=", "&ie=utf-8"),
    ];
    for (engine, start, end) in cases {
        let jsonl = queries(&[
            "fixtures/plans/small.yaml",
            "--format",
            "jsonl",
            "--engine",
            engine,
            "--country",
            "DE",
            "--method",
            "importers",
        ]);
        let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
        let url = first["url"].as_str().unwrap();
        assert!(
            url.starts_with(start) && url.ends_with(end),
            "{engine}: {url}"
        );
    }
}

#[test]
fn queries_are_deduplicated_and_ordered_by_method_then_country() {
    let csv = queries(&["fixtures/plans/small.yaml", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut seen = BTreeSet::new();
    for r in &rows {
        let key = (
            r[2].to_string(),
            r[1].split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase(),
        );
        assert!(seen.insert(key), "duplicate query {:?}", &r[1]);
    }
    let list = queries(&["--list-methods"]);
    let order: Vec<&str> = list
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let position = |m: &str| order.iter().position(|x| *x == m).unwrap();
    let countries = ["DE", "CH"];
    let keys: Vec<(usize, usize)> = rows
        .iter()
        .map(|r| {
            (
                position(&r[0]),
                countries.iter().position(|c| *c == &r[2]).unwrap(),
            )
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] <= w[1]),
        "ordered by method, then country"
    );
}

#[test]
fn every_method_of_the_spec_is_listed_with_its_seed_number_and_yields_queries() {
    let list = queries(&["--list-methods"]);
    // (id, seed label): SPEC §3's list, with the seed's method numbers.
    let expected = [
        ("importers", "1"),
        ("quoted-phrase", "2"),
        ("distributors", "3"),
        ("customer-types", "4"),
        ("price", "5"),
        ("buy", "6"),
        ("by-country", "7"),
        ("related-products", "8"),
        ("big-buyers", "9"),
        ("market-research", "10"),
        ("search-ads", "11"),
        ("trade-shows", "12"),
        ("allintitle", "13"),
        ("links-to-buyer", "14"),
        ("cites-buyer", "15"),
        ("inurl-buyer", "16"),
        ("other-languages", "17"),
        ("filetype", "18"),
        ("web-directories", "19"),
        ("company-directories", "20"),
        ("importer-directories", "21"),
        ("industry-sites", "22"),
        ("b2b-sites", "23"),
        ("yellow-pages", "24"),
        ("trade-promotion", "25, 26, 27"),
        ("associations", "28"),
        ("industry-leaders", "29"),
        ("traffic-ranking", "30"),
        ("customs-data", "-"),
        ("one-page-per-company", "4, 13"),
    ];
    for (id, seed) in expected {
        let line = list
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} missing from --list-methods:\n{list}"));
        assert!(
            line[25..].starts_with(seed),
            "{id}: seed {seed} in {line:?}"
        );
    }
    assert!(
        list.contains("link: operator, which Google retired in 2017"),
        "dead operator noted"
    );

    let csv = queries(&["examples/plan.yaml", "--format", "csv"]);
    let methods: BTreeSet<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    for (id, _) in expected {
        assert!(
            methods.contains(id),
            "{id} yields no query for examples/plan.yaml"
        );
    }
}

#[test]
fn hs_codes_and_customs_sites_are_searched() {
    let txt = queries(&["fixtures/plans/small.yaml", "--method", "customs-data"]);
    assert!(txt.contains("\"8539.52\""), "{txt}");
    assert!(txt.contains("site:importgenius.com \"LED bulb\""), "{txt}");
}

#[test]
fn the_one_page_per_company_form_groups_customer_types() {
    let txt = queries(&[
        "fixtures/plans/small.yaml",
        "--method",
        "one-page-per-company",
        "--country",
        "DE",
    ]);
    let first = txt.lines().next().unwrap();
    assert_eq!(
        first,
        "\"LED bulb\" (importer OR importers OR \"import company\" OR distributor OR distributors OR \"distribution company\") (intitle:\"about us\" OR intitle:\"contact us\")"
    );
}

#[test]
fn no_query_exceeds_the_engines_limits() {
    type Check = fn(&str) -> bool;
    let cases: [(&str, Check); 3] = [
        ("bing", |q| q.split_whitespace().count() <= 10),
        ("duckduckgo", |q| q.chars().count() <= 499),
        ("google", |q| q.split_whitespace().count() <= 32),
    ];
    for (engine, ok) in cases {
        let out = prospect(&[
            "queries",
            "examples/plan.yaml",
            "--engine",
            engine,
            "--year",
            "2026",
        ]);
        assert_eq!(out.status.code(), Some(0));
        for q in stdout(&out).lines() {
            assert!(ok(q), "{engine}: {q}");
        }
    }
    let out = prospect(&["queries", "examples/plan.yaml", "--engine", "bing"]);
    assert!(
        stderr(&out).contains("too long for bing and were split"),
        "the user is told: {}",
        stderr(&out)
    );
}

#[test]
fn max_keeps_the_most_productive_methods_and_every_country() {
    let all = queries(&["examples/plan.yaml", "--format", "csv"]);
    let total = all.lines().count() - 1;
    let out = prospect(&[
        "queries",
        "examples/plan.yaml",
        "--format",
        "csv",
        "--max",
        "40",
        "--year",
        "2026",
    ]);
    let some = stdout(&out);
    let rows: Vec<csv::StringRecord> = csv_rows(&some);
    assert_eq!(rows.len(), 40);
    assert!(stderr(&out).contains(&format!("{} more queries were left out", total - 40)));
    let methods: BTreeSet<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    assert!(methods.contains("quoted-phrase") && methods.contains("one-page-per-company"));
    assert!(
        !methods.contains("search-ads"),
        "the least productive method is cut first"
    );
    let countries: BTreeSet<&str> = rows.iter().map(|r| r.get(2).unwrap()).collect();
    assert_eq!(countries.len(), 3, "every DACH country keeps queries");
}

#[test]
fn output_file_is_written_and_format_follows_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.csv");
    let out = prospect(&[
        "queries",
        "fixtures/plans/minimal.yaml",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("method,query,country,language,url\n"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn user_templates_add_and_override_by_id() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("importers.yaml"),
        "# override\nid: importers\nseed: [1]\nrank: 1\ndescription: mine\npatterns:\n  - '{product} Einfuhr'\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mine.yaml"),
        "# new\nid: my-own\nseed: []\nrank: 2\ndescription: new one\npatterns:\n  - '{product} stockist'\n",
    )
    .unwrap();
    let t = dir.path().to_str().unwrap();
    let txt = queries(&[
        "fixtures/plans/minimal.yaml",
        "--templates",
        t,
        "--method",
        "importers",
        "--method",
        "my-own",
    ]);
    assert_eq!(txt, "LED bulb Einfuhr\nLED bulb stockist\n");
}
