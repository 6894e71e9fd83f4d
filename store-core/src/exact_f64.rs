//! Serde for an `f64` that must survive JSON bit for bit (R2, R13): a finite value is a JSON
//! number (shortest form that parses back to the same bits; serde_json's `float_roundtrip`
//! parser reads it exactly), anything else the 16 hex digits of its IEEE 754 bits, since JSON
//! has no NaN or infinity and a NaN may carry a payload.

use serde::{Deserialize, Deserializer, Serializer, de};

pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.is_finite() {
        serializer.serialize_f64(*value)
    } else {
        serializer.serialize_str(&format!("{:016x}", value.to_bits()))
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Encoded {
    Number(f64),
    Bits(String),
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    match Encoded::deserialize(deserializer)? {
        Encoded::Number(value) => Ok(value),
        Encoded::Bits(bits) if bits.len() == 16 => u64::from_str_radix(&bits, 16)
            .map(f64::from_bits)
            .map_err(|_| de::Error::custom(format!("{bits:?} is not 16 hex digits of an f64"))),
        Encoded::Bits(bits) => Err(de::Error::custom(format!("{bits:?} is not 16 hex digits of an f64"))),
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    struct Wrapped(#[serde(with = "super")] f64);

    #[test]
    fn every_kind_of_value_survives_json_bit_for_bit() {
        let values = [0.0, -0.0, 1.5, 0.1, f64::MAX, f64::MIN_POSITIVE, 5e-324, f64::INFINITY, f64::NEG_INFINITY]
            .into_iter()
            .chain([f64::NAN, -f64::NAN, f64::from_bits(0x7ff0_0000_0000_0001), f64::from_bits(0xfff8_dead_beef_0001)]);
        for value in values {
            let json = serde_json::to_string(&Wrapped(value)).unwrap();
            let back: Wrapped = serde_json::from_str(&json).unwrap();
            assert_eq!(back.0.to_bits(), value.to_bits(), "{value:?} as {json}");
        }
        assert_eq!(serde_json::to_string(&Wrapped(f64::NAN)).unwrap(), "\"7ff8000000000000\"");
        assert_eq!(serde_json::to_string(&Wrapped(1.5)).unwrap(), "1.5");
    }

    #[test]
    fn a_string_that_is_not_sixteen_hex_digits_is_refused() {
        for bad in ["\"NaN\"", "\"7ff8\"", "\"zzzzzzzzzzzzzzzz\"", "null"] {
            assert!(serde_json::from_str::<Wrapped>(bad).is_err(), "{bad}");
        }
    }
}
