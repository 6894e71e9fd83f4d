//! Request checks from the spec (lengths, enums, required values), each naming the field.

use store_core::StringEnum;

use super::error::ApiError;

pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let length = value.chars().count();
    if length < min || length > max {
        let bounds = if min == max { format!("exactly {min}") } else { format!("{min} to {max}") };
        return Err(ApiError::bad_request(format!("{field} must be {bounds} characters long, got {length}")));
    }
    Ok(())
}

pub fn max_length(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    length(field, value, 0, max)
}

pub fn one_of<'a>(field: &str, value: &'a str, allowed: &[&str]) -> Result<&'a str, ApiError> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::bad_request(format!("{field} {value:?} is not one of {allowed:?}")))
    }
}

/// `value` as one of `allowed`, a subset of a store-core enumeration, or an error naming the
/// field and listing the upstream strings.
pub fn one_of_values<T: StringEnum>(field: &str, value: &str, allowed: &[T]) -> Result<T, ApiError> {
    match T::parse(value).filter(|parsed| allowed.contains(parsed)) {
        Some(parsed) => Ok(parsed),
        None => {
            let names: Vec<&str> = allowed.iter().map(|allowed| allowed.as_str()).collect();
            Err(ApiError::bad_request(format!("{field} {value:?} is not one of {names:?}")))
        }
    }
}

/// `value` as any value of the store-core enumeration `T`.
pub fn any_of<T: StringEnum>(field: &str, value: &str) -> Result<T, ApiError> {
    one_of_values(field, value, T::ALL)
}
