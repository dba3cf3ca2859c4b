//! Search APIs (SearXNG, Brave, Serper, SerpApi) behind one interface, and their JSON.

use super::ResultPage;

/// Placeholder until the parsers land.
pub fn parse_json(_body: &str) -> Result<ResultPage, String> {
    Err("not a search API response".into())
}
