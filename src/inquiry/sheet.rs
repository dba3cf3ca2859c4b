//! The inquiry sheet (`prospect inquiry -o inquiries.xlsx|.csv`): one row per inquiry, keyed
//! by its Message-ID (or its file's hash when it has none), refreshed with the lead sheet's
//! rules and machinery ([`crate::sheet`]): the user's columns and rows are never touched, the
//! file is replaced safely with a backup.

use std::path::{Path, PathBuf};

use crate::sheet::model::{Filter, Flavor, Rows, Schema, neutralise, serial_of_unix};
use crate::sheet::{self, Cell, SheetError, SheetOptions, SheetReport, csv, xlsx};

use super::Inquiry;

/// The tool's columns of the inquiry sheet, in order.
pub const INQUIRY_COLUMNS: [&str; 20] = [
    "message_id",
    "file",
    "subject",
    "date",
    "sender_email",
    "sender_domain",
    "free_mail",
    "company",
    "country",
    "products",
    "details",
    "level",
    "buyer_type",
    "scam",
    "signs",
    "site_grade",
    "reply_by",
    "next_step",
    "first_seen",
    "last_seen",
];

/// The inquiry sheet.
pub static INQUIRIES: Schema = Schema {
    columns: &INQUIRY_COLUMNS,
    key_column: "message_id",
    first_seen: Some("first_seen"),
    sheet_name: "Inquiries",
    what: "inquiry sheet",
    row: "inquiry",
};

/// A moment as a spreadsheet serial date with its time of day.
fn serial_time(t: i64) -> f64 {
    serial_of_unix(t) + t.rem_euclid(86_400) as f64 / 86_400.0
}

/// The inquiries as the sheet's rows.
pub struct InquiryRows {
    keys: Vec<String>,
    values: Vec<Vec<Cell>>,
    ranks: Vec<usize>,
    today: f64,
}

impl InquiryRows {
    pub fn new(list: &[Inquiry], now: i64) -> InquiryRows {
        let today = serial_of_unix(now);
        let mut keys = Vec::new();
        let mut values = Vec::new();
        let mut ranks = Vec::new();
        for i in list {
            let a = &i.analysis;
            let text = |s: &str| Cell::text(s.to_string());
            let opt = |s: &Option<String>| s.as_deref().map_or(Cell::Empty, text);
            let details: Vec<String> = a
                .details
                .summary()
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.join(", ")))
                .collect();
            let signs: Vec<String> = i
                .signs
                .iter()
                .map(|s| format!("{}: {}", s.code, s.evidence))
                .collect();
            let row: Vec<Cell> = INQUIRY_COLUMNS
                .iter()
                .map(|c| match *c {
                    "message_id" => text(&a.key),
                    "file" => text(&a.source),
                    "subject" => text(&a.subject),
                    "date" => a
                        .date
                        .map_or(Cell::Empty, |d| Cell::Date(serial_time(d.unix))),
                    "sender_email" => opt(&a.sender_email),
                    "sender_domain" => opt(&a.sender_domain),
                    "free_mail" => text(if a.free_mail { "yes" } else { "" }),
                    "company" => opt(&a.contact.company),
                    "country" => a.country.as_ref().map_or(Cell::Empty, |c| text(&c.code)),
                    "products" => text(&a.products.join(", ")),
                    "details" => text(&details.join("; ")),
                    "level" => Cell::Number(f64::from(i.level)),
                    "buyer_type" => text(i.buyer_type.as_str()),
                    "scam" => text(if i.scam { "yes" } else { "" }),
                    "signs" => text(&signs.join("\n")),
                    "site_grade" => i
                        .site
                        .as_ref()
                        .and_then(|s| s.grade_text())
                        .map_or(Cell::Empty, |g| text(&g)),
                    "reply_by" => i
                        .reply_by
                        .map_or(Cell::Empty, |t| Cell::Date(serial_time(t))),
                    "next_step" => text(&i.next_step),
                    "first_seen" | "last_seen" => Cell::Date(today),
                    _ => Cell::Empty,
                })
                .collect();
            keys.push(a.key.clone());
            values.push(row);
            ranks.push(if i.scam { 5 } else { usize::from(i.level) });
        }
        InquiryRows {
            keys,
            values,
            ranks,
            today,
        }
    }
}

impl Rows for InquiryRows {
    fn schema(&self) -> &'static Schema {
        &INQUIRIES
    }

    fn len(&self) -> usize {
        self.values.len()
    }

    fn cell(&self, i: usize, col: usize, flavor: Flavor) -> Cell {
        let v = &self.values[i][col];
        match flavor {
            Flavor::Xlsx => v.clone(),
            Flavor::Csv => match v {
                Cell::Text(t) => Cell::Text(neutralise(t).into_owned()),
                Cell::Empty => Cell::Empty,
                Cell::Date(d) => Cell::text(crate::sheet::model::date_text(*d)),
                other => Cell::text(other.as_text()),
            },
        }
    }

    fn first_seen(&self, _i: usize) -> Option<f64> {
        Some(self.today)
    }

    fn find(&self, at: &dyn Fn(usize) -> String) -> Result<Option<usize>, ()> {
        let key = at(0);
        let key = key.trim().trim_start_matches('\'');
        if key.is_empty() {
            return Err(());
        }
        Ok(self.keys.iter().position(|k| k == key))
    }

    fn rank(&self, i: usize) -> usize {
        self.ranks[i]
    }
}

/// Writes or refreshes the inquiry sheet `target` (`.xlsx` or `.csv`).
pub fn refresh(list: &[Inquiry], target: &Path, now: i64) -> Result<SheetReport, SheetError> {
    let rows = InquiryRows::new(list, now);
    let opts = SheetOptions::default();
    match sheet::flavor_of(target)? {
        Flavor::Csv => {
            let parts: Vec<(PathBuf, Filter<'_>)> =
                vec![(target.to_path_buf(), Box::new(|_| true))];
            csv::refresh_rows(&rows, &parts, &opts)
        }
        Flavor::Xlsx => {
            let parts: Vec<(Option<String>, Filter<'_>)> = vec![(None, Box::new(|_| true))];
            xlsx::refresh_rows(&rows, target, &parts, &opts)
        }
    }
}
