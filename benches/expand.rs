//! Expansion speed: 5 products × 4 synonyms × 3 local names, 30 countries, 10 customer types,
//! all methods — the whole expansion with deduplication. Target: under 100 ms, linear in the
//! number of queries produced (compare the 10/20/30-country runs: time per query stays flat).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prospect::plan;
use prospect::templates::expand::{self, Options};
use prospect::templates::{Catalog, Engine};

const COUNTRIES: [&str; 30] = [
    "DE", "AT", "CH", "FR", "BE", "NL", "LU", "IT", "ES", "PT", "PL", "CZ", "SK", "HU", "RO", "BG",
    "GR", "HR", "SI", "SE", "DK", "FI", "NO", "IE", "GB", "EE", "LV", "LT", "TR", "RU",
];

fn plan_text(countries: usize) -> String {
    let mut s = String::from("campaign: bench\nproducts:\n");
    for p in 0..5 {
        s.push_str(&format!("  - name: product{p} lamp\n    synonyms: ["));
        s.push_str(
            &(0..4)
                .map(|i| format!("synonym{p}x{i} light"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        s.push_str("]\n    names:\n");
        for lang in ["de", "fr", "es", "it", "pl", "nl", "sv", "ru", "tr"] {
            let names: Vec<String> = (0..3).map(|i| format!("{lang}name{p}x{i}")).collect();
            s.push_str(&format!("      {lang}: [{}]\n", names.join(", ")));
        }
    }
    s.push_str("related_products: [LED panel, downlight]\nindustry: [lighting, lamps]\n");
    s.push_str("customer_types: [importer, distributor, wholesaler, buyer, retailer, supplier, vendor, agent, dealer, manufacturer]\n");
    s.push_str(&format!(
        "countries: [{}]\n",
        COUNTRIES[..countries].join(", ")
    ));
    s.push_str("big_buyers:\n  - {name: Signify, domain: signify.com}\n  - {name: Ledvance, domain: ledvance.com}\n");
    s.push_str("filetypes: [pdf, xls, ppt, doc]\nhs_codes: [\"8539.52\", \"9405.40\"]\n");
    s
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin().expect("built-in catalogue");
    let mut group = c.benchmark_group("expand");
    group.sample_size(20);
    for countries in [10, 20, 30] {
        let plan = plan::load_str(
            Path::new("bench.yaml"),
            &plan_text(countries),
            &catalog.lang,
        )
        .expect("bench plan is valid");
        let opts = Options {
            engine: Engine::Google,
            methods: vec![],
            countries: vec![],
            max: None,
            year: 2026,
        };
        let n = expand::expand(&plan, &catalog, &opts).queries.len();
        eprintln!("{countries} countries: {n} queries");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("{countries}-countries"), |b| {
            b.iter(|| black_box(expand::expand(black_box(&plan), &catalog, &opts)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
