//! Every operation of the manager API over HTTP (in-process), on the in-memory backend and on
//! PostgreSQL (DATABASE_URL) and on SQLite, including the bad inputs each must answer with a JSON 4xx.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use futures::future::BoxFuture;
use http_body_util::BodyExt;
use manager::{AppState, ConfiguredStore, router};
use serde_json::{Value, json};
use store_conformance::fixtures::{CERT1, CERT1_KEY, PUBLIC_KEY};
use store_core::*;
use tower::ServiceExt;

struct Harness {
    app: Router,
    store: ConfiguredStore,
    teardown: Option<BoxFuture<'static, ()>>,
}

impl Harness {
    fn over(store: ConfiguredStore, teardown: Option<BoxFuture<'static, ()>>) -> Self {
        Harness { app: router(AppState::new(store.clone())), store, teardown }
    }

    async fn memory() -> Self {
        Harness::over(ConfiguredStore::Memory(Arc::new(store_memory::memory_store(Arc::new(SystemClock)))), None)
    }

    async fn postgres() -> Self {
        let (store, teardown) = store_postgres::test_support::scratch_store("manager_api", Arc::new(SystemClock))
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        Harness::over(ConfiguredStore::Postgres(Arc::new(store)), Some(teardown))
    }

    async fn sqlite() -> Self {
        let (store, teardown) = store_sqlite::test_support::scratch_store("manager_api", Arc::new(SystemClock))
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        Harness::over(ConfiguredStore::Sqlite(Arc::new(store)), Some(teardown))
    }

    async fn mysql() -> Self {
        let (store, teardown) = store_mysql::test_support::scratch_store("manager_api", Arc::new(SystemClock))
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        Harness::over(ConfiguredStore::Mysql(Arc::new(store)), Some(teardown))
    }

    fn engine(&self) -> &dyn Engine {
        self.store.engine()
    }

    async fn finish(self) {
        drop(self.app);
        drop(self.store);
        if let Some(teardown) = self.teardown {
            teardown.await;
        }
    }

    async fn raw(&self, method: Method, uri: &str, content_type: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response =
            self.app.clone().oneshot(request.body(Body::from(body)).expect("request")).await.expect("response");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| json!({"not json": String::from_utf8_lossy(&bytes)}))
        };
        if status.is_client_error() || status.is_server_error() {
            assert!(value.get("status").is_some_and(Value::is_string), "{uri}: error body is not a Status: {value}");
        }
        (status, value)
    }

    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        match body {
            Some(body) => self.raw(method, uri, Some("application/json"), body.to_string().into_bytes()).await,
            None => self.raw(method, uri, None, Vec::new()).await,
        }
    }
}

fn token_body(uid: &str, contract_id: &str) -> Value {
    json!({"countryCode": "GB", "partyId": "TWK", "type": "RFID", "uid": uid, "contractId": contract_id,
           "issuer": "Thoughtworks", "valid": true, "cacheMode": "ALWAYS", "lastUpdated": "2000-01-01T00:00:00Z"})
}

async fn charge_station_auth(h: &Harness) {
    let (status, _) = h
        .call(Method::POST, "/api/v0/cs/cs001", Some(json!({"securityProfile": 1, "base64SHA256Password": "DEADBEEF"})))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = h.call(Method::GET, "/api/v0/cs/cs001/auth", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({"securityProfile": 1, "base64SHA256Password": "DEADBEEF", "invalidUsernameAllowed": false})
        )
    );
    h.call(Method::POST, "/api/v0/cs/cs002", Some(json!({"securityProfile": 2, "invalidUsernameAllowed": true}))).await;
    let (_, body) = h.call(Method::GET, "/api/v0/cs/cs002/auth", None).await;
    assert_eq!(body, json!({"securityProfile": 2, "invalidUsernameAllowed": true}), "empty password omitted");
    let (status, body) = h.call(Method::GET, "/api/v0/cs/unknown/auth", None).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::NOT_FOUND, Some("Not Found")));
}

async fn reconfigure_and_trigger(h: &Harness) {
    let settings = json!({"HeartbeatInterval": "60", "OCPPCommCtrlr/HeartbeatInterval": "30"});
    assert_eq!(h.call(Method::POST, "/api/v0/cs/cs001/reconfigure", Some(settings)).await.0, StatusCode::OK);
    let stored = h.engine().lookup_charge_station_settings("cs001").await.expect("lookup").expect("settings");
    assert_eq!(stored.settings.len(), 2);
    assert!(
        stored.settings.values().all(|s| s.status == ChargeStationSettingStatus::Pending && s.send_after.is_none())
    );
    assert_eq!(
        h.call(Method::POST, "/api/v0/cs/cs001/trigger", Some(json!({"trigger": "SignV2GCertificate"}))).await.0,
        StatusCode::OK
    );
    let trigger = h.engine().lookup_charge_station_trigger_message("cs001").await.expect("lookup").expect("trigger");
    assert_eq!(
        (trigger.trigger_message, trigger.trigger_status),
        (TriggerMessage::SignV2gCertificate, TriggerStatus::Pending)
    );
}

async fn install_certificates(h: &Harness) {
    let body = json!({"certificates": [{"type": "V2G", "certificate": CERT1}, {"type": "CSMS", "certificate": CERT1, "status": "Accepted"}]});
    assert_eq!(h.call(Method::POST, "/api/v0/cs/cs001/certificates", Some(body)).await.0, StatusCode::OK);
    let stored = h.engine().lookup_charge_station_install_certificates("cs001").await.expect("lookup").expect("record");
    assert_eq!(stored.certificates.len(), 1, "same certificate twice is one id, last wins");
    let cert = &stored.certificates[0];
    assert_eq!(cert.certificate_id, "7bf14bfc5347b9a5e8bfd8ce32a0bb4bc44ccd34a1cafedb2f7f24cea2f3b237");
    assert_eq!(
        (cert.certificate_type, cert.certificate_installation_status),
        (CertificateType::Csms, CertificateInstallationStatus::Accepted)
    );
}

async fn tokens(h: &Harness) {
    assert_eq!(
        h.call(Method::POST, "/api/v0/token", Some(token_body("uid-1", "gb-twk-012345678"))).await.0,
        StatusCode::CREATED
    );
    let (status, token) = h.call(Method::GET, "/api/v0/token/uid-1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(token["contractId"], "GBTWK012345678V");
    let last_updated = token["lastUpdated"].as_str().expect("lastUpdated");
    assert!(
        chrono::DateTime::parse_from_rfc3339(last_updated).is_ok()
            && last_updated.ends_with('Z')
            && last_updated.len() == 20,
        "{last_updated}"
    );
    assert!(token.get("groupId").is_none(), "absent optional fields are omitted: {token}");
    for n in 0..25 {
        h.call(Method::POST, "/api/v0/token", Some(token_body(&format!("t{n:02}"), "GBTWK012345678V"))).await;
    }
    let (status, page) = h.call(Method::GET, "/api/v0/token", None).await;
    assert_eq!((status, page.as_array().map(Vec::len)), (StatusCode::OK, Some(20)), "default limit 20");
    let (_, page) = h.call(Method::GET, "/api/v0/token?offset=24&limit=100", None).await;
    let uids: Vec<&str> = page.as_array().expect("array").iter().filter_map(|t| t["uid"].as_str()).collect();
    assert_eq!(uids, vec!["t24", "uid-1"]);
    assert_eq!(h.call(Method::GET, "/api/v0/token/unknown", None).await.0, StatusCode::NOT_FOUND);
}

async fn certificates(h: &Harness) {
    assert_eq!(
        h.call(Method::POST, "/api/v0/certificate", Some(json!({"certificate": CERT1}))).await.0,
        StatusCode::CREATED
    );
    let (status, body) = h.call(Method::GET, &format!("/api/v0/certificate/{CERT1_KEY}"), None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"certificate": CERT1})));
    assert_eq!(
        h.call(Method::DELETE, &format!("/api/v0/certificate/{CERT1_KEY}"), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(h.call(Method::GET, &format!("/api/v0/certificate/{CERT1_KEY}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        h.call(Method::DELETE, &format!("/api/v0/certificate/{CERT1_KEY}"), None).await.0,
        StatusCode::NO_CONTENT
    );
}

async fn register_party(h: &Harness) {
    assert_eq!(h.call(Method::POST, "/api/v0/register", Some(json!({"token": "abc"}))).await.0, StatusCode::CREATED);
    assert_eq!(
        h.call(Method::POST, "/api/v0/register", Some(json!({"token": "def", "status": "REGISTERED"}))).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        h.engine().get_registration_details("abc").await.expect("get").map(|r| r.status),
        Some(OcpiRegistrationStatus::Pending)
    );
    assert_eq!(
        h.engine().get_registration_details("def").await.expect("get").map(|r| r.status),
        Some(OcpiRegistrationStatus::Registered)
    );
    let (status, body) = h
        .call(
            Method::POST,
            "/api/v0/register",
            Some(json!({"token": "ghi", "url": "https://emsp.example/ocpi/versions"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED, "{body}");
    assert_eq!(h.engine().get_registration_details("ghi").await.expect("get"), None);
}

async fn register_location(h: &Harness) {
    let body = json!({"country_code": "GB", "party_id": "TWK", "name": "Depot", "address": "1 Main St", "city": "London",
        "postal_code": "SW1", "country": "GBR", "coordinates": {"latitude": "51.5", "longitude": "-0.12"}, "parking_type": "ON_STREET",
        "evses": [{"uid": "e1", "evse_id": "GB*TWK*E1", "status": "AVAILABLE", "connectors": [
            {"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE", "max_voltage": 400, "max_amperage": 32}]}]});
    assert_eq!(h.call(Method::POST, "/api/v0/location/loc1", Some(body)).await.0, StatusCode::CREATED);
    let stored = h.engine().lookup_location("loc1").await.expect("lookup").expect("location");
    assert_eq!((stored.name.as_str(), stored.parking_type.as_str()), ("Depot", "ON_STREET"));
    let evses = stored.evses.expect("evses");
    assert_eq!(evses[0].connectors[0].standard, "IEC_62196_T2");
    assert_eq!(evses[0].evse_id.as_deref(), Some("GB*TWK*E1"));
    let minimal = json!({"country_code": "GB", "party_id": "TWK", "address": "a", "city": "c", "country": "GBR", "coordinates": {"latitude": "1", "longitude": "2"}});
    assert_eq!(h.call(Method::POST, "/api/v0/location/loc2", Some(minimal)).await.0, StatusCode::CREATED);
    assert_eq!(
        h.engine().lookup_location("loc2").await.expect("lookup").expect("location").evses,
        Some(vec![]),
        "no evses is an empty list"
    );
}

async fn bad_inputs(h: &Harness) {
    let cases: Vec<(Method, String, Option<Value>, StatusCode)> = vec![
        (Method::POST, "/api/v0/cs/cs001".into(), Some(json!({"securityProfile": 7})), StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/cs/cs001".into(), Some(json!({"base64SHA256Password": "x"})), StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/cs/cs001".into(), Some(json!({"securityProfile": "one"})), StatusCode::BAD_REQUEST),
        (
            Method::POST,
            format!("/api/v0/cs/{}", "x".repeat(29)),
            Some(json!({"securityProfile": 0})),
            StatusCode::BAD_REQUEST,
        ),
        (Method::POST, "/api/v0/cs/cs%0001".into(), Some(json!({"securityProfile": 0})), StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/cs/cs001/reconfigure".into(), Some(json!({"k": "v\u{0}"})), StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/cs/cs001/reconfigure".into(), Some(json!({"k": 5})), StatusCode::BAD_REQUEST),
        (
            Method::POST,
            "/api/v0/cs/cs001/reconfigure".into(),
            Some(json!({"k": "v".repeat(1001)})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/api/v0/cs/cs001/certificates".into(),
            Some(json!({"certificates": [{"type": "V2G", "certificate": "garbage"}]})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/api/v0/cs/cs001/certificates".into(),
            Some(json!({"certificates": [{"type": "EVCC", "certificate": CERT1}]})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/api/v0/cs/cs001/certificates".into(),
            Some(json!({"certificates": [{"type": "V2G", "certificate": CERT1, "status": "Done"}]})),
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/api/v0/cs/cs001/trigger".into(),
            Some(json!({"trigger": "Heartbeat"})),
            StatusCode::BAD_REQUEST,
        ),
        (Method::POST, "/api/v0/token".into(), Some(token_body("u", "GBTWK012345678X")), StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/token".into(), Some(token_body("u", "not an emaid")), StatusCode::BAD_REQUEST),
        (
            Method::POST,
            "/api/v0/token".into(),
            Some(token_body(&"u".repeat(37), "GBTWK012345678")),
            StatusCode::BAD_REQUEST,
        ),
        (Method::POST, "/api/v0/token".into(), Some(json!({"uid": "u"})), StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/token".into(), Some(token_body("u\u{0}", "GBTWK012345678")), StatusCode::BAD_REQUEST),
        (Method::GET, "/api/v0/token?limit=0".into(), None, StatusCode::BAD_REQUEST),
        (Method::GET, "/api/v0/token?limit=101".into(), None, StatusCode::BAD_REQUEST),
        (Method::GET, "/api/v0/token?offset=-1".into(), None, StatusCode::BAD_REQUEST),
        (Method::GET, "/api/v0/token?offset=x".into(), None, StatusCode::BAD_REQUEST),
        (Method::GET, format!("/api/v0/token/{}", "u".repeat(37)), None, StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/certificate".into(), Some(json!({"certificate": PUBLIC_KEY})), StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/certificate".into(), Some(json!({"certificate": "garbage"})), StatusCode::BAD_REQUEST),
        (Method::GET, format!("/api/v0/certificate/{}", "h".repeat(65)), None, StatusCode::BAD_REQUEST),
        (Method::POST, "/api/v0/register".into(), Some(json!({"token": "t".repeat(65)})), StatusCode::BAD_REQUEST),
        (
            Method::POST,
            "/api/v0/register".into(),
            Some(json!({"token": "t", "status": "MAYBE"})),
            StatusCode::BAD_REQUEST,
        ),
        (Method::POST, "/api/v0/location/l".into(), Some(json!({"city": "c"})), StatusCode::BAD_REQUEST),
        (Method::GET, "/api/v0/nowhere".into(), None, StatusCode::NOT_FOUND),
        (Method::PUT, "/api/v0/token".into(), None, StatusCode::METHOD_NOT_ALLOWED),
    ];
    for (method, uri, body, expected) in cases {
        let shown = format!("{method} {uri} {body:?}");
        let (status, answer) = h.call(method, &uri, body).await;
        assert_eq!(status, expected, "{shown}: {answer}");
    }
    let (status, _) = h.raw(Method::POST, "/api/v0/certificate", Some("application/json"), b"{not json".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "malformed JSON");
    let (status, _) = h.raw(Method::POST, "/api/v0/certificate", None, br#"{"certificate": "x"}"#.to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "no content type");
    let huge = json!({"certificate": "x".repeat(manager::api::MAX_BODY_BYTES)}).to_string().into_bytes();
    let (status, _) = h.raw(Method::POST, "/api/v0/certificate", Some("application/json"), huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        h.engine().lookup_charge_station_auth("cs001").await.expect("lookup"),
        None,
        "nothing stored by bad requests"
    );
    assert_eq!(h.engine().list_tokens(0, 10).await.expect("list"), vec![], "no token stored by bad requests");
}

async fn operations(h: &Harness) {
    let (status, body) = h.call(Method::GET, "/health", None).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("OK")));
    let (status, spec) = h.call(Method::GET, "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spec["paths"].as_object().map(|paths| paths.len()), Some(11));
}

macro_rules! api_tests {
    ($module:ident, $backend:expr) => {
        mod $module {
            use super::*;
            api_tests!(@each $backend; charge_station_auth, reconfigure_and_trigger, install_certificates, tokens,
                certificates, register_party, register_location, bad_inputs, operations);
        }
    };
    (@each $backend:expr; $($test:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let harness = $backend.await;
                super::$test(&harness).await;
                harness.finish().await;
            }
        )*
    };
}

api_tests!(memory, Harness::memory());
api_tests!(postgres, Harness::postgres());
api_tests!(sqlite, Harness::sqlite());
api_tests!(mysql, Harness::mysql());
