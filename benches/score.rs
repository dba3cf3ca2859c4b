//! Page analysis and grading speed: a 60 KB catalogue page and a 300 KB page, graded against
//! the LED plan of the labelled set. Target: at least 300 pages/s on one core for 60 KB.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prospect::extract::links::PageKind;
use prospect::plan;
use prospect::score::{Grader, SitePage};
use prospect::templates::Catalog;
use url::Url;

/// A catalogue page of about `bytes`: nav, cookie banner, a product table, product cards and
/// a footer, a third of the articles ours. Every article has a name of its own (six kinds in
/// numbered series), as in a real catalogue, so every one is judged.
fn catalogue(bytes: usize) -> String {
    let names = [
        "LED-Lampe E27 A60 9 W, 806 lm, 2700 K",
        "Einbaustrahler schwenkbar, weiß, GU10",
        "LED-Röhre T8 120 cm, 18 W, 4000 K",
        "Kabel NYM-J 3x1,5 mm², 100 m Ring",
        "Feuchtraum-Wannenleuchte IP65 150 cm",
        "Abzweigdose Aufputz 100x100 mm",
    ];
    let mut s = String::from(
        "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Sortiment – Lampen Import GmbH</title>\
         <meta name=\"description\" content=\"Großhandel für LED-Leuchtmittel\"></head><body>\
         <header><nav><ul><li><a href=\"/\">Start</a></li><li><a href=\"/sortiment\">Sortiment</a></li>\
         <li><a href=\"/kontakt\">Kontakt</a></li><li><a href=\"/impressum\">Impressum</a></li></ul></nav></header>\
         <div class=\"cookie-consent\">Wir verwenden Cookies. <button>OK</button></div><main><h1>Sortiment</h1><table>",
    );
    let mut i = 0;
    while s.len() < bytes * 2 / 3 {
        let n = format!("{} – Serie {}", names[i % names.len()], i / names.len());
        s.push_str(&format!(
            "<tr><td>LI-{i:05}</td><td>{n}</td><td>{} €</td></tr>",
            3 + i % 40
        ));
        i += 1;
    }
    s.push_str("</table>");
    while s.len() < bytes - 400 {
        let n = format!("{} – Serie {}", names[i % names.len()], i / names.len());
        s.push_str(&format!(
            "<div class=\"product-card\"><img src=\"/img/{i}.jpg\" alt=\"{n}\"><h3>{n}</h3><p>Art.-Nr. {i}</p></div>"
        ));
        i += 1;
    }
    s.push_str("</main><footer><p>Lampen Import GmbH · Hafenstraße 12 · 20457 Hamburg · Tel. +49 40 1234567 · info@lampen-import.test</p></footer></body></html>");
    s
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin().expect("catalogue");
    let plan_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plans/grading-led.yaml");
    let plan = plan::load(&plan_path, &catalog.lang).expect("plan");
    let grader = Grader::new(plan, &catalog, 2026);
    let mut group = c.benchmark_group("score");
    for kb in [60, 300] {
        let pages = vec![SitePage {
            url: Url::parse("http://lampen-import.test/sortiment").expect("url"),
            kind: PageKind::Products,
            html: catalogue(kb * 1024),
        }];
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("{kb}-KB-page"), |b| {
            b.iter(|| black_box(grader.grade("lampen-import.test", black_box(&pages))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
