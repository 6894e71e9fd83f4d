use serde::{Deserialize, Serialize};

/// A charging location, keyed by `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub address: String,
    pub city: String,
    pub coordinates: GeoLocation,
    pub country: String,
    /// `None`, `Some(empty)` and `Some(non-empty)` are three distinct, preserved states.
    pub evses: Option<Vec<Evse>>,
    pub id: String,
    /// Set by the store at write time (`YYYY-MM-DDTHH:MM:SSZ`); ignored on write.
    pub last_updated: String,
    pub name: String,
    pub parking_type: String,
    pub postal_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GeoLocation {
    pub latitude: String,
    pub longitude: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evse {
    pub connectors: Vec<Connector>,
    pub evse_id: Option<String>,
    pub status: String,
    pub uid: String,
    /// Opaque; stored verbatim.
    pub last_updated: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connector {
    pub format: String,
    pub id: String,
    pub max_amperage: i32,
    pub max_voltage: i32,
    pub power_type: String,
    pub standard: String,
    /// Opaque; stored verbatim.
    pub last_updated: String,
}
