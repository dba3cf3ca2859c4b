//! Reading fetched pages: registrable domains, links to the pages that matter.

pub mod contacts;
pub mod domain;
pub mod items;
pub mod links;
pub mod page;
mod tag;

pub use domain::Domain;

/// Most tree nodes allocated up front for one page; a larger tree grows as it needs.
const MAX_PRESIZED_NODES: usize = 1 << 17;

/// Parses a page, with its nesting cut at [`page::MAX_DEPTH`] first: every parse of fetched
/// HTML goes through here, so a hostile page costs bounded time.
///
/// The tree is allocated once for about as many nodes as the page has start tags (an element
/// and its text), instead of being grown and copied while parsing.
pub fn parse_html(html: &str) -> scraper::Html {
    use html5ever::tendril::TendrilSink;
    let (html, tags) = page::limit_depth_counting(html);
    let document = scraper::Html {
        quirks_mode: html5ever::tree_builder::QuirksMode::NoQuirks,
        tree: ego_tree::Tree::with_capacity(
            scraper::Node::Document,
            (2 * tags + 8).min(MAX_PRESIZED_NODES),
        ),
    };
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(document), Default::default())
        .one(html)
}
