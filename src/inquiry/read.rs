//! Reading inquiries: `.eml` messages (RFC 5322 with MIME, parsed by `mail-parser`: any
//! charset and transfer encoding, HTML-only bodies turned into text, attachments listed but
//! never opened), `.mbox` files (streamed, `>From ` unquoted), `.txt` files (an inquiry pasted
//! from a web form or a platform; a pasted header block is read as a message), and folders of
//! these. Every file or message that cannot be read gives its own error; the others go on.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use mail_parser::{Address, MessageParser, MimeHeaders};

use super::html;

/// A file bigger than this is not read (an `.eml` or `.txt`; an mbox is streamed).
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// A message bigger than this in an mbox is skipped with an error.
pub const MAX_MESSAGE_BYTES: usize = 100 * 1024 * 1024;
/// The text of a message is read up to this many bytes (the rest is attachments' business or
/// quoted history too long to matter).
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Folders are read this deep.
const MAX_DEPTH: usize = 8;

/// Where an inquiry comes from: a file, and for an mbox the message's number (from 1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    pub file: PathBuf,
    pub index: Option<usize>,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(f, "{}#{i}", self.file.display()),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// A file or message that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct ReadError {
    pub at: Source,
    pub message: String,
}

/// An address of a header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Addr {
    pub name: Option<String>,
    /// Lower case.
    pub email: String,
}

/// A moment with the writer's UTC offset (from a `Date` header or a form's date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Unix time (UTC).
    pub unix: i64,
    /// The writer's offset from UTC, in minutes.
    pub offset: i32,
}

/// An attachment as listed (never opened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub size: usize,
}

/// A link in the message: its target and the text it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    pub text: String,
}

/// What kind of file the inquiry came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mail,
    Text,
}

/// One inquiry as read: headers, the body as text, links and attachments.
#[derive(Debug, Clone)]
pub struct Mail {
    pub source: Source,
    pub kind: Kind,
    pub message_id: Option<String>,
    /// FNV-1a (64 bits) of the message's bytes: its key when it has no Message-ID.
    pub hash: String,
    pub subject: String,
    pub date: Option<Stamp>,
    pub from: Option<Addr>,
    pub reply_to: Option<Addr>,
    pub to: Vec<Addr>,
    pub in_reply_to: Option<String>,
    pub text: String,
    pub links: Vec<Link>,
    pub attachments: Vec<Attachment>,
    /// What could only be read in part (best effort), for the report.
    pub notes: Vec<String>,
}

/// Reads every inquiry in `paths` (files and folders), calling `each` with every message or
/// error in order: files sorted by name, an mbox's messages in order.
pub fn read_all(paths: &[PathBuf], each: &mut dyn FnMut(Result<Mail, ReadError>)) {
    for path in paths {
        if path.is_dir() {
            let mut files = Vec::new();
            list_dir(path, 0, &mut files, each);
            files.sort();
            for f in files {
                read_file(&f, each);
            }
        } else {
            read_file(path, each);
        }
    }
}

/// The inquiry files under a folder (`.eml`, `.mbox`, `.mbx`, `.txt`; hidden entries skipped).
fn list_dir(
    dir: &Path,
    depth: usize,
    out: &mut Vec<PathBuf>,
    each: &mut dyn FnMut(Result<Mail, ReadError>),
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            each(Err(error(
                dir,
                None,
                format!("cannot read the folder: {e}"),
            )));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            if depth < MAX_DEPTH {
                list_dir(&path, depth + 1, out, each);
            }
        } else if matches!(extension(&path).as_str(), "eml" | "mbox" | "mbx" | "txt") {
            out.push(path);
        }
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn error(file: &Path, index: Option<usize>, message: String) -> ReadError {
    ReadError {
        at: Source {
            file: file.to_path_buf(),
            index,
        },
        message,
    }
}

/// Reads one file: an mbox message by message, anything else whole.
pub fn read_file(path: &Path, each: &mut dyn FnMut(Result<Mail, ReadError>)) {
    let ext = extension(path);
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            each(Err(error(path, None, format!("cannot read: {e}"))));
            return;
        }
    };
    let mut reader = BufReader::new(file);
    let mut head = Vec::new();
    let sniffed_mbox = (&mut reader)
        .take(5)
        .read_to_end(&mut head)
        .is_ok_and(|_| head == b"From ");
    let rest = reader;
    let chained = BufReader::new(std::io::Cursor::new(head).chain(rest));
    if matches!(ext.as_str(), "mbox" | "mbx") || (sniffed_mbox && ext != "eml") {
        read_mbox(path, chained, each);
        return;
    }
    let mut bytes = Vec::new();
    if let Err(e) = chained.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        each(Err(error(path, None, format!("cannot read: {e}"))));
        return;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        each(Err(error(
            path,
            None,
            format!(
                "larger than {} MB; not read (save the message without its attachments)",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )));
        return;
    }
    let source = Source {
        file: path.to_path_buf(),
        index: None,
    };
    let result = if ext == "txt" {
        parse_text(&bytes, source)
    } else {
        parse_mail(&bytes, source)
    };
    each(result);
}

fn read_mbox(
    path: &Path,
    reader: impl std::io::BufRead,
    each: &mut dyn FnMut(Result<Mail, ReadError>),
) {
    let mut any = false;
    for (i, item) in mail_parser::mailbox::mbox::MessageIterator::new(reader).enumerate() {
        any = true;
        let index = Some(i + 1);
        match item {
            Err(e) => {
                each(Err(error(path, index, format!("cannot read: {e}"))));
                return;
            }
            Ok(m) if m.contents().len() > MAX_MESSAGE_BYTES => each(Err(error(
                path,
                index,
                format!(
                    "message larger than {} MB; skipped",
                    MAX_MESSAGE_BYTES / (1024 * 1024)
                ),
            ))),
            Ok(m) => each(parse_mail(
                m.contents(),
                Source {
                    file: path.to_path_buf(),
                    index,
                },
            )),
        }
    }
    if !any {
        each(Err(error(
            path,
            None,
            "no message in this mbox (each must start with a `From ` line)".into(),
        )));
    }
}

/// FNV-1a, 64 bits, as 16 hex digits.
pub fn hash(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}")
}

/// Whether bytes look like binary data rather than text (NUL bytes or many control bytes in
/// the first kilobytes).
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.is_empty() {
        return false;
    }
    let controls = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)))
        .count();
    head.contains(&0) && controls * 20 > head.len() || controls * 10 > head.len()
}

/// Parses one RFC 5322 message.
pub fn parse_mail(bytes: &[u8], source: Source) -> Result<Mail, ReadError> {
    let bad = |m: &str| ReadError {
        at: source.clone(),
        message: m.to_string(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("empty file"));
    }
    if looks_binary(bytes) {
        return Err(bad("binary data, not an e-mail message"));
    }
    let parser = MessageParser::default();
    let Some(msg) = parser.parse(bytes) else {
        return Err(bad("not an e-mail message: no header lines"));
    };
    if msg.headers().is_empty() {
        return Err(bad("not an e-mail message: no header lines"));
    }
    let mut notes = Vec::new();
    let mut text = String::new();
    let mut links = Vec::new();
    let mut html_text = String::new();
    for part in msg.text_bodies() {
        let is_html = part.is_content_type("text", "html");
        let Some(t) = part.text_contents() else {
            continue;
        };
        if is_html {
            let (t, l) = html::to_text(t);
            push_limited(&mut html_text, &t);
            links.extend(l);
        } else {
            push_limited(&mut text, t);
        }
    }
    for part in msg.html_bodies() {
        if part.is_content_type("text", "html")
            && let Some(t) = part.text_contents()
        {
            let (t, l) = html::to_text(t);
            if text.trim().is_empty() && html_text.trim().is_empty() {
                push_limited(&mut html_text, &t);
            }
            links.extend(l);
        }
    }
    if text.trim().is_empty() {
        text = html_text;
    }
    let mut attachments = Vec::new();
    for part in msg.attachments() {
        if let Some(inner) = part.message() {
            // A message forwarded as an attachment: its headers and text follow ours.
            let from = inner.from().and_then(first_addr);
            text.push_str("\n\n---------- Forwarded message ----------\n");
            if let Some(f) = from {
                let name = f.name.clone().unwrap_or_default();
                text.push_str(&format!("From: {name} <{}>\n", f.email));
            }
            if let Some(s) = inner.subject() {
                text.push_str(&format!("Subject: {s}\n"));
            }
            text.push('\n');
            if let Some(t) = inner.body_text(0) {
                push_limited(&mut text, &t);
            }
            continue;
        }
        let content_type = part
            .content_type()
            .map(|ct| match &ct.c_subtype {
                Some(sub) => format!("{}/{}", ct.c_type, sub),
                None => ct.c_type.to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        attachments.push(Attachment {
            name: part.attachment_name().unwrap_or("(no name)").to_string(),
            content_type: content_type.to_ascii_lowercase(),
            size: part.len(),
        });
    }
    links.extend(html::bare_links(&text));
    dedup_links(&mut links);
    if text.len() >= MAX_TEXT_BYTES {
        notes.push(format!(
            "only the first {} KB of the text were read",
            MAX_TEXT_BYTES / 1024
        ));
    }
    let date = msg.date().filter(|d| d.is_valid()).map(|d| {
        let offset = i32::from(d.tz_hour) * 60 + i32::from(d.tz_minute);
        Stamp {
            unix: d.to_timestamp(),
            offset: if d.tz_before_gmt { -offset } else { offset },
        }
    });
    let to = msg
        .to()
        .map(|a| a.iter().filter_map(addr).collect())
        .unwrap_or_default();
    let in_reply_to = msg.in_reply_to().as_text().map(str::to_string);
    Ok(Mail {
        kind: Kind::Mail,
        message_id: msg.message_id().map(|s| s.trim().to_string()),
        hash: hash(bytes),
        subject: msg.subject().unwrap_or("").trim().to_string(),
        date,
        from: msg.from().and_then(first_addr),
        reply_to: msg.reply_to().and_then(first_addr),
        to,
        in_reply_to,
        text,
        links,
        attachments,
        notes,
        source,
    })
}

fn push_limited(out: &mut String, text: &str) {
    if out.len() >= MAX_TEXT_BYTES {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let room = MAX_TEXT_BYTES - out.len();
    if text.len() <= room {
        out.push_str(text);
    } else {
        let mut end = room;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&text[..end]);
    }
}

fn first_addr(a: &Address<'_>) -> Option<Addr> {
    a.first().and_then(addr)
}

fn addr(a: &mail_parser::Addr<'_>) -> Option<Addr> {
    let email = a.address()?.trim().to_ascii_lowercase();
    if email.is_empty() {
        return None;
    }
    Some(Addr {
        name: a
            .name()
            .map(|n| n.trim().trim_matches('"').trim().to_string())
            .filter(|n| !n.is_empty()),
        email,
    })
}

fn dedup_links(links: &mut Vec<Link>) {
    let mut seen = std::collections::HashSet::new();
    links.retain(|l| seen.insert(l.url.clone()));
}

/// A `.txt` inquiry: leading `#` comment lines are skipped; a pasted header block (`From:`,
/// `Subject:` … then an empty line) makes it a message; otherwise it is a form or a pasted
/// text whose sender the triage reads from its fields.
pub fn parse_text(bytes: &[u8], source: Source) -> Result<Mail, ReadError> {
    if looks_binary(bytes) {
        return Err(ReadError {
            at: source,
            message: "binary data, not a text inquiry".into(),
        });
    }
    let decoded = crate::net::decode::decode(bytes, None, false).map_err(|e| ReadError {
        at: source.clone(),
        message: e.to_string(),
    })?;
    let mut text = decoded.text.trim_start_matches('\u{feff}').to_string();
    // Notes at the top (`# …`) are the person's, not the inquiry's.
    let skip: usize = text
        .split_inclusive('\n')
        .take_while(|l| l.starts_with('#'))
        .map(str::len)
        .sum();
    text.drain(..skip);
    if starts_with_headers(&text) {
        let mut mail = parse_mail(text.as_bytes(), source)?;
        mail.kind = Kind::Text;
        mail.hash = hash(bytes);
        return Ok(mail);
    }
    if text.trim().is_empty() {
        return Err(ReadError {
            at: source,
            message: "empty file".into(),
        });
    }
    let mut cut = text;
    if cut.len() > MAX_TEXT_BYTES {
        let mut end = MAX_TEXT_BYTES;
        while !cut.is_char_boundary(end) {
            end -= 1;
        }
        cut.truncate(end);
    }
    let links = html::bare_links(&cut);
    Ok(Mail {
        source,
        kind: Kind::Text,
        message_id: None,
        hash: hash(bytes),
        subject: String::new(),
        date: None,
        from: None,
        reply_to: None,
        to: Vec::new(),
        in_reply_to: None,
        text: cut,
        links,
        attachments: Vec::new(),
        notes: Vec::new(),
    })
}

/// Whether text starts with a header block: two or more `Name: value` lines among them
/// `From`, then an empty line.
fn starts_with_headers(text: &str) -> bool {
    let mut names = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        names.push(name.to_ascii_lowercase());
    }
    names.len() >= 2 && names.iter().any(|n| n == "from")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> Source {
        Source {
            file: PathBuf::from("t.eml"),
            index: None,
        }
    }

    #[test]
    fn a_multipart_message_gives_text_links_and_attachments() {
        let raw = "From: \"Anna\" <Anna@Example.DE>\r\nReply-To: x@gmail.com\r\nTo: s@b.test\r\n\
                   Subject: =?utf-8?Q?Anfrage_LED-R=C3=B6hre?=\r\nDate: Mon, 16 Nov 2026 08:31:10 +0100\r\n\
                   Message-ID: <a@b>\r\nMIME-Version: 1.0\r\n\
                   Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
                   Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hallo<br>bitte <a href=\"https://x.test/login\">hier</a></p>\r\n\
                   --b\r\nContent-Type: application/zip; name=\"order.zip\"\r\n\
                   Content-Disposition: attachment; filename=\"order.zip\"\r\n\
                   Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n--b--\r\n";
        let m = parse_mail(raw.as_bytes(), src()).unwrap();
        assert_eq!(m.subject, "Anfrage LED-Röhre");
        assert_eq!(m.from.as_ref().unwrap().email, "anna@example.de");
        assert_eq!(m.reply_to.as_ref().unwrap().email, "x@gmail.com");
        assert_eq!(m.message_id.as_deref(), Some("a@b"));
        assert!(m.text.contains("Hallo\nbitte hier"), "{:?}", m.text);
        assert_eq!(m.links[0].url, "https://x.test/login");
        assert_eq!(m.attachments[0].name, "order.zip");
        assert_eq!(m.date.unwrap().offset, 60);
    }

    #[test]
    fn garbage_and_empty_input_are_errors_not_panics() {
        assert!(parse_mail(b"", src()).is_err());
        assert!(parse_mail(&[0u8, 1, 2, 3, 255, 0, 7, 8], src()).is_err());
        let text = parse_text(b"# note\nNombre: Luis\nMensaje: hola\n", src()).unwrap();
        assert!(text.text.starts_with("Nombre"));
        let pasted = parse_text(b"From: A <a@b.test>\nSubject: hi\n\nbody\n", src()).unwrap();
        assert_eq!(pasted.from.unwrap().email, "a@b.test");
        assert_eq!(pasted.kind, Kind::Text);
    }
}
