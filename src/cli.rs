//! Command-line arguments (clap derive types only; they never leave `cli` and `app`).

use std::path::PathBuf;

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use prospect::net::guard::Pin;
use prospect::templates::Engine;
use prospect::templates::output::Format;

#[derive(Debug, Parser)]
#[command(
    name = "prospect",
    version,
    about = "Find importers and distributors abroad: search queries, grading, a lead sheet.",
    long_about = "Turns a short plan (what we sell, to which countries, which buyers) into the search \
                  queries experienced export sales people use to find importers and distributors."
)]
pub struct Cli {
    /// Print no progress or notes on stderr (errors are still printed).
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// A folder of extra templates (`*.yaml`, and `lang/*.yaml` for language data) that add to
    /// or override the built-in ones by id.
    #[arg(long, value_name = "DIR", global = true)]
    pub templates: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented example plan to start from.
    Init(InitArgs),
    /// Validate a plan and show its effective settings and how many queries each method yields.
    Check(CheckArgs),
    /// Print the search queries a plan expands to.
    Queries(QueriesArgs),
    /// The campaign: search the plan's queries, visit and grade the sites, refresh the sheet
    /// (resumable; spreads the searches over days within the plan's quota).
    Run(RunArgs),
    /// Visit the sites in a URL list or in saved result pages, store and grade them (resumable).
    Harvest(HarvestArgs),
    /// Print the results in saved result pages or search API responses.
    Results(ResultsArgs),
    /// Show what the campaign has done and what is left.
    Status(StatusArgs),
    /// Grade one company (A/B/C/D/X) from its site or from saved pages, with the evidence.
    Score(ScoreArgs),
    /// Grade the whole campaign again from its stored pages (no network): after a change of
    /// the plan's products, words or thresholds.
    Grade(GradeArgs),
    /// Write or refresh the lead sheet (.xlsx or .csv) from the campaign store, keeping your
    /// columns and rows.
    Sheet(SheetArgs),
    /// Triage buyers' inquiries (.eml, .mbox, .txt, folders): what each asks, scam signs,
    /// level 1-4, buyer type, a background check of the sender's site, and by when to reply.
    Inquiry(InquiryArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the plan.
    #[arg(default_value = "plan.yaml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The campaign store (default: .prospect/<campaign>.sqlite next to the plan).
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The plan file.
    pub plan: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Send HOST:PORT to ADDR instead of looking it up (as in curl); repeatable.
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR", value_parser = parse_pin)]
    pub resolve: Vec<Pin>,
    /// Visit again the sites that failed, and fetch again the pages that failed.
    #[arg(long)]
    pub retry_failed: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["urls", "serp"])))]
pub struct HarvestArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// A list of sites: one URL or bare domain a line, `#` comments; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub urls: Option<PathBuf>,
    /// Result pages saved from a browser (Google, Bing, DuckDuckGo, Yandex, Baidu) or search
    /// API responses (JSON); folders are read whole.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub serp: Vec<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Send HOST:PORT to ADDR instead of looking it up (as in curl); repeatable.
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR", value_parser = parse_pin)]
    pub resolve: Vec<Pin>,
    /// Fetch again the stored pages older than AGE (like 7d, 12h).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub refresh: Option<Duration>,
    /// Visit again the sites that failed, and fetch again the pages that failed.
    #[arg(long)]
    pub retry_failed: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The company's site (visited politely; its pages are kept in the campaign store).
    pub url: Option<String>,
    /// The plan that says what we sell.
    #[arg(long)]
    pub plan: PathBuf,
    /// A saved page to grade instead of visiting a site; repeatable (home page first).
    #[arg(long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// text (for people) or json (one object with the lead sheet's columns).
    #[arg(long, value_parser = ["text", "json"])]
    pub format: Option<String>,
    /// Also print the decision on every catalogue item.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Send HOST:PORT to ADDR instead of looking it up (as in curl); repeatable.
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR", value_parser = parse_pin)]
    pub resolve: Vec<Pin>,
}

#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// Saved result pages or API responses (JSON); folders are read whole.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// txt (for people), jsonl or csv (one result a line/row).
    #[arg(long, value_parser = ["txt", "jsonl", "csv"])]
    pub format: Option<String>,
}

#[derive(Debug, Args)]
pub struct SheetArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// The lead sheet to write or refresh, .xlsx or .csv (default: output.sheet of the plan).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also list the sites graded X (not a lead).
    #[arg(long)]
    pub all: bool,
    /// Also write one list per grade: sheets "Leads A" … in the workbook, or leads.A.csv … next
    /// to the CSV.
    #[arg(long)]
    pub split: bool,
    /// Write the CSV without a byte-order mark (new CSV files get one so that Excel shows
    /// non-Latin text; an existing file keeps its choice unless this is given).
    #[arg(long)]
    pub no_bom: bool,
    /// Keep N previous versions: leads.bak.xlsx (the last), leads.bak2.xlsx, …; 0 keeps none.
    #[arg(long, value_name = "N", default_value_t = prospect::sheet::DEFAULT_BACKUPS)]
    pub backups: usize,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct InquiryArgs {
    /// The plan file (what we sell: the products an inquiry is read for).
    pub plan: PathBuf,
    /// Inquiries: .eml messages, .mbox files, .txt files (pasted from a web form or a
    /// platform), and folders of these.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// text (for people, most valuable first) or jsonl (one object per inquiry).
    #[arg(long, value_parser = ["text", "jsonl"], default_value = "text")]
    pub format: String,
    /// Also write or refresh an inquiry sheet (.xlsx or .csv), keyed by Message-ID, keeping
    /// your columns and rows.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Visit no site (no background check).
    #[arg(long)]
    pub offline: bool,
    /// The time to count deadlines from for messages without a date, and to mark overdue
    /// ones (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix seconds; default: now).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub now: Option<i64>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Send HOST:PORT to ADDR instead of looking it up (as in curl); repeatable. A sender's
    /// site on a pinned host is visited on that port.
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR", value_parser = parse_pin)]
    pub resolve: Vec<Pin>,
}

#[derive(Debug, Args)]
pub struct GradeArgs {
    /// The plan file.
    pub plan: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The plan file.
    pub plan: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The plan file.
    pub plan: PathBuf,
    /// Count queries for this engine.
    #[arg(long, default_value = "google", value_parser = parse_engine)]
    pub engine: Engine,
}

#[derive(Debug, Args)]
pub struct QueriesArgs {
    /// The plan file (not needed with --list-methods).
    #[arg(required_unless_present = "list_methods")]
    pub plan: Option<PathBuf>,
    /// Only this method (template id); repeatable.
    #[arg(long = "method", value_name = "ID")]
    pub methods: Vec<String>,
    /// Only this country (ISO code or region of the plan); repeatable.
    #[arg(long = "country", value_name = "CC")]
    pub countries: Vec<String>,
    /// The engine the links open and whose query limits apply.
    #[arg(long, default_value = "google", value_parser = parse_engine)]
    pub engine: Engine,
    /// txt (one query per line), csv, jsonl or html (a checklist page). Default: from the
    /// extension of -o, else txt.
    #[arg(long, value_parser = parse_format)]
    pub format: Option<Format>,
    /// Keep at most N queries, the most productive methods first.
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The year for {year} (default: this year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Print the catalogue of methods (id, seed method, description, notes) and exit.
    #[arg(long)]
    pub list_methods: bool,
}

fn parse_engine(s: &str) -> Result<Engine, String> {
    s.parse()
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_pin(s: &str) -> Result<Pin, String> {
    s.parse()
        .map_err(|e: prospect::net::guard::PinError| e.to_string())
}

fn parse_time(s: &str) -> Result<i64, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    let bad =
        || format!("`{s}` is not a time like 2026-12-01, 2026-12-01T09:30:00Z or Unix seconds");
    let serial = prospect::sheet::model::parse_date(t).ok_or_else(bad)?;
    let days = serial as i64 - 25_569;
    let mut secs = 0;
    if let Some(clock) = t.get(11..) {
        let clock = clock.trim_end_matches('Z');
        let parts: Vec<i64> = clock
            .split(':')
            .map(|p| p.parse().map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        secs = parts.first().copied().unwrap_or(0) * 3600
            + parts.get(1).copied().unwrap_or(0) * 60
            + parts.get(2).copied().unwrap_or(0);
    }
    Ok(days * 86_400 + secs)
}

fn parse_age(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    match t.strip_suffix('d') {
        Some(days) => days
            .parse::<u64>()
            .map(|d| Duration::from_secs(d * 86_400))
            .map_err(|_| format!("`{s}` is not an age like 7d, 12h, 30m")),
        None => prospect::plan::parse_duration(t)
            .map_err(|e| format!("{e}; an age is like 7d, 12h, 30m")),
    }
}
