//! Google's result pages: the desktop page (`div.MjjYud` / `div.g` blocks, `a[href] > h3`
//! titles), the basic HTML page without JavaScript (`gbv=1`: `div.ezO2md`, links to
//! `/url?q=`), the mobile page (`div.Gx5Zad` with `h3` or `role=heading` titles) and the ads
//! in `#tads` / `#tadsb` / `#bottomads`.

use scraper::node::Element;

use super::layout::{Layout, Role};

pub(super) static LAYOUT: Layout = Layout {
    base: "https://www.google.com/",
    role,
    is_title,
    is_snippet,
    target_attr: None,
};

fn role(e: &Element) -> Role {
    if let Some(id) = e.id() {
        match id {
            // Ads at the top, in the middle and at the bottom.
            "tads" | "tadsb" | "bottomads" | "tvcap" => return Role::AdZone,
            // Search box, tabs, image strip, knowledge panel, footer.
            "searchform" | "hdtb" | "top_nav" | "appbar" | "iur" | "imagebox_bigimages" | "rhs"
            | "footcnt" | "fbar" | "sfooter" | "foot" | "navcnt" => return Role::Skip,
            _ => {}
        }
    }
    match e.name() {
        "g-section-with-header"
        | "g-scrolling-carousel"
        | "g-accordion-expander"
        | "g-expandable-container"
        | "g-more-link"
        | "product-viewer-group" => return Role::Skip,
        _ => {}
    }
    // "People also ask" questions carry their question in data-q / data-initq.
    if e.attr("data-q").is_some() || e.attr("data-initq").is_some() {
        return Role::Skip;
    }
    if e.attr("data-text-ad").is_some() {
        return Role::AdResult;
    }
    let mut role = Role::Plain;
    for class in e.classes() {
        match class {
            "related-question-pair"
            | "cu-container"
            | "commercial-unit-desktop-top"
            | "pla-unit-container" => return Role::Skip,
            "uEierd" => return Role::AdResult,
            "MjjYud" | "g" | "tF2Cxc" | "N54PNb" | "ezO2md" | "Gx5Zad" | "ZINbbc" | "xpd" => {
                role = Role::Result;
            }
            _ => {}
        }
    }
    if role == Role::Plain && e.name() == "div" && e.attr("data-hveid").is_some() {
        role = Role::Result;
    }
    role
}

/// Titles of the basic and mobile pages: `span.CVA68e`, `div.BNeawe.vvjwJb`; the desktop
/// title class `LC20lb` (an `h3` anyway).
fn is_title(e: &Element) -> bool {
    e.classes()
        .any(|c| matches!(c, "CVA68e" | "vvjwJb" | "LC20lb"))
}

fn is_snippet(e: &Element) -> bool {
    e.attr("data-sncf").is_some()
        || e.classes().any(|c| {
            matches!(
                c,
                "VwiC3b" | "yXK7lf" | "IsZvec" | "s3v9rd" | "FrIlee" | "aCOpRe" | "st"
            )
        })
}
