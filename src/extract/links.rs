//! Choosing the pages of a company site that matter (catalogue, about us, contact, legal notice).
//!
//! A link is classified by its words (link text, `title`, `aria-label`, `alt` of an image inside)
//! and by the words of its URL path, against keyword lists in the main trade languages. Words
//! are compared after Unicode lower-casing and accent folding, on word boundaries.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::LazyLock;

use scraper::{ElementRef, Html};
use url::Url;

use super::domain::Domain;

/// What a page of a company site is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageKind {
    Home,
    Products,
    About,
    Contact,
    Legal,
}

impl PageKind {
    /// Every kind, in declaration order.
    pub const ALL: [PageKind; 5] = [
        PageKind::Home,
        PageKind::Products,
        PageKind::About,
        PageKind::Contact,
        PageKind::Legal,
    ];

    /// The lower-case name used in the store and in messages.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Products => "products",
            PageKind::About => "about",
            PageKind::Contact => "contact",
            PageKind::Legal => "legal",
        }
    }

    /// The kind with this name (as written by [`PageKind::name`]).
    pub fn from_name(s: &str) -> Option<PageKind> {
        PageKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// A page worth reading, with why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// Absolute, without fragment.
    pub url: Url,
    pub kind: PageKind,
    /// Higher is better: [`TEXT_MATCH`] (+ [`LABEL_BONUS`]) for the words of the link,
    /// [`URL_MATCH`] for the words of its URL.
    pub score: u32,
    /// The link's visible text (or its label when it has none), whitespace collapsed.
    pub text: String,
}

/// Score of a link whose text names the kind of page.
pub const TEXT_MATCH: u32 = 100;
/// Added when the keyword is the whole link text (a menu entry, not a sentence).
pub const LABEL_BONUS: u32 = 20;
/// Score of a link whose URL path names the kind of page.
pub const URL_MATCH: u32 = 50;
/// Link texts kept in [`PageLink::text`] are cut to this many characters.
const MAX_TEXT_CHARS: usize = 120;

/// Kinds in the order they are taken when choosing, also the tie-break between kinds.
const PICK_ORDER: [PageKind; 4] = [
    PageKind::Products,
    PageKind::Contact,
    PageKind::About,
    PageKind::Legal,
];

/// Keyword lists: one line per language, `code: word, phrase, ...`. Matched on word
/// boundaries after [`fold`], so accents and case don't matter.
const PRODUCTS_WORDS: &str = "
    en: products, product, our products, product range, our range, range of products,
        catalogue, catalog, catalogues, catalogs, product catalogue, product catalog, brands,
        our brands, shop, online shop, webshop, assortment, collection, collections,
        product overview, portfolio
    de: produkte, produkt, unsere produkte, sortiment, katalog, kataloge, produktkatalog,
        marken, unsere marken, produktübersicht, produktuebersicht, produktbereiche,
        produktwelt, produktwelten, kollektion, onlineshop
    fr: produits, produit, nos produits, gamme, gammes, nos gammes, marques, nos marques,
        boutique
    es: productos, producto, nuestros productos, catálogo, marcas, gama, gamas, tienda
    pt: produtos, produto, nossos produtos, linha de produtos, loja
    it: prodotti, prodotto, i nostri prodotti, catalogo, marchi, gamma, negozio
    nl: producten, assortiment, merken, catalogus, onze producten
    pl: produkty, oferta, nasza oferta, marki, asortyment, sklep
    ru: продукция, продукты, товары, каталог, каталог продукции, ассортимент, бренды,
        наша продукция, produkciya, produktsiya, tovary, assortiment, brendy
    tr: ürünler, ürün, ürünlerimiz, markalar, markalarımız, ürün kataloğu
";

const ABOUT_WORDS: &str = "
    en: about, about us, company, our company, the company, who we are, company profile,
        profile
    de: über uns, ueber uns, wir über uns, unternehmen, das unternehmen, firma, firmenprofil,
        unternehmensprofil
    fr: qui sommes nous, à propos, société, entreprise, notre société, notre entreprise,
        présentation
    es: quiénes somos, sobre nosotros, empresa, nuestra empresa, acerca de
    pt: quem somos, sobre nós, a empresa
    it: chi siamo, azienda, profilo aziendale
    nl: over ons, bedrijf, bedrijfsprofiel, wie zijn wij
    pl: o nas, o firmie
    ru: о компании, о нас, компания, o kompanii
    tr: hakkımızda, kurumsal, biz kimiz
";

const CONTACT_WORDS: &str = "
    en: contact, contacts, contact us, get in touch
    de: kontakt, kontaktformular, ansprechpartner
    fr: contactez nous, nous contacter
    es: contacto, contactos, contáctenos, contactar
    pt: contato, contatos, fale conosco
    it: contatti, contatto, contattaci
    nl: neem contact op
    pl: kontakty
    ru: контакты, контакт, связаться с нами, kontakty
    tr: iletişim, bize ulaşın
";

const LEGAL_WORDS: &str = "
    en: imprint, legal notice, legal, legal information, site notice
    de: impressum, anbieterkennzeichnung
    fr: mentions légales, informations légales
    es: aviso legal, nota legal, información legal
    pt: informações legais
    it: note legali, informazioni legali
    nl: colofon
    pl: nota prawna, informacje prawne, dane firmy
    ru: реквизиты, правовая информация, rekvizity
    tr: künye
";

/// Privacy and cookie pages: never read, except when they are also the legal notice or a
/// contact page (`Impressum & Datenschutz` is one page on many German sites).
const PRIVACY_WORDS: &str = "
    en: privacy, privacy policy, data protection, cookie, cookies, cookie policy, gdpr
    de: datenschutz, datenschutzerklärung, dsgvo
    fr: confidentialité, politique de confidentialité, données personnelles, rgpd
    es: privacidad, política de privacidad
    pt: privacidade, política de privacidade, lgpd
    it: riservatezza
    nl: privacybeleid
    pl: polityka prywatności, prywatność, rodo
    ru: политика конфиденциальности, конфиденциальность, персональные данные
    tr: gizlilik, gizlilik politikası, kvkk
";

/// Login, cart and job pages: never read, except when they are also a contact page.
const UNWANTED_WORDS: &str = "
    en: login, log in, logout, sign in, signin, sign up, register, my account, cart, basket,
        checkout, wishlist, careers, career, jobs, job, vacancies
    de: anmelden, registrieren, mein konto, warenkorb, kasse, merkliste, karriere,
        stellenangebote
    fr: connexion, mon compte, panier, carrières, emploi, offres d'emploi, recrutement
    es: iniciar sesión, mi cuenta, carrito, empleo, trabaja con nosotros, bolsa de trabajo
    pt: minha conta, carrinho, carreiras, trabalhe conosco, vagas
    it: accedi, il mio account, carrello, lavora con noi, carriere
    nl: inloggen, mijn account, winkelwagen, winkelmand, vacatures, werken bij
    pl: zaloguj, logowanie, moje konto, koszyk, kariera, praca, oferty pracy
    ru: войти, вход, регистрация, личный кабинет, корзина, вакансии, карьера
    tr: giriş, giriş yap, üye ol, hesabım, sepet, sepetim, kariyer, insan kaynakları
";

/// Extensions of files that are not web pages (never fetched as pages).
const FILE_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "xlsm", "ppt", "pptx", "odt", "ods", "odp", "rtf", "csv",
    "txt", "zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz", "jpg", "jpeg", "png", "gif",
    "webp", "svg", "bmp", "tif", "tiff", "ico", "avif", "heic", "mp3", "mp4", "m4v", "avi", "mov",
    "wmv", "webm", "ogg", "wav", "flv", "exe", "msi", "dmg", "apk", "iso", "bin", "epub", "css",
    "js", "json", "xml", "rss", "atom", "dwg", "dxf", "step", "stp", "igs", "eps", "ai", "psd",
];

/// Extensions of documents worth recording (catalogues, price lists, data sheets).
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "xlsm", "ppt", "pptx", "odt", "ods", "odp", "rtf", "csv",
];

/// Extensions of web pages, dropped from a path segment before its words are read.
const PAGE_EXTENSIONS: &[&str] = &[
    "html", "htm", "shtml", "xhtml", "php", "php5", "asp", "aspx", "jsp", "jspx", "cfm", "do",
    "cgi", "pl",
];

/// A keyword list folded once: the words as a phrase, and with the spaces removed
/// (`about us` also matches the URL segment `aboutus`).
struct Keywords {
    phrases: Vec<String>,
    compact: Vec<String>,
}

impl Keywords {
    /// From a keyword list in the `code: word, phrase, ...` layout.
    fn new(list: &str) -> Keywords {
        let mut phrases: Vec<String> = list
            .lines()
            .map(|line| match line.split_once(':') {
                Some((code, rest)) if code.trim().len() == 2 => rest,
                _ => line,
            })
            .flat_map(|line| line.split(','))
            .map(fold)
            .filter(|w| !w.is_empty())
            .collect();
        phrases.sort();
        phrases.dedup();
        let compact = phrases.iter().map(|p| p.replace(' ', "")).collect();
        Keywords { phrases, compact }
    }

    /// Whether one of the keywords occurs in `text` (folded) on word boundaries; `Some(true)`
    /// when one is the whole text.
    fn find_in(&self, text: &str) -> Option<bool> {
        let mut found = None;
        for p in &self.phrases {
            if p == text {
                return Some(true);
            }
            if found.is_none() && contains_words(text, p) {
                found = Some(false);
            }
        }
        found
    }

    /// Whether one of the keywords occurs in a folded URL part, as words or written together.
    fn in_url_part(&self, part: &str) -> bool {
        if self.find_in(part).is_some() {
            return true;
        }
        let compact = part.replace(' ', "");
        !compact.is_empty() && self.compact.contains(&compact)
    }
}

struct Lexicon {
    kinds: Vec<(PageKind, Keywords)>,
    privacy: Keywords,
    unwanted: Keywords,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon {
    kinds: vec![
        (PageKind::Products, Keywords::new(PRODUCTS_WORDS)),
        (PageKind::Contact, Keywords::new(CONTACT_WORDS)),
        (PageKind::About, Keywords::new(ABOUT_WORDS)),
        (PageKind::Legal, Keywords::new(LEGAL_WORDS)),
    ],
    privacy: Keywords::new(PRIVACY_WORDS),
    unwanted: Keywords::new(UNWANTED_WORDS),
});

/// Links in `html` (a page at `base`) worth reading, best first, at most `max`; only pages of
/// the same registrable domain as `base`; no fragments-only, mailto:, tel:, javascript:,
/// or file downloads (pdf, images, zip, doc, xls ...); each URL once (fragment removed;
/// `/katalog` and `/katalog/` count as one, the first seen is kept).
///
/// Order: the best Products pages (up to half of `max`, at least one), then one Contact, one
/// About and one Legal page, then more Products pages, then the rest by score.
pub fn pick_pages(base: &Url, html: &str, max: usize) -> Vec<PageLink> {
    if max == 0 {
        return Vec::new();
    }
    let Some(site) = SiteKey::of(base) else {
        return Vec::new();
    };
    let doc = Html::parse_document(html);
    let link_base = effective_base(base, &doc);
    let page = without_fragment(base);

    // Best anchor per URL, with the position of the URL's first anchor.
    let mut candidates: Vec<(PageLink, usize)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (pos, anchor) in anchors(&doc).enumerate() {
        let Some(url) = resolve(&link_base, anchor.href) else {
            continue;
        };
        if anchor.download
            || SiteKey::of(&url).as_ref() != Some(&site)
            || same_page(&url, &page)
            || is_home(&url, base)
            || extension(&url).is_some_and(|e| FILE_EXTENSIONS.contains(&e.as_str()))
        {
            continue;
        }
        let Some((kind, score)) = classify(&anchor.labels, &url) else {
            continue;
        };
        let link = PageLink {
            url,
            kind,
            score,
            text: anchor.text,
        };
        let key = dedupe_key(&link.url);
        match seen.get(&key) {
            Some(&i) => {
                if candidates[i].0.score < link.score {
                    candidates[i].0 = link;
                }
            }
            None => {
                seen.insert(key, candidates.len());
                candidates.push((link, pos));
            }
        }
    }

    candidates.sort_by(|(a, pa), (b, pb)| {
        b.score
            .cmp(&a.score)
            .then(a.url.as_str().len().cmp(&b.url.as_str().len()))
            .then(pa.cmp(pb))
    });
    let mut pools: HashMap<PageKind, VecDeque<PageLink>> = HashMap::new();
    for (link, _) in candidates {
        pools.entry(link.kind).or_default().push_back(link);
    }

    let mut chosen = Vec::new();
    let mut take = |kind: PageKind, n: usize, chosen: &mut Vec<PageLink>| {
        for _ in 0..n {
            if chosen.len() >= max {
                return;
            }
            match pools.get_mut(&kind).and_then(|p| p.pop_front()) {
                Some(link) => chosen.push(link),
                None => return,
            }
        }
    };
    take(PageKind::Products, (max / 2).max(1), &mut chosen);
    take(PageKind::Contact, 1, &mut chosen);
    take(PageKind::About, 1, &mut chosen);
    take(PageKind::Legal, 1, &mut chosen);
    take(PageKind::Products, max, &mut chosen);
    // Whatever is left (a second contact page, ...), best first, kinds in pick order on ties.
    let mut rest: Vec<PageLink> = pools.into_values().flatten().collect();
    rest.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(kind_rank(a.kind).cmp(&kind_rank(b.kind)))
            .then(a.url.as_str().len().cmp(&b.url.as_str().len()))
            .then(a.url.as_str().cmp(b.url.as_str()))
    });
    chosen.extend(rest.into_iter().take(max.saturating_sub(chosen.len())));
    chosen
}

/// All same-site links of the page that look like documents (PDF catalogues, price lists),
/// recorded but not fetched: absolute URLs, deduplicated.
pub fn document_links(base: &Url, html: &str) -> Vec<Url> {
    let Some(site) = SiteKey::of(base) else {
        return Vec::new();
    };
    let doc = Html::parse_document(html);
    let link_base = effective_base(base, &doc);
    let mut out: Vec<Url> = Vec::new();
    let mut seen = HashSet::new();
    for anchor in anchors(&doc) {
        let Some(url) = resolve(&link_base, anchor.href) else {
            continue;
        };
        if SiteKey::of(&url).as_ref() == Some(&site)
            && extension(&url).is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.as_str()))
            && seen.insert(url.to_string())
        {
            out.push(url);
        }
    }
    out
}

/// What identifies a site: its registrable domain, or for hosts without one (IP addresses,
/// `localhost`) the host and port.
#[derive(Debug, PartialEq, Eq)]
enum SiteKey {
    Domain(Domain),
    Origin(String, Option<u16>),
}

impl SiteKey {
    fn of(url: &Url) -> Option<SiteKey> {
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let host = url.host_str().filter(|h| !h.is_empty())?;
        Some(match Domain::of_host(host) {
            Some(d) => SiteKey::Domain(d),
            None => SiteKey::Origin(host.to_ascii_lowercase(), url.port_or_known_default()),
        })
    }
}

/// One `<a href>` or `<area href>` of the page.
struct Anchor<'a> {
    href: &'a str,
    /// Visible text, or the first non-empty label.
    text: String,
    /// Every text that may name the page: visible text, title, aria-label, alt of images.
    labels: Vec<String>,
    download: bool,
}

fn anchors(doc: &Html) -> impl Iterator<Item = Anchor<'_>> {
    doc.root_element().descendent_elements().filter_map(|el| {
        let name = el.value().name();
        if name != "a" && name != "area" {
            return None;
        }
        let href = el.value().attr("href")?;
        let visible = collapse_ws(&el.text().collect::<Vec<_>>().join(" "));
        let mut labels = vec![visible.clone()];
        for attr in ["title", "aria-label", "alt"] {
            if let Some(v) = el.value().attr(attr) {
                labels.push(collapse_ws(v));
            }
        }
        labels.extend(image_alts(el));
        labels.retain(|l| !l.is_empty());
        let text = labels.first().cloned().unwrap_or_default();
        Some(Anchor {
            href,
            text: truncate_chars(&text, MAX_TEXT_CHARS),
            labels,
            download: el.value().attr("download").is_some(),
        })
    })
}

fn image_alts(el: ElementRef<'_>) -> impl Iterator<Item = String> + '_ {
    el.descendent_elements()
        .filter(|e| e.value().name() == "img")
        .filter_map(|e| e.value().attr("alt"))
        .map(collapse_ws)
}

/// The URL relative links are resolved against: the first `<base href>` when it is a usable
/// http(s) URL, else the page's own URL.
fn effective_base(page: &Url, doc: &Html) -> Url {
    doc.root_element()
        .descendent_elements()
        .find(|e| e.value().name() == "base" && e.value().attr("href").is_some())
        .and_then(|e| e.value().attr("href"))
        .and_then(|h| page.join(h.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| page.clone())
}

/// An href made absolute, without fragment; `None` for empty and fragment-only hrefs,
/// unparseable ones and anything but http(s).
fn resolve(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let mut url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

fn without_fragment(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    u
}

/// The same page, ignoring a trailing slash.
fn same_page(a: &Url, b: &Url) -> bool {
    a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && a.path().trim_end_matches('/') == b.path().trim_end_matches('/')
        && a.query() == b.query()
}

/// URLs that name the same page (scheme and a trailing slash aside) share this key.
fn dedupe_key(url: &Url) -> String {
    format!(
        "{}:{}{}?{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default(),
        url.path().trim_end_matches('/'),
        url.query().unwrap_or_default()
    )
}

/// The site's home page (`/`, `/index.html` ...) on the host of `base` (with or without `www.`).
fn is_home(url: &Url, base: &Url) -> bool {
    let bare = |u: &Url| {
        let h = u.host_str().unwrap_or_default().to_ascii_lowercase();
        h.strip_prefix("www.").map(str::to_string).unwrap_or(h)
    };
    if bare(url) != bare(base) || url.query().is_some_and(|q| !q.is_empty()) {
        return false;
    }
    let path = url.path().trim_matches('/').to_ascii_lowercase();
    path.is_empty()
        || (!path.contains('/')
            && ["index.", "default.", "home."]
                .iter()
                .any(|p| path.starts_with(p)))
}

/// The lower-case extension of the last path segment (`pdf` for `/files/Katalog.PDF`).
fn extension(url: &Url) -> Option<String> {
    let last = url.path_segments()?.next_back()?;
    let (stem, ext) = last.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() || ext.len() > 5 {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// The kind of page a link leads to and its score, or `None` when it is none of them or is
/// an unwanted page (login, cart, privacy, jobs).
fn classify(labels: &[String], url: &Url) -> Option<(PageKind, u32)> {
    let labels: Vec<String> = labels.iter().map(|l| fold(l)).collect();
    let parts = url_parts(url);
    let lex = &*LEXICON;

    let mut best: Option<(PageKind, u32, bool)> = None;
    for (kind, words) in &lex.kinds {
        let text = labels
            .iter()
            .filter_map(|l| words.find_in(l))
            .map(|whole| TEXT_MATCH + if whole { LABEL_BONUS } else { 0 })
            .max()
            .unwrap_or(0);
        let in_url = if parts.iter().any(|p| words.in_url_part(p)) {
            URL_MATCH
        } else {
            0
        };
        let score = text + in_url;
        // Kinds are listed in pick order, so on a tie the earlier one stays.
        if score > 0 && best.is_none_or(|(_, s, _)| score > s) {
            best = Some((*kind, score, text > 0));
        }
    }
    let (kind, score, kind_in_text) = best?;

    // An unwanted page named in the link text is skipped unless the text also names the page
    // as an exempt kind (`Kontakt & Karriere`); named only in the URL, it is skipped unless
    // the link is of an exempt kind.
    let blocked = |words: &Keywords, exempt: bool| {
        let in_text = labels.iter().any(|l| words.find_in(l).is_some());
        if exempt {
            in_text && !kind_in_text
        } else {
            in_text || parts.iter().any(|p| words.find_in(p).is_some())
        }
    };
    let unwanted = blocked(&lex.unwanted, kind == PageKind::Contact)
        || blocked(
            &lex.privacy,
            matches!(kind, PageKind::Contact | PageKind::Legal),
        );
    (!unwanted).then_some((kind, score))
}

fn kind_rank(kind: PageKind) -> usize {
    PICK_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(PICK_ORDER.len())
}

/// The words of a URL, folded: each path segment (percent-decoded, page extension dropped)
/// and each query value (or key without value).
fn url_parts(url: &Url) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(segments) = url.path_segments() {
        for seg in segments {
            let seg = percent_decode(seg);
            let seg = match seg.rsplit_once('.') {
                Some((stem, ext))
                    if PAGE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) =>
                {
                    stem.to_string()
                }
                _ => seg,
            };
            let folded = fold(&seg);
            if !folded.is_empty() {
                parts.push(folded);
            }
        }
    }
    for (key, value) in url.query_pairs() {
        let word = if value.is_empty() { key } else { value };
        let folded = fold(&word);
        if !folded.is_empty() {
            parts.push(folded);
        }
    }
    parts
}

/// `%D0%BE` → `о`; invalid escapes are kept as they are, invalid UTF-8 replaced.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16)),
                bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Text as words for matching: Unicode lower case, accents folded (`Über` → `uber`,
/// `İletişim` → `iletisim`), everything but letters and digits turned into single spaces.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue; // combining accents (decomposed text, the dot of a lower-cased `İ`)
        }
        if c.is_alphanumeric() {
            match fold_letter(c) {
                Some(f) => out.push_str(f),
                None => out.push(c),
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The plain letters for an accented lower-case Latin letter (and `ё`).
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'į' | 'ı' => "i",
        'ĺ' | 'ļ' | 'ľ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ё' => "е",
        _ => return None,
    })
}

/// Whether `phrase` occurs in `text` as whole words (both folded: words separated by one space).
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let end = i + phrase.len();
        (i == 0 || text.as_bytes()[i - 1] == b' ')
            && (end == text.len() || text.as_bytes()[end] == b' ')
    })
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate_chars(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn page(nav: &str) -> String {
        format!("<!doctype html><html><head><title>t</title></head><body>{nav}</body></html>")
    }

    /// (path-and-query, kind) of the chosen pages.
    fn picked(base: &str, html: &str, max: usize) -> Vec<(String, PageKind)> {
        pick_pages(&url(base), html, max)
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
        let links = pick_pages(&url("https://www.lampen-import.de/"), &page(GERMAN), 6);
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
        let got: Vec<String> = pick_pages(&base, &html, 10)
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
        let got: Vec<String> = pick_pages(&base, html, 5)
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
        let got = pick_pages(&url("https://example.com/"), &html, 10);
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
        let links = pick_pages(&url("https://example.com/"), &html, 10);
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
            let got = pick_pages(&base, html, 3);
            assert!(got.len() <= 3, "{html}");
            let _ = document_links(&base, html);
        }
        let long = "<a href=/produkte>".repeat(2000) + &"ü".repeat(500);
        let got = pick_pages(&base, &long, 3);
        assert!(got.len() <= 1);
        assert!(
            got.iter()
                .all(|l| l.text.chars().count() <= MAX_TEXT_CHARS + 1)
        );
        // A base that is not a web page gives nothing.
        assert!(pick_pages(&url("file:///tmp/x.html"), GERMAN, 5).is_empty());
    }

    #[test]
    fn folding() {
        assert_eq!(fold("  Über  UNS! "), "uber uns");
        assert_eq!(fold("İLETİŞİM"), "iletisim");
        assert_eq!(fold("Qui sommes-nous ?"), "qui sommes nous");
        assert_eq!(fold("Ёлки"), "елки");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Informacje prawne – Łódź"), "informacje prawne lodz");
        assert_eq!(fold("Cafe\u{301}"), "cafe");
    }

    #[test]
    fn keyword_lists_are_read_per_language() {
        let products = Keywords::new(PRODUCTS_WORDS);
        for w in [
            "products",
            "produktubersicht",
            "urunler",
            "каталог",
            "brendy",
        ] {
            assert!(products.phrases.iter().any(|p| p == w), "{w}");
        }
        let all = [PRODUCTS_WORDS, ABOUT_WORDS, CONTACT_WORDS, LEGAL_WORDS];
        for list in all.into_iter().chain([PRIVACY_WORDS, UNWANTED_WORDS]) {
            let k = Keywords::new(list);
            assert!(
                k.phrases
                    .iter()
                    .all(|p| !p.starts_with("en ") && !p.starts_with("de "))
            );
        }
        assert_eq!(LEXICON.kinds.len(), PICK_ORDER.len());
    }

    #[test]
    fn kind_names_round_trip() {
        for k in PageKind::ALL {
            assert_eq!(PageKind::from_name(k.name()), Some(k));
        }
        assert_eq!(PageKind::from_name("Products"), None);
    }
}
