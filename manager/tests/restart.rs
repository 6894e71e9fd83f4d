//! Data written through the API on PostgreSQL is still there after the service restarts
//! (a new pool, as a new process would have).
#![cfg(feature = "postgres")]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use manager::{AppState, ConfiguredStore, router};
use serde_json::{Value, json};
use store_core::SystemClock;
use store_postgres::test_support::ScratchSchema;
use tower::ServiceExt;

async fn call(app: &axum::Router, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let request = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, "application/json");
    let body = body.map_or_else(Body::empty, |body| Body::from(body.to_string()));
    let response = app.clone().oneshot(request.body(body).expect("request")).await.expect("response");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_a_restart_on_postgres() {
    let schema = ScratchSchema::create("manager_restart").await.unwrap_or_else(|err| panic!("{err}"));
    let first = Arc::new(schema.store(Arc::new(SystemClock), 4).await.expect("first start"));
    let app = router(AppState::new(ConfiguredStore::Postgres(first.clone())));
    let token = json!({"countryCode": "GB", "partyId": "TWK", "type": "RFID", "uid": "uid-1", "contractId": "GBTWK012345678V",
                       "issuer": "Thoughtworks", "valid": true, "cacheMode": "ALWAYS"});
    assert_eq!(call(&app, Method::POST, "/api/v0/token", Some(token)).await.0, StatusCode::CREATED);
    assert_eq!(
        call(&app, Method::POST, "/api/v0/cs/cs001", Some(json!({"securityProfile": 0, "base64SHA256Password": "pw"})))
            .await
            .0,
        StatusCode::CREATED
    );
    let (_, before) = call(&app, Method::GET, "/api/v0/token/uid-1", None).await;
    drop(app);
    first.storage().close().await;

    let second = Arc::new(schema.storage(&schema.config(4)).expect("storage").into_store(Arc::new(SystemClock)));
    let app = router(AppState::new(ConfiguredStore::Postgres(second.clone())));
    assert_eq!(call(&app, Method::GET, "/api/v0/token/uid-1", None).await, (StatusCode::OK, before));
    let (status, auth) = call(&app, Method::GET, "/api/v0/cs/cs001/auth", None).await;
    assert_eq!(
        (status, auth),
        (StatusCode::OK, json!({"securityProfile": 0, "base64SHA256Password": "pw", "invalidUsernameAllowed": false}))
    );
    second.storage().close().await;
    schema.drop_now().await;
}
