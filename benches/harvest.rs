//! Harvest throughput and footprint against a local farm: 200 hosts × 10 pages of 30 KB,
//! interval 500 ms, concurrency 64. Politeness allows at most 200 / 0.5 s = 400 pages/s; the
//! bench reports the pages/s achieved as a fraction of that bound (target ≥ 0.9), the CPU
//! seconds and the peak RSS of the `prospect` process (target < 150 MB).
//!
//! Run: `cargo bench --bench harvest`

#[path = "../tests/support/farm/mod.rs"]
mod farm;

use std::process::Command;
use std::time::Instant;

const HOSTS: usize = 200;
const PAGES: usize = 10;
const PAGE_BYTES: usize = 30_000;
const INTERVAL_S: f64 = 0.5;

fn main() {
    // `cargo bench` passes flags such as --bench; this bench takes none.
    let farm = farm::Farm::start(None);
    let hosts = farm::numbered_hosts(HOSTS);
    farm.generate(&hosts, PAGES - 1, PAGE_BYTES);
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "# bench: a farm on loopback\ncampaign: bench\nproducts:\n  - name: LED bulb\ncountries: [DE]\n\
         fetch:\n  per_host_interval: 500ms\n  concurrency: 64\n  max_pages_per_site: 10\n  allow_private: true\n",
    )
    .expect("plan");
    let list = dir.path().join("urls.txt");
    std::fs::write(
        &list,
        hosts
            .iter()
            .map(|h| format!("{}\n", farm.url(h)))
            .collect::<String>(),
    )
    .expect("list");
    let store = dir.path().join("store.sqlite");

    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_prospect"))
        .arg("harvest")
        .arg(&plan)
        .arg("--urls")
        .arg(&list)
        .arg("--store")
        .arg(&store)
        .arg("--quiet")
        .args(farm.resolve_args(&hosts))
        .status()
        .expect("run prospect");
    let wall = started.elapsed().as_secs_f64();
    assert!(status.success(), "harvest failed");

    // SAFETY: getrusage only writes into the struct we pass.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u
    };
    let cpu = usage.ru_utime.tv_sec as f64
        + usage.ru_utime.tv_usec as f64 / 1e6
        + usage.ru_stime.tv_sec as f64
        + usage.ru_stime.tv_usec as f64 / 1e6;
    let peak_mb = usage.ru_maxrss as f64 / 1024.0;

    let pages = farm
        .hits()
        .iter()
        .filter(|h| h.path != "/robots.txt")
        .count();
    let bound = HOSTS as f64 / INTERVAL_S;
    let rate = pages as f64 / wall;
    println!(
        "harvest: {HOSTS} hosts × {PAGES} pages of {PAGE_BYTES} bytes, interval 500 ms, concurrency 64"
    );
    println!("  pages fetched:       {pages}");
    println!("  wall time:           {wall:.2} s");
    println!(
        "  pages/s:             {rate:.1} (politeness bound {bound:.0}/s, fraction {:.2})",
        rate / bound
    );
    println!("  CPU time (prospect): {cpu:.2} s");
    println!("  peak RSS (prospect): {peak_mb:.1} MB");
}
