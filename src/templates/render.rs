//! Rendering one pattern in one context: variable values, quoting, OR groups, and fitting
//! each query to the engine's limits (split or drop).

use std::collections::{BTreeMap, HashSet};

use super::engine::Measure;
use super::{Catalog, Engine, Filter, Segment, Var};
use crate::plan::Plan;

/// Where a pattern is expanded: the plan, the target country and the query language.
pub(super) struct Ctx<'a> {
    pub(super) plan: &'a Plan,
    pub(super) catalog: &'a Catalog,
    pub(super) country_code: &'a str,
    pub(super) lang: &'a str,
    pub(super) year: i32,
}

impl Ctx<'_> {
    /// The values of `var` in this context, deduplicated case-insensitively.
    fn values(&self, var: Var) -> Vec<String> {
        let plan = self.plan;
        let lang = &self.catalog.lang;
        let raw: Vec<String> = match var {
            Var::Product => plan
                .products
                .iter()
                .flat_map(|p| p.terms())
                .map(str::to_string)
                .collect(),
            Var::ProductLocal => plan
                .products
                .iter()
                .flat_map(|p| p.names.get(self.lang).into_iter().flatten())
                .cloned()
                .collect(),
            Var::CustomerType | Var::CustomerTypeLocal => {
                let l = if var == Var::CustomerType {
                    "en"
                } else {
                    self.lang
                };
                plan.customer_types
                    .iter()
                    .flat_map(|k| lang.customer_words(k, l))
                    .cloned()
                    .collect()
            }
            Var::Country | Var::CountryLocal => {
                let l = if var == Var::Country { "en" } else { self.lang };
                lang.countries
                    .get(self.country_code)
                    .and_then(|c| c.name_in(l))
                    .map(|n| vec![n.to_string()])
                    .unwrap_or_default()
            }
            Var::Related => plan.related_products.clone(),
            Var::Industry => plan.industry.clone(),
            Var::Buyer => plan.big_buyers.iter().map(|b| b.name.clone()).collect(),
            Var::BuyerDomain => plan
                .big_buyers
                .iter()
                .filter_map(|b| b.domain.clone())
                .collect(),
            Var::Filetype => plan.filetypes.clone(),
            Var::Year => vec![self.year.to_string()],
            Var::HsCode => plan.hs_codes.clone(),
        };
        let mut seen = HashSet::new();
        raw.into_iter()
            .map(|v| v.replace('"', "").trim().to_string())
            .filter(|v| !v.is_empty() && seen.insert(v.to_lowercase()))
            .collect()
    }

    /// Big buyers as (name, domain) pairs, for patterns that use both.
    fn buyer_pairs(&self) -> Vec<(String, String)> {
        self.plan
            .big_buyers
            .iter()
            .filter_map(|b| b.domain.clone().map(|d| (b.name.clone(), d)))
            .collect()
    }
}

/// A piece of a query before it is fitted to an engine.
#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Or(Vec<String>),
}

/// Variables that move together: one value row per step (`{buyer}` with its `{buyer_domain}`).
struct Axis {
    vars: Vec<Var>,
    rows: Vec<Vec<String>>,
}

/// How many drafted queries had to be split or dropped to fit the engine.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Fitted {
    pub(super) split: usize,
    pub(super) dropped: usize,
}

/// Where a pattern's values come from: the axes of plain variables (every combination is a
/// query), the OR groups, and for each segment its (axis, column).
struct Layout {
    axes: Vec<Axis>,
    groups: BTreeMap<Var, Vec<String>>,
    slots: Vec<Option<(usize, usize)>>,
}

impl Layout {
    /// The layout of a pattern in a context, or the first variable without values.
    fn new(segments: &[Segment], ctx: &Ctx) -> Result<Layout, Var> {
        let uses = |v: Var| {
            segments
                .iter()
                .any(|s| matches!(s, Segment::Var(x, f) if *x == v && *f != Filter::Or))
        };
        let mut axes: Vec<Axis> = Vec::new();
        let mut groups: BTreeMap<Var, Vec<String>> = BTreeMap::new();
        if uses(Var::Buyer) && uses(Var::BuyerDomain) {
            let rows: Vec<Vec<String>> = ctx
                .buyer_pairs()
                .into_iter()
                .map(|(n, d)| vec![n, d])
                .collect();
            if rows.is_empty() {
                return Err(Var::BuyerDomain);
            }
            axes.push(Axis {
                vars: vec![Var::Buyer, Var::BuyerDomain],
                rows,
            });
        }
        for seg in segments {
            let Segment::Var(var, filter) = seg else {
                continue;
            };
            if *filter == Filter::Or {
                if !groups.contains_key(var) {
                    let values: Vec<String> = ctx
                        .values(*var)
                        .iter()
                        .map(|v| quote_multiword(v))
                        .collect();
                    if values.is_empty() {
                        return Err(*var);
                    }
                    groups.insert(*var, values);
                }
            } else if !axes.iter().any(|a| a.vars.contains(var)) {
                let values = ctx.values(*var);
                if values.is_empty() {
                    return Err(*var);
                }
                axes.push(Axis {
                    vars: vec![*var],
                    rows: values.into_iter().map(|v| vec![v]).collect(),
                });
            }
        }
        let slots = segments
            .iter()
            .map(|seg| match seg {
                Segment::Var(var, filter) if *filter != Filter::Or => axes
                    .iter()
                    .enumerate()
                    .find_map(|(ai, a)| a.vars.iter().position(|v| v == var).map(|vi| (ai, vi))),
                _ => None,
            })
            .collect();
        Ok(Layout {
            axes,
            groups,
            slots,
        })
    }

    /// The query of one combination (`index`: a row per axis), straight into `buf`.
    fn render(&self, segments: &[Segment], index: &[usize], buf: &mut String) {
        buf.clear();
        for (seg, slot) in segments.iter().zip(&self.slots) {
            match (seg, slot) {
                (Segment::Text(t), _) => buf.push_str(t),
                (Segment::Var(var, Filter::Or), _) => {
                    let items = &self.groups[var];
                    if items.len() == 1 {
                        buf.push_str(&items[0]);
                    } else {
                        buf.push('(');
                        for (i, item) in items.iter().enumerate() {
                            if i > 0 {
                                buf.push_str(" OR ");
                            }
                            buf.push_str(item);
                        }
                        buf.push(')');
                    }
                }
                (Segment::Var(_, filter), Some((ai, vi))) => {
                    push_value(buf, &self.axes[*ai].rows[index[*ai]][*vi], *filter);
                }
                (Segment::Var(..), None) => {}
            }
        }
    }

    /// The same query as parts, its OR groups kept apart so that they can be split.
    fn parts(&self, segments: &[Segment], index: &[usize]) -> Vec<Part> {
        let mut parts: Vec<Part> = Vec::with_capacity(segments.len());
        for (seg, slot) in segments.iter().zip(&self.slots) {
            match (seg, slot) {
                (Segment::Text(t), _) => push_text(&mut parts, t),
                (Segment::Var(var, Filter::Or), _) => {
                    let items = &self.groups[var];
                    if items.len() == 1 {
                        push_text(&mut parts, &items[0]);
                    } else {
                        parts.push(Part::Or(items.clone()));
                    }
                }
                (Segment::Var(_, filter), Some((ai, vi))) => {
                    let mut v = String::new();
                    push_value(&mut v, &self.axes[*ai].rows[index[*ai]][*vi], *filter);
                    push_text(&mut parts, &v);
                }
                (Segment::Var(..), None) => {}
            }
        }
        parts
    }

    /// The next combination (an odometer over the axes); false after the last.
    fn next(&self, index: &mut [usize]) -> bool {
        for i in (0..self.axes.len()).rev() {
            index[i] += 1;
            if index[i] < self.axes[i].rows.len() {
                return true;
            }
            index[i] = 0;
        }
        false
    }
}

/// Expands one pattern in one context; calls `emit(text)` per query.
/// Returns what had to be split or dropped, or the first variable without values.
pub(super) fn expand_pattern(
    segments: &[Segment],
    ctx: &Ctx,
    engine: Engine,
    buf: &mut String,
    emit: &mut dyn FnMut(&str),
) -> Result<Fitted, Var> {
    let layout = Layout::new(segments, ctx)?;
    let mut fitted = Fitted::default();
    let mut index = vec![0usize; layout.axes.len()];
    loop {
        // Fast path: render straight into the buffer.
        layout.render(segments, &index, buf);
        if engine.fits_measure(&tidy(buf)) {
            emit(buf);
        } else {
            // Slow path: rebuild as parts and split OR groups until the pieces fit.
            let mut pieces = 0;
            fitted.dropped += fit(layout.parts(segments, &index), engine, &mut |text| {
                pieces += 1;
                emit(&text);
            });
            if pieces > 1 {
                fitted.split += 1;
            }
        }
        if !layout.next(&mut index) {
            return Ok(fitted);
        }
    }
}

fn push_value(buf: &mut String, value: &str, filter: Filter) {
    match filter {
        Filter::Quote if value.contains(char::is_whitespace) => {
            buf.push('"');
            buf.push_str(value);
            buf.push('"');
        }
        Filter::Slug => buf.extend(
            value
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        ),
        _ => buf.push_str(value),
    }
}

/// Trims and collapses runs of whitespace to one space, in place, and measures the result;
/// one pass over the bytes for the usual clean ASCII text.
fn tidy(buf: &mut String) -> Measure {
    let bytes = buf.as_bytes();
    let mut words = 0;
    let mut clean = !bytes.is_empty() && bytes[0] != b' ' && bytes[bytes.len() - 1] != b' ';
    let mut ascii = true;
    let mut prev_space = true;
    for &b in bytes {
        if b >= 0x80 {
            ascii = false;
            break;
        }
        let space = b == b' ';
        if b.is_ascii_whitespace() && !space || space && prev_space {
            clean = false;
        }
        if !space && prev_space {
            words += 1;
        }
        prev_space = space;
    }
    if ascii && clean {
        return Measure {
            words,
            chars: bytes.len(),
            width: bytes.len(),
        };
    }
    if !clean || buf.contains(|c: char| c.is_whitespace() && c != ' ') || buf.contains("  ") {
        *buf = buf.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    Measure::of(buf)
}

fn push_text(parts: &mut Vec<Part>, t: &str) {
    if let Some(Part::Text(last)) = parts.last_mut() {
        last.push_str(t);
    } else {
        parts.push(Part::Text(t.to_string()));
    }
}

fn quote_multiword(v: &str) -> String {
    if v.contains(char::is_whitespace) {
        format!("\"{v}\"")
    } else {
        v.to_string()
    }
}

fn render(parts: &[Part]) -> String {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Text(t) => s.push_str(t),
            Part::Or(items) => {
                s.push('(');
                s.push_str(&items.join(" OR "));
                s.push(')');
            }
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Emits the query if the engine reads it whole; otherwise splits its largest OR group in
/// halves (recursively) or, when nothing can be split, drops it. Returns the number dropped.
fn fit(parts: Vec<Part>, engine: Engine, emit: &mut dyn FnMut(String)) -> usize {
    let text = render(&parts);
    if engine.fits(&text) {
        emit(text);
        return 0;
    }
    let largest = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Part::Or(items) if items.len() > 1 => Some((i, items.len())),
            _ => None,
        })
        .max_by_key(|(_, n)| *n);
    let Some((i, n)) = largest else {
        return 1;
    };
    let Part::Or(items) = &parts[i] else { return 1 };
    let (left, right) = items.split_at(n / 2);
    let half = |items: &[String]| {
        let mut p = parts.clone();
        p[i] = if items.len() == 1 {
            Part::Text(items[0].clone())
        } else {
            Part::Or(items.to_vec())
        };
        p
    };
    let (l, r) = (half(left), half(right));
    fit(l, engine, emit) + fit(r, engine, emit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_or_groups_are_split_for_bing() {
        let items: Vec<String> = (0..12).map(|i| format!("w{i}")).collect();
        let parts = vec![Part::Text("lamp ".into()), Part::Or(items)];
        let mut got = Vec::new();
        let dropped = fit(parts, Engine::Bing, &mut |t| got.push(t));
        assert_eq!(dropped, 0);
        assert!(got.len() > 1);
        assert!(got.iter().all(|t| Engine::Bing.fits(t)));
        let words: usize = got.iter().map(|t| t.matches('w').count()).sum();
        assert_eq!(words, 12, "every alternative survives the split: {got:?}");
    }

    #[test]
    fn tidy_collapses_spaces_and_measures() {
        let mut s = String::from("  LED  bulb\timporter ");
        assert_eq!(
            tidy(&mut s),
            Measure {
                words: 3,
                chars: 17,
                width: 17
            }
        );
        assert_eq!(s, "LED bulb importer");
        let mut s = String::from("LED-Lampe Großhändler");
        assert_eq!(
            tidy(&mut s),
            Measure {
                words: 2,
                chars: 21,
                width: 23
            }
        );
        let mut s = String::from("lamp\u{a0} x");
        tidy(&mut s);
        assert_eq!(s, "lamp x");
    }

    #[test]
    fn unsplittable_long_query_is_dropped() {
        let parts = vec![Part::Text("a b c d e f g h i j k l".into())];
        let mut got = Vec::new();
        assert_eq!(fit(parts, Engine::Bing, &mut |t| got.push(t)), 1);
        assert!(got.is_empty());
    }
}
