//! The whole suite against one backend, ending in its summary line. Each backend crate's
//! `<backend>_conformance` example calls [`main`]; `cargo xtask conformance` runs those examples.

use std::process::ExitCode;
use std::sync::Arc;

use crate::linearizability::{HistoryOptions, run_histories};
use crate::model::{RunOptions, run_differential, run_model};
use crate::mutants::judge_mutants;
use crate::{Backend, cases_from_env, histories_from_env, run_all_scenarios};

/// Model cases each sequential mutant may take to be killed by the model test (it stops at the
/// first failure, so a killed mutant costs only the cases it needed). From the fixed seed the
/// last to die is `ListOrderReversed`, at case 109 (then `NegativeZeroCanonicalised` at 55,
/// `ReturnedValueAliased` at 22, the rest within 13; measured on PostgreSQL, the cases do not
/// depend on the backend): 250 leaves room for a generator change. The concurrency mutants take
/// at most 32 (see `mutants::model_cases_for`).
pub const MUTANT_MODEL_CASES: u32 = 250;

/// How much of each randomised test to run against a backend.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Model cases (`--cases`, else `CONFORMANCE_CASES`, else this).
    pub model_cases: u32,
    /// Model cases spent on each mutant; scenarios usually kill it first.
    pub mutant_model_cases: u32,
    /// Concurrent histories (`--histories`, else `CONFORMANCE_HISTORIES`, else this).
    pub histories: u32,
    /// Concurrent histories spent on each concurrency mutant.
    pub mutant_histories: u32,
}

/// What to run against a backend.
struct Target {
    backend: Arc<dyn Backend>,
    /// The backend the differential test compares against (the in-memory one).
    reference: Arc<dyn Backend>,
    budget: Budget,
}

/// Runs scenarios, the model test, the differential test and the mutants; the summary line is
/// `Ok` when everything passed.
async fn check(target: &Target) -> Result<String, String> {
    let name = target.backend.name();
    let started = std::time::Instant::now();
    let phase = |what: &str| eprintln!("conformance: {name}: {what} after {:.1} s", started.elapsed().as_secs_f64());
    let report = run_all_scenarios(target.backend.clone(), false).await;
    phase("scenarios done");
    for (scenario, failure) in &report.failed {
        eprintln!("conformance: {name}: scenario {scenario} FAILED: {failure}");
    }
    let budget = target.budget;
    let model = run_model(target.backend.clone(), RunOptions::new(budget.model_cases)).await;
    if let Err(failure) = &model {
        eprintln!("conformance: {name}: model test FAILED: {failure}");
    }
    phase("model test done");
    let differential_cases = (budget.model_cases / 4).max(1);
    let differential =
        run_differential(target.reference.clone(), target.backend.clone(), RunOptions::new(differential_cases)).await;
    if let Err(failure) = &differential {
        eprintln!("conformance: {name}: differential test against {} FAILED: {failure}", target.reference.name());
    }
    phase("differential test done");
    let histories_started = std::time::Instant::now();
    let histories = run_histories(target.backend.clone(), HistoryOptions::new(budget.histories)).await;
    if let Err(failure) = &histories {
        eprintln!("conformance: {name}: linearizability check FAILED: {failure}");
    }
    phase(&format!(
        "linearizability check done ({:.0} histories/s)",
        f64::from(budget.histories) / histories_started.elapsed().as_secs_f64()
    ));
    let verdicts = judge_mutants(target.backend.clone(), budget.mutant_model_cases, budget.mutant_histories).await;
    phase("mutants judged");
    // The strict judgement: each mutant killed by the parts of the suite that test its clause.
    for verdict in verdicts.iter().filter(|verdict| !verdict.killed_as_expected()) {
        eprintln!("conformance: {name}: mutant not killed as expected: {verdict:?}");
    }
    let killed = verdicts.iter().filter(|verdict| verdict.killed_as_expected()).count();
    let line = format!(
        "conformance: {name}: {} scenarios passed, {} model cases passed, {killed}/{} mutants killed, {} concurrent histories linearizable",
        report.passed.len(),
        model.as_ref().copied().unwrap_or(0),
        verdicts.len(),
        histories.as_ref().copied().unwrap_or(0),
    );
    let all_passed = report.failed.is_empty() && model.is_ok() && differential.is_ok() && histories.is_ok();
    if all_passed && killed == verdicts.len() { Ok(line) } else { Err(line) }
}

/// The body of a backend's `<backend>_conformance` example, `[--cases N] [--histories N]`;
/// prints the summary line on stdout.
pub async fn main(backend: Arc<dyn Backend>, reference: Arc<dyn Backend>, defaults: Budget) -> ExitCode {
    let budget = match arguments(std::env::args().skip(1), defaults) {
        Ok(budget) => budget,
        Err(message) => {
            eprintln!("conformance: {message}");
            return ExitCode::FAILURE;
        }
    };
    let target = Target { backend, reference, budget };
    match check(&target).await {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(line) => {
            println!("{line}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: conformance [--cases N] [--histories N]";

fn arguments(args: impl Iterator<Item = String>, defaults: Budget) -> Result<Budget, String> {
    let mut budget = Budget {
        model_cases: cases_from_env(defaults.model_cases),
        histories: histories_from_env(defaults.histories),
        ..defaults
    };
    let args: Vec<String> = args.collect();
    for pair in args.chunks(2) {
        let [flag, value] = pair else { return Err(USAGE.to_owned()) };
        let count = match value.parse::<u32>() {
            Ok(count) if count > 0 => count,
            _ => return Err(format!("{flag} must be a positive number, got {value:?}")),
        };
        match flag.as_str() {
            "--cases" => budget.model_cases = count,
            "--histories" => budget.histories = count,
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok(budget)
}
