use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// Whether an OCPI token may use every endpoint or only the registration ones.
    OcpiRegistrationStatus {
        Registered => "registered",
        Pending => "pending",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcpiRegistration {
    pub status: OcpiRegistrationStatus,
}

/// An OCPI peer, keyed by (role, country code, party id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcpiParty {
    pub country_code: String,
    pub party_id: String,
    pub role: String,
    pub url: String,
    pub token: String,
}
