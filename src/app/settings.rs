//! The settings of a command, built once: the plan, the templates catalogue with its language
//! data, the campaign store's path, the fetcher's and the stages' configuration, and the
//! command line's overrides. Every command that reads a plan takes them; `check` prints them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use super::BadInput;
use prospect::clock::{self, Clock};
use prospect::control::Excluded;
use prospect::crawl::CrawlOptions;
use prospect::diag::{self, Diagnostic, Diagnostics};
use prospect::extract::links::Lexicon;
use prospect::net::FetchConfig;
use prospect::net::guard::Pin;
use prospect::plan::{self, Methods, Plan, format_duration};
use prospect::score::Grader;
use prospect::store::{Store, StoreHandle};
use prospect::templates::Catalog;

/// Sites visited at the same time per request in flight: a visit spends most of its time
/// waiting for its host's interval, so more sites than request slots keep the slots busy.
const SITES_PER_REQUEST: usize = 4;

/// Options every command shares (from the command line).
#[derive(Debug, Clone, Default)]
pub struct Global {
    pub quiet: bool,
    pub templates: Option<PathBuf>,
}

/// What a command's own flags change.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub store: Option<PathBuf>,
    pub resolve: Vec<Pin>,
    pub refresh: Option<Duration>,
    pub retry_failed: bool,
}

impl Overrides {
    /// Only `--store` (for the commands that do not visit sites).
    pub fn store(store: &crate::cli::StoreArgs) -> Overrides {
        Overrides {
            store: store.store.clone(),
            ..Overrides::default()
        }
    }
}

/// A command's settings: validated, defaults filled in, flags applied.
pub struct Settings {
    pub plan: Plan,
    pub catalog: Catalog,
    /// The campaign store: `--store`, else `.prospect/<campaign>.sqlite` next to the plan.
    pub store: PathBuf,
    pub fetch: FetchConfig,
    pub crawl: CrawlOptions,
    pub quiet: bool,
    /// What time it is: the system's clock, or the time `PROSPECT_NOW` fixes.
    pub clock: std::sync::Arc<dyn Clock>,
}

impl Settings {
    /// Loads the catalogue (with `--templates`) and the plan, checks the plan's methods
    /// against the catalogue, and applies the flags.
    pub fn load(plan_path: &Path, global: &Global, over: Overrides) -> Result<Settings> {
        let catalog = Catalog::load(global.templates.as_deref())?;
        let plan = plan::load(plan_path, &catalog.lang)?;
        check_methods(&plan, &catalog)?;
        let f = &plan.fetch;
        let mut fetch = FetchConfig::new(
            &f.user_agent,
            f.per_host_interval,
            f.concurrency,
            f.respect_robots,
            f.allow_private,
        );
        fetch.pins = over.resolve;
        let clock = clock::from_env();
        let crawl = CrawlOptions {
            clock: clock.clone(),
            lexicon: std::sync::Arc::new(Lexicon::new(&catalog.page_words)),
            max_pages_per_site: f.max_pages_per_site,
            refresh: over.refresh,
            retry_failed: over.retry_failed,
            parallel_sites: f.concurrency * SITES_PER_REQUEST,
        };
        let store = over.store.unwrap_or_else(|| default_store(&plan));
        Ok(Settings {
            plan,
            catalog,
            store,
            fetch,
            crawl,
            quiet: global.quiet,
            clock,
        })
    }

    /// The domains never visited: the built-in list and the plan's `exclude_domains`.
    pub fn excluded(&self) -> Excluded {
        Excluded::new(
            &[&self.catalog.non_prospect],
            self.plan.exclude_domains.iter().map(String::as_str),
        )
    }

    /// The grader for the plan.
    pub fn grader(&self) -> Grader {
        Grader::new(self.plan.clone(), &self.catalog, self.clock.year())
    }

    /// Opens (creating if needed) the campaign store behind its writer.
    pub fn open_store(&self) -> Result<StoreHandle> {
        Ok(StoreHandle::open(&self.store, self.clock.clone())?)
    }

    /// Opens the campaign store for a command that only reads it; none yet is bad input.
    pub fn existing_store(&self) -> Result<Store> {
        if !self.store.exists() {
            let plan = self.plan.source.display();
            return Err(BadInput(format!(
                "{}: no campaign store yet; `prospect run {plan}` or `prospect harvest {plan} \
                 --urls FILE` starts one",
                self.store.display()
            ))
            .into());
        }
        Ok(Store::open_with(&self.store, self.clock.clone())?)
    }

    /// The settings of the stages after the plan's (for `check`).
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "store:             {}", self.store.display());
        let _ = writeln!(
            s,
            "crawl:             {} sites at a time · {} requests at a time · interval {}",
            self.crawl.parallel_sites,
            self.fetch.concurrency,
            format_duration(self.fetch.per_host_interval)
        );
        s
    }
}

/// `.prospect/<campaign>.sqlite` next to the plan file.
fn default_store(plan: &Plan) -> PathBuf {
    plan.source
        .parent()
        .unwrap_or(Path::new(""))
        .join(".prospect")
        .join(format!("{}.sqlite", plan.campaign))
}

/// The plan's `methods:` must name templates of the catalogue (the user's included).
fn check_methods(plan: &Plan, catalog: &Catalog) -> Result<(), Diagnostics> {
    let Methods::Only(ids) = &plan.methods else {
        return Ok(());
    };
    let problems: Vec<Diagnostic> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| catalog.get(&id.value).is_none())
        .map(|(i, id)| {
            let hint = match diag::closest(&id.value, catalog.ids()) {
                Some(best) => {
                    format!("did you mean `{best}`? (`prospect queries --list-methods` lists them)")
                }
                None => "`prospect queries --list-methods` lists the methods".to_string(),
            };
            Diagnostic::new(
                &plan.source,
                format!("methods[{i}]"),
                format!("`{}` is not a method", id.value),
            )
            .at_line(id.line, id.column)
            .hint(hint)
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(problems))
    }
}
