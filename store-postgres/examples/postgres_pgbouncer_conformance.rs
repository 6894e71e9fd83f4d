//! `cargo run -p store-postgres --example postgres_pgbouncer_conformance [-- --cases N]`: the
//! whole conformance suite on PostgreSQL through PgBouncer in transaction pooling mode (Debian's
//! `pgbouncer`), on a throwaway server and PgBouncer this process starts and removes, ending in
//! its summary line.

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use store_conformance::summary::{Budget, MUTANT_MODEL_CASES};
use store_postgres::test_support::{SchemaPool, ThrowawayCluster, ThrowawayPgBouncer};

#[tokio::main]
async fn main() -> ExitCode {
    // Each instance is a role of its own, so a pool of its own in PgBouncer, whose server
    // connections outlive the instance by `server_idle_timeout`.
    let started = ThrowawayCluster::start_with("conformance-pgbouncer", &["max_connections=300"])
        .and_then(|server| Ok((ThrowawayPgBouncer::start(server.port())?, server)));
    let (pgbouncer, server) = match started {
        Ok(started) => started,
        Err(err) => {
            println!("conformance: postgres+pgbouncer: cannot start a server and PgBouncer: {err}");
            return ExitCode::FAILURE;
        }
    };
    let pooler_url = format!("postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable", pgbouncer.port());
    let pool = Arc::new(SchemaPool::with_roles(server.url(), "conformance"));
    let code = store_conformance::summary::main(
        Arc::new(common::postgres_through_pgbouncer(pool.clone(), pooler_url)),
        Arc::new(common::memory()),
        // As on PostgreSQL alone (postgres_conformance), with half its model cases and histories: the statements
        // are the same; what is new is the pooler between them and the server.
        Budget { model_cases: 100, mutant_model_cases: MUTANT_MODEL_CASES, histories: 500, mutant_histories: 2_000 },
    )
    .await;
    pool.drain().await;
    drop((pgbouncer, server));
    code
}
