//! Query templates: one YAML file per search method, the language data, and their expansion.

pub mod engine;
pub mod expand;
pub mod output;
pub mod pattern;
mod render;

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diag::{self, Diagnostic, Diagnostics};
pub use crate::reference::LangData;
use crate::reference::{GradingWords, PageWords, lang};
pub use engine::Engine;
pub use pattern::{Filter, Pattern, Segment, Var};

/// The built-in templates and language data, embedded at build time.
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/query-templates");

/// Where the built-in files say they come from in messages.
const BUILTIN_ORIGIN: &str = "query-templates (built in)";

/// One search method.
#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    /// Method numbers in seed 000's list of 30.
    pub seed: Vec<u32>,
    /// Other places in seed 000 it comes from.
    pub section: Option<String>,
    /// Productivity, 1 = most productive; `--max` keeps low ranks first.
    pub rank: u32,
    pub description: String,
    /// Engines whose operators it needs; `None` = all.
    pub engines: Option<Vec<Engine>>,
    pub note: Option<String>,
    pub patterns: Vec<Pattern>,
    /// The file it was read from.
    pub file: PathBuf,
}

impl Template {
    pub fn works_on(&self, engine: Engine) -> bool {
        self.engines.as_ref().is_none_or(|e| e.contains(&engine))
    }

    /// "1", "4, 13" or "—" for display.
    pub fn seed_label(&self) -> String {
        if self.seed.is_empty() {
            "-".into()
        } else {
            self.seed
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: String,
    seed: Vec<u32>,
    #[serde(default)]
    section: Option<String>,
    rank: u32,
    description: String,
    #[serde(default)]
    engines: Option<Vec<Engine>>,
    #[serde(default)]
    note: Option<String>,
    patterns: Vec<Spanned<String>>,
}

/// All templates (in catalogue order: by seed method number, then id), and the reference
/// data that comes with them: language data, grading and page words, the domains that are
/// never prospects.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub templates: Vec<Template>,
    pub lang: LangData,
    pub grading: GradingWords,
    pub page_words: PageWords,
    /// The list of domains that are never prospects: one a line, `#` comments.
    pub non_prospect: String,
}

/// The built-in list of domains that are never leads (search engines, social networks,
/// marketplaces, news, encyclopaedias, file hosts).
const NON_PROSPECT_DOMAINS: &str =
    include_str!("../../query-templates/data/non-prospect-domains.txt");

/// The files of a `--templates` folder's `data/` that replace the built-in ones.
const GRADING_WORDS: &str = "data/grading-words.yaml";
const PAGE_WORDS: &str = "data/page-words.yaml";
const NON_PROSPECT: &str = "data/non-prospect-domains.txt";

impl Catalog {
    /// The built-in catalogue.
    pub fn builtin() -> Result<Catalog, Diagnostics> {
        Catalog::load(None)
    }

    /// The built-in catalogue, with a user's folder adding or overriding templates by id and
    /// language data by key (`DIR/*.yaml`, `DIR/lang/*.yaml`).
    pub fn load(user_dir: Option<&Path>) -> Result<Catalog, Diagnostics> {
        let mut templates: Vec<Template> = Vec::new();
        let mut lang = LangData::default();
        let origin = Path::new(BUILTIN_ORIGIN);
        let mut problems = Vec::new();

        let mut builtin_files: Vec<_> = BUILTIN.files().collect();
        builtin_files.sort_by_key(|f| f.path());
        for f in builtin_files {
            let path = origin.join(f.path());
            if !is_yaml(&path) {
                continue;
            }
            let text = diag::text_from_bytes(&path, f.contents().to_vec())?;
            match parse_template(&path, &text) {
                Ok(t) => upsert(&mut templates, t),
                Err(d) => problems.push(d),
            }
        }
        if let Some(lang_dir) = BUILTIN.get_dir("lang") {
            for f in lang_dir.files() {
                let path = origin.join(f.path());
                if !is_yaml(&path) {
                    continue;
                }
                let text = diag::text_from_bytes(&path, f.contents().to_vec())?;
                if let Err(d) = lang.merge_file(&path, &text) {
                    problems.push(d);
                }
            }
        }

        if let Some(dir) = user_dir {
            let entries = read_yaml_dir(dir)?;
            for path in entries {
                match diag::read_yaml_text(&path).and_then(|text| parse_template(&path, &text)) {
                    Ok(t) => upsert(&mut templates, t),
                    Err(d) => problems.push(d),
                }
            }
            let lang_dir = dir.join("lang");
            if lang_dir.is_dir() {
                for path in read_yaml_dir(&lang_dir)? {
                    match diag::read_yaml_text(&path).and_then(|text| lang.merge_file(&path, &text))
                    {
                        Ok(()) => {}
                        Err(d) => problems.push(d),
                    }
                }
            }
        }
        if let Err(d) = lang.validate(user_dir.unwrap_or(origin)) {
            problems.push(d);
        }
        let (grading, page_words, non_prospect) = data_files(user_dir, &mut problems)?;
        if !problems.is_empty() {
            return Err(Diagnostics(problems));
        }
        templates.sort_by(|a, b| {
            let key = |t: &Template| t.seed.first().copied().unwrap_or(u32::MAX);
            key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
        });
        Ok(Catalog {
            templates,
            lang,
            grading,
            page_words,
            non_prospect,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|t| t.id.as_str())
    }
}

/// The grading words, page words and non-prospect list: a `--templates` folder's
/// `data/` files where it has them, else the built-in ones.
fn data_files(
    user_dir: Option<&Path>,
    problems: &mut Vec<Diagnostic>,
) -> Result<(GradingWords, PageWords, String), Diagnostic> {
    let user = |name: &str| user_dir.map(|d| d.join(name)).filter(|p| p.is_file());
    let mut grading = GradingWords::builtin();
    if let Some(path) = user(GRADING_WORDS) {
        match diag::read_yaml_text(&path).and_then(|t| GradingWords::parse(&path, &t)) {
            Ok(words) => grading = words,
            Err(d) => problems.push(d),
        }
    }
    let mut page_words = PageWords::builtin();
    if let Some(path) = user(PAGE_WORDS) {
        match diag::read_yaml_text(&path).and_then(|t| PageWords::load(&path, &t)) {
            Ok(words) => page_words = words,
            Err(d) => problems.push(d),
        }
    }
    let non_prospect = match user(NON_PROSPECT) {
        Some(path) => std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::new(
                &path,
                "",
                format!("cannot read the list of non-prospect domains: {e}"),
            )
        })?,
        None => NON_PROSPECT_DOMAINS.to_string(),
    };
    Ok((grading, page_words, non_prospect))
}

fn upsert(templates: &mut Vec<Template>, t: Template) {
    match templates.iter_mut().find(|x| x.id == t.id) {
        Some(slot) => *slot = t,
        None => templates.push(t),
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn read_yaml_dir(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Diagnostic::new(dir, "", format!("cannot read the templates folder: {e}")))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_yaml(p))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Parses and checks one template file.
pub fn parse_template(path: &Path, text: &str) -> Result<Template, Diagnostic> {
    let raw: RawTemplate = diag::from_yaml(path, text)?;
    if raw.id.is_empty()
        || !raw
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(Diagnostic::new(
            path,
            "id",
            format!("`{}` is not a valid template id", raw.id),
        )
        .at_line(1, 1)
        .hint("use lower-case letters, digits and hyphens, like `one-page-per-company`"));
    }
    if let Some(n) = raw.seed.iter().find(|n| !(1..=30).contains(*n)) {
        return Err(Diagnostic::new(
            path,
            "seed",
            format!("{n} is not a method number of seed 000"),
        )
        .hint(
            "seed methods are numbered 1 to 30; use [] and `section` for other parts of the seed",
        ));
    }
    let mut patterns = Vec::with_capacity(raw.patterns.len());
    for (i, p) in raw.patterns.iter().enumerate() {
        let parsed = Pattern::parse(&p.value).map_err(|e| {
            let loc = &p.referenced;
            // Quoted scalars start one column before the text.
            let column = loc.column() + 1 + e.offset as u64;
            let mut d = Diagnostic::new(path, format!("patterns[{i}]"), e.message)
                .at_line(loc.line(), column);
            if let Some(h) = e.hint {
                d = d.hint(h);
            }
            d
        })?;
        let mixes = parsed.is_local()
            && parsed
                .vars()
                .any(|(v, _)| matches!(v, Var::Product | Var::CustomerType | Var::Country));
        if mixes {
            return Err(Diagnostic::new(
                path,
                format!("patterns[{i}]"),
                "mixes English variables with `*_local` ones",
            )
            .at(&p.referenced)
            .hint("a local-language pattern uses {product_local}, {customer_type_local}, {country_local} throughout"));
        }
        patterns.push(parsed);
    }
    Ok(Template {
        id: raw.id,
        seed: raw.seed,
        section: raw.section,
        rank: raw.rank,
        description: raw.description.trim().to_string(),
        engines: raw.engines,
        note: raw.note.map(|n| n.trim().to_string()),
        patterns,
        file: path.to_path_buf(),
    })
}
