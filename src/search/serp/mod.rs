//! Result pages saved from a browser: Google (desktop, basic HTML without JavaScript,
//! mobile), Bing, DuckDuckGo (the JavaScript page and html.duckduckgo.com), Yandex and
//! Baidu, read into a [`ResultPage`]: ranked hits with the engines' redirects unwrapped, ads
//! flagged, the query, and whether the engine answered, found nothing, or blocked the search
//! (consent wall, captcha, "unusual traffic").
//!
//! A page is parsed once (through [`crate::extract::parse_html`], which bounds its nesting)
//! and walked twice: once for what it says about itself (`meta.rs`: the browser's saved-from
//! comment, title, canonical address, search box), once for its results (`walk.rs`, with the
//! engine's layout from its own file). The text is read for block and "no results" phrases
//! only when no results were found.

mod baidu;
mod bing;
mod duckduckgo;
mod google;
mod layout;
mod meta;
mod unwrap;
mod verdict;
mod walk;
mod yandex;

#[cfg(test)]
mod tests;

use scraper::Html;
use url::Url;

use self::meta::Meta;
use self::verdict::Signal;
use super::{Outcome, ResultPage, Source};

pub use self::unwrap::unwrap_redirect;

/// Why a file is not read as a result page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SerpError {
    #[error(
        "{} is not a result page of Google, Bing, DuckDuckGo, Yandex or Baidu: none of their addresses (saved-from comment, canonical or og:url link, search form), page titles or result markup was found",
        describe(title)
    )]
    NotAResultPage {
        /// The page's title, if it has one.
        title: Option<String>,
    },
}

fn describe(title: &Option<String>) -> String {
    match title {
        Some(t) => format!("the page titled \"{t}\""),
        None => "the page".to_string(),
    }
}

/// The engine a saved page comes from, if it is one's result page (or block page).
pub fn detect(html: &str) -> Option<Source> {
    let doc = crate::extract::parse_html(html);
    Meta::read(html, &doc).engine()
}

/// Reads a saved result page of whichever engine it comes from.
pub fn parse(html: &str) -> Result<ResultPage, SerpError> {
    let doc = crate::extract::parse_html(html);
    let meta = Meta::read(html, &doc);
    match meta.engine() {
        Some(source) => Ok(read(source, html, &doc, &meta)),
        None => Err(SerpError::NotAResultPage {
            title: Some(meta.title).filter(|t| !t.is_empty()),
        }),
    }
}

/// Reads a saved page as `source`'s result page (the caller knows the engine).
pub fn parse_as(source: Source, html: &str) -> ResultPage {
    let doc = crate::extract::parse_html(html);
    let meta = Meta::read(html, &doc);
    read(source, html, &doc, &meta)
}

fn read(source: Source, html: &str, doc: &Html, meta: &Meta) -> ResultPage {
    let layout = layout::of(source);
    let base = meta
        .urls()
        .next()
        .cloned()
        .or_else(|| Url::parse(layout.base).ok())
        .unwrap_or_else(|| Url::parse("https://localhost/").expect("a valid address"));
    let walk = walk::walk(doc, layout, base);
    let query = meta.query(source);
    let page = |outcome, hits| ResultPage {
        source,
        query: query.clone(),
        outcome,
        hits,
    };

    if let Some(reason) = meta
        .urls()
        .find_map(verdict::url_signal)
        .and_then(|s| match s {
            Signal::Blocked(r) => Some(r),
            _ => None,
        })
        .or(walk.blocked)
    {
        return page(Outcome::Blocked(reason.to_string()), Vec::new());
    }
    let hits = walk.hits();
    if !hits.is_empty() {
        return page(Outcome::Results, hits);
    }
    let (text_blocked, text_empty) = verdict::text_signals(doc);
    let enable_js = html
        .contains("/httpservice/retry/enablejs")
        .then_some(verdict::ENABLE_JS);
    let outcome = match walk.maybe_blocked.or(text_blocked).or(enable_js) {
        Some(reason) => Outcome::Blocked(reason.to_string()),
        None if walk.empty || text_empty => Outcome::Empty,
        None => Outcome::Blocked(verdict::UNREADABLE.to_string()),
    };
    page(outcome, Vec::new())
}
