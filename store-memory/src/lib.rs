//! The in-memory backend: every store on a `DashMap`, each call atomic per key, values copied
//! in and out so callers never alias what the store holds.

mod certificate;
mod charge_station;
mod location;
mod ocpi;
mod paging;
mod token;
mod transaction;

use std::sync::Arc;

use dashmap::DashMap;
use store_core::{
    ChargeStationAuth, ChargeStationInstallCertificate, ChargeStationRuntimeDetails, ChargeStationSetting,
    ChargeStationTriggerMessage, Clock, Location, OcpiParty, OcpiRegistration, SystemClock, Token, Transaction,
};

type SettingsMap = std::collections::BTreeMap<String, ChargeStationSetting>;

/// (charge-station id, transaction id)
type TransactionKey = (String, String);

/// (role, country code, party id)
type PartyKey = (String, String, String);

#[derive(Debug)]
pub struct MemoryStore {
    clock: Arc<dyn Clock>,
    auth: DashMap<String, ChargeStationAuth>,
    settings: DashMap<String, SettingsMap>,
    runtime_details: DashMap<String, ChargeStationRuntimeDetails>,
    install_certificates: DashMap<String, Vec<ChargeStationInstallCertificate>>,
    trigger_messages: DashMap<String, ChargeStationTriggerMessage>,
    tokens: DashMap<String, Token>,
    transactions: DashMap<TransactionKey, Transaction>,
    certificates: DashMap<String, String>,
    registrations: DashMap<String, OcpiRegistration>,
    parties: DashMap<PartyKey, OcpiParty>,
    locations: DashMap<String, Location>,
}

impl MemoryStore {
    /// A store whose generated timestamps come from `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        MemoryStore {
            clock,
            auth: DashMap::new(),
            settings: DashMap::new(),
            runtime_details: DashMap::new(),
            install_certificates: DashMap::new(),
            trigger_messages: DashMap::new(),
            tokens: DashMap::new(),
            transactions: DashMap::new(),
            certificates: DashMap::new(),
            registrations: DashMap::new(),
            parties: DashMap::new(),
            locations: DashMap::new(),
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new(Arc::new(SystemClock))
    }
}
