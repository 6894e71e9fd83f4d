//! The model-based property test on SQLite, and the differential test memory vs SQLite on the
//! same generated sequences. Each case gets its own database file.

mod common;

use std::sync::Arc;

use store_conformance::cases_from_env;
use store_conformance::model::{RunOptions, run_differential, run_model};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_matches_the_reference_model() {
    let cases = cases_from_env(1_000);
    match run_model(Arc::new(common::sqlite()), RunOptions::new(cases)).await {
        Ok(passed) => assert_eq!(passed, cases),
        Err(failure) => panic!("sqlite diverged from the model: {failure}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_matches_memory_on_the_same_sequences() {
    let cases = cases_from_env(1_000);
    if let Err(failure) =
        run_differential(Arc::new(common::memory()), Arc::new(common::sqlite()), RunOptions::new(cases)).await
    {
        panic!("memory and sqlite diverged: {failure}");
    }
}
