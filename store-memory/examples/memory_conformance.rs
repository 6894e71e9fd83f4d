//! `cargo run -p store-memory --example memory_conformance [-- --cases N]`: the whole conformance
//! suite on the in-memory backend, ending in its summary line (`cargo xtask conformance`).

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use store_conformance::summary::Budget;

#[tokio::main]
async fn main() -> ExitCode {
    store_conformance::summary::main(
        Arc::new(common::memory()),
        Arc::new(common::memory()),
        Budget { model_cases: 1_000, mutant_model_cases: 1_000, histories: 5_000, mutant_histories: 2_000 },
    )
    .await
}
