//! Tests of the page picker: sites in several languages, ranking, URLs and malformed input.

use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn page(nav: &str) -> String {
    format!("<!doctype html><html><head><title>t</title></head><body>{nav}</body></html>")
}

/// (path-and-query, kind) of the chosen pages.
fn picked(base: &str, html: &str, max: usize) -> Vec<(String, PageKind)> {
    pick_pages(&url(base), html, max, &Lexicon::builtin())
        .into_iter()
        .map(|l| {
            let mut p = l.url.path().to_string();
            if let Some(q) = l.url.query() {
                p.push('?');
                p.push_str(q);
            }
            if l.url.host_str() != url(base).host_str() {
                p = l.url.to_string();
            }
            (p, l.kind)
        })
        .collect()
}

const GERMAN: &str = r#"
    <header><nav><ul>
      <li><a href="/">Startseite</a></li>
      <li><a href="/produkte/">Produkte</a></li>
      <li><a href="/sortiment.html">Sortiment</a></li>
      <li><a href="/ueber-uns">Über uns</a></li>
      <li><a href="/kontakt">Kontakt</a></li>
      <li><a href="/warenkorb">Warenkorb</a></li>
    </ul></nav></header>
    <main><p>Willkommen! <a href="/kontakt#form">Schreiben Sie uns</a></p></main>
    <footer>
      <a href="/impressum">Impressum</a> | <a href="/datenschutz">Datenschutz</a>
      | <a href="/kontakt">Kontakt</a>
    </footer>"#;

#[test]
fn german_site_products_first_then_contact_about_legal() {
    let base = "https://www.lampen-import.de/";
    let got = picked(base, &page(GERMAN), 6);
    assert_eq!(
        got,
        vec![
            ("/produkte/".to_string(), PageKind::Products),
            ("/sortiment.html".to_string(), PageKind::Products),
            ("/kontakt".to_string(), PageKind::Contact),
            ("/ueber-uns".to_string(), PageKind::About),
            ("/impressum".to_string(), PageKind::Legal),
        ]
    );
    // With less room: half for products, then contact, about.
    let got = picked(base, &page(GERMAN), 4);
    let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["/produkte/", "/sortiment.html", "/kontakt", "/ueber-uns"]
    );
    // Never privacy or the cart, however much room there is.
    let got = picked(base, &page(GERMAN), 50);
    assert_eq!(got.len(), 5);
    assert!(
        got.iter()
            .all(|(p, _)| p != "/datenschutz" && p != "/warenkorb")
    );
}

#[test]
fn links_carry_text_and_score() {
    let links = pick_pages(
        &url("https://www.lampen-import.de/"),
        &page(GERMAN),
        6,
        &Lexicon::builtin(),
    );
    let kontakt = links.iter().find(|l| l.kind == PageKind::Contact).unwrap();
    assert_eq!(kontakt.text, "Kontakt");
    assert_eq!(kontakt.score, TEXT_MATCH + LABEL_BONUS + URL_MATCH);
    assert_eq!(kontakt.url.as_str(), "https://www.lampen-import.de/kontakt");
}

#[test]
fn max_is_respected() {
    let base = "https://www.lampen-import.de/";
    assert!(picked(base, &page(GERMAN), 0).is_empty());
    assert_eq!(
        picked(base, &page(GERMAN), 1),
        vec![("/produkte/".to_string(), PageKind::Products)]
    );
    let got = picked(base, &page(GERMAN), 2);
    assert_eq!(
        got,
        vec![
            ("/produkte/".to_string(), PageKind::Products),
            ("/kontakt".to_string(), PageKind::Contact)
        ]
    );
    for max in 0..8 {
        assert!(picked(base, &page(GERMAN), max).len() <= max);
    }
}

#[test]
fn french_site_with_mentions_legales() {
    let html = page(
        r#"<a href="/fr/nos-produits/">Nos produits</a>
           <a href="/fr/qui-sommes-nous">Qui sommes-nous ?</a>
           <a href="/fr/nous-contacter">Nous contacter</a>
           <a href="/fr/mentions-legales">MENTIONS LÉGALES</a>
           <a href="/fr/politique-de-confidentialite">Politique de confidentialité</a>"#,
    );
    let got = picked("https://www.exemple.fr/fr/", &html, 5);
    assert_eq!(
        got,
        vec![
            ("/fr/nos-produits/".to_string(), PageKind::Products),
            ("/fr/nous-contacter".to_string(), PageKind::Contact),
            ("/fr/qui-sommes-nous".to_string(), PageKind::About),
            ("/fr/mentions-legales".to_string(), PageKind::Legal),
        ]
    );
}

#[test]
fn russian_site() {
    let html = page(
        r#"<a href="/o-kompanii/">О компании</a>
           <a href="/catalog/">Каталог</a>
           <a href="/contacts/">Контакты</a>
           <a href="/%D1%80%D0%B5%D0%BA%D0%B2%D0%B8%D0%B7%D0%B8%D1%82%D1%8B/"><img src="r.png"></a>
           <a href="/cart/">Корзина</a>"#,
    );
    let got = picked("https://www.primer.ru/", &html, 5);
    assert_eq!(
        got,
        vec![
            ("/catalog/".to_string(), PageKind::Products),
            ("/contacts/".to_string(), PageKind::Contact),
            ("/o-kompanii/".to_string(), PageKind::About),
            (
                "/%D1%80%D0%B5%D0%BA%D0%B2%D0%B8%D0%B7%D0%B8%D1%82%D1%8B/".to_string(),
                PageKind::Legal
            ),
        ]
    );
}

#[test]
fn turkish_site_with_dotted_capital_i() {
    let html = page(
        r#"<a href="/tr/urunler">ÜRÜNLER</a>
           <a href="/tr/iletisim">İletişim</a>
           <a href="/tr/hakkimizda">Hakkımızda</a>
           <a href="/tr/kunye">Künye</a>
           <a href="/tr/kvkk">KVKK Aydınlatma Metni</a>"#,
    );
    let got = picked("https://www.ornek.com.tr/", &html, 10);
    assert_eq!(
        got,
        vec![
            ("/tr/urunler".to_string(), PageKind::Products),
            ("/tr/iletisim".to_string(), PageKind::Contact),
            ("/tr/hakkimizda".to_string(), PageKind::About),
            ("/tr/kunye".to_string(), PageKind::Legal),
        ]
    );
}

#[test]
fn polish_site() {
    let html = page(
        r#"<a href="/o-nas">O nas</a>
           <a href="/oferta">Oferta</a>
           <a href="/kontakt">Kontakt</a>
           <a href="/kariera">Kariera</a>"#,
    );
    let got = picked("https://przyklad.pl/", &html, 3);
    assert_eq!(
        got,
        vec![
            ("/oferta".to_string(), PageKind::Products),
            ("/kontakt".to_string(), PageKind::Contact),
            ("/o-nas".to_string(), PageKind::About),
        ]
    );
}

#[test]
fn subdomains_are_the_same_site_other_domains_are_not() {
    let html = page(
        r#"<a href="https://shop.example.com/">Online-Shop</a>
           <a href="https://partner.com/products">Products</a>
           <a href="https://example.com.partner.com/products">Products</a>
           <a href="//example.com/contact">Contact</a>
           <a href="https://partner.com/catalog.pdf">Catalogue</a>
           <a href="https://shop.example.com/price-list.pdf">Price list</a>"#,
    );
    let base = url("https://www.example.com/");
    let got: Vec<String> = pick_pages(&base, &html, 10, &Lexicon::builtin())
        .into_iter()
        .map(|l| l.url.to_string())
        .collect();
    assert_eq!(
        got,
        ["https://shop.example.com/", "https://example.com/contact"]
    );
    assert_eq!(
        document_links(&base, &html),
        [url("https://shop.example.com/price-list.pdf")]
    );
}

#[test]
fn hosts_without_registrable_domain_compare_by_host_and_port() {
    let html = page(
        r#"<a href="/products">Products</a>
           <a href="http://127.0.0.1:9/contact">Contact</a>
           <a href="http://localhost:8080/about">About us</a>"#,
    );
    let got = picked("http://127.0.0.1:8080/", &html, 10);
    assert_eq!(got, vec![("/products".to_string(), PageKind::Products)]);
}

#[test]
fn non_page_links_are_ignored() {
    let html = page(
        r##"<a href="mailto:info@example.com">Contact</a>
           <a href="tel:+4912345">Kontakt</a>
           <a href="javascript:void(0)">Products</a>
           <a href="#top">Products</a>
           <a href="">Products</a>
           <a>Products</a>
           <a href="data:text/html,hi">About us</a>
           <a href="ftp://example.com/products/">Products</a>
           <a href="/img/products.jpg">Products</a>
           <a href="/produkte/uebersicht" download>Produkte</a>"##,
    );
    assert!(picked("https://www.example.com/", &html, 10).is_empty());
}

#[test]
fn documents_are_recorded_not_picked() {
    let html = page(
        r#"<a href="/downloads/Katalog-2024.PDF">Katalog 2024</a>
           <a href="/downloads/Katalog-2024.PDF#page=3">Katalog, Seite 3</a>
           <a href="files/preisliste.xlsx">Preisliste</a>
           <a href="/img/sortiment.jpg">Sortiment</a>
           <a href="/produkte">Produkte</a>"#,
    );
    let base = url("https://www.example.de/de/start");
    assert_eq!(
        document_links(&base, &html),
        [
            url("https://www.example.de/downloads/Katalog-2024.PDF"),
            url("https://www.example.de/de/files/preisliste.xlsx"),
        ]
    );
    let got = picked(base.as_str(), &html, 10);
    assert_eq!(got, vec![("/produkte".to_string(), PageKind::Products)]);
}

#[test]
fn base_href_is_honoured() {
    let html = r#"<html><head><base href="https://www.example.com/de/"></head><body>
        <a href="produkte.html">Produkte</a>
        <a href="../kontakt.php">Kontakt</a>
        <a href="katalog.pdf">Katalog</a>
        </body></html>"#;
    let base = url("https://www.example.com/index.php");
    let got: Vec<String> = pick_pages(&base, html, 5, &Lexicon::builtin())
        .into_iter()
        .map(|l| l.url.to_string())
        .collect();
    assert_eq!(
        got,
        [
            "https://www.example.com/de/produkte.html",
            "https://www.example.com/kontakt.php"
        ]
    );
    assert_eq!(
        document_links(&base, html),
        [url("https://www.example.com/de/katalog.pdf")]
    );
    // An unusable base is ignored.
    let html = r#"<base href="javascript:x"><a href="produkte">Produkte</a>"#;
    let got = picked("https://www.example.com/de/", html, 5);
    assert_eq!(got, vec![("/de/produkte".to_string(), PageKind::Products)]);
}

#[test]
fn ranking_within_a_kind() {
    let html = page(
        r#"<a href="/p/1">Pumpe</a>
           <a href="/products/pumps/very-long-name">Pumps</a>
           <a href="/products/valves">Valves</a>
           <a href="/range">Our range</a>
           <a href="/see">Read more about our products for industry</a>
           <a href="/shop/login">Shop</a>"#,
    );
    let got = pick_pages(&url("https://example.com/"), &html, 10, &Lexicon::builtin());
    let paths: Vec<(&str, u32)> = got.iter().map(|l| (l.url.path(), l.score)).collect();
    assert_eq!(
        paths,
        [
            ("/range", TEXT_MATCH + LABEL_BONUS),
            ("/see", TEXT_MATCH),
            ("/products/valves", URL_MATCH),
            ("/products/pumps/very-long-name", URL_MATCH),
        ]
    );
}

#[test]
fn labels_and_url_words_classify_links() {
    let html = page(
        r#"<a href="/x1" aria-label="Contact us"><svg></svg></a>
           <a href="/x2" title="About the company">i</a>
           <a href="/x3"><img src="c.png" alt="Unsere Marken"></a>
           <a href="/AboutUs.aspx">»</a>
           <a href="/index.php?page=impressum">§</a>"#,
    );
    let got = picked("https://example.com/", &html, 10);
    assert_eq!(
        got,
        vec![
            ("/x3".to_string(), PageKind::Products),
            ("/x1".to_string(), PageKind::Contact),
            ("/x2".to_string(), PageKind::About),
            ("/index.php?page=impressum".to_string(), PageKind::Legal),
            ("/AboutUs.aspx".to_string(), PageKind::About),
        ]
    );
    let links = pick_pages(&url("https://example.com/"), &html, 10, &Lexicon::builtin());
    assert_eq!(links[0].text, "Unsere Marken");
    assert_eq!(links[1].text, "Contact us");
}

#[test]
fn unwanted_pages_except_contact_and_combined_legal() {
    let html = page(
        r#"<a href="/kontakt-karriere">Kontakt &amp; Karriere</a>
           <a href="/karriere">Karriere</a>
           <a href="/jobs">Jobs im Unternehmen</a>
           <a href="/impressum-datenschutz">Impressum &amp; Datenschutz</a>
           <a href="/company/privacy">Privacy</a>
           <a href="/produkte/merkliste">Merkliste</a>
           <a href="/login">Login</a>
           <a href="/kontakt/datenschutz">Datenschutz</a>
           <a href="/legal/privacy">Privacy policy</a>
           <a href="/karriere/kontakt"><img src="mail.svg" alt=""></a>"#,
    );
    let got = picked("https://example.de/", &html, 10);
    assert_eq!(
        got,
        vec![
            ("/kontakt-karriere".to_string(), PageKind::Contact),
            ("/impressum-datenschutz".to_string(), PageKind::Legal),
            ("/karriere/kontakt".to_string(), PageKind::Contact),
        ]
    );
}

#[test]
fn home_and_current_page_are_skipped_duplicates_merged() {
    let html = page(
        r#"<a href="/">Produkte</a>
           <a href="https://example.de/index.html">Produkte</a>
           <a href="/produkte/">Produkte</a>
           <a href="/katalog">Katalog</a>
           <a href="/katalog#a">Katalog</a>
           <a href="/katalog/#b">Zum Katalog</a>"#,
    );
    let got = picked("https://www.example.de/produkte", &html, 10);
    assert_eq!(got, vec![("/katalog".to_string(), PageKind::Products)]);
}

#[test]
fn malformed_input_never_panics() {
    let base = url("https://www.example.com/a/b");
    let inputs = [
        "",
        "<",
        "<a href=",
        "<a href='http://[::1'>Products</a>",
        "<a href='http://exa mple.com/'>Kontakt</a>",
        "<a href='https://'>Kontakt</a>",
        "<a href='//'>Kontakt</a>",
        "<a href='http://%zz/'>Kontakt</a>",
        "<a href='/%zz%D0'>Kontakt</a><a href='/%'>Produkte</a>",
        "<<<a<a<a href=x>>>Produkte</a></a></b></table>",
        "<base href='::::'><a href='kontakt'>Kontakt</a>",
        "<a href='/\u{0}\u{fffd}'>\u{0}İ\u{307}\u{301}ß</a>",
        "<svg><a href='/produkte'><text>Produkte</text></a></svg>",
        "<a href='https://xn--/'>Produkte</a><a href='https://localhost/x'>Produkte</a>",
    ];
    for html in inputs {
        let got = pick_pages(&base, html, 3, &Lexicon::builtin());
        assert!(got.len() <= 3, "{html}");
        let _ = document_links(&base, html);
    }
    let long = "<a href=/produkte>".repeat(2000) + &"ü".repeat(500);
    let got = pick_pages(&base, &long, 3, &Lexicon::builtin());
    assert!(got.len() <= 1);
    assert!(
        got.iter()
            .all(|l| l.text.chars().count() <= MAX_TEXT_CHARS + 1)
    );
    // A base that is not a web page gives nothing.
    assert!(pick_pages(&url("file:///tmp/x.html"), GERMAN, 5, &Lexicon::builtin()).is_empty());
}

#[test]
fn kind_names_round_trip() {
    for k in PageKind::ALL {
        assert_eq!(PageKind::from_name(k.name()), Some(k));
    }
    assert_eq!(PageKind::from_name("Products"), None);
}
