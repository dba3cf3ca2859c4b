//! Choosing the pages of a company site that matter (catalogue, about us, contact, legal notice).
//!
//! A link is classified by its words (link text, `title`, `aria-label`, `alt` of an image inside)
//! and by the words of its URL path, against the words per page kind and language of
//! `query-templates/data/page-words.yaml` (loaded in `words.rs`). Words are compared after Unicode
//! lower-casing and accent folding, on word boundaries.

mod words;

use std::collections::{HashMap, HashSet, VecDeque};

use scraper::{ElementRef, Html};
use url::Url;

use super::domain::Domain;
pub use words::Lexicon;
use words::classify;

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

/// The kind of page an address names by its path alone (`/produkte/`, `kontakt.html`,
/// `mentions-legales`), with the same words the page picker uses; `None` when it names none.
pub fn kind_of_url(url: &Url, lex: &Lexicon) -> Option<PageKind> {
    words::classify(&[], url, lex).map(|(kind, _)| kind)
}

/// Links in `html` (a page at `base`) worth reading, best first, at most `max`; only pages of
/// the same registrable domain as `base`; no fragments-only, mailto:, tel:, javascript:,
/// or file downloads (pdf, images, zip, doc, xls ...); each URL once (fragment removed;
/// `/katalog` and `/katalog/` count as one, the first seen is kept).
///
/// Order: the best Products pages (up to half of `max`, at least one), then one Contact, one
/// About and one Legal page, then more Products pages, then the rest by score.
pub fn pick_pages(base: &Url, html: &str, max: usize, lex: &Lexicon) -> Vec<PageLink> {
    if max == 0 {
        return Vec::new();
    }
    let Some(site) = SiteKey::of(base) else {
        return Vec::new();
    };
    let doc = crate::extract::parse_html(html);
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
        let Some((kind, score)) = classify(&anchor.labels, &url, lex) else {
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
    let doc = crate::extract::parse_html(html);
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

fn kind_rank(kind: PageKind) -> usize {
    PICK_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(PICK_ORDER.len())
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
mod tests;
