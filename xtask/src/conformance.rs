//! `cargo xtask conformance`: runs each chosen backend's `<backend>_conformance` example (the
//! suite names no backend; each backend crate runs it on itself), several at a time, and prints
//! their summary lines together, in a fixed order. These examples are the one place the
//! conformance suite runs: scenarios, model test, differential test, linearizability check and
//! mutants, once per backend.

use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, mpsc};
use std::time::Instant;

use crate::backend::BackendChoice;
use crate::command::{Result, cargo, exec};

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
    /// How many examples run at once.
    #[arg(long, default_value_t = DEFAULT_PARALLEL)]
    parallel: usize,
}

/// Most of an example's time is spent waiting on its database server or on the pauses of the
/// concurrency mutants, so two cores keep three busy; more and the servers' own work competes.
pub const DEFAULT_PARALLEL: usize = 3;

/// The examples by how long they took in CI, three at a time (seconds, one run):
/// postgres_pgbouncer 202, sqlite 154, postgres 137, mysql 136, postgres_replica 133, memory 50.
const LONGEST_FIRST: [&str; 6] = [
    "postgres_pgbouncer_conformance",
    "sqlite_conformance",
    "postgres_conformance",
    "mysql_conformance",
    "postgres_replica_conformance",
    "memory_conformance",
];

/// One example's run: its name, its output and how long it took.
struct Finished {
    example: String,
    output: Output,
    seconds: f64,
}

pub fn run_suite(choice: BackendChoice, cases: Option<u32>, histories: Option<u32>, parallel: usize) -> Result {
    let mut examples: Vec<String> =
        choice.backends().into_iter().flat_map(|backend| backend.conformance_examples()).collect();
    // The longest runs start first, so that the short ones fill the gaps they leave at the end
    // instead of making one.
    examples.sort_by_key(|example| LONGEST_FIRST.iter().position(|name| name == example));
    // Built once, up front: the runs below then start at once instead of queueing on cargo's lock.
    let mut build = cargo(["build", "--quiet"]);
    for example in &examples {
        build.args(["--example", example]);
    }
    exec(&mut build)?;
    let queue = Mutex::new(examples.iter().rev().cloned().collect::<Vec<_>>());
    let (report, finished) = mpsc::channel::<Result<Finished>>();
    let mut runs: Vec<Finished> = Vec::new();
    std::thread::scope(|scope| {
        for _ in 0..parallel.clamp(1, examples.len().max(1)) {
            let (queue, report) = (&queue, report.clone());
            scope.spawn(move || {
                // The guard must go before the run: a `while let` keeps its scrutinee's temporaries
                // (the lock) alive through the body, which ran the examples one at a time.
                loop {
                    let next = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
                    let Some(example) = next else { return };
                    eprintln!("conformance: starting {example}");
                    let started = Instant::now();
                    let output = command(&example, cases, histories)
                        .output()
                        .map_err(|err| format!("running the {example} conformance example: {err}"));
                    let run =
                        output.map(|output| Finished { example, output, seconds: started.elapsed().as_secs_f64() });
                    if report.send(run).is_err() {
                        return;
                    }
                }
            });
        }
        drop(report);
        // Each run is reported as it ends; its stderr (phases, failures) comes in one block.
        for run in finished {
            match run {
                Ok(run) => {
                    eprintln!("conformance: {} finished in {:.0} s ({})", run.example, run.seconds, run.output.status);
                    eprint!("{}", String::from_utf8_lossy(&run.output.stderr));
                    runs.push(run);
                }
                Err(err) => eprintln!("conformance: {err}"),
            }
        }
    });
    let mut failed = Vec::new();
    for example in &examples {
        let run = runs.iter().find(|run| &run.example == example);
        if let Some(run) = run {
            print!("{}", String::from_utf8_lossy(&run.output.stdout));
        }
        if !run.is_some_and(|run| run.output.status.success()) {
            failed.push(example.clone());
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(format!("conformance failed on {}", failed.join(", "))) }
}

/// The example's run, its stdout (the summary line) and stderr captured.
fn command(example: &str, cases: Option<u32>, histories: Option<u32>) -> Command {
    let mut command = cargo(["run", "--quiet", "--example", example, "--"]);
    if let Some(cases) = cases {
        command.args(["--cases", &cases.to_string()]);
    }
    if let Some(histories) = histories {
        command.args(["--histories", &histories.to_string()]);
    }
    command.stdin(Stdio::null());
    command
}

pub fn run(args: &Args) -> Result {
    run_suite(args.backend, args.cases, args.histories, args.parallel)
}
