//! Bing's result page: `ol#b_results > li.b_algo` with `h2 > a` titles linking through
//! `bing.com/ck/a?…&u=a1<base64url>`, ads in `li.b_ad`.

use scraper::node::Element;

use super::layout::{Layout, Role};

pub(super) static LAYOUT: Layout = Layout {
    base: "https://www.bing.com/",
    role,
    is_title: |_| false,
    is_snippet,
    target_attr: None,
};

fn role(e: &Element) -> Role {
    if let Some("b_header" | "b_footer" | "b_context" | "b_tween" | "b_topw" | "b_pole") = e.id() {
        return Role::Skip;
    }
    for class in e.classes() {
        match class {
            "b_ad" | "b_adTop" | "b_adBottom" => return Role::AdZone,
            "sb_add" => return Role::AdResult,
            "b_algo" => return Role::Result,
            // Answers (videos, images, "People also ask", related searches), pagination.
            "b_ans" | "b_pag" | "b_rs" | "b_msg" | "b_rrsr" => return Role::Skip,
            _ => {}
        }
    }
    Role::Plain
}

fn is_snippet(e: &Element) -> bool {
    e.classes().any(|c| {
        c.starts_with("b_lineclamp")
            || matches!(c, "b_algoSlug" | "b_paractl" | "b_snippet" | "b_dList")
    })
}
