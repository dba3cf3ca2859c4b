//! The lead sheet (`leads.xlsx` / `leads.csv`): written from the campaign store, or refreshed
//! without ever losing a user's cell (SPEC §8–9).
//!
//! [`refresh`] (`stage.rs`, the sheet stage) is the one entry point: it reads the sheet (if
//! there is one), merges the store's leads into it ([`model::merge`]: pure), and replaces the
//! file safely
//! ([`safe`]: lock files, read-only files, a temporary file renamed over the target, rotated
//! backups). [`csv`] and [`xlsx`] read and write the two formats.

pub mod csv;
pub mod merge;
pub mod model;
pub mod safe;
pub mod stage;
pub mod style;
pub mod xlsx;
mod xlsx_write;

use std::path::{Path, PathBuf};

pub use model::{
    Cell, Flavor, LEADS, LeadKey, MergeStats, Rows, SHEET_COLUMNS, Schema, SheetLead, Table,
};
pub use stage::{refresh, refresh_with};

use crate::store::StoreError;

/// Grades that make the lead sheet; X (not a lead) only with [`SheetOptions::all`].
pub const LEAD_GRADES: [&str; 4] = ["A", "B", "C", "D"];
/// The data sheet's name in a workbook prospect creates.
pub const SHEET_NAME: &str = "Leads";
/// Backups kept by default (`leads.bak.xlsx`).
pub const DEFAULT_BACKUPS: usize = 1;

/// How to write the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetOptions {
    /// Also list leads graded X (not a lead).
    pub all: bool,
    /// Also write one list per grade: sheets `Leads A` … (XLSX) or `leads.A.csv` … (CSV).
    pub split: bool,
    /// CSV byte-order mark: `None` keeps an existing file's choice and gives new files one.
    pub bom: Option<bool>,
    /// Previous versions kept: `leads.bak.xlsx`, `leads.bak2.xlsx`, … (0: none).
    pub backups: usize,
}

impl Default for SheetOptions {
    fn default() -> Self {
        SheetOptions {
            all: false,
            split: false,
            bom: None,
            backups: DEFAULT_BACKUPS,
        }
    }
}

/// What a refresh did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetReport {
    pub files: Vec<FileReport>,
    /// Things of the user's that could not be kept exactly (say, a defined name).
    pub warnings: Vec<String>,
}

/// One file written (or left alone because nothing changed).
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    pub path: PathBuf,
    /// The file did not exist before.
    pub created: bool,
    /// The file was replaced (false: nothing changed, the file was left as it was).
    pub written: bool,
    /// Where the previous version went.
    pub backup: Option<PathBuf>,
    /// Per data sheet (one for CSV): its name and what changed.
    pub sheets: Vec<(String, MergeStats)>,
}

/// Errors of the lead sheet, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("{path}: a lead sheet is a .xlsx or .csv file{hint}")]
    Format { path: PathBuf, hint: String },
    #[error(
        "{path} is not a {} of prospect: {why}. It was left alone; give another file with -o, \
         or add a `{}` column to the sheet to make prospect fill it",
        schema.what,
        schema.key_column
    )]
    NotOurs {
        path: PathBuf,
        why: String,
        schema: &'static model::Schema,
    },
    #[error(
        "{path} is open in {app} (lock file {lock}); close it there and run again. Nothing was \
         changed (if no program has it open, the lock file is left from a crash: delete it)"
    )]
    Locked {
        path: PathBuf,
        lock: PathBuf,
        app: &'static str,
    },
    #[error(
        "{path} is read-only; make it writable or give another file with -o. Nothing was changed"
    )]
    ReadOnly { path: PathBuf },
    #[error("{path}: cannot read the sheet: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Unsupported { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot write the workbook: {message}")]
    Write { path: PathBuf, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SheetError {
    /// Whether the fault is in the input (exit code 2) rather than in the work (1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            SheetError::Format { .. }
                | SheetError::NotOurs { .. }
                | SheetError::Read { .. }
                | SheetError::Unsupported { .. }
        )
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> SheetError {
        SheetError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The format of a sheet from its file name.
pub fn flavor_of(path: &Path) -> Result<Flavor, SheetError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Ok(Flavor::Csv),
        "xlsx" => Ok(Flavor::Xlsx),
        other => Err(SheetError::Format {
            path: path.to_path_buf(),
            hint: match other {
                "xls" | "ods" | "xlsm" | "xlsb" | "numbers" => format!(
                    " (a .{other} file cannot be refreshed without losing parts of it: save a \
                     copy as .xlsx and give that)"
                ),
                "" => " (the name has no extension)".to_string(),
                _ => format!(" (not .{other})"),
            },
        }),
    }
}

/// The grades that get a list of their own with `--split`.
pub fn split_grades(opts: &SheetOptions) -> Vec<&'static str> {
    let mut grades = LEAD_GRADES.to_vec();
    if opts.all {
        grades.push("X");
    }
    grades
}

#[cfg(test)]
mod file_tests;

/// Whether a lead belongs on the main sheet.
pub fn on_main_sheet(lead: &SheetLead, opts: &SheetOptions) -> bool {
    lead.grade.is_lead() || opts.all
}
