//! Broken plans: exit code 2 and a message naming file, line, column and field.

use crate::util::{fixture, prospect, stderr};

/// (fixture, `file:line:col: field` prefix, words the message or hint must contain)
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "unknown-key.yaml",
        "unknown-key.yaml:6:1: colour:",
        &["unknown field `colour`"],
    ),
    (
        "misspelt-key.yaml",
        "misspelt-key.yaml:3:1: prodcts:",
        &["did you mean `products`?"],
    ),
    (
        "misspelt-nested-key.yaml",
        "misspelt-nested-key.yaml:6:5: products[1].synonym:",
        &["did you mean `synonyms`?"],
    ),
    (
        "wrong-type.yaml",
        "wrong-type.yaml:7:16: fetch.concurrency:",
        &["expected a whole number, found `many`"],
    ),
    (
        "empty-products.yaml",
        "empty-products.yaml:3:11: products:",
        &["lists no product"],
    ),
    (
        "duplicate-product.yaml",
        "duplicate-product.yaml:6:11: products[2].name:",
        &["listed twice", "products[0]"],
    ),
    (
        "unknown-country.yaml",
        "unknown-country.yaml:5:21: countries[2]:",
        &["`GX` is not an ISO 3166-1 country code", "DACH"],
    ),
    (
        "country-name.yaml",
        "country-name.yaml:6:5: countries[0]:",
        &["write the code `DE` for Germany"],
    ),
    (
        "unknown-region.yaml",
        "unknown-region.yaml:5:13: countries[0]:",
        &["did you mean DACH (Germany, Austria, Switzerland)?"],
    ),
    (
        "bad-duration.yaml",
        "bad-duration.yaml:7:22: fetch.per_host_interval:",
        &["`parsecs` is not a unit of time", "500ms, 2s"],
    ),
    (
        "duration-without-unit.yaml",
        "duration-without-unit.yaml:6:29: fetch.per_host_interval:",
        &["`2` has no unit"],
    ),
    (
        "bad-grading.yaml",
        "bad-grading.yaml:8:6: grading.b:",
        &["b (0.6) is higher than a (0.3)"],
    ),
    (
        "unknown-method.yaml",
        "unknown-method.yaml:8:5: methods[1]:",
        &[
            "`quoted-phrases` is not a method",
            "did you mean `quoted-phrase`?",
        ],
    ),
    (
        "unknown-customer-type.yaml",
        "unknown-customer-type.yaml:5:28: customer_types[1]:",
        &["did you mean `importer`?"],
    ),
    (
        "unknown-language.yaml",
        "unknown-language.yaml:6:7: products[0].names.ger:",
        &["`ger` is not a language code", "ISO 639-1"],
    ),
    (
        "bad-backend.yaml",
        "bad-backend.yaml:7:12: search.backend:",
        &["unknown variant `searx`", "did you mean `searxng`?"],
    ),
    (
        "bad-hs-code.yaml",
        "bad-hs-code.yaml:6:12: hs_codes[0]:",
        &["`85AB.52` is not an HS code"],
    ),
    (
        "missing-countries.yaml",
        "missing-countries.yaml:3:1:",
        &["missing field `countries`"],
    ),
    ("empty.yaml", "empty.yaml:1:1:", &["the file is empty"]),
    (
        "tabs.yaml",
        "tabs.yaml:4:1:",
        &["tab", "indents with spaces only"],
    ),
    (
        "not-utf8.yaml",
        "not-utf8.yaml:4:14:",
        &["byte 0xE9 is not UTF-8", "UTF-8"],
    ),
];

#[test]
fn every_broken_plan_exits_2_with_position_and_field() {
    for (file, prefix, words) in CASES {
        let path = format!("fixtures/plans/{file}");
        for command in ["check", "queries"] {
            let out = prospect(&[command, &path]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{command} {file}: {err}");
            assert!(out.stdout.is_empty(), "{command} {file}: nothing on stdout");
            assert!(
                err.starts_with(&format!("error: fixtures/plans/{prefix}")),
                "{command} {file}: expected `{prefix}` in:\n{err}"
            );
            for w in *words {
                assert!(
                    err.contains(w),
                    "{command} {file}: expected `{w}` in:\n{err}"
                );
            }
        }
    }
}

#[test]
fn template_with_unknown_variable_names_its_file_and_pattern() {
    let dir = "fixtures/plans/template-unknown-variable";
    let out = prospect(&[
        "check",
        &format!("{dir}/plan.yaml"),
        "--templates",
        &format!("{dir}/templates"),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "{dir}/templates/my-method.yaml:8:6: patterns[1]: unknown variable `{{prodcut}}`"
        )),
        "{err}"
    );
    assert!(err.contains("did you mean `{product}`?"), "{err}");
}

#[test]
fn a_five_megabyte_plan_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let mut text = String::from("campaign: huge\nproducts:\n");
    while text.len() < 5 * 1024 * 1024 {
        text.push_str("  - name: LED bulb number something long enough to fill\n");
    }
    std::fs::write(&path, text).unwrap();
    let out = prospect(&["check", path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("huge.yaml: the file is"), "{err}");
    assert!(err.contains("at most 1048576 bytes"), "{err}");
}

#[test]
fn several_problems_are_reported_together_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.yaml");
    std::fs::write(
        &path,
        "campaign: test\nproducts:\n  - name: lamp\ncountries: [DE, QQ]\ngrading: {a: 2}\n",
    )
    .unwrap();
    let out = prospect(&["check", path.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let country = err.find("plan.yaml:4:17: countries[1]").expect(&err);
    let grading = err.find("plan.yaml:5:14: grading.a").expect(&err);
    assert!(country < grading, "{err}");
}

#[test]
fn norway_works_bare_quoted_and_lower_case() {
    let out = prospect(&["check", fixture("plans/norway.yaml").to_str().unwrap()]);
    let text = crate::util::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(text.contains("NO Norway [nb]"), "{text}");
    assert!(text.contains("SE Sweden"), "{text}");
    assert!(text.contains("DK Denmark"), "{text}");
}

#[test]
fn unknown_method_on_the_command_line_is_bad_usage() {
    let out = prospect(&[
        "queries",
        "fixtures/plans/minimal.yaml",
        "--method",
        "importer",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did you mean `importers`?"), "{err}");
    let out = prospect(&["queries", "fixtures/plans/minimal.yaml", "--country", "FR"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not among the plan's countries (PL)"));
}
