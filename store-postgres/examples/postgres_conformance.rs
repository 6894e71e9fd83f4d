//! `cargo run -p store-postgres --example postgres_conformance [-- --cases N]`: the whole conformance
//! suite on PostgreSQL (DATABASE_URL), ending in its summary line (`cargo xtask conformance`).

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use store_conformance::summary::{Budget, MUTANT_MODEL_CASES};
use store_postgres::test_support::{SchemaPool, database_url};

#[tokio::main]
async fn main() -> ExitCode {
    let url = match database_url() {
        Ok(url) => url,
        Err(help) => {
            println!("conformance: postgres: {help}");
            return ExitCode::FAILURE;
        }
    };
    let pool = Arc::new(SchemaPool::new(url, "conformance"));
    let code = store_conformance::summary::main(
        Arc::new(common::postgres(pool.clone())),
        Arc::new(common::memory()),
        // The concurrency mutants are caught within the first 300 histories of the fixed seed
        // (ListWithoutConsistentView at 120, MergeReadsThenWrites at 17–149, with scratch
        // schemas from the pool); when setup was slower 300 once let one survive in CI, and the
        // budget costs nothing once a mutant is killed, so it is generous. The correct store's
        // budget is what CI can afford beside five other backends: 1 000 histories is more than
        // six times the latest a race was first caught.
        Budget { model_cases: 200, mutant_model_cases: MUTANT_MODEL_CASES, histories: 1_000, mutant_histories: 2_000 },
    )
    .await;
    pool.drain().await;
    code
}
