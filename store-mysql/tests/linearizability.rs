//! Concurrent histories on MariaDB/MySQL (a fresh database each), each checked for a
//! linearization against the reference model.

mod common;

use std::sync::Arc;

use store_conformance::histories_from_env;
use store_conformance::linearizability::{HistoryOptions, run_histories};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql_histories_are_linearizable() {
    let histories = histories_from_env(300);
    match run_histories(Arc::new(common::mysql()), HistoryOptions::new(histories)).await {
        Ok(passed) => assert_eq!(passed, histories),
        Err(failure) => panic!("{failure}"),
    }
}
