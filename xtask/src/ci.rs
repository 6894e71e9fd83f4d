//! `cargo xtask ci`: what CI runs, in the order that fails fastest.

use crate::codegen;
use crate::command::{Result, cargo, exec};
use crate::conformance::run_suite;

/// Needs DATABASE_URL (the PostgreSQL tests fail without it, saying how to get one).
pub fn run() -> Result {
    exec(&mut cargo(["fmt", "--all", "--", "--check"]))?;
    exec(&mut cargo(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    codegen::run(codegen::Args::check())?;
    exec(&mut cargo(["test", "--workspace"]))?;
    run_suite("all", None)
}
