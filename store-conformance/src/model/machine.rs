//! Runs generated operation sequences: against the reference model (property test) or
//! against a second backend (differential test). Failures shrink to a minimal sequence.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRng, TestRunner};
use proptest_state_machine::ReferenceStateMachine;
use store_core::export::export_records;
use store_core::{Clock, ExportImport, Record};

use super::execute::execute;
use super::op::{Observed, Op};
use super::reference::Model;
use super::strategy::op;
use crate::backend::{Backend, Instance, new_clock};

/// The reference state machine: the model's state and the operations that drive it.
#[derive(Debug)]
pub struct ModelMachine;

impl ReferenceStateMachine for ModelMachine {
    type State = Model;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(_: &Model) -> BoxedStrategy<Op> {
        op()
    }

    fn apply(mut state: Model, transition: &Op) -> Model {
        state.apply(transition);
        state
    }
}

/// Where failing model and differential cases are kept, so they run first next time.
const REGRESSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/proptest-regressions/model.txt");

#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    pub cases: u32,
    /// Longest operation sequence per case.
    pub max_steps: usize,
    /// Record failures in the committed regression file (off for deliberately broken backends).
    pub persist_failures: bool,
    /// Generate from a fixed seed, so that a run's verdict repeats.
    pub deterministic: bool,
    /// Shrink a failing case to a minimal one (off where only the verdict matters).
    pub shrink: bool,
}

impl RunOptions {
    pub fn new(cases: u32) -> Self {
        RunOptions { cases, max_steps: 60, persist_failures: true, deterministic: false, shrink: true }
    }
}

/// A proptest runner for `cases` cases that keeps failures in `regressions` (when given),
/// generates from a fixed seed when `deterministic`, and shrinks only when `shrink`.
pub(crate) fn runner(cases: u32, regressions: Option<&'static str>, deterministic: bool, shrink: bool) -> TestRunner {
    let failure_persistence = regressions.map(|path| Box::new(FileFailurePersistence::Direct(path)) as Box<_>);
    let max_shrink_iters = if shrink { Config::default().max_shrink_iters } else { 0 };
    let config = Config { cases, failure_persistence, max_shrink_iters, ..Config::default() };
    if deterministic {
        let rng = TestRng::deterministic_rng(config.rng_algorithm);
        TestRunner::new_with_rng(config, rng)
    } else {
        TestRunner::new(config)
    }
}

pub(crate) async fn fresh(backend: &dyn Backend) -> Result<(Instance, Arc<store_core::TestClock>), String> {
    let clock = new_clock();
    let instance = backend.instance(clock.clone() as Arc<dyn Clock>).await?;
    Ok((instance, clock))
}

pub(crate) async fn teardown(instance: Instance) {
    if let Some(teardown) = instance.teardown {
        teardown.await;
    }
}

fn describe(step: usize, op: &Op, expected: &Observed, actual: &Observed, expected_from: &str) -> String {
    format!("step {step}: {op:?}\n  {expected_from}: {expected:?}\n  backend: {actual:?}")
}

/// Tells the sequential strategy how many operations ran, so shrinking first drops the ones a
/// failing case never reached.
fn count_seen(seen: Option<&AtomicUsize>) {
    if let Some(seen) = seen {
        seen.fetch_add(1, Ordering::SeqCst);
    }
}

async fn against_model(backend: &dyn Backend, ops: &[Op], seen: Option<&AtomicUsize>) -> Result<(), String> {
    let (instance, clock) = fresh(backend).await?;
    let mut model = Model::default();
    let mut outcome = Ok(());
    for (step, op) in ops.iter().enumerate() {
        count_seen(seen);
        let expected = model.apply(op);
        let actual = execute(instance.engine.as_ref(), instance.retention.as_ref(), &clock, op).await;
        if expected != actual {
            outcome = Err(describe(step, op, &expected, &actual, "model"));
            break;
        }
    }
    if outcome.is_ok() {
        outcome = same_state(&model.export(), instance.export.as_ref(), "model").await;
    }
    if outcome.is_ok() {
        outcome = reimport_changes_nothing(&model.export(), instance.export.as_ref(), &clock).await;
    }
    teardown(instance).await;
    outcome
}

/// Importing the state into the store that holds it, a day later, must change nothing: every
/// record, store-generated fields included, is stored as it was exported.
async fn reimport_changes_nothing(
    expected: &[Record],
    backend: &dyn ExportImport,
    clock: &store_core::TestClock,
) -> Result<(), String> {
    clock.advance(chrono::Duration::days(1));
    for record in expected {
        backend.import_record(record).await.map_err(|err| format!("importing {record:?} failed: {err}"))?;
    }
    same_state(expected, backend, "model (after importing its own state)").await
}

/// After a sequence, the backend's export must equal `expected` record for record: the
/// answers agreed, and so must everything stored, store-generated fields included.
async fn same_state(expected: &[Record], backend: &dyn ExportImport, expected_from: &str) -> Result<(), String> {
    let exported = export_records(backend).await.map_err(|err| format!("export after the sequence failed: {err}"))?;
    if exported == expected {
        return Ok(());
    }
    let position =
        exported.iter().zip(expected).position(|(a, b)| a != b).unwrap_or(exported.len().min(expected.len()));
    Err(format!(
        "after the sequence, the export differs from the {expected_from}'s state at record {position} \
         ({} records exported, {} expected)\n  {expected_from}: {:?}\n  backend: {:?}",
        exported.len(),
        expected.len(),
        expected.get(position),
        exported.get(position)
    ))
}

async fn against_each_other(
    first: &dyn Backend,
    second: &dyn Backend,
    ops: &[Op],
    seen: Option<&AtomicUsize>,
) -> Result<(), String> {
    let (a, a_clock) = fresh(first).await?;
    let (b, b_clock) = fresh(second).await?;
    let mut outcome = Ok(());
    for (step, op) in ops.iter().enumerate() {
        count_seen(seen);
        let expected = execute(a.engine.as_ref(), a.retention.as_ref(), &a_clock, op).await;
        let actual = execute(b.engine.as_ref(), b.retention.as_ref(), &b_clock, op).await;
        if expected != actual {
            outcome = Err(describe(step, op, &expected, &actual, &first.name()));
            break;
        }
    }
    if outcome.is_ok() {
        outcome = match export_records(a.export.as_ref()).await {
            Ok(expected) => same_state(&expected, b.export.as_ref(), &first.name()).await,
            Err(err) => Err(format!("export of {} after the sequence failed: {err}", first.name())),
        };
    }
    teardown(a).await;
    teardown(b).await;
    outcome
}

/// Runs the generated cases on a blocking thread (proptest is synchronous) and drives each
/// case's async calls on the current runtime.
async fn run_cases<F>(options: RunOptions, case: F) -> Result<u32, String>
where
    F: Fn(Vec<Op>, Option<Arc<AtomicUsize>>) -> futures::future::BoxFuture<'static, Result<(), String>>
        + Send
        + 'static,
{
    let handle = tokio::runtime::Handle::current();
    let strategy = ModelMachine::sequential_strategy(1..options.max_steps);
    tokio::task::spawn_blocking(move || {
        let mut runner = runner(
            options.cases,
            options.persist_failures.then_some(REGRESSIONS),
            options.deterministic,
            options.shrink,
        );
        // Which case failed first: how large a budget a mutant needs, measured.
        let started = std::sync::atomic::AtomicU32::new(0);
        let first_failure = std::sync::atomic::AtomicU32::new(0);
        let result = runner.run(&strategy, |(_, ops, seen)| {
            let case_number = started.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            // The seen-counter only serves shrinking; the strategy panics if it was advanced
            // for a failing case that is not going to be shrunk.
            let seen = if options.shrink { seen } else { None };
            let outcome = handle.block_on(case(ops, seen));
            if outcome.is_err() {
                let _ = first_failure.compare_exchange(
                    0,
                    case_number,
                    std::sync::atomic::Ordering::Relaxed,
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
            outcome.map_err(TestCaseError::fail)
        });
        match result {
            Ok(()) => Ok(options.cases),
            Err(TestError::Fail(reason, (_, ops, _))) => {
                let case = first_failure.into_inner();
                Err(format!(
                    "{reason} (first failing case: {case})\nminimal failing sequence ({} operations): {ops:#?}",
                    ops.len()
                ))
            }
            Err(TestError::Abort(reason)) => Err(format!("aborted: {reason}")),
        }
    })
    .await
    .map_err(|err| format!("model test panicked: {err}"))?
}

/// The model-based property test: every result of every step must equal the model's.
/// Returns the number of cases that passed.
pub async fn run_model(backend: Arc<dyn Backend>, options: RunOptions) -> Result<u32, String> {
    run_cases(options, move |ops, seen| {
        let backend = backend.clone();
        Box::pin(async move { against_model(backend.as_ref(), &ops, seen.as_deref()).await })
    })
    .await
}

/// The differential test: the same sequences on two backends, results compared step by step.
pub async fn run_differential(
    first: Arc<dyn Backend>,
    second: Arc<dyn Backend>,
    options: RunOptions,
) -> Result<u32, String> {
    run_cases(options, move |ops, seen| {
        let (first, second) = (first.clone(), second.clone());
        Box::pin(async move { against_each_other(first.as_ref(), second.as_ref(), &ops, seen.as_deref()).await })
    })
    .await
}
