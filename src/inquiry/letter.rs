//! What the buyer wrote: a message's own text apart from the quoted history (and how many
//! earlier messages are quoted: `On … wrote:`, `-----Original Message-----`, `From:`/`Von:`/
//! `De:`/`От:` header blocks, `>` levels), the inquiry inside a forward from a colleague, the
//! buyer's part of a B2B platform's notification, and the fields of a web form.

use crate::extract::Domain;
use crate::normalize::fold;

use super::read::{Addr, Kind, Mail};
use super::words::{Field, List, Words};

/// The buyer's letter, as far as the message shows it.
#[derive(Debug, Clone, Default)]
pub struct Letter {
    /// The buyer's address (the forwarded sender's for a colleague's forward, the form's
    /// e-mail field for a web form).
    pub sender: Option<Addr>,
    pub reply_to: Option<Addr>,
    pub subject: String,
    /// The buyer's own words, signature included.
    pub body: String,
    /// The earlier messages quoted below it.
    pub history: String,
    /// How many earlier messages are quoted.
    pub replies: usize,
    /// The platform's domain when the message is a B2B platform's notification.
    pub platform: Option<String>,
    /// Who forwarded it to us, for an inquiry forwarded by a colleague.
    pub forwarded_by: Option<Addr>,
    /// Fields of a web form or a platform notification.
    pub fields: Fields,
}

/// Values of labelled fields (`Empresa: …`, `Country/Region: …`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    pub name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
    pub business_type: Option<String>,
    /// A city or an address.
    pub place: Option<String>,
    pub date: Option<String>,
    pub subject: Option<String>,
    /// The message field with the lines that follow it.
    pub message: Option<String>,
}

/// A line's role in a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// `On … wrote:`
    Wrote,
    /// `-----Original Message-----`
    Original,
    /// `---------- Forwarded message ----------`
    Forward,
    /// The first line of a `From:` … `Sent:` block.
    HeaderBlock,
}

/// A `Label: value` line's folded label and value (the label at most four words).
fn labelled(line: &str) -> Option<(String, &str)> {
    let (label, value) = line.split_once(':')?;
    let label = label.trim().trim_start_matches(['*', '-', '•']).trim();
    if label.is_empty() || label.split_whitespace().count() > 4 || label.contains("//") {
        return None;
    }
    Some((fold(label), value.trim()))
}

fn header_field(line: &str, words: &Words) -> Option<Field> {
    let (label, _) = labelled(line.trim_start_matches(['>', ' ']))?;
    words.headers.get(&label).copied()
}

/// Finds the thread markers of each line.
fn markers(lines: &[&str], words: &Words) -> Vec<Option<Marker>> {
    let mut out = vec![None; lines.len()];
    for (i, line) in lines.iter().enumerate() {
        let bare = line.trim_start_matches(['>', ' ', '\t']).trim();
        if bare.is_empty() {
            continue;
        }
        let dashes = bare.starts_with("---") || bare.starts_with("___") || bare.starts_with("***");
        let colon = bare.ends_with(':');
        // Markers are dashed lines or end with a colon; other lines need no folding.
        let folded = if dashes || colon {
            format!(" {} ", fold(bare))
        } else {
            String::new()
        };
        let has = |list: List| words.phrases.find(&folded).iter().any(|f| f.list == list);
        if (dashes || colon && bare.len() < 60) && has(List::Forwarded) {
            out[i] = Some(Marker::Forward);
        } else if dashes && has(List::OriginalMessage) {
            out[i] = Some(Marker::Original);
        } else if colon && bare.len() < 200 && has(List::Wrote) {
            out[i] = Some(Marker::Wrote);
        } else if header_field(bare, words) == Some(Field::From) {
            let dated = lines[i + 1..]
                .iter()
                .take(4)
                .any(|l| header_field(l, words) == Some(Field::Date));
            if dated {
                out[i] = Some(Marker::HeaderBlock);
            }
        }
    }
    out
}

/// The depth of `>` quoting of a line.
fn quote_depth(line: &str) -> usize {
    let mut depth = 0;
    for c in line.chars() {
        match c {
            '>' => depth += 1,
            ' ' | '\t' => {}
            _ => break,
        }
    }
    depth
}

/// A thread split: own text, history, number of quoted messages, and where a forwarded
/// message's header block starts (if the message is a forward).
struct Split {
    own: String,
    history: String,
    replies: usize,
    forward_at: Option<usize>,
}

fn split(text: &str, subject: &str, words: &Words) -> Split {
    let lines: Vec<&str> = text.lines().collect();
    let marks = markers(&lines, words);
    let first = (0..lines.len()).find(|&i| marks[i].is_some() || quote_depth(lines[i]) > 0);
    let own_end = first.unwrap_or(lines.len());
    let mut replies = 0;
    let mut forward_at = None;
    for (i, m) in marks.iter().enumerate() {
        match m {
            Some(Marker::Wrote) | Some(Marker::HeaderBlock) => replies += 1,
            Some(Marker::Original) => {
                // Counted by the header block that follows, if one does.
                let block_follows = marks[i + 1..]
                    .iter()
                    .take(3)
                    .any(|m| *m == Some(Marker::HeaderBlock));
                if !block_follows {
                    replies += 1;
                }
            }
            Some(Marker::Forward) if forward_at.is_none() => forward_at = Some(i),
            Some(Marker::Forward) => {}
            None => {}
        }
    }
    let depth = lines.iter().map(|l| quote_depth(l)).max().unwrap_or(0);
    replies = replies.max(depth);
    let fw_subject = {
        let s = fold(subject);
        [
            "fw ", "fwd ", "wg ", "tr ", "rv ", "enc ", "i ", "пер ", "ilt ",
        ]
        .iter()
        .any(|p| s.starts_with(p))
    };
    if forward_at.is_none() && fw_subject {
        forward_at = (0..lines.len()).find(|&i| marks[i] == Some(Marker::HeaderBlock));
    }
    // A forward's header block is not a reply.
    if forward_at.is_some() {
        replies = replies.saturating_sub(1);
    }
    Split {
        own: lines[..own_end].join("\n"),
        history: lines[own_end..].join("\n"),
        replies,
        forward_at,
    }
}

/// The forwarded message from `at` on: its sender, subject and text (after its header block).
fn forwarded(text: &str, at: usize, words: &Words) -> (Option<Addr>, Option<String>, String) {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = None;
    let mut subject = None;
    let mut i = at;
    // Skip the marker line, then read the header lines.
    if i < lines.len() && header_field(lines[i], words) != Some(Field::From) {
        i += 1;
    }
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            if from.is_some() {
                i += 1;
                break;
            }
            i += 1;
            continue;
        }
        match header_field(line, words) {
            Some(Field::From) => from = labelled(line).and_then(|(_, v)| address_in(v)),
            Some(Field::Subject) => subject = labelled(line).map(|(_, v)| v.to_string()),
            Some(_) => {}
            None => break,
        }
        i += 1;
    }
    let rest = lines[i.min(lines.len())..].join("\n");
    (from, subject, rest)
}

/// The first e-mail address in a header value, with the name before it.
pub fn address_in(value: &str) -> Option<Addr> {
    let at = value.find('@')?;
    let start = value[..at]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '<' | '[' | ':' | '(' | ',' | ';'))
        .map_or(0, |i| i + 1);
    let end = value[at..]
        .find(|c: char| c.is_whitespace() || matches!(c, '>' | ']' | ')' | ',' | ';'))
        .map_or(value.len(), |i| at + i);
    let email = value[start..end]
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return None;
    }
    let before = value[..start].trim();
    let before = before
        .strip_suffix("mailto:")
        .or_else(|| before.strip_suffix("MAILTO:"))
        .unwrap_or(before);
    let name = before
        .trim()
        .trim_end_matches(['<', '[', '(', '"'])
        .trim()
        .trim_matches('"')
        .trim()
        .to_string();
    Some(Addr {
        name: (!name.is_empty()).then_some(name),
        email,
    })
}

/// Labelled fields of a form or notification, and where the message field's text is.
fn fields(text: &str, words: &Words) -> Fields {
    let mut f = Fields::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let Some((label, value)) = labelled(lines[i]) else {
            i += 1;
            continue;
        };
        let value = value.trim();
        let set = |slot: &mut Option<String>| {
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value.to_string());
            }
        };
        let field = words.fields.get(&label).copied().or_else(|| {
            // A buyer's `From:` line inside a notification.
            (words.headers.get(&label) == Some(&Field::From)).then_some(Field::From)
        });
        match field {
            Some(Field::Name) => set(&mut f.name),
            Some(Field::Company) => set(&mut f.company),
            Some(Field::Email) if value.contains('@') => set(&mut f.email),
            Some(Field::Phone) => set(&mut f.phone),
            Some(Field::Country) => set(&mut f.country),
            Some(Field::BusinessType) => set(&mut f.business_type),
            Some(Field::Place) => set(&mut f.place),
            Some(Field::Date) => set(&mut f.date),
            Some(Field::Subject) => set(&mut f.subject),
            // `From: Muhammad Asif, Asif Electric Traders (Pakistan)`
            Some(Field::From) if !value.contains('@') => {
                let (main, country) = match value.rsplit_once('(') {
                    Some((m, c)) => (m.trim(), Some(c.trim_end_matches(')').trim())),
                    None => (value, None),
                };
                let mut parts = main.splitn(2, ',');
                if let Some(n) = parts.next().filter(|n| !n.trim().is_empty()) {
                    f.name.get_or_insert_with(|| n.trim().to_string());
                }
                if let Some(c) = parts.next().filter(|c| !c.trim().is_empty()) {
                    f.company.get_or_insert_with(|| c.trim().to_string());
                }
                if let Some(c) = country.filter(|c| !c.is_empty()) {
                    f.country.get_or_insert_with(|| c.to_string());
                }
            }
            Some(Field::Message) if f.message.is_none() => {
                let mut msg = value.to_string();
                let mut j = i + 1;
                while j < lines.len() {
                    let l = lines[j];
                    if labelled(l).is_some_and(|(lab, _)| words.fields.contains_key(&lab)) {
                        break;
                    }
                    let folded = format!(" {} ", fold(l));
                    if words
                        .phrases
                        .find(&folded)
                        .iter()
                        .any(|p| p.list == List::PlatformNotice)
                    {
                        break;
                    }
                    msg.push('\n');
                    msg.push_str(l);
                    j += 1;
                }
                f.message = Some(msg.trim().to_string());
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    f
}

/// Whether the text is a B2B platform's notification of an inquiry.
fn is_platform_notice(subject: &str, text: &str, words: &Words) -> bool {
    let folded = format!(" {} {} ", fold(subject), fold(text));
    let hits = words
        .phrases
        .find(&folded)
        .iter()
        .filter(|f| f.list == List::PlatformNotice)
        .map(|f| f.phrase)
        .collect::<std::collections::HashSet<_>>()
        .len();
    hits >= 2
}

/// The buyer's part of a platform notification: after the buyer's `From:`/`Subject:` lines
/// or the message field, up to the platform's own lines.
fn platform_body(text: &str, fields: &Fields, words: &Words) -> String {
    if let Some(m) = &fields.message {
        return m.clone();
    }
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .rposition(|l| {
            labelled(l).is_some_and(|(lab, _)| {
                matches!(
                    words.headers.get(&lab).or_else(|| words.fields.get(&lab)),
                    Some(Field::From | Field::Subject)
                )
            })
        })
        .map_or(0, |i| i + 1);
    let mut out = Vec::new();
    for l in &lines[start..] {
        // The platform's own fields (the product viewed) are not the buyer's words.
        if labelled(l).is_some_and(|(lab, _)| words.fields.get(&lab) == Some(&Field::Product)) {
            continue;
        }
        let folded = format!(" {} ", fold(l));
        let boiler = words
            .phrases
            .find(&folded)
            .iter()
            .any(|p| p.list == List::PlatformNotice);
        if boiler && !out.is_empty() {
            break;
        }
        if !boiler {
            out.push(*l);
        }
    }
    out.join("\n").trim().to_string()
}

fn registrable(email: &str) -> Option<String> {
    let host = email.rsplit_once('@')?.1;
    Some(Domain::of_host_or_self(host).to_string())
}

/// Reads the buyer's letter out of a message.
pub fn read(mail: &Mail, words: &Words) -> Letter {
    let s = split(&mail.text, &mail.subject, words);
    let mut letter = Letter {
        sender: mail.from.clone(),
        reply_to: mail.reply_to.clone(),
        subject: mail.subject.clone(),
        body: s.own.clone(),
        history: s.history.clone(),
        replies: s.replies,
        ..Letter::default()
    };
    // A colleague's forward (same domain as the recipient): the inquiry is the forwarded one.
    if let Some(at) = s.forward_at {
        let from_domain = mail.from.as_ref().and_then(|a| registrable(&a.email));
        let internal =
            from_domain.is_some() && mail.to.iter().any(|t| registrable(&t.email) == from_domain);
        if internal {
            let (inner_from, inner_subject, inner_text) = forwarded(&mail.text, at, words);
            if inner_from.is_some() {
                let inner = split(&inner_text, "", words);
                letter.forwarded_by = mail.from.clone();
                letter.sender = inner_from;
                letter.reply_to = None;
                if let Some(subj) = inner_subject {
                    letter.subject = subj;
                }
                letter.body = inner.own;
                letter.history = inner.history;
                letter.replies = inner.replies;
            }
        } else {
            // An outside sender forwarding someone's requirement: both are the inquiry.
            letter.body = format!("{}\n{}", s.own, s.history);
        }
    }
    let f = fields(&letter.body, words);
    if is_platform_notice(&letter.subject, &letter.body, words) {
        letter.platform = mail
            .from
            .as_ref()
            .and_then(|a| registrable(&a.email))
            .or(Some(String::new()));
        letter.body = platform_body(&letter.body, &f, words);
        if let Some(subj) = &f.subject {
            letter.body = format!("{subj}\n{}", letter.body);
        }
        letter.sender = f.email.as_deref().and_then(address_in);
        letter.reply_to = None;
    } else if mail.kind == Kind::Text && mail.from.is_none() {
        // A web form: the sender is in its fields, the inquiry in its message field.
        letter.sender = f.email.as_deref().and_then(address_in).map(|mut a| {
            a.name = f.name.clone();
            a
        });
        if let Some(m) = &f.message {
            let mut body = m.clone();
            // The form's other fields are the signature.
            for v in [&f.name, &f.company, &f.phone, &f.country]
                .into_iter()
                .flatten()
            {
                body.push('\n');
                body.push_str(v);
            }
            letter.body = body;
        }
        if let Some(subj) = &f.subject {
            letter.subject = subj.clone();
        }
    }
    letter.fields = f;
    letter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inquiry::words::builtin;

    #[test]
    fn replies_are_counted_by_wrote_lines_header_blocks_and_quote_levels() {
        let w = builtin();
        let text = "Hi,\nok.\n\nOn Mon, 2 Nov 2026, A <a@b.test> wrote:\n> yes\n> \
                    > On Sun, B wrote:\n> > > older\n";
        let s = split(text, "Re: x", w);
        assert_eq!(s.own, "Hi,\nok.\n");
        assert_eq!(s.replies, 3);
        let outlook = "Danke\n\nVon: A [mailto:a@b.test]\nGesendet: Montag\nAn: B\nBetreff: x\n\n\
                       text\n\n-----Original Message-----\nFrom: B\nSent: Sunday\nSubject: y\n\nz";
        let s = split(outlook, "AW: x", w);
        assert_eq!((s.own.as_str(), s.replies), ("Danke\n", 2));
    }

    #[test]
    fn addresses_in_header_values() {
        let a = address_in("Lily Chen [mailto:Sales@B.test]").unwrap();
        assert_eq!(
            (a.name.as_deref(), a.email.as_str()),
            (Some("Lily Chen"), "sales@b.test")
        );
        let a = address_in("\"Weber, M\" <m@obi.de>").unwrap();
        assert_eq!(a.email, "m@obi.de");
        assert_eq!(address_in("no address"), None);
    }
}
