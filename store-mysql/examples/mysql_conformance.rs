//! `cargo run -p store-mysql --example mysql_conformance [-- --cases N --histories N]`: the whole
//! conformance suite on MariaDB/MySQL (`MYSQL_URL`), ending in its summary line (`cargo xtask
//! conformance`).

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use store_conformance::summary::{Budget, MUTANT_MODEL_CASES};
use store_mysql::test_support::DatabasePool;

#[tokio::main]
async fn main() -> ExitCode {
    let pool = Arc::new(DatabasePool::new("conformance"));
    let code = store_conformance::summary::main(
        Arc::new(common::mysql(pool.clone())),
        Arc::new(common::memory()),
        // As on PostgreSQL alone (postgres_conformance).
        Budget { model_cases: 200, mutant_model_cases: MUTANT_MODEL_CASES, histories: 1_000, mutant_histories: 2_000 },
    )
    .await;
    pool.drain().await;
    code
}
