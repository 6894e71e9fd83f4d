//! §2.1 charge-station auth and §2.3 runtime details: upserts with full replace.

use store_core::*;

use crate::fixtures::*;
use crate::{Fixture, Outcome, check_eq};

/// R5: a lookup of an absent station is `None`, not an error.
pub async fn auth_lookup_absent_is_none(f: Fixture) -> Outcome {
    check_eq!(f.engine.lookup_charge_station_auth("cs001").await?, None);
    Ok(())
}

/// §2.1: set is an upsert that fully replaces; every security profile round-trips.
pub async fn auth_set_replaces_whole_record(f: Fixture) -> Outcome {
    let e = &f.engine;
    for profile in SecurityProfile::ALL {
        let value = auth(profile, &format!("pw-{}", profile.as_i16()));
        e.set_charge_station_auth("cs001", &value).await?;
        check_eq!(e.lookup_charge_station_auth("cs001").await?, Some(value));
    }
    e.set_charge_station_auth("cs001", &auth(SecurityProfile::TlsWithBasicAuth, "")).await?;
    check_eq!(
        e.lookup_charge_station_auth("cs001").await?,
        Some(auth(SecurityProfile::TlsWithBasicAuth, "")),
        "an empty password is stored as empty"
    );
    check_eq!(e.lookup_charge_station_auth("cs002").await?, None, "other stations are untouched");
    Ok(())
}

/// §2.3: runtime details are looked up by key, absent is `None`, set replaces.
pub async fn runtime_details_set_replaces_and_absent_is_none(f: Fixture) -> Outcome {
    let e = &f.engine;
    check_eq!(e.lookup_charge_station_runtime_details("cs001").await?, None);
    e.set_charge_station_runtime_details("cs001", &ChargeStationRuntimeDetails { ocpp_version: "1.6".into() }).await?;
    e.set_charge_station_runtime_details("cs001", &ChargeStationRuntimeDetails { ocpp_version: "2.0.1".into() })
        .await?;
    check_eq!(
        e.lookup_charge_station_runtime_details("cs001").await?,
        Some(ChargeStationRuntimeDetails { ocpp_version: "2.0.1".into() })
    );
    check_eq!(e.lookup_charge_station_runtime_details("CS001").await?, None, "keys are case-sensitive");
    Ok(())
}
