//! DuckDuckGo's result pages: the JavaScript page saved from the browser
//! (`article[data-testid="result"]`, `a[data-testid="result-title-a"]`, direct links) and
//! html.duckduckgo.com (`div.result`, `a.result__a` linking through
//! `//duckduckgo.com/l/?uddg=`, ads `div.result--ad`); lite.duckduckgo.com's `a.result-link`
//! rows are read as title links too.

use scraper::node::Element;

use super::layout::{Layout, Role, has_class};

pub(super) static LAYOUT: Layout = Layout {
    base: "https://duckduckgo.com/",
    role,
    is_title: |e| {
        has_class(e, "result__a")
            || has_class(e, "result-link")
            || e.attr("data-testid") == Some("result-title-a")
    },
    is_snippet,
    target_attr: None,
};

fn role(e: &Element) -> Role {
    if let Some(layout) = e.attr("data-layout") {
        return match layout {
            "ad" | "ads" => Role::AdResult,
            "organic" => Role::Result,
            _ => Role::Skip,
        };
    }
    match e.attr("data-testid") {
        Some("result") => return Role::Result,
        Some("ad" | "ads") => return Role::AdResult,
        _ => {}
    }
    if let Some("header" | "header_wrapper" | "zero_click_wrapper" | "footer") = e.id() {
        return Role::Skip;
    }
    let mut role = Role::Plain;
    for class in e.classes() {
        match class {
            "result--ad" | "results_links--ad" => return Role::AdResult,
            "zci-wrapper" | "nav-link" | "feedback-btn" | "result--more" => return Role::Skip,
            "result" | "web-result" => role = Role::Result,
            _ => {}
        }
    }
    role
}

fn is_snippet(e: &Element) -> bool {
    has_class(e, "result__snippet")
        || e.attr("data-result") == Some("snippet")
        || e.attr("data-testid") == Some("result-snippet")
}
