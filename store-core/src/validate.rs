//! Validation applied before any backend stores anything (R3, R10, R13), so that no backend can
//! accept what another rejects. Only the core's layer calls these: backends never see an
//! argument that fails them.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};

use crate::error::{StoreError, StoreResult};
use crate::model::*;
use crate::time::is_storable;

/// Where in an argument a value sits, rendered only when there is something to report.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldPath<'a> {
    Root(&'static str),
    Field(&'a FieldPath<'a>, &'static str),
    Index(&'a FieldPath<'a>, usize),
    Key(&'a FieldPath<'a>, &'a str),
}

impl FieldPath<'_> {
    fn field(&self, name: &'static str) -> FieldPath<'_> {
        FieldPath::Field(self, name)
    }

    fn fail(&self, reason: &str) -> StoreError {
        StoreError::invalid_argument(self.to_string(), reason)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::Root(name) => f.write_str(name),
            FieldPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            FieldPath::Index(parent, index) => write!(f, "{parent}[{index}]"),
            FieldPath::Key(parent, key) => write!(f, "{parent}[{key:?}]"),
        }
    }
}

/// A value whose every part a backend can store.
pub(crate) trait Validate {
    fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()>;
}

/// The longest key (an id that a backend indexes) any backend accepts on write, in bytes.
/// Three keys of this size still fit one PostgreSQL btree index entry (about 2.7 kB), so a
/// composite key never fails in one backend and succeeds in another.
pub const MAX_KEY_BYTES: usize = 800;

/// Checks a whole argument, naming it `name` in any error.
pub(crate) fn argument<T: Validate + ?Sized>(name: &'static str, value: &T) -> StoreResult<()> {
    value.validate_at(&FieldPath::Root(name))
}

/// Checks a key argument of a write: no NUL and at most [`MAX_KEY_BYTES`].
pub(crate) fn key(name: &'static str, value: &str) -> StoreResult<()> {
    key_at(&FieldPath::Root(name), value)
}

/// The checks of a write keyed by charge station: the key, then the value named `name`.
pub(crate) fn charge_station_write<T: Validate + ?Sized>(
    charge_station_id: &str,
    name: &'static str,
    value: &T,
) -> StoreResult<()> {
    key("charge_station_id", charge_station_id)?;
    argument(name, value)
}

/// The checks of `create_transaction`, `update_transaction` (with empty tokens) and
/// `end_transaction`.
pub(crate) fn transaction_write(
    charge_station_id: &str,
    transaction_id: &str,
    id_token: &str,
    token_type: &str,
    meter_values: &[MeterValue],
) -> StoreResult<()> {
    key("charge_station_id", charge_station_id)?;
    key("transaction_id", transaction_id)?;
    argument("id_token", id_token)?;
    argument("token_type", token_type)?;
    argument("meter_values", meter_values)
}

/// The checks of `find_transaction`.
pub(crate) fn transaction_read(charge_station_id: &str, transaction_id: &str) -> StoreResult<()> {
    argument("charge_station_id", charge_station_id)?;
    argument("transaction_id", transaction_id)
}

fn key_at(at: &FieldPath<'_>, value: &str) -> StoreResult<()> {
    value.validate_at(at)?;
    if value.len() > MAX_KEY_BYTES {
        return Err(at.fail(&format!("key is {} bytes, longer than {MAX_KEY_BYTES}", value.len())));
    }
    Ok(())
}

impl Validate for str {
    fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()> {
        if self.contains('\0') {
            return Err(at.fail("contains a NUL character"));
        }
        Ok(())
    }
}

impl Validate for String {
    fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()> {
        self.as_str().validate_at(at)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()> {
        self.as_ref().map_or(Ok(()), |value| value.validate_at(at))
    }
}

impl<T: Validate> Validate for [T] {
    fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()> {
        self.iter().enumerate().try_for_each(|(index, item)| item.validate_at(&FieldPath::Index(at, index)))
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()> {
        self.as_slice().validate_at(at)
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()> {
        self.iter().try_for_each(|(key, value)| {
            key_at(&at.field("<key>"), key)?;
            value.validate_at(&FieldPath::Key(at, key))
        })
    }
}

impl Validate for DateTime<Utc> {
    fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()> {
        if !is_storable(*self) {
            return Err(at.fail("instant outside years 1 to 9999"));
        }
        Ok(())
    }
}

/// Implements `Validate` for a struct by checking the listed fields; fields not listed
/// (numbers, booleans, enums) need no check.
/// Fields listed after `keys:` are also held to [`MAX_KEY_BYTES`].
macro_rules! validate_fields {
    ($type:ty { $($field:ident),* $(,)? }) => {
        validate_fields!($type { keys: [], $($field),* });
    };
    ($type:ty { keys: [$($key:ident),*], $($field:ident),* $(,)? }) => {
        impl Validate for $type {
            fn validate_at(&self, at: &FieldPath<'_>) -> StoreResult<()> {
                $(key_at(&at.field(stringify!($key)), &self.$key)?;)*
                $(self.$field.validate_at(&at.field(stringify!($field)))?;)*
                Ok(())
            }
        }
    };
}

validate_fields!(ChargeStationAuth { base64_sha256_password });
validate_fields!(ChargeStationSetting { value, send_after });
validate_fields!(ChargeStationSettings { charge_station_id, settings });
validate_fields!(ChargeStationRuntimeDetails { ocpp_version });
validate_fields!(ChargeStationInstallCertificate { keys: [certificate_id], certificate_data, send_after });
validate_fields!(ChargeStationInstallCertificates { charge_station_id, certificates });
validate_fields!(ChargeStationTriggerMessage { charge_station_id, send_after });
validate_fields!(Token {
    keys: [uid],
    country_code,
    party_id,
    token_type,
    contract_id,
    visual_number,
    issuer,
    group_id,
    language_code,
    last_updated,
});
validate_fields!(MeterValue { sampled_values, timestamp });
validate_fields!(SampledValue { context, location, measurand, phase, unit_of_measure });
validate_fields!(UnitOfMeasure { unit });
validate_fields!(OcpiParty { keys: [country_code, party_id, role], url, token });
validate_fields!(Location {
    keys: [id],
    address,
    city,
    coordinates,
    country,
    evses,
    last_updated,
    name,
    parking_type,
    postal_code,
});
validate_fields!(GeoLocation { latitude, longitude });
validate_fields!(Evse { connectors, evse_id, status, uid, last_updated });
validate_fields!(Connector { format, id, power_type, standard, last_updated });

#[cfg(test)]
mod tests {
    use super::*;

    fn meter_value(context: &str) -> MeterValue {
        MeterValue {
            sampled_values: vec![SampledValue {
                context: Some(context.to_owned()),
                location: None,
                measurand: None,
                phase: None,
                unit_of_measure: None,
                value: 1.0,
            }],
            timestamp: "t".to_owned(),
        }
    }

    #[test]
    fn names_the_nested_field_that_holds_a_nul() {
        let values = vec![meter_value("ok"), meter_value("bad\0")];
        let err = argument("meter_values", &values).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid argument: meter_values[1].sampled_values[0].context: contains a NUL character"
        );
    }

    #[test]
    fn names_a_settings_key_that_holds_a_nul() {
        let mut settings = ChargeStationSettings::default();
        settings.settings.insert(
            "a\0b".to_owned(),
            ChargeStationSetting { value: "v".into(), status: ChargeStationSettingStatus::Pending, send_after: None },
        );
        let err = argument("settings", &settings).unwrap_err();
        assert_eq!(err.to_string(), "invalid argument: settings.settings.<key>: contains a NUL character");
    }

    #[test]
    fn accepts_ordinary_text() {
        assert!(argument("charge_station_id", "cs 1/é;x").is_ok());
    }
}
