//! Support code shared by the integration tests: the site farm (a local HTTP server with fault injection).

pub mod farm;
