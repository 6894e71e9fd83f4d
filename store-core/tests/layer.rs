//! Validation is not the backend's job: a storage that accepts anything and checks nothing
//! still rejects bad input through the engine the core builds around it, and gets its
//! arguments normalised, its timestamps from the clock, its errors put in context and its
//! calls counted.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use store_core::*;

const CERT1: &str = include_str!("../../store-conformance/testdata/cert1.pem");
const CERT1_KEY: &str = "e_FL_FNHuaXov9jOMqC7S8RMzTShyv7bL38kzqLzsjc";

/// Stores nothing and accepts everything, remembering each call (and what it was given).
#[derive(Debug, Default)]
struct AcceptAll {
    calls: Mutex<Vec<String>>,
    fail_with: Option<ErrorKind>,
}

impl AcceptAll {
    fn seen(&self, call: String) -> StoreResult<()> {
        self.calls.lock().unwrap().push(call);
        match self.fail_with {
            Some(kind) => Err(StoreError::new(kind, "storage said no")),
            None => Ok(()),
        }
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl Storage for AcceptAll {
    fn backend_name(&self) -> &'static str {
        "accept-all"
    }
}

impl ChargeStationAuthStorage for AcceptAll {
    async fn set_charge_station_auth(&self, cs: &str, _: &ChargeStationAuth) -> StoreResult<()> {
        self.seen(format!("set_charge_station_auth {cs}"))
    }
    async fn lookup_charge_station_auth(&self, cs: &str) -> StoreResult<Option<ChargeStationAuth>> {
        self.seen(format!("lookup_charge_station_auth {cs}")).map(|()| None)
    }
}

impl ChargeStationSettingsStorage for AcceptAll {
    async fn update_charge_station_settings(&self, cs: &str, settings: &ChargeStationSettings) -> StoreResult<()> {
        let send_afters: Vec<_> = settings.settings.values().map(|s| s.send_after).collect();
        self.seen(format!("update_charge_station_settings {cs} {send_afters:?}"))
    }
    async fn lookup_charge_station_settings(&self, cs: &str) -> StoreResult<Option<ChargeStationSettings>> {
        self.seen(format!("lookup_charge_station_settings {cs}")).map(|()| None)
    }
    async fn list_charge_station_settings(&self, _: usize, after: &str) -> StoreResult<Vec<ChargeStationSettings>> {
        self.seen(format!("list_charge_station_settings {after}")).map(|()| Vec::new())
    }
    async fn delete_charge_station_settings(&self, cs: &str) -> StoreResult<()> {
        self.seen(format!("delete_charge_station_settings {cs}"))
    }
}

impl ChargeStationRuntimeDetailsStorage for AcceptAll {
    async fn set_charge_station_runtime_details(&self, cs: &str, _: &ChargeStationRuntimeDetails) -> StoreResult<()> {
        self.seen(format!("set_charge_station_runtime_details {cs}"))
    }
    async fn lookup_charge_station_runtime_details(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationRuntimeDetails>> {
        self.seen(format!("lookup_charge_station_runtime_details {cs}")).map(|()| None)
    }
}

impl ChargeStationInstallCertificatesStorage for AcceptAll {
    async fn update_charge_station_install_certificates(
        &self,
        cs: &str,
        _: &ChargeStationInstallCertificates,
    ) -> StoreResult<()> {
        self.seen(format!("update_charge_station_install_certificates {cs}"))
    }
    async fn lookup_charge_station_install_certificates(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationInstallCertificates>> {
        self.seen(format!("lookup_charge_station_install_certificates {cs}")).map(|()| None)
    }
    async fn list_charge_station_install_certificates(
        &self,
        _: usize,
        after: &str,
    ) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
        self.seen(format!("list_charge_station_install_certificates {after}")).map(|()| Vec::new())
    }
}

impl ChargeStationTriggerMessageStorage for AcceptAll {
    async fn set_charge_station_trigger_message(&self, cs: &str, _: &ChargeStationTriggerMessage) -> StoreResult<()> {
        self.seen(format!("set_charge_station_trigger_message {cs}"))
    }
    async fn delete_charge_station_trigger_message(&self, cs: &str) -> StoreResult<()> {
        self.seen(format!("delete_charge_station_trigger_message {cs}"))
    }
    async fn lookup_charge_station_trigger_message(
        &self,
        cs: &str,
    ) -> StoreResult<Option<ChargeStationTriggerMessage>> {
        self.seen(format!("lookup_charge_station_trigger_message {cs}")).map(|()| None)
    }
    async fn list_charge_station_trigger_messages(
        &self,
        _: usize,
        after: &str,
    ) -> StoreResult<Vec<ChargeStationTriggerMessage>> {
        self.seen(format!("list_charge_station_trigger_messages {after}")).map(|()| Vec::new())
    }
}

impl TokenStorage for AcceptAll {
    async fn set_token(&self, token: &Token, last_updated: DateTime<Utc>) -> StoreResult<()> {
        self.seen(format!("set_token {} {last_updated:?}", token.uid))
    }
    async fn lookup_token(&self, uid: &str) -> StoreResult<Option<Token>> {
        self.seen(format!("lookup_token {uid}")).map(|()| None)
    }
    async fn list_tokens(&self, offset: usize, limit: usize) -> StoreResult<Vec<Token>> {
        self.seen(format!("list_tokens {offset} {limit}")).map(|()| Vec::new())
    }
}

impl TransactionStorage for AcceptAll {
    async fn transactions(&self) -> StoreResult<Vec<Transaction>> {
        self.seen("transactions".to_owned()).map(|()| Vec::new())
    }
    async fn find_transaction(&self, cs: &str, tx: &str) -> StoreResult<Option<Transaction>> {
        self.seen(format!("find_transaction {cs} {tx}")).map(|()| None)
    }
    async fn create_transaction(
        &self,
        cs: &str,
        tx: &str,
        _: &str,
        _: &str,
        _: &[MeterValue],
        _: i64,
        _: bool,
    ) -> StoreResult<()> {
        self.seen(format!("create_transaction {cs} {tx}"))
    }
    async fn update_transaction(&self, cs: &str, tx: &str, _: &[MeterValue]) -> StoreResult<()> {
        self.seen(format!("update_transaction {cs} {tx}"))
    }
    async fn end_transaction(
        &self,
        cs: &str,
        tx: &str,
        _: &str,
        _: &str,
        _: &[MeterValue],
        _: i64,
        ended_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.seen(format!("end_transaction {cs} {tx} {ended_at:?}"))
    }
}

impl RetentionStorage for AcceptAll {
    async fn prune_ended_transactions(&self, ended_before: DateTime<Utc>, limit: usize) -> StoreResult<Pruned> {
        self.seen(format!("prune_ended_transactions {ended_before:?} {limit}")).map(|()| Pruned::default())
    }
}

impl ExportStorage for AcceptAll {
    async fn export_charge_station_auth(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, ChargeStationAuth)>> {
        self.seen(format!("export_charge_station_auth {after:?} {limit}")).map(|()| vec![])
    }
    async fn export_charge_station_runtime_details(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, ChargeStationRuntimeDetails)>> {
        self.seen(format!("export_charge_station_runtime_details {after:?} {limit}")).map(|()| vec![])
    }
    async fn export_tokens(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Token>> {
        self.seen(format!("export_tokens {after:?} {limit}")).map(|()| vec![])
    }
    async fn export_transactions(
        &self,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> StoreResult<Vec<(Transaction, Option<DateTime<Utc>>)>> {
        self.seen(format!("export_transactions {after:?} {limit}")).map(|()| vec![])
    }
    async fn export_certificates(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<(String, String)>> {
        self.seen(format!("export_certificates {after:?} {limit}")).map(|()| vec![])
    }
    async fn export_registrations(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, OcpiRegistration)>> {
        self.seen(format!("export_registrations {} {limit}", after.is_some())).map(|()| vec![])
    }
    async fn export_parties(&self, after: Option<(&str, &str, &str)>, limit: usize) -> StoreResult<Vec<OcpiParty>> {
        self.seen(format!("export_parties {after:?} {limit}")).map(|()| vec![])
    }
    async fn export_locations(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<Location>> {
        self.seen(format!("export_locations {after:?} {limit}")).map(|()| vec![])
    }
    async fn import_transaction(&self, transaction: &Transaction, ended_at: Option<DateTime<Utc>>) -> StoreResult<()> {
        self.seen(format!("import_transaction {} {ended_at:?}", transaction.transaction_id))
    }
}

impl CertificateStorage for AcceptAll {
    async fn set_certificate(&self, hash: &str, _: &str) -> StoreResult<()> {
        self.seen(format!("set_certificate {hash}"))
    }
    async fn lookup_certificate(&self, hash: &str) -> StoreResult<Option<String>> {
        self.seen(format!("lookup_certificate {hash}")).map(|()| None)
    }
    async fn delete_certificate(&self, hash: &str) -> StoreResult<()> {
        self.seen(format!("delete_certificate {hash}"))
    }
}

impl OcpiStorage for AcceptAll {
    async fn set_registration_details(&self, _: &str, _: &OcpiRegistration) -> StoreResult<()> {
        self.seen("set_registration_details".to_owned())
    }
    async fn get_registration_details(&self, _: &str) -> StoreResult<Option<OcpiRegistration>> {
        self.seen("get_registration_details".to_owned()).map(|()| None)
    }
    async fn delete_registration_details(&self, _: &str) -> StoreResult<()> {
        self.seen("delete_registration_details".to_owned())
    }
    async fn set_party_details(&self, party: &OcpiParty) -> StoreResult<()> {
        self.seen(format!("set_party_details {}", party.party_id))
    }
    async fn get_party_details(&self, role: &str, _: &str, _: &str) -> StoreResult<Option<OcpiParty>> {
        self.seen(format!("get_party_details {role}")).map(|()| None)
    }
    async fn list_party_details_for_role(&self, role: &str) -> StoreResult<Vec<OcpiParty>> {
        self.seen(format!("list_party_details_for_role {role}")).map(|()| Vec::new())
    }
}

impl LocationStorage for AcceptAll {
    async fn set_location(&self, location: &Location, last_updated: DateTime<Utc>) -> StoreResult<()> {
        self.seen(format!("set_location {} {last_updated:?}", location.id))
    }
    async fn lookup_location(&self, id: &str) -> StoreResult<Option<Location>> {
        self.seen(format!("lookup_location {id}")).map(|()| None)
    }
    async fn list_locations(&self, offset: usize, limit: usize) -> StoreResult<Vec<Location>> {
        self.seen(format!("list_locations {offset} {limit}")).map(|()| Vec::new())
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 6, 13, 58, 55).unwrap() + chrono::Duration::nanoseconds(123_456_789)
}

fn store(storage: AcceptAll) -> Store<AcceptAll> {
    Store::new(storage, Arc::new(TestClock::new(start())))
}

fn token(uid: &str) -> Token {
    Token {
        country_code: "GB".into(),
        party_id: "TWK".into(),
        token_type: "RFID".into(),
        uid: uid.into(),
        contract_id: "GBTWK012345678V".into(),
        visual_number: None,
        issuer: "Thoughtworks".into(),
        group_id: None,
        valid: true,
        language_code: None,
        cache_mode: CacheMode::Always,
        last_updated: "caller's".into(),
    }
}

fn settings(send_after: DateTime<Utc>) -> ChargeStationSettings {
    let setting = ChargeStationSetting {
        value: "60".into(),
        status: ChargeStationSettingStatus::Pending,
        send_after: Some(send_after),
    };
    ChargeStationSettings {
        charge_station_id: String::new(),
        settings: [("HeartbeatInterval".to_owned(), setting)].into(),
    }
}

fn auth() -> ChargeStationAuth {
    ChargeStationAuth {
        security_profile: SecurityProfile::TlsWithBasicAuth,
        base64_sha256_password: String::new(),
        invalid_username_allowed: false,
    }
}

fn assert_invalid<T: std::fmt::Debug>(result: StoreResult<T>, names: &str) {
    match result {
        Err(err) if err.kind() == ErrorKind::InvalidArgument => {
            assert!(err.to_string().contains(names), "{err} does not name {names}");
        }
        other => panic!("expected an invalid-argument error naming {names}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_storage_that_checks_nothing_still_rejects_bad_input() {
    let engine = store(AcceptAll::default());
    assert_invalid(engine.set_token(&token("uid\0")).await, "token.uid");
    assert_invalid(engine.lookup_token("a\0b").await, "token_uid");
    assert_invalid(engine.update_transaction("cs", "tx\0", &[]).await, "transaction_id");
    assert_invalid(engine.set_certificate("not a certificate").await, "pem");
    assert_invalid(engine.set_certificate(&CERT1.replace("CERTIFICATE", "PUBLIC KEY")).await, "pem");
    let long = "k".repeat(validate::MAX_KEY_BYTES + 1);
    assert_invalid(engine.set_charge_station_auth(&long, &auth()).await, "charge_station_id");
    assert_invalid(engine.set_token(&token(&long)).await, "token.uid");
    let year_10000 = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap() + chrono::Duration::seconds(1);
    assert_invalid(engine.update_charge_station_settings("cs", &settings(year_10000)).await, "send_after");
    assert_eq!(engine.storage().calls(), Vec::<String>::new(), "the storage saw a call it should not have");
}

#[tokio::test]
async fn the_storage_gets_normalised_arguments_and_the_clock_s_time() {
    let engine = store(AcceptAll::default());
    engine.update_charge_station_settings("cs", &settings(start())).await.unwrap();
    engine.set_token(&token("uid")).await.unwrap();
    engine.set_certificate(CERT1).await.unwrap();
    let truncated = Utc.with_ymd_and_hms(2024, 5, 6, 13, 58, 55).unwrap() + chrono::Duration::microseconds(123_456);
    let whole_second = Utc.with_ymd_and_hms(2024, 5, 6, 13, 58, 55).unwrap();
    assert_eq!(
        engine.storage().calls(),
        vec![
            format!("update_charge_station_settings cs [Some({truncated:?})]"),
            format!("set_token uid {whole_second:?}"),
            format!("set_certificate {CERT1_KEY}"),
        ]
    );
}

#[tokio::test]
async fn storage_errors_get_the_operation_and_key_but_never_a_credential() {
    let engine = store(AcceptAll { fail_with: Some(ErrorKind::Unavailable), ..AcceptAll::default() });
    let err = engine.find_transaction("cs001", "tx1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.operation(), Some(Operation::FindTransaction));
    assert_eq!(err.to_string(), r#"store unavailable during find_transaction("cs001", "tx1"): storage said no"#);
    let err = engine.get_registration_details("secret-registration-token").await.unwrap_err();
    assert_eq!(err.operation(), Some(Operation::GetRegistrationDetails));
    assert!(!err.to_string().contains("secret-registration-token"), "{err}");
}

#[tokio::test]
async fn an_import_is_checked_like_a_write_keeps_store_generated_fields_and_hides_credentials() {
    let engine = store(AcceptAll::default());
    let exported = Token { last_updated: "2020-01-02T03:04:05Z".into(), ..token("uid") };
    assert_invalid(engine.import_record(&Record::Token(Token { uid: "u\0".into(), ..exported.clone() })).await, "uid");
    let offset = Token { last_updated: "2020-01-02T03:04:05+00:00".into(), ..token("uid") };
    assert_invalid(engine.import_record(&Record::Token(offset)).await, "token.last_updated");
    let wrong = Record::Certificate { certificate_hash: "x".into(), pem: CERT1.into() };
    assert_invalid(engine.import_record(&wrong).await, "certificate_hash");
    assert_eq!(engine.storage().calls(), Vec::<String>::new(), "the storage saw a call it should not have");

    engine.import_record(&Record::Token(exported)).await.unwrap();
    let ended_at = start() + chrono::Duration::days(1);
    let transaction = Transaction {
        charge_station_id: "cs".into(),
        transaction_id: "tx".into(),
        id_token: String::new(),
        token_type: String::new(),
        meter_values: vec![],
        start_seq_no: 0,
        ended_seq_no: 0,
        updated_seq_no_count: 0,
        offline: false,
    };
    engine.import_record(&Record::Transaction { transaction, ended_at: Some(ended_at) }).await.unwrap();
    let micros = Utc.with_ymd_and_hms(2024, 5, 7, 13, 58, 55).unwrap() + chrono::Duration::microseconds(123_456);
    assert_eq!(
        engine.storage().calls(),
        vec![
            format!("set_token uid {:?}", Utc.with_ymd_and_hms(2020, 1, 2, 3, 4, 5).unwrap()),
            format!("import_transaction tx Some({micros:?})"),
        ]
    );

    let failing = store(AcceptAll { fail_with: Some(ErrorKind::Unavailable), ..AcceptAll::default() });
    let registration = OcpiRegistration { status: OcpiRegistrationStatus::Registered };
    let record = Record::OcpiRegistration { token: "secret-registration-token".into(), registration };
    let err = failing.import_record(&record).await.unwrap_err();
    assert_eq!(err.operation(), Some(Operation::ImportRecord));
    assert!(!err.to_string().contains("secret-registration-token"), "{err}");
}

/// The value of the metric `name` whose labels include every pair of `labels`.
fn metric<'a>(
    snapshot: &'a [(metrics_util::CompositeKey, Option<metrics::Unit>, Option<metrics::SharedString>, DebugValue)],
    name: &str,
    labels: &[(&str, &str)],
) -> Option<&'a DebugValue> {
    snapshot.iter().find_map(|(key, _, _, value)| {
        let key = key.key();
        let matches = key.name() == name
            && labels.iter().all(|(label, wanted)| key.labels().any(|l| l.key() == *label && l.value() == *wanted));
        matches.then_some(value)
    })
}

#[tokio::test]
async fn with_metrics_counts_calls_errors_and_latency_per_backend_and_operation() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let engine = metrics::with_local_recorder(&recorder, || store(AcceptAll::default()).with_metrics());
    engine.lookup_token("uid").await.unwrap();
    engine.lookup_token("uid\0").await.unwrap_err();
    let snapshot = snapshotter.snapshot().into_vec();
    let lookup = [("backend", "accept-all"), ("operation", "lookup_token")];
    assert_eq!(metric(&snapshot, CALLS_TOTAL, &lookup), Some(&DebugValue::Counter(2)));
    let invalid = [("backend", "accept-all"), ("operation", "lookup_token"), ("kind", "invalid_argument")];
    assert_eq!(metric(&snapshot, ERRORS_TOTAL, &invalid), Some(&DebugValue::Counter(1)));
    let unavailable = [("backend", "accept-all"), ("operation", "lookup_token"), ("kind", "unavailable")];
    assert_eq!(metric(&snapshot, ERRORS_TOTAL, &unavailable), Some(&DebugValue::Counter(0)));
    match metric(&snapshot, CALL_DURATION_SECONDS, &lookup) {
        Some(DebugValue::Histogram(latencies)) => assert_eq!(latencies.len(), 2),
        other => panic!("no latency histogram for lookup_token: {other:?}"),
    }
    let set_token = [("backend", "accept-all"), ("operation", "set_token")];
    assert_eq!(metric(&snapshot, CALLS_TOTAL, &set_token), Some(&DebugValue::Counter(0)));
}
