//! `prospect run` end to end: a SearXNG-shaped server on loopback whose results point at the
//! fixture site farm; the daily quota with an injected clock; `status` per method.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::json;

use crate::support::farm::{Farm, Reply};
use crate::util::{fixture, prospect_env, stderr, stdout};

/// Company sites the search "finds": two lamp traders and a blog.
const FOUND: [&str; 3] = [
    "lampen-import.test",
    "leuchtmittel-berlin.test",
    "brighthome-blog.test",
];

/// A plan whose backend is the farm's SearXNG on 127.0.0.1.
fn plan(dir: &Path, farm: &Farm, per_day: u32, methods: &str) -> PathBuf {
    // The labelled set's LED plan, narrowed to Germany, searching the farm.
    let led = std::fs::read_to_string(fixture("plans/grading-led.yaml")).unwrap();
    let led = led.replace(
        "countries: [DE, AT, IT, PL, NL, FR, ES, TR]",
        "countries: [DE]",
    );
    let path = dir.join("plan.yaml");
    std::fs::write(
        &path,
        format!(
            "{led}methods: {methods}\n\
             search: {{ backend: searxng, url: \"http://127.0.0.1:{}\", per_day: {per_day}, interval: 10ms }}\n\
             fetch:\n  per_host_interval: 10ms\n  concurrency: 8\n  max_pages_per_site: 4\n  allow_private: true\n",
            farm.port()
        ),
    )
    .unwrap();
    path
}

/// SearXNG's JSON for a page listing the farm's sites.
fn searx_page(farm: &Farm) -> Reply {
    let results: Vec<_> = FOUND
        .iter()
        .map(
            |h| json!({"url": farm.url(h), "title": h, "content": "LED lamps", "engine": "google"}),
        )
        .collect();
    let body = json!({
        "query": "LED bulb importer",
        "number_of_results": results.len(),
        "results": results,
        "answers": [], "suggestions": [], "unresponsive_engines": []
    });
    Reply::bytes("application/json", body.to_string())
}

fn run(dir: &Path, plan: &Path, farm: &Farm, env: &[(&str, &str)]) -> Output {
    let store = dir.join("store.sqlite");
    let mut args = vec![
        "run".to_string(),
        plan.to_str().unwrap().to_string(),
        "--store".into(),
        store.to_str().unwrap().to_string(),
    ];
    args.extend(farm.resolve_args(&FOUND));
    prospect_env(
        dir,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        env,
    )
}

fn searches(farm: &Farm) -> usize {
    farm.hits_for("127.0.0.1")
        .iter()
        .filter(|h| h.path.starts_with("/search?"))
        .count()
}

#[test]
fn a_campaign_searches_visits_grades_and_a_rerun_asks_nothing() {
    let farm = Farm::start(Some(&fixture("sites")));
    farm.route("127.0.0.1", "/search", vec![searx_page(&farm)]);
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), &farm, 1000, "[importers, other-languages]");

    let out = run(dir.path(), &plan, &farm, &[]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    let asked = searches(&farm);
    assert!(asked >= 2, "one request per query: {asked}\n{text}");
    assert!(
        text.contains(&format!("({asked} result pages asked")),
        "{text}"
    );
    assert!(text.contains("new sites: 3"), "{text}");
    let leads = text.lines().find(|l| l.starts_with("leads:")).unwrap();
    assert_eq!(
        leads, "leads:    1 A, 1 B, 1 X",
        "the Berlin wholesaler is A, the blog X"
    );
    assert!(text.contains("best queries"), "{text}");
    for host in FOUND {
        assert!(!farm.hits_for(host).is_empty(), "{host} was visited");
    }
    // Country and language go the SearXNG way: English queries for Germany, and German ones.
    let targets: Vec<String> = farm
        .hits_for("127.0.0.1")
        .into_iter()
        .map(|h| h.path)
        .collect();
    assert!(
        targets.iter().all(|t| t.contains("format=json")),
        "{targets:?}"
    );
    assert!(
        targets.iter().any(|t| t.contains("language=en-DE")),
        "{targets:?}"
    );
    assert!(
        targets.iter().any(|t| t.contains("language=de-DE")),
        "{targets:?}"
    );

    farm.clear_hits();
    let again = run(dir.path(), &plan, &farm, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        farm.hits().is_empty(),
        "a rerun makes no search and no page request: {:?}",
        farm.hits()
            .iter()
            .map(|h| (&h.host, &h.path))
            .collect::<Vec<_>>()
    );
    assert!(
        stdout(&again).contains("0 searched now"),
        "{}",
        stdout(&again)
    );

    // status: yield per method and country.
    let store = dir.path().join("store.sqlite");
    let status = prospect_env(
        dir.path(),
        &[
            "status",
            plan.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
        ],
        &[],
    );
    let s = stdout(&status);
    assert!(s.contains("yield per method and country"), "{s}");
    let importers = s
        .lines()
        .find(|l| l.trim_start().starts_with("importers"))
        .unwrap();
    assert!(
        importers.contains("DE") && importers.contains("A"),
        "{importers}"
    );
}

#[test]
fn the_daily_quota_stops_the_run_and_the_next_day_continues() {
    let farm = Farm::start(Some(&fixture("sites")));
    farm.route("127.0.0.1", "/search", vec![searx_page(&farm)]);
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), &farm, 5, "all");
    let day1 = 1_795_451_400_i64; // 2026-11-23 16:30 UTC
    let now = day1.to_string();

    let out = run(dir.path(), &plan, &farm, &[("PROSPECT_NOW", &now)]);
    assert!(
        out.status.success(),
        "stopping for the quota is a normal end: {}",
        stderr(&out)
    );
    assert_eq!(searches(&farm), 5);
    let text = stdout(&out);
    assert!(text.contains("Stopped for today"), "{text}");
    assert!(
        text.contains("continues after 2026-11-24 16:30 UTC"),
        "{text}"
    );

    // Later the same day: nothing is searched.
    farm.clear_hits();
    let later = (day1 + 3600).to_string();
    let out = run(dir.path(), &plan, &farm, &[("PROSPECT_NOW", &later)]);
    assert!(out.status.success());
    assert_eq!(searches(&farm), 0);
    assert!(stdout(&out).contains("continues after 2026-11-24 16:30 UTC"));

    // A day later: five more, none of them asked before.
    farm.clear_hits();
    let next = (day1 + 86_400).to_string();
    let out = run(dir.path(), &plan, &farm, &[("PROSPECT_NOW", &next)]);
    assert!(out.status.success());
    assert_eq!(searches(&farm), 5, "{}", stdout(&out));
    assert!(stdout(&out).contains("continues after 2026-11-25 16:30 UTC"));
}

#[test]
fn backend_setup_problems_are_named() {
    let farm = Farm::start(None);
    farm.route("127.0.0.1", "/search", vec![Reply::status(403)]);
    let dir = tempfile::tempdir().unwrap();
    let plan_path = plan(dir.path(), &farm, 10, "[importers]");
    let out = run(dir.path(), &plan_path, &farm, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("formats"), "{}", stderr(&out));

    let brave = dir.path().join("brave.yaml");
    std::fs::write(
        &brave,
        "campaign: b\nproducts:\n  - name: LED bulb\ncountries: [DE]\nsearch: { backend: brave }\n",
    )
    .unwrap();
    let out = prospect_env(dir.path(), &["run", brave.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("PROSPECT_BRAVE_KEY"),
        "{}",
        stderr(&out)
    );
}
