//! Helpers: run the `prospect` binary, find fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// Runs `prospect` with `args` in the crate root (so fixture paths in messages are relative).
pub fn prospect(args: &[&str]) -> Output {
    prospect_in(&root(), args)
}

pub fn prospect_in(dir: &Path, args: &[&str]) -> Output {
    prospect_env(dir, args, &[])
}

/// Runs `prospect` in `dir` with extra environment variables (API keys, `PROSPECT_NOW`).
pub fn prospect_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prospect"));
    cmd.args(args).current_dir(dir).env_remove("RUST_LOG");
    for var in [
        "PROSPECT_NOW",
        "PROSPECT_BRAVE_KEY",
        "PROSPECT_SERPER_KEY",
        "PROSPECT_SERPAPI_KEY",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("run prospect")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The records of CSV text (header skipped).
pub fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}
