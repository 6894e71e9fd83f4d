//! The one place that maps rows to domain types and domain values to column values, for the SQL
//! backends whose servers have neither an instant type covering years 1 to 9999 with
//! microseconds nor a float type that keeps NaN and infinities (SQLite, MySQL/MariaDB): instants
//! as microseconds since the Unix epoch, booleans as 0/1, sampled values as JSON with each
//! value's f64 bits, evses as JSON. Each backend's `query_as!` calls fill these row types.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use store_core::grouping::{group_by_parent, group_transactions};
use store_core::time::format_last_updated;
use store_core::*;

/// A stored value this code cannot read back: the schema and the code disagree.
#[derive(Debug, thiserror::Error)]
pub enum Unreadable {
    #[error("stored {column} {value:?} is not a known value")]
    UnknownValue { column: &'static str, value: String },
    #[error("stored {column} {value} is not an instant in years 1 to 9999")]
    Instant { column: &'static str, value: i64 },
    #[error("stored sampled values of {charge_station_id:?}/{transaction_id:?} are not readable: {source}")]
    SampledValues { charge_station_id: String, transaction_id: String, source: serde_json::Error },
    #[error("stored evses of location {location_id:?} are not readable: {source}")]
    Evses { location_id: String, source: serde_json::Error },
}

impl From<Unreadable> for StoreError {
    fn from(err: Unreadable) -> Self {
        StoreError::from_source(ErrorKind::Backend, err)
    }
}

pub fn parse<T>(column: &'static str, value: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(value).ok_or_else(|| Unreadable::UnknownValue { column, value: value.to_owned() }.into())
}

pub fn security_profile(value: i64) -> StoreResult<SecurityProfile> {
    i16::try_from(value)
        .ok()
        .and_then(SecurityProfile::from_i16)
        .ok_or_else(|| Unreadable::UnknownValue { column: "security_profile", value: value.to_string() }.into())
}

/// An instant as stored: microseconds since the Unix epoch (the core has already truncated it
/// to microseconds and checked it lies in years 1 to 9999, so it fits).
pub fn micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

pub fn optional_micros(instant: Option<DateTime<Utc>>) -> Option<i64> {
    instant.map(micros)
}

pub fn instant(column: &'static str, value: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(value)
        .filter(|instant| time::is_storable(*instant))
        .ok_or_else(|| Unreadable::Instant { column, value }.into())
}

pub fn optional_instant(column: &'static str, value: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
    value.map(|value| instant(column, value)).transpose()
}

#[derive(Debug)]
pub struct SettingRow {
    pub charge_station_id: String,
    pub setting_key: Option<String>,
    pub setting_value: Option<String>,
    pub status: Option<String>,
    pub send_after_micros: Option<i64>,
}

pub fn settings(rows: Vec<SettingRow>) -> StoreResult<Vec<ChargeStationSettings>> {
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
                send_after: optional_instant("charge_station_setting.send_after_micros", row.send_after_micros)?,
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

#[derive(Debug)]
pub struct InstallCertificateRow {
    pub charge_station_id: String,
    pub certificate_id: Option<String>,
    pub certificate_type: Option<String>,
    pub certificate_data: Option<String>,
    pub status: Option<String>,
    pub send_after_micros: Option<i64>,
}

pub fn install_certificates(rows: Vec<InstallCertificateRow>) -> StoreResult<Vec<ChargeStationInstallCertificates>> {
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
                send_after: optional_instant(
                    "charge_station_install_certificate.send_after_micros",
                    row.send_after_micros,
                )?,
            }))
        },
    )?;
    Ok(groups
        .into_iter()
        .map(|(charge_station_id, certificates)| ChargeStationInstallCertificates { charge_station_id, certificates })
        .collect())
}

#[derive(Debug)]
pub struct TriggerRow {
    pub charge_station_id: String,
    pub trigger_message: String,
    pub trigger_status: String,
    pub send_after_micros: Option<i64>,
}

pub fn trigger(row: TriggerRow) -> StoreResult<ChargeStationTriggerMessage> {
    Ok(ChargeStationTriggerMessage {
        trigger_message: parse("trigger_message", &row.trigger_message, TriggerMessage::parse)?,
        trigger_status: parse("trigger_status", &row.trigger_status, TriggerStatus::parse)?,
        send_after: optional_instant("charge_station_trigger_message.send_after_micros", row.send_after_micros)?,
        charge_station_id: row.charge_station_id,
    })
}

#[derive(Debug)]
pub struct TokenRow {
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
    pub last_updated_micros: i64,
}

pub fn token(row: TokenRow) -> StoreResult<Token> {
    Ok(Token {
        cache_mode: parse("token.cache_mode", &row.cache_mode, CacheMode::parse)?,
        last_updated: format_last_updated(instant("token.last_updated_micros", row.last_updated_micros)?),
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

/// One sampled value as stored in `meter_value.sampled_values`.
#[derive(Serialize, Deserialize)]
struct StoredSampledValue<'a> {
    context: Option<Cow<'a, str>>,
    location: Option<Cow<'a, str>>,
    measurand: Option<Cow<'a, str>>,
    phase: Option<Cow<'a, str>>,
    unit: Option<Cow<'a, str>>,
    multiplier: Option<i64>,
    /// `f64::to_bits`: the only encoding that keeps NaN payloads, ±Inf and -0.0 (R2, R13).
    value_bits: u64,
}

/// The `sampled_values` column of one meter value.
pub fn sampled_values_json(sampled_values: &[SampledValue]) -> String {
    let stored: Vec<StoredSampledValue<'_>> = sampled_values
        .iter()
        .map(|sampled| StoredSampledValue {
            context: sampled.context.as_deref().map(Cow::Borrowed),
            location: sampled.location.as_deref().map(Cow::Borrowed),
            measurand: sampled.measurand.as_deref().map(Cow::Borrowed),
            phase: sampled.phase.as_deref().map(Cow::Borrowed),
            unit: sampled.unit_of_measure.as_ref().map(|unit| Cow::Borrowed(unit.unit.as_str())),
            multiplier: sampled.unit_of_measure.as_ref().map(|unit| unit.multiplier),
            value_bits: sampled.value.to_bits(),
        })
        .collect();
    // Serialising plain strings, integers and options cannot fail.
    serde_json::to_string(&stored).unwrap_or_default()
}

#[derive(Debug)]
pub struct TransactionRow {
    pub charge_station_id: String,
    pub transaction_id: String,
    pub id_token: String,
    pub token_type: String,
    pub start_seq_no: i64,
    pub ended_seq_no: i64,
    pub updated_seq_no_count: i64,
    pub offline: bool,
    pub ended_at_micros: Option<i64>,
    pub recorded_at: Option<String>,
    pub sampled_values: Option<String>,
}

fn meter_value(row: &TransactionRow) -> StoreResult<Option<MeterValue>> {
    let (Some(recorded_at), Some(sampled_values)) = (&row.recorded_at, &row.sampled_values) else {
        return Ok(None);
    };
    let stored: Vec<StoredSampledValue<'_>> =
        serde_json::from_str(sampled_values).map_err(|source| Unreadable::SampledValues {
            charge_station_id: row.charge_station_id.clone(),
            transaction_id: row.transaction_id.clone(),
            source,
        })?;
    let sampled_values = stored
        .into_iter()
        .map(|stored| SampledValue {
            context: stored.context.map(Cow::into_owned),
            location: stored.location.map(Cow::into_owned),
            measurand: stored.measurand.map(Cow::into_owned),
            phase: stored.phase.map(Cow::into_owned),
            unit_of_measure: stored.unit.map(|unit| UnitOfMeasure {
                unit: unit.into_owned(),
                multiplier: stored.multiplier.unwrap_or_default(),
            }),
            value: f64::from_bits(stored.value_bits),
        })
        .collect();
    Ok(Some(MeterValue { sampled_values, timestamp: recorded_at.clone() }))
}

/// Rows of transactions LEFT JOIN meter values, ordered by (station, transaction, ordinal).
pub fn transactions(rows: Vec<TransactionRow>) -> StoreResult<Vec<Transaction>> {
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

/// The `evses` column: NULL, `[]` and a non-empty array stay three states (R2).
/// Like [`transactions`], each with when its first end was applied.
pub fn exported_transactions(rows: Vec<TransactionRow>) -> StoreResult<Vec<(Transaction, Option<DateTime<Utc>>)>> {
    let ended_at = rows
        .chunk_by(|a, b| a.charge_station_id == b.charge_station_id && a.transaction_id == b.transaction_id)
        .map(|group| optional_instant("ended_at_micros", group[0].ended_at_micros))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(transactions(rows)?.into_iter().zip(ended_at).collect())
}

pub fn evses_json(evses: Option<&Vec<Evse>>) -> Option<String> {
    // Evses are plain strings and lists: serialising them cannot fail.
    evses.map(|evses| serde_json::to_string(evses).unwrap_or_default())
}

#[derive(Debug)]
pub struct LocationRow {
    pub id: String,
    pub address: String,
    pub city: String,
    pub latitude: String,
    pub longitude: String,
    pub country: String,
    pub evses: Option<String>,
    pub last_updated_micros: i64,
    pub name: String,
    pub parking_type: String,
    pub postal_code: String,
}

pub fn location(row: LocationRow) -> StoreResult<Location> {
    let evses = row
        .evses
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|source| Unreadable::Evses { location_id: row.id.clone(), source })?;
    Ok(Location {
        last_updated: format_last_updated(instant("location.last_updated_micros", row.last_updated_micros)?),
        address: row.address,
        city: row.city,
        coordinates: GeoLocation { latitude: row.latitude, longitude: row.longitude },
        country: row.country,
        evses,
        id: row.id,
        name: row.name,
        parking_type: row.parking_type,
        postal_code: row.postal_code,
    })
}

#[derive(Debug)]
pub struct PartyRow {
    pub role: String,
    pub country_code: String,
    pub party_id: String,
    pub url: String,
    pub token: String,
}

pub fn party(row: PartyRow) -> OcpiParty {
    OcpiParty { country_code: row.country_code, party_id: row.party_id, role: row.role, url: row.url, token: row.token }
}
