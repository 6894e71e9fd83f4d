//! The model-based property test on PostgreSQL, and the differential test memory vs PostgreSQL
//! on the same generated sequences. Each case gets its own schema.

mod common;

use std::sync::Arc;

use store_conformance::cases_from_env;
use store_conformance::model::{RunOptions, run_differential, run_model};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_matches_the_reference_model() {
    let cases = cases_from_env(64);
    match run_model(Arc::new(common::postgres()), RunOptions::new(cases)).await {
        Ok(passed) => assert_eq!(passed, cases),
        Err(failure) => panic!("postgres diverged from the model: {failure}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_matches_memory_on_the_same_sequences() {
    let cases = cases_from_env(64);
    if let Err(failure) =
        run_differential(Arc::new(common::memory()), Arc::new(common::postgres()), RunOptions::new(cases)).await
    {
        panic!("memory and postgres diverged: {failure}");
    }
}
