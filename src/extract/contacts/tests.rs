use std::time::{Duration, Instant};

use url::Url;

use super::*;

/// The built-in phone and fax labels.
fn labels() -> Labels {
    Labels::new(&crate::reference::GradingWords::builtin())
}

fn base() -> Url {
    Url::parse("https://www.firma.de/kontakt").unwrap()
}

fn page(body: &str, region: Option<&str>) -> Contacts {
    extract(
        &base(),
        &format!("<html><body>{body}</body></html>"),
        region,
        &labels(),
    )
}

fn emails(body: &str) -> Vec<String> {
    page(body, None).emails
}

fn phones(body: &str, region: Option<&str>) -> Vec<String> {
    page(body, region)
        .phones
        .into_iter()
        .map(|p| p.e164)
        .collect()
}

fn social(body: &str) -> Vec<String> {
    page(body, None)
        .social
        .into_iter()
        .map(|u| u.to_string())
        .collect()
}

// ---- emails ----

#[test]
fn mailto_with_subject_and_percent_encoding() {
    assert_eq!(
        emails(
            r#"<a href="mailto:Info@Firma.de?subject=Anfrage%20Katalog&body=Hallo">Schreiben</a>"#
        ),
        ["info@firma.de"]
    );
    assert_eq!(
        emails(r#"<a href="MAILTO:%20vertrieb%40firma.de">x</a>"#),
        ["vertrieb@firma.de"]
    );
    assert_eq!(
        emails(r#"<a href="mailto:a@firma.de,b@firma.de">x</a>"#),
        ["a@firma.de", "b@firma.de"]
    );
}

/// A long text is searched only around its lines with `@` or `at`: the same addresses at
/// the same offsets as a search of the whole text, also broken over a line.
#[test]
fn long_texts_are_searched_around_their_at_lines() {
    let mut text = String::new();
    for i in 0..3000 {
        text.push_str(&format!("LED-Röhre T8 {i} 120 cm 18 W\n"));
        match i {
            10 => text.push_str("Vertrieb: vertrieb@firma.de\n"),
            1500 => text.push_str("Schreiben Sie an\nexport\n[at] firma [dot] de\n"),
            2999 => text.push_str("info(at)lampen-import.test"),
            _ => {}
        }
    }
    assert!(text.len() > 4 * 4096);
    let found = email::find(&text);
    let whole = email::find_in(&text, 0);
    assert_eq!(found, whole);
    let addresses: Vec<&str> = found.iter().map(|(_, e)| e.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "vertrieb@firma.de",
            "export@firma.de",
            "info@lampen-import.test"
        ]
    );
    assert_eq!(&text[found[0].0..found[0].0 + 8], "vertrieb");
}

#[test]
fn email_in_text() {
    assert_eq!(
        emails("<p>Schreiben Sie uns: Export.Sales@Firma-Gruppe.co.uk.</p>"),
        ["export.sales@firma-gruppe.co.uk"]
    );
    // Block elements separate words; inline elements do not.
    assert_eq!(
        emails("<table><tr><td>info@firma.de</td><td>Telefon</td></tr></table>"),
        ["info@firma.de"]
    );
    assert_eq!(
        emails("<p><span>info</span>@<span>firma.de</span></p>"),
        ["info@firma.de"]
    );
    // Text run together by inline markup.
    assert_eq!(
        emails("<p><span>info@firma.de</span><span>Impressum</span></p>"),
        ["info@firma.de"]
    );
}

#[test]
fn obfuscated_emails() {
    for written in [
        "info [at] firma [dot] de",
        "info(at)firma.de",
        "info (at) firma (dot) de",
        "info at firma dot de",
        "info{at}firma.de",
        "info [AT] firma [DOT] de",
        "info[@]firma[.]de",
        "info (at) firma (punkt) de",
    ] {
        assert_eq!(
            emails(&format!("<p>E-Mail: {written}</p>")),
            ["info@firma.de"],
            "{written}"
        );
    }
    assert_eq!(
        emails("<p>write to sales at firma dot test</p>"),
        ["sales@firma.test"]
    );
}

#[test]
fn spelled_out_words_need_a_real_address() {
    // `at` without `dot`, a web address, an unknown TLD: sentences, not addresses.
    assert!(emails("<p>Visit us at www.firma.de today</p>").is_empty());
    assert!(emails("<p>We are at booth dot 5</p>").is_empty());
    assert!(emails("<p>meet at noon dot fun dot nothere</p>").is_empty());
    assert!(emails("<p>Find us at firma dot com</p>").is_empty());
}

#[test]
fn email_written_with_entities() {
    assert_eq!(emails("<p>info&#64;firma.de</p>"), ["info@firma.de"]);
    assert_eq!(
        emails("<p>info&commat;firma&period;de</p>"),
        ["info@firma.de"]
    );
    assert_eq!(emails("<p>info&#x40;firma&#46;de</p>"), ["info@firma.de"]);
}

#[test]
fn emails_in_attributes_and_cloudflare() {
    assert_eq!(
        emails(r#"<span data-email="sales@firma.de">Kontakt</span>"#),
        ["sales@firma.de"]
    );
    let html = r#"<html><head><meta name="reply-to" content="office@firma.at"></head><body></body></html>"#;
    assert_eq!(
        extract(&base(), html, None, &labels()).emails,
        ["office@firma.at"]
    );
    // Cloudflare: key 0x42 XOR "info@firma.de".
    let hex: String = std::iter::once(0x42u8)
        .chain(b"info@firma.de".iter().map(|b| b ^ 0x42))
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        emails(&format!(
            r#"<a href="/cdn-cgi/l/email-protection#{hex}">[email&#160;protected]</a>"#
        )),
        ["info@firma.de"]
    );
    assert_eq!(
        emails(&format!(
            r#"<span class="__cf_email__" data-cfemail="{hex}">x</span>"#
        )),
        ["info@firma.de"]
    );
    // Attributes that hold file names are not read.
    assert!(emails(r#"<img src="logo@2x.png" data-src="logo@2x.png" alt="Logo">"#).is_empty());
}

#[test]
fn placeholder_emails_rejected() {
    for written in [
        "name@domain.com",
        "your@email.com",
        "email@example.com",
        "info@example.org",
        "vorname.nachname@firma.de",
        "max.mustermann@musterfirma.de",
        "john.doe@company.com",
        "info@firma.example",
        "info@firma.invalid",
    ] {
        assert!(emails(&format!("<p>{written}</p>")).is_empty(), "{written}");
    }
    assert!(emails(r#"<input type="email" placeholder="your@email.com">"#).is_empty());
}

#[test]
fn file_names_and_junk_rejected() {
    for written in [
        "logo@2x.png",
        "icon@3x.webp",
        "banner@2x.jpg",
        "bundle@1.2.3",
        "jquery@3.6.0.min.js",
        "a@b",
        "info@firma.x",
        "info@firma.nosuchtld",
        "info@-firma.de",
        "info..x@firma.de",
        "@firma.de",
    ] {
        assert!(emails(&format!("<p>{written}</p>")).is_empty(), "{written}");
    }
}

#[test]
fn emails_deduplicated_in_document_order() {
    let body = r#"<p>b@firma.de</p><a href="mailto:a@firma.de">A@Firma.de</a><p>B@FIRMA.DE, c [at] firma [dot] de</p>"#;
    assert_eq!(emails(body), ["b@firma.de", "a@firma.de", "c@firma.de"]);
}

#[test]
fn scripts_and_styles_are_not_text_but_json_ld_is_read() {
    let body = r#"<script>var x = "dev@sentry.example.de";</script><style>a{}</style>
        <script type="application/ld+json">{"@type":"Organization","email":"kontakt@firma.de",
        "telephone":"+49 40 1234567","sameAs":["https:\/\/www.linkedin.com\/company\/firma-gmbh\/"]}</script>"#;
    let c = page(body, None);
    assert_eq!(c.emails, ["kontakt@firma.de"]);
    assert_eq!(c.phones.len(), 1);
    assert_eq!(c.phones[0].e164, "+49401234567");
    assert_eq!(
        c.social[0].as_str(),
        "https://linkedin.com/company/firma-gmbh"
    );
}

// ---- phones ----

#[test]
fn tel_links_are_certain() {
    let c = page(
        r#"<a href="tel:+4940123456789">Anrufen</a> <a href="tel:040%20987654">x</a>"#,
        Some("DE"),
    );
    assert_eq!(
        c.phones,
        [
            Phone {
                e164: "+4940123456789".into(),
                from_link: true
            },
            Phone {
                e164: "+4940987654".into(),
                from_link: true
            }
        ]
    );
    // Without a region only international numbers are kept.
    assert_eq!(
        phones(
            r#"<a href="tel:040987654">x</a><a href="tel:0049-40-987654">y</a>"#,
            None
        ),
        ["+4940987654"]
    );
    // Invalid numbers are dropped even from links.
    assert!(phones(r#"<a href="tel:+49 123">x</a>"#, Some("DE")).is_empty());
}

#[test]
fn link_and_text_of_one_number_count_once_as_link() {
    let c = page(
        r#"<p>Telefon: 040 123456</p><a href="tel:+4940123456">040 123456</a>"#,
        Some("DE"),
    );
    assert_eq!(
        c.phones,
        [Phone {
            e164: "+4940123456".into(),
            from_link: true
        }]
    );
}

#[test]
fn german_numbers_in_text() {
    let body = "<p>Tel.: +49 (0)40 123 456-7</p>
        <p>Telefon 0049 40 7654321</p>
        <p>Tel.: 040 / 123 456 78</p>
        <p>Mobil: 0171 1234567</p>";
    assert_eq!(
        phones(body, Some("DE")),
        [
            "+49401234567",
            "+49407654321",
            "+494012345678",
            "+491711234567"
        ]
    );
    // International forms need no region.
    assert_eq!(
        phones(
            "<p>+49 (0)40 123 456-7, 0049 40 7654321, +39 (0)6 6982 1234</p>",
            None
        ),
        ["+49401234567", "+49407654321", "+390669821234"]
    );
}

#[test]
fn french_turkish_russian_numbers() {
    assert_eq!(
        phones("<p>Téléphone : 01 23 45 67 89</p>", Some("FR")),
        ["+33123456789"]
    );
    assert_eq!(
        phones("<p>Adres: İstanbul (0212) 345 67 89</p>", Some("TR")),
        ["+902123456789"]
    );
    assert_eq!(
        phones("<p>Тел.: +7 (495) 123-45-67</p>", Some("RU")),
        ["+74951234567"]
    );
    assert_eq!(
        phones("<p>Тел.: +7 (495) 123-45-67</p>", None),
        ["+74951234567"]
    );
    assert_eq!(
        phones("<p>телефон 8 (495) 123-45-67</p>", Some("RU")),
        ["+74951234567"]
    );
}

#[test]
fn unlabelled_national_numbers_are_not_taken() {
    // Without a label or a +/00/(0 prefix, a run of digits is not a phone number.
    assert!(phones("<p>Bestellnummer 040 1234567</p>", Some("DE")).is_empty());
    assert_eq!(phones("<p>(040) 1234567</p>", Some("DE")), ["+49401234567"]);
}

#[test]
fn fax_numbers_skipped() {
    let body = "<p>Tel.: 040 123456</p><p>Fax: 040 654321</p><p>Telefax +49 40 777777</p>
        <p>Факс: +7 495 765-43-21</p>";
    assert_eq!(phones(body, Some("DE")), ["+4940123456"]);
    assert!(
        phones(
            r#"<p>Fax: <a href="tel:+4940654321">040 654321</a></p>"#,
            Some("DE")
        )
        .is_empty()
    );
    // A number for both is a phone number.
    assert_eq!(
        phones("<p>T +33 1 23 45 67 89 · F +33 1 23 45 67 00</p>", None),
        ["+33123456789"]
    );
    assert_eq!(
        phones("<p>Tel./Fax: 040 123456</p>", Some("DE")),
        ["+4940123456"]
    );
    // A list after a label shares it.
    assert_eq!(
        phones(
            "<p>Tel. 040 123456, 040 654321 · Fax 040 111111, 040 222222</p>",
            Some("DE")
        ),
        ["+4940123456", "+4940654321"]
    );
}

#[test]
fn registration_postal_vat_dates_are_not_phones() {
    let body = "<p>Amtsgericht Hamburg HRB 1234567</p>
        <p>D-20095 Hamburg</p>
        <p>USt-IdNr.: DE123456789</p>
        <p>USt-IdNr. DE 123 456 789</p>
        <p>IBAN: DE89 3704 0044 0532 0130 00</p>
        <p>Stand: 12.05.2023, Preis 1.234.567,00 EUR</p>
        <p>Artikel-Nr. 4012345678901</p>
        <p>Tel.: 040 123456</p>";
    assert_eq!(phones(body, Some("DE")), ["+4940123456"]);
    // Labelled, but the label belongs to another number.
    assert_eq!(
        phones("<p>Tel. 040 123456 HRB 12345678</p>", Some("DE")),
        ["+4940123456"]
    );
}

#[test]
fn unknown_region_means_none() {
    assert!(phones("<p>Tel.: 040 123456</p>", Some("XX")).is_empty());
    assert_eq!(
        phones("<p>Tel.: 040 123456</p>", Some("de")),
        ["+4940123456"]
    );
}

// ---- social ----

#[test]
fn social_profiles() {
    let body = r#"
        <a href="https://www.linkedin.com/company/firma-gmbh/">in</a>
        <a href="https://de.linkedin.com/company/firma-gmbh">in again</a>
        <a href="https://www.facebook.com/FirmaGmbH?ref=footer">fb</a>
        <a href="https://instagram.com/firma_gmbh/">ig</a>
        <a href="https://twitter.com/firma">tw</a>
        <a href="https://x.com/firma/status/123456">a post of the same profile</a>
        <a href="https://www.youtube.com/@FirmaTV">yt</a>
        <a href="https://www.youtube.com/channel/UCaBcD">yt2</a>
        <a href="https://www.xing.com/pages/firmagmbh">xing</a>
        <a href="https://vk.com/firma">vk</a>
        <a href="https://www.tiktok.com/@firma">tt</a>
        <a href="https://wa.me/4940123456">wa</a>
        <a href="https://www.facebook.com/profile.php?id=100012345">fb id</a>
        <a href="/about">own page</a>"#;
    assert_eq!(
        social(body),
        [
            "https://linkedin.com/company/firma-gmbh",
            "https://facebook.com/firmagmbh",
            "https://instagram.com/firma_gmbh",
            "https://twitter.com/firma",
            "https://x.com/firma",
            "https://youtube.com/@FirmaTV",
            "https://youtube.com/channel/UCaBcD",
            "https://xing.com/pages/firmagmbh",
            "https://vk.com/firma",
            "https://tiktok.com/@firma",
            "https://wa.me/4940123456",
            "https://facebook.com/profile.php?id=100012345",
        ]
    );
}

#[test]
fn share_links_are_not_profiles() {
    let body = r#"
        <a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Ffirma.de">share</a>
        <a href="https://www.facebook.com/sharer.php?u=x">share</a>
        <a href="https://www.facebook.com/dialog/share?app_id=1">share</a>
        <a href="https://twitter.com/intent/tweet?text=x">tweet</a>
        <a href="https://twitter.com/share?url=x">tweet</a>
        <a href="https://x.com/intent/post?text=x">post</a>
        <a href="https://www.linkedin.com/shareArticle?mini=true&url=x">in</a>
        <a href="https://www.linkedin.com/sharing/share-offsite/?url=x">in</a>
        <a href="https://www.xing.com/spi/shares/new?url=x">xing</a>
        <a href="https://vk.com/share.php?url=x">vk</a>
        <a href="https://wa.me/?text=x">wa</a>
        <a href="https://www.facebook.com/">fb home</a>
        <a href="https://www.instagram.com/p/Cxyz/">a post</a>
        <a href="https://www.youtube.com/watch?v=abc">a video</a>
        <a href="https://www.youtube.com/embed/abc">a video</a>
        <a href="https://notfacebook.com/firma">another site</a>
        <a href="https://box.com/firma">another site</a>"#;
    assert!(social(body).is_empty(), "{:?}", social(body));
}

#[test]
fn base_element_is_respected_for_links() {
    let html = r#"<html><head><base href="https://www.facebook.com/"></head>
        <body><a href="firmagmbh">fb</a></body></html>"#;
    let c = extract(&base(), html, None, &labels());
    assert_eq!(c.social[0].as_str(), "https://facebook.com/firmagmbh");
}

// ---- merge ----

#[test]
fn merge_keeps_order_and_dedups() {
    let a = page(
        r#"<p>b@firma.de</p><p>Tel.: 040 123456</p><a href="https://twitter.com/firma">t</a>"#,
        Some("DE"),
    );
    let b = page(
        r#"<p>a@firma.de B@firma.de</p><a href="tel:+4940123456">x</a><a href="tel:+4940999999">y</a>
           <a href="https://twitter.com/firma/">t</a><a href="https://vk.com/firma">v</a>"#,
        Some("DE"),
    );
    let m = merge([a, b, Contacts::default()]);
    assert_eq!(m.emails, ["b@firma.de", "a@firma.de"]);
    assert_eq!(
        m.phones,
        [
            Phone {
                e164: "+4940123456".into(),
                from_link: true
            },
            Phone {
                e164: "+4940999999".into(),
                from_link: true
            }
        ]
    );
    assert_eq!(
        m.social.iter().map(Url::as_str).collect::<Vec<_>>(),
        ["https://twitter.com/firma", "https://vk.com/firma"]
    );
    assert_eq!(merge(Vec::new()), Contacts::default());
}

// ---- robustness ----

fn quickly(what: &str, html: &str) {
    let started = Instant::now();
    extract(&base(), html, Some("DE"), &labels());
    let took = started.elapsed();
    // Wide tolerance: debug builds on a busy machine.
    assert!(took < Duration::from_secs(10), "{what}: {took:?}");
}

#[test]
fn garbage_and_huge_pages_finish() {
    const MB: usize = 1 << 20;
    let digits_and_ats: String = "0123456789@ 1.2-3/4(5)6+7 @@a@b.c "
        .chars()
        .cycle()
        .take(MB)
        .collect();
    quickly("digits and @", &format!("<p>{digits_and_ats}</p>"));
    quickly("all digits", &format!("<p>{}</p>", "7".repeat(MB)));
    quickly("all @", &"@".repeat(MB));
    quickly("local parts", &format!("<p>{}</p>", "a".repeat(MB)));
    quickly(
        "long domain",
        &format!("<p>x@{}de</p>", "ab.".repeat(MB / 3)),
    );
    quickly(
        "spaces after at",
        &format!("<p>{}</p>", "a [at ".repeat(MB / 6)),
    );
    quickly("phone-like", &"Tel. +49 40 123456 ".repeat(MB / 19));
    quickly(
        "many emails",
        &"<p>a@firma.de b(at)c.de</p>".repeat(MB / 26),
    );
    // Deep nesting (the HTML parser itself slows down quadratically with depth, so not too deep:
    // this checks that the walk does not recurse).
    quickly("nesting", &"<div><span>".repeat(3_000));
    quickly(
        "broken",
        "<a href=\"mailto:%\">%E0%A4%A</a><a href=tel:%%%>\u{0}\u{FFFF}</a>",
    );
    // Odd but harmless inputs.
    let c = page(
        "<p>+ 00 (0) ( ) - / . @ [at] (dot) mailto: tel:</p>",
        Some("DE"),
    );
    assert_eq!(c, Contacts::default());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    #[test]
    fn any_text_is_safe(text in r"[0-9+()\-/. @a-zA-Z\[\]{}:;,\n%#&äß]{0,200}") {
        let html = format!(
            r#"<p>{text}</p><a href="tel:{text}">x</a><a href="mailto:{text}">y</a><a href="{text}">z</a>"#
        );
        for region in [None, Some("DE"), Some("US"), Some("RU")] {
            let c = extract(&base(), &html, region, &labels());
            for e in &c.emails {
                proptest::prop_assert!(e.contains('@') && *e == e.to_lowercase());
            }
            for p in &c.phones {
                proptest::prop_assert!(p.e164.starts_with('+'));
            }
        }
    }
}

#[test]
fn percent_decoding() {
    assert_eq!(super::percent_decode("a%40b%2Ec"), "a@b.c");
    assert_eq!(super::percent_decode("100%"), "100%");
    assert_eq!(super::percent_decode("%zz%4"), "%zz%4");
    assert_eq!(super::percent_decode("%C3%A4"), "ä");
}
