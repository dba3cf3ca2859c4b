//! `prospect grade`: a campaign graded again from its stored pages, without the network, after
//! a change of the plan; stale leads are told; `--templates` reaches every command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::farm::Farm;
use crate::util::{fixture, prospect, stderr, stdout};
use prospect::store::Store;

/// Hosts of the labelled set graded with the LED plan, some of each grade.
const HOSTS: [&str; 8] = [
    "luce-ingrosso.test",
    "leuchtmittel-berlin.test",
    "lumiere-aquitaine.test",
    "lampen-hoffmann.test",
    "lichthaus-wien.test",
    "atelier-luminaires.test",
    "mobili-casa.test",
    "brighthome-blog.test",
];

/// The LED grading plan with the farm allowed, `extra` appended (a YAML fragment).
fn write_plan(path: &Path, extra: &str) {
    let text = std::fs::read_to_string(fixture("plans/grading-led.yaml")).unwrap();
    std::fs::write(
        path,
        format!(
            "{text}\nfetch:\n  per_host_interval: 10ms\n  allow_private: true\n\
             output:\n  sheet: leads.csv\n{extra}"
        ),
    )
    .unwrap();
}

fn leads(store: &Path) -> BTreeMap<String, String> {
    Store::open(store)
        .unwrap()
        .sheet_leads()
        .unwrap()
        .into_iter()
        .map(|l| (l.record.domain, l.record.grade.to_string()))
        .collect()
}

/// Harvests [`HOSTS`] from the farm into `store` with the plan.
fn harvest(farm: &Farm, plan: &Path, store: &Path) {
    let list = plan.with_file_name("urls.txt");
    let urls: Vec<String> = HOSTS.iter().map(|h| farm.url(h)).collect();
    std::fs::write(&list, urls.join("\n")).unwrap();
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
    args.extend(farm.resolve_args(&HOSTS));
    let out = prospect(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

fn run(args: &[&str]) -> (String, String) {
    let out = prospect(args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (stdout(&out), stderr(&out))
}

#[test]
fn a_changed_plan_is_told_and_grade_regrades_from_the_store_without_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.yaml");
    let store = dir.path().join("store.sqlite");
    let s = store.to_str().unwrap();
    let p = plan.to_str().unwrap();
    write_plan(&plan, "");
    {
        let farm = Farm::start(Some(&fixture("sites")));
        harvest(&farm, &plan, &store);
    } // The farm is gone: from here on nothing can be fetched.
    let first = leads(&store);
    assert_eq!(first.len(), HOSTS.len(), "{first:?}");
    assert_eq!(first["luce-ingrosso.test"], "A");
    assert_eq!(first["lichthaus-wien.test"], "C");

    // The same plan: nothing is stale, and grade gives the same leads.
    let (status, _) = run(&["status", p, "--store", s]);
    assert!(!status.contains("older plan"), "{status}");
    let (_, err) = run(&["grade", p, "--store", s]);
    assert!(err.contains("8 sites graded from the store"), "{err}");
    assert_eq!(leads(&store), first);

    // Thresholds no site reaches: every A and B becomes C. The leads are stale until graded.
    write_plan(&plan, "grading: { a: 0.99, b: 0.98 }\n");
    let (status, _) = run(&["status", p, "--store", s]);
    assert!(
        status.contains("8 graded with an older plan: `prospect grade"),
        "{status}"
    );
    let csv = dir.path().join("leads.csv");
    let (_, err) = run(&["sheet", p, "--store", s, "-o", csv.to_str().unwrap()]);
    assert!(
        err.contains("8 leads were graded with an older plan"),
        "{err}"
    );
    assert_eq!(leads(&store), first, "sheet grades nothing");
    let (_, err) = run(&["grade", p, "--store", s]);
    assert!(!err.contains("older plan"), "{err}");
    let second = leads(&store);
    assert_eq!(second["luce-ingrosso.test"], "C");
    assert_eq!(second["lumiere-aquitaine.test"], "C");
    assert_eq!(second["mobili-casa.test"], first["mobili-casa.test"]);
    // grade refreshed the plan's sheet with the new grades.
    let sheet = std::fs::read_to_string(dir.path().join("leads.csv")).unwrap();
    assert!(sheet.contains("luce-ingrosso.test"), "{sheet}");
    assert!(!sheet.contains(",A,"), "{sheet}");
}

/// A plan whose `methods:` names a template of the user's works in every command that reads
/// the plan when `--templates` is given (before or after the command).
#[test]
fn user_templates_reach_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(
        templates.join("mine.yaml"),
        "# a method of the user's\nid: my-own\nseed: []\nrank: 2\ndescription: mine\npatterns:\n  - '{product} stockist'\n",
    )
    .unwrap();
    let plan: PathBuf = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "campaign: mine\nproducts:\n  - name: LED bulb\ncountries: [DE]\nmethods: [my-own]\n",
    )
    .unwrap();
    let (p, t) = (plan.to_str().unwrap(), templates.to_str().unwrap());
    let store = dir.path().join("store.sqlite");
    let s = store.to_str().unwrap();
    drop(Store::open(&store).unwrap());
    let page = fixture("sites/leuchtmittel-berlin.test/index.html");
    let commands: [Vec<&str>; 6] = [
        vec!["check", p],
        vec!["queries", p],
        vec!["status", p, "--store", s],
        vec!["sheet", p, "--store", s, "-o", "leads.csv"],
        vec!["grade", p, "--store", s],
        vec!["score", "--plan", p, "--file", page.to_str().unwrap()],
    ];
    for args in commands {
        let without = prospect(&args);
        assert_eq!(
            without.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&without)
        );
        assert!(stderr(&without).contains("`my-own` is not a method"));
        let mut with = vec!["--templates", t];
        with.extend(&args);
        let out = crate::util::prospect_in(dir.path(), &with);
        assert_eq!(out.status.code(), Some(0), "{with:?}: {}", stderr(&out));
    }
    let (queries, _) = run(&["queries", p, "--templates", t]);
    assert_eq!(queries, "LED bulb stockist\n");
}

/// The word lists and the non-prospect list come with the catalogue: a `--templates` folder's
/// `data/` files replace the built-in ones (here, the list of sites that are never leads).
#[test]
fn a_templates_folder_replaces_the_data_lists() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(templates.join("data")).unwrap();
    std::fs::write(
        templates.join("data/non-prospect-domains.txt"),
        "# never leads, for this campaign
lampen-import.test
",
    )
    .unwrap();
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "campaign: mine\nproducts:\n  - name: LED bulb\ncountries: [DE]\n",
    )
    .unwrap();
    let list = dir.path().join("urls.txt");
    std::fs::write(
        &list,
        "https://lampen-import.test/\nhttps://www.lampen-import.test/kontakt\n",
    )
    .unwrap();
    let with: Vec<String> = vec![
        "harvest".to_string(),
        plan.display().to_string(),
        "--urls".into(),
        list.display().to_string(),
        "--store".into(),
        dir.path().join("s.sqlite").display().to_string(),
        "--templates".into(),
        templates.display().to_string(),
    ];
    // With the folder's list the shop is never a lead: nothing is left to visit (and nothing
    // is fetched).
    let out = prospect(&with.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no site to visit"),
        "{}",
        stderr(&out)
    );
    // A broken word list is an error naming its file and line.
    std::fs::write(
        templates.join("data/page-words.yaml"),
        "products:\n  en: [x]\n",
    )
    .unwrap();
    let out = prospect(&with.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("page-words.yaml"), "{}", stderr(&out));
}
