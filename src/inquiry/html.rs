//! HTML mail bodies as text: block elements and `<br>` become line breaks, quoted parts
//! (`<blockquote>`) get `> ` in front of their lines as a plain-text reply would, scripts and
//! styles are left out; links are kept with their text. Also the bare links of plain text.

use std::sync::LazyLock;

use ego_tree::NodeRef;
use regex::Regex;
use scraper::Node;

use super::read::Link;

/// Elements that start and end a line.
const BLOCKS: [&str; 24] = [
    "p",
    "div",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "address",
    "dl",
    "dt",
    "dd",
];

struct Out {
    text: String,
    links: Vec<Link>,
    quote: usize,
    at_line_start: bool,
}

impl Out {
    fn newline(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.at_line_start = true;
    }

    fn push(&mut self, s: &str) {
        for (i, piece) in s.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            let piece = collapse(piece);
            if piece.trim().is_empty() {
                if !self.at_line_start && !piece.is_empty() && !self.text.ends_with(' ') {
                    self.text.push(' ');
                }
                continue;
            }
            if self.at_line_start {
                for _ in 0..self.quote {
                    self.text.push_str("> ");
                }
                self.text.push_str(piece.trim_start());
                self.at_line_start = false;
            } else {
                self.text.push_str(&piece);
            }
        }
    }
}

/// Runs of white space as one space.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// The text of an HTML body, and its links.
pub fn to_text(html: &str) -> (String, Vec<Link>) {
    let doc = crate::extract::parse_html(html);
    let mut out = Out {
        text: String::new(),
        links: Vec::new(),
        quote: 0,
        at_line_start: true,
    };
    walk(doc.tree.root(), &mut out);
    let text = out
        .text
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    (text, out.links)
}

fn walk(node: NodeRef<'_, Node>, out: &mut Out) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push(t),
            Node::Element(e) => {
                let name = e.name();
                match name {
                    "script" | "style" | "head" | "title" | "noscript" | "template" => continue,
                    "br" => {
                        out.newline();
                        continue;
                    }
                    "img" => {
                        continue;
                    }
                    _ => {}
                }
                let block = BLOCKS.contains(&name);
                if block {
                    out.newline();
                }
                if name == "blockquote" {
                    out.quote += 1;
                }
                let start = out.text.len();
                walk(child, out);
                if name == "a"
                    && let Some(href) = e.attr("href")
                {
                    let href = href.trim();
                    if href.starts_with("http://") || href.starts_with("https://") {
                        out.links.push(Link {
                            url: href.to_string(),
                            text: out.text[start..].trim().to_string(),
                        });
                    }
                }
                if name == "td" || name == "th" {
                    out.push(" ");
                }
                if name == "blockquote" {
                    out.quote -= 1;
                }
                if block {
                    out.newline();
                }
            }
            _ => walk(child, out),
        }
    }
}

static BARE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:https?://|www\.)[^\s<>"'\])]+"#).unwrap_or_else(|e| panic!("{e}"))
});

/// Links written out in text (`https://…`, `www.…`), without trailing punctuation.
pub fn bare_links(text: &str) -> Vec<Link> {
    BARE_LINK
        .find_iter(text)
        .map(|m| {
            let raw = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?']);
            let url = if raw.to_ascii_lowercase().starts_with("www.") {
                format!("http://{raw}")
            } else {
                raw.to_string()
            };
            Link {
                url,
                text: raw.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_breaks_quotes_and_links() {
        let (text, links) = to_text(
            "<html><head><style>p{}</style></head><body><p>Dear  Lily,</p><p>see <a \
             href=\"https://docs.test/v?x=1\">View Document</a><br>Tel +968</p>\
             <blockquote><p>On Mon, A wrote:</p><blockquote>older</blockquote></blockquote>\
             <script>x()</script></body></html>",
        );
        assert_eq!(
            text,
            "Dear Lily,\nsee View Document\nTel +968\n> On Mon, A wrote:\n> > older"
        );
        assert_eq!(links[0].url, "https://docs.test/v?x=1");
        assert_eq!(links[0].text, "View Document");
    }

    #[test]
    fn bare_links_lose_trailing_punctuation() {
        let l = bare_links("see https://a.test/x. or www.b.test, thanks");
        assert_eq!(l[0].url, "https://a.test/x");
        assert_eq!(l[1].url, "http://www.b.test");
    }
}
