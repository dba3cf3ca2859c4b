//! Progress on stderr, one kind for every stage: a bar on a terminal, a plain line every few
//! seconds otherwise, nothing with `--quiet`.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use prospect::crawl::{self, SiteOutcome};
use prospect::score::stage as score;
use prospect::search::stage::SearchProgress;
use prospect::store::{Grade, StoredQuery};

/// Time between plain progress lines when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// Counts work done of a known total, with a note (pages, new sites) beside it.
pub struct Bar {
    /// What is counted: `sites`, `queries`, `graded`.
    what: &'static str,
    bar: Option<ProgressBar>,
    plain: bool,
    total: AtomicUsize,
    done: AtomicUsize,
    /// Pages fetched, new sites found (the note's number) and errors.
    found: AtomicUsize,
    errors: AtomicUsize,
    started: Instant,
    last_line: Mutex<Instant>,
}

impl Bar {
    /// A bar for `total` items; `plain_lines` says whether to print lines when stderr is not
    /// a terminal (the search stage prints its summary instead).
    pub fn new(what: &'static str, total: usize, quiet: bool, plain_lines: bool) -> Bar {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{spinner}} {what} {{pos}}/{{len}} [{{bar:30}}] {{msg}} · {{per_sec}} · eta {{eta}}"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Bar {
            what,
            plain: !quiet && bar.is_none() && plain_lines,
            bar,
            total: AtomicUsize::new(total),
            done: AtomicUsize::new(0),
            found: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            started: Instant::now(),
            last_line: Mutex::new(Instant::now()),
        }
    }

    fn set_total(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
        }
    }

    fn note(&self) -> String {
        let found = self.found.load(Ordering::Relaxed);
        let errors = self.errors.load(Ordering::Relaxed);
        match self.what {
            "sites" => format!("{found} pages, {errors} errors"),
            "queries" => format!("{found} new sites"),
            _ => String::new(),
        }
    }

    fn touch(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message(self.note());
        }
    }

    /// One item done.
    fn step(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
            bar.set_message(self.note());
            if done == total {
                bar.finish_and_clear();
            }
            return;
        }
        if !self.plain {
            return;
        }
        let mut last = self.last_line.lock().unwrap_or_else(|p| p.into_inner());
        if last.elapsed() >= PLAIN_EVERY || done == total {
            *last = Instant::now();
            let secs = self.started.elapsed().as_secs_f64().max(0.001);
            let rate = match self.what {
                "sites" => format!(
                    "{:.1} pages/s",
                    self.found.load(Ordering::Relaxed) as f64 / secs
                ),
                _ => format!("{:.1}/s", done as f64 / secs),
            };
            eprintln!("{} {done}/{total} · {} · {rate}", self.what, self.note());
        }
    }

    /// Clears the bar (when the stage ended before its total).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl crawl::Progress for Bar {
    fn page(&self, _url: &str, fetched: bool, error: Option<&str>) {
        if fetched {
            self.found.fetch_add(1, Ordering::Relaxed);
        }
        if error.is_some() {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        self.touch();
    }

    fn site_done(&self, _domain: &str, _outcome: &SiteOutcome) {
        self.step();
    }
}

impl SearchProgress for Bar {
    fn query_done(&self, _query: &StoredQuery, new_sites: usize) {
        self.found.fetch_add(new_sites, Ordering::Relaxed);
        self.step();
    }
}

impl score::Progress for Bar {
    fn start(&self, sites: usize) {
        self.set_total(sites);
    }

    fn graded(&self, _domain: &str, _grade: Grade) {
        self.step();
    }
}
