//! Runs scenarios against a backend, each on a fresh instance, catching panics as failures.

use std::sync::Arc;

use futures::future::BoxFuture;

use crate::backend::{Backend, Fixture, new_clock};
use crate::check::{Failure, Outcome};
use crate::scenarios::SCENARIOS;

pub type ScenarioFn = fn(Fixture) -> BoxFuture<'static, Outcome>;

/// Runs one scenario on a fresh instance of `backend` and cleans the instance up.
pub async fn run_scenario<B: Backend + ?Sized>(backend: &B, scenario: ScenarioFn) -> Outcome {
    let clock = new_clock();
    let instance = backend.instance(clock.clone()).await.map_err(Failure)?;
    let fixture = Fixture {
        engine: instance.engine.clone(),
        retention: instance.retention.clone(),
        export: instance.export.clone(),
        clock,
    };
    // A panicking scenario (or backend) is a failure of that scenario, not of the runner.
    let outcome = match tokio::spawn(scenario(fixture)).await {
        Ok(outcome) => outcome,
        Err(join_error) => Err(Failure(format!("scenario panicked: {join_error}"))),
    };
    drop(instance.engine);
    if let Some(teardown) = instance.teardown {
        teardown.await;
    }
    outcome
}

#[derive(Debug, Default)]
pub struct ScenarioReport {
    pub passed: Vec<&'static str>,
    pub failed: Vec<(&'static str, Failure)>,
}

/// Runs every scenario; `stop_at_first_failure` is for mutants, where one failure is enough.
pub async fn run_all_scenarios(backend: Arc<dyn Backend>, stop_at_first_failure: bool) -> ScenarioReport {
    let mut report = ScenarioReport::default();
    for (name, scenario) in SCENARIOS {
        match run_scenario(backend.as_ref(), *scenario).await {
            Ok(()) => report.passed.push(name),
            Err(failure) => {
                report.failed.push((name, failure));
                if stop_at_first_failure {
                    break;
                }
            }
        }
    }
    report
}
