//! Runs a plan's tasks concurrently on one engine and records, for every call, when it was
//! invoked, when it returned and what it returned.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use store_core::{Engine, TestClock, TransactionRetention};
use tokio::sync::Barrier;

use super::history::Plan;
use crate::model::{Observed, Op, execute};

/// One completed call. `invoked` and `returned` are ticks of one counter shared by all tasks,
/// so `a.returned < b.invoked` means `a` finished before `b` started.
#[derive(Debug, Clone)]
pub struct Call {
    /// The task that made it; `None` for the setup.
    pub task: Option<usize>,
    pub op: Op,
    pub observed: Observed,
    pub invoked: u64,
    pub returned: u64,
}

/// Runs the setup of `plan`, then every task on its own tokio task, all released at once, and
/// returns the calls in invocation order.
pub async fn run(
    engine: Arc<dyn Engine>,
    retention: Arc<dyn TransactionRetention>,
    clock: Arc<TestClock>,
    plan: &Plan,
) -> Result<Vec<Call>, String> {
    let ticks = Arc::new(AtomicU64::new(0));
    let mut calls = Vec::new();
    for op in &plan.setup {
        let invoked = ticks.fetch_add(1, Ordering::SeqCst);
        let observed = execute(engine.as_ref(), retention.as_ref(), &clock, op).await;
        let returned = ticks.fetch_add(1, Ordering::SeqCst);
        calls.push(Call { task: None, op: op.clone(), observed, invoked, returned });
    }
    let start = Arc::new(Barrier::new(plan.tasks.len()));
    let handles: Vec<_> = plan
        .tasks
        .iter()
        .cloned()
        .enumerate()
        .map(|(task, ops)| {
            let (engine, retention, clock, ticks, start) =
                (engine.clone(), retention.clone(), clock.clone(), ticks.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let mut calls = Vec::with_capacity(ops.len());
                for op in ops {
                    let invoked = ticks.fetch_add(1, Ordering::SeqCst);
                    let observed = execute(engine.as_ref(), retention.as_ref(), &clock, &op).await;
                    let returned = ticks.fetch_add(1, Ordering::SeqCst);
                    calls.push(Call { task: Some(task), op, observed, invoked, returned });
                }
                calls
            })
        })
        .collect();
    for handle in handles {
        calls.extend(handle.await.map_err(|err| format!("a task of the history panicked: {err}"))?);
    }
    calls.sort_by_key(|call| call.invoked);
    Ok(calls)
}
