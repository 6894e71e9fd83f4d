//! `cargo run -p store-sqlite --example sqlite_conformance [-- --cases N --histories N]`: the whole
//! conformance suite on SQLite, ending in its summary line (`cargo xtask conformance`).

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use store_conformance::summary::{Budget, MUTANT_MODEL_CASES};

#[tokio::main]
async fn main() -> ExitCode {
    store_conformance::summary::main(
        Arc::new(common::sqlite()),
        Arc::new(common::memory()),
        Budget {
            model_cases: 1_000,
            mutant_model_cases: MUTANT_MODEL_CASES,
            histories: 1_000,
            mutant_histories: 2_000,
        },
    )
    .await
}
