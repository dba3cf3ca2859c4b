//! Result pages saved from a browser: Google, Bing, DuckDuckGo, Yandex and Baidu.

use super::ResultPage;

/// Placeholder until the parsers land.
pub fn parse(_html: &str) -> Result<ResultPage, String> {
    Err("not a result page".into())
}
