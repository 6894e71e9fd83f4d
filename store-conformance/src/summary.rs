//! The whole suite against one backend, ending in its summary line. Each backend crate's
//! `<backend>_conformance` example calls [`main`]; `cargo xtask conformance` runs those examples.

use std::process::ExitCode;
use std::sync::Arc;

use crate::model::{RunOptions, run_differential, run_model};
use crate::mutants::judge_mutants;
use crate::{Backend, cases_from_env, run_all_scenarios};

/// What to run against a backend.
struct Target {
    backend: Arc<dyn Backend>,
    /// The backend the differential test compares against (the in-memory one).
    reference: Arc<dyn Backend>,
    model_cases: u32,
    /// Model cases spent on each mutant; scenarios usually kill it first.
    mutant_model_cases: u32,
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
    let model = run_model(target.backend.clone(), RunOptions::new(target.model_cases)).await;
    if let Err(failure) = &model {
        eprintln!("conformance: {name}: model test FAILED: {failure}");
    }
    phase("model test done");
    let differential_cases = (target.model_cases / 4).max(1);
    let differential =
        run_differential(target.reference.clone(), target.backend.clone(), RunOptions::new(differential_cases)).await;
    if let Err(failure) = &differential {
        eprintln!("conformance: {name}: differential test against {} FAILED: {failure}", target.reference.name());
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

/// The body of a backend's `<backend>_conformance` example: `--cases N` (else `CONFORMANCE_CASES`, else
/// `default_cases`) model cases; prints the summary line on stdout.
pub async fn main(
    backend: Arc<dyn Backend>,
    reference: Arc<dyn Backend>,
    default_cases: u32,
    mutant_model_cases: u32,
) -> ExitCode {
    let model_cases = match cases_argument(std::env::args().skip(1)) {
        Ok(Some(cases)) => cases,
        Ok(None) => cases_from_env(default_cases),
        Err(message) => {
            eprintln!("conformance: {message}");
            return ExitCode::FAILURE;
        }
    };
    let target = Target { backend, reference, model_cases, mutant_model_cases };
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

fn cases_argument(mut args: impl Iterator<Item = String>) -> Result<Option<u32>, String> {
    match (args.next().as_deref(), args.next(), args.next()) {
        (None, ..) => Ok(None),
        (Some("--cases"), Some(cases), None) => match cases.parse::<u32>() {
            Ok(cases) if cases > 0 => Ok(Some(cases)),
            _ => Err(format!("--cases must be a positive number, got {cases:?}")),
        },
        _ => Err("usage: conformance [--cases N]".to_owned()),
    }
}
