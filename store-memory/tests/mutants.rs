//! The suite tests itself: every deliberately broken memory backend must be killed. A mutant
//! that breaks a sequential clause must be killed both by a named scenario and by the model
//! test; a concurrency mutant (each call alone is correct) must pass the model test and be
//! killed by the linearizability check.

mod common;

use std::sync::Arc;

use store_conformance::mutants::judge_mutants;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_mutant_is_killed_by_the_part_of_the_suite_that_tests_its_clause() {
    let verdicts = judge_mutants(Arc::new(common::memory()), 1_000, 2_000).await;
    let wrong: Vec<_> = verdicts.iter().filter(|verdict| !verdict.killed_as_expected()).collect();
    assert!(wrong.is_empty(), "mutants not killed as expected: {wrong:#?}");
}
