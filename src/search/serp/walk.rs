//! One walk over a parsed result page, top-down, carrying what the enclosing elements say
//! (inside an ad region, inside which result block, inside a heading): every link becomes a
//! candidate, then the hits are chosen by the first strategy that finds any:
//!
//! 1. title links: a link holding a heading or the engine's title markup, or inside a
//!    heading (`a > h3`, `h2 > a`, `a > span.CVA68e`), wherever they are outside the regions
//!    that hold no results; in one result block, a later title link to the same site is a
//!    sitelink and is left out;
//! 2. the first link with text in each result block the engine's markup names;
//! 3. links whose text is long enough to be a title (the generic fallback for layouts
//!    nothing above knows).
//!
//! Work is linear in the page: each element is visited once, each link's subtree once, and
//! the text read for titles, snippets and ad labels is capped.

use std::collections::HashSet;

use scraper::node::Element;
use scraper::{ElementRef, Html, Node};
use url::Url;

use super::layout::{Layout, Role, generic_role, is_heading};
use super::unwrap::{engine_of_host, unwrap_url, web_url};
use super::verdict::{Signal, element_signal};
use crate::extract::Domain;
use crate::search::Hit;

/// Links looked at, at most: a result page has a few hundred; a page of 100,000 links is
/// read only this far.
pub(super) const MAX_LINKS: usize = 20_000;
/// Hits kept from one page, at most (a page of 100 results plus ads fits).
pub(super) const MAX_HITS: usize = 300;
const MAX_TITLE_CHARS: usize = 300;
pub(super) const MAX_SNIPPET_CHARS: usize = 400;
/// Shortest link text the generic fallback takes for a title, in characters.
const MIN_LOOSE_TITLE: usize = 20;
/// Nodes read, at most, for one title, snippet or ad label.
const NODE_BUDGET: usize = 2_000;
/// Parents climbed, at most, to find the snippet of a result outside any result block.
const SNIPPET_CLIMB: usize = 3;

/// Labels that make a result block an ad.
const AD_LABELS: &[&str] = &[
    "ad",
    "ads",
    "sponsored",
    "anzeige",
    "anzeigen",
    "gesponsert",
    "annonce",
    "sponsorisé",
    "publicité",
    "patrocinado",
    "sponsorizzato",
    "gesponsord",
    "reklam",
    "реклама",
    "广告",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Title,
    InBlock,
    Loose,
}

struct Candidate<'a> {
    url: Url,
    redirect: bool,
    title: String,
    kind: Kind,
    ad: bool,
    block: Option<usize>,
    anchor: ElementRef<'a>,
}

/// A result block: an element the engine's markup names as one result.
struct Block<'a> {
    el: ElementRef<'a>,
    parent: Option<usize>,
    /// The outermost block it is in (itself if none).
    outer: usize,
}

#[derive(Clone, Copy, Default)]
struct Ctx<'a> {
    ad: bool,
    block: Option<usize>,
    heading: Option<ElementRef<'a>>,
}

pub(super) struct Walk<'a> {
    layout: &'static Layout,
    base: Url,
    candidates: Vec<Candidate<'a>>,
    blocks: Vec<Block<'a>>,
    links: usize,
    /// A captcha or bot-check element.
    pub blocked: Option<&'static str>,
    /// A consent form (over results, it does not matter).
    pub maybe_blocked: Option<&'static str>,
    /// The engine's "no results" box.
    pub empty: bool,
}

/// Walks `doc` with `layout`; relative links are read against `base`.
pub(super) fn walk<'a>(doc: &'a Html, layout: &'static Layout, base: Url) -> Walk<'a> {
    let mut w = Walk {
        layout,
        base,
        candidates: Vec::new(),
        blocks: Vec::new(),
        links: 0,
        blocked: None,
        maybe_blocked: None,
        empty: false,
    };
    let mut stack = vec![(doc.root_element(), Ctx::default())];
    while let Some((el, mut ctx)) = stack.pop() {
        let e = el.value();
        match element_signal(e) {
            Some(Signal::Blocked(r)) => {
                w.blocked.get_or_insert(r);
            }
            Some(Signal::MaybeBlocked(r)) => {
                w.maybe_blocked.get_or_insert(r);
            }
            Some(Signal::Empty) => w.empty = true,
            None => {}
        }
        let role = match generic_role(e) {
            Role::Plain => (layout.role)(e),
            other => other,
        };
        match role {
            Role::Skip => continue,
            Role::AdZone => ctx.ad = true,
            Role::Result | Role::AdResult => {
                let idx = w.blocks.len();
                let outer = ctx.block.map_or(idx, |b| w.blocks[b].outer);
                w.blocks.push(Block {
                    el,
                    parent: ctx.block,
                    outer,
                });
                ctx.block = Some(idx);
                ctx.ad |= role == Role::AdResult;
            }
            Role::Plain => {}
        }
        if e.name() == "a" && e.attr("href").is_some() {
            w.link(el, ctx);
            continue;
        }
        if is_heading(e) {
            ctx.heading = Some(el);
        }
        stack.extend(
            el.children()
                .rev()
                .filter_map(ElementRef::wrap)
                .map(|c| (c, ctx)),
        );
    }
    w
}

impl<'a> Walk<'a> {
    fn link(&mut self, a: ElementRef<'a>, ctx: Ctx<'a>) {
        self.links += 1;
        if self.links > MAX_LINKS {
            return;
        }
        let Some((mut url, mut redirect)) = a.value().attr("href").and_then(|h| self.target(h))
        else {
            return;
        };
        if redirect && let Some(attr) = self.layout.target_attr {
            // The block names the real target (Baidu's `mu`): use it, and drop results that
            // are the engine's own pages.
            let mut b = ctx.block;
            while let Some(i) = b {
                if let Some(real) = self.blocks[i].el.value().attr(attr).and_then(web_url) {
                    if real.host_str().and_then(engine_of_host).is_some() {
                        return;
                    }
                    url = real;
                    redirect = false;
                    break;
                }
                b = self.blocks[i].parent;
            }
        }
        let (kind, title) = if let Some(h) = ctx.heading {
            let t = text(a, &|_| false);
            (
                Kind::Title,
                if t.is_empty() { text(h, &|_| false) } else { t },
            )
        } else if let Some(t) = self.title_inside(a) {
            (Kind::Title, text(t, &|_| false))
        } else {
            let kind = if ctx.block.is_some() {
                Kind::InBlock
            } else {
                Kind::Loose
            };
            (kind, text(a, &|_| false))
        };
        let title = if title.is_empty() && kind == Kind::Title {
            text(a, &|_| false)
        } else {
            title
        };
        if title.is_empty() {
            return;
        }
        self.candidates.push(Candidate {
            url,
            redirect,
            title: truncate(title, MAX_TITLE_CHARS),
            kind,
            ad: ctx.ad,
            block: ctx.block,
            anchor: a,
        });
    }

    /// Where a link points, unwrapped; `None` for links that are not results: anchors,
    /// scripts, mail, and the engine's own pages.
    fn target(&self, href: &str) -> Option<(Url, bool)> {
        let href = href.trim();
        let lower = href.get(..11).unwrap_or(href).to_ascii_lowercase();
        if href.is_empty()
            || href.starts_with('#')
            || ["javascript:", "mailto:", "tel:", "data:", "sms:"]
                .iter()
                .any(|s| lower.starts_with(s))
        {
            return None;
        }
        let url = self.base.join(href).ok()?;
        let (mut url, redirect) = unwrap_url(url);
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let host = url.host_str().filter(|h| !h.is_empty())?;
        if !redirect && engine_of_host(host).is_some() {
            return None;
        }
        // Google's text fragments (`#:~:text=`) point into the page, not to another one.
        if url.fragment().is_some_and(|f| f.starts_with(":~:")) {
            url.set_fragment(None);
        }
        Some((url, redirect))
    }

    /// A heading or title element inside a link, or the link itself when the engine marks
    /// its title links (`a.result__a`).
    fn title_inside(&self, a: ElementRef<'a>) -> Option<ElementRef<'a>> {
        a.descendants()
            .take(NODE_BUDGET)
            .filter_map(ElementRef::wrap)
            .find(|el| is_heading(el.value()) || (self.layout.is_title)(el.value()))
    }

    /// The hits: the candidates of the first strategy that has any, each URL once, ranked.
    pub(super) fn hits(&self) -> Vec<Hit> {
        let chosen = self.choose();
        // How many chosen results each block holds: a snippet is looked for in the
        // enclosing blocks only while they hold this one result.
        let mut held = vec![0u32; self.blocks.len()];
        for c in &chosen {
            let mut b = c.block;
            while let Some(i) = b {
                held[i] += 1;
                b = self.blocks[i].parent;
            }
        }
        let mut seen = HashSet::new();
        let mut hits = Vec::new();
        let (mut organic, mut ads) = (0, 0);
        for c in chosen {
            if hits.len() >= MAX_HITS {
                break;
            }
            let mut key = c.url.clone();
            key.set_fragment(None);
            if !seen.insert(key.to_string()) {
                continue;
            }
            let ad = c.ad || self.labelled_ad(c, &held);
            let rank = if ad {
                ads += 1;
                ads
            } else {
                organic += 1;
                organic
            };
            hits.push(Hit {
                rank,
                title: c.title.clone(),
                url: c.url.to_string(),
                snippet: self.snippet(c, &held),
                ad,
                redirect: c.redirect,
            });
        }
        hits
    }

    fn choose(&self) -> Vec<&Candidate<'a>> {
        let titles: Vec<&Candidate> = self
            .candidates
            .iter()
            .filter(|c| c.kind == Kind::Title)
            .collect();
        if !titles.is_empty() {
            let mut sites = HashSet::new();
            return titles
                .into_iter()
                .filter(|c| match c.block {
                    Some(b) => sites.insert((self.blocks[b].outer, site(&c.url))),
                    None => true,
                })
                .collect();
        }
        let mut blocks_taken = HashSet::new();
        let in_blocks: Vec<&Candidate> = self
            .candidates
            .iter()
            .filter(|c| c.kind == Kind::InBlock && c.block.is_some_and(|b| blocks_taken.insert(b)))
            .collect();
        if !in_blocks.is_empty() {
            return in_blocks;
        }
        self.candidates
            .iter()
            .filter(|c| {
                c.kind == Kind::Loose
                    && c.title.chars().count() >= MIN_LOOSE_TITLE
                    && c.title.split_whitespace().nth(1).is_some()
            })
            .collect()
    }

    /// The result's snippet: the engine's snippet markup in its block (or an enclosing block
    /// that holds no other result), else the block's text without links and headings; for a
    /// result outside any block, the text around its link.
    fn snippet(&self, c: &Candidate<'a>, held: &[u32]) -> String {
        let mut b = c.block;
        while let Some(i) = b {
            if held[i] > 1 {
                break;
            }
            if let Some(s) = self.snippet_markup(self.blocks[i].el) {
                return s;
            }
            b = self.blocks[i].parent;
        }
        let is_title = self.layout.is_title;
        let not_snippet =
            |e: &Element| matches!(e.name(), "a" | "cite") || is_heading(e) || is_title(e);
        if let Some(i) = c.block {
            return block_text(self.blocks[i].el, &not_snippet);
        }
        let mut el = c.anchor;
        for _ in 0..SNIPPET_CLIMB {
            let Some(parent) = el.parent().and_then(ElementRef::wrap) else {
                break;
            };
            el = parent;
            // An element holding other links holds other results: their text is not ours.
            if holds_other_links(el, c.anchor) {
                break;
            }
            let s = block_text(el, &not_snippet);
            if !s.is_empty() {
                return s;
            }
        }
        String::new()
    }

    /// An ad label in the result's block, or in an enclosing block that holds no other
    /// result.
    fn labelled_ad(&self, c: &Candidate<'a>, held: &[u32]) -> bool {
        let mut b = c.block;
        while let Some(i) = b {
            if held[i] > 1 {
                return false;
            }
            if has_ad_label(self.blocks[i].el) {
                return true;
            }
            b = self.blocks[i].parent;
        }
        false
    }

    fn snippet_markup(&self, block: ElementRef<'a>) -> Option<String> {
        block
            .descendants()
            .take(NODE_BUDGET)
            .filter_map(ElementRef::wrap)
            .find(|el| (self.layout.is_snippet)(el.value()))
            .map(|el| text(el, &|_| false))
            .filter(|s| !s.is_empty())
    }
}

/// The site of an address, for telling sitelinks from other results.
fn site(url: &Url) -> String {
    Domain::of_url(url)
        .map(|d| d.as_str().to_string())
        .or_else(|| url.host_str().map(str::to_string))
        .unwrap_or_default()
}

fn holds_other_links(el: ElementRef, anchor: ElementRef) -> bool {
    el.descendants()
        .take(NODE_BUDGET)
        .filter_map(ElementRef::wrap)
        .any(|e| e.value().name() == "a" && e.value().attr("href").is_some() && e != anchor)
}

/// A block labelled as an ad ("Sponsored", "Anzeige", "Реклама", "广告" …) by a short text of
/// its own.
fn has_ad_label(block: ElementRef) -> bool {
    block
        .descendants()
        .take(NODE_BUDGET)
        .any(|n| matches!(n.value(), Node::Text(t) if is_ad_label(t)))
}

fn is_ad_label(text: &str) -> bool {
    text.len() <= 24 && {
        let label = text
            .trim()
            .trim_end_matches(['·', ':', '•', '|'])
            .trim()
            .to_lowercase();
        AD_LABELS.contains(&label.as_str())
    }
}

/// The text of `el` without hidden elements and without the subtrees `leave_out` names,
/// whitespace collapsed, cut at [`MAX_SNIPPET_CHARS`] characters.
fn text(el: ElementRef, leave_out: &dyn Fn(&Element) -> bool) -> String {
    read_text(el, leave_out, false)
}

/// [`text`] for a snippet read from a block's whole text: ad labels left out too.
fn block_text(el: ElementRef, leave_out: &dyn Fn(&Element) -> bool) -> String {
    read_text(el, leave_out, true)
}

fn read_text(el: ElementRef, leave_out: &dyn Fn(&Element) -> bool, no_labels: bool) -> String {
    let mut out = String::new();
    // Pre-order with one pending sibling per level: an element of 100,000 children costs
    // what is read of it, not all of them.
    let mut stack: Vec<_> = el.first_child().into_iter().collect();
    let mut budget = NODE_BUDGET;
    while let Some(node) = stack.pop() {
        budget = budget.saturating_sub(1);
        if budget == 0 || out.len() > MAX_SNIPPET_CHARS * 4 {
            break;
        }
        if let Some(next) = node.next_sibling() {
            stack.push(next);
        }
        match node.value() {
            Node::Text(t) => {
                if !(no_labels && is_ad_label(t)) {
                    out.push_str(t);
                }
                continue;
            }
            Node::Element(e) => {
                if leave_out(e) || generic_role(e) == Role::Skip {
                    continue;
                }
                if !matches!(e.name(), "b" | "em" | "i" | "span" | "strong" | "a" | "wbr") {
                    out.push(' ');
                }
            }
            _ => continue,
        }
        if let Some(child) = node.first_child() {
            stack.push(child);
        }
    }
    truncate(
        out.split_whitespace().collect::<Vec<_>>().join(" "),
        MAX_SNIPPET_CHARS,
    )
}

fn truncate(s: String, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => {
            let mut s = s;
            s.truncate(i);
            s.push('…');
            s
        }
        None => s,
    }
}
