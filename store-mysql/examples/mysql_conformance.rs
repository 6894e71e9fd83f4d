//! `cargo run -p store-mysql --example mysql_conformance [-- --cases N --histories N]`: the whole
//! conformance suite on MariaDB/MySQL (`MYSQL_URL`), ending in its summary line (`cargo xtask
//! conformance`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::ExitCode;
use std::sync::Arc;

use store_conformance::summary::Budget;

#[tokio::main]
async fn main() -> ExitCode {
    store_conformance::summary::main(
        Arc::new(common::mysql()),
        Arc::new(common::memory()),
        Budget { model_cases: 200, mutant_model_cases: 100, histories: 1_000, mutant_histories: 1_000 },
    )
    .await
}
