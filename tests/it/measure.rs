//! Measuring the grader on a labelled set: each site graded from the pages the harvester would
//! read, against a person's labels (grade, big, customer type, country, company, e-mails,
//! phones), split into a tuning half and a test half. Prints the confusion matrix and the
//! figures of each half; the tests that use it hold the test half to the bars.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use prospect::normalize::fold;
use prospect::plan;
use prospect::score::{Grader, Lead, SitePage};
use prospect::templates::Catalog;

/// A person's labels of one site.
#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    /// The site: its host (invented sets) or its id (the real set).
    #[serde(alias = "site")]
    pub host: String,
    /// The registrable domain, when it is not the host.
    #[serde(default)]
    pub domain: Option<String>,
    pub plan: String,
    #[serde(default = "tune")]
    pub half: String,
    pub grade: String,
    #[serde(default)]
    pub big: bool,
    pub customer_type: Option<String>,
    pub country: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub items: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub note: Option<String>,
}

fn tune() -> String {
    "tune".into()
}

pub fn labels(path: &Path) -> Vec<Label> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// The graders of a set's plans (`dir/<plan>.yaml`), grading in 2026.
pub fn graders(dir: &Path, labels: &[Label]) -> BTreeMap<String, Grader> {
    let catalog = Catalog::builtin().unwrap();
    let mut out = BTreeMap::new();
    for l in labels {
        out.entry(l.plan.clone()).or_insert_with(|| {
            let path = dir.join(format!("{}.yaml", l.plan));
            let plan = plan::load(&path, &catalog.lang)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Grader::new(plan, &catalog, 2026)
        });
    }
    out
}

const GRADES: [&str; 5] = ["A", "B", "C", "D", "X"];

/// The figures of one half.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    pub sites: usize,
    pub confusion: [[usize; 5]; 5],
    pub exact: usize,
    /// A or B companies graded X.
    pub ab_as_x: usize,
    pub big_labelled: usize,
    pub big_seen: usize,
    pub emails: (usize, usize),
    pub phones: (usize, usize),
    /// Right of labelled (non-null) customer types; types given where none was labelled.
    pub types: (usize, usize),
    pub types_invented: usize,
    pub countries: (usize, usize),
    /// Clean company names of labelled (non-null) ones.
    pub companies: (usize, usize),
    pub misses: Vec<String>,
}

pub fn pct(got: usize, of: usize) -> f64 {
    if of == 0 {
        100.0
    } else {
        100.0 * got as f64 / of as f64
    }
}

impl Figures {
    fn add(&mut self, label: &Label, lead: &Lead) {
        self.sites += 1;
        let got = lead.grade.to_string();
        let (wi, gi) = (
            GRADES.iter().position(|g| *g == label.grade).unwrap(),
            GRADES.iter().position(|g| *g == got).unwrap(),
        );
        self.confusion[wi][gi] += 1;
        let name = &label.host;
        if got == label.grade {
            self.exact += 1;
        } else {
            if matches!(label.grade.as_str(), "A" | "B") && got == "X" {
                self.ab_as_x += 1;
            }
            self.misses.push(format!(
                "{name}: {} expected, {got} given: {}",
                label.grade, lead.evidence
            ));
        }
        if label.big {
            self.big_labelled += 1;
            self.big_seen += usize::from(lead.big);
        }
        let found = |want: &[String], got: &[String]| -> (usize, Vec<String>) {
            let missing: Vec<String> = want.iter().filter(|w| !got.contains(w)).cloned().collect();
            (want.len() - missing.len(), missing)
        };
        let (n, missing) = found(&label.emails, &lead.emails);
        self.emails.0 += n;
        self.emails.1 += label.emails.len();
        for e in missing {
            self.misses.push(format!(
                "{name}: e-mail {e} not found (got {:?})",
                lead.emails
            ));
        }
        let (n, missing) = found(&label.phones, &lead.phones);
        self.phones.0 += n;
        self.phones.1 += label.phones.len();
        for p in missing {
            self.misses.push(format!(
                "{name}: phone {p} not found (got {:?})",
                lead.phones
            ));
        }
        let same = |a: &Option<String>, b: &Option<String>| {
            a.as_deref().map(|s| s.replace(' ', "_")) == b.as_deref().map(|s| s.replace(' ', "_"))
        };
        match &label.customer_type {
            Some(_) => {
                self.types.1 += 1;
                if same(&label.customer_type, &lead.customer_type) {
                    self.types.0 += 1;
                } else {
                    self.misses.push(format!(
                        "{name}: type {:?} expected, {:?} given",
                        label.customer_type, lead.customer_type
                    ));
                }
            }
            None => self.types_invented += usize::from(lead.customer_type.is_some()),
        }
        if label.country.is_some() {
            self.countries.1 += 1;
            if label.country == lead.country {
                self.countries.0 += 1;
            } else {
                self.misses.push(format!(
                    "{name}: country {:?} expected, {:?} given",
                    label.country, lead.country
                ));
            }
        }
        if let Some(want) = &label.company {
            self.companies.1 += 1;
            if clean_name(want, lead.company.as_deref()) {
                self.companies.0 += 1;
            } else {
                self.misses.push(format!(
                    "{name}: company {want:?} expected, {:?} given",
                    lead.company
                ));
            }
        }
    }

    pub fn grades_pct(&self) -> f64 {
        pct(self.exact, self.sites)
    }

    /// The confusion matrix and the figures, for people.
    pub fn text(&self, title: &str) -> String {
        let mut s = format!(
            "{title}: {} sites\nexpected \\ given   A   B   C   D   X\n",
            self.sites
        );
        for (i, row) in self.confusion.iter().enumerate() {
            let _ = writeln!(
                s,
                "             {}  {:>4}{:>4}{:>4}{:>4}{:>4}",
                GRADES[i], row[0], row[1], row[2], row[3], row[4]
            );
        }
        let f = |(a, b): (usize, usize)| format!("{a}/{b} ({:.0} %)", pct(a, b));
        let _ = writeln!(
            s,
            "grades {} ({:.0} %), A/B graded X {}, big {}/{}; e-mails {}, phones {}, \
             customer types {} (+{} not labelled), countries {}, companies clean {}",
            self.exact,
            self.grades_pct(),
            self.ab_as_x,
            self.big_seen,
            self.big_labelled,
            f(self.emails),
            f(self.phones),
            f(self.types),
            self.types_invented,
            f(self.countries),
            f(self.companies)
        );
        s
    }
}

/// Whether a company name given is the labelled one: the same words after folding, a legal
/// form's dots and spacing aside.
pub fn clean_name(want: &str, got: Option<&str>) -> bool {
    let norm = |s: &str| -> String { fold(s).split_whitespace().collect::<Vec<_>>().join(" ") };
    got.is_some_and(|g| norm(g) == norm(want))
}

/// Grades every labelled site (its pages from `pages`) and gives the figures by half.
pub fn measure(
    labels: &[Label],
    graders: &BTreeMap<String, Grader>,
    pages: impl Fn(&Label) -> Vec<SitePage>,
) -> BTreeMap<String, Figures> {
    let mut halves: BTreeMap<String, Figures> = BTreeMap::new();
    for label in labels {
        let domain = label.domain.clone().unwrap_or_else(|| label.host.clone());
        let lead = graders[&label.plan].grade(&domain, &pages(label));
        halves
            .entry(label.half.clone())
            .or_default()
            .add(label, &lead);
    }
    halves
}

/// Prints both halves and their misses.
pub fn print(set: &str, halves: &BTreeMap<String, Figures>) {
    for (half, f) in halves {
        eprintln!("{}", f.text(&format!("{set}, {half} half")));
        eprintln!("{}\n", f.misses.join("\n"));
    }
}
