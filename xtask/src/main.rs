//! `cargo xtask`: the project's automation, one module per command (the cargo-xtask convention).

mod api_check;
mod backend;
mod bench;
mod chaos;
mod ci;
mod codegen;
mod command;
mod conformance;
mod database;
mod db;
mod dependencies;
mod interleaved;
mod layering;
mod migrate;
mod timings;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "maeve-store project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Everything CI checks: formatting, clippy with -D warnings, every test, the conformance summary.
    Ci,
    /// Check the dependency direction between crates and that backend crates only store.
    Structure,
    /// Run the conformance suite and print one summary line per backend.
    Conformance(conformance::Args),
    /// Regenerate store-postgres/.sqlx (the offline query data); --check fails when it is stale.
    Codegen(codegen::Args),
    /// Apply, revert or list the PostgreSQL migrations.
    Migrate(migrate::Args),
    /// Start or remove a throwaway PostgreSQL cluster for tests.
    Db(db::Args),
    /// Run schemathesis against the running maeve-manager with MaEVe's API spec.
    ApiCheck(api_check::Args),
    /// The fault suite: the release manager on a throwaway PostgreSQL under load, through outages.
    Chaos,
    /// Benchmarks with pgbench baselines; writes target/bench/{report.md,summary.json,scaling.svg}.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Ci => ci::run(),
        Command::Structure => dependencies::check().and_then(|()| layering::check()),
        Command::Conformance(args) => conformance::run(&args),
        Command::Codegen(args) => codegen::run(args),
        Command::Migrate(args) => migrate::run(args),
        Command::Db(args) => db::run(args),
        Command::ApiCheck(args) => api_check::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Chaos => chaos::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
