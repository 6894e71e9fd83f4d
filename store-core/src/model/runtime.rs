use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeStationRuntimeDetails {
    /// `"1.6"` or `"2.0.1"` in practice; stored verbatim.
    pub ocpp_version: String,
}
