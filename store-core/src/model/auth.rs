use serde::{Deserialize, Serialize};
use serde_repr::{Deserialize_repr, Serialize_repr};

/// OCPP security profile of a charge station; serialised as its upstream number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize_repr, Deserialize_repr)]
#[repr(i8)]
pub enum SecurityProfile {
    UnsecuredTransportWithBasicAuth = 0,
    TlsWithBasicAuth = 1,
    TlsWithClientSideCertificates = 2,
}

impl SecurityProfile {
    pub const ALL: [SecurityProfile; 3] =
        [Self::UnsecuredTransportWithBasicAuth, Self::TlsWithBasicAuth, Self::TlsWithClientSideCertificates];

    pub fn as_i16(self) -> i16 {
        self as i16
    }

    pub fn from_i16(value: i16) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_i16() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeStationAuth {
    pub security_profile: SecurityProfile,
    /// Standard base64 of SHA-256 of the station's password; `""` means "no password".
    pub base64_sha256_password: String,
    pub invalid_username_allowed: bool,
}
