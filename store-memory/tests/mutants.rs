//! The suite tests itself: every deliberately broken memory backend must be killed, both by a
//! named scenario and by the model-based test.

mod common;

use std::sync::Arc;

use store_conformance::mutants::judge_mutants;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mutant_is_killed_by_a_scenario_and_by_the_model() {
    let verdicts = judge_mutants(Arc::new(common::memory()), 1_000).await;
    let survivors: Vec<_> = verdicts
        .iter()
        .filter(|verdict| verdict.killed_by_scenario.is_none() || !verdict.killed_by_model)
        .map(|verdict| verdict.mutation)
        .collect();
    assert!(survivors.is_empty(), "mutants not killed by both a scenario and the model: {survivors:?}");
}
