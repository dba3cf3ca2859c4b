//! Integration tests: one binary, one module per area.

mod bad_plans;
mod campaign;
mod cli;
mod fetch;
mod grade;
mod grading;
mod harvest;
mod html;
mod inquiry;
mod measure;
mod queries;
mod robustness;
mod search_api;
mod serp;
mod sheet;
#[path = "../support/mod.rs"]
mod support;
mod util;
