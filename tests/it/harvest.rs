//! `prospect harvest --urls` and `prospect status` end to end: the binary against a local
//! site farm through `--resolve`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::support::farm::{Farm, Reply, closed_port, numbered_hosts};
use crate::util::{fixture, prospect, stderr, stdout};
use prospect::extract::Domain;
use prospect::store::{SiteStatus, Store};

fn dom(host: &str) -> Domain {
    Domain::listed(host).unwrap()
}

/// A plan allowing the farm (loopback) with the given politeness settings.
fn plan(dir: &Path, interval: &str, concurrency: usize, max_pages: usize) -> PathBuf {
    let path = dir.join("plan.yaml");
    std::fs::write(
        &path,
        format!(
            "campaign: farm\nproducts:\n  - name: LED bulb\ncountries: [DE]\n\
             fetch:\n  per_host_interval: {interval}\n  concurrency: {concurrency}\n  \
             max_pages_per_site: {max_pages}\n  allow_private: true\n"
        ),
    )
    .unwrap();
    path
}

/// Writes the URL list (the hosts' farm addresses, then `extra` lines) next to the plan and
/// returns the arguments of `prospect harvest` for it, with `--resolve` for every host.
fn harvest_args(
    farm: &Farm,
    plan: &Path,
    hosts: &[String],
    extra: &[String],
    store: &Path,
) -> Vec<String> {
    let list = plan.with_file_name("urls.txt");
    let mut text = String::from("# sites to visit\n\n");
    for line in hosts
        .iter()
        .map(|h| farm.url(h))
        .chain(extra.iter().cloned())
    {
        text.push_str(&line);
        text.push('\n');
    }
    std::fs::write(&list, text).unwrap();
    let mut args: Vec<String> = [
        "harvest",
        plan.to_str().unwrap(),
        "--urls",
        list.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    args.extend(farm.resolve_args(hosts));
    args
}

fn harvest(
    farm: &Farm,
    plan: &Path,
    hosts: &[String],
    extra_urls: &[String],
    store: &Path,
) -> Output {
    let args = harvest_args(farm, plan, hosts, extra_urls, store);
    prospect(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn company_sites_are_visited_stored_and_not_fetched_again() {
    let farm = Farm::start(Some(&fixture("sites")));
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), "20ms", 8, 8);
    let store_path = dir.path().join("store.sqlite");
    let hosts: Vec<String> = [
        "lampen-import.test",
        "eclairage-pro.test",
        "svet-opt.test",
        "no-robots.test",
    ]
    .map(String::from)
    .to_vec();
    // A bad line, a duplicate of a site, and a non-prospect site are reported or dropped.
    let extra = vec![
        "not a url".to_string(),
        format!("{}kontakt.html", farm.url("lampen-import.test")),
        "https://www.facebook.com/lampenimport".to_string(),
    ];
    let out = harvest(&farm, &plan, &hosts, &extra, &store_path);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("urls.txt:7: `not a url` is not a web address"),
        "{err}"
    );
    assert!(
        err.contains("4 sites in the list (1 left out as not prospects), 4 to visit"),
        "{err}"
    );
    assert!(err.contains("sites: 4 done, 0 failed"), "{err}");

    let store = Store::open(&store_path).unwrap();
    assert_eq!(store.sites(SiteStatus::Done).unwrap().len(), 4);
    let pages = store.pages_of(&dom("lampen-import.test")).unwrap();
    let kinds: BTreeSet<&str> = pages.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["about", "contact", "home", "legal", "products"].into()
    );
    let products = pages.iter().find(|p| p.kind == "products").unwrap();
    assert!(
        products.body.as_deref().unwrap().contains("LED-Röhre"),
        "decoded body stored"
    );
    let paths: BTreeSet<String> = farm
        .hits_for("lampen-import.test")
        .into_iter()
        .map(|h| h.path)
        .collect();
    assert!(
        !paths.iter().any(|p| p.starts_with("/intern/")),
        "robots.txt Disallow obeyed"
    );
    assert!(
        !paths.contains("/datenschutz.html"),
        "privacy pages are not read"
    );
    assert!(
        store.summary().unwrap().documents >= 1,
        "the PDF catalogue link is recorded"
    );
    drop(store);

    // Running again fetches no stored page: only robots.txt is read again.
    farm.clear_hits();
    let out = harvest(&farm, &plan, &hosts, &[], &store_path);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        farm.hits().iter().all(|h| h.path == "/robots.txt"),
        "{:?}",
        farm.hits()
    );

    // `status` reports what was done.
    let out = prospect(&[
        "status",
        plan.to_str().unwrap(),
        "--store",
        store_path.to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        text.contains("sites:     4 (4 done, 0 pending, 0 failed)"),
        "{text}"
    );
}

#[test]
fn no_two_requests_to_a_host_are_closer_than_the_interval() {
    let farm = Farm::start(None);
    let hosts = numbered_hosts(20);
    farm.generate(&hosts, 9, 2000);
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), "250ms", 16, 10);
    let store_path = dir.path().join("store.sqlite");
    let out = harvest(&farm, &plan, &hosts, &[], &store_path);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for h in &hosts {
        let hits = farm.hits_for(h);
        assert_eq!(hits.len(), 11, "{h}: robots.txt, home and 9 pages");
        for gap in farm.gaps_for(h) {
            assert!(
                gap >= Duration::from_millis(240),
                "{h}: two requests {gap:?} apart"
            );
        }
    }
    // All hosts were worked on at once, not one after the other.
    let first = farm.hits().first().unwrap().at;
    let last = farm.hits().last().unwrap().at;
    assert!(last - first < Duration::from_secs(20), "{:?}", last - first);
}

#[test]
fn failing_hosts_do_not_stop_the_others() {
    let farm = Farm::start(Some(&fixture("sites")));
    farm.route("broken.test", "/", vec![Reply::status(500)]);
    farm.route("broken.test", "/robots.txt", vec![Reply::status(404)]);
    farm.route("robots-5xx.test", "/robots.txt", vec![Reply::status(503)]);
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), "10ms", 8, 4);
    let store_path = dir.path().join("store.sqlite");
    let hosts: Vec<String> = ["no-robots.test", "broken.test", "robots-5xx.test"]
        .map(String::from)
        .to_vec();
    let dead = format!("http://dead.test:{}/", closed_port());
    // dead.test is pinned to the farm's address but listed with a port nobody listens on.
    let mut args = harvest_args(&farm, &plan, &hosts, &[dead], &store_path);
    args.extend(farm.resolve_args(&["dead.test"]));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = prospect(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let store = Store::open(&store_path).unwrap();
    assert_eq!(
        store.site(&dom("no-robots.test")).unwrap().unwrap().status,
        SiteStatus::Done
    );
    let broken = store.site(&dom("broken.test")).unwrap().unwrap();
    assert_eq!(broken.status, SiteStatus::Failed);
    assert!(broken.reason.unwrap().contains("HTTP 500"));
    let dead = store.site(&dom("dead.test")).unwrap().unwrap();
    assert_eq!(dead.status, SiteStatus::Failed);
    assert!(dead.reason.unwrap().contains("connection failed"));
    let later = store.site(&dom("robots-5xx.test")).unwrap().unwrap();
    assert_eq!(
        later.status,
        SiteStatus::Pending,
        "robots.txt 503: tried again next run"
    );
    assert!(later.reason.unwrap().contains("robots.txt"));
    drop(store);
    let out = prospect(&[
        "status",
        plan.to_str().unwrap(),
        "--store",
        store_path.to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert!(text.contains("(1 done, 1 pending, 2 failed)"), "{text}");
    assert!(text.contains("hosts with errors:"), "{text}");
}

/// The labelled fixture sites and a copy of the LED grading plan that lets the crawler reach
/// the farm, with `interval` between requests to a host.
fn labelled_sites(dir: &Path, interval: &str) -> (Vec<String>, PathBuf) {
    let mut hosts: Vec<String> = std::fs::read_dir(fixture("sites"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    hosts.sort();
    let plan = dir.join("plan.yaml");
    let text = std::fs::read_to_string(fixture("plans/grading-led.yaml")).unwrap();
    std::fs::write(
        &plan,
        format!(
            "{text}\nfetch:\n  per_host_interval: {interval}\n  concurrency: 16\n  \
             max_pages_per_site: 8\n  allow_private: true\n"
        ),
    )
    .unwrap();
    (hosts, plan)
}

/// Every lead of a store: domain → grade.
fn leads_of(store: &Path) -> std::collections::BTreeMap<String, String> {
    Store::open(store)
        .unwrap()
        .sheet_leads()
        .unwrap()
        .into_iter()
        .map(|l| (l.record.domain, l.record.grade.to_string()))
        .collect()
}

/// Kills the harvester (SIGKILL) at several points of a harvest of the labelled sites (while
/// it visits, and while it grades); after each kill no page already stored is fetched again,
/// and after the last run the store holds the same leads, with the same grades, as a run that
/// was never interrupted.
#[cfg(unix)]
#[test]
fn a_killed_harvest_fetches_no_page_twice_and_loses_no_lead() {
    use std::process::{Command, Stdio};

    let farm = Farm::start(Some(&fixture("sites")));
    let dir = tempfile::tempdir().unwrap();
    // 300 ms between requests to a host: a full run takes a few seconds, so kills land
    // mid-work.
    let (hosts, plan) = labelled_sites(dir.path(), "300ms");
    let whole = dir.path().join("whole.sqlite");
    let out = prospect(
        &harvest_args(&farm, &plan, &hosts, &[], &whole)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = leads_of(&whole);
    assert!(expected.len() > 40, "{expected:?}");
    assert!(
        expected.values().collect::<BTreeSet<_>>().len() >= 4,
        "the sites get several grades: {expected:?}"
    );

    let store_path = dir.path().join("store.sqlite");
    let mut args = harvest_args(&farm, &plan, &hosts, &[], &store_path);
    args.push("--quiet".into());
    let stored_in = |path: &Path| -> BTreeSet<String> {
        let store = Store::open(path).unwrap();
        hosts
            .iter()
            .flat_map(|h| store.pages_of(&dom(h)).unwrap())
            .map(|p| {
                let u = url::Url::parse(&p.url).unwrap();
                format!("{}{}", u.host_str().unwrap(), u.path())
            })
            .collect()
    };
    let all_pages = stored_in(&whole).len();
    // Kill points (ms after start), fixed so the test is repeatable; some land early, some late.
    let mut rng = fastrand::Rng::with_seed(20261202);
    let mut before = BTreeSet::new();
    let mut interrupted = 0;
    let rounds = 6;
    for round in 0..rounds {
        farm.clear_hits();
        let mut child = Command::new(env!("CARGO_BIN_EXE_prospect"))
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let last = round == rounds - 1;
        if !last {
            std::thread::sleep(Duration::from_millis(rng.u64(300..2500)));
            child.kill().unwrap();
        }
        let status = child.wait().unwrap();
        if last {
            assert!(status.success());
        }
        // No page stored before this round was requested in it.
        for hit in farm.hits() {
            let key = format!("{}{}", hit.host, hit.path);
            assert!(
                !before.contains(&key),
                "round {round}: {key} was stored and fetched again"
            );
        }
        before = stored_in(&store_path);
        if !last && (before.len() < all_pages || leads_of(&store_path).len() < expected.len()) {
            interrupted += 1;
        }
    }
    assert!(interrupted >= 2, "only {interrupted} kills landed mid-work");
    let store = Store::open(&store_path).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    drop(store);
    assert_eq!(
        leads_of(&store_path),
        expected,
        "the same leads as a whole run"
    );
}

/// Ctrl-C (SIGINT) stops after the requests in flight, keeps everything stored, and the
/// same command afterwards finishes the work.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_the_next_run_finishes() {
    use std::io::Read;
    use std::process::{Command, Stdio};

    let farm = Farm::start(None);
    let hosts = numbered_hosts(30);
    farm.generate(&hosts, 4, 2000);
    let dir = tempfile::tempdir().unwrap();
    let plan = plan(dir.path(), "400ms", 16, 5);
    let store_path = dir.path().join("store.sqlite");
    let args = harvest_args(&farm, &plan, &hosts, &[], &store_path);

    let mut child = Command::new(env!("CARGO_BIN_EXE_prospect"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the harvest is under way (a page request arrived), then press Ctrl-C.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !farm.hits().iter().any(|h| h.path == "/") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let interrupted = std::time::Instant::now();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(
        interrupted.elapsed() < Duration::from_secs(10),
        "stops soon"
    );
    assert!(
        err.contains("stopping after the requests in flight"),
        "{err}"
    );
    assert!(
        err.contains("run the same command again to continue"),
        "{err}"
    );
    let store = Store::open(&store_path).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let pending = store.sites(SiteStatus::Pending).unwrap().len();
    assert!(pending > 0, "stopped before the end");
    drop(store);

    let out = prospect(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let store = Store::open(&store_path).unwrap();
    assert_eq!(store.sites(SiteStatus::Done).unwrap().len(), 30);
}
