//! Reading one page: its visible text, title, description, headings, image alt texts, link
//! texts, footer, and the catalogue items — the things the company sells — while leaving out
//! scripts, cookie banners, navigation, headers and footers.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use scraper::{ElementRef, Node};

/// Longest text taken as one catalogue item; longer is a paragraph, not a product name.
pub const MAX_ITEM_CHARS: usize = 160;

/// What a page says, split the way grading needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageText {
    /// `<html lang>`, lower case, primary subtag (`de` for `de-AT`).
    pub lang: Option<String>,
    pub title: String,
    pub description: String,
    /// `og:site_name`, when given.
    pub site_name: Option<String>,
    pub headings: Vec<String>,
    /// Visible text outside navigation, headers, footers and cookie banners, one block a line.
    pub main_text: String,
    /// Text of headers and footers (company name, address, copyright).
    pub chrome_text: String,
    pub alts: Vec<String>,
    pub link_texts: Vec<String>,
    /// Catalogue items found on the page (product names, categories), in page order.
    pub items: Vec<String>,
    /// Links on the page (a page of 100,000 links is read, but counted only).
    pub links: usize,
}

/// Elements whose content is never shown as text.
fn is_hidden(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "iframe"
            | "object"
            | "select"
            | "option"
    )
}

/// The class, id, role and aria-label of an element, lower case, space-separated (empty
/// for most elements). One pass over the attributes: `Element::attr` interns its argument.
fn class_and_id(el: &scraper::node::Element) -> String {
    let mut s = String::new();
    for (name, value) in el.attrs() {
        if matches!(name, "class" | "id" | "role" | "aria-label") {
            s.push(' ');
            s.extend(value.chars().map(|c| c.to_ascii_lowercase()));
        }
    }
    s
}

/// What an element's class and id say it is (bits).
const COOKIE: u8 = 1;
const CHROME: u8 = 2;
/// A category menu: site chrome that is a catalogue after all.
const CATEGORY: u8 = 4;
/// A product card: a product's box in a listing.
const CARD: u8 = 8;

/// The words of class names and ids that say what an element is, with their kinds.
const MARK_WORDS: &[(&str, u8)] = &[
    ("cookie", COOKIE),
    ("consent", COOKIE),
    ("gdpr", COOKIE),
    ("cmp-", COOKIE),
    ("privacy-banner", COOKIE),
    ("navigation", CHROME),
    ("navbar", CHROME),
    ("menu", CHROME),
    ("footer", CHROME),
    ("header", CHROME),
    ("breadcrumb", CHROME),
    ("contentinfo", CHROME),
    ("banner", CHROME),
    ("sidebar", CHROME),
    ("skip-link", CHROME),
    ("categor", CATEGORY),
    ("kategor", CATEGORY),
    ("sortiment", CATEGORY),
    ("product", CARD),
    ("produkt", CARD),
    ("produit", CARD),
    ("producto", CARD),
    ("prodotto", CARD),
    ("produto", CARD),
    ("товар", CARD),
    ("urun", CARD),
    ("ürün", CARD),
    ("article-", CARD),
    ("item", CARD),
    ("card", CARD),
    ("tile", CARD),
];

/// The kinds (bits) the marks of an element name, in one pass.
fn mark_kinds(marks: &str) -> u8 {
    static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(MARK_WORDS.iter().map(|(w, _)| w)).expect("a small word list builds")
    });
    if marks.is_empty() {
        return 0;
    }
    WORDS
        .find_overlapping_iter(marks)
        .fold(0, |kinds, m| kinds | MARK_WORDS[m.pattern().as_usize()].1)
}

/// Site chrome: navigation, headers, footers, breadcrumbs — not the company's catalogue,
/// unless it is a category menu.
fn is_chrome(name: &str, kinds: u8) -> bool {
    if kinds & CATEGORY != 0 {
        return false;
    }
    matches!(name, "nav" | "header" | "footer" | "aside") || kinds & CHROME != 0
}

fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The text of an element, without hidden parts; at most a little more than an item's worth
/// (a long text is not an item anyway), so a huge element costs nothing.
fn element_text(el: ElementRef) -> String {
    // Words joined by single spaces as they come (text nodes and elements separate words).
    let mut out = String::new();
    let mut gap = false;
    let mut stack: Vec<_> = el.children().collect();
    stack.reverse();
    while let Some(node) = stack.pop() {
        if out.len() > 4 * MAX_ITEM_CHARS {
            break;
        }
        match node.value() {
            Node::Text(t) => {
                let starts_word = t.starts_with(|c: char| !c.is_whitespace());
                for (i, word) in t.split_whitespace().enumerate() {
                    if !out.is_empty() && (gap || i > 0 || !starts_word) {
                        out.push(' ');
                    }
                    out.push_str(word);
                    gap = false;
                }
                gap = true;
                continue;
            }
            Node::Element(e) if is_hidden(e.name()) => continue,
            Node::Element(_) => gap = true,
            _ => continue,
        }
        let len = stack.len();
        stack.extend(node.children());
        stack[len..].reverse();
    }
    out
}

/// The letters of an element's visible text (what [`element_text`] would hold), counted
/// without building it.
fn letters_in(el: ElementRef) -> usize {
    let mut letters = 0;
    let mut stack: Vec<_> = el.children().collect();
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => letters += t.chars().filter(|c| c.is_alphabetic()).count(),
            Node::Element(e) if !is_hidden(e.name()) => stack.extend(node.children()),
            _ => {}
        }
    }
    letters
}

/// Deepest element nesting read; deeper markup (hostile or broken) is cut off there, since
/// HTML parsing slows down with the square of the depth.
pub const MAX_DEPTH: usize = 256;

/// `html` cut where its tag nesting passes [`MAX_DEPTH`] (a cheap scan, not a parse).
pub fn limit_depth(html: &str) -> &str {
    /// Elements without an end tag (compared in lower case).
    fn void(name: &[u8]) -> bool {
        let mut buf = [0u8; 6];
        if name.len() > buf.len() {
            return false;
        }
        for (b, n) in buf.iter_mut().zip(name) {
            *b = n.to_ascii_lowercase();
        }
        matches!(
            &buf[..name.len()],
            b"area"
                | b"base"
                | b"br"
                | b"col"
                | b"embed"
                | b"hr"
                | b"img"
                | b"input"
                | b"link"
                | b"meta"
                | b"param"
                | b"source"
                | b"track"
                | b"wbr"
        )
    }
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|&c| c == b'<') {
        let at = i + off;
        let rest = &bytes[at + 1..];
        if rest.first() == Some(&b'/') {
            depth = depth.saturating_sub(1);
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let name_end = rest
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            let self_closing = rest
                .iter()
                .take(512)
                .position(|&b| b == b'>')
                .is_some_and(|p| p > 0 && rest[p - 1] == b'/');
            if !void(&rest[..name_end]) && !self_closing {
                depth += 1;
                if depth > MAX_DEPTH {
                    return &html[..at];
                }
            }
        }
        i = at + 1;
    }
    html
}

fn usable_item(text: &str) -> bool {
    let n = text.chars().count();
    (2..=MAX_ITEM_CHARS).contains(&n) && text.chars().any(char::is_alphabetic)
}

/// Reads a page. `catalogue` says the page is a products page, where headings and image
/// alt texts may be the only names of the products.
pub fn analyze(html: &str, catalogue: bool) -> PageText {
    analyze_doc(&super::parse_html(html), catalogue)
}

/// [`analyze`] for a page already parsed (with [`super::parse_html`]).
pub fn analyze_doc(doc: &scraper::Html, catalogue: bool) -> PageText {
    let mut page = PageText::default();
    let root = doc.root_element();
    page.lang = root
        .value()
        .attr("lang")
        .map(|l| {
            l.split(['-', '_'])
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|l| !l.is_empty());

    let mut main = String::new();
    let mut chrome = String::new();
    let mut card_items: Vec<String> = Vec::new();
    let mut list_items: Vec<String> = Vec::new();
    let mut row_items: Vec<String> = Vec::new();
    let mut heading_items: Vec<String> = Vec::new();

    // Iterative walk (deeply nested pages must not overflow the stack), with the context
    // of each node: hidden, chrome, cookie banner, inside a card already counted.
    #[derive(Clone, Copy, Default)]
    struct Ctx {
        hidden: bool,
        chrome: bool,
        cookie: bool,
        in_item: bool,
    }
    let mut stack = vec![(doc.tree.root(), Ctx::default())];
    while let Some((node, ctx)) = stack.pop() {
        let mut ctx = ctx;
        match node.value() {
            Node::Text(t) => {
                if ctx.hidden || ctx.cookie {
                    continue;
                }
                let target = if ctx.chrome { &mut chrome } else { &mut main };
                target.push_str(t);
                continue;
            }
            Node::Element(el) => {
                let name = el.name();
                if is_hidden(name) {
                    ctx.hidden = true;
                }
                if name == "title" {
                    page.title = clean(
                        &node
                            .children()
                            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                            .collect::<String>(),
                    );
                    continue;
                }
                if name == "meta" {
                    let key = el
                        .attr("name")
                        .or_else(|| el.attr("property"))
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    let content = el.attr("content").unwrap_or("");
                    match key.as_str() {
                        "description" | "og:description" if page.description.is_empty() => {
                            page.description = clean(content)
                        }
                        "og:site_name" => {
                            page.site_name = Some(clean(content)).filter(|s| !s.is_empty())
                        }
                        _ => {}
                    }
                    continue;
                }
                if ctx.hidden {
                    continue;
                }
                let kinds = mark_kinds(&class_and_id(el));
                if kinds & COOKIE != 0 {
                    ctx.cookie = true;
                }
                if is_chrome(name, kinds) {
                    ctx.chrome = true;
                }
                let block = matches!(
                    name,
                    "p" | "div"
                        | "li"
                        | "tr"
                        | "td"
                        | "th"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "br"
                        | "section"
                        | "article"
                        | "ul"
                        | "ol"
                        | "table"
                        | "dd"
                        | "dt"
                );
                if block {
                    let target = if ctx.chrome { &mut chrome } else { &mut main };
                    target.push('\n');
                }
                if name == "a" {
                    page.links += 1;
                    if let Some(er) = ElementRef::wrap(node) {
                        let t = element_text(er);
                        if !t.is_empty() && page.link_texts.len() < 2000 {
                            page.link_texts.push(t);
                        }
                    }
                }
                if name == "img"
                    && let Some(alt) = el.attr("alt").map(clean).filter(|a| usable_item(a))
                    && !ctx.cookie
                {
                    if !ctx.chrome && !ctx.in_item && catalogue {
                        heading_items.push(alt.clone());
                    }
                    page.alts.push(alt);
                }
                let in_catalogue_area = !ctx.chrome && !ctx.cookie && !ctx.in_item;
                if in_catalogue_area && let Some(er) = ElementRef::wrap(node) {
                    if matches!(name, "h1" | "h2" | "h3" | "h4") {
                        let t = element_text(er);
                        if !t.is_empty() {
                            page.headings.push(t.clone());
                            if catalogue && name != "h1" && usable_item(&t) {
                                heading_items.push(t);
                            }
                        }
                    } else if name != "body" && name != "main" && kinds & CARD != 0 {
                        // A product card: its heading, else its image's alt text, else its text.
                        let heading = er
                            .descendants()
                            .filter_map(ElementRef::wrap)
                            .find(|e| {
                                matches!(
                                    e.value().name(),
                                    "h2" | "h3" | "h4" | "h5" | "strong" | "b"
                                )
                            })
                            .map(element_text);
                        let alt = er
                            .descendants()
                            .filter_map(ElementRef::wrap)
                            .find_map(|e| e.value().attr("alt").map(clean));
                        let text = heading
                            .filter(|h| usable_item(h))
                            .or(alt.filter(|a| usable_item(a)))
                            .or_else(|| Some(element_text(er)).filter(|t| usable_item(t)));
                        if let Some(t) = text {
                            card_items.push(t);
                            ctx.in_item = true;
                        }
                    } else if name == "li" {
                        let nested = er
                            .descendants()
                            .skip(1)
                            .any(|d| d.value().as_element().is_some_and(|e| e.name() == "li"));
                        if !nested {
                            let t = element_text(er);
                            if usable_item(&t) {
                                list_items.push(t);
                                ctx.in_item = true;
                            }
                        }
                    } else if name == "tr" {
                        // The cell that names the article: the one with the most letters
                        // (not the code, price or quantity).
                        let best = er
                            .children()
                            .filter_map(ElementRef::wrap)
                            .filter(|c| c.value().name() == "td")
                            .map(|c| (letters_in(c), c))
                            .max_by_key(|(letters, _)| *letters)
                            .filter(|(letters, _)| *letters >= 3)
                            .map(|(_, cell)| element_text(cell));
                        if let Some(best) = best.filter(|t| usable_item(t)) {
                            row_items.push(best);
                            ctx.in_item = true;
                        }
                    }
                }
            }
            _ => {}
        }
        // Children in document order: push reversed.
        stack.extend(node.children().rev().map(|child| (child, ctx)));
    }
    page.main_text = tidy_lines(&main);
    page.chrome_text = tidy_lines(&chrome);
    let mut items = Vec::new();
    items.extend(card_items);
    items.extend(list_items);
    items.extend(row_items);
    // Headings and alt texts name products only where nothing else does (cards with a title,
    // a gallery of product photos); otherwise they are section titles.
    if items.is_empty() {
        items.extend(heading_items);
    }
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.to_lowercase()));
    page.items = items;
    page
}

fn tidy_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for (i, word) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_in_main_are_items_nav_and_footer_are_not() {
        let html = r#"<html lang="de-AT"><head><title>Shop</title>
            <meta name="description" content="LED-Lampen vom Importeur"><script>var x = "<li>no</li>";</script></head>
            <body><nav><ul><li>Startseite</li><li>Kontakt</li></ul></nav>
            <div class="cookie-banner"><p>Wir verwenden Cookies</p><ul><li>Akzeptieren</li></ul></div>
            <main><h1>Produkte</h1><h2>Lampen</h2><ul><li>LED-Lampe E27 9 W</li><li>LED-Röhre T8</li></ul>
            <table><tr><th>Artikel</th><th>Preis</th></tr><tr><td>Downlight 12 W</td><td>9,90</td></tr></table></main>
            <footer><ul><li>Impressum</li></ul><p>© 2024 Lampen Import GmbH</p></footer></body></html>"#;
        let p = analyze(html, true);
        assert_eq!(p.lang.as_deref(), Some("de"));
        assert_eq!(p.title, "Shop");
        assert_eq!(p.description, "LED-Lampen vom Importeur");
        assert_eq!(
            p.items,
            vec!["LED-Lampe E27 9 W", "LED-Röhre T8", "Downlight 12 W"]
        );
        assert!(!p.main_text.contains("Cookies"));
        assert!(!p.main_text.contains("var x"));
        assert!(p.chrome_text.contains("Lampen Import GmbH"));
        assert_eq!(p.headings, vec!["Produkte", "Lampen"]);
    }

    #[test]
    fn cards_give_one_item_each_and_alt_texts_name_products_without_text() {
        let cards = r#"<main><div class="product-card"><h3>LED panel 60x60</h3><p>Great light, many words</p><ul><li>36 W</li></ul></div>
            <div class="product-card"><img alt="LED bulb E14"></div></main>"#;
        assert_eq!(
            analyze(cards, true).items,
            vec!["LED panel 60x60", "LED bulb E14"]
        );
        let gallery = r#"<main><h2>Unsere Produkte</h2><img src="a.jpg" alt="LED-Lampe E27"><img src="b.jpg" alt="LED-Röhre 120 cm"></main>"#;
        let p = analyze(gallery, true);
        assert!(
            p.items.contains(&"LED-Lampe E27".to_string()),
            "{:?}",
            p.items
        );
        assert!(
            analyze(gallery, false).items.is_empty(),
            "not on a non-catalogue page"
        );
    }

    #[test]
    fn deep_nesting_and_garbage_do_not_overflow() {
        let deep = format!(
            "<p>before</p>{}x{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        let p = analyze(&deep, true);
        assert!(
            p.main_text.contains("before"),
            "what comes before the deep part is read"
        );
        let _ = analyze("<<<>>>&&&\u{0}\u{fffd}", true);
        let _ = analyze("", false);
    }
}
