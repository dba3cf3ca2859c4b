//! Yandex's result page: `ul#search-result > li.serp-item` holding a `div.Organic` with an
//! `a.OrganicTitle-Link` title; ads are `li.serp-item[data-fast-name="direct"]` or carry
//! the "Реклама" / "Ad" label.

use scraper::node::Element;

use super::layout::{Layout, Role};

pub(super) static LAYOUT: Layout = Layout {
    base: "https://yandex.ru/",
    role,
    is_title: |e| {
        e.classes()
            .any(|c| matches!(c, "OrganicTitle-LinkText" | "OrganicTitleContentSpan"))
    },
    is_snippet: |e| {
        e.classes().any(|c| {
            matches!(
                c,
                "OrganicText" | "OrganicTextContentSpan" | "TextContainer" | "text-container"
            )
        })
    },
    target_attr: None,
};

fn role(e: &Element) -> Role {
    if e.attr("data-fast-name") == Some("direct") {
        return Role::AdResult;
    }
    // Wizards: images, videos, maps, related searches.
    if e.attr("data-fast-wzrd").is_some() {
        return Role::Skip;
    }
    for class in e.classes() {
        match class {
            "serp-item" | "Organic" => return Role::Result,
            "serp-header" | "serp-footer" | "HeaderDesktop" | "HeaderPhone" | "RelatedBottom"
            | "Pager" | "pager" | "navigation" | "content__right" => return Role::Skip,
            _ => {}
        }
    }
    Role::Plain
}
