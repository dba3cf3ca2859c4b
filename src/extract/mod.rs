//! Reading fetched pages: registrable domains, links to the pages that matter.

pub mod contacts;
pub mod domain;
pub mod links;
pub mod page;

pub use domain::Domain;

/// Parses a page, with its nesting cut at [`page::MAX_DEPTH`] first: every parse of fetched
/// HTML goes through here, so a hostile page costs bounded time.
pub fn parse_html(html: &str) -> scraper::Html {
    scraper::Html::parse_document(page::limit_depth(html))
}
