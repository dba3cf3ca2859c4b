//! The HTML checklist: self-contained, grouped by method and country, one link and tick box per query.

use std::collections::BTreeSet;

use scraper::{Html, Selector};

use crate::util::{csv_rows, prospect, stderr, stdout};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

#[test]
fn checklist_page_links_every_query_with_engine_parameters_and_keeps_ticks() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("q.html");
    let out = prospect(&[
        "queries",
        "examples/plan.yaml",
        "--year",
        "2026",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));

    // The same queries as csv, to compare links one by one.
    let csv = stdout(&prospect(&[
        "queries",
        "examples/plan.yaml",
        "--year",
        "2026",
        "--format",
        "csv",
    ]));
    let rows: Vec<csv::StringRecord> = csv_rows(&csv);

    let doc = Html::parse_document(&html);
    // Self-contained: no external scripts, styles, images or fonts.
    assert_eq!(
        doc.select(&sel("script[src], link, img, iframe")).count(),
        0
    );
    assert!(!html.contains("@import") && !html.contains("url("));

    let items: Vec<_> = doc.select(&sel("li")).collect();
    assert_eq!(items.len(), rows.len(), "one entry per query");
    let mut keys = BTreeSet::new();
    for (li, row) in items.iter().zip(&rows) {
        let a = li.select(&sel("a")).next().expect("a link");
        assert_eq!(a.text().collect::<String>(), &row[1]);
        assert_eq!(
            a.value().attr("href"),
            Some(&row[4]),
            "link for {}",
            &row[1]
        );
        assert_eq!(a.value().attr("target"), Some("_blank"));
        let input = li
            .select(&sel("input[type=checkbox]"))
            .next()
            .expect("a tick box");
        let key = input.value().attr("data-key").unwrap();
        assert!(
            keys.insert(key.to_string()),
            "tick-box keys are unique: {key}"
        );
    }

    // Grouped by method (one section each, in output order) and by country inside.
    let sections: Vec<_> = doc.select(&sel("section")).collect();
    let methods: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect::<Vec<_>>();
    let mut distinct = methods.clone();
    distinct.dedup();
    assert_eq!(sections.len(), distinct.len());
    for (section, method) in sections.iter().zip(&distinct) {
        assert_eq!(
            section.value().attr("id"),
            Some(format!("m-{method}").as_str())
        );
        let countries: Vec<String> = section
            .select(&sel("h3"))
            .map(|h| h.text().collect())
            .collect();
        assert!(!countries.is_empty());
        assert!(
            countries
                .iter()
                .all(|c| c.ends_with("(DE)") || c.ends_with("(AT)") || c.ends_with("(CH)"))
        );
    }
    // Method notes are on the page.
    let links = doc
        .select(&sel("#m-links-to-buyer .note"))
        .next()
        .expect("note for links-to-buyer");
    assert!(links.text().collect::<String>().contains("2017"));

    // Ticks survive a reload: the script restores and saves them in localStorage.
    let script: String = doc.select(&sel("script")).flat_map(|s| s.text()).collect();
    assert!(script.contains("localStorage.getItem(key(b))"));
    assert!(script.contains("localStorage.setItem(key(b),'1')"));
    assert!(script.contains("addEventListener('change'"));
    let body = doc.select(&sel("body")).next().unwrap();
    assert_eq!(body.value().attr("data-page"), Some("dach-led-2026:google"));
}

#[test]
fn query_text_is_escaped_in_html() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "campaign: esc\nproducts:\n  - name: \"<b>lamp</b> & co\"\ncountries: [DE]\nmethods: [importers]\n",
    )
    .unwrap();
    let out = prospect(&["queries", plan.to_str().unwrap(), "--format", "html"]);
    let html = stdout(&out);
    assert!(
        !html.contains("<b>lamp"),
        "no markup from the plan reaches the page"
    );
    assert!(html.contains("&lt;b&gt;lamp&lt;/b&gt; &amp; co importers"));
}
