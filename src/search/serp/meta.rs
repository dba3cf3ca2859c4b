//! What a saved page says about itself: where it was saved from (the browser's
//! `<!-- saved from url=… -->`), its title, canonical address, search forms and search box;
//! from these, which engine it is and what was searched.

use scraper::node::Element;
use scraper::{ElementRef, Html, Node};
use url::Url;

use super::unwrap::{engine_of_host, web_url};
use crate::search::Source;

/// The saved-from comment is looked for in this many bytes at the top of the file.
const SAVED_FROM_SCAN: usize = 4096;
/// Longest query taken from a page.
const MAX_QUERY_CHARS: usize = 2048;
/// Result markup of one engine needed, at least, to call a page that engine's when nothing
/// else says so.
const MIN_VOTES: u32 = 2;

/// The engines saved pages come from, in the order ties are broken.
pub(super) const ENGINES: [Source; 5] = [
    Source::Google,
    Source::Bing,
    Source::Duckduckgo,
    Source::Yandex,
    Source::Baidu,
];

/// Search box names: `q` (Google, Bing, DuckDuckGo), `text` (Yandex), `wd`/`word` (Baidu).
const BOX_NAMES: [&str; 4] = ["q", "text", "wd", "word"];

#[derive(Debug, Default)]
pub(super) struct Meta {
    /// The address in the browser's saved-from comment (or SingleFile's `url:` line).
    pub saved_from: Option<Url>,
    pub title: String,
    /// `<link rel=canonical>`, `og:url`, `<base href>`: addresses the page gives itself.
    pub self_urls: Vec<Url>,
    /// `action` of the page's forms, as written.
    pub form_actions: Vec<String>,
    /// Visible search boxes (not hidden inputs): (name, value), first of each name.
    pub boxes: Vec<(String, String)>,
    /// Result markup seen, per engine in [`ENGINES`] order.
    votes: [u32; 5],
}

impl Meta {
    /// Reads the page's own description of itself: one walk over the elements.
    pub fn read(html: &str, doc: &Html) -> Meta {
        let mut meta = Meta {
            saved_from: saved_from(html),
            ..Meta::default()
        };
        let mut stack = vec![doc.root_element()];
        while let Some(el) = stack.pop() {
            meta.look_at(el);
            stack.extend(el.children().rev().filter_map(ElementRef::wrap));
        }
        meta
    }

    fn look_at(&mut self, el: ElementRef) {
        let e = el.value();
        match e.name() {
            "title" if self.title.is_empty() => self.title = text(el),
            "link"
                if e.attr("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                self.push_self_url(e.attr("href"));
            }
            "meta" if e.attr("property") == Some("og:url") => self.push_self_url(e.attr("content")),
            "base" => self.push_self_url(e.attr("href")),
            "form" => {
                if let Some(a) = e.attr("action")
                    && self.form_actions.len() < 16
                {
                    self.form_actions.push(a.to_string());
                }
            }
            "input" => {
                let hidden = e
                    .attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("hidden"));
                if let (false, Some(name), Some(value)) = (hidden, e.attr("name"), e.attr("value"))
                {
                    self.push_box(name, value);
                }
            }
            "textarea" => {
                if let Some(name) = e.attr("name") {
                    self.push_box(name, &text(el));
                }
            }
            _ => {}
        }
        if let Some(engine) = vote(e) {
            let i = ENGINES.iter().position(|s| *s == engine).unwrap_or(0);
            self.votes[i] += 1;
        }
    }

    fn push_self_url(&mut self, href: Option<&str>) {
        if let Some(u) = href.and_then(web_url)
            && self.self_urls.len() < 8
        {
            self.self_urls.push(u);
        }
    }

    fn push_box(&mut self, name: &str, value: &str) {
        let value = clean(value);
        if BOX_NAMES.contains(&name)
            && !value.is_empty()
            && !self.boxes.iter().any(|(n, _)| n == name)
        {
            self.boxes.push((name.to_string(), value));
        }
    }

    /// Addresses the page says it is at: saved-from first.
    pub fn urls(&self) -> impl Iterator<Item = &Url> {
        self.saved_from.iter().chain(&self.self_urls)
    }

    /// The engine: from the address the page was saved from (a page saved from any other
    /// site is no engine's), else the address it gives itself, else its title, else its
    /// result markup and search forms.
    pub fn engine(&self) -> Option<Source> {
        if let Some(u) = &self.saved_from {
            return u.host_str().and_then(engine_of_host);
        }
        if let Some(e) = self
            .self_urls
            .iter()
            .find_map(|u| u.host_str().and_then(engine_of_host))
        {
            return Some(e);
        }
        if let Some(e) = ENGINES.into_iter().find(|&e| branded_title(&self.title, e)) {
            return Some(e);
        }
        // A search form alone (a site's "search with Google" box) is one vote, not proof.
        let mut votes = self.votes;
        for engine in self
            .form_actions
            .iter()
            .filter_map(|a| web_url(a).or_else(|| web_url(&format!("https:{a}"))))
            .filter_map(|u| u.host_str().and_then(engine_of_host))
        {
            if let Some(i) = ENGINES.iter().position(|s| *s == engine) {
                votes[i] += 1;
            }
        }
        let (best, votes) = votes
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
        (*votes >= MIN_VOTES).then_some(ENGINES[best])
    }

    /// The query: the search box, else the page's addresses, else its title.
    pub fn query(&self, engine: Source) -> Option<String> {
        let names = box_names(engine);
        let from_box = names.iter().find_map(|n| {
            self.boxes
                .iter()
                .find(|(name, _)| name == n)
                .map(|(_, v)| v.clone())
        });
        from_box
            .or_else(|| self.urls().find_map(|u| query_of_url(u, engine)))
            .or_else(|| title_query(&self.title, engine))
            .map(|q| q.chars().take(MAX_QUERY_CHARS).collect())
    }
}

fn box_names(engine: Source) -> &'static [&'static str] {
    match engine {
        Source::Yandex => &["text"],
        Source::Baidu => &["wd", "word"],
        _ => &["q"],
    }
}

/// The query in an engine's address; for block pages (Google's `sorry` and consent pages,
/// Yandex's captcha) the query of the address they send back to.
fn query_of_url(url: &Url, engine: Source) -> Option<String> {
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    for back in ["continue", "retpath", "backurl", "u"] {
        if let Some((_, v)) = pairs.iter().find(|(k, _)| k == back)
            && let Some(inner) = web_url(v)
            && inner.host_str().and_then(engine_of_host).is_some()
            && let Some(q) = query_in_pairs(
                &inner.query_pairs().into_owned().collect::<Vec<_>>(),
                engine,
            )
        {
            return Some(q);
        }
    }
    // Google's sorry page has a token in its own `q`.
    if url.path().starts_with("/sorry") {
        return None;
    }
    query_in_pairs(&pairs, engine)
}

fn query_in_pairs(pairs: &[(String, String)], engine: Source) -> Option<String> {
    box_names(engine).iter().find_map(|n| {
        pairs
            .iter()
            .find(|(k, v)| k == n && !v.trim().is_empty())
            .map(|(_, v)| clean(v))
    })
}

/// A title that names the engine after the query ("… - Google Search", "… at DuckDuckGo",
/// "… — Яндекс: …", "…_百度搜索"). Bing's "… - Search" names no engine and does not count.
fn branded_title(title: &str, engine: Source) -> bool {
    let brand = match engine {
        Source::Google => "google",
        Source::Bing => "bing",
        Source::Duckduckgo => "duckduckgo",
        Source::Yandex => "яндекс",
        Source::Baidu => "百度",
        _ => return false,
    };
    title_query(title, engine).is_some() && {
        let lower = title.to_lowercase();
        lower.contains(brand) || (engine == Source::Yandex && lower.contains("yandex"))
    }
}

/// The query in a result page's title: "led lamp importer - Google Search",
/// "… at DuckDuckGo", "… — Яндекс: нашлось 3 тыс. результатов", "…_百度搜索". Google's sorry
/// page is titled with the search address itself.
pub(super) fn title_query(title: &str, engine: Source) -> Option<String> {
    let title = title.trim();
    if let Some(u) = web_url(title)
        && u.host_str().and_then(engine_of_host) == Some(engine)
    {
        return query_of_url(&u, engine);
    }
    let q = match engine {
        Source::Duckduckgo => title
            .strip_suffix(" at DuckDuckGo")
            .or_else(|| title.strip_suffix(" bei DuckDuckGo"))
            .or_else(|| title.strip_suffix(" sur DuckDuckGo")),
        Source::Baidu => title.strip_suffix("_百度搜索"),
        _ => {
            let brands: &[&str] = match engine {
                Source::Google => &["google"],
                Source::Bing => &["bing", "search", "suchen", "recherche", "buscar", "поиск"],
                Source::Yandex => &["яндекс", "yandex"],
                _ => &[],
            };
            [" - ", " – ", " — "]
                .iter()
                .filter_map(|sep| title.rfind(sep).map(|i| (i, sep.len())))
                .max_by_key(|(i, _)| *i)
                .filter(|(i, len)| {
                    let brand = title[i + len..].to_lowercase();
                    brands.iter().any(|b| brand.contains(b))
                })
                .map(|(i, _)| &title[..i])
        }
    };
    q.map(clean).filter(|q| !q.is_empty())
}

/// The browser's `<!-- saved from url=(0071)https://… -->`, or SingleFile's
/// `<!-- Page saved with SingleFile \n url: https://… -->`, near the top of the file.
fn saved_from(html: &str) -> Option<Url> {
    let mut end = html.len().min(SAVED_FROM_SCAN);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    let rest = if let Some(i) = head.find("saved from url=(") {
        let after = &head[i + "saved from url=(".len()..];
        &after[after.find(')')? + 1..]
    } else {
        let i = head.find("Page saved with SingleFile")?;
        let after = &head[i..];
        &after[after.find("url: ")? + "url: ".len()..]
    };
    let url: &str = rest.split(|c: char| c.is_whitespace() || c == '>').next()?;
    web_url(url.trim_end_matches("--"))
}

/// Which engine's result markup an element is, if any.
fn vote(e: &Element) -> Option<Source> {
    if let Some(id) = e.id() {
        match id {
            "rso" | "rcnt" | "center_col" | "tads" | "botstuff" | "hdtb" | "topstuff" => {
                return Some(Source::Google);
            }
            "b_results" | "b_content" | "sb_form_q" | "b_header" => return Some(Source::Bing),
            "links_wrapper" | "search_form_input" | "react-layout" => {
                return Some(Source::Duckduckgo);
            }
            "search-result" => return Some(Source::Yandex),
            "content_left" | "wrapper_wrapper" | "kw" | "su" => return Some(Source::Baidu),
            _ => {}
        }
    }
    for class in e.classes() {
        match class {
            "MjjYud" | "tF2Cxc" | "yuRUbf" | "VwiC3b" | "ezO2md" | "Gx5Zad" | "BNeawe"
            | "kCrYT" | "LC20lb" => return Some(Source::Google),
            "b_algo" | "b_ad" | "b_caption" | "b_no" => return Some(Source::Bing),
            "result__a" | "result__snippet" | "results_links" | "result--ad" | "no-results" => {
                return Some(Source::Duckduckgo);
            }
            "serp-item" | "Organic" | "OrganicTitle-Link" | "serp-list" | "EmptySearchResults" => {
                return Some(Source::Yandex);
            }
            "c-container" | "c-abstract" | "nors" => return Some(Source::Baidu),
            _ => {}
        }
    }
    if matches!(
        e.attr("data-testid"),
        Some("result" | "result-title-a" | "result-snippet")
    ) {
        return Some(Source::Duckduckgo);
    }
    if e.name() == "a"
        && let Some(href) = e.attr("href")
    {
        if href.starts_with("/url?") {
            return Some(Source::Google);
        }
        if href.contains("bing.com/ck/a?") {
            return Some(Source::Bing);
        }
        if href.contains("duckduckgo.com/l/?") {
            return Some(Source::Duckduckgo);
        }
        if href.contains("baidu.com/link?") {
            return Some(Source::Baidu);
        }
    }
    None
}

/// The text of an element, whitespace collapsed.
fn text(el: ElementRef) -> String {
    let mut s = String::new();
    for node in el.descendants() {
        if let Node::Text(t) = node.value() {
            s.push_str(t);
            if s.len() > MAX_QUERY_CHARS * 4 {
                break;
            }
        }
    }
    clean(&s)
}

pub(super) fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_from_comment_and_singlefile() {
        let html = "<!DOCTYPE html>\n<!-- saved from url=(0053)https://www.google.de/search?q=led+lampe+importeur -->\n<html>";
        assert_eq!(
            saved_from(html).unwrap().as_str(),
            "https://www.google.de/search?q=led+lampe+importeur"
        );
        let html = "<!-- saved from url=(0014)about:internet --><html>";
        assert!(saved_from(html).is_none());
        let html = "<!DOCTYPE html> <html><!--\n Page saved with SingleFile \n url: https://www.bing.com/search?q=led \n saved date: Mon -->";
        assert_eq!(
            saved_from(html).unwrap().as_str(),
            "https://www.bing.com/search?q=led"
        );
        assert!(saved_from("<html>").is_none());
        // A multi-byte character at the scan limit does not panic.
        let html = "é".repeat(SAVED_FROM_SCAN);
        assert!(saved_from(&html).is_none());
    }

    #[test]
    fn queries_from_titles() {
        let t = |s: &str, e| title_query(s, e);
        assert_eq!(
            t("led lamp importer - Google Search", Source::Google).as_deref(),
            Some("led lamp importer")
        );
        assert_eq!(
            t("LED-Lampe - Großhandel – Google Suche", Source::Google).as_deref(),
            Some("LED-Lampe - Großhandel")
        );
        assert_eq!(
            t("led lamp importer at DuckDuckGo", Source::Duckduckgo).as_deref(),
            Some("led lamp importer")
        );
        assert_eq!(
            t(
                "светодиодные лампы оптом — Яндекс: нашлось 3 тыс. результатов",
                Source::Yandex
            )
            .as_deref(),
            Some("светодиодные лампы оптом")
        );
        assert_eq!(
            t("led灯 进口商_百度搜索", Source::Baidu).as_deref(),
            Some("led灯 进口商")
        );
        assert_eq!(
            t("led lamp importer - Search", Source::Bing).as_deref(),
            Some("led lamp importer")
        );
        assert_eq!(t("Before you continue to Google", Source::Google), None);
        assert_eq!(t("Lampen - Leuchten", Source::Google), None);
        assert_eq!(
            t(
                "https://www.google.com/search?q=led+lamp+importer&sei=x",
                Source::Google
            )
            .as_deref(),
            Some("led lamp importer")
        );
    }

    #[test]
    fn queries_from_block_page_addresses() {
        let u = Url::parse("https://www.google.com/sorry/index?continue=https://www.google.com/search%3Fq%3Dled%2Blamp%2Bimporter%26hl%3Den&q=EgRXtoken").unwrap();
        assert_eq!(
            query_of_url(&u, Source::Google).as_deref(),
            Some("led lamp importer")
        );
        let u = Url::parse("https://www.google.com/sorry/index?q=EgRXtoken").unwrap();
        assert_eq!(query_of_url(&u, Source::Google), None);
        let u = Url::parse("https://yandex.ru/showcaptcha?cc=1&retpath=https%3A//yandex.ru/search%3Ftext%3D%D0%BB%D0%B0%D0%BC%D0%BF%D1%8B_abc&t=0").unwrap();
        assert_eq!(
            query_of_url(&u, Source::Yandex).as_deref(),
            Some("лампы_abc")
        );
    }
}
