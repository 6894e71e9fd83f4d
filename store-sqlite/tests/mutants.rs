//! Every deliberately broken backend wrapping the SQLite engine must be killed, each by the part
//! of the suite that tests its clause (as for memory: a sequential mutant by a named scenario
//! and by the model test, a concurrency mutant by the linearizability check only).

mod common;

use std::sync::Arc;

use store_conformance::mutants::judge_mutants;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_mutant_wrapping_sqlite_is_killed() {
    let verdicts = judge_mutants(Arc::new(common::sqlite()), 300, 2_000).await;
    let wrong: Vec<_> = verdicts.iter().filter(|verdict| !verdict.killed_as_expected()).collect();
    assert!(wrong.is_empty(), "mutants not killed as expected: {wrong:#?}");
}
