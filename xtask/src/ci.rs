//! `cargo xtask ci`: what CI runs, in the order that fails fastest.

use crate::command::{Result, cargo, exec};
use crate::conformance::run_suite;

pub fn run() -> Result {
    exec(&mut cargo(["fmt", "--all", "--", "--check"]))?;
    exec(&mut cargo(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    exec(&mut cargo(["test", "--workspace"]))?;
    run_suite("all", None)
}
