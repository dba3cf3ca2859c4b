//! `init`, `check`, help text and exit codes.

use crate::util::{csv_rows, prospect, prospect_in, root, stderr, stdout};

#[test]
fn init_writes_a_plan_that_passes_check_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = prospect_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan = dir.path().join("plan.yaml");
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.starts_with("# A prospect plan"), "commented");
    assert_eq!(
        text,
        std::fs::read_to_string(root().join("examples/plan.yaml")).unwrap()
    );

    let check = prospect_in(dir.path(), &["check", "plan.yaml"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    std::fs::write(&plan, "mine").unwrap();
    let again = prospect_in(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists; use --force"));
    assert_eq!(
        std::fs::read_to_string(&plan).unwrap(),
        "mine",
        "left alone"
    );

    let forced = prospect_in(dir.path(), &["init", "--force", "plan.yaml"]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), text);
}

#[test]
fn check_shows_effective_settings_and_counts_per_method_and_country() {
    let out = prospect(&["check", "examples/plan.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "plan examples/plan.yaml is valid",
        "countries:         DACH",
        "expanded (3):   DE Germany [de], AT Austria [de], CH Switzerland [de/fr/it]",
        "grading:           a 0.5 · b 0.2",
        "per_host_interval 2s · concurrency 8",
        "queries for google (per method and country):",
    ] {
        assert!(text.contains(expected), "`{expected}` in:\n{text}");
    }
    // The counts agree with what `queries` prints.
    let csv = stdout(&prospect(&[
        "queries",
        "examples/plan.yaml",
        "--format",
        "csv",
    ]));
    let rows: Vec<csv::StringRecord> = csv_rows(&csv);
    let total_line = text.lines().find(|l| l.starts_with("total")).unwrap();
    let total: usize = total_line
        .split_whitespace()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(total, rows.len());
    let quoted = text
        .lines()
        .find(|l| l.starts_with("quoted-phrase "))
        .unwrap();
    let de: usize = quoted.split_whitespace().nth(1).unwrap().parse().unwrap();
    let expected = rows
        .iter()
        .filter(|r| &r[0] == "quoted-phrase" && &r[2] == "DE")
        .count();
    assert_eq!(de, expected);
}

#[test]
fn check_explains_methods_that_yield_nothing() {
    let out = prospect(&["check", "fixtures/plans/minimal.yaml"]);
    let text = stdout(&out);
    let line = text.lines().find(|l| l.starts_with("big-buyers ")).unwrap();
    assert!(line.ends_with("(needs big_buyers in the plan)"), "{line}");
    let line = text
        .lines()
        .find(|l| l.starts_with("other-languages "))
        .unwrap();
    assert!(line.contains("products[].names"), "{line}");
    let out = prospect(&["check", "fixtures/plans/minimal.yaml", "--engine", "bing"]);
    let text = stdout(&out);
    let line = text.lines().find(|l| l.starts_with("allintitle ")).unwrap();
    assert!(line.ends_with("(does not work on bing)"), "{line}");
}

#[test]
fn readme_shows_the_current_help() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for args in [
        vec!["--help"],
        vec!["queries", "--help"],
        vec!["harvest", "--help"],
        vec!["run", "--help"],
        vec!["results", "--help"],
        vec!["sheet", "--help"],
        vec!["inquiry", "--help"],
    ] {
        let out = prospect(&args);
        assert_eq!(out.status.code(), Some(0));
        let help = stdout(&out);
        assert!(
            readme.contains(help.trim_end()),
            "README.md must show the output of `prospect {}`:\n{help}",
            args.join(" ")
        );
    }
}

#[test]
fn missing_plan_file_is_bad_input_and_broken_pipe_is_quiet() {
    let out = prospect(&["check", "no/such/plan.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no/such/plan.yaml: cannot read the file"));

    // A reader that stops early (like `| head`) is a normal end, not an error.
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_prospect"))
        .args(["queries", "examples/plan.yaml"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0), "{err}");
}
