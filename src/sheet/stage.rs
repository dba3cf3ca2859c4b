//! The sheet stage: the store's leads → the lead sheet (`.xlsx` or `.csv`), written or
//! refreshed without touching the user's columns and rows.

use std::path::Path;

use super::{
    Flavor, SheetError, SheetLead, SheetOptions, SheetReport, csv, flavor_of, model, xlsx,
};
use crate::store::Store;

/// Writes or refreshes the lead sheet `target` (`.xlsx` or `.csv`) from the store's leads.
/// The library form of `prospect sheet`; `prospect run` calls it for the plan's
/// `output.sheet`. It blocks (file and SQLite work, seconds for a big workbook): from async
/// code call it on a blocking thread.
pub fn refresh(
    store: &Store,
    target: &Path,
    opts: &SheetOptions,
) -> Result<SheetReport, SheetError> {
    flavor_of(target)?;
    let stored = store.sheet_leads()?;
    refresh_with(&model::sheet_leads(&stored), target, opts)
}

/// [`refresh`] from leads already read (for tests and benchmarks).
pub fn refresh_with(
    leads: &[SheetLead],
    target: &Path,
    opts: &SheetOptions,
) -> Result<SheetReport, SheetError> {
    match flavor_of(target)? {
        Flavor::Csv => csv::refresh(leads, target, opts),
        Flavor::Xlsx => xlsx::refresh(leads, target, opts),
    }
}
