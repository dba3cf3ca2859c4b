//! Turning response bytes into UTF-8 text: BOM, HTTP charset, `<meta>` prescan, detection.
//!
//! The order follows the HTML standard's "determining the character encoding": a byte order
//! mark wins, then the `charset` of the Content-Type header, then (for HTML) a prescan of the
//! first 1024 bytes for `<meta charset>` or `<meta http-equiv="Content-Type">`, and last a guess
//! by chardetng (the detector Firefox uses). Malformed bytes become U+FFFD, never an error; the
//! only error is a body that is not text at all.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};

/// How many leading bytes the `<meta>` prescan looks at (the HTML standard's number).
pub const PRESCAN_LIMIT: usize = 1024;
/// How many bytes from the first non-ASCII byte on the detector sees.
pub const DETECT_LIMIT: usize = 64 * 1024;
/// How many leading bytes the binary check looks at.
pub const BINARY_SAMPLE: usize = 8 * 1024;
/// Above this share (in percent) of control characters in the sample, a body is binary.
pub const MAX_CONTROL_PERCENT: usize = 10;

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    Bom,
    Header,
    Meta,
    Detected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the encoding used, e.g. "UTF-8", "windows-1252", "Shift_JIS".
    pub encoding: &'static str,
    pub source: CharsetSource,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The body is not text (NUL bytes or many control characters), whatever its label says.
    #[error("the body is binary data, not text ({reason})")]
    Binary { reason: String },
}

/// Decodes `body`; `content_type` is the raw Content-Type header value if any
/// (e.g. `text/html; charset=ISO-8859-2`). `html` says whether to prescan for `<meta>`.
pub fn decode(body: &[u8], content_type: Option<&str>, html: bool) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        // UTF-16 text is full of NUL bytes, so only UTF-8 can be checked for binary data.
        if encoding == UTF_8 {
            check_not_binary(body)?;
        }
        return Ok(finish(&body[bom_len..], encoding, CharsetSource::Bom));
    }
    check_not_binary(body)?;
    if let Some(encoding) = content_type.and_then(header_charset) {
        return Ok(finish(body, encoding, CharsetSource::Header));
    }
    if html && let Some(encoding) = prescan(&body[..body.len().min(PRESCAN_LIMIT)]) {
        return Ok(finish(body, encoding, CharsetSource::Meta));
    }
    Ok(finish(body, detect(body), CharsetSource::Detected))
}

fn finish(bytes: &[u8], encoding: &'static Encoding, source: CharsetSource) -> Decoded {
    let (text, _malformed) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        source,
    }
}

/// Rejects bodies whose first [`BINARY_SAMPLE`] bytes hold a NUL byte or too many C0 controls
/// (tab, LF, FF, CR and ESC are text; ESC starts ISO-2022-JP shifts).
fn check_not_binary(body: &[u8]) -> Result<(), DecodeError> {
    let sample = &body[..body.len().min(BINARY_SAMPLE)];
    if let Some(at) = sample.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary {
            reason: format!("NUL byte at offset {at}"),
        });
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | 0x1B))
        .count();
    if controls * 100 > sample.len() * MAX_CONTROL_PERCENT {
        return Err(DecodeError::Binary {
            reason: format!(
                "{controls} control characters in the first {} bytes",
                sample.len()
            ),
        });
    }
    Ok(())
}

/// The encoding named by the first `charset` parameter of a Content-Type value, if known.
fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    let mut rest = content_type.split_once(';')?.1;
    while !rest.is_empty() {
        let name_end = rest.find([';', '=']).unwrap_or(rest.len());
        let name = rest[..name_end].trim();
        rest = &rest[name_end..];
        let Some(after_eq) = rest.strip_prefix('=') else {
            // A parameter without a value.
            rest = rest.get(1..).unwrap_or("");
            continue;
        };
        let value;
        if let Some(quoted) = after_eq.strip_prefix('"') {
            let mut unquoted = String::new();
            let mut end = quoted.len();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => unquoted.extend(chars.next().map(|(_, escaped)| escaped)),
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => unquoted.push(c),
                }
            }
            let after = &quoted[end..];
            rest = after.find(';').map_or("", |i| &after[i + 1..]);
            value = unquoted;
        } else {
            let end = after_eq.find(';').unwrap_or(after_eq.len());
            value = after_eq[..end].trim().to_string();
            rest = after_eq.get(end + 1..).unwrap_or("");
        }
        if name.eq_ignore_ascii_case("charset") {
            // Only the first `charset` counts; an unknown label means "no label".
            return Encoding::for_label(value.as_bytes());
        }
    }
    None
}

/// The guess for an undeclared body: UTF-8 if it is valid UTF-8, else chardetng's guess.
fn detect(body: &[u8]) -> &'static Encoding {
    let ascii_len = Encoding::ascii_valid_up_to(body);
    match std::str::from_utf8(body) {
        Ok(_) => return UTF_8,
        // Valid UTF-8 with non-ASCII characters, cut off in the middle of the last character
        // (a capped download): still UTF-8. A lone trailing byte after pure ASCII is no evidence.
        Err(e) if e.error_len().is_none() && e.valid_up_to() > ascii_len => return UTF_8,
        Err(_) => {}
    }
    // The detector skips leading ASCII quickly and learns only from non-ASCII bytes, so the
    // limit counts from the first of them.
    let end = body.len().min(ascii_len.saturating_add(DETECT_LIMIT));
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(&body[..end], end == body.len());
    // The whole body is not UTF-8 (checked above), so UTF-8 survives only when the part fed
    // is valid UTF-8 and the damage lies beyond it: UTF-8 is then the better guess.
    detector.guess(None, Utf8Detection::Allow)
}

/// The body was cut off in the middle of a construct: the prescan gives up.
struct Truncated;

type Attribute = (Vec<u8>, Vec<u8>);

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The HTML standard's "prescan a byte stream to determine its encoding" over `head`.
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    prescan_bytes(head).ok().flatten()
}

fn prescan_bytes(b: &[u8]) -> Result<Option<&'static Encoding>, Truncated> {
    let mut pos = 0;
    while pos < b.len() {
        let rest = &b[pos..];
        let second = rest.get(1).copied();
        if rest.starts_with(b"<!--") {
            // The `--` of `-->` may be the one of `<!--`: `<!-->` is a whole comment.
            pos += 2 + find(&rest[2..], b"-->").ok_or(Truncated)? + 2;
        } else if rest.len() > 5
            && rest[..5].eq_ignore_ascii_case(b"<meta")
            && (is_space(rest[5]) || rest[5] == b'/')
        {
            pos += 6;
            if let Some(encoding) = meta_charset(b, &mut pos)? {
                return Ok(Some(encoding));
            }
        } else if rest[0] == b'<'
            && (second.is_some_and(|c| c.is_ascii_alphabetic())
                || (second == Some(b'/') && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // Any other tag: skip its name and attributes, so `<a title="<meta ...>">` is
            // not mistaken for a meta element.
            pos += rest
                .iter()
                .position(|&c| is_space(c) || c == b'>')
                .ok_or(Truncated)?;
            while get_attribute(b, &mut pos)?.is_some() {}
        } else if rest[0] == b'<' && matches!(second, Some(b'!' | b'/' | b'?')) {
            pos += rest.iter().position(|&c| c == b'>').ok_or(Truncated)?;
        }
        pos += 1;
    }
    Ok(None)
}

/// Reads the attributes of a `<meta>` element (position just after `<meta `) and returns the
/// encoding it declares, if it declares one the standard's way.
fn meta_charset(b: &[u8], pos: &mut usize) -> Result<Option<&'static Encoding>, Truncated> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma = None;
    let mut charset = None;
    while let Some((name, value)) = get_attribute(b, pos)? {
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" if charset.is_none() => {
                if let Some(encoding) = charset_from_content(&value) {
                    charset = Some(encoding);
                    need_pragma = Some(true);
                }
            }
            b"charset" if charset.is_none() => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    let declared = match need_pragma {
        None => None,
        Some(true) if !got_pragma => None,
        Some(_) => charset,
    };
    Ok(declared.map(|encoding| {
        if encoding == UTF_16LE || encoding == UTF_16BE {
            // A page that could be read this far is not UTF-16, whatever it says.
            UTF_8
        } else if encoding == X_USER_DEFINED {
            WINDOWS_1252
        } else {
            encoding
        }
    }))
}

/// The HTML standard's "get an attribute": `None` at the end of the tag. Names and values come
/// back in ASCII lower case.
fn get_attribute(b: &[u8], pos: &mut usize) -> Result<Option<Attribute>, Truncated> {
    let at = |p: usize| b.get(p).copied().ok_or(Truncated);
    while is_space(at(*pos)?) || at(*pos)? == b'/' {
        *pos += 1;
    }
    if at(*pos)? == b'>' {
        return Ok(None);
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    loop {
        match at(*pos)? {
            b'=' if !name.is_empty() => {
                *pos += 1;
                break;
            }
            c if is_space(c) => {
                while is_space(at(*pos)?) {
                    *pos += 1;
                }
                if at(*pos)? != b'=' {
                    return Ok(Some((name, value)));
                }
                *pos += 1;
                break;
            }
            b'/' | b'>' => return Ok(Some((name, value))),
            c => name.push(c.to_ascii_lowercase()),
        }
        *pos += 1;
    }
    while is_space(at(*pos)?) {
        *pos += 1;
    }
    match at(*pos)? {
        quote @ (b'"' | b'\'') => loop {
            *pos += 1;
            let c = at(*pos)?;
            if c == quote {
                *pos += 1;
                return Ok(Some((name, value)));
            }
            value.push(c.to_ascii_lowercase());
        },
        b'>' => Ok(Some((name, value))),
        _ => loop {
            let c = at(*pos)?;
            if is_space(c) || c == b'>' {
                return Ok(Some((name, value)));
            }
            value.push(c.to_ascii_lowercase());
            *pos += 1;
        },
    }
}

/// The HTML standard's "extract a character encoding from a meta element" for a (lower-case)
/// `content` value such as `text/html; charset=iso-8859-2`.
fn charset_from_content(content: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    loop {
        pos += find(&content[pos..], b"charset")? + b"charset".len();
        while content.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        if content.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while content.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        let rest = &content[pos..];
        let label = match *rest.first()? {
            quote @ (b'"' | b'\'') => {
                let len = rest[1..].iter().position(|&c| c == quote)?;
                &rest[1..=len]
            }
            _ => {
                let len = rest
                    .iter()
                    .position(|&c| is_space(c) || c == b';')
                    .unwrap_or(rest.len());
                &rest[..len]
            }
        };
        return Encoding::for_label(label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{ISO_8859_2, SHIFT_JIS};

    /// `text` in `encoding`, which must be able to represent all of it.
    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, used, unmappable) = encoding.encode(text);
        assert_eq!(used, encoding, "{} cannot encode itself", encoding.name());
        assert!(!unmappable, "{text:?} is not all in {}", encoding.name());
        bytes.into_owned()
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        bytes
    }

    fn ok(body: &[u8], content_type: Option<&str>, html: bool) -> Decoded {
        decode(body, content_type, html).expect("text, not binary")
    }

    fn decoded(text: &str, encoding: &'static str, source: CharsetSource) -> Decoded {
        Decoded {
            text: text.to_string(),
            encoding,
            source,
        }
    }

    const JAPANESE: &str = "照明器具の輸入";
    const JAPANESE_PAGE: &str = "<p>当社は大阪の照明器具輸入商社です。ヨーロッパやアジアの製造業者から\
        照明器具を輸入し、全国の販売店へ卸しています。新しい仕入先を募集しております。\
        お気軽にお問い合わせください。</p>";
    const GERMAN_PAGE: &str = "<p>Wir sind ein familiengeführtes Importunternehmen aus Düsseldorf \
        und beliefern seit über dreißig Jahren Fachhändler in ganz Deutschland, Österreich und \
        der Schweiz. Größere Stückzahlen übernehmen wir gerne direkt ab Werk.</p>";

    #[test]
    fn utf8_bom_wins_over_the_header() {
        let body = b"\xEF\xBB\xBFgr\xC3\xBC\xC3\x9F dich";
        assert_eq!(
            ok(body, Some("text/html; charset=windows-1252"), true),
            decoded("grüß dich", "UTF-8", CharsetSource::Bom)
        );
    }

    #[test]
    fn utf16_boms_are_decoded_not_called_binary() {
        let text = "<p>Łódź, Straße, 照明</p>";
        assert_eq!(
            ok(&utf16(text, false), Some("text/html"), true),
            decoded(text, "UTF-16LE", CharsetSource::Bom)
        );
        assert_eq!(
            ok(&utf16(text, true), None, false),
            decoded(text, "UTF-16BE", CharsetSource::Bom)
        );
    }

    #[test]
    fn header_charset_windows_1252() {
        let want = decoded("Straße café", "windows-1252", CharsetSource::Header);
        for content_type in [
            "text/plain; charset=windows-1252",
            "text/plain;CHARSET=\"Windows-1252\"",
            "text/html; format=flowed; charset = latin1",
            "text/html; charset=iso-8859-1; q=\"a;b\"",
            "text/html; a=\"x;charset=utf-8\"; charset=cp1252",
        ] {
            assert_eq!(
                ok(b"Stra\xdfe caf\xe9", Some(content_type), true),
                want,
                "{content_type}"
            );
        }
    }

    #[test]
    fn header_charset_iso_8859_2() {
        assert_eq!(encode(ISO_8859_2, "Łódź"), [0xA3, 0xF3, 0x64, 0xBC]);
        let text = "Łódź: Příliš žluťoučký kůň úpěl ďábelské ódy.";
        assert_eq!(
            ok(
                &encode(ISO_8859_2, text),
                Some("text/html; charset=ISO-8859-2"),
                true
            ),
            decoded(text, "ISO-8859-2", CharsetSource::Header)
        );
    }

    #[test]
    fn unknown_header_labels_are_ignored() {
        let body = b"<meta charset=iso-8859-2><p>\xA3\xF3d\xBC</p>";
        let got = ok(body, Some("text/html; charset=no-such-thing"), true);
        assert_eq!(
            (got.encoding, got.source),
            ("ISO-8859-2", CharsetSource::Meta)
        );
        assert_eq!(got.text, "<meta charset=iso-8859-2><p>Łódź</p>");
    }

    #[test]
    fn meta_charset_shift_jis() {
        let html = format!(
            "<!DOCTYPE html><html><head><meta charset=\"Shift_JIS\"><title>{JAPANESE}</title>"
        );
        assert_eq!(
            ok(&encode(SHIFT_JIS, &html), Some("text/html"), true),
            decoded(&html, "Shift_JIS", CharsetSource::Meta)
        );
    }

    #[test]
    fn meta_http_equiv_with_odd_spacing_case_and_quotes() {
        for tag in [
            "<meta http-equiv=\"content-type\" content=\"text/html;charset=iso-8859-2\">",
            "<META  HTTP-EQUIV = 'Content-Type'\n CONTENT=\"Text/HTML ;  Charset = ISO-8859-2\" >",
            "<Meta content='text/html; charset=\"iso-8859-2\"' Http-Equiv=Content-Type />",
            "<meta\tcontent=text/html;charset=iso-8859-2 http-equiv=content-type>",
            "<meta/charset=iso-8859-2>",
        ] {
            let html = format!("<html><head>{tag}<title>Łódź</title>");
            assert_eq!(
                ok(&encode(ISO_8859_2, &html), None, true),
                decoded(&html, "ISO-8859-2", CharsetSource::Meta),
                "{tag}"
            );
        }
    }

    #[test]
    fn prescan_follows_the_standard() {
        let meta = |body: &str| prescan(body.as_bytes()).map(Encoding::name);
        // Comments, including `<!-->`, and attribute values of other tags are skipped.
        assert_eq!(
            meta("<!-- <meta charset=koi8-r> --><meta charset=windows-1250>"),
            Some("windows-1250")
        );
        assert_eq!(
            meta("<!--><meta charset=windows-1250><!-- -->"),
            Some("windows-1250")
        );
        assert_eq!(
            meta("<a title='<meta charset=koi8-r>'><meta charset=gbk>"),
            Some("GBK")
        );
        // `content` counts only together with http-equiv=content-type.
        assert_eq!(meta("<meta content=\"text/html; charset=koi8-r\">"), None);
        assert_eq!(
            meta("<meta content=\"charset=koi8-r\" name=x><meta charset=big5>"),
            Some("Big5")
        );
        // The first declaration wins, a repeated attribute is ignored, unknown labels don't count.
        assert_eq!(
            meta("<meta charset=iso-8859-2 charset=koi8-r><meta charset=gbk>"),
            Some("ISO-8859-2")
        );
        assert_eq!(
            meta("<meta charset=bogus><meta charset=koi8-r>"),
            Some("KOI8-R")
        );
        // UTF-16 in a meta means UTF-8, x-user-defined means windows-1252.
        assert_eq!(meta("<meta charset=utf-16>"), Some("UTF-8"));
        assert_eq!(meta("<meta charset=x-user-defined>"), Some("windows-1252"));
        // A tag cut off at the end of the prescan window declares nothing.
        assert_eq!(meta("<meta charset=\"koi8-r"), None);
        assert_eq!(meta("<metadata charset=koi8-r>"), None);
    }

    #[test]
    fn meta_only_counts_in_html_and_in_the_first_1024_bytes() {
        let body = format!("<meta charset=koi8-r><p>{}</p>", "plain ".repeat(10));
        assert_eq!(
            ok(body.as_bytes(), None, false).source,
            CharsetSource::Detected
        );
        let late = format!("<p>{}</p><meta charset=koi8-r>", "x".repeat(PRESCAN_LIMIT));
        let got = ok(late.as_bytes(), None, true);
        assert_eq!(
            (got.encoding, got.source),
            ("UTF-8", CharsetSource::Detected)
        );
    }

    #[test]
    fn detects_undeclared_windows_1252_german() {
        let body = encode(WINDOWS_1252, GERMAN_PAGE);
        assert_eq!(
            ok(&body, Some("text/html"), true),
            decoded(GERMAN_PAGE, "windows-1252", CharsetSource::Detected)
        );
    }

    #[test]
    fn detects_undeclared_shift_jis_japanese() {
        let body = encode(SHIFT_JIS, JAPANESE_PAGE);
        assert_eq!(
            ok(&body, Some("text/html"), true),
            decoded(JAPANESE_PAGE, "Shift_JIS", CharsetSource::Detected)
        );
    }

    #[test]
    fn undeclared_utf8_and_ascii_are_utf8() {
        for text in ["", "plain ASCII", JAPANESE_PAGE, GERMAN_PAGE] {
            assert_eq!(
                ok(text.as_bytes(), None, true),
                decoded(text, "UTF-8", CharsetSource::Detected)
            );
        }
        // A capped download may end in the middle of a character.
        let cut = &GERMAN_PAGE.as_bytes()[..GERMAN_PAGE.find('ß').unwrap_or(0) + 1];
        let got = ok(cut, None, true);
        assert_eq!(got.encoding, "UTF-8");
        assert!(got.text.ends_with("drei\u{FFFD}"), "{}", got.text);
        // But one high byte at the end of ASCII is no evidence of UTF-8.
        assert_eq!(ok(b"caf\xe9", None, false).encoding, "windows-1252");
    }

    #[test]
    fn a_wrong_header_is_trusted_and_decodes_lossily() {
        let body = encode(WINDOWS_1252, GERMAN_PAGE);
        let got = ok(&body, Some("text/html; charset=utf-8"), true);
        assert_eq!((got.encoding, got.source), ("UTF-8", CharsetSource::Header));
        assert!(got.text.contains("Import"));
        assert!(got.text.contains("f\u{FFFD}hrtes"), "{}", got.text);
    }

    #[test]
    fn binary_bodies_are_refused() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.resize(512, 0);
        assert_eq!(
            decode(&png, Some("text/html; charset=utf-8"), true),
            Err(DecodeError::Binary {
                reason: "NUL byte at offset 8".to_string()
            })
        );
        let controls: Vec<u8> = (0..200u8)
            .map(|i| if i % 5 == 0 { 0x01 } else { b'a' })
            .collect();
        let err = decode(&controls, None, false).expect_err("20% controls");
        assert!(err.to_string().contains("40 control characters"), "{err}");
        // A UTF-8 BOM does not make binary data text; ten percent of controls is still text.
        assert!(decode(b"\xEF\xBB\xBF\0", None, false).is_err());
        let some: Vec<u8> = (0..100u8)
            .map(|i| if i % 10 == 0 { 0x07 } else { b'a' })
            .collect();
        assert!(decode(&some, None, false).is_ok());
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = fastrand::Rng::with_seed(0x5EED);
        let content_types = [
            None,
            Some("text/html"),
            Some("text/html; charset=shift_jis"),
            Some("text/plain; charset=\""),
            Some(";;=;charset"),
        ];
        for round in 0..400 {
            let mut body = vec![0u8; rng.usize(0..3000)];
            rng.fill(&mut body);
            if round % 2 == 0 {
                // Without NULs and controls most bodies get past the binary check.
                body.iter_mut()
                    .filter(|b| **b < 0x20)
                    .for_each(|b| *b = b' ');
            }
            if round % 3 == 0 {
                body.splice(0..0, b"<meta charset=\"".iter().copied());
            }
            let content_type = content_types[round % content_types.len()];
            if let Ok(got) = decode(&body, content_type, round % 4 != 1) {
                assert!(!got.encoding.is_empty());
            }
        }
    }

    #[test]
    fn fixtures_decode_as_labelled() {
        let fixture = |name: &str| {
            let path = format!("{}/fixtures/charsets/{name}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        };
        let de = ok(&fixture("de-windows-1252.html"), Some("text/html"), true);
        assert_eq!(
            (de.encoding, de.source),
            ("windows-1252", CharsetSource::Detected)
        );
        assert!(de.text.contains("Müller & Söhne") && de.text.contains("500 €"));
        let pl = ok(&fixture("pl-iso-8859-2.html"), Some("text/html"), true);
        assert_eq!(
            (pl.encoding, pl.source),
            ("ISO-8859-2", CharsetSource::Meta)
        );
        assert!(pl.text.contains("Zażółć gęślą jaźń"));
        let ja = ok(&fixture("ja-shift_jis.html"), Some("text/html"), true);
        assert_eq!((ja.encoding, ja.source), ("Shift_JIS", CharsetSource::Meta));
        assert!(ja.text.contains(JAPANESE) && ja.text.contains("株式会社ひかり商事"));
        for doc in [&de, &pl, &ja] {
            assert!(doc.text.starts_with("<!-- fixture: "));
            assert!(!doc.text.contains('\u{FFFD}'));
        }
    }
}
