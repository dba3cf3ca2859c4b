//! prospect: find importers and distributors abroad — plan, queries, harvest, grade, lead sheet.
//!
//! The library holds all the logic; `main.rs` and `app/` are a thin command-line layer on top.

pub mod clock;
pub mod control;
pub mod crawl;
pub mod diag;
pub mod extract;
pub mod fsx;
pub mod inquiry;
pub mod net;
pub mod normalize;
pub mod plan;
pub mod reference;
pub mod score;
pub mod search;
pub mod sheet;
pub mod store;
pub mod templates;

pub use diag::{Diagnostic, Diagnostics};
