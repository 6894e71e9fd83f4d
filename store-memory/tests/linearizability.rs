//! Concurrent histories on the in-memory backend, each checked for a linearization.

mod common;

use std::sync::Arc;

use store_conformance::histories_from_env;
use store_conformance::linearizability::{HistoryOptions, run_histories};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_histories_are_linearizable() {
    let histories = histories_from_env(5_000);
    match run_histories(Arc::new(common::memory()), HistoryOptions::new(histories)).await {
        Ok(passed) => assert_eq!(passed, histories),
        Err(failure) => panic!("{failure}"),
    }
}
