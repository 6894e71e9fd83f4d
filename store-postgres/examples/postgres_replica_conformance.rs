//! `cargo run -p store-postgres --example postgres_replica_conformance [-- --cases N]`: the whole
//! conformance suite on PostgreSQL reading from a streaming replica, on a throwaway primary and
//! replica this process starts and removes (the shared server is not used), ending in its
//! summary line and where reads went.

mod common;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use store_conformance::summary::{Budget, MUTANT_MODEL_CASES};
use store_postgres::ReadRoutes;
use store_postgres::test_support::{SchemaPool, ThrowawayCluster};

#[tokio::main]
async fn main() -> ExitCode {
    let clusters = ThrowawayCluster::start("conformance-primary")
        .and_then(|primary| Ok((primary.start_replica("conformance-replica", &[])?, primary)));
    let (replica, primary) = match clusters {
        Ok(clusters) => clusters,
        Err(err) => {
            println!("conformance: postgres+replica: cannot start a primary and a replica: {err}");
            return ExitCode::FAILURE;
        }
    };
    let pool = match SchemaPool::with_replica(primary.url(), "conformance", &replica.url()) {
        Ok(pool) => Arc::new(pool),
        Err(err) => {
            println!("conformance: postgres+replica: {err}");
            return ExitCode::FAILURE;
        }
    };
    let routes = Arc::new(Mutex::new(ReadRoutes::default()));
    let code = store_conformance::summary::main(
        Arc::new(common::postgres_with_replica(pool.clone(), replica.url(), routes.clone())),
        Arc::new(common::memory()),
        // As on PostgreSQL alone (postgres_conformance), with half its model cases and histories: the statements
        // are the same; what is new is where reads go.
        Budget { model_cases: 100, mutant_model_cases: MUTANT_MODEL_CASES, histories: 500, mutant_histories: 2_000 },
    )
    .await;
    pool.drain().await;
    let routes = *routes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    eprintln!(
        "conformance: postgres+replica: reads served by the replica {}, by the primary {} ({} after a replica failure)",
        routes.replica, routes.primary, routes.replica_failures
    );
    drop((replica, primary));
    if routes.replica == 0 {
        println!("conformance: postgres+replica: the replica served no read, so the suite did not test it");
        return ExitCode::FAILURE;
    }
    code
}
