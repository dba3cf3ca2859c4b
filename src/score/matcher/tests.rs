//! Tests of the matcher: languages, word boundaries, offsets, plans.

use super::*;

fn term(text: &str, kind: TermKind, lang: &str) -> Term {
    Term {
        text: text.to_string(),
        kind,
        lang: lang.to_string(),
    }
}

fn product(text: &str, lang: &str) -> Term {
    term(text, TermKind::Product(0), lang)
}

/// The phrases found, as the page wrote them.
fn found<'a>(m: &Matcher, text: &'a str, langs: &[&str]) -> Vec<(&'a str, String)> {
    m.find(text, langs)
        .into_iter()
        .map(|h| (&text[h.start..h.end], m.terms()[h.term].text.clone()))
        .collect()
}

#[test]
fn plural_matches_singular_and_offsets_are_in_the_original() {
    let m = Matcher::new(vec![product("LED lamp", "en")]);
    let text = "We sell LED lamps.";
    assert_eq!(
        m.find(text, &[]),
        [Hit {
            term: 0,
            start: 8,
            end: 17
        }]
    );
    assert_eq!(
        found(&m, "LED-LAMP", &[]),
        [("LED-LAMP", "LED lamp".to_string())]
    );
}

#[test]
fn word_boundaries() {
    let m = Matcher::new(vec![product("lamp", "en"), product("helmet", "en")]);
    assert!(m.find("Clamp, clamps, lampshade, lamppost", &[]).is_empty());
    assert_eq!(m.found("Clamp and lamp", &[]), [0]);
    assert!(m.find("helmetsforbikes", &[]).is_empty());
    assert_eq!(found(&m, "helmets-for-motorbikes", &[])[0].0, "helmets");
}

#[test]
fn german_local_name_is_stemmed_in_german_on_any_page() {
    let m = Matcher::new(vec![product("LED-Lampe", "de")]);
    assert_eq!(m.found("Unsere LED-Lampen", &[]), [0]);
    assert_eq!(m.found("eine LED Lampe", &["en"]), [0]);
    assert!(m.find("LED-Leuchten", &["de"]).is_empty());
}

#[test]
fn english_terms_are_also_stemmed_in_the_page_languages() {
    let m = Matcher::new(vec![product("LED lamp", "en")]);
    assert!(m.find("LED Lampen", &[]).is_empty());
    assert_eq!(m.found("LED Lampen", &["de"]), [0]);
    // German stemming keeps the English `pumps`; its English stem `pump` stemmed in German
    // is the key that meets `Pumpen`, `Pumpe`.
    let pumps = Matcher::new(vec![term("pumps", TermKind::Industry, "en")]);
    assert_eq!(pumps.found("Gartenbewässerung und Pumpen", &["de"]), [0]);
    assert_eq!(pumps.found("eine Pumpe", &["de"]), [0]);
    assert!(pumps.found("Gartenbewässerung und Pumpen", &[]).is_empty());
    assert!(pumps.found("Pumpernickel", &["de"]).is_empty());
}

#[test]
fn french_russian_turkish() {
    let m = Matcher::new(vec![
        product("ampoule LED", "fr"),
        product("светодиодная лампа", "ru"),
        product("LED ampul", "tr"),
        product("ürün", "tr"),
    ]);
    assert_eq!(m.found("Nos ampoules LED", &["fr"]), [0]);
    assert_eq!(m.found("Светодиодные лампы оптом", &[]), [1]);
    assert_eq!(m.found("светодиодных ламп", &["ru"]), [1]);
    assert_eq!(m.found("LED ampuller", &["tr"]), [2]);
    assert_eq!(m.found("LED ampulleri", &[]), [2]);
    assert_eq!(m.found("Ürünler", &[]), [3]);
    assert_eq!(m.found("urunler", &[]), [3]);
}

#[test]
fn other_scripts_and_stemmers() {
    let m = Matcher::new(vec![
        product("مصباح", "ar"),
        product("λάμπα LED", "el"),
        product("LED 전구", "ko"),
        product("bombilla LED", "es"),
        product("E27", "en"),
    ]);
    assert_eq!(m.found("نبيع المصباح", &["ar"]), [0]);
    assert_eq!(m.found("ΛΑΜΠΕΣ LED", &[]), [1]);
    assert_eq!(m.found("LED 전구를 판매합니다", &[]), [2]);
    assert_eq!(m.found("Bombillas LED", &["es"]), [3]);
    assert_eq!(m.found("socket: e27.", &[]), [4]);
    assert!(m.find("E270", &[]).is_empty());
}

#[test]
fn polish_prefix_rule() {
    let m = Matcher::new(vec![product("żarówka LED", "pl")]);
    for page in ["żarówki LED", "Żarówkę LED", "zarowek led", "żarówkami LED"] {
        assert_eq!(m.found(page, &["pl"]), [0], "{page}");
    }
    assert!(m.find("żarówka", &[]).is_empty());
    assert!(m.find("żarówkowatości LED", &[]).is_empty());
    assert!(m.find("żarówki LEDY", &[]).is_empty());
}

#[test]
fn multi_word_terms_need_consecutive_words() {
    let m = Matcher::new(vec![product("LED bulb", "en")]);
    assert!(m.find("LED strips. Each bulb is tested.", &[]).is_empty());
    assert!(m.find("LED and bulb", &[]).is_empty());
    assert_eq!(m.found("LED. Bulb", &[]), [0]);
}

#[test]
fn kinds_and_leftmost_longest() {
    let m = Matcher::new(vec![
        product("LED", "en"),
        product("LED lamp", "en"),
        term("lamp holder", TermKind::Related, "en"),
        term("motorcycle", TermKind::Exclude, "en"),
    ]);
    let hits = m.find("LED lamp holder for motorcycles", &[]);
    let kinds: Vec<TermKind> = hits.iter().map(|h| m.terms()[h.term].kind).collect();
    assert_eq!(kinds, [TermKind::Product(0), TermKind::Exclude]);
    assert_eq!(hits[0].term, 1);
}

#[test]
fn terms_with_the_same_key_share_a_hit() {
    let m = Matcher::new(vec![
        term("LED bulb", TermKind::Product(0), "en"),
        term("LED bulbs", TermKind::Product(1), "en"),
    ]);
    let hits = m.find("led bulb", &[]);
    assert_eq!(hits.len(), 2);
    assert_eq!((hits[0].start, hits[0].end), (hits[1].start, hits[1].end));
}

#[test]
fn nfkc_and_accents() {
    let m = Matcher::new(vec![product("LED", "en"), product("Café", "fr")]);
    assert_eq!(found(&m, "ＬＥＤ", &[]), [("ＬＥＤ", "LED".to_string())]);
    assert_eq!(m.found("CAFE", &[]), [1]);
    assert_eq!(found(&m, "cafe\u{301}s!", &[])[0].0, "cafe\u{301}s");
}

#[test]
fn scripts_without_spaces_match_as_substrings() {
    let m = Matcher::new(vec![product("LED灯泡", "zh"), product("灯管", "zh")]);
    let text = "我们销售LED灯泡和灯管";
    assert_eq!(
        found(&m, text, &["zh"]),
        [
            ("LED灯泡", "LED灯泡".to_string()),
            ("灯管", "灯管".to_string())
        ]
    );
    assert!(m.find("我们销售XLED灯泡", &[]).is_empty());
    let en = Matcher::new(vec![product("LED", "en")]);
    assert_eq!(en.found("我们销售LED灯泡", &[]), [0]);
}

#[test]
fn empty_and_garbage() {
    let m = Matcher::new(vec![product("LED lamp", "en"), product("żarówka", "pl")]);
    for text in [
        "",
        " ",
        "\u{0}\u{1}\u{301}",
        "!!!—…",
        "\u{FEFF}\u{AD}",
        "𝕃𝔼𝔻",
    ] {
        assert!(m.find(text, &["de", "xx", ""]).is_empty(), "{text:?}");
    }
    let none = Matcher::new(Vec::new());
    assert!(none.find("LED lamp", &["en"]).is_empty());
    let blank = Matcher::new(vec![product("—", "en"), product("", "pl")]);
    assert!(blank.find("— LED", &[]).is_empty());
}

#[test]
fn terms_of_a_plan() {
    let catalog = crate::templates::Catalog::builtin().expect("built-in catalogue");
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/plans/small.yaml"
    ));
    let plan = crate::plan::load(path, &catalog.lang).expect("small plan");
    let m = Matcher::from_plan(&plan);
    let first = &m.terms()[0];
    assert_eq!(
        (first.text.as_str(), first.kind),
        ("LED bulb", TermKind::Product(0))
    );
    let hits = m.found(
        "Wir liefern LED-Lampen und LED panels für lighting",
        &["de"],
    );
    let kinds: Vec<TermKind> = hits.iter().map(|&t| m.terms()[t].kind).collect();
    assert_eq!(
        kinds,
        [
            TermKind::Product(0),
            TermKind::Product(0),
            TermKind::Related,
            TermKind::Industry
        ]
    );
}

/// Terms in scripts with and without spaces, with and without stemmers, of every kind.
fn many_languages() -> Matcher {
    Matcher::new(vec![
        product("LED lamp", "en"),
        product("LED-Lampe", "de"),
        product("żarówka LED", "pl"),
        product("LED ampul", "tr"),
        product("مضخة مياه", "ar"),
        product("LED灯泡", "zh"),
        product("灯泡 LED", "zh"),
        product("T8 LED tube", "en"),
        term("LED bulb", TermKind::Related, "en"),
        term("lighting", TermKind::Industry, "en"),
        term("solar pump", TermKind::Related, "en"),
        term("l", TermKind::Exclude, "en"),
    ])
}

/// The screening as one overlapping pass of all patterns over the whole folded page (how it
/// was done before the word gate): the oracle for [`Matcher::screen`].
#[allow(clippy::type_complexity)]
fn screen_by_one_pass(
    m: &Matcher,
    folded: &str,
    words: &[Word],
    active: u32,
    page_langs: u32,
) -> (Vec<(usize, usize, usize)>, Vec<(usize, usize)>) {
    let mut spans = Vec::new();
    let mut screened = Vec::new();
    let Some(all) = build(
        m.screen_patterns.iter().map(|s| s.text.as_str()),
        MatchKind::Standard,
    ) else {
        return (spans, screened);
    };
    let bytes = folded.as_bytes();
    for hit in all.find_overlapping_iter(folded) {
        let s = &m.screen_patterns[hit.pattern().as_usize()];
        for &t in &s.substring_terms {
            let a = hit.start() + usize::from(bytes[hit.start()] == b' ');
            let z = hit.end() - usize::from(bytes[hit.end() - 1] == b' ');
            spans.push((a, z, t));
        }
        if s.segments(active, page_langs) == 0 {
            continue;
        }
        let word = if s.anywhere {
            words
                .partition_point(|w| w.start <= hit.start())
                .checked_sub(1)
        } else {
            words.iter().position(|w| w.start == hit.start() + 1)
        };
        if let Some(w) = word {
            screened.push((w, hit.pattern().as_usize()));
        }
    }
    (spans, screened)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// The gated word-by-word screening finds what one pass over the whole page finds.
    #[test]
    fn screening_by_words_finds_what_one_pass_finds(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "LED", "lamp", "lamps", "Lampe", "LED-Lampen", "clamp", "żarówki", "żarówka",
                "ampuller", "ürünler", "مضخة", "والمضخات", "灯泡", "LED灯泡", "light", "lighting",
                "a", "l", "lé", "solar", "pumps", "bombas", "T8", "t", "8", "Röhre", "—", " ", "\n",
            ]),
            0..40,
        ),
        langs in proptest::sample::subsequence(vec!["de", "pl", "tr", "ar", "fr"], 0..3),
    ) {
        let m = many_languages();
        let text = words.join(" ");
        let mut page = Folder::new(true, true);
        page.push_str(&text, 0);
        page.finish();
        let mut page_langs = bit(ENGLISH_SEG);
        for lang in &langs {
            if let Some(alg) = stemmer_for(lang) {
                page_langs |= bit(segment_of(alg));
            }
        }
        let active = m.always | page_langs;
        let text = super::search::Text {
            original: &text,
            folded: &page.out,
            words: &page.words,
            starts_text: None,
        };
        let segs = super::search::Segments { active, page_langs };
        let (mut spans, mut screened) = m.screen(&text, segs);
        let (mut want_spans, mut want) =
            screen_by_one_pass(&m, &page.out, &page.words, active, page_langs);
        for v in [&mut screened, &mut want] {
            v.sort_unstable();
            v.dedup();
        }
        spans.sort_unstable();
        want_spans.sort_unstable();
        proptest::prop_assert_eq!(screened, want);
        proptest::prop_assert_eq!(spans, want_spans);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Several texts searched in one pass give what each gives searched alone: no term
    /// crosses from one text into the next, and offsets are each text's own.
    #[test]
    fn find_each_finds_what_find_finds_in_each(
        texts in proptest::collection::vec(
            proptest::collection::vec(
                proptest::sample::select(vec![
                    "LED", "lamp", "lamps", "LED-Lampen", "Lampe", "żarówka", "LED.", "ampul",
                    "مضخة", "مياه", "LED灯泡", "灯泡", "LED", "bulb", "tube", "T8", "—", "x", "",
                ]),
                0..8,
            ),
            0..6,
        ),
        langs in proptest::sample::subsequence(vec!["de", "pl", "tr", "ar"], 0..3),
    ) {
        let m = many_languages();
        let texts: Vec<String> = texts.iter().map(|words| words.join(" ")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let found = m.find_each(&refs, &langs);
        for (i, text) in refs.iter().enumerate() {
            let (alone, folded) = m.find_and_fold(text, &langs);
            proptest::prop_assert_eq!(&found.hits[i], &alone, "text {} {:?}", i, text);
            let folded = if folded.trim().is_empty() { " ".to_string() } else { folded };
            proptest::prop_assert_eq!(found.folded(i), folded.as_str());
        }
    }
}
