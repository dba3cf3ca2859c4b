//! Search results, wherever they come from: result pages a person saved from a browser
//! ([`serp`]) and search APIs ([`api`]). Both give a [`ResultPage`].

pub mod api;
pub mod serp;
pub mod stage;

use std::fmt;

use serde::Serialize;

use crate::templates::Engine;

/// Where a result page came from: a search engine's own page (saved from a browser), or a
/// search API's answer (the plan's [`Backend`](crate::plan::Backend)). Its queries follow an
/// [`Engine`]'s syntax ([`Source::engine`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Google,
    Bing,
    Duckduckgo,
    Yandex,
    Baidu,
    Searxng,
    Brave,
    Serper,
    Serpapi,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Google => "google",
            Source::Bing => "bing",
            Source::Duckduckgo => "duckduckgo",
            Source::Yandex => "yandex",
            Source::Baidu => "baidu",
            Source::Searxng => "searxng",
            Source::Brave => "brave",
            Source::Serper => "serper",
            Source::Serpapi => "serpapi",
        }
    }
}

impl Source {
    /// The engine whose syntax and limits the queries of this source follow: a saved page's
    /// own engine; Google's for SearXNG, Serper and SerpApi (which pass Google-style operators
    /// on); Brave's for Brave.
    pub fn engine(self) -> Engine {
        match self {
            Source::Bing => Engine::Bing,
            Source::Duckduckgo => Engine::Duckduckgo,
            Source::Yandex => Engine::Yandex,
            Source::Baidu => Engine::Baidu,
            Source::Brave => Engine::Brave,
            Source::Google | Source::Searxng | Source::Serper | Source::Serpapi => Engine::Google,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One result on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// 1-based position among the page's results of the same kind (organic or ad), in page
    /// order.
    pub rank: u32,
    pub title: String,
    /// The target address, with the engine's redirect unwrapped where the target is in it.
    pub url: String,
    pub snippet: String,
    /// A paid result (seed method 11 reads them; they are kept, flagged).
    pub ad: bool,
    /// `url` is still an engine redirect whose target cannot be read offline (Baidu
    /// `link?url=`, Yandex ad counters, ad links without their target); one HEAD request at
    /// harvest time resolves it.
    pub redirect: bool,
}

/// What a page says about its query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "reason", rename_all = "lowercase")]
pub enum Outcome {
    /// Results were found (`hits` is not empty).
    Results,
    /// The engine answered and found nothing.
    Empty,
    /// Not an answer: a consent wall, a captcha, an "unusual traffic" page, a quota error.
    /// Never to be read as "no results".
    Blocked(String),
}

/// One page of results for one query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultPage {
    pub source: Source,
    /// The query as the page shows it (search box, title or API echo), when it does.
    pub query: Option<String>,
    pub outcome: Outcome,
    pub hits: Vec<Hit>,
}

impl ResultPage {
    pub fn blocked(&self) -> bool {
        matches!(self.outcome, Outcome::Blocked(_))
    }
}

/// Why a saved result file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error(transparent)]
    Binary(#[from] crate::net::decode::DecodeError),
    #[error(transparent)]
    Api(#[from] api::ApiError),
    #[error(transparent)]
    Serp(#[from] serp::SerpError),
}

/// Reads a saved result file: a page saved from a browser (any charset), or a search API's
/// JSON response; which one is told by the content, not the file name.
pub fn parse_saved(bytes: &[u8]) -> Result<ResultPage, SavedError> {
    let text = crate::net::decode::decode(bytes, None, true)?.text;
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') || start.starts_with('[') {
        Ok(api::parse_json(start)?)
    } else {
        Ok(serp::parse(&text)?)
    }
}
