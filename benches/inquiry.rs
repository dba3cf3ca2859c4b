//! Inquiry triage speed: a generated mbox of 10,000 messages (the fixture set's messages
//! over and over, each with its own Message-ID) read and triaged offline on one core.
//! Target: at least 2,000 messages/s.

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prospect::inquiry::{self, Context, read};
use prospect::plan;
use prospect::templates::Catalog;

const MESSAGES: usize = 10_000;

/// Writes the mbox: the `.eml` fixtures in turn, `From ` lines of bodies quoted.
fn mbox(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/inquiries");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    let messages: Vec<Vec<u8>> = names
        .iter()
        .map(|p| std::fs::read(p).expect("eml"))
        .collect();
    let path = dir.join("inbox.mbox");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("mbox"));
    for i in 0..MESSAGES {
        let m = &messages[i % messages.len()];
        writeln!(out, "From sender@example.test Mon Nov 30 10:00:00 2026").expect("write");
        writeln!(out, "Message-ID: <bench-{i}@example.test>").expect("write");
        for line in m.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.starts_with(b"Message-ID:") {
                continue;
            }
            if line.starts_with(b"From ") {
                out.write_all(b">").expect("write");
            }
            out.write_all(line).expect("write");
            out.write_all(b"\n").expect("write");
        }
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
    path
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = mbox(dir.path());
    let catalog = Catalog::builtin().expect("catalogue");
    let plan_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/inquiries/plan.yaml");
    let plan = plan::load(&plan_path, &catalog.lang).expect("plan");
    let ctx = Context::new(&plan, Arc::new(catalog.lang));
    let mut group = c.benchmark_group("inquiry");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.bench_function("mbox-10000-offline", |b| {
        b.iter(|| {
            let mut n = 0;
            read::read_all(std::slice::from_ref(&path), &mut |m| {
                if let Ok(mail) = m {
                    let a = inquiry::analyse(&mail, &ctx);
                    black_box(inquiry::finish(a, None, None, 0));
                    n += 1;
                }
            });
            assert_eq!(n, MESSAGES);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
