//! Location registration (OCPI-shaped body, snake_case as in the spec).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use store_core::time::format_last_updated;
use store_core::{Connector, Evse, GeoLocation, Location};

use super::error::ApiResult;
use super::extract::{Body, Id};
use super::{AppState, validate};

const PARKING_TYPES: [&str; 6] =
    ["ALONG_MOTORWAY", "PARKING_GARAGE", "PARKING_LOT", "ON_DRIVEWAY", "ON_STREET", "UNDERGROUND_GARAGE"];
const FORMATS: [&str; 2] = ["SOCKET", "CABLE"];
const POWER_TYPES: [&str; 3] = ["AC_1_PHASE", "AC_3_PHASE", "DC"];
const STANDARDS: [&str; 38] = [
    "CHADEMO",
    "CHAOJI",
    "DOMESTIC_A",
    "DOMESTIC_B",
    "DOMESTIC_C",
    "DOMESTIC_D",
    "DOMESTIC_E",
    "DOMESTIC_F",
    "DOMESTIC_G",
    "DOMESTIC_H",
    "DOMESTIC_I",
    "DOMESTIC_J",
    "DOMESTIC_K",
    "DOMESTIC_L",
    "GBT_AC",
    "GBT_DC",
    "IEC_60309_2_single_16",
    "IEC_60309_2_three_16",
    "IEC_60309_2_three_32",
    "IEC_60309_2_three_64",
    "IEC_62196_T1",
    "IEC_62196_T1_COMBO",
    "IEC_62196_T2",
    "IEC_62196_T2_COMBO",
    "IEC_62196_T3A",
    "IEC_62196_T3C",
    "NEMA_5_20",
    "NEMA_6_30",
    "NEMA_6_50",
    "NEMA_10_30",
    "NEMA_10_50",
    "NEMA_14_30",
    "NEMA_14_50",
    "PANTOGRAPH_BOTTOM_UP",
    "PANTOGRAPH_TOP_DOWN",
    "TESLA_R",
    "TESLA_S",
    "UNKNOWN",
];

#[derive(Debug, Deserialize)]
pub struct LocationBody {
    #[allow(dead_code)] // required by the spec, not stored by MaEVe
    country_code: String,
    #[allow(dead_code)] // required by the spec, not stored by MaEVe
    party_id: String,
    #[serde(default)]
    name: Option<String>,
    address: String,
    city: String,
    #[serde(default)]
    postal_code: Option<String>,
    country: String,
    coordinates: GeoLocationBody,
    #[serde(default)]
    parking_type: Option<String>,
    #[serde(default)]
    evses: Option<Vec<EvseBody>>,
}

#[derive(Debug, Deserialize)]
struct GeoLocationBody {
    latitude: String,
    longitude: String,
}

#[derive(Debug, Deserialize)]
struct EvseBody {
    uid: String,
    #[serde(default)]
    evse_id: Option<String>,
    /// Required by the spec's `required` list although it declares no such property.
    #[serde(default)]
    status: Option<String>,
    connectors: Vec<ConnectorBody>,
}

#[derive(Debug, Deserialize)]
struct ConnectorBody {
    id: String,
    standard: String,
    format: String,
    power_type: String,
    max_voltage: i32,
    max_amperage: i32,
}

/// Stores the location with its evses (an absent list is stored as an empty one, as MaEVe
/// does); evses without a status are `UNKNOWN`; nested `last_updated` is the write time.
pub async fn register(
    State(state): State<AppState>,
    Id(location_id): Id<64>,
    Body(body): Body<LocationBody>,
) -> ApiResult<StatusCode> {
    if let Some(parking_type) = &body.parking_type {
        validate::one_of("parking_type", parking_type, &PARKING_TYPES)?;
    }
    let now = format_last_updated(state.clock.now());
    let mut evses = Vec::new();
    for (e, evse) in body.evses.unwrap_or_default().into_iter().enumerate() {
        let mut connectors = Vec::with_capacity(evse.connectors.len());
        for (c, connector) in evse.connectors.into_iter().enumerate() {
            let field = |name: &str| format!("evses[{e}].connectors[{c}].{name}");
            validate::one_of(&field("standard"), &connector.standard, &STANDARDS)?;
            validate::one_of(&field("format"), &connector.format, &FORMATS)?;
            validate::one_of(&field("power_type"), &connector.power_type, &POWER_TYPES)?;
            connectors.push(Connector {
                format: connector.format,
                id: connector.id,
                max_amperage: connector.max_amperage,
                max_voltage: connector.max_voltage,
                power_type: connector.power_type,
                standard: connector.standard,
                last_updated: now.clone(),
            });
        }
        evses.push(Evse {
            connectors,
            evse_id: evse.evse_id,
            status: evse.status.unwrap_or_else(|| "UNKNOWN".to_owned()),
            uid: evse.uid,
            last_updated: now.clone(),
        });
    }
    let location = Location {
        address: body.address,
        city: body.city,
        coordinates: GeoLocation { latitude: body.coordinates.latitude, longitude: body.coordinates.longitude },
        country: body.country,
        evses: Some(evses),
        id: location_id,
        last_updated: String::new(),
        name: body.name.unwrap_or_default(),
        parking_type: body.parking_type.unwrap_or_default(),
        postal_code: body.postal_code.unwrap_or_default(),
    };
    state.store.engine().set_location(&location).await?;
    Ok(StatusCode::CREATED)
}
