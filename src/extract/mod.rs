//! Reading fetched pages: registrable domains, links to the pages that matter.

pub mod domain;
pub mod page;
pub mod links;

pub use domain::Domain;
