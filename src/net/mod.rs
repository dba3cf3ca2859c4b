//! The only code that talks to the network: politeness, robots.txt, retries, decoding, and the
//! search APIs' HTTP client.

pub mod api;
pub mod decode;
pub mod fetch;
pub mod guard;
pub mod polite;
pub mod retry;
pub mod robots;

pub use fetch::{FetchConfig, FetchError, Fetched, Fetcher, HostStats};
