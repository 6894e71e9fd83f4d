//! The linearizability check: small concurrent histories run against a backend, each of which
//! must be explained by some sequential order of its calls, consistent with real time, replayed
//! on the reference model. This is what several manager replicas sharing one database rely on:
//! every call atomic, no call failing where a sequential run would succeed.

mod history;
mod record;
mod search;

use std::cell::Cell;
use std::sync::Arc;

use proptest::test_runner::{TestCaseError, TestError};

pub use history::{Plan, plan};
pub use record::{Call, run};
pub use search::{Stuck, describe, linearize};

use crate::backend::Backend;
use crate::model::Model;
use crate::model::machine::{fresh, runner, teardown};

/// Where failing histories are kept (as proptest seeds), so that they run first next time.
const REGRESSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/proptest-regressions/linearizability.txt");

/// A failing history may pass on the next run (timing decides); while shrinking, a smaller
/// history counts as failing if any of this many runs fails.
const RUNS_PER_SHRINK_CANDIDATE: usize = 8;

#[derive(Debug, Clone, Copy)]
pub struct HistoryOptions {
    pub histories: u32,
    pub max_tasks: usize,
    pub max_calls_per_task: usize,
    /// Record failures in the committed regression file (off for deliberately broken backends).
    pub persist_failures: bool,
    /// Generate from a fixed seed.
    pub deterministic: bool,
    /// Shrink a failing history to a smaller one that still fails.
    pub shrink: bool,
}

impl HistoryOptions {
    pub fn new(histories: u32) -> Self {
        HistoryOptions {
            histories,
            max_tasks: 4,
            max_calls_per_task: 4,
            persist_failures: true,
            deterministic: false,
            shrink: true,
        }
    }
}

/// Runs `plan` once on a fresh engine of `backend` and checks its history.
pub async fn check_plan(backend: &dyn Backend, plan: &Plan) -> Result<(), String> {
    let (instance, clock) = fresh(backend).await?;
    let calls = run(instance.engine.clone(), instance.retention.clone(), clock, plan).await;
    teardown(instance).await;
    let calls = calls?;
    linearize(&Model::default(), &calls).map(|_| ()).map_err(|stuck| {
        format!(
            "{} calls on {} tasks are not linearizable on {}:\n{}",
            calls.len(),
            plan.tasks.len(),
            backend.name(),
            describe(&calls, &stuck)
        )
    })
}

/// Checks `options.histories` generated histories; returns how many were linearizable (all of
/// them) or the smallest failing plan found, with its history.
pub async fn run_histories(backend: Arc<dyn Backend>, options: HistoryOptions) -> Result<u32, String> {
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let strategy = plan(options.max_tasks, options.max_calls_per_task);
        let mut runner = runner(
            options.histories,
            options.persist_failures.then_some(REGRESSIONS),
            options.deterministic,
            options.shrink,
        );
        // Histories generated so far, and which of them failed first (0 while none has): the
        // report says how long finding it took, and later runs are shrink candidates.
        let generated = Cell::new(0u32);
        let first_failure = Cell::new(0u32);
        let result = runner.run(&strategy, |plan| {
            let shrinking = first_failure.get() > 0;
            if !shrinking {
                generated.set(generated.get() + 1);
            }
            let runs = if shrinking { RUNS_PER_SHRINK_CANDIDATE } else { 1 };
            for _ in 0..runs {
                if let Err(failure) = handle.block_on(check_plan(backend.as_ref(), &plan)) {
                    if !shrinking {
                        first_failure.set(generated.get());
                    }
                    return Err(TestCaseError::fail(failure));
                }
            }
            Ok(())
        });
        match result {
            Ok(()) => Ok(options.histories),
            Err(TestError::Fail(reason, plan)) => Err(format!(
                "first failing history: number {} of this run\n{reason}\nsmallest failing plan ({} calls; replay it with linearizability::check_plan), the setup and then one task per line:\n{}",
                first_failure.get(),
                plan.calls(),
                plan.to_json_lines()
            )),
            Err(TestError::Abort(reason)) => Err(format!("aborted: {reason}")),
        }
    })
    .await
    .map_err(|err| format!("linearizability check panicked: {err}"))?
}
