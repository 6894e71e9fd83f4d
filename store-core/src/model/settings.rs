use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// Status of one charge-station setting.
    ChargeStationSettingStatus {
        Pending => "Pending",
        Accepted => "Accepted",
        Rejected => "Rejected",
        RebootRequired => "RebootRequired",
        NotSupported => "NotSupported",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeStationSetting {
    pub value: String,
    pub status: ChargeStationSettingStatus,
    /// `None` means "send now" (upstream's zero time).
    pub send_after: Option<DateTime<Utc>>,
}

/// All settings of one station. On write, `charge_station_id` is ignored (the key argument wins);
/// on read it equals the key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChargeStationSettings {
    pub charge_station_id: String,
    pub settings: BTreeMap<String, ChargeStationSetting>,
}
