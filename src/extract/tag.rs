//! What an HTML element is to the page readers, from its name: one lookup per element
//! (by length, then by name) instead of a list of names compared one after another.

/// Its content is never shown as page text.
pub const HIDDEN: u32 = 1;
/// Its content is not searched for contacts (as [`HIDDEN`], but `<canvas>` too and not the
/// contents of `<select>`, whose options can be addresses).
pub const HIDDEN_FOR_CONTACTS: u32 = 1 << 1;
/// Starts a new line of page text.
pub const BLOCK: u32 = 1 << 2;
/// Starts a new line of the text searched for contacts (more elements than [`BLOCK`]).
pub const CONTACT_BLOCK: u32 = 1 << 3;
/// Navigation, header, footer or aside: site chrome by its name.
pub const CHROME: u32 = 1 << 4;
/// `<h1>` to `<h4>`: headings that may name products.
pub const HEADING: u32 = 1 << 5;
/// `<h2>` to `<h5>`, `<strong>`, `<b>`: the title of a product card.
pub const CARD_TITLE: u32 = 1 << 6;
/// `<br>` and `<hr>`: a line break by itself.
pub const BREAK: u32 = 1 << 7;

/// The kinds (bits above) of an element named `name` (lower case, as the parser gives it).
pub fn kinds(name: &str) -> u32 {
    const H: u32 = HIDDEN | HIDDEN_FOR_CONTACTS;
    const B: u32 = BLOCK | CONTACT_BLOCK;
    match name.len() {
        1 => match name {
            "p" => B,
            "b" => CARD_TITLE,
            _ => 0,
        },
        2 => match name {
            "li" | "tr" | "td" | "th" | "ul" | "ol" | "dd" | "dt" => B,
            "h1" => B | HEADING,
            "h2" | "h3" | "h4" => B | HEADING | CARD_TITLE,
            "h5" => B | CARD_TITLE,
            "h6" => B,
            "br" => BLOCK | BREAK,
            "hr" => BREAK,
            "dl" => B,
            _ => 0,
        },
        3 => match name {
            "div" => B,
            "nav" => CHROME | B,
            "svg" => H,
            "pre" => B,
            _ => 0,
        },
        4 => match name {
            "form" | "main" => B,
            "body" | "html" => CONTACT_BLOCK,
            _ => 0,
        },
        5 => match name {
            "table" => B,
            "style" => H,
            "aside" => CHROME | B,
            "tbody" | "tfoot" | "thead" | "title" => CONTACT_BLOCK,
            _ => 0,
        },
        6 => match name {
            "script" | "iframe" | "object" => H,
            "select" => HIDDEN,
            "option" => HIDDEN | CONTACT_BLOCK,
            "canvas" => HIDDEN_FOR_CONTACTS,
            "header" | "footer" => CHROME | B,
            "strong" => CARD_TITLE,
            "dialog" | "figure" => B,
            "legend" => CONTACT_BLOCK,
            _ => 0,
        },
        7 => match name {
            "section" | "article" => B,
            "address" | "caption" | "details" | "summary" => B,
            _ => 0,
        },
        8 => match name {
            "noscript" | "template" => H,
            "fieldset" => B,
            _ => 0,
        },
        10 => match name {
            "blockquote" | "figcaption" => B,
            _ => 0,
        },
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists the readers used before this table, element by element.
    #[test]
    fn the_table_says_what_the_name_lists_said() {
        let hidden = [
            "script", "style", "noscript", "template", "svg", "iframe", "object", "select",
            "option",
        ];
        let hidden_for_contacts = [
            "script", "style", "noscript", "template", "iframe", "object", "svg", "canvas",
        ];
        // Every block of HTML ends a line of the page text (`<nav>…Contatti</nav><footer>
        // Respira Medical S.r.l.` is two lines), not only of the text searched for contacts.
        let block = [
            "p",
            "div",
            "li",
            "tr",
            "td",
            "th",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "br",
            "section",
            "article",
            "ul",
            "ol",
            "table",
            "dd",
            "dt",
            "nav",
            "header",
            "footer",
            "aside",
            "main",
            "form",
            "address",
            "blockquote",
            "caption",
            "details",
            "dialog",
            "dl",
            "fieldset",
            "figcaption",
            "figure",
            "pre",
            "summary",
        ];
        let contact_block = [
            "address",
            "article",
            "aside",
            "blockquote",
            "body",
            "caption",
            "dd",
            "details",
            "dialog",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "html",
            "legend",
            "li",
            "main",
            "nav",
            "ol",
            "option",
            "p",
            "pre",
            "section",
            "summary",
            "table",
            "tbody",
            "td",
            "tfoot",
            "th",
            "thead",
            "title",
            "tr",
            "ul",
        ];
        let chrome = ["nav", "header", "footer", "aside"];
        let heading = ["h1", "h2", "h3", "h4"];
        let card_title = ["h2", "h3", "h4", "h5", "strong", "b"];
        let brk = ["br", "hr"];
        let lists: [(&[&str], u32); 8] = [
            (&hidden, HIDDEN),
            (&hidden_for_contacts, HIDDEN_FOR_CONTACTS),
            (&block, BLOCK),
            (&contact_block, CONTACT_BLOCK),
            (&chrome, CHROME),
            (&heading, HEADING),
            (&card_title, CARD_TITLE),
            (&brk, BREAK),
        ];
        let mut names: Vec<&str> = lists.iter().flat_map(|(l, _)| l.iter().copied()).collect();
        names.extend([
            "a",
            "img",
            "span",
            "meta",
            "base",
            "area",
            "button",
            "x-unknown",
        ]);
        for name in names {
            for (list, bit) in &lists {
                assert_eq!(
                    kinds(name) & bit != 0,
                    list.contains(&name),
                    "{name} and bit {bit}"
                );
            }
        }
    }
}
