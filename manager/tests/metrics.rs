//! `GET /metrics` after a known sequence of calls: every count is exactly what the calls made,
//! routes appear as templates (never a uid), and a pooled backend shows its pool.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use manager::config::{ApiConfig, StorageConfig, StorageType};
use manager::{AppState, ConfiguredStore, Metrics, router};
use serde_json::json;
use store_core::{ErrorKind, SystemClock};
use tower::ServiceExt;

const TOKEN_ROUTE: &str = "/api/v0/token/{tokenUid}";
const UID: &str = "uid-metrics-7f3a";

async fn send(app: &Router, method: Method, uri: &str, body: Option<serde_json::Value>) -> (StatusCode, String) {
    let mut request = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(body) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(request.body(body).expect("request")).await.expect("response");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// The value of the one series named `name` whose labels are exactly `labels`, if present.
fn sample(exposition: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut wanted: Vec<String> = labels.iter().map(|(key, value)| format!("{key}=\"{value}\"")).collect();
    wanted.sort();
    exposition.lines().filter(|line| !line.starts_with('#')).find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (series_name, found) = match series.split_once('{') {
            Some((series_name, rest)) => (series_name, rest.strip_suffix('}')?),
            None => (series, ""),
        };
        let mut found: Vec<String> =
            if found.is_empty() { Vec::new() } else { found.split(',').map(str::to_owned).collect() };
        found.sort();
        (series_name == name && found == wanted).then(|| value.parse().expect("a number"))
    })
}

#[tokio::test]
async fn counts_are_exactly_the_calls_made() {
    let metrics = Arc::new(Metrics::new());
    let config = StorageConfig { storage_type: StorageType::InMemory, ..StorageConfig::default() };
    let store = ConfiguredStore::open(&config, &metrics).await.expect("in-memory store");
    let app = router(AppState::with_metrics(store.clone(), ApiConfig::default(), metrics));

    let token = json!({"countryCode": "GB", "partyId": "TWK", "type": "RFID", "uid": UID,
        "contractId": "GBTWK012345678V", "issuer": "Thoughtworks", "valid": true, "cacheMode": "ALWAYS",
        "lastUpdated": "2000-01-01T00:00:00Z"});
    assert_eq!(send(&app, Method::POST, "/api/v0/token", Some(token)).await.0, StatusCode::CREATED);
    for _ in 0..2 {
        assert_eq!(send(&app, Method::GET, &format!("/api/v0/token/{UID}"), None).await.0, StatusCode::OK);
    }
    assert_eq!(send(&app, Method::GET, "/api/v0/token/absent", None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(send(&app, Method::GET, "/no/such/route", None).await.0, StatusCode::NOT_FOUND);
    // A store call that fails, straight on the engine: its error is counted by kind.
    let err = store.engine().lookup_token("nul\0").await.expect_err("a NUL in a key is invalid");
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);

    let (status, text) = send(&app, Method::GET, "/metrics", None).await;
    assert_eq!(status, StatusCode::OK);
    let get = |name: &str, labels: &[(&str, &str)]| sample(&text, name, labels);
    let http = |method: &str, route: &str, status: &str| {
        get("maeve_http_requests_total", &[("method", method), ("route", route), ("status", status)])
    };
    assert_eq!(http("POST", "/api/v0/token", "201"), Some(1.0), "{text}");
    assert_eq!(http("GET", TOKEN_ROUTE, "200"), Some(2.0), "{text}");
    assert_eq!(http("GET", TOKEN_ROUTE, "404"), Some(1.0), "{text}");
    assert_eq!(http("GET", "unmatched", "404"), Some(1.0), "{text}");
    assert_eq!(
        get("maeve_http_request_duration_seconds_count", &[("method", "GET"), ("route", TOKEN_ROUTE)]),
        Some(3.0),
        "{text}"
    );

    let store_calls =
        |operation: &str| get("maeve_store_calls_total", &[("backend", "memory"), ("operation", operation)]);
    assert_eq!(store_calls("set_token"), Some(1.0), "{text}");
    assert_eq!(store_calls("lookup_token"), Some(4.0), "three through the API, one on the engine: {text}");
    assert_eq!(store_calls("list_tokens"), Some(0.0), "registered, never called: {text}");
    let errors = |kind: &str| {
        get("maeve_store_errors_total", &[("backend", "memory"), ("operation", "lookup_token"), ("kind", kind)])
    };
    assert_eq!(errors("invalid_argument"), Some(1.0), "{text}");
    assert_eq!(errors("unavailable"), Some(0.0), "{text}");
    assert_eq!(
        get("maeve_store_call_duration_seconds_count", &[("backend", "memory"), ("operation", "lookup_token")]),
        Some(4.0),
        "{text}"
    );
    assert!(text.contains("# TYPE maeve_store_call_duration_seconds histogram"), "{text}");
    assert!(text.contains("# TYPE maeve_http_requests_total counter"), "{text}");
    assert!(!text.contains(UID) && !text.contains("absent"), "paths are data, never labels: {text}");
    assert!(!text.contains("maeve_store_pool"), "the in-memory store has no pool: {text}");
    assert!(!text.contains("maeve_store_replica"), "the in-memory store has no replicas: {text}");
}

#[tokio::test]
async fn a_postgres_store_shows_its_pool() {
    let (store, teardown) = store_postgres::test_support::scratch_store("manager_metrics", Arc::new(SystemClock))
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let store = ConfiguredStore::Postgres(Arc::new(store));
    let app = router(AppState::new(store.clone()));
    assert_eq!(send(&app, Method::GET, "/api/v0/token/absent", None).await.0, StatusCode::NOT_FOUND);
    let (_, text) = send(&app, Method::GET, "/metrics", None).await;
    let pool = |name: &str| sample(&text, name, &[("backend", "postgres")]);
    let status = store.pool_status().expect("a pool");
    assert!(status.max_size > 0);
    assert_eq!(pool("maeve_store_pool_max_connections"), Some(status.max_size as f64), "{text}");
    assert!(pool("maeve_store_pool_connections").is_some_and(|open| open >= 1.0), "{text}");
    assert!(pool("maeve_store_pool_idle_connections").is_some_and(|idle| idle >= 1.0), "{text}");
    assert_eq!(pool("maeve_store_pool_waiting_calls"), Some(0.0), "{text}");
    drop((app, store));
    teardown.await;
}

#[tokio::test]
async fn a_postgres_store_with_replicas_counts_where_reads_went() {
    let schema = store_postgres::test_support::ScratchSchema::create("manager_replica_metrics")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    // The "replica" is the primary itself: not a standby, so never read from.
    let config = store_postgres::PgStoreConfig { replica_poll_ms: 5, ..schema.config(2) };
    let store = schema.store_with_replica(Arc::new(SystemClock), &config, &schema.url).await;
    let (store, teardown) = store_postgres::test_support::with_teardown(schema, store).await.unwrap();
    let store = ConfiguredStore::Postgres(Arc::new(store));
    let app = router(AppState::new(store.clone()));
    for _ in 0..3 {
        assert_eq!(send(&app, Method::GET, "/api/v0/token/absent", None).await.0, StatusCode::NOT_FOUND);
    }
    let (_, text) = send(&app, Method::GET, "/metrics", None).await;
    let reads = |served_by: &str| {
        sample(&text, "maeve_store_replica_reads_total", &[("backend", "postgres"), ("served_by", served_by)])
    };
    assert_eq!(reads("primary"), Some(3.0), "{text}");
    assert_eq!(reads("replica"), Some(0.0), "{text}");
    assert_eq!(sample(&text, "maeve_store_replica_failures_total", &[("backend", "postgres")]), Some(0.0), "{text}");
    drop((app, store));
    teardown.await;
}
