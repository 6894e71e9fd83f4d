//! `cargo xtask conformance`: runs each chosen backend's `<backend>_conformance` example (the suite names
//! no backend; each backend crate runs it on itself) and prints their summary lines together.

use std::process::Stdio;

use crate::backend::BackendChoice;
use crate::command::{Result, cargo};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "memory")]
    backend: BackendChoice,
    /// Model cases per backend (overrides CONFORMANCE_CASES).
    #[arg(long)]
    cases: Option<u32>,
    /// Concurrent histories per backend for the linearizability check (overrides
    /// CONFORMANCE_HISTORIES).
    #[arg(long)]
    histories: Option<u32>,
}

pub fn run_suite(choice: BackendChoice, cases: Option<u32>, histories: Option<u32>) -> Result {
    let mut lines = Vec::new();
    let mut failed = Vec::new();
    for backend in choice.backends() {
        for example in backend.conformance_examples() {
            let mut command = cargo(["run", "--quiet", "--example", &example, "--"]);
            if let Some(cases) = cases {
                command.args(["--cases", &cases.to_string()]);
            }
            if let Some(histories) = histories {
                command.args(["--histories", &histories.to_string()]);
            }
            let output = command
                .stderr(Stdio::inherit())
                .output()
                .map_err(|err| format!("running the {example} conformance example: {err}"))?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            lines.extend(stdout.lines().map(str::to_owned));
            if !output.status.success() {
                failed.push(example);
            }
        }
    }
    for line in &lines {
        println!("{line}");
    }
    if failed.is_empty() { Ok(()) } else { Err(format!("conformance failed on {}", failed.join(", "))) }
}

pub fn run(args: &Args) -> Result {
    run_suite(args.backend, args.cases, args.histories)
}
