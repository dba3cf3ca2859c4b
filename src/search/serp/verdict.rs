//! Telling a page that answered from one that did not: consent walls, captchas, "unusual
//! traffic" and bot checks (blocked), and the engines' own "no results" messages (empty).
//!
//! Signals come from three places: the page's address (`google.com/sorry`,
//! `consent.google.com`, `showcaptcha`, `wappass.baidu.com`), its elements (captcha forms
//! and widgets, the engines' "no results" boxes) and its visible text (phrases, read with one
//! automaton). Addresses and captcha widgets block a page even when links were found in it;
//! a consent form or a phrase only counts when the page has no results.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use scraper::node::Element;
use scraper::{Html, Node};
use url::Url;

use super::layout::has_class;
use super::unwrap::engine_of_host;
use crate::search::Source;

/// Visible text read for phrases, at most (the phrases sit near the top).
const MAX_TEXT: usize = 1 << 20;

pub(super) const CONSENT: &str =
    "consent wall: Google's \"Before you continue to Google\" page (consent.google.com)";
pub(super) const SORRY: &str = "unusual traffic: Google's \"our systems have detected unusual traffic\" captcha (google.com/sorry)";
pub(super) const ENABLE_JS: &str =
    "Google's \"turn on JavaScript\" page: the results were not in the saved page";
pub(super) const CAPTCHA: &str = "captcha: the engine asks to prove a human is searching";
pub(super) const YANDEX_CAPTCHA: &str =
    "Yandex SmartCaptcha (showcaptcha): \"are you not a robot?\"";
pub(super) const BAIDU_CHECK: &str = "Baidu security check (百度安全验证, wappass.baidu.com)";
pub(super) const BING_CHECK: &str =
    "Bing bot check: \"one last step, please solve the challenge below to continue\"";
pub(super) const DDG_CHECK: &str =
    "DuckDuckGo bot check: \"unfortunately, bots use DuckDuckGo too\"";
pub(super) const UNREADABLE: &str = "no results were found in the page and it does not say there are none: a layout this version does not read, or a block page it does not know";

/// What a signal says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Signal {
    /// Not an answer, whatever else is on the page.
    Blocked(&'static str),
    /// Not an answer if the page has no results (a consent form over results is fine).
    MaybeBlocked(&'static str),
    /// The engine says it found nothing.
    Empty,
}

/// What the page's address says: block pages live at their own addresses.
pub(super) fn url_signal(url: &Url) -> Option<Signal> {
    let host = url.host_str()?;
    let path = url.path();
    match engine_of_host(host)? {
        Source::Google if host.starts_with("consent.") => Some(Signal::Blocked(CONSENT)),
        Source::Google if path.starts_with("/sorry") => Some(Signal::Blocked(SORRY)),
        Source::Google if path.starts_with("/httpservice/retry/enablejs") => {
            Some(Signal::Blocked(ENABLE_JS))
        }
        Source::Yandex if path.contains("showcaptcha") || path.contains("checkcaptcha") => {
            Some(Signal::Blocked(YANDEX_CAPTCHA))
        }
        Source::Baidu if host.starts_with("wappass.") => Some(Signal::Blocked(BAIDU_CHECK)),
        Source::Bing if path.starts_with("/turing/captcha") || path.starts_with("/challenge") => {
            Some(Signal::Blocked(BING_CHECK))
        }
        _ => None,
    }
}

/// What one element says: captcha forms and widgets, consent forms, "no results" boxes.
pub(super) fn element_signal(e: &Element) -> Option<Signal> {
    match e.name() {
        "form" => {
            let action = e.attr("action").unwrap_or("");
            if e.id() == Some("captcha-form") || action.contains("/sorry/") {
                return Some(Signal::Blocked(SORRY));
            }
            if action.contains("checkcaptcha") || action.contains("showcaptcha") {
                return Some(Signal::Blocked(YANDEX_CAPTCHA));
            }
            if e.id() == Some("challenge-form") && action.contains("anomaly") {
                return Some(Signal::Blocked(DDG_CHECK));
            }
            if action.contains("consent.google.") || action.contains("consent.youtube.") {
                return Some(Signal::MaybeBlocked(CONSENT));
            }
            None
        }
        "iframe" => {
            let src = e.attr("src").unwrap_or("");
            [
                "recaptcha",
                "hcaptcha.com",
                "challenges.cloudflare.com",
                "smartcaptcha",
            ]
            .iter()
            .any(|m| src.contains(m))
            .then_some(Signal::Blocked(CAPTCHA))
        }
        _ => {
            if e.id() == Some("recaptcha") {
                return Some(Signal::Blocked(CAPTCHA));
            }
            for class in e.classes() {
                match class {
                    "g-recaptcha" | "h-captcha" | "cf-turnstile" => {
                        return Some(Signal::Blocked(CAPTCHA));
                    }
                    "CheckboxCaptcha" | "AdvancedCaptcha" | "SmartCaptcha" => {
                        return Some(Signal::Blocked(YANDEX_CAPTCHA));
                    }
                    "anomaly-modal__modal" | "anomaly-modal__puzzle" => {
                        return Some(Signal::Blocked(DDG_CHECK));
                    }
                    "b_no" | "no-results" | "nors" | "EmptySearchResults" => {
                        return Some(Signal::Empty);
                    }
                    _ => {}
                }
            }
            (e.id() == Some("b_captcha") || has_class(e, "b_captcha"))
                .then_some(Signal::Blocked(BING_CHECK))
        }
    }
}

/// Phrases of block pages and "no results" messages, lower case.
const PHRASES: &[(&str, Signal)] = &[
    (
        "before you continue to google",
        Signal::MaybeBlocked(CONSENT),
    ),
    (
        "bevor sie zu google weitergehen",
        Signal::MaybeBlocked(CONSENT),
    ),
    ("avant d'accéder à google", Signal::MaybeBlocked(CONSENT)),
    (
        "our systems have detected unusual traffic",
        Signal::MaybeBlocked(SORRY),
    ),
    (
        "unusual traffic from your computer network",
        Signal::MaybeBlocked(SORRY),
    ),
    ("ungewöhnlichen datenverkehr", Signal::MaybeBlocked(SORRY)),
    (
        "having trouble accessing google search",
        Signal::MaybeBlocked(ENABLE_JS),
    ),
    ("вы не робот", Signal::MaybeBlocked(YANDEX_CAPTCHA)),
    ("я не робот", Signal::MaybeBlocked(YANDEX_CAPTCHA)),
    ("are you not a robot", Signal::MaybeBlocked(YANDEX_CAPTCHA)),
    (
        "запросы отправляли вы, а не робот",
        Signal::MaybeBlocked(YANDEX_CAPTCHA),
    ),
    ("百度安全验证", Signal::MaybeBlocked(BAIDU_CHECK)),
    ("请完成下方验证", Signal::MaybeBlocked(BAIDU_CHECK)),
    ("one last step", Signal::MaybeBlocked(BING_CHECK)),
    (
        "please solve the challenge below",
        Signal::MaybeBlocked(BING_CHECK),
    ),
    ("bots use duckduckgo too", Signal::MaybeBlocked(DDG_CHECK)),
    (
        "confirm this search was made by a human",
        Signal::MaybeBlocked(DDG_CHECK),
    ),
    (
        "select all squares containing a duck",
        Signal::MaybeBlocked(DDG_CHECK),
    ),
    ("verify you are human", Signal::MaybeBlocked(CAPTCHA)),
    ("did not match any documents", Signal::Empty),
    ("no results found for", Signal::Empty),
    ("übereinstimmenden dokumente gefunden", Signal::Empty),
    ("aucun document ne correspond", Signal::Empty),
    ("there are no results for", Signal::Empty),
    ("no results.", Signal::Empty),
    ("ничего не нашли", Signal::Empty),
    ("ничего не нашлось", Signal::Empty),
    ("sorry, there are no results for this search", Signal::Empty),
    ("抱歉没有找到", Signal::Empty),
    ("抱歉，没有找到", Signal::Empty),
];

static AUTOMATON: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(PHRASES.iter().map(|(p, _)| p)).expect("fixed phrases build an automaton")
});

/// The phrases in the page's visible text (title included): the first block phrase, and
/// whether it says "no results".
pub(super) fn text_signals(doc: &Html) -> (Option<&'static str>, bool) {
    let text = visible_text(doc);
    let mut blocked = None;
    let mut empty = false;
    for m in AUTOMATON.find_iter(&text) {
        match PHRASES[m.pattern().as_usize()].1 {
            Signal::Blocked(r) | Signal::MaybeBlocked(r) => {
                blocked.get_or_insert(r);
            }
            Signal::Empty => empty = true,
        }
    }
    (blocked, empty)
}

/// The page's text outside scripts and styles, lower case, whitespace collapsed.
fn visible_text(doc: &Html) -> String {
    let mut out = String::new();
    let mut space = true;
    let mut stack = vec![doc.tree.root()];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        if !space {
                            out.push(' ');
                            space = true;
                        }
                    } else {
                        out.extend(c.to_lowercase());
                        space = false;
                    }
                }
                if out.len() > MAX_TEXT {
                    break;
                }
                continue;
            }
            Node::Element(e) if matches!(e.name(), "script" | "style" | "template") => continue,
            // A new block ends the phrase before it; inline markup does not.
            Node::Element(e)
                if !out.ends_with('\n')
                    && !matches!(e.name(), "a" | "b" | "em" | "i" | "span" | "strong") =>
            {
                out.push('\n');
                space = true;
            }
            _ => {}
        }
        stack.extend(node.children().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(html: &str) -> (Option<&'static str>, bool) {
        text_signals(&Html::parse_document(html))
    }

    #[test]
    fn phrases_across_inline_markup_and_case() {
        assert_eq!(
            signals("<p>Your search - <b>led xyz</b> - did not\n match any documents.</p>"),
            (None, true)
        );
        assert_eq!(
            signals("<title>Before you continue to Google</title><p>We use cookies</p>"),
            (Some(CONSENT), false)
        );
        assert_eq!(signals("<h1>Ничего не нашли</h1>"), (None, true));
        assert_eq!(
            signals("<div>抱歉没有找到与“xyz”相关的网页。</div>"),
            (None, true)
        );
        // Scripts do not count.
        assert_eq!(
            signals(
                "<script>var m = 'Our systems have detected unusual traffic';</script><p>ok</p>"
            ),
            (None, false)
        );
        // Block words in separate blocks do not join into a phrase.
        assert_eq!(signals("<p>one last</p><p>step</p>"), (None, false));
    }

    #[test]
    fn block_pages_by_address() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            url_signal(&u(
                "https://consent.google.com/ml?continue=https://www.google.com/search?q=x"
            )),
            Some(Signal::Blocked(CONSENT))
        );
        assert_eq!(
            url_signal(&u("https://www.google.de/sorry/index?continue=x")),
            Some(Signal::Blocked(SORRY))
        );
        assert_eq!(
            url_signal(&u("https://yandex.ru/showcaptcha?retpath=x")),
            Some(Signal::Blocked(YANDEX_CAPTCHA))
        );
        assert_eq!(
            url_signal(&u(
                "https://wappass.baidu.com/static/captcha/tuxing.html?ak=x"
            )),
            Some(Signal::Blocked(BAIDU_CHECK))
        );
        assert_eq!(url_signal(&u("https://www.google.de/search?q=sorry")), None);
        assert_eq!(url_signal(&u("https://lichtimport-berlin.de/sorry")), None);
    }
}
