//! Integration tests: one binary, one module per area.

mod bad_plans;
mod cli;
mod html;
mod queries;
mod robustness;
mod util;
