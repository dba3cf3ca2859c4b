//! How to reach a company: emails (also obfuscated), phone numbers in E.164, social profiles.
//!
//! One pass over the parsed page builds its visible text (block elements and `<br>` become line
//! breaks; scripts, styles and `<noscript>` are left out) and reads links (`mailto:`, `tel:`,
//! profile links, Cloudflare-protected addresses), attribute values that may hold an address and
//! JSON-LD blocks. Everything found carries its byte offset in that text, so findings from links,
//! attributes and text come out in document order. The rules per kind live in `email.rs`,
//! `phone.rs` and `social.rs`.

mod email;
mod phone;
mod social;
#[cfg(test)]
mod tests;

pub use phone::Labels;

use std::collections::{HashMap, HashSet};

use scraper::node::Element;
use scraper::{Html, Node};
use url::Url;

use super::tag;

/// A phone number of a company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// `+` country code and number, no spaces (`+494012345678`).
    pub e164: String,
    /// from a tel: link (certain) or parsed from text
    pub from_link: bool,
}

/// How to reach a company, as found on one page or merged from several.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts {
    /// Lower case, deduplicated, in order of first appearance.
    pub emails: Vec<String>,
    /// Deduplicated by `e164`, in order of first appearance; a number seen both as a link and
    /// in text counts as `from_link`.
    pub phones: Vec<Phone>,
    /// Profile links of linkedin, facebook, instagram, x/twitter, youtube, xing, vk, tiktok and
    /// whatsapp (wa.me), in a canonical form (`https://linkedin.com/company/name`), deduplicated.
    pub social: Vec<Url>,
}

/// Contacts found on one page at `base`. `region` is the ISO 3166-1 alpha-2 country used as
/// the default region for numbers written without an international prefix (None: only
/// numbers with +/00 prefix or tel: links are kept).
pub fn extract(base: &Url, html: &str, region: Option<&str>, labels: &Labels) -> Contacts {
    let doc = crate::extract::parse_html(html);
    walk(base, &doc, labels).contacts(region, labels)
}

/// What one walk over a page found, before phone numbers are read: those written without a
/// country code depend on the region, which may be known only after all pages are walked.
#[derive(Debug, Clone, Default)]
pub struct Walked {
    text: String,
    emails: Vec<(usize, String)>,
    /// `tel:` link targets not labelled as fax.
    tel_links: Vec<(usize, String)>,
    /// JSON-LD blocks.
    json_ld: Vec<(usize, String)>,
    social: Vec<(usize, Url)>,
}

/// Walks a parsed page once (see [`Walked::contacts`]).
pub fn walk(base: &Url, doc: &scraper::Html, labels: &Labels) -> Walked {
    let mut walk = Walk::new(base, labels);
    walk.run(doc);
    let mut found = walk.found;
    found.text = walk.text;
    let text_emails = email::find(&found.text);
    found.emails.extend(text_emails);
    found
}

impl Walked {
    /// The page's contacts, numbers without a country code read as numbers of `region`.
    pub fn contacts(&self, region: Option<&str>, labels: &Labels) -> Contacts {
        let region = phone::region(region);
        let mut emails = self.emails.clone();
        let mut phones: Vec<(usize, Phone)> = Vec::new();
        for (pos, target) in &self.tel_links {
            if let Some(e164) = phone::from_link(target, region) {
                phones.push((
                    *pos,
                    Phone {
                        e164,
                        from_link: true,
                    },
                ));
            }
        }
        for (pos, json) in &self.json_ld {
            for (_, e164) in phone::find(json, region, labels) {
                phones.push((*pos, text_phone(e164)));
            }
        }
        phones.extend(
            phone::find(&self.text, region, labels)
                .into_iter()
                .map(|(pos, e164)| (pos, text_phone(e164))),
        );
        let mut social = self.social.clone();
        // Stable sorts: at one offset, links and attributes (recorded first) stay first.
        emails.sort_by_key(|(pos, _)| *pos);
        phones.sort_by_key(|(pos, _)| *pos);
        social.sort_by_key(|(pos, _)| *pos);

        let mut out = Builder::default();
        emails.into_iter().for_each(|(_, e)| out.email(e));
        phones.into_iter().for_each(|(_, p)| out.phone(p));
        social.into_iter().for_each(|(_, u)| out.social(u));
        out.done()
    }
}

/// A phone number as written, in E.164 if `phonenumber` finds it valid (national numbers
/// read as numbers of `region`, an ISO 3166-1 code).
pub fn phone_e164(written: &str, region: Option<&str>) -> Option<String> {
    let region = region.and_then(|r| r.parse().ok());
    phone::parse(written, region)
}

/// Merges several pages' contacts (keeps first-appearance order, dedups).
pub fn merge(all: impl IntoIterator<Item = Contacts>) -> Contacts {
    let mut out = Builder::default();
    for contacts in all {
        contacts.emails.into_iter().for_each(|e| out.email(e));
        contacts.phones.into_iter().for_each(|p| out.phone(p));
        contacts.social.into_iter().for_each(|u| out.social(u));
    }
    out.done()
}

fn text_phone(e164: String) -> Phone {
    Phone {
        e164,
        from_link: false,
    }
}

/// Attributes whose values are searched for email addresses (besides `data-*`).
const EMAIL_ATTRIBUTES: &[&str] = &["content", "title", "aria-label", "alt"];

/// The `data-*` attributes never searched: image sources and the like.
const SKIPPED_DATA_ATTRIBUTES: &[&str] = &["data-src", "data-srcset", "data-lazy-src", "data-bg"];

/// One pass over a page. Offsets are byte offsets into `text` at the time of the finding.
struct Walk<'a> {
    base: &'a Url,
    labels: &'a Labels,
    link_base: Option<Url>,
    text: String,
    found: Walked,
}

/// A step of the depth-first walk: enter a node, or leave a block element.
enum Step<N> {
    Enter(N),
    LeaveBlock,
}

impl<'a> Walk<'a> {
    fn new(base: &'a Url, labels: &'a Labels) -> Walk<'a> {
        Walk {
            base,
            labels,
            link_base: None,
            text: String::new(),
            found: Walked::default(),
        }
    }

    /// Walks the tree with an explicit stack (deeply nested junk must not overflow the stack).
    fn run(&mut self, doc: &Html) {
        let mut stack = vec![Step::Enter(doc.tree.root())];
        while let Some(step) = stack.pop() {
            let node = match step {
                Step::LeaveBlock => {
                    self.line_break();
                    continue;
                }
                Step::Enter(node) => node,
            };
            match node.value() {
                Node::Text(text) => self.text.push_str(text),
                Node::Element(el) => {
                    let name = el.name();
                    self.element(el);
                    if name == "script" {
                        if el
                            .attr("type")
                            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                        {
                            let json: String = node
                                .children()
                                .filter_map(|c| c.value().as_text().map(|t| &**t))
                                .collect();
                            self.json_ld(&json);
                        }
                        continue;
                    }
                    let tags = tag::kinds(name);
                    if tags & tag::HIDDEN_FOR_CONTACTS != 0 {
                        continue;
                    }
                    if tags & tag::BREAK != 0 {
                        self.line_break();
                        continue;
                    }
                    if tags & tag::CONTACT_BLOCK != 0 {
                        self.line_break();
                        stack.push(Step::LeaveBlock);
                    }
                    stack.extend(node.children().rev().map(Step::Enter));
                }
                _ => stack.extend(node.children().rev().map(Step::Enter)),
            }
        }
    }

    fn line_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Links and attribute values of one element.
    fn element(&mut self, el: &Element) {
        let pos = self.text.len();
        let name = el.name();
        if name == "base" && self.link_base.is_none() {
            self.link_base = el
                .attr("href")
                .and_then(|h| self.base.join(h.trim()).ok())
                .filter(|u| matches!(u.scheme(), "http" | "https"));
        }
        if (name == "a" || name == "area")
            && let Some(href) = el.attr("href")
        {
            self.href(pos, href);
        }
        for (attr, value) in el.attrs() {
            if attr == "data-cfemail" {
                self.push_emails(pos, email::cloudflare(value));
            } else if (EMAIL_ATTRIBUTES.contains(&attr)
                || (attr.starts_with("data-") && !SKIPPED_DATA_ATTRIBUTES.contains(&attr)))
                && email::may_hold(value)
            {
                self.push_emails(pos, email::find(value).into_iter().map(|(_, e)| e));
            }
        }
    }

    fn href(&mut self, pos: usize, href: &str) {
        let href = href.trim();
        if let Some(rest) = strip_prefix_ignore_case(href, "mailto:") {
            self.push_emails(pos, email::from_mailto(rest));
        } else if let Some(rest) = ["tel:", "callto:"]
            .iter()
            .find_map(|p| strip_prefix_ignore_case(href, p))
        {
            if !phone::labelled_fax(&self.text, self.labels) {
                self.found.tel_links.push((pos, rest.to_string()));
            }
        } else if let Some((_, hex)) = href.split_once("/cdn-cgi/l/email-protection#") {
            self.push_emails(pos, email::cloudflare(hex));
        } else {
            let base = self.link_base.as_ref().unwrap_or(self.base);
            if let Some(url) = base.join(href).ok().and_then(|u| social::profile(&u)) {
                self.found.social.push((pos, url));
            }
        }
    }

    /// A JSON-LD block (`"email"`, `"telephone"`, `"sameAs"`): all its findings get the
    /// current offset.
    fn json_ld(&mut self, json: &str) {
        let pos = self.text.len();
        let json = json.replace("\\/", "/");
        self.push_emails(pos, email::find(&json).into_iter().map(|(_, e)| e));
        for url in social::urls_in(&json) {
            self.found.social.push((pos, url));
        }
        self.found.json_ld.push((pos, json));
    }

    fn push_emails(&mut self, pos: usize, emails: impl IntoIterator<Item = String>) {
        self.found
            .emails
            .extend(emails.into_iter().map(|e| (pos, e)));
    }
}

fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Collects contacts in order, dropping repeats.
#[derive(Default)]
struct Builder {
    out: Contacts,
    emails: HashSet<String>,
    phones: HashMap<String, usize>,
    social: HashSet<Url>,
}

impl Builder {
    fn email(&mut self, email: String) {
        if !self.emails.contains(&email) {
            self.emails.insert(email.clone());
            self.out.emails.push(email);
        }
    }

    fn phone(&mut self, phone: Phone) {
        match self.phones.get(&phone.e164) {
            Some(&i) => self.out.phones[i].from_link |= phone.from_link,
            None => {
                self.phones
                    .insert(phone.e164.clone(), self.out.phones.len());
                self.out.phones.push(phone);
            }
        }
    }

    fn social(&mut self, url: Url) {
        if !self.social.contains(&url) {
            self.social.insert(url.clone());
            self.out.social.push(url);
        }
    }

    fn done(self) -> Contacts {
        self.out
    }
}

/// `%XX` escapes decoded (invalid UTF-8 replaced); other text unchanged.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
