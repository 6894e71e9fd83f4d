//! The model-based property test on MariaDB/MySQL, and the differential test memory vs MySQL on
//! the same generated sequences. Each case gets its own database.

mod common;

use std::sync::Arc;

use store_conformance::cases_from_env;
use store_conformance::model::{RunOptions, run_differential, run_model};

/// Cases per CI run; `CONFORMANCE_CASES` raises it (each case creates and drops a database).
const CASES: u32 = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_matches_the_reference_model() {
    let cases = cases_from_env(CASES);
    match run_model(Arc::new(common::mysql()), RunOptions::new(cases)).await {
        Ok(passed) => assert_eq!(passed, cases),
        Err(failure) => panic!("mysql diverged from the model: {failure}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_matches_memory_on_the_same_sequences() {
    let cases = cases_from_env(CASES);
    if let Err(failure) =
        run_differential(Arc::new(common::memory()), Arc::new(common::mysql()), RunOptions::new(cases)).await
    {
        panic!("memory and mysql diverged: {failure}");
    }
}
