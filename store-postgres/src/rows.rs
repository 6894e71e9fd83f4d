//! The one place that maps rows to domain types (and domain values to column values).

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use store_core::grouping::{group_by_parent, group_transactions};
use store_core::time::format_last_updated;
use store_core::*;

use crate::error::Unreadable;

pub(crate) fn parse<T>(column: &'static str, value: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(value).ok_or_else(|| Unreadable::UnknownValue { column, value: value.to_owned() }.into())
}

pub(crate) fn security_profile(value: i16) -> StoreResult<SecurityProfile> {
    SecurityProfile::from_i16(value)
        .ok_or_else(|| Unreadable::UnknownValue { column: "security_profile", value: value.to_string() }.into())
}

pub(crate) struct SettingRow {
    pub charge_station_id: String,
    pub setting_key: Option<String>,
    pub setting_value: Option<String>,
    pub status: Option<String>,
    pub send_after: Option<DateTime<Utc>>,
}

pub(crate) fn settings(rows: Vec<SettingRow>) -> StoreResult<Vec<ChargeStationSettings>> {
    let groups = group_by_parent(
        rows,
        |row| &row.charge_station_id,
        |row| {
            let (Some(key), Some(value), Some(status)) = (&row.setting_key, &row.setting_value, &row.status) else {
                return Ok(None);
            };
            let setting = ChargeStationSetting {
                value: value.clone(),
                status: parse("charge_station_setting.status", status, ChargeStationSettingStatus::parse)?,
                send_after: row.send_after,
            };
            Ok(Some((key.clone(), setting)))
        },
    )?;
    Ok(groups
        .into_iter()
        .map(|(charge_station_id, settings)| ChargeStationSettings {
            charge_station_id,
            settings: settings.into_iter().collect(),
        })
        .collect())
}

pub(crate) struct InstallCertificateRow {
    pub charge_station_id: String,
    pub certificate_id: Option<String>,
    pub certificate_type: Option<String>,
    pub certificate_data: Option<String>,
    pub status: Option<String>,
    pub send_after: Option<DateTime<Utc>>,
}

pub(crate) fn install_certificates(
    rows: Vec<InstallCertificateRow>,
) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
    let groups = group_by_parent(
        rows,
        |row| &row.charge_station_id,
        |row| {
            let (Some(id), Some(kind), Some(data), Some(status)) =
                (&row.certificate_id, &row.certificate_type, &row.certificate_data, &row.status)
            else {
                return Ok(None);
            };
            Ok(Some(ChargeStationInstallCertificate {
                certificate_type: parse(
                    "charge_station_install_certificate.certificate_type",
                    kind,
                    CertificateType::parse,
                )?,
                certificate_id: id.clone(),
                certificate_data: data.clone(),
                certificate_installation_status: parse(
                    "charge_station_install_certificate.status",
                    status,
                    CertificateInstallationStatus::parse,
                )?,
                send_after: row.send_after,
            }))
        },
    )?;
    Ok(groups
        .into_iter()
        .map(|(charge_station_id, certificates)| ChargeStationInstallCertificates { charge_station_id, certificates })
        .collect())
}

pub(crate) struct TriggerRow {
    pub charge_station_id: String,
    pub trigger_message: String,
    pub trigger_status: String,
    pub send_after: Option<DateTime<Utc>>,
}

pub(crate) fn trigger(row: TriggerRow) -> StoreResult<ChargeStationTriggerMessage> {
    Ok(ChargeStationTriggerMessage {
        trigger_message: parse("trigger_message", &row.trigger_message, TriggerMessage::parse)?,
        trigger_status: parse("trigger_status", &row.trigger_status, TriggerStatus::parse)?,
        charge_station_id: row.charge_station_id,
        send_after: row.send_after,
    })
}

pub(crate) struct TokenRow {
    pub uid: String,
    pub country_code: String,
    pub party_id: String,
    pub token_type: String,
    pub contract_id: String,
    pub visual_number: Option<String>,
    pub issuer: String,
    pub group_id: Option<String>,
    pub valid: bool,
    pub language_code: Option<String>,
    pub cache_mode: String,
    pub last_updated: DateTime<Utc>,
}

pub(crate) fn token(row: TokenRow) -> StoreResult<Token> {
    Ok(Token {
        cache_mode: parse("token.cache_mode", &row.cache_mode, CacheMode::parse)?,
        last_updated: format_last_updated(row.last_updated),
        country_code: row.country_code,
        party_id: row.party_id,
        token_type: row.token_type,
        uid: row.uid,
        contract_id: row.contract_id,
        visual_number: row.visual_number,
        issuer: row.issuer,
        group_id: row.group_id,
        valid: row.valid,
        language_code: row.language_code,
    })
}

pub(crate) struct TransactionRow {
    pub charge_station_id: String,
    pub transaction_id: String,
    pub id_token: String,
    pub token_type: String,
    pub start_seq_no: i64,
    pub ended_seq_no: i64,
    pub updated_seq_no_count: i64,
    pub offline: bool,
    pub ended_at: Option<DateTime<Utc>>,
    pub recorded_at: Option<String>,
    pub contexts: Option<Vec<Option<String>>>,
    pub locations: Option<Vec<Option<String>>>,
    pub measurands: Option<Vec<Option<String>>>,
    pub phases: Option<Vec<Option<String>>>,
    pub units: Option<Vec<Option<String>>>,
    pub multipliers: Option<Vec<Option<i64>>>,
    pub sampled_values: Option<Vec<f64>>,
}

fn meter_value(row: &TransactionRow) -> StoreResult<Option<MeterValue>> {
    let (
        Some(recorded_at),
        Some(contexts),
        Some(locations),
        Some(measurands),
        Some(phases),
        Some(units),
        Some(multipliers),
        Some(values),
    ) = (
        &row.recorded_at,
        &row.contexts,
        &row.locations,
        &row.measurands,
        &row.phases,
        &row.units,
        &row.multipliers,
        &row.sampled_values,
    )
    else {
        return Ok(None);
    };
    let count = values.len();
    if [contexts.len(), locations.len(), measurands.len(), phases.len(), units.len(), multipliers.len()]
        .iter()
        .any(|len| *len != count)
    {
        return Err(Unreadable::RaggedMeterValue {
            charge_station_id: row.charge_station_id.clone(),
            transaction_id: row.transaction_id.clone(),
        }
        .into());
    }
    let sampled_values = (0..count)
        .map(|i| SampledValue {
            context: contexts[i].clone(),
            location: locations[i].clone(),
            measurand: measurands[i].clone(),
            phase: phases[i].clone(),
            unit_of_measure: units[i]
                .clone()
                .map(|unit| UnitOfMeasure { unit, multiplier: multipliers[i].unwrap_or_default() }),
            value: values[i],
        })
        .collect();
    Ok(Some(MeterValue { sampled_values, timestamp: recorded_at.clone() }))
}

/// Rows of transactions LEFT JOIN meter values, ordered by (station, transaction, ordinal).
pub(crate) fn transactions(rows: Vec<TransactionRow>) -> StoreResult<Vec<Transaction>> {
    group_transactions(
        rows,
        |row| (&row.charge_station_id, &row.transaction_id),
        |row| Transaction {
            charge_station_id: row.charge_station_id.clone(),
            transaction_id: row.transaction_id.clone(),
            id_token: row.id_token.clone(),
            token_type: row.token_type.clone(),
            meter_values: Vec::new(),
            start_seq_no: row.start_seq_no,
            ended_seq_no: row.ended_seq_no,
            updated_seq_no_count: row.updated_seq_no_count,
            offline: row.offline,
        },
        meter_value,
    )
}

/// Like [`transactions`], each with when its first end was applied.
pub(crate) fn exported_transactions(
    rows: Vec<TransactionRow>,
) -> StoreResult<Vec<(Transaction, Option<DateTime<Utc>>)>> {
    let ended_at: Vec<Option<DateTime<Utc>>> = rows
        .chunk_by(|a, b| a.charge_station_id == b.charge_station_id && a.transaction_id == b.transaction_id)
        .map(|group| group[0].ended_at)
        .collect();
    Ok(transactions(rows)?.into_iter().zip(ended_at).collect())
}

/// Sampled values flattened into parallel column arrays, each tagged with its meter value's
/// 1-based position in the call.
#[derive(Debug, Default)]
pub(crate) struct MeterValueColumns {
    pub recorded_at: Vec<String>,
    /// Where each meter value's sampled values are in the columns below: 1-based, inclusive
    /// (first > last for none), so that the statement slices them out instead of regrouping.
    pub first_sampled: Vec<i32>,
    pub last_sampled: Vec<i32>,
    pub context: Vec<Option<String>>,
    pub location: Vec<Option<String>>,
    pub measurand: Vec<Option<String>>,
    pub phase: Vec<Option<String>>,
    pub unit: Vec<Option<String>>,
    pub multiplier: Vec<Option<i64>>,
    pub value: Vec<f64>,
}

impl MeterValueColumns {
    pub fn new(meter_values: &[MeterValue]) -> Self {
        let mut columns = MeterValueColumns::default();
        for meter_value in meter_values {
            columns.recorded_at.push(meter_value.timestamp.clone());
            columns.first_sampled.push(sql_position(columns.value.len() + 1));
            for sampled in &meter_value.sampled_values {
                columns.context.push(sampled.context.clone());
                columns.location.push(sampled.location.clone());
                columns.measurand.push(sampled.measurand.clone());
                columns.phase.push(sampled.phase.clone());
                columns.unit.push(sampled.unit_of_measure.as_ref().map(|unit| unit.unit.clone()));
                columns.multiplier.push(sampled.unit_of_measure.as_ref().map(|unit| unit.multiplier));
                columns.value.push(sampled.value);
            }
            columns.last_sampled.push(sql_position(columns.value.len()));
        }
        columns
    }
}

/// A position in an SQL array. One call's arrays are bounded by the request size limits far
/// below i32::MAX; a larger one saturates, and the statement then fails on its own bounds.
fn sql_position(position: usize) -> i32 {
    i32::try_from(position).unwrap_or(i32::MAX)
}

pub(crate) struct LocationRow {
    pub id: String,
    pub address: String,
    pub city: String,
    pub latitude: String,
    pub longitude: String,
    pub country: String,
    pub evses: Option<Json<Vec<Evse>>>,
    pub last_updated: DateTime<Utc>,
    pub name: String,
    pub parking_type: String,
    pub postal_code: String,
}

pub(crate) fn location(row: LocationRow) -> Location {
    Location {
        address: row.address,
        city: row.city,
        coordinates: GeoLocation { latitude: row.latitude, longitude: row.longitude },
        country: row.country,
        evses: row.evses.map(|Json(evses)| evses),
        id: row.id,
        last_updated: format_last_updated(row.last_updated),
        name: row.name,
        parking_type: row.parking_type,
        postal_code: row.postal_code,
    }
}

pub(crate) struct PartyRow {
    pub role: String,
    pub country_code: String,
    pub party_id: String,
    pub url: String,
    pub token: String,
}

pub(crate) fn party(row: PartyRow) -> OcpiParty {
    OcpiParty { country_code: row.country_code, party_id: row.party_id, role: row.role, url: row.url, token: row.token }
}
