//! `conformance`: runs the whole suite against the chosen backends and prints one summary
//! line per backend. `cargo xtask conformance` runs this.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, ValueEnum};
use store_conformance::model::{RunOptions, run_differential, run_model};
use store_conformance::mutants::judge_mutants;
use store_conformance::{Backend, MemoryBackend, cases_from_env, run_all_scenarios};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendChoice {
    Memory,
    Postgres,
    All,
}

#[derive(Debug, Parser)]
#[command(about = "Run the maeve-store conformance suite")]
struct Args {
    /// Which backend to test.
    #[arg(long, value_enum, default_value = "memory")]
    backend: BackendChoice,
    /// Model cases per backend (default: CONFORMANCE_CASES, else 1000 for memory, 64 for postgres).
    #[arg(long)]
    cases: Option<u32>,
}

struct Target {
    backend: Arc<dyn Backend>,
    model_cases: u32,
    /// Model cases spent on each mutant; scenarios usually kill it first.
    mutant_model_cases: u32,
}

async fn check(target: &Target) -> Result<String, String> {
    let name = target.backend.name();
    let started = std::time::Instant::now();
    let phase = |what: &str| eprintln!("conformance: {name}: {what} after {:.1} s", started.elapsed().as_secs_f64());
    let report = run_all_scenarios(target.backend.clone(), false).await;
    phase("scenarios done");
    for (scenario, failure) in &report.failed {
        eprintln!("conformance: {name}: scenario {scenario} FAILED: {failure}");
    }
    let model = run_model(target.backend.clone(), RunOptions::new(target.model_cases)).await;
    if let Err(failure) = &model {
        eprintln!("conformance: {name}: model test FAILED: {failure}");
    }
    phase("model test done");
    let differential_cases = (target.model_cases / 4).max(1);
    let reference: Arc<dyn Backend> = Arc::new(MemoryBackend);
    let differential = run_differential(reference, target.backend.clone(), RunOptions::new(differential_cases)).await;
    if let Err(failure) = &differential {
        eprintln!("conformance: {name}: differential test against memory FAILED: {failure}");
    }
    phase("differential test done");
    let verdicts = judge_mutants(target.backend.clone(), target.mutant_model_cases).await;
    phase("mutants judged");
    for verdict in verdicts.iter().filter(|verdict| !verdict.killed()) {
        eprintln!("conformance: {name}: mutant {:?} SURVIVED", verdict.mutation);
    }
    let killed = verdicts.iter().filter(|verdict| verdict.killed()).count();
    let line = format!(
        "conformance: {name}: {} scenarios passed, {} model cases passed, {killed}/{} mutants killed",
        report.passed.len(),
        model.as_ref().copied().unwrap_or(0),
        verdicts.len()
    );
    if report.failed.is_empty() && model.is_ok() && differential.is_ok() && killed == verdicts.len() {
        Ok(line)
    } else {
        Err(line)
    }
}

fn targets(args: &Args) -> Vec<Target> {
    let cases = |default| args.cases.unwrap_or_else(|| cases_from_env(default));
    let mut targets = Vec::new();
    if matches!(args.backend, BackendChoice::Memory | BackendChoice::All) {
        targets.push(Target { backend: Arc::new(MemoryBackend), model_cases: cases(1_000), mutant_model_cases: 1_000 });
    }
    if matches!(args.backend, BackendChoice::Postgres | BackendChoice::All) {
        targets.push(Target {
            backend: Arc::new(store_conformance::postgres::PostgresBackend),
            model_cases: cases(64),
            mutant_model_cases: 16,
        });
    }
    targets
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut lines = Vec::new();
    let mut ok = true;
    for target in targets(&args) {
        match check(&target).await {
            Ok(line) => lines.push(line),
            Err(line) => {
                ok = false;
                lines.push(line);
            }
        }
    }
    for line in lines {
        println!("{line}");
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
