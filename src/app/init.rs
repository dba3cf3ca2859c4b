//! `prospect init`: write a commented example plan.

use anyhow::Result;

use super::BadInput;
use crate::cli::InitArgs;

/// The example plan (the same file as `examples/plan.yaml`).
pub const EXAMPLE_PLAN: &str = include_str!("../../examples/plan.yaml");

pub fn run(args: &InitArgs) -> Result<()> {
    if args.path.exists() && !args.force {
        return Err(BadInput(format!(
            "{} already exists; use --force to overwrite it",
            args.path.display()
        ))
        .into());
    }
    prospect::fsx::write_atomic(&args.path, EXAMPLE_PLAN.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.path.display()))?;
    eprintln!(
        "wrote {}; edit it, then run: prospect check {}",
        args.path.display(),
        args.path.display()
    );
    Ok(())
}
