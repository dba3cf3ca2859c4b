//! The crawl and score stages against a local farm, on pages that match the plan (so that
//! grading is part of the work), with `prospect` run as a user runs it:
//!
//! 1. **Crawl**: 200 hosts × 10 pages of 22 KB, interval 1 s, concurrency 64. Politeness
//!    allows at most 200 / 1 s = 200 pages/s; the bench reports the rate until the last
//!    request as a fraction of that bound (target ≥ 0.95), the CPU seconds, the peak RSS
//!    (target ≤ 64 MB), and how long the process runs after its last request (the grading
//!    that follows the crawl) with that rate in sites/s.
//! 2. **Grade**: `prospect grade` on the same store, no network: sites/s, and per core
//!    (target ≥ 50 sites/s per core).
//! 3. **Big pages**: 24 hosts × 4 pages of 3 MB (the body cap), at concurrency 8 and 32: the
//!    peak RSS (target ≤ 256 MB whatever the concurrency).
//!
//! Run: `cargo bench --bench harvest`

#[path = "../tests/support/farm/mod.rs"]
mod farm;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The plan: LED bulbs (the farm's pages sell LED-Lampen), the farm allowed.
fn plan(dir: &Path, interval: &str, concurrency: usize, pages: usize) -> PathBuf {
    let plan = dir.join("plan.yaml");
    std::fs::write(
        &plan,
        format!(
            "# bench: a farm on loopback\ncampaign: bench\nproducts:\n  - name: LED bulb\n    \
             synonyms: [LED lamp]\n    names: {{ de: [LED-Lampe] }}\nindustry: [lighting]\n\
             countries: [DE]\nfetch:\n  per_host_interval: {interval}\n  concurrency: {concurrency}\n  \
             max_pages_per_site: {pages}\n  allow_private: true\n"
        ),
    )
    .expect("plan");
    plan
}

/// What one run of `prospect` cost.
struct Run {
    wall: Duration,
    cpu: f64,
    peak_mb: f64,
}

/// Runs `prospect ARGS` and measures it: its own CPU time and peak RSS (wait4).
fn run(args: &[&str]) -> Run {
    let started = Instant::now();
    // HARVEST_BENCH_WRAP runs prospect under another program (say a heap profiler).
    let wrap = std::env::var("HARVEST_BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace();
    let mut command = match words.next() {
        Some(program) => {
            let mut c = Command::new(program);
            c.args(words).arg(env!("CARGO_BIN_EXE_prospect"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_prospect")),
    };
    #[allow(clippy::zombie_processes)] // reaped by wait4 below
    let child = command.args(args).spawn().expect("run prospect");
    let mut status = 0;
    // SAFETY: wait4 on our own child; it only writes into the two values we pass.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::wait4(child.id() as i32, &mut status, 0, &mut u);
        u
    };
    let wall = started.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "prospect {args:?} failed"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        wall,
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        peak_mb: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// Harvests `hosts` of `farm` with the plan into `store`; returns the run and the time from
/// its start to its last request.
fn harvest(farm: &farm::Farm, hosts: &[String], plan: &Path, store: &Path) -> (Run, Duration) {
    let list = plan.with_file_name("urls.txt");
    std::fs::write(
        &list,
        hosts
            .iter()
            .map(|h| format!("{}\n", farm.url(h)))
            .collect::<String>(),
    )
    .expect("list");
    farm.clear_hits();
    let started = Instant::now();
    let mut args = vec![
        "harvest".to_string(),
        plan.display().to_string(),
        "--urls".into(),
        list.display().to_string(),
        "--store".into(),
        store.display().to_string(),
        "--quiet".into(),
    ];
    args.extend(farm.resolve_args(hosts));
    let r = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let last = farm.hits().iter().map(|h| h.at).max().expect("requests");
    (r, last.saturating_duration_since(started))
}

fn crawl_and_grade() {
    const HOSTS: usize = 200;
    const PAGES: usize = 10;
    const PAGE_BYTES: usize = 22_000;
    let farm = farm::Farm::start(None);
    let hosts = farm::numbered_hosts(HOSTS);
    farm.generate(&hosts, PAGES - 1, PAGE_BYTES);
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = plan(dir.path(), "1s", 64, PAGES);
    let store = dir.path().join("store.sqlite");
    let (r, last) = harvest(&farm, &hosts, &plan, &store);
    let pages = farm
        .hits()
        .iter()
        .filter(|h| h.path != "/robots.txt")
        .count();
    // Each host's pages can be fetched no faster than one a second; 200 hosts in parallel.
    let bound = HOSTS as f64 / 1.0;
    let rate = pages as f64 / last.as_secs_f64();
    let tail = r.wall.saturating_sub(last).as_secs_f64();
    println!(
        "crawl: {HOSTS} hosts × {PAGES} pages of {PAGE_BYTES} bytes, interval 1 s, concurrency 64"
    );
    println!("  pages fetched:       {pages}");
    println!("  last request after:  {:.2} s", last.as_secs_f64());
    println!(
        "  pages/s:             {rate:.1} (politeness bound {bound:.0}/s, fraction {:.2})",
        rate / bound
    );
    println!(
        "  after the last request: {tail:.2} s (grading {HOSTS} sites: {:.0} sites/s)",
        HOSTS as f64 / tail.max(0.001)
    );
    println!("  CPU time (prospect): {:.2} s", r.cpu);
    println!("  peak RSS (prospect): {:.1} MB", r.peak_mb);

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let g = run(&[
        "grade",
        plan.to_str().expect("path"),
        "--store",
        store.to_str().expect("path"),
    ]);
    let per_s = HOSTS as f64 / g.wall.as_secs_f64();
    println!("grade: {HOSTS} sites of {PAGES} pages from the store, {cores} cores");
    println!(
        "  {:.2} s: {per_s:.0} sites/s, {:.0} sites/s per core; CPU {:.2} s",
        g.wall.as_secs_f64(),
        per_s / cores as f64,
        g.cpu
    );
}

fn big_pages() {
    let hosts_n: usize = std::env::var("HARVEST_BENCH_BIG_HOSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    const PAGES: usize = 4;
    const PAGE_BYTES: usize = 3 * 1024 * 1024;
    let farm = farm::Farm::start(None);
    let hosts = farm::numbered_hosts(hosts_n);
    farm.generate(&hosts, PAGES - 1, PAGE_BYTES);
    for concurrency in [8, 32] {
        let dir = tempfile::tempdir().expect("temp dir");
        let plan = plan(dir.path(), "100ms", concurrency, PAGES);
        let store = dir.path().join("store.sqlite");
        let (r, _) = harvest(&farm, &hosts, &plan, &store);
        let g = run(&[
            "grade",
            plan.to_str().expect("path"),
            "--store",
            store.to_str().expect("path"),
            "--quiet",
        ]);
        println!(
            "big pages: {hosts_n} hosts × {PAGES} pages of 3 MB, concurrency {concurrency}: \
             harvest {:.1} s, peak RSS {:.1} MB; grade alone {:.1} s, peak RSS {:.1} MB",
            r.wall.as_secs_f64(),
            r.peak_mb,
            g.wall.as_secs_f64(),
            g.peak_mb
        );
    }
}

fn main() {
    // `cargo bench --bench harvest [-- crawl|big]`: both parts, or one (cargo also passes
    // flags such as --bench).
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |part: &str| only.is_empty() || only.iter().any(|o| o == part);
    if wanted("crawl") {
        crawl_and_grade();
    }
    if wanted("big") {
        big_pages();
    }
}
