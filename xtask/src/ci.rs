//! `cargo xtask ci`: what CI runs, in the order that fails fastest.

use crate::backend::BackendChoice;
use crate::command::{Result, build_manager, cargo, clippy, exec};
use crate::conformance::run_suite;
use crate::timings::Timings;
use crate::{api_check, bench, chaos, codegen, db, dependencies, layering};

/// Needs DATABASE_URL and MYSQL_URL (the PostgreSQL and MariaDB/MySQL tests fail without them,
/// saying how to get one).
pub fn run() -> Result {
    let mut timings = Timings::default();
    let result = steps(&mut timings);
    timings.report();
    result
}

fn steps(t: &mut Timings) -> Result {
    t.step("fmt", || exec(&mut cargo(["fmt", "--all", "--", "--check"])))?;
    t.step("structure", || dependencies::check().and_then(|()| layering::check()))?;
    t.step("clippy", || exec(&mut clippy()))?;
    t.step("codegen --check", || codegen::run(codegen::Args::check()))?;
    t.step("cargo test", || exec(&mut cargo(["test", "--workspace"])))?;
    t.step("db up --replica", db::check_up_with_replica)?;
    t.step("feature subsets", || {
        // What a subset must lack, from the dependency graph alone; nothing is built.
        memory_only_manager_has_no_sqlx()?;
        manager_without_sqlite_has_no_sqlite()?;
        manager_without_mysql_has_no_mysql()?;
        // The service as shipped, without the tests' dev-dependencies, which enable features
        // (tokio's io-util) the service itself must ask for. Built, not checked: a `-p manager`
        // check would resolve features anew and check the whole graph again, host crates
        // included (a minute).
        build_manager()?;
        // What a subset must still compile, checked without generating code. `cargo test`
        // above ran the manager's tests with every backend, so its unit tests are only
        // compiled here, not run twice.
        let check_manager = |features: &str, targets: &[&str]| {
            exec(cargo(["check", "-p", "manager", "--no-default-features", "--features", features]).args(targets))
        };
        check_manager("memory", &["--lib", "--bins", "--profile", "test"])?;
        check_manager("memory,postgres", &["--lib", "--profile", "test"])?;
        Ok(())
    })?;
    t.step("api-check", || api_check::run(api_check::Args::all()))?;
    t.step("chaos", chaos::run)?;
    t.step("conformance", || run_suite(BackendChoice::All, None, None, crate::conformance::DEFAULT_PARALLEL))?;
    // A smoke test of the benchmarks and the report; no assertion on speed.
    t.step("bench --quick", || bench::run(bench::Args::quick()))
}

/// The memory-only build of the manager must not pull in sqlx at all.
fn memory_only_manager_has_no_sqlx() -> Result {
    manager_build_lacks("memory", &["sqlx"])
}

/// A build without the `sqlite` feature has no SQLite code: neither the backend nor sqlx's
/// SQLite driver nor the bundled library.
fn manager_without_sqlite_has_no_sqlite() -> Result {
    manager_build_lacks("memory,postgres", &["store-sqlite", "sqlx-sqlite", "libsqlite3-sys"])
}

/// A build without the `mysql` feature has neither the backend nor sqlx's MySQL driver.
fn manager_without_mysql_has_no_mysql() -> Result {
    manager_build_lacks("memory,postgres,sqlite", &["store-mysql", "sqlx-mysql"])
}

/// Fails if the manager built with exactly `features` depends on a crate named by `absent`.
fn manager_build_lacks(features: &str, absent: &[&str]) -> Result {
    let output = cargo([
        "tree",
        "-p",
        "manager",
        "--no-default-features",
        "--features",
        features,
        "-e",
        "normal",
        "--prefix",
        "none",
    ])
    .output()
    .map_err(|err| format!("cargo tree: {err}"))?;
    if !output.status.success() {
        return Err(format!("cargo tree failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let tree = String::from_utf8_lossy(&output.stdout);
    let found = tree.lines().find(|line| absent.iter().any(|name| line.split(' ').next() == Some(*name)));
    match found {
        Some(line) => Err(format!("manager --no-default-features --features {features} depends on {line}")),
        None => {
            println!("ci: manager --features {features} depends on none of {absent:?}");
            Ok(())
        }
    }
}
