//! A page's catalogue, found by the page's structure rather than by its markup's names: groups
//! of three or more sibling elements of one shape (product cards, list entries, table rows,
//! the tiles of a gallery) are items, each read as a whole — its title, the line under it,
//! its image's text — with the heading it sits under; and the groups of links in the site's
//! navigation are its category menu.

use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node};

use super::page::{self, COOKIE, clean};
use super::tag;

/// Siblings of one shape that make a group of items: list entries and table rows are meant as
/// a list, two are enough; other blocks need three to be a pattern.
const MIN_GROUP: usize = 3;
const MIN_LIST: usize = 2;
/// Text of one item at most (longer blocks are sections of a page, not items).
pub const MAX_ITEM_TEXT: usize = 600;
/// Text of an item kept for matching: its title and the line under it are in the first part.
const KEPT_ITEM_TEXT: usize = 300;
/// Characters of an item's name at most.
const MAX_NAME: usize = 120;
/// Items read of a page at most.
const MAX_ITEMS: usize = page::MAX_ITEMS;

/// One item of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What the item is called: its title, else its link's or image's text.
    pub name: String,
    /// All it says: title, description, image texts (buttons and forms left out), cut at
    /// [`KEPT_ITEM_TEXT`] characters.
    pub text: String,
    /// The heading it sits under (an index into [`Catalogue::contexts`]): what a model name
    /// without words of its own is.
    pub context: Option<usize>,
}

/// What a page shows of a catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    pub items: Vec<Item>,
    /// Headings items sit under, and the page's own (its `h1`, else its breadcrumb's end).
    pub contexts: Vec<String>,
    /// Groups of links in the site's navigation (not its footer), outermost first: its
    /// category menu is among them (the reader of the site chooses it).
    pub menus: Vec<Vec<String>>,
    /// The elements read as items (their text is not read again as the page's own words).
    pub roots: hashbrown::HashSet<NodeId>,
}

/// An element's name and its class words.
type Shape = (String, Vec<String>);

/// The shape of an element among its siblings: its name and its class words (without
/// numbers and state words, which differ between siblings of one shape).
fn shape(el: &scraper::node::Element) -> Shape {
    let mut classes: Vec<String> = el
        .classes()
        .filter(|c| !c.bytes().any(|b| b.is_ascii_digit()))
        .filter(|c| {
            !matches!(
                *c,
                "active" | "first" | "last" | "odd" | "even" | "selected" | "current" | "open"
            )
        })
        .map(str::to_ascii_lowercase)
        .collect();
    classes.sort_unstable();
    classes.dedup();
    (el.name().to_string(), classes)
}

/// Elements that can be items when they come in groups.
fn item_tag(name: &str) -> bool {
    matches!(
        name,
        "li" | "tr" | "div" | "article" | "section" | "figure" | "a" | "dd" | "dl" | "img"
    )
}

/// A carousel, slider or banner: promotions, not the catalogue.
fn is_slider(el: &scraper::node::Element) -> bool {
    el.attrs().any(|(name, value)| {
        matches!(name, "class" | "id")
            && value.split_whitespace().any(|w| {
                let w = w.to_ascii_lowercase();
                ["carousel", "slider", "slide", "swiper", "banner", "hero"]
                    .iter()
                    .any(|s| w.contains(s))
            })
    })
}

/// Form controls and buttons: a card's cart widget, not what the item is.
fn control(name: &str) -> bool {
    matches!(
        name,
        "button" | "input" | "select" | "textarea" | "label" | "option"
    )
}

/// What a walk needs to know of an element's place.
#[derive(Clone, Copy, Default)]
struct Place {
    hidden: bool,
    chrome: bool,
    cookie: bool,
    /// In a footer: its link lists are service pages, not the category menu.
    footer: bool,
}

/// Reads the catalogue of a parsed page. `catalogue` says the page is a products page, where
/// headings and images may be the only names of the products.
pub fn find(doc: &Html, catalogue: bool) -> Catalogue {
    let mut found = Finder {
        catalogue,
        out: Catalogue::default(),
        last_heading: None,
        menus: Vec::new(),
        headings: Vec::new(),
    };
    found.walk(doc.tree.root());
    found.finish()
}

struct Finder {
    catalogue: bool,
    out: Catalogue,
    /// The last heading seen in the page's own content (index into `out.contexts`).
    last_heading: Option<usize>,
    /// Groups of links in the navigation: (depth of the group, entries).
    menus: Vec<(usize, Vec<String>)>,
    /// Headings and image texts of a catalogue page, with their element, for a page with no
    /// other items (a gallery).
    headings: Vec<(NodeId, String)>,
}

impl Finder {
    fn walk(&mut self, root: NodeRef<'_, Node>) {
        let mut stack = vec![(root, Place::default(), 0usize)];
        while let Some((node, mut place, depth)) = stack.pop() {
            let Some(el) = node.value().as_element() else {
                if matches!(node.value(), Node::Document | Node::Fragment) {
                    stack.extend(node.children().rev().map(|c| (c, place, depth + 1)));
                }
                continue;
            };
            let name = el.name();
            let tags = tag::kinds(name);
            if tags & tag::HIDDEN != 0 || control(name) {
                continue;
            }
            let kinds = page::mark_kinds(el);
            place.cookie |= kinds & COOKIE != 0;
            place.chrome |= page::is_chrome(tags, kinds);
            place.footer |= name == "footer" || el.attr("id").is_some_and(|i| i.contains("footer"));
            place.hidden |= place.cookie;
            if place.hidden {
                continue;
            }
            let Some(er) = ElementRef::wrap(node) else {
                continue;
            };
            if name == "img" && self.catalogue && !place.chrome {
                if let Some(alt) = el.attr("alt").map(clean).filter(|a| usable(a)) {
                    self.headings.push((node.id(), alt));
                }
                continue;
            }
            if tags & tag::HEADING != 0 && !place.chrome {
                let text = clean(&text_of(er, MAX_NAME * 2));
                if !text.is_empty() {
                    self.out.contexts.push(text.clone());
                    self.last_heading = Some(self.out.contexts.len() - 1);
                    if self.catalogue && name != "h1" && usable(&text) {
                        self.headings.push((node.id(), text));
                    }
                }
                continue;
            }
            if is_slider(el) {
                continue;
            }
            if let Some(members) = group(node) {
                // Headings in the container before its items are their heading.
                for child in node.children() {
                    if members.first().is_some_and(|m| m.id() == child.id()) {
                        break;
                    }
                    if let Some(h) = ElementRef::wrap(child)
                        .filter(|h| tag::kinds(h.value().name()) & tag::HEADING != 0)
                    {
                        let text = clean(&text_of(h, MAX_NAME * 2));
                        if !text.is_empty() && !place.chrome {
                            self.out.contexts.push(text);
                            self.last_heading = Some(self.out.contexts.len() - 1);
                        }
                    }
                }
                if place.chrome {
                    if !place.footer {
                        let entries: Vec<String> =
                            members.iter().filter_map(|m| link_name(*m)).collect();
                        if entries.len() >= MIN_GROUP {
                            self.menus.push((depth, entries));
                        }
                    }
                } else if self.out.items.len() < MAX_ITEMS {
                    for m in members {
                        self.item(m);
                    }
                    continue;
                }
            }
            let children: Vec<_> = node.children().collect();
            stack.extend(children.into_iter().rev().map(|c| (c, place, depth + 1)));
        }
    }

    /// One member of a group: an item when it says something.
    fn item(&mut self, node: NodeRef<'_, Node>) {
        let Some(er) = ElementRef::wrap(node) else {
            return;
        };
        let (name, text) = if er.value().name() == "tr" {
            match row(er) {
                Some(r) => r,
                None => return,
            }
        } else {
            let text = clean(&card_text(er));
            let Some(name) = card_name(er).or_else(|| usable(&text).then(|| cut(&text, MAX_NAME)))
            else {
                return;
            };
            (name, text)
        };
        if self.out.items.len() < MAX_ITEMS {
            self.out.roots.insert(node.id());
            self.out.items.push(Item {
                name,
                text: cut(&text, KEPT_ITEM_TEXT),
                context: self.last_heading,
            });
        }
    }

    fn finish(mut self) -> Catalogue {
        // A catalogue page whose products are only headings (a gallery with titles).
        if self.out.items.is_empty() {
            for (id, name) in std::mem::take(&mut self.headings) {
                self.out.roots.insert(id);
                self.out.items.push(Item {
                    text: name.clone(),
                    name,
                    context: None,
                });
            }
        }
        // The navigation's groups of links, outermost first.
        self.menus.sort_by_key(|(depth, _)| *depth);
        self.out.menus = self.menus.into_iter().map(|(_, m)| m).collect();
        self.out
    }
}

/// The element children of `node` that form a group: three or more of one shape, each with a
/// little text (or an image's text), none a page section. The largest such group.
fn group(node: NodeRef<'_, Node>) -> Option<Vec<NodeRef<'_, Node>>> {
    let mut by_shape: Vec<(Shape, Vec<NodeRef<'_, Node>>)> = Vec::new();
    for child in node.children() {
        let Some(el) = child.value().as_element() else {
            continue;
        };
        if !item_tag(el.name()) || (el.name() == "tr" && !data_row(child)) {
            continue;
        }
        let s = shape(el);
        match by_shape.iter_mut().find(|(k, _)| *k == s) {
            Some((_, v)) => v.push(child),
            None => by_shape.push((s, vec![child])),
        }
    }
    // Two make a group when they are list entries, table rows or marked as cards.
    let least = |tag: &str, first: &NodeRef<'_, Node>| {
        let card = first
            .value()
            .as_element()
            .is_some_and(|e| page::mark_kinds(e) & page::CARD != 0);
        if matches!(tag, "li" | "tr") || card {
            MIN_LIST
        } else {
            MIN_GROUP
        }
    };
    let (_, members) = by_shape
        .into_iter()
        .filter(|((tag, _), v)| v.len() >= least(tag, &v[0]))
        .max_by_key(|(_, v)| v.len())?;
    let sized = members
        .iter()
        .filter(|m| {
            ElementRef::wrap(**m).is_some_and(|e| {
                let n = text_len(e, MAX_ITEM_TEXT + 1);
                (2..=MAX_ITEM_TEXT).contains(&n)
            })
        })
        .count();
    // Most members are item-sized (a few empty spacers or long ones are tolerated).
    let ok = sized * 4 >= members.len() * 3 && sized >= MIN_LIST;
    ok.then_some(members)
}

/// The visible text of an element and its images' texts, controls left out, at most about
/// `max` bytes.
fn text_of(el: ElementRef<'_>, max: usize) -> String {
    if el.value().name() == "img" {
        let alt = el.value().attr("alt").or_else(|| el.value().attr("title"));
        return alt.unwrap_or_default().to_string();
    }
    let mut out = String::new();
    let mut stack: Vec<NodeRef<'_, Node>> = el.children().collect();
    stack.reverse();
    while let Some(node) = stack.pop() {
        if out.len() > max {
            break;
        }
        match node.value() {
            Node::Text(t) => {
                out.push_str(t);
                continue;
            }
            Node::Element(e) => {
                let name = e.name();
                if tag::kinds(name) & tag::HIDDEN != 0 || control(name) {
                    continue;
                }
                if name == "img"
                    && let Some(alt) = e.attr("alt").or_else(|| e.attr("title"))
                {
                    out.push(' ');
                    out.push_str(alt);
                    out.push(' ');
                    continue;
                }
                out.push(' ');
            }
            _ => continue,
        }
        let len = stack.len();
        stack.extend(node.children());
        stack[len..].reverse();
    }
    out
}

/// The length of an element's text as [`clean`] would write it, counted up to a little past
/// `max` (white space does not count, so the text is read until that many letters are seen).
fn text_len(el: ElementRef<'_>, max: usize) -> usize {
    let mut len = 0;
    let mut stack: Vec<NodeRef<'_, Node>> = vec![*el];
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => {
                len += t.split_whitespace().map(|w| w.len() + 1).sum::<usize>();
                if len > max {
                    return len;
                }
                continue;
            }
            Node::Element(e) => {
                let name = e.name();
                if tag::kinds(name) & tag::HIDDEN != 0 || control(name) {
                    continue;
                }
                if let Some(alt) = e.attr("alt").filter(|_| name == "img") {
                    len += alt.split_whitespace().map(|w| w.len() + 1).sum::<usize>();
                }
            }
            _ => continue,
        }
        stack.extend(node.children());
    }
    len
}

fn card_text(el: ElementRef<'_>) -> String {
    text_of(el, MAX_ITEM_TEXT * 2)
}

/// A card's name: its heading or title element, else its link's text, else its image's.
fn card_name(el: ElementRef<'_>) -> Option<String> {
    let named = el.descendants().filter_map(ElementRef::wrap).find(|e| {
        let v = e.value();
        tag::kinds(v.name()) & tag::CARD_TITLE != 0
            || v.classes().any(|c| {
                let c = c.to_ascii_lowercase();
                c.contains("title") || c.contains("name")
            })
    });
    let text = |e: ElementRef<'_>| clean(&text_of(e, MAX_NAME * 2));
    named
        .map(text)
        .filter(|t| usable(t))
        .or_else(|| {
            el.descendants()
                .filter_map(ElementRef::wrap)
                .filter(|e| e.value().name() == "a")
                .map(text)
                .find(|t| usable(t))
        })
        .or_else(|| {
            el.descendants()
                .filter_map(ElementRef::wrap)
                .find_map(|e| e.value().attr("alt").map(clean))
                .filter(|a| usable(a))
        })
        .map(|t| cut(&t, MAX_NAME))
}

/// A row of a data table: two cells or more, no table inside (a page laid out in a table has
/// rows of one wide cell, or of cells that hold tables).
fn data_row(tr: NodeRef<'_, Node>) -> bool {
    let cells = tr
        .children()
        .filter(|c| {
            c.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "td" | "th"))
        })
        .count();
    cells >= 2
        && !tr
            .descendants()
            .skip(1)
            .any(|d| d.value().as_element().is_some_and(|e| e.name() == "table"))
}

/// A table row: the cell that names the article (the one with the most letters: not the
/// code, price or quantity) and the row's whole text. Header rows are none.
fn row(el: ElementRef<'_>) -> Option<(String, String)> {
    let cells: Vec<ElementRef<'_>> = el
        .children()
        .filter_map(ElementRef::wrap)
        .filter(|c| matches!(c.value().name(), "td" | "th"))
        .collect();
    if cells.iter().all(|c| c.value().name() == "th") {
        return None;
    }
    let texts: Vec<String> = cells
        .iter()
        .map(|c| clean(&text_of(*c, MAX_NAME * 2)))
        .collect();
    let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count();
    let name = texts
        .iter()
        .rev()
        .max_by_key(|t| letters(t))
        .filter(|t| letters(t) >= 3 && usable(t))?;
    Some((cut(name, MAX_NAME), texts.join(" · ")))
}

/// The entry of a menu: its link's text, else its image's text.
fn link_name(node: NodeRef<'_, Node>) -> Option<String> {
    let el = ElementRef::wrap(node)?;
    let link = if el.value().name() == "a" {
        Some(el)
    } else {
        el.descendants()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "a")
    }?;
    let text = clean(&text_of(link, MAX_NAME));
    usable(&text).then(|| cut(&text, MAX_NAME))
}

/// Text that can name an item: a few letters, not a paragraph.
fn usable(text: &str) -> bool {
    let n = text.chars().count();
    (2..=page::MAX_ITEM_CHARS).contains(&n) && text.chars().any(char::is_alphabetic)
}

/// `text` cut to at most `max` characters.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => text[..i].trim_end().to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(html: &str, catalogue_page: bool) -> Catalogue {
        find(&crate::extract::parse_html(html), catalogue_page)
    }

    #[test]
    fn cards_are_read_whole_with_the_heading_above() {
        let card = |title: &str, line: &str, alt: &str| {
            format!(
                "<div class=\"product miniature\"><img src=x.jpg alt=\"{alt}\"><h3>{title}</h3>\
                 <p>{line}</p><span>489,00 zł</span><form><button>Do koszyka</button></form></div>"
            )
        };
        let html = format!(
            "<html><body><nav><ul><li><a href=a>Drabiny</a></li><li><a href=b>Rusztowania</a></li>\
             <li><a href=c>Akcesoria</a></li></ul></nav><main><h1>Drabiny aluminiowe</h1>\
             <div class=\"products row\">{}{}{}</div></main></body></html>",
            card(
                "Stalmet Pro 3x8",
                "drabina aluminiowa trzyczęściowa",
                "Drabina 3x8"
            ),
            card("Krokus 2x9", "drabina wysuwana", "Drabina 2x9"),
            card("Podest P2", "podest roboczy składany", "Podest")
        );
        let c = catalogue(&html, true);
        let names: Vec<&str> = c.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Stalmet Pro 3x8", "Krokus 2x9", "Podest P2"]);
        assert!(
            c.items[0].text.contains("drabina aluminiowa"),
            "{:?}",
            c.items[0]
        );
        assert!(c.items[0].text.contains("Drabina 3x8"), "the image's text");
        assert!(!c.items[0].text.contains("koszyka"), "no cart button");
        let ctx = c.items[0].context.map(|i| c.contexts[i].as_str());
        assert_eq!(ctx, Some("Drabiny aluminiowe"));
        assert_eq!(c.menus, [["Drabiny", "Rusztowania", "Akcesoria"]]);
    }

    #[test]
    fn rows_lists_and_galleries() {
        let rows = "<table><tr><th>Nr</th><th>Artikel</th><th>Preis</th></tr>\
            <tr><td>4711</td><td>Stehleiter 5 Stufen</td><td>89,00</td></tr>\
            <tr><td>4712</td><td>Schiebeleiter 2x10</td><td>149,00</td></tr>\
            <tr><td>4713</td><td>Rollgerüst</td><td>899,00</td></tr></table>";
        let c = catalogue(&format!("<main>{rows}</main>"), true);
        let names: Vec<&str> = c.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            ["Stehleiter 5 Stufen", "Schiebeleiter 2x10", "Rollgerüst"]
        );
        assert!(c.items[0].text.contains("4711"));
        let list = "<ul><li>Ventilatore a soffitto</li><li>Ventilatore a colonna</li>\
            <li>Condizionatore portatile</li></ul>";
        assert_eq!(catalogue(list, false).items.len(), 3);
        // Paragraphs of an about page are no items; a long section is no item.
        let about = format!(
            "<main><p>Wir sind seit 1998 ...</p><p>Unser Team ...</p><p>Qualität ...</p>\
             <div class=box>{}</div><div class=box>{}</div><div class=box>{}</div></main>",
            "Text ".repeat(300),
            "Text ".repeat(300),
            "Text ".repeat(300)
        );
        assert!(catalogue(&about, false).items.is_empty());
        // A catalogue page of headings only.
        let headings =
            "<main><h1>Ventilatoren</h1><h2>Vento Pro</h2><p>x</p><h2>Aria 12</h2></main>";
        let c = catalogue(headings, true);
        let names: Vec<&str> = c.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Vento Pro", "Aria 12"]);
    }
}
