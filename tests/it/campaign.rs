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
    let mut text = std::fs::read_to_string(&plan).unwrap();
    text.push_str("output: { sheet: leads.csv }\n");
    std::fs::write(&plan, text).unwrap();

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
    let row = |method: &str| -> Vec<String> {
        s.lines()
            .find(|l| l.trim_start().starts_with(method))
            .unwrap_or_else(|| panic!("{s}"))
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    // The most productive method is searched first, so the sites count as its finds.
    let first = row("other-languages");
    assert_eq!(&first[1..2], ["DE"], "{s}");
    assert_eq!(first[5], "3", "three new sites: {s}");
    assert!(first.join(" ").ends_with("1 A, 1 B, 1 X"), "{s}");
    let importers = row("importers");
    assert_eq!(&importers[1..6], ["DE", "10", "0", "30", "0"], "{s}");
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

    // A backend that is not running: three failures in a row end the search, exit code 1.
    let down = dir.path().join("down.yaml");
    std::fs::write(
        &down,
        format!(
            "campaign: down\nproducts:\n  - name: LED bulb\n    synonyms: [LED lamp, LED globe]\n\
             countries: [DE]\nmethods: [importers]\n\
             search: {{ backend: searxng, url: \"http://127.0.0.1:{}\", interval: 10ms }}\n",
            crate::support::farm::closed_port()
        ),
    )
    .unwrap();
    let out = prospect_env(dir.path(), &["run", down.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("failed 3 queries in a row"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("cannot reach searxng"),
        "{}",
        stdout(&out)
    );

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

/// A Google result page as Chrome saves it, for `query`, listing the farm's sites.
fn google_page(farm: &Farm, query: &str) -> String {
    let address = format!(
        "https://www.google.com/search?q={}",
        query.replace(' ', "+")
    );
    let mut html = format!(
        "<!-- saved from url=({:04}){address} -->\n<!DOCTYPE html><html><head><title>{query} - Google Search</title></head>\
         <body><form action=\"/search\"><textarea name=\"q\">{query}</textarea></form>\
         <div id=\"search\"><div id=\"rso\">",
        address.len()
    );
    for host in FOUND {
        html.push_str(&format!(
            "<div class=\"MjjYud\"><div class=\"g\"><div class=\"yuRUbf\"><a href=\"{}\"><h3>{host} – LED lamps</h3></a></div>\
             <div class=\"VwiC3b\">Importer and wholesaler of LED lamps.</div></div></div>",
            farm.url(host)
        ));
    }
    html.push_str("</div></div></body></html>");
    html
}

#[test]
fn saved_result_pages_are_harvested_under_the_plans_queries() {
    let farm = Farm::start(Some(&fixture("sites")));
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), &farm, 10, "[importers]");
    let pages = dir.path().join("saved");
    std::fs::create_dir(&pages).unwrap();
    std::fs::write(
        pages.join("q1.html"),
        google_page(&farm, "LED bulb importers"),
    )
    .unwrap();
    std::fs::copy(fixture("serp/google-sorry.html"), pages.join("q2.html")).unwrap();
    let store = dir.path().join("store.sqlite");
    let mut args = vec![
        "harvest".to_string(),
        plan.to_str().unwrap().into(),
        "--serp".into(),
        pages.to_str().unwrap().into(),
        "--store".into(),
        store.to_str().unwrap().into(),
    ];
    args.extend(farm.resolve_args(&FOUND));
    let out = prospect_env(
        dir.path(),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("q2.html: blocked by google"), "{err}");
    assert!(
        err.contains("3 sites in the result pages, 3 to visit"),
        "{err}"
    );
    assert!(err.contains("leads graded: 1 A, 1 B, 1 X"), "{err}");
    // The page's query is the plan's: its method and country are known.
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
    let importers = s
        .lines()
        .find(|l| l.trim_start().starts_with("importers"))
        .unwrap_or_else(|| panic!("{s}"));
    let cols: Vec<&str> = importers.split_whitespace().collect();
    assert_eq!(&cols[..6], ["importers", "DE", "1", "0", "3", "3"], "{s}");
    assert!(s.contains("1 blocked"), "{s}");
}

#[test]
fn results_prints_saved_pages_and_api_answers() {
    let google = fixture("serp/google-desktop.html");
    let searx = fixture("api/searxng.json");
    let consent = fixture("serp/google-consent.html");
    let dir = tempfile::tempdir().unwrap();
    let paths = [&google, &searx, &consent].map(|p| p.to_str().unwrap().to_string());

    let out = prospect_env(
        dir.path(),
        &["results", &paths[0], &paths[1], &paths[2]],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("· google · \"led lamp importer\" · 7 results, 0 ads"),
        "{text}"
    );
    assert!(
        text.contains("· searxng · \"LED-Lampe Importeur\" · 3 results"),
        "{text}"
    );
    assert!(text.contains("BLOCKED: consent wall"), "{text}");

    let out = prospect_env(
        dir.path(),
        &["results", "--format", "jsonl", &paths[0]],
        &[],
    );
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0]["url"], "https://www.lichtimport-berlin.de/");
    assert_eq!(lines[0]["rank"], 1);
    assert_eq!(lines[0]["engine"], "google");

    let out = prospect_env(
        dir.path(),
        &["results", "--format", "csv", &paths[1], &paths[2]],
        &[],
    );
    let rows = crate::util::csv_rows(&stdout(&out));
    assert_eq!(rows.len(), 3);
    assert!(stderr(&out).contains("google-consent.html: blocked by google"));

    // Not a result page: bad input, named.
    let readme = crate::util::root().join("README.md");
    let out = prospect_env(dir.path(), &["results", readme.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("README.md: the page is not a result page"),
        "{}",
        stderr(&out)
    );
}

/// Ctrl-C during the searches stops the run cleanly; the next run searches only what is
/// left, and no query is ever asked twice.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_searches_and_the_next_run_goes_on() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let farm = Farm::start(Some(&fixture("sites")));
    farm.route("127.0.0.1", "/search", vec![searx_page(&farm)]);
    let dir = tempfile::tempdir().unwrap();
    let plan_path = plan(dir.path(), &farm, 1000, "[importers, other-languages]");
    let slow = std::fs::read_to_string(&plan_path)
        .unwrap()
        .replace("interval: 10ms", "interval: 300ms");
    std::fs::write(&plan_path, slow).unwrap();
    let store = dir.path().join("store.sqlite");
    let mut args = vec![
        "run".to_string(),
        plan_path.to_str().unwrap().to_string(),
        "--store".into(),
        store.to_str().unwrap().to_string(),
    ];
    args.extend(farm.resolve_args(&FOUND));

    let child = Command::new(env!("CARGO_BIN_EXE_prospect"))
        .args(&args)
        .current_dir(dir.path())
        .env_remove("PROSPECT_NOW")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while searches(&farm) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Stopped; run the same command again"),
        "{text}"
    );
    let first = searches(&farm);
    assert!(first < 258, "stopped early: {first}");

    // The rest, at full speed.
    let fast = std::fs::read_to_string(&plan_path)
        .unwrap()
        .replace("interval: 300ms", "interval: 10ms");
    std::fs::write(&plan_path, fast).unwrap();
    let out = run(dir.path(), &plan_path, &farm, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Every query of the plan is searched"));
    let asked: Vec<String> = farm
        .hits_for("127.0.0.1")
        .into_iter()
        .map(|h| h.path)
        .filter(|p| p.starts_with("/search?"))
        .collect();
    let unique: std::collections::HashSet<&String> = asked.iter().collect();
    assert_eq!(unique.len(), asked.len(), "a query was asked twice");
    assert_eq!(asked.len(), 258);
}
