//! maeve-manager: MaEVe's manager REST API (`../shared/maeve/api-spec.yaml`, under `/api/v0`)
//! over whichever maeve-store backend the cargo features compile in and the config selects.

pub mod api;
pub mod config;
pub mod logging;
pub mod metrics;
mod parse_errors;
pub mod retention;
mod server;
pub mod store;
pub mod transfer;

use std::sync::{Arc, Weak};

use tokio::net::TcpListener;

pub use api::{AppState, router};
pub use config::Config;
pub use metrics::Metrics;
pub use store::ConfiguredStore;

/// Opens the configured store and serves until SIGINT/SIGTERM; in-flight requests finish and
/// the store is closed before returning.
pub async fn serve(config: Config) -> Result<(), String> {
    if !config.ignored_sections.is_empty() {
        let sections = config.ignored_sections.join(", ");
        tracing::warn!(%sections, "config sections not used by maeve-manager are ignored");
    }
    let metrics = Arc::new(Metrics::new());
    let store = ConfiguredStore::open(&config.storage, &metrics).await?;
    let listener = TcpListener::bind(&config.api.addr)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", config.api.addr))?;
    tracing::info!(addr = %config.api.addr, storage = store.name(), "maeve-manager listening");
    let pruning = config.storage.transaction_retention.map(|age| {
        tracing::info!(retention = %humantime::format_duration(age), "pruning ended transactions hourly");
        retention::spawn_periodic(store.clone(), age)
    });
    let state = AppState::with_metrics(store.clone(), config.api.clone(), metrics);
    serve_on(listener, state, shutdown_signal()).await;
    if let Some(pruning) = pruning {
        pruning.abort();
    }
    store.close().await;
    tracing::info!("maeve-manager stopped");
    Ok(())
}

/// Serves the API of `state` on `listener`, within its limits, until `shutdown` completes and
/// in-flight requests have finished.
pub async fn serve_on(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()>) {
    spawn_metrics_upkeep(Arc::downgrade(&state.metrics));
    let limits = state.limits.clone();
    server::serve(listener, router(state), &limits, shutdown).await;
}

/// Folds histogram samples into their buckets between scrapes, until the metrics are dropped.
fn spawn_metrics_upkeep(metrics: Weak<Metrics>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(metrics::UPKEEP_INTERVAL);
        loop {
            ticks.tick().await;
            match metrics.upgrade() {
                Some(metrics) => metrics.run_upkeep(),
                None => return,
            }
        }
    });
}

/// `maeve-manager prune`: opens the configured store (applying migrations when the config
/// says so, as `serve` does) and deletes the transactions ended before `ended_before`.
pub async fn prune(config: Config, ended_before: chrono::DateTime<chrono::Utc>) -> Result<store_core::Pruned, String> {
    let store = ConfiguredStore::open(&config.storage, &Metrics::new()).await?;
    let outcome = retention::prune_paced(&store, ended_before).await.map_err(|err| format!("pruning: {err}"));
    store.close().await;
    outcome
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
