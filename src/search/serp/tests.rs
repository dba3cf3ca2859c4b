//! Tests of the saved-page reader on small inline pages; the realistic pages are in
//! `fixtures/serp/` (tests/it/serp.rs).

use super::*;
use crate::search::Hit;

fn google(body: &str) -> String {
    format!(
        "<!-- saved from url=(0050)https://www.google.com/search?q=led+lamp+importer -->\n\
         <html><head><title>led lamp importer - Google Search</title></head><body>{body}</body></html>"
    )
}

fn urls(hits: &[Hit]) -> Vec<(u32, &str, bool)> {
    hits.iter()
        .map(|h| (h.rank, h.url.as_str(), h.ad))
        .collect()
}

#[test]
fn google_heading_links_in_blocks_with_snippets() {
    let html = google(
        r#"<div id="rso">
        <div class="MjjYud"><div class="g"><a href="https://lichtimport-berlin.de/"><h3>Lichtimport Berlin – LED-Lampen Großhandel</h3><cite>lichtimport-berlin.de</cite></a>
          <div class="VwiC3b">Importeur von LED-Lampen seit 1998.</div></div></div>
        <div class="MjjYud"><div class="g"><a href="/url?q=https://led-handel.example/&amp;sa=U&amp;ved=x"><h3>LED Handel</h3></a>
          <div><span>Großhandel für LED Röhren und Panels in Österreich.</span></div></div></div>
        </div>"#,
    );
    let page = parse(&html).unwrap();
    assert_eq!(page.source, Source::Google);
    assert_eq!(page.query.as_deref(), Some("led lamp importer"));
    assert_eq!(page.outcome, Outcome::Results);
    assert_eq!(
        urls(&page.hits),
        [
            (1, "https://lichtimport-berlin.de/", false),
            (2, "https://led-handel.example/", false)
        ]
    );
    assert_eq!(
        page.hits[0].title,
        "Lichtimport Berlin – LED-Lampen Großhandel"
    );
    assert_eq!(page.hits[0].snippet, "Importeur von LED-Lampen seit 1998.");
    // No snippet markup: the block's text without its links.
    assert_eq!(
        page.hits[1].snippet,
        "Großhandel für LED Röhren und Panels in Österreich."
    );
}

#[test]
fn role_heading_titles_sitelinks_and_engine_links() {
    let html = google(
        r#"<div id="rso">
        <div class="MjjYud"><a href="https://www.lampen-hoffmann.example/"><div role="heading" aria-level="3">Lampen Hoffmann</div></a>
          <h3><a href="https://www.lampen-hoffmann.example/kontakt">Kontakt</a></h3>
          <h3><a href="https://www.lampen-hoffmann.example/produkte">Produkte</a></h3>
          <a href="https://webcache.googleusercontent.com/search?q=cache:x"><h3>Cached</h3></a>
          <a href="https://translate.google.com/translate?u=x"><h3>Translate this page</h3></a></div>
        <div class="MjjYud"><a href="https://www.youtube.com/watch?v=abc"><h3>LED lamp import explained</h3></a></div>
        <div class="MjjYud"><a href="/search?q=led+lamp+importer+germany"><h3>led lamp importer germany</h3></a></div>
        <div class="MjjYud"><div class="related-question-pair" data-q="Who imports LED lamps?"><a href="https://paa.example/"><h3>PAA answer</h3></a></div></div>
        </div>"#,
    );
    let page = parse(&html).unwrap();
    assert_eq!(
        urls(&page.hits),
        [
            (1, "https://www.lampen-hoffmann.example/", false),
            (2, "https://www.youtube.com/watch?v=abc", false)
        ]
    );
    assert_eq!(page.hits[0].title, "Lampen Hoffmann");
}

#[test]
fn ads_are_flagged_and_ranked_apart() {
    let html = google(
        r#"<div id="tads"><div class="uEierd"><span>Sponsored</span><a href="https://www.googleadservices.com/pagead/aclk?sa=L&amp;adurl=https://shop.lampenwelt.example/led"><div role="heading">LED Lampen kaufen</div></a></div></div>
        <div id="rso"><div class="g"><a href="https://a.example/"><h3>A</h3></a></div>
        <div class="g"><a href="https://a.example/#:~:text=LED"><h3>A again</h3></a></div>
        <div class="g"><a href="https://b.example/"><h3>B</h3></a></div></div>
        <div id="bottomads"><div><a href="https://c.example/"><h3>C</h3></a></div></div>"#,
    );
    let page = parse(&html).unwrap();
    assert_eq!(
        urls(&page.hits),
        [
            (1, "https://shop.lampenwelt.example/led", true),
            (1, "https://a.example/", false),
            (2, "https://b.example/", false),
            (2, "https://c.example/", true)
        ]
    );
}

#[test]
fn unknown_markup_falls_back_to_result_like_links() {
    let html = google(
        r#"<div class="zz1"><div class="q9"><a href="https://lichtimport-berlin.de/ueber-uns">Über uns – Lichtimport Berlin GmbH</a><p>LED-Lampen Import und Vertrieb.</p></div>
        <div class="q9"><a href="https://northlight.example/">Northlight Supplies Ltd, LED lamp distributor</a></div>
        <div class="q9"><a href="https://short.example/">Short</a></div>
        <a href="https://www.google.com/preferences">Search settings and preferences for you</a></div>"#,
    );
    let page = parse(&html).unwrap();
    assert_eq!(page.outcome, Outcome::Results);
    assert_eq!(
        urls(&page.hits),
        [
            (1, "https://lichtimport-berlin.de/ueber-uns", false),
            (2, "https://northlight.example/", false)
        ]
    );
    assert_eq!(page.hits[0].snippet, "LED-Lampen Import und Vertrieb.");
}

#[test]
fn blocks_without_headings_take_their_first_link() {
    let html = google(
        r#"<div class="ezO2md"><a href="/url?q=https://x1.example/&amp;sa=U">x1 site</a><a href="/url?q=https://x1.example/more">more</a></div>
        <div class="ezO2md"><a href="/url?q=https://x2.example/&amp;sa=U">x2</a></div>"#,
    );
    let page = parse(&html).unwrap();
    assert_eq!(
        urls(&page.hits),
        [
            (1, "https://x1.example/", false),
            (2, "https://x2.example/", false)
        ]
    );
}

#[test]
fn baidu_mu_gives_the_target_and_link_stays_a_redirect_without_it() {
    let html = r#"<html><head><title>led灯 进口商_百度搜索</title></head><body><div id="content_left">
        <div class="result c-container" mu="https://www.guangming-led.example/"><h3 class="t"><a href="http://www.baidu.com/link?url=AAA">光明LED照明</a></h3><div class="c-abstract">LED灯进口商</div></div>
        <div class="result c-container"><h3 class="t"><a href="http://www.baidu.com/link?url=BBB">华光灯饰</a></h3></div>
        <div class="result-op c-container" mu="https://baike.baidu.com/item/LED"><h3 class="t"><a href="http://www.baidu.com/link?url=CCC">LED_百度百科</a></h3></div>
        </div></body></html>"#;
    let page = parse(html).unwrap();
    assert_eq!(page.source, Source::Baidu);
    assert_eq!(page.query.as_deref(), Some("led灯 进口商"));
    assert_eq!(page.hits.len(), 2);
    assert_eq!(page.hits[0].url, "https://www.guangming-led.example/");
    assert!(!page.hits[0].redirect);
    assert_eq!(page.hits[1].url, "http://www.baidu.com/link?url=BBB");
    assert!(page.hits[1].redirect);
}

#[test]
fn blocked_empty_and_unreadable() {
    let consent = "<!-- saved from url=(0080)https://consent.google.com/ml?continue=https://www.google.com/search?q%3Dled%2Blamp -->\n<html><head><title>Before you continue to Google</title></head><body><form action=\"https://consent.google.com/save\"><button>Accept all</button></form></body></html>";
    let page = parse(consent).unwrap();
    assert_eq!(page.outcome, Outcome::Blocked(verdict::CONSENT.into()));
    assert!(page.hits.is_empty());
    assert_eq!(page.query.as_deref(), Some("led lamp"));

    // A consent form over results does not hide them.
    let over = google(
        r#"<form action="https://consent.google.com/save"></form><div class="g"><a href="https://a.example/"><h3>A</h3></a></div>"#,
    );
    assert_eq!(parse(&over).unwrap().outcome, Outcome::Results);

    let empty = google(
        "<div id=\"topstuff\"><div class=\"card-section\"><p>Your search - <b>led lamp importer xq</b> - did not match any documents.</p></div></div>",
    );
    assert_eq!(parse(&empty).unwrap().outcome, Outcome::Empty);

    let nothing = google("<div id=\"rso\"></div>");
    assert_eq!(
        parse(&nothing).unwrap().outcome,
        Outcome::Blocked(verdict::UNREADABLE.into())
    );
}

#[test]
fn detection_by_address_title_form_and_markup() {
    assert_eq!(
        detect("<!-- saved from url=(0040)https://html.duckduckgo.com/html/ -->\n<html></html>"),
        Some(Source::Duckduckgo)
    );
    assert_eq!(
        detect(r#"<link rel="canonical" href="https://yandex.ru/search/?text=x">"#),
        Some(Source::Yandex)
    );
    assert_eq!(
        detect(r#"<form action="//www.baidu.com/s"><input id="kw" name="wd" value="x"></form>"#),
        Some(Source::Baidu)
    );
    // A site's own search box that sends to Google does not make it a result page, nor
    // does a title ending in "- Search"; a page saved from a company site is no engine's.
    assert_eq!(
        detect(
            r#"<title>LED - Search</title><form action="https://www.google.com/search"><input name="q"></form><h3><a href="https://x.example/">LED lamps E27</a></h3>"#
        ),
        None
    );
    assert_eq!(
        detect(
            "<!-- saved from url=(0031)https://lichtimport-berlin.de/ -->\n<title>led - Google Search</title><div id=\"rso\"></div><div class=\"MjjYud\"></div>"
        ),
        None
    );
    assert_eq!(
        detect("<title>led lamp importer at DuckDuckGo</title>"),
        Some(Source::Duckduckgo)
    );
    assert_eq!(
        detect(r#"<ol id="b_results"><li class="b_algo"></li></ol>"#),
        Some(Source::Bing)
    );
    // One marker is not enough.
    assert_eq!(
        detect(r#"<div class="g">x</div><div class="Organic"></div>"#),
        None
    );
    assert_eq!(detect(""), None);
    let err = parse("<title>Lichtimport Berlin</title><p>LED</p>").unwrap_err();
    assert!(err.to_string().contains("\"Lichtimport Berlin\""), "{err}");
}

#[test]
fn parse_as_reads_with_the_given_layout() {
    let html = r#"<ol><li class="b_algo"><h2><a href="https://www.bing.com/ck/a?!&amp;u=a1aHR0cHM6Ly9sZWQuZXhhbXBsZS8&amp;ntb=1">LED</a></h2><p class="b_lineclamp2">snippet</p></li></ol>"#;
    let page = parse_as(Source::Bing, html);
    assert_eq!(page.source, Source::Bing);
    assert_eq!(page.hits[0].url, "https://led.example/");
    assert_eq!(page.hits[0].snippet, "snippet");
}

#[test]
fn hostile_pages_are_bounded() {
    let many = format!(
        "<title>x - Google Search</title>{}",
        "<div class=\"g\"><a href=\"https://a.example/\"><h3>A</h3></a></div>".repeat(50_000)
    );
    let page = parse(&many).unwrap();
    assert_eq!(page.hits.len(), 1);

    let distinct: String = (0..100_000)
        .map(|i| format!("<a href=\"https://s{i}.example/\">Company number {i} LED lamps</a>"))
        .collect();
    let page = parse_as(Source::Google, &distinct);
    assert_eq!(page.hits.len(), walk::MAX_HITS);

    let deep = format!(
        "{}{}",
        "<div>".repeat(100_000),
        "<a href=\"https://x.example/\"><h3>X</h3></a>"
    );
    let _ = parse_as(Source::Google, &deep);
    let _ = parse_as(Source::Google, "");
    let _ = parse("\u{0}\u{1}\u{fffd}<<<>>>&&&");
}

#[test]
fn duckduckgo_lite_rows_are_title_links() {
    let html = r#"<!-- saved from url=(0051)https://lite.duckduckgo.com/lite/?q=led+lamp+importer -->
<html><body><form action="/lite/"><input name="q" value="led lamp importer"></form><table>
<tr><td>1.&nbsp;</td><td><a rel="nofollow" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Flichtimport-berlin.de%2F&amp;rut=1" class="result-link">Lichtimport</a></td></tr>
<tr><td></td><td class="result-snippet">LED lamp importer.</td></tr>
<tr><td>2.&nbsp;</td><td><a rel="nofollow" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Fled.example%2F&amp;rut=2" class="result-link">LED</a></td></tr>
<tr><td><a href="/lite/?q=led+lamp+importer&amp;s=10">Next Page &gt;</a></td></tr>
</table></body></html>"#;
    let page = parse(html).unwrap();
    assert_eq!(page.source, Source::Duckduckgo);
    assert_eq!(page.query.as_deref(), Some("led lamp importer"));
    assert_eq!(
        urls(&page.hits),
        [
            (1, "https://lichtimport-berlin.de/", false),
            (2, "https://led.example/", false)
        ]
    );
}
