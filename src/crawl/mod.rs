//! The crawl stage: the sites the search stage (or a URL list) found → their pages in the
//! store. `stage.rs` visits; `list.rs` reads URL lists.

pub mod list;
pub mod stage;

pub use stage::{CrawlOptions, CrawlReport, Progress, SiteOutcome, run, visits};
