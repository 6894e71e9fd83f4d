use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// The OCPP message a station is asked to send.
    TriggerMessage {
        BootNotification => "BootNotification",
        Heartbeat => "Heartbeat",
        StatusNotification => "StatusNotification",
        FirmwareStatusNotification => "FirmwareStatusNotification",
        DiagnosticStatusNotification => "DiagnosticStatusNotification",
        MeterValues => "MeterValues",
        SignChargingStationCertificate => "SignChargingStationCertificate",
        SignV2gCertificate => "SignV2GCertificate",
        SignCombinedCertificate => "SignCombinedCertificate",
        PublishFirmwareStatusNotification => "PublishFirmwareStatusNotification",
    }
}

string_enum! {
    /// Status of a trigger request.
    TriggerStatus {
        Pending => "Pending",
        Accepted => "Accepted",
        Rejected => "Rejected",
        NotImplemented => "NotImplemented",
    }
}

/// The one pending trigger of a station. On read, `charge_station_id` is the key (R4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeStationTriggerMessage {
    pub charge_station_id: String,
    pub trigger_message: TriggerMessage,
    pub trigger_status: TriggerStatus,
    /// `None` means "send now".
    pub send_after: Option<DateTime<Utc>>,
}
