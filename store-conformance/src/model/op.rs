//! One operation of the store API with its arguments, and what a call returned.

use serde::Serialize;
use store_core::*;

#[derive(Debug, Clone, Serialize)]
pub enum Op {
    AdvanceClock {
        millis: i64,
    },
    SetAuth {
        cs: String,
        auth: ChargeStationAuth,
    },
    LookupAuth {
        cs: String,
    },
    UpdateSettings {
        cs: String,
        settings: ChargeStationSettings,
    },
    LookupSettings {
        cs: String,
    },
    ListSettings {
        page_size: usize,
        after: String,
    },
    DeleteSettings {
        cs: String,
    },
    SetRuntimeDetails {
        cs: String,
        details: ChargeStationRuntimeDetails,
    },
    LookupRuntimeDetails {
        cs: String,
    },
    UpdateInstallCertificates {
        cs: String,
        certificates: ChargeStationInstallCertificates,
    },
    LookupInstallCertificates {
        cs: String,
    },
    ListInstallCertificates {
        page_size: usize,
        after: String,
    },
    SetTrigger {
        cs: String,
        trigger: ChargeStationTriggerMessage,
    },
    DeleteTrigger {
        cs: String,
    },
    LookupTrigger {
        cs: String,
    },
    ListTriggers {
        page_size: usize,
        after: String,
    },
    SetToken {
        token: Token,
    },
    LookupToken {
        uid: String,
    },
    ListTokens {
        offset: usize,
        limit: usize,
    },
    Transactions,
    FindTransaction {
        cs: String,
        tx: String,
    },
    CreateTransaction {
        cs: String,
        tx: String,
        id_token: String,
        token_type: String,
        meter_values: Vec<MeterValue>,
        seq_no: i64,
        offline: bool,
    },
    UpdateTransaction {
        cs: String,
        tx: String,
        meter_values: Vec<MeterValue>,
    },
    EndTransaction {
        cs: String,
        tx: String,
        id_token: String,
        token_type: String,
        meter_values: Vec<MeterValue>,
        seq_no: i64,
    },
    SetCertificate {
        pem: String,
    },
    LookupCertificate {
        hash: String,
    },
    DeleteCertificate {
        hash: String,
    },
    SetRegistration {
        token: String,
        registration: OcpiRegistration,
    },
    GetRegistration {
        token: String,
    },
    DeleteRegistration {
        token: String,
    },
    SetParty {
        party: OcpiParty,
    },
    GetParty {
        role: String,
        country_code: String,
        party_id: String,
    },
    ListParties {
        role: String,
    },
    SetLocation {
        location: Location,
    },
    LookupLocation {
        id: String,
    },
    ListLocations {
        offset: usize,
        limit: usize,
    },
    /// Retention: deletes transactions ended before the clock's now + `offset_millis`.
    PruneEndedTransactions {
        offset_millis: i64,
    },
}

impl Op {
    /// Whether any string anywhere in the arguments holds a NUL. Read off the JSON form, so
    /// the model needs no field-by-field knowledge (serde_json writes NUL as `\u0000`).
    pub fn contains_nul(&self) -> bool {
        serde_json::to_string(self).is_ok_and(|json| json.contains("\\u0000"))
    }
}

/// What one call returned. Errors compare by kind only: messages may differ per backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    Done,
    Failed(ErrorKind),
    Auth(Option<ChargeStationAuth>),
    Settings(Option<ChargeStationSettings>),
    SettingsPage(Vec<ChargeStationSettings>),
    RuntimeDetails(Option<ChargeStationRuntimeDetails>),
    InstallCertificates(Option<ChargeStationInstallCertificates>),
    InstallCertificatesPage(Vec<ChargeStationInstallCertificates>),
    Trigger(Option<ChargeStationTriggerMessage>),
    TriggerPage(Vec<ChargeStationTriggerMessage>),
    Token(Option<Token>),
    Tokens(Vec<Token>),
    Transaction(Option<Transaction>),
    Transactions(Vec<Transaction>),
    Certificate(Option<String>),
    Registration(Option<OcpiRegistration>),
    Party(Option<OcpiParty>),
    Parties(Vec<OcpiParty>),
    Location(Option<Location>),
    Locations(Vec<Location>),
    Pruned(Pruned),
}
