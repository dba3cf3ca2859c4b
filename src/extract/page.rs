//! Reading one page: its visible text, title, description, headings, image alt texts, link
//! texts, footer, and the catalogue items — the things the company sells — while leaving out
//! scripts, cookie banners, navigation, headers and footers.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use scraper::{ElementRef, Node};

use super::items::{self, Item};
use super::tag;

/// Longest text taken as one catalogue item; longer is a paragraph, not a product name.
pub const MAX_ITEM_CHARS: usize = 160;
/// Text kept of a page, of each kind (main, beside the items, header and footer): what a
/// person reads of a page is in its first half megabyte, and a page at the body cap must
/// not cost grading a hundred megabytes.
pub const MAX_TEXT_BYTES: usize = 512 * 1024;
/// Catalogue items, headings and image texts read of a page at most: the share of a
/// catalogue is the same over its first thousand articles.
pub const MAX_ITEMS: usize = 1000;

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
    /// `main_text` without the text of the elements read as catalogue items (a product
    /// card's title, a list item, a table row's naming cell): the rest of what the page says.
    pub rest_text: String,
    /// Text of headers and footers (company name, address, copyright).
    pub chrome_text: String,
    pub alts: Vec<String>,
    pub link_texts: Vec<String>,
    /// Catalogue items found on the page (product cards, list entries, table rows), in page
    /// order, each once.
    pub items: Vec<Item>,
    /// The headings items sit under (what [`Item::context`] points at).
    pub contexts: Vec<String>,
    /// Groups of links in the site's navigation, outermost first (its category menu is among
    /// them).
    pub menus: Vec<Vec<String>>,
    /// Links on the page (a page of 100,000 links is read, but counted only).
    pub links: usize,
}

/// Elements whose content is never shown as text.
fn is_hidden(name: &str) -> bool {
    tag::kinds(name) & tag::HIDDEN != 0
}

/// What an element's class and id say it is (bits).
pub(super) const COOKIE: u8 = 1;
const CHROME: u8 = 2;
/// A category menu: site chrome that is a catalogue after all.
const CATEGORY: u8 = 4;
/// A product card: a product's box in a listing.
pub(super) const CARD: u8 = 8;

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

/// The kinds (bits) that an element's class, id, role and aria-label name: one pass of one
/// automaton over each of those values (ASCII letters in any case), nothing allocated.
pub(super) fn mark_kinds(el: &scraper::node::Element) -> u8 {
    static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(MARK_WORDS.iter().map(|(w, _)| w))
            .expect("a small word list builds")
    });
    let mut kinds = 0;
    for (name, value) in el.attrs() {
        if matches!(name, "class" | "id" | "role" | "aria-label") {
            kinds = WORDS.find_overlapping_iter(value).fold(kinds, |kinds, m| {
                kinds | MARK_WORDS[m.pattern().as_usize()].1
            });
        }
    }
    kinds
}

/// Site chrome: navigation, headers, footers, breadcrumbs — not the company's catalogue,
/// unless it is a category menu.
pub(super) fn is_chrome(tags: u32, kinds: u8) -> bool {
    if kinds & CATEGORY != 0 {
        return false;
    }
    tags & tag::CHROME != 0 || kinds & CHROME != 0
}

pub(super) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Buffers reused by [`element_text`] over one page's walk.
#[derive(Default)]
struct Scratch<'a> {
    stack: Vec<ego_tree::NodeRef<'a, Node>>,
    text: String,
}

/// The text of an element, without hidden parts; at most a little more than an item's worth
/// (a long text is not an item anyway), so a huge element costs nothing.
fn element_text<'a>(el: ElementRef<'a>, scratch: &mut Scratch<'a>) -> String {
    fill_text(el, scratch);
    scratch.text.as_str().to_owned()
}

/// [`element_text`] into `scratch.text`.
fn fill_text<'a>(el: ElementRef<'a>, scratch: &mut Scratch<'a>) {
    // Most cells, headings and list items hold one tidy text: taken as it is.
    let mut children = el.children();
    if let (Some(only), None) = (children.next(), children.next())
        && let Node::Text(t) = only.value()
        && tidy(t.as_bytes())
    {
        scratch.text.clear();
        scratch.text.push_str(t);
        return;
    }
    fill_text_by_walking(el, scratch);
}

/// [`fill_text`], node by node.
fn fill_text_by_walking<'a>(el: ElementRef<'a>, scratch: &mut Scratch<'a>) {
    // Words joined by single spaces as they come (text nodes and elements separate words).
    let Scratch { stack, text: out } = scratch;
    out.clear();
    stack.clear();
    let mut gap = false;
    stack.extend(el.children());
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
}

/// Deepest element nesting read; deeper markup (hostile or broken) is cut off there, since
/// HTML parsing slows down with the square of the depth.
pub const MAX_DEPTH: usize = 256;

/// `html` cut where its tag nesting passes [`MAX_DEPTH`] (a cheap scan, not a parse).
pub fn limit_depth(html: &str) -> &str {
    limit_depth_counting(html).0
}

/// [`limit_depth`], with the number of start tags in what is kept.
pub(crate) fn limit_depth_counting(html: &str) -> (&str, usize) {
    /// Elements without an end tag (compared in lower case; the longest has six letters).
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
    let mut tags = 0;
    for at in memchr::memchr_iter(b'<', bytes) {
        let rest = &bytes[at + 1..];
        match rest.first() {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(b) if b.is_ascii_alphabetic() => {
                tags += 1;
                // Only names of up to six letters can be void: seven bytes tell.
                let head = &rest[..rest.len().min(7)];
                let name_end = head
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric())
                    .unwrap_or(head.len());
                let window = &rest[..rest.len().min(512)];
                let self_closing =
                    memchr::memchr(b'>', window).is_some_and(|p| p > 0 && rest[p - 1] == b'/');
                if !void(&rest[..name_end]) && !self_closing {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return (&html[..at], tags - 1);
                    }
                }
            }
            _ => {}
        }
    }
    (html, tags)
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
    let root = doc.root_element();
    let found = items::find(doc, catalogue);
    let mut walk = Walk {
        item_roots: found.roots,
        ..Walk::default()
    };
    walk.page.lang = root
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
    // Iterative walk (deeply nested pages must not overflow the stack), with the context of
    // each node.
    // Each entry: a node and its context, and whether it is the end of a block element (its
    // text ends a line: `<h3>Contact</h3>Firma GmbH` is two lines).
    let mut stack = vec![(doc.tree.root(), Ctx::default(), false)];
    while let Some((node, ctx, end)) = stack.pop() {
        if end {
            walk.line_break(ctx);
            continue;
        }
        let ctx = match node.value() {
            Node::Text(t) => {
                walk.text(t, ctx);
                continue;
            }
            Node::Element(el) => match walk.element(node, el, ctx) {
                Some(ctx) => {
                    if tag::kinds(el.name()) & tag::BLOCK != 0 {
                        stack.push((node, ctx, true));
                    }
                    ctx
                }
                None => continue,
            },
            _ => ctx,
        };
        // Children in document order: push reversed.
        stack.extend(node.children().rev().map(|child| (child, ctx, false)));
    }
    let mut page = walk.finish();
    page.items = unique(found.items);
    page.contexts = found.contexts;
    page.menus = found.menus;
    page
}

/// Each item once, in any case: a catalogue repeats its names (a table and its cards), so an
/// item seen as written is dropped before it is lower-cased.
fn unique(items: Vec<Item>) -> Vec<Item> {
    let mut written = hashbrown::HashSet::new();
    let mut lower = hashbrown::HashSet::new();
    items
        .into_iter()
        .filter(|i| {
            let key = format!("{}\n{}", i.name, i.text);
            written.insert(key.clone()) && lower.insert(key.to_lowercase())
        })
        .collect()
}

/// The context of a node in the walk.
#[derive(Clone, Copy, Default)]
struct Ctx {
    hidden: bool,
    chrome: bool,
    cookie: bool,
    /// Inside an element read as a catalogue item.
    item_text: bool,
}

/// What the walk of one page has gathered so far.
#[derive(Default)]
struct Walk<'a> {
    page: PageText,
    main: Lines,
    chrome: Lines,
    /// The main text without the items' own text.
    rest: Lines,
    /// The elements read as catalogue items.
    item_roots: hashbrown::HashSet<ego_tree::NodeId>,
    scratch: Scratch<'a>,
}

impl<'a> Walk<'a> {
    /// A block element starts or ends: its text is a line of its own.
    fn line_break(&mut self, ctx: Ctx) {
        if ctx.hidden || ctx.cookie {
            return;
        }
        if ctx.chrome {
            self.chrome.line_break();
        } else {
            self.main.line_break();
            self.rest.line_break();
        }
    }

    fn text(&mut self, t: &str, ctx: Ctx) {
        if ctx.hidden || ctx.cookie {
            return;
        }
        if ctx.chrome {
            self.chrome.push(t);
        } else {
            self.main.push(t);
            if !ctx.item_text {
                self.rest.push(t);
            }
        }
    }

    /// Reads an element; returns the context of its children, or `None` when they are not
    /// read (the title, a meta tag, a hidden element).
    fn element(
        &mut self,
        node: ego_tree::NodeRef<'a, Node>,
        el: &scraper::node::Element,
        mut ctx: Ctx,
    ) -> Option<Ctx> {
        if !self.item_roots.is_empty() && self.item_roots.contains(&node.id()) {
            ctx.item_text = true;
        }
        let name = el.name();
        let tags = tag::kinds(name);
        if tags & tag::HIDDEN != 0 {
            ctx.hidden = true;
        }
        if name == "title" {
            self.page.title = clean(
                &node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect::<String>(),
            );
            return None;
        }
        if name == "meta" {
            self.meta(el);
            return None;
        }
        if ctx.hidden {
            return None;
        }
        let kinds = mark_kinds(el);
        if kinds & COOKIE != 0 {
            ctx.cookie = true;
        }
        if is_chrome(tags, kinds) {
            ctx.chrome = true;
        }
        if tags & tag::BLOCK != 0 {
            self.line_break(ctx);
        }
        let er = ElementRef::wrap(node)?;
        if name == "a" {
            self.page.links += 1;
            let t = element_text(er, &mut self.scratch);
            if !t.is_empty() && self.page.link_texts.len() < 2000 {
                self.page.link_texts.push(t);
            }
        }
        if name == "img"
            && let Some(alt) = el.attr("alt").map(clean).filter(|a| usable_item(a))
            && !ctx.cookie
            && self.page.alts.len() < MAX_ITEMS
        {
            self.page.alts.push(alt);
        }
        if !ctx.chrome && !ctx.cookie && tags & tag::HEADING != 0 {
            let t = element_text(er, &mut self.scratch);
            if !t.is_empty() && self.page.headings.len() < MAX_ITEMS {
                self.page.headings.push(t);
            }
        }
        Some(ctx)
    }

    /// `<meta name="description">` and `og:site_name`.
    fn meta(&mut self, el: &scraper::node::Element) {
        let key = el
            .attr("name")
            .or_else(|| el.attr("property"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let content = el.attr("content").unwrap_or("");
        match key.as_str() {
            "description" | "og:description" if self.page.description.is_empty() => {
                self.page.description = clean(content)
            }
            "og:site_name" => self.page.site_name = Some(clean(content)).filter(|s| !s.is_empty()),
            _ => {}
        }
    }

    fn finish(self) -> PageText {
        let mut page = self.page;
        page.main_text = self.main.out;
        page.rest_text = self.rest.out;
        page.chrome_text = self.chrome.out;
        page
    }
}

/// Text as tidy as [`Lines`] would write it: not empty, no white space but single spaces
/// between words (control characters and Unicode spaces count as untidy).
fn tidy(bytes: &[u8]) -> bool {
    let mut after_space = true;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if b < b' ' || unicode_space_at(bytes, i) {
            return false;
        } else {
            after_space = false;
        }
    }
    !after_space
}

/// Whether a Unicode white space character other than ASCII's starts at byte `i`: U+0085,
/// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
fn unicode_space_at(bytes: &[u8], i: usize) -> bool {
    let next = |k: usize| bytes.get(i + k).copied();
    match bytes[i] {
        0xC2 => matches!(next(1), Some(0x85 | 0xA0)),
        0xE1 => next(1) == Some(0x9A) && next(2) == Some(0x80),
        0xE2 => matches!(
            (next(1), next(2)),
            (Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) | (Some(0x81), Some(0x9F))
        ),
        0xE3 => next(1) == Some(0x80) && next(2) == Some(0x80),
        _ => false,
    }
}

/// Text as it is read, kept tidy while it is written: words joined by one space, a line
/// break where the source has one or a block begins, no empty lines, no space at either end
/// of a line.
#[derive(Debug, Default)]
struct Lines {
    out: String,
    /// Whitespace seen since the last word…
    space: bool,
    /// …and a line break among it.
    newline: bool,
}

impl Lines {
    fn line_break(&mut self) {
        self.newline = true;
    }

    /// Appends a text node: a word split across nodes (`<b>LED</b>-Lampe`) stays one word.
    /// Past [`MAX_TEXT_BYTES`] the rest of the page is not kept.
    fn push(&mut self, text: &str) {
        if self.out.len() >= MAX_TEXT_BYTES {
            return;
        }
        let bytes = text.as_bytes();
        // Most text nodes have single spaces between their words and no other white space:
        // taken whole.
        if tidy(bytes) {
            self.word(text);
            return;
        }
        let mut i = 0;
        while i < bytes.len() {
            // Whitespace (ASCII, or any Unicode space such as U+00A0).
            let start = i;
            while i < bytes.len() {
                let b = bytes[i];
                if b.is_ascii() {
                    if !b.is_ascii_whitespace() && b != 0x0B {
                        break;
                    }
                    self.newline |= b == b'\n';
                    i += 1;
                } else {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    if !c.is_whitespace() {
                        break;
                    }
                    i += c.len_utf8();
                }
            }
            self.space |= i > start;
            // A word.
            let start = i;
            while i < bytes.len() {
                let b = bytes[i];
                if b.is_ascii() {
                    if b.is_ascii_whitespace() || b == 0x0B {
                        break;
                    }
                    i += 1;
                } else {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    if c.is_whitespace() {
                        break;
                    }
                    i += c.len_utf8();
                }
            }
            if i > start {
                self.word(&text[start..i]);
            }
        }
    }

    fn word(&mut self, word: &str) {
        if !self.out.is_empty() {
            if self.newline {
                self.out.push('\n');
            } else if self.space {
                self.out.push(' ');
            }
        }
        self.newline = false;
        self.space = false;
        self.out.push_str(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: &[Item]) -> Vec<&str> {
        items.iter().map(|i| i.name.as_str()).collect()
    }

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
            names(&p.items),
            ["LED-Lampe E27 9 W", "LED-Röhre T8", "Downlight 12 W"]
        );
        assert!(!p.main_text.contains("Cookies"));
        assert!(!p.main_text.contains("var x"));
        assert!(p.chrome_text.contains("Lampen Import GmbH"));
        assert_eq!(p.headings, vec!["Produkte", "Lampen"]);
        // Beside the items: the headings and the table's head, not the items (a row, its
        // price included, is an item).
        assert_eq!(p.rest_text, "Produkte\nLampen\nArtikel\nPreis");
        assert!(p.main_text.contains("LED-Röhre T8") && p.main_text.contains("Downlight 12 W"));
    }

    #[test]
    fn cards_give_one_item_each_and_alt_texts_name_products_without_text() {
        let cards = r#"<main><div class="product-card"><h3>LED panel 60x60</h3><p>Great light, many words</p><ul><li>36 W</li></ul></div>
            <div class="product-card"><img alt="LED bulb E14"></div></main>"#;
        assert_eq!(
            names(&analyze(cards, true).items),
            ["LED panel 60x60", "LED bulb E14"]
        );
        let gallery = r#"<main><h2>Unsere Produkte</h2><img src="a.jpg" alt="LED-Lampe E27"><img src="b.jpg" alt="LED-Röhre 120 cm"></main>"#;
        let p = analyze(gallery, true);
        assert!(names(&p.items).contains(&"LED-Lampe E27"), "{:?}", p.items);
        assert!(
            analyze(gallery, false).items.is_empty(),
            "not on a non-catalogue page"
        );
    }

    #[test]
    fn an_item_is_kept_once_in_any_case() {
        let html = r#"<main><ul><li>LED-Lampe E27</li><li>Ampoule LED</li><li>led-lampe e27</li>
            <li>LED-LAMPE E27</li><li>ÉCLAIRAGE</li><li>éclairage</li><li>LED-Lampe E14</li></ul></main>"#;
        assert_eq!(
            names(&analyze(html, true).items),
            ["LED-Lampe E27", "Ampoule LED", "ÉCLAIRAGE", "LED-Lampe E14"]
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

    /// The tidying that [`Lines`] does as it writes: raw text with `\n` for each block,
    /// then lines split on `\n`, words on whitespace, empty lines dropped.
    fn tidy_after(raw: &str) -> String {
        raw.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn unicode_spaces_are_the_white_space_characters() {
        for c in '\u{80}'..='\u{10000}' {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(unicode_space_at(bytes, 0), c.is_whitespace(), "{c:?}");
        }
    }

    proptest::proptest! {
        /// A cell's text is the same taken whole as read node by node.
        #[test]
        fn one_tidy_text_is_taken_as_it_is(
            text in "[a-zé–€\\- \t\n\u{a0}\u{2009}\u{3000}\u{2060}\u{1}]{0,16}"
        ) {
            let html = format!("<table><tr><td>{text}</td></tr></table>");
            let doc = crate::extract::parse_html(&html);
            let td = doc
                .tree
                .nodes()
                .filter_map(ElementRef::wrap)
                .find(|e| e.value().name() == "td")
                .unwrap();
            let mut fast = Scratch::default();
            fill_text(td, &mut fast);
            let mut slow = Scratch::default();
            fill_text_by_walking(td, &mut slow);
            proptest::prop_assert_eq!(fast.text, slow.text);
        }

        #[test]
        fn lines_are_tidied_as_written(
            chunks in proptest::collection::vec(
                (proptest::option::of("[a-zé–€\\- \t\n\r\u{a0}\u{2028}\u{3000}\u{b}\u{85}\u{1680}\u{2009}\u{205f}\u{2060}\u{c}]{0,12}"), proptest::bool::ANY),
                0..12,
            )
        ) {
            let mut lines = Lines::default();
            let mut raw = String::new();
            for (text, block) in &chunks {
                if *block {
                    lines.line_break();
                    raw.push('\n');
                }
                if let Some(t) = text {
                    lines.push(t);
                    raw.push_str(t);
                }
            }
            proptest::prop_assert_eq!(lines.out, tidy_after(&raw));
        }
    }
}
