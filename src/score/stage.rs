//! The score stage: stored pages → leads. Grades every done site whose lead is missing or
//! older than its pages (or, for `prospect grade`, every done site) on all cores, reading the
//! pages from the store and writing the leads back in batches. No network: a plan changed or a
//! grader improved re-grades a whole campaign in seconds.
//!
//! A lead is stamped with the plan it was graded with and its newest page, so a run killed at
//! any moment loses no lead: what was not stored is stale, and the next run grades it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use super::{Grader, pages_from_store};
use crate::control::Stop;
use crate::store::{Grade, Graded, LeadRecord, Selection, Store, StoreError, StoreHandle, ToGrade};

/// Leads written to the store in one transaction at most.
const BATCH: usize = 256;

/// Bytes of pages graded at the same time at most (grading holds about fifteen times a site's
/// pages in memory): sites of ordinary pages are graded on every core, a site of several
/// pages at the body cap alone.
pub const MEMORY_BUDGET: u64 = 16 * 1024 * 1024;

/// The bytes of pages being graded, shared by the workers.
struct Budget {
    used: Mutex<u64>,
    freed: Condvar,
}

impl Budget {
    /// Waits until `bytes` (at most the whole budget) fit, and takes them.
    fn take(&self, bytes: u64) -> u64 {
        let bytes = bytes.min(MEMORY_BUDGET);
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used + bytes > MEMORY_BUDGET && *used > 0 {
            used = self.freed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += bytes;
        bytes
    }

    fn give(&self, bytes: u64) {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        *used -= bytes;
        self.freed.notify_all();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreOptions {
    pub selection: Selection,
    /// Sites graded at the same time (one per core).
    pub threads: usize,
}

impl ScoreOptions {
    /// The given selection on every core.
    pub fn new(selection: Selection) -> ScoreOptions {
        ScoreOptions {
            selection,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// What the score stage did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreReport {
    /// Sites graded, by grade.
    pub grades: BTreeMap<Grade, usize>,
    /// Sites there were to grade.
    pub to_grade: usize,
    /// Leads in the store graded with another plan (or an older grader) after the stage.
    pub other_plans: u64,
    pub stopped: bool,
}

impl ScoreReport {
    pub fn graded(&self) -> usize {
        self.grades.values().sum()
    }
}

/// Told about the stage's progress.
pub trait Progress: Sync {
    fn start(&self, _sites: usize) {}
    fn graded(&self, _domain: &str, _grade: Grade) {}
}

impl Progress for crate::control::Silent {}

/// Grades the selected sites of the store at `store_path` (`writer` is its writer) and stores
/// their leads, stamped at time `now`.
pub fn run(
    grader: &Grader,
    store_path: &Path,
    writer: &StoreHandle,
    opts: ScoreOptions,
    progress: &dyn Progress,
    stop: &Stop,
    now: i64,
) -> Result<ScoreReport, StoreError> {
    let selection = opts.selection;
    let todo = writer.call_blocking(move |s| s.sites_to_grade(selection))?;
    let mut report = ScoreReport {
        to_grade: todo.len(),
        ..ScoreReport::default()
    };
    progress.start(todo.len());
    let threads = opts.threads.clamp(1, todo.len().max(1));
    let next = AtomicUsize::new(0);
    let budget = Budget {
        used: Mutex::new(0),
        freed: Condvar::new(),
    };
    let (tx, rx) = mpsc::sync_channel::<Result<(LeadRecord, Graded), StoreError>>(BATCH);
    std::thread::scope(|scope| -> Result<(), StoreError> {
        for _ in 0..threads {
            let tx = tx.clone();
            let (todo, next, budget) = (&todo, &next, &budget);
            scope.spawn(move || grade_some(grader, store_path, todo, next, budget, stop, &tx));
        }
        drop(tx);
        let mut batch = Vec::with_capacity(BATCH);
        let mut failed = None;
        for graded in rx.iter() {
            match graded {
                Ok(lead) => batch.push(lead),
                Err(e) => {
                    stop.stop();
                    failed.get_or_insert(e);
                }
            }
            if batch.len() == BATCH {
                save(writer, &mut batch, now, &mut report, progress)?;
            }
        }
        save(writer, &mut batch, now, &mut report, progress)?;
        failed.map_or(Ok(()), Err)
    })?;
    report.stopped = stop.is_stopped();
    let plan = grader.stamp().to_string();
    report.other_plans = writer.call_blocking(move |s| s.leads_of_other_plans(&plan))?;
    Ok(report)
}

/// A grading worker: takes the next site to grade until there is none (or the stage stops),
/// reading pages through its own connection.
fn grade_some(
    grader: &Grader,
    store_path: &Path,
    todo: &[ToGrade],
    next: &AtomicUsize,
    budget: &Budget,
    stop: &Stop,
    tx: &mpsc::SyncSender<Result<(LeadRecord, Graded), StoreError>>,
) {
    let store = match Store::open(store_path) {
        Ok(s) => s,
        Err(e) => {
            let _ = tx.send(Err(e));
            return;
        }
    };
    while !stop.is_stopped() {
        let Some(site) = todo.get(next.fetch_add(1, Ordering::Relaxed)) else {
            return;
        };
        let taken = budget.take(site.bytes);
        let graded = store.pages_of(&site.domain).map(|pages| {
            let lead = grader.grade(site.domain.as_str(), &pages_from_store(pages));
            let stamp = Graded {
                plan: grader.stamp().to_string(),
                pages_at: site.pages_at,
            };
            (lead.record(), stamp)
        });
        budget.give(taken);
        if tx.send(graded).is_err() {
            return;
        }
    }
}

fn save(
    writer: &StoreHandle,
    batch: &mut Vec<(LeadRecord, Graded)>,
    now: i64,
    report: &mut ScoreReport,
    progress: &dyn Progress,
) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let leads = std::mem::take(batch);
    let leads = writer.call_blocking(move |s| s.save_leads(&leads, now).map(|()| leads))?;
    for (record, _) in &leads {
        *report.grades.entry(record.grade).or_default() += 1;
        progress.graded(&record.domain, record.grade);
    }
    Ok(())
}
