//! Nothing panics on any input: random YAML documents through plan loading and expansion.

use std::path::Path;
use std::sync::LazyLock;

use proptest::prelude::*;

use prospect::plan;
use prospect::templates::expand::{self, Options};
use prospect::templates::{Catalog, Engine};

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::builtin().unwrap());

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("NO".to_string()),
        Just("DE".to_string()),
        Just("DACH".to_string()),
        Just("~".to_string()),
        Just("0.5".to_string()),
        Just("2s".to_string()),
        Just("all".to_string()),
        Just("\"8539.52\"".to_string()),
        Just("'{product} x'".to_string()),
        "[a-zA-Z0-9 _.-]{0,12}",
        "\\PC{0,8}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("campaign"),
        Just("products"),
        Just("name"),
        Just("synonyms"),
        Just("names"),
        Just("de"),
        Just("countries"),
        Just("customer_types"),
        Just("big_buyers"),
        Just("domain"),
        Just("grading"),
        Just("a"),
        Just("b"),
        Just("fetch"),
        Just("per_host_interval"),
        Just("search"),
        Just("per_day"),
        Just("methods"),
        Just("hs_codes"),
        Just("filetypes"),
        Just("industry"),
        Just("related_products"),
        Just("output"),
        Just("sheet"),
        Just("x"),
    ]
    .prop_map(str::to_string)
}

/// A YAML node as text, indented by `indent` spaces.
fn node(depth: u32) -> BoxedStrategy<String> {
    let leaf = scalar().boxed();
    if depth == 0 {
        return leaf;
    }
    prop_oneof![
        3 => leaf,
        1 => prop::collection::vec(scalar(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        2 => prop::collection::vec((key(), node(depth - 1)), 0..5).prop_map(|kv| {
            let inner: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{{{}}}", inner.join(", "))
        }),
        1 => prop::collection::vec(node(depth - 1), 0..3).prop_map(|items| {
            let inner: Vec<String> = items.into_iter().map(|i| format!("- {i}")).collect();
            format!("\n{}", inner.join("\n"))
        }),
    ]
    .boxed()
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec((key(), node(3)), 0..8).prop_map(|kv| {
        kv.into_iter()
            .map(|(k, v)| {
                let v = v.replace('\n', "\n  ");
                format!("{k}: {v}\n")
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_plans_never_panic(doc in document(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let catalog = &*CATALOG;
        let path = Path::new("random.yaml");
        for text in [doc.clone(), String::from_utf8_lossy(&bytes).into_owned()] {
            if let Ok(p) = plan::load_str(path, &text, &catalog.lang) {
                let opts = Options { engine: Engine::Bing, methods: vec![], countries: vec![], max: Some(50), year: 2026 };
                let _ = expand::expand(&p, catalog, &opts);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn valid_plans_with_random_words_expand_to_fitting_queries(
        names in prop::collection::vec("[\\p{L} ]{1,30}", 1..4),
        words in prop::collection::vec("[\\p{L}\\p{N} \"-]{1,20}", 0..4),
    ) {
        let catalog = &*CATALOG;
        let products: String = names.iter().map(|n| format!("  - name: '{}'\n", n.replace('\'', ""))).collect();
        let text = format!(
            "campaign: t\nproducts:\n{products}countries: [DE, CN]\ncustomer_types: [importer, agent]\nindustry: [{}]\n",
            words.iter().map(|w| format!("'{}'", w.replace('\'', ""))).collect::<Vec<_>>().join(", ")
        );
        if let Ok(p) = plan::load_str(Path::new("p.yaml"), &text, &catalog.lang) {
            for engine in Engine::BROWSER {
                let opts = Options { engine, methods: vec![], countries: vec![], max: None, year: 2026 };
                for q in expand::expand(&p, catalog, &opts).queries {
                    prop_assert!(engine.fits(&q.text), "{engine}: {}", q.text);
                    prop_assert!(!q.text.trim().is_empty());
                }
            }
        }
    }
}
