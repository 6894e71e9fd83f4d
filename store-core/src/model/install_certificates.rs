use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// Kind of certificate to install on a charge station.
    CertificateType {
        ChargeStation => "ChargeStation",
        Evcc => "EVCC",
        V2g => "V2G",
        Mo => "MO",
        Mf => "MF",
        Csms => "CSMS",
    }
}

string_enum! {
    /// Installation status of one certificate on a charge station.
    CertificateInstallationStatus {
        Pending => "Pending",
        Accepted => "Accepted",
        Rejected => "Rejected",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeStationInstallCertificate {
    pub certificate_type: CertificateType,
    /// Lower-case hex SHA-256 of the first PEM block, chosen by the caller; the merge key.
    pub certificate_id: String,
    pub certificate_data: String,
    pub certificate_installation_status: CertificateInstallationStatus,
    /// `None` means "send now".
    pub send_after: Option<DateTime<Utc>>,
}

/// The certificates to install on one station, in first-insertion order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChargeStationInstallCertificates {
    pub charge_station_id: String,
    pub certificates: Vec<ChargeStationInstallCertificate>,
}
