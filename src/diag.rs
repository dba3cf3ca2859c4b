//! Positioned diagnostics for user-written YAML (plans, templates) and their loading.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_saphyr::{Location, MessageFormatter, UserMessageFormatter};

/// Largest YAML file we read (a plan or a template is a few kilobytes).
pub const MAX_YAML_BYTES: u64 = 1024 * 1024;

/// One problem at one place in a file: `file:line:column: field: message (hint)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line; 0 when the problem has no position (file-level).
    pub line: u64,
    pub column: u64,
    /// The field path, e.g. `products[1].names.de`; empty for the whole document.
    pub field: String,
    pub message: String,
    /// What would be accepted, or a did-you-mean.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: &Path, field: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            field: field.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn at(mut self, location: &Location) -> Self {
        if location.line() > 0 {
            self.line = location.line();
            self.column = location.column();
        }
        self
    }

    pub fn at_line(mut self, line: u64, column: u64) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": ")?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Everything wrong with one input, in file order; displayed one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// Reads a YAML file as text: size-capped, UTF-8 checked (with the position of the first bad byte).
pub fn read_yaml_text(path: &Path) -> Result<String, Diagnostic> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Diagnostic::new(path, "", format!("cannot read the file: {e}")))?;
    if meta.is_dir() {
        return Err(Diagnostic::new(path, "", "is a folder, not a YAML file"));
    }
    if meta.len() > MAX_YAML_BYTES {
        return Err(Diagnostic::new(
            path,
            "",
            format!(
                "the file is {} bytes; a plan or template may be at most {} bytes (1 MiB)",
                meta.len(),
                MAX_YAML_BYTES
            ),
        )
        .hint("a plan lists products, countries and settings in a few kilobytes; is this the right file?"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::new(path, "", format!("cannot read the file: {e}")))?;
    text_from_bytes(path, bytes)
}

/// Decodes UTF-8 (a BOM is allowed); a bad byte is reported at its line and column.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..'\u{feff}'.len_utf8());
            }
            Ok(s)
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let bad = e.utf8_error().valid_up_to();
            let before = &bytes[..bad];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count() as u64
                + 1;
            Err(Diagnostic::new(
                path,
                "",
                format!("byte 0x{:02X} is not UTF-8 text", bytes[bad]),
            )
            .at_line(line, column)
            .hint("save the file as UTF-8 (in most editors: Save As… → Encoding: UTF-8)"))
        }
    }
}

/// Deserialises `text` into `T`, turning any failure into one positioned [`Diagnostic`]
/// with the field path and, for misspelt keys, a did-you-mean.
pub fn from_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Diagnostic> {
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(Diagnostic::new(path, "", "the file is empty").at_line(1, 1));
    }
    let options = serde_saphyr::options! {
        with_snippet: false,
    };
    let mut field = String::new();
    let result = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            field = e.path().to_string();
            e.into_inner()
        })
    });
    result.map_err(|err| {
        let message = UserMessageFormatter.format_message(&err).into_owned();
        let raw_message = message;
        let mut message = tidy_message(&raw_message);
        let location = err.location();
        if message.starts_with("expected ")
            && let Some(found) = location.as_ref().and_then(|l| scalar_at(text, l))
        {
            message.push_str(&format!(", found `{found}`"));
        }
        let mut d = Diagnostic::new(path, tidy_path(&field), message);
        if let Some(location) = location {
            d = d.at(&location);
        }
        if let Some(missing) = d.message.clone().strip_prefix("missing field ") {
            d.hint = Some(format!(
                "add {missing}; see `prospect init` for an example with every key"
            ));
        }
        if let Some(hint) = did_you_mean_field(&raw_message) {
            d = d.hint(hint);
        } else if text.contains('\t') && raw_message.to_lowercase().contains("tab") {
            d = d.hint("YAML indents with spaces only: replace the tab characters with spaces");
            if let Some(col) = usize::try_from(d.line)
                .ok()
                .and_then(|l| text.lines().nth(l.checked_sub(1)?))
                .and_then(|l| l.chars().position(|c| c == '\t'))
            {
                d.column = col as u64 + 1;
            }
        }
        d
    })
}

/// The plain scalar starting at `location` (for "found …" in type errors).
fn scalar_at(text: &str, location: &Location) -> Option<String> {
    let line = text
        .lines()
        .nth(usize::try_from(location.line()).ok()?.checked_sub(1)?)?;
    let start = usize::try_from(location.column()).ok()?.checked_sub(1)?;
    let rest: String = line.chars().skip(start).collect();
    let value: String = rest
        .chars()
        .take_while(|c| !matches!(c, ',' | '}' | ']' | '#'))
        .collect();
    let value = value.trim();
    (!value.is_empty() && value.chars().count() <= 60).then(|| value.to_string())
}

/// serde_path_to_error's path without the `.value` steps of our `Spanned` wrappers.
fn tidy_path(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    path.split('.')
        .filter(|step| *step != "value")
        .collect::<Vec<_>>()
        .join(".")
        .replace(".[", "[")
        .replace(".value[", "[")
}

fn tidy_message(message: &str) -> String {
    let m = message.trim();
    let m = m.strip_suffix('.').unwrap_or(m);
    let kind = |t: &str| -> Option<&'static str> {
        Some(match t {
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" => {
                "a whole number"
            }
            "f32" | "f64" => "a number, like 0.5",
            "bool" => "true or false",
            _ => return None,
        })
    };
    if let Some(t) = m.strip_prefix("invalid ")
        && let Some(k) = kind(t.trim())
    {
        return format!("expected {k}");
    }
    m.to_string()
}

/// From serde's "unknown field `x`, expected one of a, b" (or "unknown variant"), suggest the
/// closest accepted key.
fn did_you_mean_field(message: &str) -> Option<String> {
    let rest = message
        .split("unknown field `")
        .nth(1)
        .or_else(|| message.split("unknown variant `").nth(1))?;
    let (unknown, rest) = rest.split_once('`')?;
    let list = rest
        .split_once("expected one of ")
        .or_else(|| rest.split_once("expected "))?
        .1;
    let expected: Vec<&str> = list
        .split([',', ' '])
        .map(|w| w.trim_matches(|c: char| c == '`' || c == '.'))
        .filter(|w| !w.is_empty() && *w != "or")
        .collect();
    if expected.is_empty() {
        return None;
    }
    Some(match closest(unknown, expected.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("accepted keys here: {}", expected.join(", ")),
    })
}

/// The candidate nearest to `word` (case-insensitive), if it is near enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&w, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
