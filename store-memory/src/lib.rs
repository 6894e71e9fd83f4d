//! The in-memory backend: every store on a `DashMap`, or on an ordered [`Table`] where the store
//! lists; each call atomic, values copied in and out so callers never alias what the store
//! holds. It only stores: the core's [`Store`] validates, traces and measures around it.

mod certificate;
mod charge_station;
mod export;
mod location;
mod ocpi;
mod paging;
mod table;
mod token;
mod transaction;

use std::sync::Arc;

use dashmap::DashMap;
use store_core::{
    ChargeStationAuth, ChargeStationInstallCertificate, ChargeStationRuntimeDetails, ChargeStationSetting,
    ChargeStationTriggerMessage, Clock, Location, OcpiParty, OcpiRegistration, Storage, Store, Token,
};
use table::Table;

type SettingsMap = std::collections::BTreeMap<String, ChargeStationSetting>;

/// (charge-station id, transaction id)
type TransactionKey = (String, String);

/// (role, country code, party id)
type PartyKey = (String, String, String);

/// The in-memory storage; [`memory_store`] puts it behind the core's layers.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    auth: DashMap<String, ChargeStationAuth>,
    settings: Table<String, SettingsMap>,
    runtime_details: DashMap<String, ChargeStationRuntimeDetails>,
    install_certificates: Table<String, Vec<ChargeStationInstallCertificate>>,
    trigger_messages: Table<String, ChargeStationTriggerMessage>,
    tokens: Table<String, Token>,
    transactions: Table<TransactionKey, transaction::StoredTransaction>,
    certificates: DashMap<String, String>,
    registrations: DashMap<String, OcpiRegistration>,
    parties: Table<PartyKey, OcpiParty>,
    locations: Table<String, Location>,
}

/// The in-memory engine: [`MemoryStorage`] behind the core's layers.
pub type MemoryStore = Store<MemoryStorage>;

/// An empty in-memory engine whose generated timestamps come from `clock`.
pub fn memory_store(clock: Arc<dyn Clock>) -> MemoryStore {
    Store::new(MemoryStorage::default(), clock)
}

impl Storage for MemoryStorage {
    fn backend_name(&self) -> &'static str {
        "memory"
    }
}
