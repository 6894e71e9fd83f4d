//! `cargo xtask ci`: what CI runs, in the order that fails fastest.

use crate::backend::BackendChoice;
use crate::command::{Result, cargo, exec};
use crate::conformance::run_suite;
use crate::{api_check, bench, codegen, dependencies, layering};

/// Needs DATABASE_URL (the PostgreSQL tests fail without it, saying how to get one).
pub fn run() -> Result {
    exec(&mut cargo(["fmt", "--all", "--", "--check"]))?;
    dependencies::check()?;
    layering::check()?;
    exec(&mut cargo(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    codegen::run(codegen::Args::check())?;
    exec(&mut cargo(["test", "--workspace"]))?;
    memory_only_manager_has_no_sqlx()?;
    exec(&mut cargo(["test", "-p", "manager", "--no-default-features", "--features", "memory", "--lib"]))?;
    api_check::run(api_check::Args::all())?;
    run_suite(BackendChoice::All, None, None)?;
    // A smoke test of the benchmarks and the report; no assertion on speed.
    bench::run(bench::Args::quick())
}

/// The memory-only build of the manager must not pull in the PostgreSQL stack.
fn memory_only_manager_has_no_sqlx() -> Result {
    let output = cargo([
        "tree",
        "-p",
        "manager",
        "--no-default-features",
        "--features",
        "memory",
        "-e",
        "normal",
        "--prefix",
        "none",
    ])
    .output()
    .map_err(|err| format!("cargo tree: {err}"))?;
    let tree = String::from_utf8_lossy(&output.stdout);
    match tree.lines().find(|line| line.starts_with("sqlx")) {
        Some(line) => Err(format!("manager --no-default-features --features memory depends on {line}")),
        None => Ok(()),
    }
}
