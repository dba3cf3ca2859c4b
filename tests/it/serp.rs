//! Saved result pages (fixtures/serp): every page read as expected — engine, query,
//! outcome, counts, and exact hits with their redirects unwrapped; block pages are blocked,
//! not empty; the generic fallback; hostile input does not panic and stays fast.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use prospect::search::serp::{self, SerpError};
use prospect::search::{Outcome, ResultPage, Source};

use crate::util::fixture;

/// What a page is expected to give.
struct Expect {
    file: &'static str,
    source: Source,
    query: Option<&'static str>,
    outcome: Kind,
    organic: usize,
    ads: usize,
    /// (ad, rank, url, title) of some hits.
    hits: &'static [(bool, u32, &'static str, &'static str)],
    /// URLs that stay engine redirects (`redirect: true`).
    redirects: &'static [&'static str],
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Results,
    Empty,
    /// With a word the reason must contain.
    Blocked(&'static str),
}

const EXPECTED: &[Expect] = &[
    Expect {
        file: "google-desktop.html",
        source: Source::Google,
        query: Some("led lamp importer"),
        outcome: Kind::Results,
        organic: 7,
        ads: 0,
        hits: &[
            (
                false,
                1,
                "https://www.lichtimport-berlin.de/",
                "Lichtimport Berlin GmbH – LED lamp importer and wholesaler",
            ),
            // The text fragment is dropped.
            (
                false,
                2,
                "https://northlight-supplies.co.uk/led-lamps/",
                "LED Lamps | Northlight Supplies Ltd – UK importer",
            ),
            (
                false,
                5,
                "https://www.youtube.com/watch?v=Xk2LedTrade",
                "Finding LED lamp importers in Germany – trade webinar",
            ),
            // The repeated lichtimport-berlin.de result is left out.
            (
                false,
                7,
                "https://www.ledpro-wholesale.com/importers/germany",
                "LED lamp importers in Germany – directory | LEDpro Wholesale",
            ),
        ],
        redirects: &[],
    },
    Expect {
        file: "google-basic.html",
        source: Source::Google,
        query: Some("LED-Lampe Importeur"),
        outcome: Kind::Results,
        organic: 5,
        ads: 0,
        hits: &[
            (
                false,
                1,
                "https://www.lichtimport-berlin.de/",
                "Lichtimport Berlin GmbH – LED-Lampen Import und Großhandel",
            ),
            // /url?q=…%3Fref%3Dgoogle&sa=U: the target's own query kept.
            (
                false,
                3,
                "https://www.led-grosshandel-hamburg.de/ueber-uns?ref=google",
                "Über uns | LED Großhandel Hamburg",
            ),
            (
                false,
                5,
                "https://ledhandel-zuerich.ch/de/",
                "LED Handel Zürich AG",
            ),
        ],
        redirects: &[],
    },
    Expect {
        file: "google-mobile.html",
        source: Source::Google,
        query: Some("led bulb distributor uk"),
        outcome: Kind::Results,
        organic: 4,
        ads: 0,
        hits: &[
            (
                false,
                1,
                "https://northlight-supplies.co.uk/",
                "Northlight Supplies Ltd – LED bulb distributor for the UK trade",
            ),
            // role=heading title, /url?esrc=s&q=&url=… link.
            (
                false,
                3,
                "https://www.ledpro-wholesale.com/uk/",
                "LEDpro Wholesale UK – LED lamps direct from the importer",
            ),
            (
                false,
                4,
                "https://www.yorkshire-electrical-factors.example/about-us",
                "About us - Yorkshire Electrical Factors",
            ),
        ],
        redirects: &[],
    },
    Expect {
        file: "google-ads.html",
        source: Source::Google,
        query: Some("led lampen großhandel"),
        outcome: Kind::Results,
        organic: 3,
        ads: 4,
        hits: &[
            (
                true,
                1,
                "https://www.lampenwelt-shop.de/led-lampen?gad_source=1",
                "LED Lampen im Großhandel – Über 5.000 Artikel ab Lager",
            ),
            (
                true,
                2,
                "https://www.leuchten-b2b.example/led?utm_source=google&utm_medium=cpc",
                "Leuchten B2B – LED Leuchtmittel für Wiederverkäufer",
            ),
            (
                false,
                1,
                "https://www.lichtimport-berlin.de/",
                "Lichtimport Berlin GmbH – LED-Lampen Großhandel",
            ),
            (
                false,
                3,
                "https://www.lampenwelt-shop.de/",
                "Lampenwelt Shop – Lampen & Leuchten online kaufen",
            ),
            (
                true,
                4,
                "https://www.ledpro-wholesale.com/de/?gclid=EAIaIQobChMI",
                "LEDpro Wholesale – LED Importeur für Europa",
            ),
        ],
        redirects: &[
            "https://www.googleadservices.com/pagead/aclk?sa=L&ai=DChcSEwjY&ae=2&sig=AOD64_2&adurl=",
        ],
    },
    Expect {
        file: "bing.html",
        source: Source::Bing,
        query: Some("led lamp importer"),
        outcome: Kind::Results,
        organic: 5,
        ads: 3,
        hits: &[
            (
                true,
                1,
                "https://www.lampenwelt-shop.de/led-lampen?utm_source=bing",
                "LED Lamps Wholesale | Lampenwelt Shop",
            ),
            (
                false,
                1,
                "https://www.lichtimport-berlin.de/",
                "Lichtimport Berlin GmbH – LED lamp importer and wholesaler",
            ),
            (
                false,
                2,
                "https://northlight-supplies.co.uk/led-lamps/",
                "LED Lamps | Northlight Supplies Ltd",
            ),
            (
                false,
                5,
                "https://www.lumiere-import.fr/en/",
                "Lumière Import – LED lamps for French wholesalers",
            ),
            // Plain base64 with %3d padding in an aclk link.
            (
                true,
                3,
                "https://ledhandel-zuerich.ch/haendler",
                "LED Handel Zürich – Jetzt Händler werden",
            ),
        ],
        redirects: &[],
    },
    Expect {
        file: "duckduckgo.html",
        source: Source::Duckduckgo,
        query: Some("led lamp importer"),
        outcome: Kind::Results,
        organic: 5,
        ads: 1,
        hits: &[
            // y.js → bing aclk → the advertiser.
            (
                true,
                1,
                "https://www.lampenwelt-shop.de/led-lampen?utm_source=bing",
                "LED Lamps Wholesale - Trade Prices for Resellers",
            ),
            (
                false,
                1,
                "https://www.lichtimport-berlin.de/",
                "Lichtimport Berlin GmbH – LED lamp importer and wholesaler",
            ),
            (
                false,
                3,
                "https://www.leuchtmittel-grosshandel.at/ueber-uns",
                "Über uns – Leuchtmittel Großhandel Wien",
            ),
        ],
        redirects: &[],
    },
    Expect {
        file: "duckduckgo-html.html",
        source: Source::Duckduckgo,
        query: Some("LED Röhre Großhändler"),
        outcome: Kind::Results,
        organic: 4,
        ads: 1,
        hits: &[
            (
                true,
                1,
                "https://www.leuchten-b2b.example/roehren",
                "LED-Röhren für Wiederverkäufer – Leuchten B2B",
            ),
            (
                false,
                1,
                "https://www.lichtimport-berlin.de/produkte/led-roehren",
                "LED-Röhren – Lichtimport Berlin GmbH",
            ),
            (
                false,
                3,
                "https://www.leuchtmittel-grosshandel.at/led-roehren?sort=preis&seite=2",
                "LED-Röhren | Leuchtmittel Großhandel Wien",
            ),
        ],
        redirects: &[],
    },
    Expect {
        file: "yandex.html",
        source: Source::Yandex,
        query: Some("светодиодные лампы оптом"),
        outcome: Kind::Results,
        organic: 4,
        ads: 2,
        hits: &[
            (
                false,
                1,
                "https://svetoptom-msk.ru/led-lampy/",
                "Светодиодные лампы оптом в Москве — СветОптом",
            ),
            // clck/jsredir?…&url=…
            (
                false,
                2,
                "https://lampy-import.ru/o-kompanii/",
                "О компании — ЛампыИмпорт, прямой импорт LED-ламп",
            ),
            (
                true,
                2,
                "https://yabs.yandex.ru/count/WXuejI_zO2S1FH40D1KZ8z0000?etext=2202.def",
                "LED-лампы для бизнеса — скидка на первый заказ",
            ),
        ],
        redirects: &[
            "https://yabs.yandex.ru/count/WXuejI_zO2S1FH40D1KZ7y0000?etext=2202.abc",
            "https://yabs.yandex.ru/count/WXuejI_zO2S1FH40D1KZ8z0000?etext=2202.def",
        ],
    },
    Expect {
        file: "baidu.html",
        source: Source::Baidu,
        query: Some("LED灯 进口商"),
        outcome: Kind::Results,
        organic: 4,
        ads: 1,
        hits: &[
            // The block's mu attribute gives the target.
            (
                false,
                1,
                "https://www.guangming-led.example/en/importers.html",
                "光明LED照明 - 面向海外进口商的LED灯供应",
            ),
            (
                false,
                4,
                "http://www.ningbo-lamps.example/",
                "宁波灯具进出口公司",
            ),
        ],
        redirects: &[
            "https://www.baidu.com/baidu.php?url=K00000KB8-ZBmL5WcP5dy8_ZjW8fIgLtxQY7xH9yv7k3N6xGq4&us=newvui",
            "http://www.baidu.com/link?url=QpN8vXc2LmT0kYd5eW3RzUhJ7iOa",
        ],
    },
    Expect {
        file: "google-unknown-classes.html",
        source: Source::Google,
        query: Some("led panel distributor poland"),
        outcome: Kind::Results,
        organic: 4,
        ads: 0,
        hits: &[
            (
                false,
                1,
                "https://www.hurtownia-led-warszawa.example/panele-led",
                "Panele LED – Hurtownia LED Warszawa, dystrybutor",
            ),
            (
                false,
                2,
                "https://ledpol-dystrybucja.example/en/",
                "LEDPOL Dystrybucja – LED panel distributor in Poland",
            ),
        ],
        redirects: &[],
    },
    Expect {
        file: "google-consent.html",
        source: Source::Google,
        query: Some("led lamp importer"),
        outcome: Kind::Blocked("consent"),
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "google-sorry.html",
        source: Source::Google,
        query: Some("led lamp importer netherlands"),
        outcome: Kind::Blocked("unusual traffic"),
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "yandex-captcha.html",
        source: Source::Yandex,
        query: None,
        outcome: Kind::Blocked("SmartCaptcha"),
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "baidu-captcha.html",
        source: Source::Baidu,
        query: Some("LED灯 进口商"),
        outcome: Kind::Blocked("安全验证"),
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "duckduckgo-botcheck.html",
        source: Source::Duckduckgo,
        query: Some("led lamp importer sweden"),
        outcome: Kind::Blocked("bots use DuckDuckGo"),
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "bing-captcha.html",
        source: Source::Bing,
        query: Some("led lamp importer poland"),
        outcome: Kind::Blocked("one last step"),
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "google-empty.html",
        source: Source::Google,
        query: Some("\"LED lamp importer\" \"Liechtenstein\" filetype:xls"),
        outcome: Kind::Empty,
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "bing-empty.html",
        source: Source::Bing,
        query: Some("\"LED lamp importer\" \"Vaduz\" filetype:xls"),
        outcome: Kind::Empty,
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "duckduckgo-html-empty.html",
        source: Source::Duckduckgo,
        query: Some("\"LED lamp importer\" \"Andorra la Vella\" filetype:xls"),
        outcome: Kind::Empty,
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
    Expect {
        file: "yandex-empty.html",
        source: Source::Yandex,
        query: Some("\"импортёр светодиодных ламп\" Нарьян-Мар"),
        outcome: Kind::Empty,
        organic: 0,
        ads: 0,
        hits: &[],
        redirects: &[],
    },
];

fn read(file: &str) -> String {
    std::fs::read_to_string(fixture("serp").join(file)).unwrap()
}

fn check(e: &Expect, page: &ResultPage) {
    let f = e.file;
    assert_eq!(page.source, e.source, "{f}");
    assert_eq!(page.query.as_deref(), e.query, "{f}");
    match (e.outcome, &page.outcome) {
        (Kind::Results, Outcome::Results) | (Kind::Empty, Outcome::Empty) => {}
        (Kind::Blocked(word), Outcome::Blocked(reason)) => assert!(
            reason.to_lowercase().contains(&word.to_lowercase()),
            "{f}: {reason}"
        ),
        (want, got) => panic!("{f}: expected {want:?}, got {got:?}"),
    }
    let organic: Vec<_> = page.hits.iter().filter(|h| !h.ad).collect();
    let ads: Vec<_> = page.hits.iter().filter(|h| h.ad).collect();
    assert_eq!(organic.len(), e.organic, "{f}: {:#?}", page.hits);
    assert_eq!(ads.len(), e.ads, "{f}: {:#?}", page.hits);
    // Ranks count 1, 2, 3 … within organic results and within ads, in page order.
    for list in [&organic, &ads] {
        let ranks: Vec<u32> = list.iter().map(|h| h.rank).collect();
        let want: Vec<u32> = (1..=list.len() as u32).collect();
        assert_eq!(ranks, want, "{f}");
    }
    for &(ad, rank, url, title) in e.hits {
        let hit = page
            .hits
            .iter()
            .find(|h| h.ad == ad && h.rank == rank)
            .unwrap_or_else(|| panic!("{f}: no hit ad={ad} rank={rank}"));
        assert_eq!((hit.url.as_str(), hit.title.as_str()), (url, title), "{f}");
        assert_eq!(hit.redirect, e.redirects.contains(&url), "{f}: {url}");
    }
    let redirects: Vec<&str> = page
        .hits
        .iter()
        .filter(|h| h.redirect)
        .map(|h| h.url.as_str())
        .collect();
    assert_eq!(redirects, e.redirects, "{f}");
    // Each URL once; no engine page among the hits unless it is a redirect.
    let mut urls: Vec<&str> = page.hits.iter().map(|h| h.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), page.hits.len(), "{f}");
    for h in &page.hits {
        assert!(!h.title.is_empty(), "{f}: {h:?}");
        if !h.redirect {
            let (target, redirect) = serp::unwrap_redirect(&h.url);
            assert_eq!((target.as_str(), redirect), (h.url.as_str(), false), "{f}");
            for engine in [
                "google.",
                "bing.com",
                "duckduckgo.com",
                "yandex.",
                "baidu.com",
            ] {
                assert!(!h.url.contains(engine), "{f}: {}", h.url);
            }
        }
    }
}

#[test]
fn every_fixture_reads_as_expected() {
    for e in EXPECTED {
        let html = read(e.file);
        let page = serp::parse(&html).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        check(e, &page);
        assert_eq!(serp::detect(&html), Some(e.source), "{}", e.file);
        // Told the engine, the reader gives the same page.
        assert_eq!(serp::parse_as(e.source, &html), page, "{}", e.file);
    }
}

#[test]
fn every_fixture_is_listed_and_says_what_it_is() {
    let mut files: Vec<String> = std::fs::read_dir(fixture("serp"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|e| e.file.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed);
    for f in &files {
        let html = read(f);
        let mut lines = html.lines();
        let mut first = lines.next().unwrap();
        if first.starts_with("<!-- saved from url=(") {
            // The browser's comment stays first, with the address's length.
            let (len, rest) = first["<!-- saved from url=(".len()..]
                .split_once(')')
                .unwrap();
            let url = rest.trim_end_matches(" -->");
            assert_eq!(len.parse::<usize>().unwrap(), url.len(), "{f}");
            first = lines.next().unwrap();
        }
        assert!(
            first.starts_with("<!-- ") && first.ends_with(" -->") && first.len() > 40,
            "{f}: {first}"
        );
        assert!(html.len() < 16 * 1024, "{f} is {} bytes", html.len());
    }
}

#[test]
fn block_pages_are_blocked_not_empty() {
    for e in EXPECTED
        .iter()
        .filter(|e| matches!(e.outcome, Kind::Blocked(_)))
    {
        let page = serp::parse(&read(e.file)).unwrap();
        assert!(page.blocked(), "{}: {:?}", e.file, page.outcome);
        assert!(page.hits.is_empty(), "{}", e.file);
    }
    // A captcha is a block even with links on the page.
    let html = read("google-sorry.html").replace(
        "</form>",
        "</form><a href=\"https://lichtimport-berlin.de/\"><h3>Lichtimport Berlin</h3></a>",
    );
    assert!(serp::parse(&html).unwrap().blocked());
    // A results page whose layout is not read is not "no results" either.
    let html = "<!-- saved from url=(0038)https://www.bing.com/search?q=led+lamp -->\n<html><body><ol id=\"b_results\"></ol></body></html>";
    let page = serp::parse(html).unwrap();
    assert!(page.blocked(), "{:?}", page.outcome);
}

#[test]
fn generic_fallback_finds_result_links_in_unknown_markup() {
    // Unknown classes, titles in <h3> under unknown blocks, Google's own links around.
    let html = r#"<!-- saved from url=(0048)https://www.google.fr/search?q=ampoule+led+importateur -->
<html><head><title>ampoule led importateur - Recherche Google</title></head><body>
<div class="x1"><a href="/search?q=ampoule+led&amp;udm=2"><h3>Images pour ampoule led</h3></a></div>
<div class="x2"><div class="y1"><a href="https://www.lumiere-import.fr/"><h3>Lumière Import – importateur d'ampoules LED</h3></a><div class="y2">Importateur et grossiste depuis 2004.</div></div>
<div class="y1"><a href="/url?q=https://www.eclairage-grossiste.example/contact&amp;sa=U"><h3>Contact – Éclairage Grossiste</h3></a></div></div>
<a href="https://maps.google.fr/maps?q=ampoule"><h3>Plans</h3></a></body></html>"#;
    let page = serp::parse(html).unwrap();
    assert_eq!(page.source, Source::Google);
    let got: Vec<(&str, &str)> = page
        .hits
        .iter()
        .map(|h| (h.url.as_str(), h.snippet.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "https://www.lumiere-import.fr/",
                "Importateur et grossiste depuis 2004."
            ),
            ("https://www.eclairage-grossiste.example/contact", ""),
        ]
    );
}

#[test]
fn pages_of_no_engine_are_refused_with_what_was_looked_for() {
    let html = std::fs::read_to_string(fixture("sites/lichthaus-wien.test/index.html")).unwrap();
    let err = serp::parse(&html).unwrap_err();
    let SerpError::NotAResultPage { title } = &err;
    assert!(title.is_some());
    let msg = err.to_string();
    assert!(
        msg.contains("Google, Bing, DuckDuckGo, Yandex or Baidu"),
        "{msg}"
    );
    assert!(msg.contains("saved-from"), "{msg}");
    assert_eq!(serp::detect(&html), None);
    for junk in [
        "",
        "   ",
        "\u{feff}",
        "<html></html>",
        "%PDF-1.7\n\u{0}\u{1}\u{2}",
    ] {
        assert!(serp::parse(junk).is_err(), "{junk:?}");
    }
}

/// Hostile pages are read in bounded time. The bound is wide (a debug build on a shared
/// machine); what it catches is quadratic work, which takes minutes here.
#[test]
fn hostile_pages_do_not_panic_and_stay_fast() {
    let bound = Duration::from_secs(30);
    let timed = |what: &str, html: &str| {
        let start = Instant::now();
        let page = serp::parse_as(Source::Google, html);
        let _ = serp::parse(html);
        assert!(start.elapsed() < bound, "{what}: {:?}", start.elapsed());
        page
    };
    let links: String = (0..100_000)
        .map(|i| {
            format!("<div><a href=\"/url?q=https://s{i}.example/\"><h3>Firma {i}</h3></a></div>")
        })
        .collect();
    let page = timed("100k links", &links);
    assert!(!page.hits.is_empty() && page.hits.len() <= 300);

    let one_line = format!(
        "<html><body><div class=\"g\"><a href=\"https://a.example/\"><h3>{}</h3></a><p>{}</p></div></body></html>",
        "LED ".repeat(200_000),
        "x".repeat(2_200_000)
    );
    assert!(one_line.len() > 3_000_000);
    let page = timed("3 MB line", &one_line);
    assert_eq!(page.hits.len(), 1);
    assert!(page.hits[0].title.chars().count() <= 301);
    assert!(page.hits[0].snippet.chars().count() <= 401);

    let deep = format!(
        "{}<a href=\"https://deep.example/\"><h3>Deep</h3></a>",
        "<div><span><b>".repeat(50_000)
    );
    timed("deep nesting", &deep);
    let attrs = format!(
        "<a href=\"{}\">x</a>",
        "https://a.example/?".repeat(100_000)
    );
    timed("long href", &attrs);
    timed("unclosed", &"<a href=x><h3>".repeat(20_000));
    let binary: String = (0..200_000u32)
        .map(|i| char::from_u32(i % 0xD7FF).unwrap_or('\u{fffd}'))
        .collect();
    timed("binary", &binary);
    timed("empty", "");
}

fn serpish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("<div class=\"g\">".to_string()),
        Just("<div class=\"MjjYud\">".to_string()),
        Just("<li class=\"b_algo\"><h2>".to_string()),
        Just("<div id=\"tads\">".to_string()),
        Just("<div class=\"result c-container\" mu=\"https://m.example/\">".to_string()),
        Just("<li class=\"serp-item\" data-fast-name=\"direct\">".to_string()),
        Just("<a href=\"/url?q=https://x.example/&amp;sa=U\">".to_string()),
        Just("<a href=\"https://www.bing.com/ck/a?u=a1aHR0cHM6Ly95LmV4YW1wbGUv\">".to_string()),
        Just("<a href=\"//duckduckgo.com/l/?uddg=https%3A%2F%2Fz.example%2F\">".to_string()),
        Just("<a href=\"http://www.baidu.com/link?url=abc\">".to_string()),
        Just("<h3>".to_string()),
        Just("</h3></a></div>".to_string()),
        Just("<span>Sponsored</span>".to_string()),
        Just("<form id=\"captcha-form\">".to_string()),
        Just("did not match any documents".to_string()),
        Just("<!-- saved from url=(0030)https://www.google.com/search?q=x -->".to_string()),
        "[a-zA-Z0-9 <>/=\"'&;#%.:?-]{0,24}",
        "\\PC{0,8}",
    ];
    prop::collection::vec(token, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let html = String::from_utf8_lossy(&bytes);
        let _ = serp::parse(&html);
        let _ = serp::detect(&html);
        let _ = serp::unwrap_redirect(&html);
    }

    #[test]
    fn never_panics_on_result_like_markup(html in serpish()) {
        for source in [Source::Google, Source::Bing, Source::Duckduckgo, Source::Yandex, Source::Baidu] {
            let page = serp::parse_as(source, &html);
            // Results means hits; blocked and empty pages have none.
            prop_assert_eq!(page.outcome == Outcome::Results, !page.hits.is_empty());
            for h in &page.hits {
                prop_assert!(h.rank >= 1);
                prop_assert!(!h.title.is_empty());
            }
        }
        let _ = serp::parse(&html);
    }

    #[test]
    fn unwrap_never_panics(s in "\\PC{0,80}", b in "[A-Za-z0-9_=+/-]{0,60}") {
        let _ = serp::unwrap_redirect(&s);
        let _ = serp::unwrap_redirect(&format!("https://www.bing.com/ck/a?u=a1{b}"));
        let _ = serp::unwrap_redirect(&format!("/url?q={s}"));
    }
}
