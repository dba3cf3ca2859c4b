//! Integration tests: one binary, one module per area.

mod bad_plans;
mod cli;
mod queries;
mod util;
