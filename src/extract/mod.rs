//! Reading fetched pages: registrable domains, links to the pages that matter.

pub mod contacts;
pub mod domain;
pub mod links;
pub mod page;

pub use domain::Domain;
