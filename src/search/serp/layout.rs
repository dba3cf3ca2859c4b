//! How an engine lays out its result page, as the walk in `walk.rs` needs it: which elements
//! are result blocks, ad regions and regions that hold no results (navigation, "People also
//! ask", image strips), and which mark titles and snippets. One `Layout` per engine, in the
//! engine's own file; every layout also gets the generic rules here.

use scraper::node::Element;

use super::{baidu, bing, duckduckgo, google, yandex};
use crate::search::Source;

/// What an element is on a result page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Nothing special: look inside.
    Plain,
    /// Holds no results (navigation, "People also ask", carousels, footers): not read.
    Skip,
    /// Everything inside is an ad ("Sponsored" blocks).
    AdZone,
    /// One result's block.
    Result,
    /// One ad's block.
    AdResult,
}

pub(super) struct Layout {
    /// Where relative links point when the page does not say where it was saved from.
    pub base: &'static str,
    pub role: fn(&Element) -> Role,
    /// Title markup inside a result link, besides headings (`h1`–`h6`, `role=heading`).
    pub is_title: fn(&Element) -> bool,
    /// The snippet of a result, inside its block.
    pub is_snippet: fn(&Element) -> bool,
    /// An attribute of the result block that holds the real target of a redirect link
    /// (Baidu's `mu`).
    pub target_attr: Option<&'static str>,
}

/// The layout of `source`'s pages; search APIs get the generic rules only.
pub(super) fn of(source: Source) -> &'static Layout {
    match source {
        Source::Google => &google::LAYOUT,
        Source::Bing => &bing::LAYOUT,
        Source::Duckduckgo => &duckduckgo::LAYOUT,
        Source::Yandex => &yandex::LAYOUT,
        Source::Baidu => &baidu::LAYOUT,
        _ => &GENERIC,
    }
}

static GENERIC: Layout = Layout {
    base: "https://localhost/",
    role: |_| Role::Plain,
    is_title: |_| false,
    is_snippet: |e| has_class_containing(e, "snippet"),
    target_attr: None,
};

/// The role every page's elements have whatever the engine: page chrome and things that
/// are never text.
pub(super) fn generic_role(e: &Element) -> Role {
    match e.name() {
        "nav" | "header" | "footer" | "aside" | "script" | "style" | "noscript" | "template"
        | "svg" | "select" | "textarea" | "button" | "iframe" | "object" | "head" => Role::Skip,
        _ if e.attr("role").is_some_and(|r| {
            r.eq_ignore_ascii_case("navigation") || r.eq_ignore_ascii_case("contentinfo")
        }) =>
        {
            Role::Skip
        }
        _ => Role::Plain,
    }
}

/// `h1`–`h6` or an ARIA heading.
pub(super) fn is_heading(e: &Element) -> bool {
    matches!(e.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
        || e.attr("role")
            .is_some_and(|r| r.eq_ignore_ascii_case("heading"))
}

pub(super) fn has_class(e: &Element, class: &str) -> bool {
    e.classes().any(|c| c == class)
}

pub(super) fn has_class_containing(e: &Element, part: &str) -> bool {
    e.classes().any(|c| c.contains(part))
}
