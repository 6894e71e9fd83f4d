//! `cargo xtask conformance`: the suite's own runner, which prints the summary lines.

use crate::command::{Result, cargo, exec};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// memory, postgres or all.
    #[arg(long, default_value = "memory")]
    backend: String,
    /// Model cases per backend (overrides CONFORMANCE_CASES).
    #[arg(long)]
    cases: Option<u32>,
}

pub fn run_suite(backend: &str, cases: Option<u32>) -> Result {
    let mut command = cargo(["run", "--quiet", "-p", "store-conformance", "--bin", "conformance", "--"]);
    command.args(["--backend", backend]);
    if let Some(cases) = cases {
        command.args(["--cases", &cases.to_string()]);
    }
    exec(&mut command)
}

pub fn run(args: &Args) -> Result {
    run_suite(&args.backend, args.cases)
}
