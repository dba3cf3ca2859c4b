//! Baidu's result page: `div#content_left > div.result.c-container` with `h3 > a` titles
//! linking through `baidu.com/link?url=…` (resolvable only by Baidu) and the real target in
//! the block's `mu` attribute when present; ads carry `data-tuiguang` or the "广告" label.

use scraper::node::Element;

use super::layout::{Layout, Role};

pub(super) static LAYOUT: Layout = Layout {
    base: "https://www.baidu.com/",
    role,
    is_title: |_| false,
    is_snippet: |e| {
        e.classes()
            .any(|c| c == "c-abstract" || c.starts_with("content-right_") || c == "c-span-last")
    },
    target_attr: Some("mu"),
};

fn role(e: &Element) -> Role {
    if let Some("content_right" | "rs" | "rs_new" | "page" | "head" | "s_tab" | "foot" | "u") =
        e.id()
    {
        return Role::Skip;
    }
    if e.attr("data-tuiguang").is_some() {
        return Role::AdResult;
    }
    let mut role = Role::Plain;
    for class in e.classes() {
        if class.starts_with("EC_") || class.starts_with("ec_tuiguang") {
            return Role::AdResult;
        }
        if matches!(class, "c-container" | "result" | "result-op") {
            role = Role::Result;
        }
    }
    role
}
